//! Rate limits counted in the database, so that they hold across every
//! server instance.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::Result;

#[async_trait]
pub trait RateLimitStore: Send + Sync {
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
}
