//! The SQL of [`crate::WebhookStore`], and [`enqueue_for_audit_event`],
//! which the audit log calls so that each change queues its webhook
//! deliveries in its own transaction.

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use domain::{TEST_EVENT, WebhookEvent, WebhookSettings, action};
use serde_json::{Value, json};

use super::{Conn, DbStore, audit::audit_with_details};
use crate::{
    Result, StoreError, WebhookStore,
    dialect::Dialect,
    records::{Actor, Page},
    webhooks::{
        AttemptNext, ClaimedWebhook, NewWebhookEndpoint, WebhookAttempt, WebhookAttemptRecord,
        WebhookDeliveryRecord, WebhookEndpointRecord,
    },
};

/// The columns of [`WebhookEndpointRecord`], from `webhook_endpoints e`.
macro_rules! endpoint_columns {
    () => {
        "e.id, e.organization_id, e.url, e.description,
         (SELECT u.name FROM users u WHERE u.id = e.created_by) AS created_by_name,
         e.created_at, e.updated_at, e.previous_secret_until, e.failing_since, e.disabled_at, e.disabled_reason"
    };
}

/// The enabled endpoints that hear event `$1` of organization `$2` about
/// person `$3`: the organization's and the installation's. An event of no
/// organization (about an account) reaches the endpoints of every
/// organization the person belongs to. Starts at the subscriptions' key,
/// so an event nobody listens to costs one index probe.
macro_rules! listening_endpoints {
    () => {
        " FROM webhook_subscriptions s JOIN webhook_endpoints e ON e.id = s.endpoint_id
          WHERE s.event_type = $1 AND e.disabled_at IS NULL
            AND (e.organization_id IS NULL OR e.organization_id = $2
                 OR ($2 IS NULL AND e.organization_id IN
                     (SELECT m.organization_id FROM organization_members m WHERE m.user_id = $3)))"
    };
}

/// A fresh message id prefix: `msg_` and 128 random bits, to which each
/// delivery adds its endpoint's id (one message, one id per endpoint).
fn message_id_prefix() -> String {
    format!("msg_{:032x}_", rand::random::<u128>())
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Queues the deliveries an audit event announces, in the caller's
/// transaction. Most audit events announce nothing, and most installations
/// listen to little: that case costs one indexed lookup and builds nothing.
pub(super) async fn enqueue_for_audit_event(
    conn: &mut Conn,
    by: &Actor,
    at: DateTime<Utc>,
    audit_action: &str,
    organization_id: Option<i64>,
    target_user_id: Option<i64>,
    details: &Value,
) -> Result<()> {
    let Some(event) = WebhookEvent::for_audit_action(audit_action) else {
        return Ok(());
    };
    let listener: Option<i64> =
        sqlx::query_scalar(concat!("SELECT e.id", listening_endpoints!(), " LIMIT 1"))
            .bind(event.as_str())
            .bind(organization_id)
            .bind(target_user_id)
            .fetch_optional(&mut *conn)
            .await?;
    if listener.is_none() {
        return Ok(());
    }
    let payload = event_payload(conn, event, by, at, organization_id, target_user_id, details).await?;
    sqlx::query(concat!(
        "INSERT INTO webhook_deliveries (id, endpoint_id, event_type, payload, created_at, next_attempt_at)
         SELECT $4 || CAST(e.id AS TEXT), e.id, $1, $5, $6, $6",
        listening_endpoints!()
    ))
    .bind(event.as_str())
    .bind(organization_id)
    .bind(target_user_id)
    .bind(message_id_prefix())
    .bind(payload.to_string())
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// `{type, timestamp, data}`: who the event is about (ids and email), the
/// organization, the membership as it now is, the actor, and what changed.
async fn event_payload(
    conn: &mut Conn,
    event: WebhookEvent,
    by: &Actor,
    at: DateTime<Utc>,
    organization_id: Option<i64>,
    target_user_id: Option<i64>,
    details: &Value,
) -> Result<Value> {
    let user = match target_user_id {
        Some(id) => person(conn, id).await?,
        None => Value::Null,
    };
    let organization = match organization_id {
        Some(id) => {
            let row: Option<(i64, Option<String>, String, String, String)> =
                sqlx::query_as("SELECT id, public_id, slug, name, status FROM organizations WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            row.map_or(Value::Null, |(id, public_id, slug, name, status)| {
                json!({ "id": id, "public_id": public_id, "slug": slug, "name": name, "status": status })
            })
        }
        None => Value::Null,
    };
    let membership = match (organization_id, target_user_id) {
        (Some(organization_id), Some(user_id)) => {
            let row: Option<(String, String)> = sqlx::query_as(
                "SELECT role, status FROM organization_members WHERE organization_id = $1 AND user_id = $2",
            )
            .bind(organization_id)
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
            row.map_or(Value::Null, |(role, status)| json!({ "role": role, "status": status }))
        }
        _ => Value::Null,
    };
    let mut actor = match by.user_id {
        Some(id) => {
            let mut actor = person(conn, id).await?;
            if let Value::Object(fields) = &mut actor {
                fields.insert("type".into(), "user".into());
            }
            actor
        }
        None => json!({ "type": "system" }),
    };
    // A change made through the management API names the key it used, as the audit log does.
    if let Some(key_id) = by.api_key_id {
        let key: Option<String> = sqlx::query_scalar("SELECT name FROM api_keys WHERE id = $1")
            .bind(key_id)
            .fetch_optional(&mut *conn)
            .await?;
        actor["api_key"] = json!({ "id": key_id, "name": key });
    }
    let (before, after) = changes(event, details);
    let mut data = json!({
        "user": user,
        "organization": organization,
        "membership": membership,
        "actor": actor,
        "before": before,
        "after": after,
    });
    for kept in ["reason", "with_data"] {
        if let Some(value) = details.get(kept) {
            data[kept] = value.clone();
        }
    }
    Ok(json!({ "type": event.as_str(), "timestamp": timestamp(at), "data": data }))
}

/// A person as payloads name them; `null` once gone.
async fn person(conn: &mut Conn, id: i64) -> Result<Value> {
    let row: Option<(i64, Option<String>, String, String)> =
        sqlx::query_as("SELECT id, public_id, email, name FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map_or(Value::Null, |(id, public_id, email, name)| {
        json!({ "id": id, "public_id": public_id, "email": email, "name": name })
    }))
}

