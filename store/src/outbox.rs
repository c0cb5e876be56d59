//! The email outbox (DESIGN invariant 5): mail is written in the transaction
//! of the change that sends it, and delivered by workers that claim it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{
    Result,
    records::{Actor, OutboxCounts, OutboxRecord, Page},
};

#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Takes up to `limit` emails that are due, for one worker: each is
    /// leased until `lease_until`, so no other worker sends it meanwhile.
    async fn claim_due_emails(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxRecord>>;

    async fn mark_email_sent(&self, id: i64, at: DateTime<Utc>) -> Result<()>;

    /// Records a failed attempt: retried at `retry_at`, or failed for good when `None`.
    async fn mark_email_failed(&self, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> Result<()>;

    /// The outbox, newest first.
    async fn list_outbox(&self, limit: i64, offset: i64) -> Result<Page<OutboxRecord>>;

    /// How many emails wait to be sent and how many failed for good.
    async fn outbox_counts(&self) -> Result<OutboxCounts>;

    /// Queues a failed email again, now.
    async fn retry_email(&self, id: i64, by: Actor, at: DateTime<Utc>) -> Result<()>;
}
