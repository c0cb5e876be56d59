//! People's accounts: creating, finding, renaming, suspending and deleting
//! them, the first-run setup, and passwords with their reset links.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{AccountStatus, DisplayName};

use crate::{
    Result,
    records::{
        AccountDeletion, AccountSummary, Actor, NewPasswordReset, NewUser, Page, SubjectRecord, UserRecord,
    },
    tokens::TokenKind,
    tokens::TokenRecord,
};

#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn super_admin_exists(&self) -> Result<bool>;

    /// Creates an account. Fails with [`StoreError::EmailTaken`] when the address is in use.
    async fn create_user(&self, user: NewUser, by: Actor, at: DateTime<Utc>) -> Result<UserRecord>;

    async fn find_user(&self, id: i64) -> Result<Option<UserRecord>>;

    /// Issues the first-run setup token, revoking any earlier unused one:
    /// only the most recently printed setup link works. Audited (by the
    /// system), so the log shows when each link was printed.
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

    /// Accounts whose name or email contains `search` (any case), by name,
    /// each with its memberships: the super admins' all-users view.
    async fn list_accounts(&self, search: &str, limit: i64, offset: i64) -> Result<Page<AccountSummary>>;

    /// The account an action is about, with all its organizations.
    async fn find_subject(&self, user_id: i64) -> Result<Option<SubjectRecord>>;

    /// Deletes an account: its memberships, sessions, tokens and unsent
    /// emails go with it. Audit events about it stay, without saying who it
    /// was. Refused with [`StoreError::LastAdmin`] for the last active admin
    /// of any organization, and with [`StoreError::BelongsElsewhere`] when
    /// `confined_to` names an organization and the account has another.
    async fn delete_account(&self, deletion: AccountDeletion, by: Actor, at: DateTime<Utc>) -> Result<()>;
}
