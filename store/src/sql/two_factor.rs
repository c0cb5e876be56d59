//! The SQL of [`crate::TwoFactorStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::TwoFactorRequirement;

use super::{
    Conn, DbStore,
    audit::{audit, audit_with_details},
    grants::{GrantsOf, Notify, end_grants},
    outbox::enqueue_email,
    sessions::revoke_sessions,
};
use crate::{
    Result, StoreError, TwoFactorStore,
    dialect::Dialect,
    records::{Actor, action},
    two_factor::{
        ChallengePurpose, FactorRecord, FactorSecret, NewFactor, NewSignInChallenge, SignInChallengeRecord,
        TwoFactorReset,
    },
};

const FACTOR_COLUMNS: &str =
    "id, user_id, kind, name, totp_secret, totp_last_step, credential_id, credential,
     created_at, last_used_at";

async fn insert_recovery_codes(
    conn: &mut Conn,
    user_id: i64,
    hashes: &[String],
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
    for hash in hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(hash)
            .bind(at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether the person has any factor left, kept on `users.two_factor` for
/// the members table's filter.
async fn refresh_two_factor_flag(conn: &mut Conn, user_id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE users SET two_factor = EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = users.id)
         WHERE id = $1",
    )
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[async_trait]
impl TwoFactorStore for DbStore {
    async fn second_factors(&self, user_id: i64) -> Result<Vec<FactorRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {FACTOR_COLUMNS} FROM second_factors WHERE user_id = $1 ORDER BY id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn add_second_factor(&self, factor: NewFactor, by: Actor, at: DateTime<Utc>) -> Result<i64> {
        let mut tx = self.write().await?;
        let (totp_secret, totp_last_step, credential_id, credential) = match &factor.secret {
            FactorSecret::Totp { secret, confirmed_step } => {
                (Some(secret), Some(*confirmed_step), None, None)
            }
            FactorSecret::Passkey { credential_id, credential } => {
                (None, None, Some(credential_id), Some(credential))
            }
        };
        let kind = factor.secret.kind().as_str();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO second_factors
                 (user_id, kind, name, totp_secret, totp_last_step, credential_id, credential, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(factor.user_id)
        .bind(kind)
        .bind(&factor.name)
        .bind(totp_secret)
        .bind(totp_last_step)
        .bind(credential_id)
        .bind(credential)
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from_insert_factor)?;
        if let Some(hashes) = &factor.recovery_code_hashes {
            insert_recovery_codes(&mut tx, factor.user_id, hashes, at).await?;
        }
        sqlx::query("UPDATE users SET two_factor = $1 WHERE id = $2")
            .bind(true)
            .bind(factor.user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE sessions SET must_enroll = $1 WHERE user_id = $2")
            .bind(false)
            .bind(factor.user_id)
            .execute(&mut *tx)
            .await?;
        let details = serde_json::json!({ "kind": kind, "name": factor.name });
        audit_with_details(&mut tx, &by, at, action::TWO_FACTOR_ADDED, None, Some(factor.user_id), &details)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn remove_second_factor(
        &self,
        user_id: i64,
        factor_id: i64,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let removed: Option<(String, String)> =
            sqlx::query_as("DELETE FROM second_factors WHERE id = $1 AND user_id = $2 RETURNING kind, name")
                .bind(factor_id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((kind, name)) = removed else { return Err(StoreError::NotFound) };
        refresh_two_factor_flag(&mut tx, user_id).await?;
        // Recovery codes stand in for a factor; without any, they would be
        // a second password.
        sqlx::query(
            "DELETE FROM recovery_codes WHERE user_id = $1 AND NOT EXISTS
                 (SELECT 1 FROM second_factors f WHERE f.user_id = $1)",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        let details = serde_json::json!({ "kind": kind, "name": name });
        audit_with_details(&mut tx, &by, at, action::TWO_FACTOR_REMOVED, None, Some(user_id), &details)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn replace_recovery_codes(
        &self,
        user_id: i64,
        code_hashes: Vec<String>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        insert_recovery_codes(&mut tx, user_id, &code_hashes, at).await?;
        audit(&mut tx, &by, at, action::RECOVERY_CODES_GENERATED, None, Some(user_id)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn recovery_codes_left(&self, user_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn spend_totp_step(&self, factor_id: i64, step: i64, at: DateTime<Utc>) -> Result<bool> {
        let spent = sqlx::query(
            "UPDATE second_factors SET totp_last_step = $1, last_used_at = $2
             WHERE id = $3 AND kind = 'totp' AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(at)
        .bind(factor_id)
        .execute(&self.pool)
        .await?;
        Ok(spent.rows_affected() == 1)
    }

    async fn spend_recovery_code(&self, user_id: i64, code_hash: &str, at: DateTime<Utc>) -> Result<bool> {
        let spent = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(at)
        .bind(user_id)
        .bind(code_hash)
        .execute(&self.pool)
        .await?;
        Ok(spent.rows_affected() == 1)
    }

    async fn reset_two_factor(&self, reset: TwoFactorReset, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        let removed = sqlx::query("DELETE FROM second_factors WHERE user_id = $1")
            .bind(reset.user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(reset.user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET two_factor = $1 WHERE id = $2")
            .bind(false)
            .bind(reset.user_id)
            .execute(&mut *tx)
            .await?;
        revoke_sessions(&mut tx, reset.user_id, at).await?;
        end_grants(&mut tx, GrantsOf::User(reset.user_id), Notify::Apps, at).await?;
        enqueue_email(&mut tx, reset.organization_id, &reset.email, at).await?;
        let details = serde_json::json!({ "factors_removed": removed });
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::TWO_FACTOR_RESET,
            reset.organization_id,
            Some(reset.user_id),
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_passkey(&self, credential_id: &str) -> Result<Option<FactorRecord>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {FACTOR_COLUMNS} FROM second_factors WHERE credential_id = $1 AND kind = 'passkey'"
        ))
        .bind(credential_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn passkey_used(&self, factor_id: i64, credential: &str, at: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE second_factors SET credential = $1, last_used_at = $2 WHERE id = $3")
            .bind(credential)
            .bind(at)
            .bind(factor_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn set_sign_in_challenge_passkey_state(&self, challenge_id: i64, state: &str) -> Result<()> {
        sqlx::query("UPDATE sign_in_challenges SET passkey_state = $1 WHERE id = $2")
            .bind(state)
            .bind(challenge_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_sign_in_challenge(&self, challenge: NewSignInChallenge) -> Result<()> {
        let mut tx = self.write().await?;
        // Abandoned challenges go as new ones come.
        sqlx::query("DELETE FROM sign_in_challenges WHERE expires_at <= $1")
            .bind(challenge.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sign_in_challenges (user_id, token_hash, created_at, expires_at, passkey_state, purpose)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(challenge.user_id)
        .bind(&challenge.token_hash)
        .bind(challenge.created_at)
        .bind(challenge.expires_at)
        .bind(challenge.passkey_state.as_deref())
        .bind(challenge.purpose.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_sign_in_challenge(
        &self,
        token_hash: &str,
        purpose: ChallengePurpose,
        now: DateTime<Utc>,
    ) -> Result<Option<SignInChallengeRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, user_id, passkey_state FROM sign_in_challenges
             WHERE token_hash = $1 AND purpose = $2 AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(purpose.as_str())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn consume_sign_in_challenge(&self, challenge_id: i64) -> Result<bool> {
        let deleted = sqlx::query("DELETE FROM sign_in_challenges WHERE id = $1")
            .bind(challenge_id)
            .execute(&self.pool)
            .await?;
        Ok(deleted.rows_affected() == 1)
    }

    async fn two_factor_required(&self, user_id: i64) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (
                 SELECT 1 FROM organization_members m JOIN organizations o ON o.id = m.organization_id
                 WHERE m.user_id = $1 AND m.status = 'active' AND o.status = 'active'
                   AND (o.two_factor_required = 'everyone'
                        OR (o.two_factor_required = 'admins' AND m.role = 'admin'))
             ) OR EXISTS (
                 SELECT 1 FROM users u, installation_settings s
                 WHERE u.id = $1 AND u.is_super_admin AND s.super_admins_require_two_factor
             )",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn two_factor_requirement(&self, organization_id: i64) -> Result<TwoFactorRequirement> {
        let stored: Option<String> =
            sqlx::query_scalar("SELECT two_factor_required FROM organizations WHERE id = $1")
                .bind(organization_id)
                .fetch_optional(&self.pool)
                .await?;
        let stored = stored.ok_or(StoreError::NotFound)?;
        Ok(stored.parse().unwrap_or_default())
    }

    async fn set_two_factor_requirement(
        &self,
        organization_id: i64,
        requirement: TwoFactorRequirement,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let changed = sqlx::query("UPDATE organizations SET two_factor_required = $1 WHERE id = $2")
            .bind(requirement.as_str())
            .bind(organization_id)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let details = serde_json::json!({ "required_for": requirement.as_str() });
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::TWO_FACTOR_POLICY_CHANGED,
            Some(organization_id),
            None,
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn super_admins_require_two_factor(&self) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT super_admins_require_two_factor FROM installation_settings WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await?
        .unwrap_or(false))
    }

    async fn set_super_admins_require_two_factor(
        &self,
        required: bool,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE installation_settings SET super_admins_require_two_factor = $1 WHERE id = 1")
            .bind(required)
            .execute(&mut *tx)
            .await?;
        let details = serde_json::json!({ "super_admins": required });
        audit_with_details(&mut tx, &by, at, action::TWO_FACTOR_POLICY_CHANGED, None, None, &details).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn second_factor_given(&self, session_id: i64, at: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE sessions SET factor_verified_at = $1 WHERE id = $2")
            .bind(at)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
