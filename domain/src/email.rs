use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// The longest address SMTP can carry in a `MAIL FROM`/`RCPT TO` path (RFC 5321 §4.5.3.1.3).
const MAX_LEN: usize = 254;

/// An email address, syntactically valid and normalised to lower case.
///
/// Roster treats addresses as case-insensitive (DESIGN §4): normalising once,
/// here, means the database's unique index and every comparison agree.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("Enter an email address.")]
    Empty,
    #[error("An email address can be at most {MAX_LEN} characters.")]
    TooLong,
    #[error("“{0}” is not a valid email address.")]
    Invalid(String),
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        // The lower-cased form is what is kept, so that is what must be
        // valid: lower case can be longer ("İ" becomes "i" and a combining
        // dot) and can stop being a valid address at all.
        let lower = trimmed.to_lowercase();
        if lower.chars().count() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let options = email_address::Options::default().without_display_text().without_domain_literal();
        match email_address::EmailAddress::parse_with_options(&lower, options) {
            // A bare host ("a@localhost") is legal but almost always a typo
            // for a real address; require a dot in the domain.
            Ok(address) if address.domain().contains('.') => Ok(Self(lower)),
            _ => Err(EmailError::Invalid(shorten(trimmed))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Error messages echo the input; keep them readable when the input is huge.
fn shorten(input: &str) -> String {
    const ECHO: usize = 60;
    if input.chars().count() <= ECHO {
        input.to_owned()
    } else {
        input.chars().take(ECHO).chain(['…']).collect()
    }
}

impl FromStr for Email {
    type Err = EmailError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        let email = Email::parse("  Ada.Lovelace@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "ada.lovelace@example.com");
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for input in ["ada", "ada@", "@example.com", "ada@@example.com", "ada@localhost", "a b@example.com"] {
            assert!(
                matches!(Email::parse(input), Err(EmailError::Invalid(_))),
                "{input:?} should be invalid"
            );
        }
    }

    #[test]
    fn rejects_empty_and_oversized_input() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    /// Found by `an_accepted_address_parses_to_itself` (domain/tests/properties.rs):
    /// "İ" lower-cases to "i" and a combining dot, which may not end a
    /// domain label and makes the label longer, so an address valid as
    /// typed could be kept in a form that is not.
    #[test]
    fn an_address_is_valid_in_the_form_it_is_kept() {
        assert!(matches!(Email::parse("ada@istanbulİ.example"), Err(EmailError::Invalid(_))));
        let grows_past_a_label = format!("ada@{}a.example", "İ".repeat(25));
        assert!(matches!(Email::parse(&grows_past_a_label), Err(EmailError::Invalid(_))));
        for typed in ["ADA@ÉCOLE.example", "ada@İstanbul.example"] {
            let email = Email::parse(typed).unwrap();
            assert_eq!(Email::parse(email.as_str()), Ok(email));
        }
    }

    #[test]
    fn error_message_does_not_echo_a_huge_input() {
        let huge = "x".repeat(200);
        let message = Email::parse(&huge).unwrap_err().to_string();
        assert!(message.chars().count() < 100, "{message}");
    }
}
