//! The SQL of [`crate::OutboxStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Conn, DbStore, audit::audit};
use crate::{
    OutboxStore, Result, StoreError,
    dialect::Dialect,
    records::{Actor, NewEmail, OutboxCounts, OutboxRecord, OutboxStatus, Page, action},
};

/// Writes an email to the outbox, inside the caller's transaction.
pub(super) async fn enqueue_email(
    conn: &mut Conn,
    organization_id: Option<i64>,
    mail: &NewEmail,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO email_outbox (created_at, organization_id, recipient, subject, body_text, body_html, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $1)",
    )
    .bind(at)
    .bind(organization_id)
    .bind(&mail.recipient)
    .bind(&mail.subject)
    .bind(&mail.body_text)
    .bind(&mail.body_html)
    .execute(conn)
    .await?;
    Ok(())
}

#[async_trait]
impl OutboxStore for DbStore {
    async fn claim_due_emails(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxRecord>> {
        let mut tx = self.write().await?;
        let claimed = sqlx::query_as(&format!(
            concat!(
                "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = $2
                 WHERE id IN (SELECT id FROM email_outbox
                              WHERE status = 'queued' AND next_attempt_at <= $1
                              ORDER BY next_attempt_at, id LIMIT $3{})
                 RETURNING ",
                outbox_columns!()
            ),
            DbStore::SKIP_LOCKED
        ))
        .bind(now)
        .bind(lease_until)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(claimed)
    }

    async fn mark_email_sent(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE email_outbox SET status = 'sent', sent_at = $1, last_error = NULL WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn mark_email_failed(&self, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> Result<()> {
        let status = if retry_at.is_some() { OutboxStatus::Queued } else { OutboxStatus::Failed };
        sqlx::query(
            "UPDATE email_outbox SET status = $1, last_error = $2,
                    next_attempt_at = COALESCE($3, next_attempt_at)
             WHERE id = $4",
        )
        .bind(status.as_str())
        .bind(error)
        .bind(retry_at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_outbox(&self, limit: i64, offset: i64) -> Result<Page<OutboxRecord>> {
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM email_outbox").fetch_one(&self.pool).await?;
        let items = sqlx::query_as(concat!(
            "SELECT ",
            outbox_columns!(),
            " FROM email_outbox ORDER BY id DESC LIMIT $1 OFFSET $2"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(Page { items, total })
    }

    async fn outbox_counts(&self) -> Result<OutboxCounts> {
        let (queued, failed): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM email_outbox WHERE status = 'queued'),
                    (SELECT COUNT(*) FROM email_outbox WHERE status = 'failed')",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(OutboxCounts { queued, failed })
    }

    async fn retry_email(&self, id: i64, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        let queued = sqlx::query(
            "UPDATE email_outbox SET status = 'queued', next_attempt_at = $1 WHERE id = $2 AND status = 'failed'",
        )
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if queued.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit(&mut tx, &by, at, action::EMAIL_RETRIED, None, None).await?;
        tx.commit().await?;
        Ok(())
    }
}
