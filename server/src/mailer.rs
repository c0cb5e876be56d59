//! Delivers the email outbox through SMTP (DESIGN invariant 5).
//!
//! Emails are written to the outbox in the same transaction as the change
//! that causes them; this worker takes due ones, sends them and records the
//! outcome. A failed attempt is retried later, each wait twice the last, and
//! after [`MAX_ATTEMPTS`] the email is marked failed for an admin to see and
//! retry. Any number of instances may run workers on one database: each
//! claim leases its emails, so each email is sent once.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};
use store::{OutboxRecord, Store, StoreError};
use url::Url;

/// Delivery attempts before an email is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed email is reserved for the worker that took it.
const LEASE: chrono::Duration = chrono::Duration::minutes(2);
/// Emails taken per round.
const BATCH: i64 = 10;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// `url` is `smtp://`, `smtps://` (TLS) or `smtp://…?tls=required`
    /// (STARTTLS), with credentials in it when the server wants them.
    pub fn new(url: &Url, from: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
            .map_err(|e| e.to_string())?
            .timeout(Some(Duration::from_secs(15)))
            .build();
        let from = from.parse().map_err(|e: lettre::address::AddressError| e.to_string())?;
        Ok(Self { transport, from })
    }

    async fn send(&self, email: &OutboxRecord) -> Result<(), String> {
        let to: Mailbox =
            email.recipient.parse().map_err(|e: lettre::address::AddressError| e.to_string())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&email.subject)
            .multipart(MultiPart::alternative_plain_html(email.body_text.clone(), email.body_html.clone()))
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// How long to wait after the `attempts`-th failed attempt: 2 s, 4 s, 8 s, …
/// up to an hour.
pub fn retry_delay(attempts: i32) -> chrono::Duration {
    let seconds = 2_i64.saturating_pow(attempts.clamp(1, 30) as u32).min(3_600);
    chrono::Duration::seconds(seconds)
}

/// Sends what is due now; returns how many emails it took.
pub async fn deliver_due(store: &dyn Store, mailer: &Mailer) -> Result<usize, StoreError> {
    let now = Utc::now();
    let claimed = store.claim_due_emails(now, now + LEASE, BATCH).await?;
    for email in &claimed {
        match mailer.send(email).await {
            Ok(()) => {
                tracing::info!(id = email.id, to = %email.recipient, "email sent");
                store.mark_email_sent(email.id, Utc::now()).await?;
            }
            Err(error) => {
                let retry_at =
                    (email.attempts < MAX_ATTEMPTS).then(|| Utc::now() + retry_delay(email.attempts));
                tracing::warn!(id = email.id, attempts = email.attempts, %error, will_retry = retry_at.is_some(), "email not sent");
                store.mark_email_failed(email.id, &error, retry_at).await?;
            }
        }
    }
    Ok(claimed.len())
}

/// Runs until the process ends, polling the outbox every `poll`.
pub async fn run(store: Arc<dyn Store>, mailer: Mailer, poll: Duration) {
    loop {
        match deliver_due(&*store, &mailer).await {
            // A full batch may mean more are waiting.
            Ok(taken) if taken as i64 == BATCH => continue,
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "outbox worker could not reach the database"),
        }
        tokio::time::sleep(poll).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let delays: Vec<i64> = (1..=6).map(|n| retry_delay(n).num_seconds()).collect();
        assert_eq!(delays, [2, 4, 8, 16, 32, 64]);
        assert_eq!(retry_delay(40).num_seconds(), 3_600);
        assert_eq!(retry_delay(0).num_seconds(), 2);
    }

    // The transport's connection pool lives on the Tokio runtime.
    #[tokio::test]
    async fn smtp_urls_and_senders_are_understood() {
        for url in [
            "smtp://127.0.0.1:1025",
            "smtps://user:pass@mail.example.com",
            "smtp://mail.example.com:587?tls=required",
        ] {
            assert!(Mailer::new(&url.parse().unwrap(), "Roster <no-reply@localhost>").is_ok(), "{url}");
        }
        assert!(Mailer::new(&"smtp://127.0.0.1:1025".parse().unwrap(), "not an address").is_err());
    }
}
