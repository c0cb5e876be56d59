//! URL query strings, read and written one way wherever Roster handles them:
//! the server and the browser build the same links and read them alike.

use std::{collections::HashMap, fmt};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a value keeps as it is: RFC 3986's unreserved characters. Anything
/// else is percent-encoded, a space as `%20`, so a link reads the same to
/// every parser (a `+` means a space only to form decoders).
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// A value percent-encoded for a URL query.
pub fn encode(value: &str) -> impl fmt::Display + '_ {
    utf8_percent_encode(value, ENCODED)
}

/// `key=value` pairs joined with `&`, each value encoded; the keys are
/// the caller's own names and written as they are.
pub fn join<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs.into_iter().map(|(key, value)| format!("{key}={}", encode(value))).collect::<Vec<_>>().join("&")
}

/// Every parameter of a query string in its order, repeats included,
/// decoded as [`Params`] decodes them: what a form must send again to keep
/// an address as it was.
/// Where to send someone after signing in: only a path on this site, so a
/// crafted `?next=` link cannot bounce them to another origin.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

pub fn pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

/// The parameters of a query string, decoded as browsers encode forms
/// (`+` is a space, a broken escape stays as written); of a repeated key,
/// the last value counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(HashMap<String, String>);

impl Params {
    pub fn parse(query: &str) -> Self {
        Self(form_urlencoded::parse(query.as_bytes()).into_owned().collect())
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreserved_characters_stay_as_they_are() {
        assert_eq!(encode("Az09-_.~").to_string(), "Az09-_.~");
        assert_eq!(encode("a b&c=d+e/f?%").to_string(), "a%20b%26c%3Dd%2Be%2Ff%3F%25");
        assert_eq!(encode("é*'").to_string(), "%C3%A9%2A%27");
    }

    #[test]
    fn pairs_round_trip_through_the_parser() {
        let query = join([("q", "Ada & co+1"), ("page", "2")]);
        assert_eq!(query, "q=Ada%20%26%20co%2B1&page=2");
        let params = Params::parse(&query);
        assert_eq!(params.get("q").as_deref(), Some("Ada & co+1"));
        assert_eq!(params.get("page").as_deref(), Some("2"));
        assert_eq!(params.get("size"), None);
    }

    #[test]
    fn pairs_keep_their_order_and_repeats() {
        assert_eq!(
            pairs("q=Ada%20L&page=2&q=x+y"),
            [("q", "Ada L"), ("page", "2"), ("q", "x y")].map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert!(pairs("").is_empty());
    }

    #[test]
    fn the_last_of_a_repeated_key_counts_and_broken_escapes_stay() {
        let params = Params::parse("page=1&page=3&q=50%&x=a+b");
        assert_eq!(params.get("page").as_deref(), Some("3"));
        assert_eq!(params.get("q").as_deref(), Some("50%"));
        assert_eq!(params.get("x").as_deref(), Some("a b"));
    }
}
