//! The SQL of [`crate::AccountStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{AccountStatus, DisplayName};

use super::{
    Conn, DbStore,
    audit::{audit, audit_with_details, reason_details},
    grants::{GrantsOf, Notify, end_grants},
    members::guard_last_admin,
    outbox::enqueue_email,
    sessions::revoke_sessions,
    tokens::redeemable_token,
};
use crate::{
    AccountStore, MemberStore, Result, StoreError, TokenProblem,
    dialect::Dialect,
    records::{
        AccountDeletion, AccountSummary, Actor, NewPasswordReset, NewUser, Page, SubjectRecord, UserRecord,
        action,
    },
    tokens::TokenKind,
    tokens::TokenRecord,
};

pub(super) async fn insert_user(conn: &mut Conn, user: &NewUser, at: DateTime<Utc>) -> Result<UserRecord> {
    sqlx::query_as(concat!(
        "INSERT INTO users (email, name, password_hash, is_super_admin, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING ",
        user_columns!()
    ))
    .bind(user.email.as_str())
    .bind(user.name.as_str())
    .bind(&user.password_hash)
    .bind(user.is_super_admin)
    .bind(at)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from_insert_user)
}

#[async_trait]
impl AccountStore for DbStore {
    async fn super_admin_exists(&self) -> Result<bool> {
        Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE is_super_admin)")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn create_user(&self, user: NewUser, by: Actor, at: DateTime<Utc>) -> Result<UserRecord> {
        let mut tx = self.write().await?;
        let created = insert_user(&mut tx, &user, at).await?;
        audit(&mut tx, &by, at, action::USER_CREATED, None, Some(created.id)).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn find_user(&self, id: i64) -> Result<Option<UserRecord>> {
        Ok(sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn replace_setup_token(
        &self,
        token_hash: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE kind = 'setup' AND used_at IS NULL AND revoked_at IS NULL")
            .bind(at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO tokens (kind, token_hash, created_at, expires_at) VALUES ('setup', $1, $2, $3)",
        )
        .bind(token_hash)
        .bind(at)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, &Actor::system(), at, action::SETUP_LINK_ISSUED, None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_token(&self, kind: TokenKind, token_hash: &str) -> Result<Option<TokenRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, user_id, organization_id, created_at, expires_at, used_at, revoked_at
             FROM tokens WHERE kind = $1 AND token_hash = $2",
        )
        .bind(kind.as_str())
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn complete_setup(
        &self,
        token_hash: &str,
        user: NewUser,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<UserRecord> {
        let mut tx = self.write().await?;
        let token = redeemable_token(&mut tx, TokenKind::Setup, token_hash, at).await?;
        let done: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE is_super_admin)")
            .fetch_one(&mut *tx)
            .await?;
        if done {
            return Err(StoreError::SetupDone);
        }
        let created = insert_user(&mut tx, &user, at).await?;
        sqlx::query("UPDATE tokens SET used_at = $1, user_id = $2 WHERE id = $3")
            .bind(at)
            .bind(created.id)
            .bind(token.id)
            .execute(&mut *tx)
            .await?;
        let by = Actor { user_id: Some(created.id), ..by };
        audit(&mut tx, &by, at, action::SETUP_COMPLETED, None, Some(created.id)).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn change_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep_session: i64,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND status = 'active'")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        // Whoever else holds a session may be who the new password
        // is meant to lock out.
        sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(user_id)
        .bind(keep_session)
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, &by, at, action::PASSWORD_CHANGED, None, Some(user_id)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn rename_user(
        &self,
        user_id: i64,
        name: &DisplayName,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let previous: Option<String> =
            sqlx::query_scalar(&format!("SELECT name FROM users WHERE id = $1{}", DbStore::FOR_UPDATE))
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let previous = previous.ok_or(StoreError::NotFound)?;
        if previous == name.as_str() {
            return Ok(());
        }
        sqlx::query("UPDATE users SET name = $1 WHERE id = $2")
            .bind(name.as_str())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let details = serde_json::json!({ "from": previous, "to": name.as_str() });
        audit_with_details(&mut tx, &by, at, action::USER_RENAMED, None, Some(user_id), &details).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_account_status(
        &self,
        user_id: i64,
        status: AccountStatus,
        reason: Option<&str>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let changed = sqlx::query("UPDATE users SET status = $1 WHERE id = $2")
            .bind(status.as_str())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let action = match status {
            AccountStatus::Suspended => {
                revoke_sessions(&mut tx, user_id, at).await?;
                end_grants(&mut tx, GrantsOf::User(user_id), Notify::Apps, at).await?;
                action::ACCOUNT_SUSPENDED
            }
            AccountStatus::Active => action::ACCOUNT_REACTIVATED,
        };
        audit_with_details(&mut tx, &by, at, action, None, Some(user_id), &reason_details(reason)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn issue_password_reset(
        &self,
        reset: NewPasswordReset,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        // Only the newest link works: an older email may sit in a
        // mailbox someone else can read.
        sqlx::query(
            "UPDATE tokens SET revoked_at = $1
             WHERE user_id = $2 AND kind = 'password_reset' AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(reset.user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO tokens (kind, token_hash, user_id, organization_id, created_by, created_at, expires_at)
             VALUES ('password_reset', $1, $2, $3, $4, $5, $6)",
        )
        .bind(&reset.token_hash)
        .bind(reset.user_id)
        .bind(reset.organization_id)
        .bind(by.user_id)
        .bind(at)
        .bind(reset.expires_at)
        .execute(&mut *tx)
        .await?;
        enqueue_email(&mut tx, reset.organization_id, &reset.mail, at).await?;
        audit(&mut tx, &by, at, action::PASSWORD_RESET_SENT, reset.organization_id, Some(reset.user_id))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write().await?;
        let token = redeemable_token(&mut tx, TokenKind::PasswordReset, token_hash, at).await?;
        let user_id = token.user_id.ok_or(StoreError::Token(TokenProblem::Unknown))?;
        let status: String = sqlx::query_scalar("SELECT status FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::Token(TokenProblem::Unknown))?;
        if status != AccountStatus::Active.as_str() {
            return Err(StoreError::AccountSuspended);
        }
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE tokens SET used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(token.id)
            .execute(&mut *tx)
            .await?;
        // Whoever knew the old password is signed out everywhere.
        revoke_sessions(&mut tx, user_id, at).await?;
        end_grants(&mut tx, GrantsOf::User(user_id), Notify::Apps, at).await?;
        let by = Actor { user_id: Some(user_id), ..by };
        audit(&mut tx, &by, at, action::PASSWORD_RESET_COMPLETED, None, Some(user_id)).await?;
        tx.commit().await?;
        Ok(user_id)
    }

    async fn list_accounts(&self, search: &str, limit: i64, offset: i64) -> Result<Page<AccountSummary>> {
        let pattern = crate::like_pattern(search);
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE lower(name) LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\'",
        )
        .bind(&pattern)
        .fetch_one(&self.pool)
        .await?;
        let users: Vec<UserRecord> = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users
             WHERE lower(name) LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\'
             ORDER BY lower(name), email, id LIMIT $2 OFFSET $3"
        ))
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let mut items = Vec::with_capacity(users.len());
        for user in users {
            let memberships = self.memberships_of(user.id).await?;
            items.push(AccountSummary { user, memberships });
        }
        Ok(Page { items, total })
    }

    async fn find_subject(&self, user_id: i64) -> Result<Option<SubjectRecord>> {
        let user: Option<(i64, bool)> = sqlx::query_as("SELECT id, is_super_admin FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some((user_id, is_super_admin)) = user else {
            return Ok(None);
        };
        let organization_ids =
            sqlx::query_scalar("SELECT organization_id FROM organization_members WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(Some(SubjectRecord { user_id, is_super_admin, organization_ids }))
    }

    async fn delete_account(&self, deletion: AccountDeletion, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let AccountDeletion { user_id, confined_to, with_data } = deletion;
        let mut tx = self.write().await?;
        let email: String =
            sqlx::query_scalar(&format!("SELECT email FROM users WHERE id = $1{}", DbStore::FOR_UPDATE))
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
        let mut organization_ids: Vec<i64> =
            sqlx::query_scalar("SELECT organization_id FROM organization_members WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(&mut *tx)
                .await?;
        // Locked in one order, so two deletions cannot deadlock.
        organization_ids.sort_unstable();
        for &organization_id in &organization_ids {
            guard_last_admin(&mut tx, organization_id, user_id, false).await?;
        }
        // Checked again under the locks: an org admin may delete only
        // someone who belongs to their organization alone.
        if let Some(only) = confined_to
            && organization_ids.iter().any(|&id| id != only)
        {
            return Err(StoreError::BelongsElsewhere);
        }
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::ACCOUNT_DELETED,
            confined_to,
            Some(user_id),
            &serde_json::json!({ "with_data": with_data }),
        )
        .await?;
        // The apps hear of it while the person's public id is still there.
        end_grants(&mut tx, GrantsOf::User(user_id), Notify::Apps, at).await?;
        // Mail not yet sent would go to an account that is gone.
        sqlx::query("DELETE FROM email_outbox WHERE recipient = $1 AND status = 'queued'")
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        if with_data {
            // Also what others' records say of them: the emails sent
            // to them, where their actions came from, and the notes
            // (reasons) written about them.
            sqlx::query("DELETE FROM email_outbox WHERE recipient = $1")
                .bind(&email)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE audit_events SET actor_ip = NULL WHERE actor_user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE audit_events SET details = '{}' WHERE target_user_id = $1 AND action <> $2")
                .bind(user_id)
                .bind(action::ACCOUNT_DELETED)
                .execute(&mut *tx)
                .await?;
            // Buckets about a person end in ":<their address>".
            sqlx::query(
                "DELETE FROM rate_limit_hits WHERE substr(bucket, length(bucket) - length($1) + 1) = $1",
            )
            .bind(format!(":{email}"))
            .execute(&mut *tx)
            .await?;
        }
        // Memberships, sessions (the sign-in history) and tokens go
        // with the account (ON DELETE CASCADE); audit events keep
        // what happened but no longer say to whom or by whom
        // (ON DELETE SET NULL).
        sqlx::query("DELETE FROM users WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
