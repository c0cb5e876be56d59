//! The SQL of [`crate::RateLimitStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::DbStore;
use crate::{RateLimitStore, Result, dialect::Dialect};

#[async_trait]
impl RateLimitStore for DbStore {
    async fn take_rate_limit_many(
        &self,
        bucket: &str,
        count: i64,
        limit: i64,
        since: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        // Concurrent requests in one bucket queue here, so none is
        // counted against a stale total.
        DbStore::lock_bucket(&mut tx, bucket).await?;
        let counted: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM rate_limit_hits WHERE bucket = $1 AND at > $2")
                .bind(bucket)
                .bind(since)
                .fetch_one(&mut *tx)
                .await?;
        if counted.saturating_add(count) > limit {
            return Ok(false);
        }
        sqlx::query("DELETE FROM rate_limit_hits WHERE bucket = $1 AND at <= $2")
            .bind(bucket)
            .bind(since)
            .execute(&mut *tx)
            .await?;
        for _ in 0..count {
            sqlx::query("INSERT INTO rate_limit_hits (bucket, at) VALUES ($1, $2)")
                .bind(bucket)
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn rate_limit_hits(&self, bucket: &str, since: DateTime<Utc>) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM rate_limit_hits WHERE bucket = $1 AND at > $2")
            .bind(bucket)
            .bind(since)
            .fetch_one(&self.pool)
            .await?)
    }
}
