//! The SQL of [`crate::ApiKeyStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{DbStore, audit::audit_with_details};
use crate::{
    ApiKeyStore, Result, StoreError,
    api_keys::{
        ApiKeyRecord, ApiKeyScope, IDEMPOTENCY_CLAIM_LAPSES, IDEMPOTENCY_KEPT, IdempotentResponse,
        KeyPurpose, NewApiKey,
    },
    dialect::Dialect,
    records::{Actor, action},
};

/// An [`ApiKeyRecord`] from `api_keys k`; the caller adds `WHERE` and `ORDER BY`.
macro_rules! api_key_select {
    () => {
        "SELECT k.id, k.organization_id, o.slug AS organization_slug, k.name, k.purpose, k.prefix, k.created_by,
                u.name AS created_by_name, k.created_at, k.expires_at, k.last_used_at, k.revoked_at
         FROM api_keys k LEFT JOIN users u ON u.id = k.created_by
              LEFT JOIN organizations o ON o.id = k.organization_id"
    };
}

/// The audit actions of making and revoking a key of `purpose`.
fn actions(purpose: KeyPurpose) -> (&'static str, &'static str) {
    match purpose {
        KeyPurpose::Management => (action::API_KEY_CREATED, action::API_KEY_REVOKED),
        KeyPurpose::Scim => (action::SCIM_TOKEN_CREATED, action::SCIM_TOKEN_REVOKED),
    }
}

fn details(record: &ApiKeyRecord) -> serde_json::Value {
    serde_json::json!({ "api_key": record.name, "prefix": record.prefix })
}

#[async_trait]
impl ApiKeyStore for DbStore {
    async fn create_api_key(&self, key: NewApiKey, by: Actor, at: DateTime<Utc>) -> Result<ApiKeyRecord> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_keys (organization_id, name, purpose, prefix, secret_hash, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(key.organization_id)
        .bind(&key.name)
        .bind(key.purpose.as_str())
        .bind(&key.prefix)
        .bind(&key.secret_hash)
        .bind(by.user_id)
        .bind(at)
        .bind(key.expires_at)
        .fetch_one(&mut *tx)
        .await?;
        let record: ApiKeyRecord = sqlx::query_as(concat!(api_key_select!(), " WHERE k.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        audit_with_details(
            &mut tx,
            &by,
            at,
            actions(key.purpose).0,
            key.organization_id,
            None,
            &details(&record),
        )
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn list_api_keys(&self, scope: ApiKeyScope) -> Result<Vec<ApiKeyRecord>> {
        let query = match scope {
            ApiKeyScope::Installation => sqlx::query_as(concat!(
                api_key_select!(),
                " WHERE k.organization_id IS NULL ORDER BY k.id DESC"
            )),
            ApiKeyScope::Organization(id) => sqlx::query_as(concat!(
                api_key_select!(),
                " WHERE k.organization_id = $1 AND k.purpose = 'management' ORDER BY k.id DESC"
            ))
            .bind(id),
            ApiKeyScope::Scim(id) => sqlx::query_as(concat!(
                api_key_select!(),
                " WHERE k.organization_id = $1 AND k.purpose = 'scim' ORDER BY k.id DESC"
            ))
            .bind(id),
        };
        Ok(query.fetch_all(&self.pool).await?)
    }

    async fn find_api_key(&self, id: i64) -> Result<Option<ApiKeyRecord>> {
        Ok(sqlx::query_as(concat!(api_key_select!(), " WHERE k.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn find_api_key_by_hash(&self, secret_hash: &str) -> Result<Option<ApiKeyRecord>> {
        Ok(sqlx::query_as(concat!(api_key_select!(), " WHERE k.secret_hash = $1"))
            .bind(secret_hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn revoke_api_key(&self, id: i64, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        let revoked = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if revoked.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let record: ApiKeyRecord = sqlx::query_as(concat!(api_key_select!(), " WHERE k.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        audit_with_details(
            &mut tx,
            &by,
            at,
            actions(record.purpose).1,
            record.organization_id,
            None,
            &details(&record),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn note_api_key_use(&self, id: i64, at: DateTime<Utc>, noted_since: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE api_keys SET last_used_at = $1
             WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(at)
        .bind(id)
        .bind(noted_since)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn claim_idempotent(
        &self,
        api_key_id: i64,
        idempotency_key: &str,
        fingerprint: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<IdempotentResponse>> {
        let mut tx = self.write().await?;
        // Two statements, each answered by an index: the key's answers past
        // keeping, then this idempotency key's claim if it lapsed.
        sqlx::query("DELETE FROM api_idempotency WHERE api_key_id = $1 AND created_at < $2")
            .bind(api_key_id)
            .bind(at - IDEMPOTENCY_KEPT)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM api_idempotency
             WHERE api_key_id = $1 AND idempotency_key = $2 AND status = 0 AND created_at < $3",
        )
        .bind(api_key_id)
        .bind(idempotency_key)
        .bind(at - IDEMPOTENCY_CLAIM_LAPSES)
        .execute(&mut *tx)
        .await?;
        // Two retries at once: the second waits here, then finds the claim.
        let claimed = sqlx::query(
            "INSERT INTO api_idempotency (api_key_id, idempotency_key, fingerprint, status, body, created_at)
             VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT DO NOTHING",
        )
        .bind(api_key_id)
        .bind(idempotency_key)
        .bind(fingerprint)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let earlier = if claimed.rows_affected() == 1 {
            None
        } else {
            sqlx::query_as(
                "SELECT fingerprint, status, body FROM api_idempotency
                 WHERE api_key_id = $1 AND idempotency_key = $2",
            )
            .bind(api_key_id)
            .bind(idempotency_key)
            .fetch_optional(&mut *tx)
            .await?
        };
        tx.commit().await?;
        Ok(earlier)
    }

    async fn finish_idempotent(
        &self,
        api_key_id: i64,
        idempotency_key: &str,
        status: i32,
        body: &str,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE api_idempotency SET status = $1, body = $2 WHERE api_key_id = $3 AND idempotency_key = $4",
        )
        .bind(status)
        .bind(body)
        .bind(api_key_id)
        .bind(idempotency_key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn release_idempotent(&self, api_key_id: i64, idempotency_key: &str) -> Result<()> {
        sqlx::query(
            "DELETE FROM api_idempotency WHERE api_key_id = $1 AND idempotency_key = $2 AND status = 0",
        )
        .bind(api_key_id)
        .bind(idempotency_key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
