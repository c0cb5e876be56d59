//! Back-channel logouts owed to applications (OpenID Connect Back-Channel
//! Logout 1.0): written in the transaction that ends an app session, and
//! delivered by workers that claim them, like the email outbox.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{
    Result,
    records::{OutboxStatus, Page},
};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LogoutRecord {
    pub id: i64,
    pub app_name: String,
    pub client_id: String,
    pub uri: String,
    /// The person's public id (`sub`) and the app session (`sid`).
    pub subject: String,
    pub sid: String,
    pub created_at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait LogoutStore: Send + Sync {
    /// Takes up to `limit` logouts that are due, leased to one worker until
    /// `lease_until`, so each is delivered once with several instances.
    async fn claim_due_logouts(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<LogoutRecord>>;

    async fn mark_logout_sent(&self, id: i64, at: DateTime<Utc>) -> Result<()>;

    /// A failed delivery: retried at `retry_at`, or failed for good when `None`.
    async fn mark_logout_failed(&self, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> Result<()>;

    /// Every logout, newest first.
    async fn list_logouts(&self, limit: i64, offset: i64) -> Result<Page<LogoutRecord>>;
}
