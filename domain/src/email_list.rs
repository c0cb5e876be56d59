use crate::{Email, EmailError};

/// The most addresses one invitation request may carry.
pub const MAX_ADDRESSES: usize = 100;

/// Addresses typed or pasted into the invite dialog: separated by commas,
/// semicolons, spaces or new lines; each one parsed on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailList {
    /// Valid addresses, in the order given, without duplicates.
    pub addresses: Vec<Email>,
    /// What was typed for each invalid entry, and why it is invalid.
    pub invalid: Vec<(String, EmailError)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailListError {
    #[error("Enter at least one email address.")]
    Empty,
    #[error("Invite at most {MAX_ADDRESSES} people at a time.")]
    TooMany,
}

impl EmailList {
    pub fn parse(input: &str) -> Result<Self, EmailListError> {
        let entries: Vec<&str> =
            input.split([',', ';', '\n', '\r', ' ', '\t']).map(str::trim).filter(|e| !e.is_empty()).collect();
        if entries.is_empty() {
            return Err(EmailListError::Empty);
        }
        if entries.len() > MAX_ADDRESSES {
            return Err(EmailListError::TooMany);
        }
        let mut list = Self { addresses: Vec::new(), invalid: Vec::new() };
        for entry in entries {
            match Email::parse(entry) {
                Ok(email) if !list.addresses.contains(&email) => list.addresses.push(email),
                Ok(_) => {}
                Err(error) => list.invalid.push((entry.to_owned(), error)),
            }
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_any_separator_and_drops_duplicates() {
        let list = EmailList::parse("ada@example.com, Bob@Example.com;\ncy@example.com\r\n ADA@example.com")
            .unwrap();
        let addresses: Vec<&str> = list.addresses.iter().map(Email::as_str).collect();
        assert_eq!(addresses, ["ada@example.com", "bob@example.com", "cy@example.com"]);
        assert!(list.invalid.is_empty());
    }

    #[test]
    fn reports_each_invalid_entry() {
        let list = EmailList::parse("ada@example.com, not-an-address, bob@").unwrap();
        assert_eq!(list.addresses.len(), 1);
        let invalid: Vec<&str> = list.invalid.iter().map(|(entry, _)| entry.as_str()).collect();
        assert_eq!(invalid, ["not-an-address", "bob@"]);
    }

    #[test]
    fn refuses_nothing_and_too_much() {
        assert_eq!(EmailList::parse(" ,\n ;"), Err(EmailListError::Empty));
        let many = (0..=MAX_ADDRESSES).map(|i| format!("u{i}@example.com")).collect::<Vec<_>>().join(",");
        assert_eq!(EmailList::parse(&many), Err(EmailListError::TooMany));
    }
}
