//! Roster's data layer.
//!
//! [`Store`] is the only way the rest of Roster reads or writes the database.
//! It has one implementation per backend ([`SqliteStore`], [`PgStore`]), each
//! with its own migrations, chosen from the database URL at start-up. Each
//! method that changes something is one transaction that also writes the
//! change's audit event (DESIGN invariant 4), so callers cannot forget it.

#[macro_use]
mod shared;
#[macro_use]
mod activity_sql;

mod activity;

mod error;
mod paging;
mod postgres;
mod records;
mod sqlite;
mod url;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    AccountStatus, DisplayName, Email, MemberView, MembershipStatus, OrganizationName, OrganizationStatus,
    Role, Slug,
};

pub use activity::{
    ActivityStore, AuditEntry, AuditQuery, AuditStream, LinkRecord, LiveSession, NewSignInAttempt,
    SignInAttempt,
};
pub use error::{StoreError, TokenProblem};
pub use postgres::PgStore;
pub use records::{
    AcceptedInvitation, AccountDeletion, AccountSummary, Actor, AuditRecord, InvitationRecord, InviteOutcome,
    MemberPage, MemberRow, MembershipRecord, NewCredentials, NewEmail, NewInvitation, NewPasswordReset,
    NewSession, NewUser, OrganizationRecord, OrganizationSummary, OutboxRecord, OutboxStatus, Page,
    PendingInvitation, SeedMember, SessionRecord, SignInRecord, SubjectRecord, TokenKind, TokenRecord,
    UserRecord, action,
};
pub use sqlite::SqliteStore;
pub use url::{DatabaseUrl, DatabaseUrlError};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Rows delivered one by one, see [`Store::stream_members`].
pub type MemberStream = futures::stream::BoxStream<'static, Result<MemberRow>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[async_trait]
pub trait Store: ActivityStore + Send + Sync + 'static {
    fn backend(&self) -> Backend;

    /// Applies the migrations this binary carries; a no-op when up to date.
    async fn migrate(&self) -> Result<()>;

    /// Answers while the database does (used by `/readyz`).
    async fn ping(&self) -> Result<()>;

    async fn super_admin_exists(&self) -> Result<bool>;

    /// Creates an account. Fails with [`StoreError::EmailTaken`] when the address is in use.
    async fn create_user(&self, user: NewUser, by: Actor, at: DateTime<Utc>) -> Result<UserRecord>;

    async fn find_user(&self, id: i64) -> Result<Option<UserRecord>>;

    /// Issues the first-run setup token, revoking any earlier unused one:
    /// only the most recently printed setup link works.
    async fn replace_setup_token(
        &self,
        token_hash: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;

    async fn find_token(&self, kind: TokenKind, token_hash: &str) -> Result<Option<TokenRecord>>;

    /// Consumes a setup token and creates the first super admin, atomically:
    /// of two concurrent attempts with the same link, one wins.
    async fn complete_setup(
        &self,
        token_hash: &str,
        user: NewUser,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<UserRecord>;

    async fn find_sign_in(&self, email: &Email) -> Result<Option<SignInRecord>>;

    /// Starts a session and records the successful sign-in.
    async fn record_sign_in(&self, session: NewSession, by: Actor) -> Result<()>;

    /// The session with this token hash and its user, whatever their state:
    /// whether it is still valid is the caller's decision.
    /// Sets a new password chosen by its owner (who proved the old one) and
    /// ends every other session of theirs.
    async fn change_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep_session: i64,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Changes a person's display name (audited with the old and new name).
    async fn rename_user(&self, user_id: i64, name: &DisplayName, by: Actor, at: DateTime<Utc>)
    -> Result<()>;

    async fn find_session(&self, token_hash: &str) -> Result<Option<SessionRecord>>;

    async fn touch_session(&self, session_id: i64, at: DateTime<Utc>) -> Result<()>;

    /// Signs one session out.
    async fn end_session(&self, session_id: i64, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// Suspends or reactivates an account. Suspension revokes every session of
    /// the account in the same transaction (DESIGN invariant 2).
    /// `reason`, when given, is kept in the audit event.
    async fn set_account_status(
        &self,
        user_id: i64,
        status: AccountStatus,
        reason: Option<&str>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Counts one request in a rate-limit `bucket`: `true` (and counted)
    /// while fewer than `limit` were counted since `since`, `false` (and not
    /// counted) once the limit is reached. Holds across server instances.
    async fn take_rate_limit(
        &self,
        bucket: &str,
        limit: i64,
        since: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        self.take_rate_limit_many(bucket, 1, limit, since, at).await
    }

    /// Counts `count` requests at once, all or none: for a request that
    /// does many things of a kind (a list of invitations) under one limit.
    async fn take_rate_limit_many(
        &self,
        bucket: &str,
        count: i64,
        limit: i64,
        since: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<bool>;

    /// How many requests were counted in a rate-limit `bucket` since `since`,
    /// without counting one: for limits on failures, which are counted
    /// (with [`Self::take_rate_limit`]) only once they happen.
    async fn rate_limit_hits(&self, bucket: &str, since: DateTime<Utc>) -> Result<i64>;

    /// Issues a password-reset link and queues its email, retiring the
    /// user's earlier unused reset links.
    async fn issue_password_reset(&self, reset: NewPasswordReset, by: Actor, at: DateTime<Utc>)
    -> Result<()>;

    /// Consumes a reset link: sets the new password and ends every session
    /// of its user, in one transaction. Returns the user's id.
    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<i64>;

    async fn create_organization(
        &self,
        slug: &Slug,
        name: &OrganizationName,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<OrganizationRecord>;

    async fn find_organization(&self, slug: &str) -> Result<Option<OrganizationRecord>>;

    /// Organizations whose name or URL name contains `search` (any case),
    /// by name, with member counts.
    async fn list_organizations(
        &self,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Page<OrganizationSummary>>;

    async fn rename_organization(
        &self,
        id: i64,
        name: &OrganizationName,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    async fn set_organization_status(
        &self,
        id: i64,
        status: OrganizationStatus,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Accounts whose name or email contains `search` (any case), by name,
    /// each with its memberships: the super admins' all-users view.
    async fn list_accounts(&self, search: &str, limit: i64, offset: i64) -> Result<Page<AccountSummary>>;

    /// Every membership of a user, in any state, by organization name.
    async fn memberships_of(&self, user_id: i64) -> Result<Vec<MembershipRecord>>;

    /// The account an action is about, with all its organizations.
    async fn find_subject(&self, user_id: i64) -> Result<Option<SubjectRecord>>;

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

    /// Deletes an account: its memberships, sessions, tokens and unsent
    /// emails go with it. Audit events about it stay, without saying who it
    /// was. Refused with [`StoreError::LastAdmin`] for the last active admin
    /// of any organization, and with [`StoreError::BelongsElsewhere`] when
    /// `confined_to` names an organization and the account has another.
    async fn delete_account(&self, deletion: AccountDeletion, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// One page of an organization's members as `view` asks: search on name
    /// and email (any case), filters, sort (missing dates last), page.
    async fn list_members(
        &self,
        organization_id: i64,
        view: &MemberView,
        now: DateTime<Utc>,
    ) -> Result<MemberPage>;

    /// Every member matching `view` (its page aside), in its order, as a
    /// stream: rows arrive as the database yields them, so memory does not
    /// grow with the organization. Used for CSV export.
    fn stream_members(&self, organization_id: i64, view: MemberView, now: DateTime<Utc>) -> MemberStream;

    /// Invites one address to an organization: creates the account if the
    /// address has none, a pending membership, the invitation token and its
    /// email in the outbox, all in one transaction (DESIGN invariant 5).
    async fn invite(&self, invitation: NewInvitation, by: Actor, at: DateTime<Utc>) -> Result<InviteOutcome>;

    /// The `limit` most recent pending invitations of an organization.
    async fn pending_invitations(&self, organization_id: i64, limit: i64) -> Result<Vec<PendingInvitation>>;

    /// The pending invitation of one person, if there is one.
    async fn pending_invitation(
        &self,
        organization_id: i64,
        user_id: i64,
    ) -> Result<Option<PendingInvitation>>;

    /// Replaces the pending invitation of `invitation.email` with a new link
    /// (the old one stops working) and queues the new email.
    async fn resend_invitation(&self, invitation: NewInvitation, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// Withdraws a pending invitation: its link stops working and the
    /// pending membership goes.
    async fn revoke_invitation(
        &self,
        organization_id: i64,
        user_id: i64,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    async fn find_invitation(&self, token_hash: &str) -> Result<Option<InvitationRecord>>;

    /// Redeems an invitation, once: the membership becomes active and, for a
    /// new account, the chosen name and password are set.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        credentials: Option<NewCredentials>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<AcceptedInvitation>;

    /// Takes up to `limit` emails that are due, for one worker: each is
    /// leased until `lease_until`, so no other worker sends it meanwhile.
    async fn claim_due_emails(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxRecord>>;

    async fn mark_email_sent(&self, id: i64, at: DateTime<Utc>) -> Result<()>;

    /// Records a failed attempt: retried at `retry_at`, or failed for good when `None`.
    async fn mark_email_failed(&self, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> Result<()>;

    /// The outbox, newest first.
    async fn list_outbox(&self, limit: i64, offset: i64) -> Result<Page<OutboxRecord>>;

    /// Queues a failed email again, now.
    async fn retry_email(&self, id: i64, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// Adds many new people to an organization at once (for demonstrations
    /// and benchmarks): accounts and memberships in batches, one transaction,
    /// one audit event. Fails with [`StoreError::EmailTaken`] if any address
    /// is in use, and then adds no one.
    async fn seed_members(
        &self,
        organization_id: i64,
        people: &[SeedMember],
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<u64>;

    /// The most recent audit events, newest first.
    async fn recent_audit_events(&self, limit: i64) -> Result<Vec<AuditRecord>>;

    /// The stored session token hashes of a user, newest first. For tests and
    /// audits that prove no token is kept in clear.
    async fn session_token_hashes(&self, user_id: i64) -> Result<Vec<String>>;
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
