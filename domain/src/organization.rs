use std::fmt;

use serde::{Deserialize, Serialize};

const SLUG_MAX: usize = 40;
const NAME_MAX: usize = 100;

/// An organization's name in URLs (`/orgs/acme-corp`): lower-case letters,
/// digits and single hyphens, 2 to 40 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("A URL name needs at least 2 characters.")]
    TooShort,
    #[error("A URL name can be at most {SLUG_MAX} characters.")]
    TooLong,
    #[error(
        "A URL name can only hold lower-case letters, digits and single hyphens, and cannot start or end with a hyphen."
    )]
    Invalid,
}

impl Slug {
    pub fn parse(input: &str) -> Result<Self, SlugError> {
        let input = input.trim();
        if input.chars().count() > SLUG_MAX {
            return Err(SlugError::TooLong);
        }
        if input.len() < 2 {
            return Err(SlugError::TooShort);
        }
        let valid = input.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !input.starts_with('-')
            && !input.ends_with('-')
            && !input.contains("--");
        if valid { Ok(Self(input.to_owned())) } else { Err(SlugError::Invalid) }
    }

    /// A slug made from a display name: "Acme Corp." becomes `acme-corp`.
    /// Letters outside ASCII are dropped, so the result may be too short.
    pub fn from_name(name: &str) -> Result<Self, SlugError> {
        let mut slug = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug: String = slug.chars().take(SLUG_MAX).collect();
        Self::parse(slug.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An organization's display name: trimmed, 1 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganizationName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganizationNameError {
    #[error("Enter the organization's name.")]
    Empty,
    #[error("An organization name can be at most {NAME_MAX} characters.")]
    TooLong,
    #[error("An organization name cannot contain control characters.")]
    ControlCharacter,
}

impl OrganizationName {
    pub fn parse(input: &str) -> Result<Self, OrganizationNameError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            Err(OrganizationNameError::Empty)
        } else if trimmed.chars().count() > NAME_MAX {
            Err(OrganizationNameError::TooLong)
        } else if trimmed.chars().any(char::is_control) {
            Err(OrganizationNameError::ControlCharacter)
        } else {
            Ok(Self(trimmed.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrganizationName {
    type Error = OrganizationNameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrganizationName> for String {
    fn from(name: OrganizationName) -> Self {
        name.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(Slug::parse("acme-corp").unwrap().as_str(), "acme-corp");
        for bad in ["Acme", "acme corp", "-acme", "acme-", "ac--me", "a", "acme/../x", "ac%2e"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Slug::parse(&"a".repeat(41)), Err(SlugError::TooLong));
    }

    #[test]
    fn slugs_are_made_from_names() {
        assert_eq!(Slug::from_name("Acme Corp.").unwrap().as_str(), "acme-corp");
        assert_eq!(Slug::from_name("  Globex  International ").unwrap().as_str(), "globex-international");
        assert_eq!(Slug::from_name("Ünïcode Ltd").unwrap().as_str(), "n-code-ltd");
        assert!(Slug::from_name("日本").is_err());
        assert_eq!(Slug::from_name(&"word ".repeat(20)).unwrap().as_str().len(), 39);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(OrganizationName::parse("  Acme ").unwrap().as_str(), "Acme");
        assert_eq!(OrganizationName::parse(""), Err(OrganizationNameError::Empty));
        assert_eq!(OrganizationName::parse(&"x".repeat(101)), Err(OrganizationNameError::TooLong));
        assert_eq!(OrganizationName::parse("A\u{7}cme"), Err(OrganizationNameError::ControlCharacter));
    }
}
