//! The parameters of a protocol request, from a query string or a form
//! body. Each may appear once (RFC 6749 §3.1, §3.2): a repeated, oversized or
//! malformed one is refused before anything else is read.

use std::collections::HashMap;

use super::error::OAuthError;

/// No parameter Roster reads is longer (a redirect URI is at most 2,000
/// bytes when registered; state and nonce are an app's random strings).
const MAX_VALUE_BYTES: usize = 4_096;
const MAX_PARAMETERS: usize = 50;

#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

impl Params {
    pub fn parse(input: &[u8]) -> Result<Self, OAuthError> {
        let mut params = HashMap::new();
        // `form_urlencoded::parse` would replace broken UTF-8 with U+FFFD and
        // pass the mangled value on (a `state` sent back altered, say).
        if percent_encoding::percent_decode(input).decode_utf8().is_err() {
            return Err(OAuthError::invalid_request("The parameters are not valid UTF-8."));
        }
        for (name, value) in form_urlencoded::parse(input) {
            if params.len() == MAX_PARAMETERS {
                return Err(OAuthError::invalid_request("Too many parameters."));
            }
            if value.len() > MAX_VALUE_BYTES || name.len() > 100 {
                return Err(OAuthError::invalid_request(format!("The parameter {name} is too long.")));
            }
            if value.chars().any(|c| c.is_control() && c != '\n') {
                return Err(OAuthError::invalid_request(format!(
                    "The parameter {name} has control characters."
                )));
            }
            if params.insert(name.clone().into_owned(), value.into_owned()).is_some() {
                return Err(OAuthError::invalid_request(format!("The parameter {name} is repeated.")));
            }
        }
        Ok(Self(params))
    }

    /// The parameter, if given and not empty (RFC 6749 §3.1: an empty
    /// parameter is treated as omitted).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|value| !value.is_empty())
    }

    /// Whether the parameter is present at all, even empty.
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    pub fn require(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name).ok_or_else(|| OAuthError::invalid_request(format!("The parameter {name} is missing.")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_parameter_once_and_of_reasonable_size() {
        let params = Params::parse(b"a=1&b=&c=x%20y").unwrap();
        assert_eq!(params.get("a"), Some("1"));
        assert_eq!(params.get("b"), None);
        assert!(params.has("b"));
        assert_eq!(params.get("c"), Some("x y"));
        assert!(params.require("d").is_err());
        assert!(Params::parse(b"a=1&a=2").unwrap_err().error_description.contains("repeated"));
        let long = format!("a={}", "x".repeat(5_000));
        assert!(Params::parse(long.as_bytes()).is_err());
        assert!(Params::parse(b"a=%00").is_err());
        assert!(Params::parse(b"a=%FF%FE").is_err());
        assert!(Params::parse(b"a=\xff").is_err());
        assert_eq!(Params::parse(b"a=L%C3%B6we").unwrap().get("a"), Some("L\u{f6}we"));
        let many: String = (0..60).map(|i| format!("p{i}=1&")).collect();
        assert!(Params::parse(many.as_bytes()).is_err());
    }
}
