//! The SQL of [`crate::ActivityStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    Db, DbStore,
    audit::{audit, audit_with_details},
};
use crate::{
    ActivityStore, Result, StoreError,
    dialect::Dialect,
    records::{Actor, Page, action},
};

/// The `SELECT` list of [`crate::AuditEntry`], from `audit_events e` with
/// the `LEFT JOIN`s of `push_audit_from`.
macro_rules! audit_entry_columns {
    () => {
        "e.id, e.at, e.action, e.actor_user_id, a.name AS actor_name, a.email AS actor_email, e.actor_ip,
         e.organization_id, o.name AS organization_name,
         e.target_user_id, t.name AS target_name, t.email AS target_email, e.details,
         e.api_key_id, k.name AS api_key_name, k.purpose AS api_key_purpose"
    };
}

/// `FROM … WHERE …` of an audit query. The names are joined only
/// when they are shown or searched, so a count stays on the events.
fn push_audit_from(query: &mut sqlx::QueryBuilder<'_, Db>, audit: &crate::AuditQuery, with_names: bool) {
    query.push(" FROM audit_events e");
    if with_names || !audit.actor.is_empty() {
        query.push(" LEFT JOIN users a ON a.id = e.actor_user_id");
    }
    if with_names || !audit.target.is_empty() {
        query.push(" LEFT JOIN users t ON t.id = e.target_user_id");
    }
    if with_names {
        query.push(" LEFT JOIN organizations o ON o.id = e.organization_id");
        query.push(" LEFT JOIN api_keys k ON k.id = e.api_key_id");
    }
    query.push(" WHERE 1 = 1");
    if let Some(organization_id) = audit.organization_id {
        query.push(" AND e.organization_id = ").push_bind(organization_id);
    }
    if let Some(user_id) = audit.involving {
        query
            .push(" AND (e.actor_user_id = ")
            .push_bind(user_id)
            .push(" OR e.target_user_id = ")
            .push_bind(user_id)
            .push(")");
    }
    for (alias, search) in [("a", &audit.actor), ("t", &audit.target)] {
        if !search.is_empty() {
            let pattern = crate::like_pattern(search);
            query
                .push(format_args!(" AND (lower({alias}.name) LIKE "))
                .push_bind(pattern.clone())
                .push(format_args!(" ESCAPE '\\' OR {alias}.email LIKE "))
                .push_bind(pattern)
                .push(" ESCAPE '\\')");
        }
    }
    if let Some(action) = &audit.action {
        query.push(" AND e.action = ").push_bind(action.clone());
    }
    if let Some(from) = audit.from {
        query.push(" AND e.at >= ").push_bind(from);
    }
    if let Some(until) = audit.until {
        query.push(" AND e.at < ").push_bind(until);
    }
    if let Some((at, id)) = audit.older_than {
        query
            .push(" AND (e.at < ")
            .push_bind(at)
            .push(" OR (e.at = ")
            .push_bind(at)
            .push(" AND e.id < ")
            .push_bind(id)
            .push("))");
    }
}

fn audit_select(audit: &crate::AuditQuery) -> sqlx::QueryBuilder<'static, Db> {
    let mut query = sqlx::QueryBuilder::<Db>::new(concat!("SELECT ", audit_entry_columns!()));
    push_audit_from(&mut query, audit, true);
    query.push(" ORDER BY e.at DESC, e.id DESC");
    query
}

