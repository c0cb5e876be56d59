use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

/// Whether an account or an organization is in use. A suspended account
/// cannot sign in anywhere (DESIGN §2); a suspended organization's members
/// cannot use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "lowercase", parse_err_ty = String, parse_err_fn = unknown_standing)]
pub enum Standing {
    Active,
    Suspended,
}

pub type AccountStatus = Standing;
pub type OrganizationStatus = Standing;

impl Standing {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

fn unknown_standing(name: &str) -> String {
    format!("unknown status {name:?}")
}

impl TryFrom<String> for Standing {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// Where a person stands in one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "lowercase", parse_err_ty = String, parse_err_fn = unknown_membership_status)]
pub enum MembershipStatus {
    Active,
    /// Invited, not yet accepted.
    Invited,
    Suspended,
}

impl MembershipStatus {
    /// In the order tables show them: from the most to the least settled.
    pub const ALL: [MembershipStatus; 3] =
        [MembershipStatus::Active, MembershipStatus::Invited, MembershipStatus::Suspended];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The status as a table cell or menu shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Invited => "Invited",
            Self::Suspended => "Suspended",
        }
    }
}

fn unknown_membership_status(name: &str) -> String {
    format!("unknown membership status {name:?}")
}

impl TryFrom<String> for MembershipStatus {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for standing in [Standing::Active, Standing::Suspended] {
            assert_eq!(standing.as_str().parse::<Standing>(), Ok(standing));
        }
        for status in [MembershipStatus::Active, MembershipStatus::Invited, MembershipStatus::Suspended] {
            assert_eq!(status.as_str().parse::<MembershipStatus>(), Ok(status));
        }
        assert!("deleted".parse::<Standing>().is_err());
    }

    /// The names are stored and sent: they never change.
    #[test]
    fn names_are_the_stored_ones() {
        assert_eq!([Standing::Active, Standing::Suspended].map(Standing::as_str), ["active", "suspended"]);
        assert_eq!(
            [MembershipStatus::Active, MembershipStatus::Invited, MembershipStatus::Suspended]
                .map(MembershipStatus::as_str),
            ["active", "invited", "suspended"]
        );
        assert_eq!(MembershipStatus::Invited.to_string(), "invited");
        assert_eq!("gone".parse::<MembershipStatus>(), Err("unknown membership status \"gone\"".to_owned()));
    }
}
