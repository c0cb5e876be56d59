//! What the members table can do to one member or to many at once.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use crate::Role;

/// The most members one bulk action takes: enough for any real clean-up,
/// few enough that the answer (one line a member) stays small.
pub const MAX_BULK_MEMBERS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberAction {
    ChangeRole(Role),
    Suspend,
    Reactivate,
    ResendInvitation,
    SendPasswordReset,
}

impl MemberAction {
    /// Every choice, in the order the bulk-action menu lists them.
    pub const CHOICES: [MemberAction; 7] = [
        MemberAction::ChangeRole(Role::Viewer),
        MemberAction::ChangeRole(Role::Editor),
        MemberAction::ChangeRole(Role::Admin),
        MemberAction::Suspend,
        MemberAction::Reactivate,
        MemberAction::ResendInvitation,
        MemberAction::SendPasswordReset,
    ];

    /// The value on the wire and in forms.
    pub fn key(self) -> &'static str {
        match self {
            Self::ChangeRole(Role::Viewer) => "role:viewer",
            Self::ChangeRole(Role::Editor) => "role:editor",
            Self::ChangeRole(Role::Admin) => "role:admin",
            Self::Suspend => "suspend",
            Self::Reactivate => "reactivate",
            Self::ResendInvitation => "resend",
            Self::SendPasswordReset => "reset",
        }
    }

    /// What the menu says.
    pub fn label(self) -> &'static str {
        match self {
            Self::ChangeRole(Role::Viewer) => "Make viewer",
            Self::ChangeRole(Role::Editor) => "Make editor",
            Self::ChangeRole(Role::Admin) => "Make admin",
            Self::Suspend => "Suspend",
            Self::Reactivate => "Reactivate",
            Self::ResendInvitation => "Resend invitation",
            Self::SendPasswordReset => "Send password reset",
        }
    }
}

impl FromStr for MemberAction {
    type Err = String;

    fn from_str(key: &str) -> Result<Self, Self::Err> {
        Self::CHOICES.into_iter().find(|action| action.key() == key).ok_or_else(|| {
            "Choose an action: a role, suspend, reactivate, resend invitation or send password reset."
                .to_owned()
        })
    }
}

impl fmt::Display for MemberAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Parses a comma-separated list of user ids, as a bulk action receives the
/// selected rows: duplicates dropped, order kept, at least one, at most
/// [`MAX_BULK_MEMBERS`].
pub fn parse_member_ids(list: &str) -> Result<Vec<i64>, String> {
    let mut ids = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for part in list.split(',').map(str::trim).filter(|part| !part.is_empty()) {
        let id: i64 = part.parse().map_err(|_| format!("“{}” is not a member id.", truncate(part)))?;
        if seen.insert(id) {
            ids.push(id);
        }
        if ids.len() > MAX_BULK_MEMBERS {
            return Err(too_many());
        }
    }
    if ids.is_empty() {
        return Err("Select at least one member.".to_owned());
    }
    Ok(ids)
}

/// The refusal for a selection over [`MAX_BULK_MEMBERS`].
pub fn too_many() -> String {
    format!("Select at most {MAX_BULK_MEMBERS} members at a time: narrow the search or filters.")
}

fn truncate(text: &str) -> String {
    text.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_round_trips_through_its_key() {
        for action in MemberAction::CHOICES {
            assert_eq!(action.key().parse::<MemberAction>(), Ok(action));
        }
        assert!("delete".parse::<MemberAction>().is_err());
        assert!("role:owner".parse::<MemberAction>().is_err());
    }

    #[test]
    fn member_ids_are_checked_and_deduplicated() {
        assert_eq!(parse_member_ids("3, 1,3,,2"), Ok(vec![3, 1, 2]));
        assert!(parse_member_ids("").is_err());
        assert!(parse_member_ids(" , ").is_err());
        assert!(parse_member_ids("1,x").unwrap_err().contains("“x”"));
        assert!(parse_member_ids(&"9".repeat(40)).is_err(), "out of range");
        let many: Vec<String> = (0..=MAX_BULK_MEMBERS).map(|n| n.to_string()).collect();
        assert!(parse_member_ids(&many.join(",")).unwrap_err().contains("at most"));
        let most: Vec<String> = (0..MAX_BULK_MEMBERS).map(|n| n.to_string()).collect();
        assert_eq!(parse_member_ids(&most.join(",")).map(|ids| ids.len()), Ok(MAX_BULK_MEMBERS));
    }
}
