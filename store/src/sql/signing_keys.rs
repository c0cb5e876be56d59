//! The SQL of [`crate::SigningKeyStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Conn, DbStore, audit::audit_with_details};
use crate::{
    Result, SigningKeyStore,
    dialect::Dialect,
    records::{Actor, action},
    signing_keys::{NewSigningKey, SigningKeyRecord},
};

async fn insert_key(conn: &mut Conn, key: &NewSigningKey, at: DateTime<Utc>) -> Result<()> {
    sqlx::query(
        "INSERT INTO signing_keys (kid, algorithm, private_key, public_jwk, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&key.kid)
    .bind(&key.algorithm)
    .bind(&key.private_key)
    .bind(&key.public_jwk)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

#[async_trait]
impl SigningKeyStore for DbStore {
    async fn signing_keys(&self, retired_since: DateTime<Utc>) -> Result<Vec<SigningKeyRecord>> {
        Ok(sqlx::query_as(
            "SELECT kid, algorithm, private_key, public_jwk, created_at, retired_at FROM signing_keys
             WHERE retired_at IS NULL OR retired_at > $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(retired_since)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn add_first_signing_key(&self, key: NewSigningKey, at: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.write().await?;
        let existing: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM signing_keys").fetch_one(&mut *tx).await?;
        if existing > 0 {
            return Ok(false);
        }
        insert_key(&mut tx, &key, at).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn rotate_signing_key(&self, key: NewSigningKey, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL")
            .bind(at)
            .execute(&mut *tx)
            .await?;
        insert_key(&mut tx, &key, at).await?;
        let details = serde_json::json!({ "kid": key.kid });
        audit_with_details(&mut tx, &by, at, action::SIGNING_KEY_ADDED, None, None, &details).await?;
        tx.commit().await?;
        Ok(())
    }
}