/// The values before and after the change, from the audit event's details.
fn changes(event: WebhookEvent, details: &Value) -> (Value, Value) {
    let pair = |before: &str, after: &str, field: &str| match (details.get(before), details.get(after)) {
        (before, Some(after)) => (json!({ field: before }), json!({ field: after })),
        _ => (Value::Null, Value::Null),
    };
    match event {
        WebhookEvent::MemberRoleChanged => pair("previous_role", "role", "role"),
        WebhookEvent::OrganizationRenamed => pair("previous_name", "name", "name"),
        _ => match event.status_change() {
            Some((before, after)) => (json!({ "status": before }), json!({ "status": after })),
            None => (Value::Null, Value::Null),
        },
    }
}

async fn endpoint_events(conn: &mut Conn, endpoint_id: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT event_type FROM webhook_subscriptions WHERE endpoint_id = $1 ORDER BY event_type",
    )
    .bind(endpoint_id)
    .fetch_all(&mut *conn)
    .await?)
}

async fn subscribe(conn: &mut Conn, endpoint_id: i64, settings: &WebhookSettings) -> Result<()> {
    sqlx::query("DELETE FROM webhook_subscriptions WHERE endpoint_id = $1")
        .bind(endpoint_id)
        .execute(&mut *conn)
        .await?;
    for event in &settings.events {
        sqlx::query("INSERT INTO webhook_subscriptions (event_type, endpoint_id) VALUES ($1, $2)")
            .bind(event.as_str())
            .bind(endpoint_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The endpoint's organization and address, locked for the change; not found if absent.
async fn endpoint_for_change(conn: &mut Conn, id: i64) -> Result<(Option<i64>, String)> {
    sqlx::query_as(&format!(
        "SELECT organization_id, url FROM webhook_endpoints WHERE id = $1{}",
        DbStore::FOR_UPDATE
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)
}

fn about(url: &str) -> Value {
    json!({ "url": url })
}

#[async_trait]
impl WebhookStore for DbStore {
    async fn create_webhook(
        &self,
        endpoint: NewWebhookEndpoint,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<WebhookEndpointRecord> {
        let mut tx = self.write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO webhook_endpoints (organization_id, url, description, secret, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(endpoint.organization_id)
        .bind(endpoint.settings.url.as_str())
        .bind(&endpoint.settings.description)
        .bind(&endpoint.secret)
        .bind(by.user_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        subscribe(&mut tx, id, &endpoint.settings).await?;
        let details = about(endpoint.settings.url.as_str());
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::WEBHOOK_CREATED,
            endpoint.organization_id,
            None,
            &details,
        )
        .await?;
        let mut created: WebhookEndpointRecord = sqlx::query_as(concat!(
            "SELECT ",
            endpoint_columns!(),
            " FROM webhook_endpoints e WHERE e.id = $1"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        created.events = endpoint_events(&mut tx, id).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn list_webhooks(&self, organization_id: Option<i64>) -> Result<Vec<WebhookEndpointRecord>> {
        let mut conn = self.pool.acquire().await?;
        let mut endpoints: Vec<WebhookEndpointRecord> = sqlx::query_as(concat!(
            "SELECT ",
            endpoint_columns!(),
            " FROM webhook_endpoints e
              WHERE (e.organization_id = $1) OR ($1 IS NULL AND e.organization_id IS NULL)
              ORDER BY e.id"
        ))
        .bind(organization_id)
        .fetch_all(&mut *conn)
        .await?;
        for endpoint in &mut endpoints {
            endpoint.events = endpoint_events(&mut conn, endpoint.id).await?;
        }
        Ok(endpoints)
    }

    async fn find_webhook(&self, id: i64) -> Result<Option<WebhookEndpointRecord>> {
        let mut conn = self.pool.acquire().await?;
        let found: Option<WebhookEndpointRecord> = sqlx::query_as(concat!(
            "SELECT ",
            endpoint_columns!(),
            " FROM webhook_endpoints e WHERE e.id = $1"
        ))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        match found {
            Some(mut endpoint) => {
                endpoint.events = endpoint_events(&mut conn, id).await?;
                Ok(Some(endpoint))
            }
            None => Ok(None),
        }
    }

    async fn update_webhook(
        &self,
        id: i64,
        settings: &WebhookSettings,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let (organization_id, _) = endpoint_for_change(&mut tx, id).await?;
        sqlx::query("UPDATE webhook_endpoints SET url = $1, description = $2, updated_at = $3 WHERE id = $4")
            .bind(settings.url.as_str())
            .bind(&settings.description)
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        subscribe(&mut tx, id, settings).await?;
        let details = about(settings.url.as_str());
        audit_with_details(&mut tx, &by, at, action::WEBHOOK_UPDATED, organization_id, None, &details)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn rotate_webhook_secret(
        &self,
        id: i64,
        secret: &str,
        previous_until: DateTime<Utc>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let (organization_id, url) = endpoint_for_change(&mut tx, id).await?;
        sqlx::query(
            "UPDATE webhook_endpoints
             SET previous_secret = secret, previous_secret_until = $1, secret = $2, updated_at = $3
             WHERE id = $4",
        )
        .bind(previous_until)
        .bind(secret)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::WEBHOOK_SECRET_ROTATED,
            organization_id,
            None,
            &about(&url),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_webhook_disabled(
        &self,
        id: i64,
        disabled_reason: Option<&str>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let (organization_id, url) = endpoint_for_change(&mut tx, id).await?;
        let audit_action = match disabled_reason {
            Some(reason) => {
                sqlx::query(
                    "UPDATE webhook_endpoints SET disabled_at = COALESCE(disabled_at, $1), disabled_reason = $2,
                            updated_at = $1
                     WHERE id = $3",
                )
                .bind(at)
                .bind(reason)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                action::WEBHOOK_DISABLED
            }
            None => {
                // A fresh start: a day of failures counts from now.
                sqlx::query(
                    "UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL, failing_since = NULL,
                            updated_at = $1
                     WHERE id = $2",
                )
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                action::WEBHOOK_ENABLED
            }
        };
        let mut details = about(&url);
        if let Some(reason) = disabled_reason {
            details["reason"] = reason.into();
        }
        audit_with_details(&mut tx, &by, at, audit_action, organization_id, None, &details).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_webhook(&self, id: i64, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        let (organization_id, url) = endpoint_for_change(&mut tx, id).await?;
        // Explicitly, child rows first: SQLite applies ON DELETE CASCADE
        // only with foreign keys on, which a tool opening the file may not set.
        sqlx::query(
            "DELETE FROM webhook_attempts WHERE delivery_id IN
                 (SELECT id FROM webhook_deliveries WHERE endpoint_id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM webhook_subscriptions WHERE endpoint_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1").bind(id).execute(&mut *tx).await?;
        audit_with_details(&mut tx, &by, at, action::WEBHOOK_DELETED, organization_id, None, &about(&url))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_webhook_deliveries(
        &self,
        endpoint_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Page<WebhookDeliveryRecord>> {
        let mut conn = self.pool.acquire().await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = $1")
            .bind(endpoint_id)
            .fetch_one(&mut *conn)
            .await?;
        let mut items: Vec<WebhookDeliveryRecord> = sqlx::query_as(
            "SELECT id, event_type, payload, created_at, next_attempt_at, attempts, delivered_at, given_up_at
             FROM webhook_deliveries WHERE endpoint_id = $1
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
        )
        .bind(endpoint_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
        for delivery in &mut items {
            delivery.attempt_log = sqlx::query_as::<_, WebhookAttemptRecord>(
                "SELECT at, status_code, error, duration_ms FROM webhook_attempts
                 WHERE delivery_id = $1 ORDER BY id DESC",
            )
            .bind(&delivery.id)
            .fetch_all(&mut *conn)
            .await?;
        }
        Ok(Page { items, total })
    }

    async fn resend_webhook_delivery(
        &self,
        endpoint_id: i64,
        delivery_id: &str,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let (organization_id, url) = endpoint_for_change(&mut tx, endpoint_id).await?;
        // A fresh series of attempts, under the same message id (the
        // receiver's duplicate check still recognises it).
        let resent = sqlx::query(
            "UPDATE webhook_deliveries
             SET next_attempt_at = $1, attempts = 0, leased_until = NULL, delivered_at = NULL, given_up_at = NULL
             WHERE id = $2 AND endpoint_id = $3",
        )
        .bind(at)
        .bind(delivery_id)
        .bind(endpoint_id)
        .execute(&mut *tx)
        .await?;
        if resent.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let mut details = about(&url);
        details["message_id"] = delivery_id.into();
        audit_with_details(&mut tx, &by, at, action::WEBHOOK_RESENT, organization_id, None, &details).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn send_test_webhook(&self, endpoint_id: i64, by: Actor, at: DateTime<Utc>) -> Result<String> {
        let mut tx = self.write().await?;
        let (organization_id, url) = endpoint_for_change(&mut tx, endpoint_id).await?;
        let id = format!("{}{endpoint_id}", message_id_prefix());
        let actor = match by.user_id {
            Some(user_id) => person(&mut tx, user_id).await?,
            None => Value::Null,
        };
        let payload = json!({
            "type": TEST_EVENT,
            "timestamp": timestamp(at),
            "data": { "endpoint": { "id": endpoint_id, "url": url }, "actor": actor },
        });
        sqlx::query(
            "INSERT INTO webhook_deliveries (id, endpoint_id, event_type, payload, created_at, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(&id)
        .bind(endpoint_id)
        .bind(TEST_EVENT)
        .bind(payload.to_string())
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let mut details = about(&url);
        details["message_id"] = id.clone().into();
        audit_with_details(&mut tx, &by, at, action::WEBHOOK_TEST_SENT, organization_id, None, &details)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn claim_due_webhooks(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ClaimedWebhook>> {
        let mut tx = self.write().await?;
        let ids: Vec<String> = sqlx::query_scalar(&format!(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, leased_until = $2
             WHERE id IN (SELECT d.id FROM webhook_deliveries d
                          WHERE d.delivered_at IS NULL AND d.given_up_at IS NULL AND d.next_attempt_at <= $1
                            AND (d.leased_until IS NULL OR d.leased_until <= $1)
                            AND d.endpoint_id IN (SELECT e.id FROM webhook_endpoints e WHERE e.disabled_at IS NULL)
                          ORDER BY d.next_attempt_at, d.id LIMIT $3{})
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
            #[allow(clippy::type_complexity, reason = "one row, read once")]
            let (endpoint_id, url, secret, previous, previous_until, payload, attempts): (
                i64,
                String,
                String,
                Option<String>,
                Option<DateTime<Utc>>,
                String,
                i32,
            ) = sqlx::query_as(
                "SELECT e.id, e.url, e.secret, e.previous_secret, e.previous_secret_until, d.payload, d.attempts
                 FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1",
            )
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
            let mut secrets = vec![secret];
            if let (Some(previous), Some(until)) = (previous, previous_until)
                && until > now
            {
                secrets.push(previous);
            }
            claimed.push(ClaimedWebhook { id, endpoint_id, url, secrets, payload, attempts });
        }
        tx.commit().await?;
        Ok(claimed)
    }

    async fn record_webhook_attempt(
        &self,
        attempt: WebhookAttempt,
        disable_after: chrono::Duration,
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO webhook_attempts (delivery_id, at, status_code, error, duration_ms)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&attempt.delivery_id)
        .bind(attempt.at)
        .bind(attempt.status_code)
        .bind(attempt.error.as_deref())
        .bind(attempt.duration_ms)
        .execute(&mut *tx)
        .await?;
        let (delivered_at, next_attempt_at, given_up_at) = match attempt.next {
            AttemptNext::Delivered => (Some(attempt.at), None, None),
            AttemptNext::RetryAt(retry_at) => (None, Some(retry_at), None),
            AttemptNext::GiveUp => (None, None, Some(attempt.at)),
        };
        sqlx::query(
            "UPDATE webhook_deliveries
             SET leased_until = NULL, delivered_at = $1, next_attempt_at = COALESCE($2, next_attempt_at),
                 given_up_at = $3
             WHERE id = $4",
        )
        .bind(delivered_at)
        .bind(next_attempt_at)
        .bind(given_up_at)
        .bind(&attempt.delivery_id)
        .execute(&mut *tx)
        .await?;
        if attempt.next == AttemptNext::Delivered {
            sqlx::query("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1")
                .bind(attempt.endpoint_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(false);
        }
        sqlx::query("UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $1) WHERE id = $2")
            .bind(attempt.at)
            .bind(attempt.endpoint_id)
            .execute(&mut *tx)
            .await?;
        let hours = disable_after.num_hours();
        let last = match (attempt.status_code, attempt.error.as_deref()) {
            (Some(status), _) => format!("the last answer was HTTP {status}"),
            (None, Some(error)) => format!("the last attempt failed: {error}"),
            (None, None) => "the last attempt failed".to_owned(),
        };
        let reason =
            format!("Every delivery failed for {hours} hours ({last}). Fix the receiver, then enable it.");
        let disabled: Option<(Option<i64>, String)> = sqlx::query_as(
            "UPDATE webhook_endpoints SET disabled_at = $1, disabled_reason = $2, updated_at = $1
             WHERE id = $3 AND disabled_at IS NULL AND failing_since <= $4
             RETURNING organization_id, url",
        )
        .bind(attempt.at)
        .bind(&reason)
        .bind(attempt.endpoint_id)
        .bind(attempt.at - disable_after)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((organization_id, url)) = &disabled {
            let mut details = about(url);
            details["reason"] = reason.into();
            let system = Actor::system();
            audit_with_details(
                &mut tx,
                &system,
                attempt.at,
                action::WEBHOOK_DISABLED,
                *organization_id,
                None,
                &details,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(disabled.is_some())
    }

    async fn prune_webhook_deliveries(&self, before: DateTime<Utc>) -> Result<u64> {
        let mut tx = self.write().await?;
        // Attempts first: SQLite enforces the cascade only with foreign keys on.
        sqlx::query(
            "DELETE FROM webhook_attempts WHERE delivery_id IN
               (SELECT id FROM webhook_deliveries WHERE COALESCE(delivered_at, given_up_at) < $1)",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        let pruned =
            sqlx::query("DELETE FROM webhook_deliveries WHERE COALESCE(delivered_at, given_up_at) < $1")
                .bind(before)
                .execute(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(pruned.rows_affected())
    }
}
