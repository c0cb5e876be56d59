use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// Whether an account or an organization is in use. A suspended account
/// cannot sign in anywhere (DESIGN §2); a suspended organization's members
/// cannot use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Standing {
    Active,
    Suspended,
}

pub type AccountStatus = Standing;
pub type OrganizationStatus = Standing;

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }
}

impl FromStr for Standing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(Self::Active),
            "suspended" => Ok(Self::Suspended),
            other => Err(format!("unknown status {other:?}")),
        }
    }
}

impl TryFrom<String> for Standing {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl fmt::Display for Standing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a person stands in one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MembershipStatus {
    Active,
    /// Invited, not yet accepted.
    Invited,
    Suspended,
}

impl MembershipStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Invited => "invited",
            Self::Suspended => "suspended",
        }
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

impl FromStr for MembershipStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(Self::Active),
            "invited" => Ok(Self::Invited),
            "suspended" => Ok(Self::Suspended),
            other => Err(format!("unknown membership status {other:?}")),
        }
    }
}

impl TryFrom<String> for MembershipStatus {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl fmt::Display for MembershipStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
}
