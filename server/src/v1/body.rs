//! Request bodies: JSON objects read strictly (unknown members refused),
//! every error naming the member that was wrong.

use serde::de::DeserializeOwned;

use super::problem::Problem;

/// The largest body a `/v1` request may send (a list of invitations).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Reads `body` as `T`; an empty body reads as `{}`.
pub fn read<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { body };
    // serde would also read a struct from an array, by position.
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(Problem::invalid("body", "The request body must be a JSON object."));
    }
    let mut json = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut json).map_err(|error| {
        let path = error.path().to_string();
        let message = error.inner().to_string();
        let field = if path == "." { named_in(&message).unwrap_or("body").to_owned() } else { path };
        Problem::invalid(&field, format!("The request body is not understood: {message}."))
    })
}

/// The member a serde message names (`missing field `role``, `unknown field `x``).
fn named_in(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let length = message[start..].find('`')?;
    Some(&message[start..start + length])
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct RoleChange {
        role: String,
        reason: Option<String>,
    }

    #[test]
    fn every_error_names_its_member() {
        assert_eq!(read::<RoleChange>(b"{\"role\": 5}").unwrap_err().field.as_deref(), Some("role"));
        assert_eq!(read::<RoleChange>(b"{}").unwrap_err().field.as_deref(), Some("role"));
        assert_eq!(read::<RoleChange>(b"{\"role\":\"a\",\"x\":1}").unwrap_err().field.as_deref(), Some("x"));
        assert_eq!(read::<RoleChange>(b"[1,").unwrap_err().field.as_deref(), Some("body"));
        assert_eq!(read::<RoleChange>(b"[\"editor\"]").unwrap_err().field.as_deref(), Some("body"));
        assert_eq!(read::<RoleChange>(b"{\"role\":\"editor\"}").unwrap().role, "editor");
    }
}