#[async_trait]
impl ActivityStore for DbStore {
    async fn record_failed_sign_in(&self, attempt: crate::NewSignInAttempt) -> Result<()> {
        sqlx::query(
            "INSERT INTO sign_in_attempts (user_id, at, outcome, ip, user_agent, factor)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(attempt.user_id)
        .bind(attempt.at)
        .bind(attempt.outcome.as_str())
        .bind(attempt.ip)
        .bind(attempt.user_agent)
        .bind(attempt.factor.map(domain::SecondStep::as_str))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn sign_in_attempts(&self, user_id: i64, limit: i64) -> Result<Vec<crate::SignInAttempt>> {
        Ok(sqlx::query_as(
            "SELECT id, at, outcome, ip, user_agent, app, factor FROM sign_in_attempts
             WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn sign_in_times(&self, user_id: i64, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>> {
        Ok(sqlx::query_scalar(
            "SELECT at FROM sign_in_attempts
             WHERE user_id = $1 AND outcome = 'succeeded' AND at >= $2 ORDER BY at",
        )
        .bind(user_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn organization_sign_in_times(
        &self,
        organization_id: i64,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>> {
        Ok(sqlx::query_scalar(
            "SELECT a.at FROM sign_in_attempts a
             JOIN organization_members m ON m.user_id = a.user_id AND m.organization_id = $1
             WHERE a.outcome = 'succeeded' AND a.at >= $2 ORDER BY a.at",
        )
        .bind(organization_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn live_sessions(
        &self,
        user_id: i64,
        now: DateTime<Utc>,
        seen_since: DateTime<Utc>,
    ) -> Result<Vec<crate::LiveSession>> {
        Ok(sqlx::query_as(
            "SELECT id, created_at, last_seen_at, expires_at, ip, user_agent FROM sessions
             WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at >= $3
             ORDER BY last_seen_at DESC, id DESC",
        )
        .bind(user_id)
        .bind(now)
        .bind(seen_since)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn end_user_session(
        &self,
        user_id: i64,
        session_id: i64,
        organization_id: Option<i64>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let ended = sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(session_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if ended == 0 {
            return Err(StoreError::NotFound);
        }
        audit(&mut tx, &by, at, action::SESSION_ENDED, organization_id, Some(user_id)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn end_other_sessions(&self, user_id: i64, keep: i64, by: Actor, at: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.write().await?;
        let ended = sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(user_id)
        .bind(keep)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let details = serde_json::json!({ "sessions": ended });
        audit_with_details(&mut tx, &by, at, action::OTHER_SESSIONS_ENDED, None, Some(user_id), &details)
            .await?;
        tx.commit().await?;
        Ok(ended)
    }

    async fn links_of(
        &self,
        user_id: i64,
        organization_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<crate::LinkRecord>> {
        let mut query = sqlx::QueryBuilder::<Db>::new(
            "SELECT t.kind, o.name AS organization_name, t.created_at, c.name AS created_by,
                    t.expires_at, t.used_at, t.revoked_at
             FROM tokens t
             LEFT JOIN users c ON c.id = t.created_by
             LEFT JOIN organizations o ON o.id = t.organization_id
             WHERE t.user_id = ",
        );
        query.push_bind(user_id);
        match organization_id {
            // Resets are about the account, which the organization's
            // admins may send; invitations only of this organization.
            Some(organization_id) => {
                query
                    .push(
                        " AND (t.kind = 'password_reset' OR (t.kind = 'invitation' AND t.organization_id = ",
                    )
                    .push_bind(organization_id)
                    .push("))");
            }
            None => {
                query.push(" AND t.kind IN ('invitation', 'password_reset')");
            }
        }
        query.push(" ORDER BY t.id DESC LIMIT ").push_bind(limit);
        let rows: Vec<crate::activity::LinkRow> = query.build_query_as().fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(crate::activity::LinkRow::into_record).collect())
    }

    async fn audit_log(
        &self,
        audit: &crate::AuditQuery,
        limit: i64,
        offset: i64,
    ) -> Result<Page<crate::AuditEntry>> {
        let mut count = sqlx::QueryBuilder::<Db>::new("SELECT COUNT(*)");
        push_audit_from(&mut count, audit, false);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let mut rows = audit_select(audit);
        rows.push(" LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
        let items = rows.build_query_as().fetch_all(&self.pool).await?;
        Ok(Page { items, total })
    }

    fn stream_audit_log(&self, audit: crate::AuditQuery) -> crate::AuditStream {
        // As for members: the query runs in its own task, paced to
        // the reader by a small channel.
        let pool = self.pool.clone();
        let (rows_out, rows_in) = tokio::sync::mpsc::channel(256);
        tokio::spawn(async move {
            use futures::StreamExt;
            let mut query = audit_select(&audit);
            let mut rows = query.build_query_as::<crate::AuditEntry>().fetch(&pool);
            while let Some(row) = rows.next().await {
                if rows_out.send(row.map_err(StoreError::from)).await.is_err() {
                    break;
                }
            }
        });
        Box::pin(futures::stream::unfold(rows_in, |mut rows_in| async move {
            rows_in.recv().await.map(|row| (row, rows_in))
        }))
    }

    #[cfg(feature = "test-support")]
    async fn recent_audit_events(&self, limit: i64) -> Result<Vec<crate::AuditRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, at, actor_user_id, actor_ip, organization_id, action, target_user_id, details, api_key_id
             FROM audit_events ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
