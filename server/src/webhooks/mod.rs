//! Delivers webhooks (Standard Webhooks): the deliveries a change queued in
//! its own transaction are claimed with a lease (so each is posted once,
//! however many instances run), signed when sent, and retried on the
//! schedule the specification suggests, about a day and a half in all. An
//! endpoint whose deliveries have all failed for a day is disabled, with the
//! reason shown to its owners.
//!
//! Each request goes to an address checked just before it: the host is
//! resolved here, every address must be public (unless
//! `ROSTER_WEBHOOKS_ALLOW_PRIVATE`), and the connection is made to exactly
//! those addresses, so DNS rebinding cannot aim a delivery inward. No
//! redirect is followed and no proxy is used.

pub mod signature;

use std::{sync::Arc, time::Duration};

use app::ssr::webhooks::destinations;
use chrono::Utc;
use store::{AttemptNext, ClaimedWebhook, Store, StoreError, WebhookAttempt};
use url::Url;

/// The waits after each failed attempt (Standard Webhooks' example
/// schedule); after the last, the delivery is given up.
pub const RETRY_SCHEDULE: [chrono::Duration; 7] = [
    chrono::Duration::seconds(5),
    chrono::Duration::minutes(5),
    chrono::Duration::minutes(30),
    chrono::Duration::hours(2),
    chrono::Duration::hours(5),
    chrono::Duration::hours(10),
    chrono::Duration::hours(14),
];
/// An endpoint failing every attempt this long is disabled.
pub const DISABLE_AFTER: chrono::Duration = chrono::Duration::hours(24);
/// How long a finished delivery (and its payload, which names people) stays
/// in the delivery log.
pub const KEEP_DELIVERIES: chrono::Duration = chrono::Duration::days(30);
/// How often each instance forgets older ones.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// One attempt's limit, connection included.
const TIMEOUT: Duration = Duration::from_secs(15);
/// Longer than an attempt can take.
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
const BATCH: i64 = 10;
/// Stored errors are cut to this many characters.
const MAX_ERROR_CHARS: usize = 300;

/// When to try again after the `attempts`-th attempt failed, if at all.
pub fn next_after_failure(attempts: i32, now: chrono::DateTime<Utc>) -> AttemptNext {
    usize::try_from(attempts)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|index| RETRY_SCHEDULE.get(index))
        .map_or(AttemptNext::GiveUp, |wait| AttemptNext::RetryAt(now + *wait))
}

pub struct Deliverer {
    store: Arc<dyn Store>,
    allow_private: bool,
}

/// An attempt's answer, or why there was none.
struct Outcome {
    status_code: Option<i32>,
    error: Option<String>,
}

impl Deliverer {
    pub fn new(store: Arc<dyn Store>, allow_private: bool) -> Self {
        Self { store, allow_private }
    }

    /// Sends what is due now; answers how many deliveries it took.
    pub async fn deliver_due(&self) -> Result<usize, StoreError> {
        let now = Utc::now();
        let claimed = self.store.claim_due_webhooks(now, now + LEASE, BATCH).await?;
        for delivery in &claimed {
            let started = std::time::Instant::now();
            let outcome = self.post(delivery).await;
            let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
            let at = Utc::now();
            let delivered = outcome.error.is_none();
            let next =
                if delivered { AttemptNext::Delivered } else { next_after_failure(delivery.attempts, at) };
            if delivered {
                tracing::info!(id = %delivery.id, endpoint = delivery.endpoint_id, "webhook delivered");
            } else {
                tracing::warn!(id = %delivery.id, endpoint = delivery.endpoint_id, status = ?outcome.status_code,
                    error = ?outcome.error, attempts = delivery.attempts, ?next, "webhook not delivered");
            }
            let attempt = WebhookAttempt {
                delivery_id: delivery.id.clone(),
                endpoint_id: delivery.endpoint_id,
                at,
                status_code: outcome.status_code,
                error: outcome.error,
                duration_ms,
                next,
            };
            if self.store.record_webhook_attempt(attempt, DISABLE_AFTER).await? {
                tracing::warn!(
                    endpoint = delivery.endpoint_id,
                    "webhook endpoint disabled after a day of failures"
                );
            }
        }
        Ok(claimed.len())
    }

    async fn post(&self, delivery: &ClaimedWebhook) -> Outcome {
        let failure = |error: String| Outcome {
            status_code: None,
            error: Some(error.chars().take(MAX_ERROR_CHARS).collect()),
        };
        let Ok(url) = Url::parse(&delivery.url) else {
            return failure("the endpoint's address is not a URL".to_owned());
        };
        let addresses = match destinations(&url, self.allow_private).await {
            Ok(addresses) => addresses,
            Err(error) => return failure(error.to_string()),
        };
        let timestamp = Utc::now().timestamp();
        let signature = match signature::header(&delivery.secrets, &delivery.id, timestamp, &delivery.payload)
        {
            Ok(signature) => signature,
            Err(error) => return failure(error.to_string()),
        };
        let mut client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent("Roster-Webhooks/1");
        // The checked addresses, and only those, for the URL's host name.
        if let Some(host) = url.host_str() {
            client = client.resolve_to_addrs(host, &addresses);
        }
        let client = match client.build() {
            Ok(client) => client,
            Err(error) => return failure(format!("could not prepare the request: {error}")),
        };
        let sent = client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &delivery.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.payload.clone())
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => {
                Outcome { status_code: Some(i32::from(response.status().as_u16())), error: None }
            }
            Ok(response) => {
                let status = response.status().as_u16();
                Outcome {
                    status_code: Some(i32::from(status)),
                    error: Some(format!("answered HTTP {status}")),
                }
            }
            Err(error) if error.is_timeout() => {
                failure(format!("no answer within {} seconds", TIMEOUT.as_secs()))
            }
            Err(error) => failure(format!("could not reach the endpoint: {error}")),
        }
    }

    /// Runs until the process ends, polling every `poll`.
    pub async fn run(self, poll: Duration) {
        let mut pruned_at = std::time::Instant::now() - PRUNE_EVERY;
        loop {
            if pruned_at.elapsed() >= PRUNE_EVERY {
                pruned_at = std::time::Instant::now();
                match self.store.prune_webhook_deliveries(Utc::now() - KEEP_DELIVERIES).await {
                    Ok(0) => {}
                    Ok(pruned) => tracing::info!(pruned, "old webhook deliveries forgotten"),
                    Err(error) => tracing::error!(%error, "webhook deliveries could not be pruned"),
                }
            }
            match self.deliver_due().await {
                Ok(taken) if taken as i64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "webhook worker could not reach the database"),
            }
            tokio::time::sleep(poll).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_retried_for_about_a_day_and_a_half_then_given_up() {
        let now = Utc::now();
        assert_eq!(next_after_failure(1, now), AttemptNext::RetryAt(now + chrono::Duration::seconds(5)));
        assert_eq!(next_after_failure(7, now), AttemptNext::RetryAt(now + chrono::Duration::hours(14)));
        assert_eq!(next_after_failure(8, now), AttemptNext::GiveUp);
        assert_eq!(next_after_failure(0, now), AttemptNext::GiveUp);
        let total: chrono::Duration = RETRY_SCHEDULE.iter().copied().sum();
        assert!(total > DISABLE_AFTER, "an endpoint failing for a day is disabled before its last retries");
    }
}
