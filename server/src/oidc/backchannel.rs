//! Delivers back-channel logouts (OpenID Connect Back-Channel Logout 1.0
//! §2.5), like the email outbox: queued in the transaction that ends an app
//! session, claimed with a lease (so each is posted once, however many
//! instances run), retried with the outbox's back-off, and shown to super
//! admins. The logout token is signed when it is sent, so it is fresh.

use std::time::Duration;

use chrono::Utc;
use store::{LogoutRecord, StoreError};

use super::Provider;
use crate::mailer::retry_delay;

/// Attempts before a logout is marked failed (about four minutes of retries).
pub const MAX_ATTEMPTS: i32 = 8;
/// Longer than one attempt can take ([`TIMEOUT`]).
const LEASE: chrono::Duration = chrono::Duration::seconds(30);
const TIMEOUT: Duration = Duration::from_secs(5);
const BATCH: i64 = 10;

pub struct Deliverer {
    provider: Provider,
    client: reqwest::Client,
}

impl Deliverer {
    pub fn new(provider: Provider) -> Self {
        // No redirects: a logout goes to the URI the app registered, nowhere else.
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self { provider, client }
    }

    /// Posts what is due now; answers how many logouts it took.
    pub async fn deliver_due(&self) -> Result<usize, StoreError> {
        let store = &self.provider.state.store;
        let now = Utc::now();
        let claimed = store.claim_due_logouts(now, now + LEASE, BATCH).await?;
        for logout in &claimed {
            match self.post(logout).await {
                Ok(()) => {
                    tracing::info!(id = logout.id, app = %logout.app_name, "back-channel logout delivered");
                    store.mark_logout_sent(logout.id, Utc::now()).await?;
                }
                Err(error) => {
                    let retry_at =
                        (logout.attempts < MAX_ATTEMPTS).then(|| Utc::now() + retry_delay(logout.attempts));
                    tracing::warn!(id = logout.id, app = %logout.app_name, %error, will_retry = retry_at.is_some(), "back-channel logout not delivered");
                    store.mark_logout_failed(logout.id, &error, retry_at).await?;
                }
            }
        }
        Ok(claimed.len())
    }

    async fn post(&self, logout: &LogoutRecord) -> Result<(), String> {
        let token = self
            .provider
            .logout_token(&logout.client_id, &logout.subject, &logout.sid)
            .await
            .map_err(|e| e.to_string())?;
        let response = self
            .client
            .post(&logout.uri)
            .form(&[("logout_token", token)])
            .send()
            .await
            .map_err(|e| format!("could not reach the app: {e}"))?;
        // §2.8: 200 (or 204) is success; anything else is the app's refusal.
        match response.status().as_u16() {
            200 | 204 => Ok(()),
            status => Err(format!("the app answered {status}")),
        }
    }

    /// Runs until the process ends, polling every `poll`.
    pub async fn run(self, poll: Duration) {
        loop {
            match self.deliver_due().await {
                Ok(taken) if taken as i64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "back-channel logout worker could not reach the database")
                }
            }
            tokio::time::sleep(poll).await;
        }
    }
}
