use std::fmt;

use serde::{Deserialize, Serialize};

const MAX_CHARS: usize = 100;

/// A person's name as shown in tables and emails: trimmed, non-empty, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    #[error("Enter a name.")]
    Empty,
    #[error("A name can be at most {MAX_CHARS} characters.")]
    TooLong,
    #[error("A name cannot contain control characters.")]
    ControlCharacter,
}

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, DisplayNameError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(DisplayNameError::Empty);
        }
        if trimmed.chars().count() > MAX_CHARS {
            return Err(DisplayNameError::TooLong);
        }
        if trimmed.chars().any(char::is_control) {
            return Err(DisplayNameError::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DisplayName {
    type Error = DisplayNameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DisplayName> for String {
    fn from(name: DisplayName) -> Self {
        name.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_unicode() {
        assert_eq!(DisplayName::parse("  Zoë Ångström ").unwrap().as_str(), "Zoë Ångström");
    }

    #[test]
    fn rejects_empty_long_and_control_characters() {
        assert_eq!(DisplayName::parse(" \t "), Err(DisplayNameError::Empty));
        assert_eq!(DisplayName::parse(&"é".repeat(101)), Err(DisplayNameError::TooLong));
        assert_eq!(DisplayName::parse("Ada\u{0}Lovelace"), Err(DisplayNameError::ControlCharacter));
        assert_eq!(DisplayName::parse("Ada\nLovelace"), Err(DisplayNameError::ControlCharacter));
    }

    #[test]
    fn markup_is_just_text() {
        // Names are rendered as text nodes; the value itself is kept verbatim.
        let name = DisplayName::parse("<script>alert(1)</script>").unwrap();
        assert_eq!(name.as_str(), "<script>alert(1)</script>");
    }
}
