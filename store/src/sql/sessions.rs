//! The SQL of [`crate::SessionStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Email;

use super::{Conn, DbStore, audit::audit};
use crate::{
    Result, SessionStore,
    dialect::Dialect,
    records::{Actor, NewSession, SessionRecord, SessionRow, SignInRecord, action},
};

/// Ends every session of a user, inside the caller's transaction.
pub(super) async fn revoke_sessions(conn: &mut Conn, user_id: i64, at: DateTime<Utc>) -> Result<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(at)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[async_trait]
impl SessionStore for DbStore {
    async fn find_sign_in(&self, email: &Email) -> Result<Option<SignInRecord>> {
        Ok(sqlx::query_as("SELECT id, password_hash, status FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn record_sign_in(&self, session: NewSession, by: Actor) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO sessions (user_id, token_hash, created_at, last_seen_at, expires_at, ip, user_agent,
                                   amr, factor_verified_at, must_enroll)
             VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(session.user_id)
        .bind(&session.token_hash)
        .bind(session.created_at)
        .bind(session.expires_at)
        .bind(session.ip.as_deref())
        .bind(session.user_agent.as_deref())
        .bind(session.amr.stored())
        .bind(session.second_step.map(|_| session.created_at))
        .bind(session.must_enroll)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
            .bind(session.created_at)
            .bind(session.user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sign_in_attempts (user_id, at, outcome, ip, user_agent, factor)
             VALUES ($1, $2, 'succeeded', $3, $4, $5)",
        )
        .bind(session.user_id)
        .bind(session.created_at)
        .bind(session.ip.as_deref())
        .bind(session.user_agent.as_deref())
        .bind(session.second_step.map(domain::SecondStep::as_str))
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, &by, session.created_at, action::SIGNED_IN, None, Some(session.user_id)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_session(&self, token_hash: &str) -> Result<Option<SessionRecord>> {
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT s.id AS session_id, s.created_at AS session_created_at, s.last_seen_at,
                    s.expires_at, s.revoked_at, s.amr, s.factor_verified_at, s.must_enroll,
                    u.id, u.email, u.name, u.is_super_admin, u.status, u.created_at, u.last_sign_in_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(SessionRecord::from))
    }

    async fn touch_session(&self, session_id: i64, at: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1")
            .bind(at)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn end_session(&self, session_id: i64, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        let user_id: Option<i64> = sqlx::query_scalar(
            "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING user_id",
        )
        .bind(at)
        .bind(session_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(user_id) = user_id {
            audit(&mut tx, &by, at, action::SIGNED_OUT, None, Some(user_id)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[cfg(feature = "test-support")]
    async fn session_token_hashes(&self, user_id: i64) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT token_hash FROM sessions WHERE user_id = $1 ORDER BY id DESC")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?)
    }
}
