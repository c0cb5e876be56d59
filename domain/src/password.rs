/// NIST SP 800-63B §5.1.1.2: at least 8 characters, and allow at least 64.
pub const MIN_CHARS: usize = 8;
/// Generous, but bounded so a megabyte "password" cannot tie up the hasher.
pub const MAX_CHARS: usize = 128;

/// A password someone is choosing. Only its length is ruled on: NIST advises
/// against composition rules. It is never serialised, logged or displayed.
pub struct NewPassword(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("Choose a password of at least {MIN_CHARS} characters.")]
    TooShort,
    #[error("A password can be at most {MAX_CHARS} characters.")]
    TooLong,
}

impl NewPassword {
    pub fn parse(input: String) -> Result<Self, PasswordError> {
        let chars = input.chars().count();
        if chars < MIN_CHARS {
            Err(PasswordError::TooShort)
        } else if chars > MAX_CHARS {
            Err(PasswordError::TooLong)
        } else {
            Ok(Self(input))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_bounds_count_characters_not_bytes() {
        assert_eq!(NewPassword::parse("1234567".into()).unwrap_err(), PasswordError::TooShort);
        assert!(NewPassword::parse("12345678".into()).is_ok());
        assert!(NewPassword::parse("ééééééé€".into()).is_ok());
        assert!(NewPassword::parse("x".repeat(64)).is_ok());
        assert_eq!(NewPassword::parse("x".repeat(129)).unwrap_err(), PasswordError::TooLong);
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let password = NewPassword::parse("correct horse battery".into()).unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
