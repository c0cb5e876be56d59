//! The SQL of [`crate::LogoutStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::DbStore;
use crate::{
    LogoutStore, Result,
    dialect::Dialect,
    logouts::LogoutRecord,
    records::{OutboxStatus, Page},
};

/// The columns of [`LogoutRecord`], from `backchannel_logouts l JOIN apps a`.
macro_rules! logout_columns {
    () => {
        "l.id, a.name AS app_name, a.client_id, l.uri, l.subject, l.sid, l.created_at, l.status,
         l.attempts, l.next_attempt_at, l.last_error, l.sent_at"
    };
}

#[async_trait]
impl LogoutStore for DbStore {
    async fn claim_due_logouts(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<LogoutRecord>> {
        let mut tx = self.write().await?;
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "UPDATE backchannel_logouts SET attempts = attempts + 1, next_attempt_at = $2
             WHERE id IN (SELECT id FROM backchannel_logouts
                          WHERE status = 'queued' AND next_attempt_at <= $1
                          ORDER BY next_attempt_at, id LIMIT $3{})
             RETURNING id",
            DbStore::SKIP_LOCKED
        ))
        .bind(now)
        .bind(lease_until)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Vec::with_capacity(ids.len());
        for id in ids {
            claimed.push(
                sqlx::query_as(concat!(
                    "SELECT ",
                    logout_columns!(),
                    " FROM backchannel_logouts l JOIN apps a ON a.id = l.app_id WHERE l.id = $1"
                ))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?,
            );
        }
        tx.commit().await?;
        Ok(claimed)
    }

    async fn mark_logout_sent(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE backchannel_logouts SET status = 'sent', sent_at = $1, last_error = NULL WHERE id = $2",
        )
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn mark_logout_failed(&self, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> Result<()> {
        let status = if retry_at.is_some() { OutboxStatus::Queued } else { OutboxStatus::Failed };
        sqlx::query(
            "UPDATE backchannel_logouts SET status = $1, last_error = $2,
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

    async fn list_logouts(&self, limit: i64, offset: i64) -> Result<Page<LogoutRecord>> {
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM backchannel_logouts").fetch_one(&self.pool).await?;
        let items = sqlx::query_as(concat!(
            "SELECT ",
            logout_columns!(),
            " FROM backchannel_logouts l JOIN apps a ON a.id = l.app_id ORDER BY l.id DESC LIMIT $1 OFFSET $2"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(Page { items, total })
    }
}
