//! What the SCIM service provider (`/scim/v2/orgs/{slug}`) keeps beyond
//! memberships: a membership's `externalId` and whether SCIM made it, the
//! names the organization's directory knows its role groups by, whether a
//! person SCIM creates is emailed, and the latest requests for the
//! Provisioning page. Tokens are API keys of purpose
//! [`crate::KeyPurpose::Scim`]; the changes SCIM makes to memberships go
//! through [`crate::MemberStore`] like everyone else's.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Email, MembershipStatus, Role, scim_filter::Filter};

use crate::{
    Result,
    records::{Actor, NewEmail},
};

/// A member as SCIM shows them (a SCIM `User`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScimMemberRecord {
    pub user_id: i64,
    pub email: String,
    /// The identity provider's `userName`; `None`: the address.
    pub user_name: Option<String>,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "String")]
    pub status: MembershipStatus,
    pub external_id: Option<String>,
    /// When the membership was made.
    pub created_at: DateTime<Utc>,
    #[sqlx(flatten)]
    pub details: DirectoryDetails,
}

/// What the directory said of a member beyond what Roster keeps whole:
/// the parts of their name and the type of their address, given back as it
/// sent them. `None`: it never said; `Some("")` for a part: it said none.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct DirectoryDetails {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email_type: Option<String>,
    /// Meaningful once `email_type` is known.
    pub email_primary: Option<bool>,
}

/// The email that lets a person SCIM created choose a password.
#[derive(Debug, Clone)]
pub struct WelcomeLink {
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub mail: NewEmail,
}

#[derive(Debug, Clone)]
pub struct NewScimMember {
    pub organization_id: i64,
    pub email: Email,
    pub user_name: String,
    /// The name a new account gets; an existing account keeps its own.
    pub name: String,
    pub external_id: Option<String>,
    pub details: DirectoryDetails,
    pub role: Role,
    /// `false` makes the membership suspended.
    pub active: bool,
    /// Sent only when the account is new (it has no password yet).
    pub welcome: Option<WelcomeLink>,
}

/// What a SCIM update changes about a member; `None` leaves it.
#[derive(Debug, Clone, Default)]
pub struct ScimIdentityChange {
    pub user_name: Option<String>,
    /// The account's address and name: the caller has checked that the
    /// account is this organization's alone.
    pub email: Option<Email>,
    pub name: Option<String>,
    /// `Some(None)` clears it.
    pub external_id: Option<Option<String>>,
    pub details: Option<DirectoryDetails>,
}

/// An organization's provisioning settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimSettings {
    /// Whether a person SCIM creates gets an email to choose a password.
    pub welcome_email: bool,
    /// The display name of each role's group, in the order admin, editor, viewer.
    pub group_names: Vec<(Role, String)>,
}

/// A SCIM request and its outcome, as the Provisioning page lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScimRequestRecord {
    pub at: DateTime<Utc>,
    /// The token's name; `None` once it was deleted with its organization.
    pub token_name: Option<String>,
    pub method: String,
    pub path: String,
    pub status: i32,
    pub outcome: String,
}

#[derive(Debug, Clone)]
pub struct NewScimRequest {
    pub organization_id: i64,
    pub api_key_id: i64,
    pub at: DateTime<Utc>,
    pub method: String,
    pub path: String,
    pub status: i32,
    pub outcome: String,
}

/// How many requests each organization's log keeps: the Provisioning page
/// shows the latest; the audit log keeps what they changed.
pub const SCIM_REQUESTS_KEPT: i64 = 200;

#[async_trait]
pub trait ScimStore: Send + Sync {
    /// Adds a person to an organization for its directory: makes the
    /// account if the address has none (without a password, emailing
    /// `welcome` if given), the membership (active or suspended) with its
    /// `externalId`, and its audit event, in one transaction.
    /// [`crate::StoreError::AlreadyMember`] if they belong already,
    /// [`crate::StoreError::ExternalIdTaken`] if another member has that `externalId`.
    async fn provision_member(&self, member: NewScimMember, by: Actor, at: DateTime<Utc>) -> Result<i64>;

    /// One member of the organization, in any state.
    async fn scim_member(&self, organization_id: i64, user_id: i64) -> Result<Option<ScimMemberRecord>>;

    /// The members `filter` lets through (all without one), by user id:
    /// how many there are, and `limit` of them after the first `offset`.
    async fn scim_members(
        &self,
        organization_id: i64,
        filter: Option<&Filter>,
        offset: i64,
        limit: i64,
    ) -> Result<(i64, Vec<ScimMemberRecord>)>;

    /// The members with `role` (a role group's members), by user id.
    async fn scim_members_with_role(&self, organization_id: i64, role: Role) -> Result<Vec<(i64, String)>>;

    /// Changes a member's `userName`, `externalId`, and their account's
    /// address and name, in one transaction with the audit events of the
    /// address and the name. [`crate::StoreError::EmailTaken`] when another
    /// account has the address, [`crate::StoreError::AlreadyMember`] when
    /// another member has the `userName`.
    async fn update_scim_identity(
        &self,
        organization_id: i64,
        user_id: i64,
        change: ScimIdentityChange,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    async fn scim_settings(&self, organization_id: i64) -> Result<ScimSettings>;

    async fn set_scim_welcome_email(
        &self,
        organization_id: i64,
        on: bool,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Renames a role's group, with its audit event.
    async fn rename_scim_group(
        &self,
        organization_id: i64,
        role: Role,
        display_name: &str,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Notes a request, keeping the latest [`SCIM_REQUESTS_KEPT`] of the organization.
    async fn log_scim_request(&self, request: NewScimRequest) -> Result<()>;

    /// The latest requests, newest first.
    async fn recent_scim_requests(&self, organization_id: i64, limit: i64) -> Result<Vec<ScimRequestRecord>>;
}
