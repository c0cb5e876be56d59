//! Audit events, written inside the transaction of the change they record
//! (DESIGN invariant 4), with the webhook deliveries they announce.

use chrono::{DateTime, Utc};

use super::Conn;
use crate::{Result, records::Actor};

pub(super) async fn audit(
    conn: &mut Conn,
    by: &Actor,
    at: DateTime<Utc>,
    action: &str,
    organization_id: Option<i64>,
    target_user_id: Option<i64>,
) -> Result<()> {
    audit_with_details(conn, by, at, action, organization_id, target_user_id, &serde_json::json!({})).await
}

/// An audit event's details for a change made with an optional reason.
pub(super) fn reason_details(reason: Option<&str>) -> serde_json::Value {
    match reason {
        Some(reason) => serde_json::json!({ "reason": reason }),
        None => serde_json::json!({}),
    }
}

/// [`audit`] with details (a JSON object) about the change. An event
/// webhooks announce (`domain::WebhookEvent::for_audit_action`) also queues
/// its deliveries; the event's payload reads its before/after values from
/// `details` (`previous_role`/`role`, `previous_name`/`name`).
pub(super) async fn audit_with_details(
    conn: &mut Conn,
    by: &Actor,
    at: DateTime<Utc>,
    action: &str,
    organization_id: Option<i64>,
    target_user_id: Option<i64>,
    details: &serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_events
             (at, actor_user_id, actor_ip, organization_id, action, target_user_id, details, api_key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(at)
    .bind(by.user_id)
    .bind(by.ip.as_deref())
    .bind(organization_id)
    .bind(action)
    .bind(target_user_id)
    .bind(details.to_string())
    .bind(by.api_key_id)
    .execute(&mut *conn)
    .await?;
    // In the same transaction: a change that commits has its deliveries
    // queued, one that rolls back announces nothing.
    super::webhooks::enqueue_for_audit_event(conn, by, at, action, organization_id, target_user_id, details)
        .await
}
