//! Opaque cursors: where a slice of a list ended, with the query it
//! belongs to, as URL-safe base64 of JSON. A client passes them back as
//! given; one that was altered, or sent with another query, is refused.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Serialize, de::DeserializeOwned};

use super::problem::Problem;

/// Longer than any cursor Roster gives.
const MAX_CURSOR_CHARS: usize = 2048;

pub fn encode<T: Serialize>(position: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
}

pub fn decode<T: DeserializeOwned>(cursor: &str) -> Result<T, Problem> {
    let refused = || Problem::invalid("cursor", "This cursor is not one Roster gave for this query.");
    if cursor.len() > MAX_CURSOR_CHARS {
        return Err(refused());
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| refused())?;
    serde_json::from_slice(&bytes).map_err(|_| refused())
}

/// How many items a slice holds: `limit` when given (1 to `max`), else `default`.
pub fn limit(given: Option<String>, default: i64, max: i64) -> Result<i64, Problem> {
    match given {
        None => Ok(default),
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(Problem::invalid("limit", format!("Give a limit from 1 to {max}."))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_and_refuse_what_roster_did_not_give() {
        let cursor = encode(&(42_i64, "b"));
        assert_eq!(decode::<(i64, String)>(&cursor).unwrap(), (42, "b".to_owned()));
        assert_eq!(decode::<(i64, String)>("not a cursor").unwrap_err().field.as_deref(), Some("cursor"));
        assert!(decode::<(i64, String)>(&encode(&"other")).is_err());
        assert_eq!(limit(None, 50, 500).unwrap(), 50);
        assert!(limit(Some("0".into()), 50, 500).is_err());
        assert!(limit(Some("501".into()), 50, 500).is_err());
        assert_eq!(limit(Some("500".into()), 50, 500).unwrap(), 500);
    }
}
