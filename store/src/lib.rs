//! Roster's data layer.
//!
//! [`Store`] is the only way the rest of Roster reads or writes the database.
//! It is the sum of one trait per area ([`AccountStore`], [`SessionStore`],
//! [`OrganizationStore`], [`MemberStore`], [`InvitationStore`],
//! [`OutboxStore`], [`RateLimitStore`], [`ActivityStore`], and for signing
//! people in to other applications [`AppStore`], [`SigningKeyStore`],
//! [`GrantStore`], [`LogoutStore`], for signed webhooks [`WebhookStore`],
//! for the management API [`ApiKeyStore`], and for second factors
//! [`TwoFactorStore`]), implemented once
//! in `sql/` and compiled for each backend ([`SqliteStore`], [`PgStore`]),
//! each with its own migrations, chosen from the database URL at start-up.
//! Each method that changes something is one transaction that also writes the
//! change's audit event (DESIGN invariant 4), so callers cannot forget it.
//!
//! Features: `seed` adds [`MemberStore::seed_members`] (demonstrations and
//! benchmarks); `test-support` adds what only tests read
//! ([`ActivityStore::recent_audit_events`], [`SessionStore::session_token_hashes`]).

mod accounts;
mod activity;
mod api_keys;
mod apps;
mod dialect;
mod error;
mod grants;
mod invitations;
mod logouts;
mod members;
mod organizations;
mod outbox;
mod paging;
mod postgres;
mod rate_limits;
mod records;
mod scim;
mod sessions;
mod signing_keys;
mod sqlite;
mod tokens;
mod two_factor;
mod url;
mod webhooks;

use std::sync::Arc;

use async_trait::async_trait;

pub use accounts::AccountStore;
pub use activity::{
    ActivityStore, AuditEntry, AuditQuery, AuditStream, LinkRecord, LiveSession, NewSignInAttempt,
    SignInAttempt,
};
pub use api_keys::{
    ApiKeyRecord, ApiKeyScope, ApiKeyState, ApiKeyStore, IDEMPOTENCY_CLAIM_LAPSES, IDEMPOTENCY_KEPT,
    IdempotentResponse, KeyPurpose, NewApiKey,
};
pub use apps::{AppRecord, AppStore, NewApp, UriList};
pub use error::{StoreError, TokenProblem};
pub use grants::{AppSessionRecord, GrantMembership, GrantRecord, GrantStore, NewAppSignIn, RedeemedCode};
pub use invitations::InvitationStore;
pub use logouts::{LogoutRecord, LogoutStore};
pub use members::{MemberCursor, MemberKey, MemberSlice, MemberStore};
pub use organizations::OrganizationStore;
pub use outbox::OutboxStore;
pub use postgres::PgStore;
pub use rate_limits::RateLimitStore;
pub use records::{
    AcceptedInvitation, AccountDeletion, AccountSummary, Actor, AuditRecord, InvitationCounts,
    InvitationFilter, InvitationRecord, InviteOutcome, MemberPage, MemberRow, MemberTally, MembershipRecord,
    NewCredentials, NewEmail, NewInvitation, NewPasswordReset, NewSession, NewUser, OrganizationRecord,
    OrganizationSummary, OutboxCounts, OutboxRecord, OutboxStatus, Page, PendingInvitation, SeedMember,
    SessionRecord, SignInRecord, SubjectRecord, UserRecord, action,
};
pub use scim::{
    DirectoryDetails, NewScimMember, NewScimRequest, SCIM_REQUESTS_KEPT, ScimIdentityChange,
    ScimMemberRecord, ScimRequestRecord, ScimSettings, ScimStore, WelcomeLink,
};
pub use sessions::SessionStore;
pub use signing_keys::{NewSigningKey, SigningKeyRecord, SigningKeyStore};
pub use sqlite::SqliteStore;
pub use tokens::{TokenKind, TokenRecord};
pub use two_factor::{
    ChallengePurpose, FactorRecord, FactorSecret, NewFactor, NewSignInChallenge, SignInChallengeRecord,
    TwoFactorReset, TwoFactorStore,
};
pub use url::{DatabaseUrl, DatabaseUrlError};
pub use webhooks::{
    AttemptNext, ClaimedWebhook, NewWebhookEndpoint, WebhookAttempt, WebhookAttemptRecord,
    WebhookDeliveryRecord, WebhookEndpointRecord, WebhookStore,
};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Rows delivered one by one, see [`MemberStore::stream_members`].
pub type MemberStream = futures::stream::BoxStream<'static, Result<MemberRow>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The whole data layer, as the rest of Roster holds it (`Arc<dyn Store>`):
/// every area, and the database itself.
#[async_trait]
pub trait Store:
    AccountStore
    + SessionStore
    + OrganizationStore
    + MemberStore
    + InvitationStore
    + OutboxStore
    + RateLimitStore
    + ActivityStore
    + AppStore
    + SigningKeyStore
    + GrantStore
    + LogoutStore
    + WebhookStore
    + ApiKeyStore
    + ScimStore
    + TwoFactorStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// Applies the migrations this binary carries; a no-op when up to date.
    async fn migrate(&self) -> Result<()>;

    /// Answers while the database does (used by `/readyz`).
    async fn ping(&self) -> Result<()>;
}

/// What a search looks for: trimmed and lower-cased, as names are kept for
/// searching. NUL is dropped: no stored text holds one, and PostgreSQL
/// refuses it in a parameter.
pub(crate) fn search_term(search: &str) -> String {
    search.trim().to_lowercase().replace('\0', "")
}

/// A `LIKE` pattern matching `search` anywhere, any case: the wildcards a
/// person types are matched literally (escaped with `\`).
pub(crate) fn like_pattern(search: &str) -> String {
    let escaped = search_term(search).replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// Connects to the database the URL names and applies migrations.
pub async fn connect(url: &DatabaseUrl) -> Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> = match url {
        DatabaseUrl::Sqlite(url) => Arc::new(SqliteStore::connect(url).await?),
        DatabaseUrl::Postgres(url) => Arc::new(PgStore::connect(url).await?),
    };
    store.migrate().await?;
    Ok(store)
}
