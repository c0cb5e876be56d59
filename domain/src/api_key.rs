//! What an admin types to make an API key: its name and how long it lasts.

const MAX_NAME_CHARS: usize = 80;
/// The longest an expiring key may last, in days (ten years).
pub const MAX_KEY_DAYS: u32 = 3650;

/// A key's name, such as "billing": how its owners and the audit log tell it apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiKeyNameError {
    #[error("Enter a name for the key, such as what will use it.")]
    Empty,
    #[error("A key's name can be at most {MAX_NAME_CHARS} characters.")]
    TooLong,
    #[error("A key's name cannot contain control characters.")]
    ControlCharacter,
}

impl ApiKeyName {
    pub fn parse(input: &str) -> Result<Self, ApiKeyNameError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(ApiKeyNameError::Empty);
        }
        if trimmed.chars().count() > MAX_NAME_CHARS {
            return Err(ApiKeyNameError::TooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(ApiKeyNameError::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Leave empty for a key that does not expire, or give a number of days from 1 to {MAX_KEY_DAYS}.")]
pub struct KeyLifetimeError;

/// In how many days a new key expires: `None` (empty input) for never.
pub fn parse_key_days(input: &str) -> Result<Option<u32>, KeyLifetimeError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    match trimmed.parse::<u32>() {
        Ok(days @ 1..=MAX_KEY_DAYS) => Ok(Some(days)),
        _ => Err(KeyLifetimeError),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(ApiKeyName::parse("  billing ").unwrap().as_str(), "billing");
        assert_eq!(ApiKeyName::parse(" "), Err(ApiKeyNameError::Empty));
        assert_eq!(ApiKeyName::parse(&"k".repeat(81)), Err(ApiKeyNameError::TooLong));
        assert!(ApiKeyName::parse(&"é".repeat(80)).is_ok());
        assert_eq!(ApiKeyName::parse("a\nb"), Err(ApiKeyNameError::ControlCharacter));
    }

    #[test]
    fn lifetimes_are_whole_days_or_never() {
        assert_eq!(parse_key_days(""), Ok(None));
        assert_eq!(parse_key_days(" 90 "), Ok(Some(90)));
        for bad in ["0", "-1", "3651", "1.5", "soon", "99999999999"] {
            assert_eq!(parse_key_days(bad), Err(KeyLifetimeError), "{bad}");
        }
    }
}
