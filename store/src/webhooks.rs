//! Signed webhooks (Standard Webhooks): the endpoints admins register, the
//! deliveries owed to them and the attempts made. A delivery is written in
//! the transaction of the audit event it announces (so none is lost), and
//! sent by workers that claim it with a lease, like the email outbox.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::WebhookSettings;

use crate::{
    Result,
    records::{Actor, Page},
};

/// An endpoint as its admins see it: never its secret.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WebhookEndpointRecord {
    pub id: i64,
    /// `None`: the installation's, hearing every organization's events.
    pub organization_id: Option<i64>,
    pub url: String,
    pub description: String,
    /// The event types it hears, by name, sorted.
    #[sqlx(skip)]
    pub events: Vec<String>,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Until when the secret before the last rotation still signs.
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// Since when every attempt has failed.
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
}

impl WebhookEndpointRecord {
    pub fn is_enabled(&self) -> bool {
        self.disabled_at.is_none()
    }
}

pub struct NewWebhookEndpoint {
    pub organization_id: Option<i64>,
    pub settings: WebhookSettings,
    /// `whsec_` + base64 of the key; kept as is (signing needs it).
    pub secret: String,
}

/// One attempt to deliver a message.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WebhookAttemptRecord {
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<i32>,
    /// Why there was no (acceptable) answer.
    pub error: Option<String>,
    pub duration_ms: i32,
}

/// A message owed to an endpoint, with its attempts (newest first).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WebhookDeliveryRecord {
    /// The message id, `msg_…` (`webhook-id`).
    pub id: String,
    pub event_type: String,
    pub payload: String,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub attempts: i32,
    pub delivered_at: Option<DateTime<Utc>>,
    pub given_up_at: Option<DateTime<Utc>>,
    #[sqlx(skip)]
    pub attempt_log: Vec<WebhookAttemptRecord>,
}

/// A delivery a worker has claimed, with what it needs to sign and send it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedWebhook {
    pub id: String,
    pub endpoint_id: i64,
    pub url: String,
    /// The current secret, then the previous one while it is still valid:
    /// the message is signed with each.
    pub secrets: Vec<String>,
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: i32,
}

/// What became of one attempt, and what follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookAttempt {
    pub delivery_id: String,
    pub endpoint_id: i64,
    pub at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
    pub next: AttemptNext,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptNext {
    Delivered,
    RetryAt(DateTime<Utc>),
    /// No attempts left: the message stays in the log, to be resent by hand.
    GiveUp,
}

#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn create_webhook(
        &self,
        endpoint: NewWebhookEndpoint,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<WebhookEndpointRecord>;

    /// An organization's endpoints, or with `None` the installation's, oldest first.
    async fn list_webhooks(&self, organization_id: Option<i64>) -> Result<Vec<WebhookEndpointRecord>>;

    async fn find_webhook(&self, id: i64) -> Result<Option<WebhookEndpointRecord>>;

    /// Changes the address, description and events.
    async fn update_webhook(
        &self,
        id: i64,
        settings: &WebhookSettings,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Replaces the secret; the previous one keeps signing until `previous_until`.
    async fn rotate_webhook_secret(
        &self,
        id: i64,
        secret: &str,
        previous_until: DateTime<Utc>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Disables (with the reason its owners read) or enables an endpoint.
    /// A disabled endpoint gets no new deliveries and its waiting ones
    /// wait; enabling sends them.
    async fn set_webhook_disabled(
        &self,
        id: i64,
        disabled_reason: Option<&str>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Deletes an endpoint with its deliveries.
    async fn delete_webhook(&self, id: i64, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// An endpoint's deliveries, newest first, each with its attempts.
    async fn list_webhook_deliveries(
        &self,
        endpoint_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Page<WebhookDeliveryRecord>>;

    /// Sends a delivery of the endpoint again, now, with its message id.
    async fn resend_webhook_delivery(
        &self,
        endpoint_id: i64,
        delivery_id: &str,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Queues a `webhook.test` message to the endpoint; answers its id.
    async fn send_test_webhook(&self, endpoint_id: i64, by: Actor, at: DateTime<Utc>) -> Result<String>;

    /// Takes up to `limit` due deliveries of enabled endpoints, leased to
    /// one worker until `lease_until`, so each is sent once by one instance.
    async fn claim_due_webhooks(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ClaimedWebhook>>;

    /// Records an attempt and what follows it. An endpoint whose attempts
    /// have all failed for `disable_after` is disabled (answers `true`),
    /// with a reason its owners see and an audit event.
    async fn record_webhook_attempt(
        &self,
        attempt: WebhookAttempt,
        disable_after: chrono::Duration,
    ) -> Result<bool>;

    /// Forgets deliveries finished (delivered or given up) before `before`,
    /// with their attempts: payloads name people, and are kept no longer
    /// than the delivery log needs them. Answers how many went.
    async fn prune_webhook_deliveries(&self, before: DateTime<Utc>) -> Result<u64>;
}
