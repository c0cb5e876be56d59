const MAX_CHARS: usize = 500;

/// Why an admin made a change (a suspension), in their words: kept in the
/// audit log. Optional, so a blank one is no reason at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReasonError {
    #[error("A reason can be at most {MAX_CHARS} characters.")]
    TooLong,
    #[error("A reason cannot contain control characters other than line breaks.")]
    ControlCharacter,
}

impl Reason {
    /// `Ok(None)` for an empty or blank reason.
    pub fn parse(input: &str) -> Result<Option<Self>, ReasonError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.chars().count() > MAX_CHARS {
            return Err(ReasonError::TooLong);
        }
        if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            return Err(ReasonError::ControlCharacter);
        }
        Ok(Some(Self(trimmed.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_no_reason_and_text_is_trimmed() {
        assert_eq!(Reason::parse("  \n "), Ok(None));
        assert_eq!(Reason::parse(" Left the company.\n").unwrap().unwrap().as_str(), "Left the company.");
        assert!(Reason::parse("line one\nline two").unwrap().is_some());
    }

    #[test]
    fn long_or_control_characters_are_refused() {
        assert_eq!(Reason::parse(&"x".repeat(501)), Err(ReasonError::TooLong));
        assert!(Reason::parse(&"é".repeat(500)).is_ok(), "characters, not bytes");
        assert_eq!(Reason::parse("bell\u{7}"), Err(ReasonError::ControlCharacter));
    }
}
