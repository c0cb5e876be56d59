use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

pub const OUTBOX_PER_PAGE: u32 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxRow {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub recipient: String,
    pub subject: String,
    /// `queued`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxList {
    pub rows: Vec<OutboxRow>,
    pub total: i64,
    pub page: u32,
}

/// The email outbox, newest first, for super admins: what is queued, sent
/// or failed, and why.
#[server(endpoint = "list_outbox")]
pub async fn list_outbox(page: u32) -> Result<OutboxList, AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageOutbox, &Target::Everything)?;
    let page = page.max(1);
    let offset = domain::Paging::new(page, OUTBOX_PER_PAGE, 0).offset();
    let found = state.store.list_outbox(i64::from(OUTBOX_PER_PAGE), offset).await?;
    let rows = found
        .items
        .into_iter()
        .map(|e| OutboxRow {
            id: e.id,
            created_at: e.created_at,
            recipient: e.recipient,
            subject: e.subject,
            status: e.status.as_str().to_owned(),
            attempts: e.attempts,
            next_attempt_at: e.next_attempt_at,
            last_error: e.last_error,
            sent_at: e.sent_at,
        })
        .collect();
    Ok(OutboxList { rows, total: found.total, page })
}

/// Queues a failed email again.
#[server(endpoint = "retry_email")]
pub async fn retry_email(id: i64) -> Result<(), AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageOutbox, &Target::Everything)?;
    state.store.retry_email(id, caller.actor(), Utc::now()).await?;
    Ok(())
}
