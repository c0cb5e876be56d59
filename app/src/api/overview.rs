//! The first screens: an organization at a glance, and the installation at
//! a glance for super admins.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{MembershipStatus, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::ssr;
use crate::{AppError, api::AuditEntryView};

/// How many of the latest events an overview lists.
pub const LATEST_EVENTS: i64 = 5;

/// How many members have one role, by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleTally {
    pub role: Role,
    pub active: i64,
    pub invited: i64,
    pub suspended: i64,
}

impl RoleTally {
    pub fn with(&self, status: MembershipStatus) -> i64 {
        match status {
            MembershipStatus::Active => self.active,
            MembershipStatus::Invited => self.invited,
            MembershipStatus::Suspended => self.suspended,
        }
    }

    pub fn total(&self) -> i64 {
        self.active + self.invited + self.suspended
    }
}

/// An organization at a glance, for those who manage its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationFigures {
    /// Admins, editors, viewers: every role, also one nobody has.
    pub roles: Vec<RoleTally>,
    pub pending_invitations: i64,
    pub expired_invitations: i64,
    /// Members who signed in before, but not in the last 30 (90) days.
    pub inactive_30: i64,
    pub inactive_90: i64,
    pub never_signed_in: i64,
    /// Successful sign-ins of its members per day (UTC), oldest first, ending today.
    pub sign_ins_per_day: Vec<u32>,
    pub today: NaiveDate,
    pub latest_events: Vec<AuditEntryView>,
    pub now: DateTime<Utc>,
}

impl OrganizationFigures {
    pub fn members_with(&self, status: MembershipStatus) -> i64 {
        self.roles.iter().map(|tally| tally.with(status)).sum()
    }

    pub fn members(&self) -> i64 {
        self.roles.iter().map(RoleTally::total).sum()
    }
}

/// The installation at a glance, for super admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallationFigures {
    pub organizations: i64,
    pub accounts: i64,
    pub emails_queued: i64,
    pub emails_failed: i64,
    pub latest_events: Vec<AuditEntryView>,
    pub now: DateTime<Utc>,
}

/// The overview of an organization: for whoever may list its members.
/// Member totals come from the tallies, so it costs the same at 100,000.
#[server(endpoint = "organization_overview")]
pub async fn organization_overview(slug: String) -> Result<OrganizationFigures, AppError> {
    use domain::policy::Action;

    let ssr::InOrganization { state, organization, .. } =
        ssr::InOrganization::require(&slug, Action::ListMembers).await?;
    ssr::overview::organization(&state, organization.id).await
}

/// The overview of the installation: for super admins.
#[server(endpoint = "installation_overview")]
pub async fn installation_overview() -> Result<InstallationFigures, AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageOrganizations, &Target::Everything)?;
    ssr::overview::installation(&state).await
}
