//! Memberships: who belongs to an organization, in which role and state, and
//! the members table (search, filters, sort, pages, export).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{MemberView, MembershipStatus, Role};

use crate::{
    MemberStream, Result,
    records::{Actor, MemberPage, MemberRow, MemberTally, MembershipRecord},
};

/// The sort value of the last member of a slice ([`MemberStore::list_members_after`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberKey {
    /// Name (as searched, lower-cased), email, role or status, as stored.
    Text(String),
    /// Joined or last signed in; `None` for never.
    Time(Option<DateTime<Utc>>),
}

/// Where a slice of members ended: its last row's sort value and user id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCursor {
    pub key: MemberKey,
    pub user_id: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberSlice {
    pub items: Vec<MemberRow>,
    pub next: Option<MemberCursor>,
}

#[async_trait]
pub trait MemberStore: Send + Sync {
    /// Every membership of a user, in any state, by organization name.
    async fn memberships_of(&self, user_id: i64) -> Result<Vec<MembershipRecord>>;

    /// The membership of one user in one organization.
    async fn find_membership(&self, organization_id: i64, user_id: i64) -> Result<Option<MembershipRecord>>;

    async fn add_member(
        &self,
        organization_id: i64,
        user_id: i64,
        role: Role,
        status: MembershipStatus,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// The following three refuse with [`StoreError::LastAdmin`] a change
    /// that would leave the organization without an active admin. The check
    /// and the change happen under one lock on the organization, so two
    /// concurrent requests cannot both pass it.
    async fn change_member_role(
        &self,
        organization_id: i64,
        user_id: i64,
        role: Role,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Suspension ends every session of a person it leaves with no usable
    /// membership (and who is no super admin); `reason`, when given, is
    /// kept in the audit event.
    async fn set_membership_status(
        &self,
        organization_id: i64,
        user_id: i64,
        status: MembershipStatus,
        reason: Option<&str>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Also withdraws a pending invitation to the organization.
    async fn remove_member(
        &self,
        organization_id: i64,
        user_id: i64,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// One page of an organization's members as `view` asks: search on name
    /// and email (any case), filters, sort (missing dates last), page.
    async fn list_members(
        &self,
        organization_id: i64,
        view: &MemberView,
        now: DateTime<Utc>,
    ) -> Result<MemberPage>;

    /// Up to `limit` members of `view` (its page aside) after `after`, in
    /// its order, and where the next slice starts (`None` at the end):
    /// keyset paging, as fast deep in the list as at its start, and stable
    /// while members are added.
    async fn list_members_after(
        &self,
        organization_id: i64,
        view: &MemberView,
        after: Option<&MemberCursor>,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<MemberSlice>;

    /// How many members `view` finds (its page aside): the total the
    /// members table shows for it, counted the same way.
    async fn count_members(&self, organization_id: i64, view: &MemberView, now: DateTime<Utc>)
    -> Result<i64>;

    /// The organization's members by role and status, from the tallies
    /// (a few rows, however many members there are).
    async fn member_tallies(&self, organization_id: i64) -> Result<Vec<MemberTally>>;

    /// Every member matching `view` (its page aside), in its order, as a
    /// stream: rows arrive as the database yields them, so memory does not
    /// grow with the organization. Used for CSV export.
    fn stream_members(&self, organization_id: i64, view: MemberView, now: DateTime<Utc>) -> MemberStream;

    /// Adds many new people to an organization at once (for demonstrations
    /// and benchmarks): accounts and memberships in batches, one transaction,
    /// one audit event. Fails with [`StoreError::EmailTaken`] if any address
    /// is in use, and then adds no one.
    #[cfg(feature = "seed")]
    async fn seed_members(
        &self,
        organization_id: i64,
        people: &[crate::SeedMember],
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<u64>;
}
