//! What people did and what was done to them: sign-in attempts, sessions,
//! one-time links and the audit log, read for the activity pages.
//!
//! Implemented for both backends in `sql/activity.rs`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::SignInOutcome;

use crate::{Actor, Page, Result, TokenKind};

/// A sign-in attempt on an existing account, as it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSignInAttempt {
    pub user_id: i64,
    pub at: DateTime<Utc>,
    pub outcome: SignInOutcome,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The second step tried ([`SignInOutcome::WrongCode`]).
    pub factor: Option<domain::SecondStep>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignInAttempt {
    pub id: i64,
    pub at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub outcome: SignInOutcome,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The application's name, for a sign-in to an app (as it was named then).
    pub app: Option<String>,
    /// The second factor given (or tried, for a wrong one).
    #[sqlx(try_from = "OptionalStep")]
    pub factor: Option<domain::SecondStep>,
}

/// The stored name of an optional second step, decoded.
#[derive(sqlx::Type)]
#[sqlx(transparent)]
pub struct OptionalStep(Option<String>);

impl TryFrom<OptionalStep> for Option<domain::SecondStep> {
    type Error = String;
    fn try_from(value: OptionalStep) -> Result<Self, Self::Error> {
        value.0.map(|name| name.parse()).transpose()
    }
}

/// A session that can still be used.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LiveSession {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// An invitation or password-reset link sent to someone, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRecord {
    pub kind: TokenKind,
    pub organization_name: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Who sent it; `None` for a link someone asked for themselves, or
    /// whose sender was deleted.
    pub created_by: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct LinkRow {
    pub kind: String,
    pub organization_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl LinkRow {
    pub(crate) fn into_record(self) -> LinkRecord {
        let kind = if self.kind == TokenKind::Invitation.as_str() {
            TokenKind::Invitation
        } else {
            TokenKind::PasswordReset
        };
        LinkRecord {
            kind,
            organization_name: self.organization_name,
            created_at: self.created_at,
            created_by: self.created_by,
            expires_at: self.expires_at,
            used_at: self.used_at,
            revoked_at: self.revoked_at,
        }
    }
}

/// Which audit events to read. Every field narrows; the default reads all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only events in this organization: an org admin's whole view.
    pub organization_id: Option<i64>,
    /// Only events this person made or was the target of: a timeline.
    pub involving: Option<i64>,
    /// Part of the acting person's name or email, any case.
    pub actor: String,
    /// Part of the name or email of the person the event is about.
    pub target: String,
    pub action: Option<String>,
    /// From this instant on.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Only events after this one (its time and id) in the log's order,
    /// newest first: where the previous slice of a cursor-paged read ended.
    pub older_than: Option<(DateTime<Utc>, i64)>,
}

/// An audit event with the names it refers to, as they are now (`None` once
/// deleted).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor_user_id: Option<i64>,
    pub actor_name: Option<String>,
    pub actor_email: Option<String>,
    pub actor_ip: Option<String>,
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub target_user_id: Option<i64>,
    pub target_name: Option<String>,
    pub target_email: Option<String>,
    /// A JSON object, such as `{"reason": "…"}` or `{"role": "editor"}`.
    pub details: String,
    /// The API key the change was made with, on behalf of the actor (its creator).
    pub api_key_id: Option<i64>,
    pub api_key_name: Option<String>,
    /// `management` or `scim` (a SCIM token), see [`crate::KeyPurpose`].
    pub api_key_purpose: Option<String>,
}

/// Audit entries delivered one by one, see [`ActivityStore::stream_audit_log`].
pub type AuditStream = futures::stream::BoxStream<'static, Result<AuditEntry>>;

#[async_trait]
pub trait ActivityStore: Send + Sync {
    /// Records a failed attempt; successful ones are recorded with their
    /// session by [`crate::Store::record_sign_in`].
    async fn record_failed_sign_in(&self, attempt: NewSignInAttempt) -> Result<()>;

    /// A person's latest sign-in attempts, newest first.
    async fn sign_in_attempts(&self, user_id: i64, limit: i64) -> Result<Vec<SignInAttempt>>;

    /// When a person signed in successfully since `since`, oldest first.
    async fn sign_in_times(&self, user_id: i64, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>>;

    /// When members of an organization signed in successfully since `since`,
    /// oldest first (for its chart of sign-ins per day).
    async fn organization_sign_in_times(
        &self,
        organization_id: i64,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>>;

    /// Sessions neither ended nor expired at `now`, and used since `seen_since`
    /// (the idle timeout), most recently used first.
    async fn live_sessions(
        &self,
        user_id: i64,
        now: DateTime<Utc>,
        seen_since: DateTime<Utc>,
    ) -> Result<Vec<LiveSession>>;

    /// Ends one of a person's sessions; [`crate::StoreError::NotFound`] when
    /// it is not theirs or already ended. The event goes in the log of
    /// `organization_id`, the organization the ending admin acted in, if any.
    async fn end_user_session(
        &self,
        user_id: i64,
        session_id: i64,
        organization_id: Option<i64>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Ends every session of a person but `keep`; returns how many ended.
    async fn end_other_sessions(&self, user_id: i64, keep: i64, by: Actor, at: DateTime<Utc>) -> Result<u64>;

    /// The invitation links (of one organization, or all) and password-reset
    /// links sent to a person, newest first.
    async fn links_of(
        &self,
        user_id: i64,
        organization_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<LinkRecord>>;

    /// A page of audit events, newest first, with the total that match.
    async fn audit_log(&self, query: &AuditQuery, limit: i64, offset: i64) -> Result<Page<AuditEntry>>;

    /// Every event that matches, newest first, for export: streamed, so
    /// memory does not grow with the log.
    fn stream_audit_log(&self, query: AuditQuery) -> AuditStream;

    /// The most recent audit events, newest first, as stored.
    #[cfg(feature = "test-support")]
    async fn recent_audit_events(&self, limit: i64) -> Result<Vec<crate::AuditRecord>>;
}
