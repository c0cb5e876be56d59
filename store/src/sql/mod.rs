//! Every statement of the store, written once and compiled into each backend
//! module (`sqlite`, `postgres`), which names the types it is written against
//! (`Db`, `Conn`, `DbStore`) and the dialect's differences
//! ([`crate::dialect::Dialect`]). One file per area implements that area's
//! trait; the helpers they share take the caller's connection, so they run
//! inside its transaction.

use async_trait::async_trait;

use super::{Conn, Db, DbStore};
use crate::{Backend, Result, Store, dialect::Dialect};

/// The columns of [`crate::UserRecord`], in a form `concat!` accepts.
macro_rules! user_columns {
    () => {
        "id, email, name, is_super_admin, status, created_at, last_sign_in_at"
    };
}

/// The columns of [`crate::MemberRow`], from `organization_members m JOIN users u`.
macro_rules! member_columns {
    () => {
        "u.id AS user_id, u.name, u.email, m.role, m.status, m.joined_at, u.last_sign_in_at, u.two_factor"
    };
}

/// When the newest invitation link of member `m` expires (NULL without one).
macro_rules! newest_invitation_expiry {
    () => {
        "(SELECT t.expires_at FROM tokens t
          WHERE t.kind = 'invitation' AND t.organization_id = m.organization_id AND t.user_id = m.user_id
          ORDER BY t.id DESC LIMIT 1)"
    };
}

/// A [`crate::PendingInvitation`] from `organization_members m JOIN users u`,
/// with its latest link's expiry and inviter; the caller adds `WHERE`.
macro_rules! pending_invitation_select {
    () => {
        "SELECT u.id AS user_id, u.email, m.role, m.created_at AS invited_at,
                (SELECT t.expires_at FROM tokens t
                 WHERE t.kind = 'invitation' AND t.organization_id = m.organization_id AND t.user_id = u.id
                 ORDER BY t.id DESC LIMIT 1) AS expires_at,
                (SELECT i.name FROM tokens t JOIN users i ON i.id = t.created_by
                 WHERE t.kind = 'invitation' AND t.organization_id = m.organization_id AND t.user_id = u.id
                 ORDER BY t.id DESC LIMIT 1) AS invited_by
         FROM organization_members m JOIN users u ON u.id = m.user_id"
    };
}

/// The columns of [`crate::OrganizationRecord`].
macro_rules! organization_columns {
    () => {
        "id, slug, name, status, created_at"
    };
}

/// The columns of [`crate::MembershipRecord`], from `organization_members m`
/// joined with `organizations o`.
macro_rules! membership_columns {
    () => {
        "m.organization_id, o.slug, o.name AS organization_name, o.status AS organization_status,
         m.role, m.status, m.joined_at"
    };
}

/// The columns of [`crate::OutboxRecord`].
macro_rules! outbox_columns {
    () => {
        "id, created_at, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, last_error, sent_at"
    };
}

mod accounts;
mod activity;
mod api_keys;
mod apps;
mod audit;
mod grants;
mod invitations;
mod logouts;
mod member_list;
mod members;
mod organizations;
mod outbox;
mod rate_limits;
mod scim;
mod sessions;
mod signing_keys;
mod tokens;
mod two_factor;
mod webhooks;

#[async_trait]
impl Store for DbStore {
    fn backend(&self) -> Backend {
        DbStore::BACKEND
    }

    async fn migrate(&self) -> Result<()> {
        DbStore::migrator().run(&self.pool).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
