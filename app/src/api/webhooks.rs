//! Webhook endpoints: an organization's (its admins, and super admins) and
//! the installation's (super admins, every event). `scope` is the
//! organization's URL name, or empty for the installation. Each change is
//! one store call with its audit event; another scope's endpoint is not found.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

pub const DELIVERIES_PER_PAGE: u32 = 25;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub description: String,
    /// Event names, sorted.
    pub events: Vec<String>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub enabled: bool,
    /// Why it is disabled (by an admin, or after a day of failures).
    pub disabled_reason: Option<String>,
    /// Since when every attempt has failed.
    pub failing_since: Option<DateTime<Utc>>,
    pub previous_secret_until: Option<DateTime<Utc>>,
}

/// A new endpoint's id and signing secret, shown exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookCreated {
    pub id: i64,
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptRow {
    pub at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRow {
    pub id: String,
    pub event_type: String,
    pub created_at: DateTime<Utc>,
    /// `delivered`, `retrying`, `queued` or `failed`.
    pub status: String,
    pub next_attempt_at: DateTime<Utc>,
    pub attempts: Vec<AttemptRow>,
    pub payload: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryList {
    pub rows: Vec<DeliveryRow>,
    pub total: i64,
    pub page: u32,
}

#[cfg(feature = "ssr")]
fn row(endpoint: store::WebhookEndpointRecord) -> WebhookRow {
    WebhookRow {
        enabled: endpoint.is_enabled(),
        id: endpoint.id,
        url: endpoint.url,
        description: endpoint.description,
        events: endpoint.events,
        created_by: endpoint.created_by_name,
        created_at: endpoint.created_at,
        disabled_reason: endpoint.disabled_reason,
        failing_since: endpoint.failing_since,
        previous_secret_until: endpoint.previous_secret_until,
    }
}

#[server(endpoint = "list_webhooks")]
pub async fn list_webhooks(scope: String) -> Result<Vec<WebhookRow>, AppError> {
    let scope = ssr::webhooks::Scope::require(&scope).await?;
    let endpoints = scope.state.store.list_webhooks(scope.organization_id).await?;
    Ok(endpoints.into_iter().map(row).collect())
}

#[server(endpoint = "webhook_details")]
pub async fn webhook_details(scope: String, id: i64) -> Result<WebhookRow, AppError> {
    let scope = ssr::webhooks::Scope::require(&scope).await?;
    Ok(row(scope.endpoint(id).await?))
}

/// Registers an endpoint; its signing secret is returned this once.
/// `events` lists event names separated by commas.
#[server(endpoint = "register_webhook")]
pub async fn register_webhook(
    scope: String,
    url: String,
    description: String,
    events: String,
) -> Result<WebhookCreated, AppError> {
    let scope = ssr::webhooks::Scope::require(&scope).await?;
    let settings = ssr::webhooks::settings(&url, &description, &events)?;
    ssr::webhooks::check_destination(&scope.state, &settings).await?;
    let secret = ssr::webhooks::new_secret();
    let endpoint = store::NewWebhookEndpoint {
        organization_id: scope.organization_id,
        settings,
        secret: secret.clone(),
    };
    let created = scope.state.store.create_webhook(endpoint, scope.caller.actor(), Utc::now()).await?;
    Ok(WebhookCreated { id: created.id, secret })
}

#[server(endpoint = "update_webhook")]
pub async fn update_webhook(
    scope: String,
    id: i64,
    url: String,
    description: String,
    events: String,
) -> Result<(), AppError> {
    let scope = ssr::webhooks::Scope::require(&scope).await?;
    scope.endpoint(id).await?;
    let settings = ssr::webhooks::settings(&url, &description, &events)?;
    ssr::webhooks::check_destination(&scope.state, &settings).await?;
    scope.state.store.update_webhook(id, &settings, scope.caller.actor(), Utc::now()).await?;
    Ok(())
}

/// A new signing secret, returned this once; the previous one keeps
/// signing (a second signature) for a day, so receivers can switch.
#[server(endpoint = "rotate_webhook_secret")]
pub async fn rotate_webhook_secret(scope: String, id: i64) -> Result<String, AppError> {
    let scope = ssr::webhooks::Scope::require(&scope).await?;
    scope.endpoint(id).await?;
    let secret = ssr::webhooks::new_secret();
    let now = Utc::now();
    let until = now + ssr::webhooks::ROTATION_GRACE;
    scope.state.store.rotate_webhook_secret(id, &secret, until, scope.caller.actor(), now).await?;
    Ok(secret)
}

#[server(endpoint = "set_webhook_enabled")]
pub async fn set_webhook_enabled(scope: String, id: i64, enabled: bool) -> Result<(), AppError> {
    let scope = ssr::webhooks::Scope::require(&scope).await?;
    scope.endpoint(id).await?;
    let reason = (!enabled).then_some("Disabled by an admin.");
    scope.state.store.set_webhook_disabled(id, reason, scope.caller.actor(), Utc::now()).await?;
    Ok(())
}

/// Deletes an endpoint and its delivery log, once its address is typed to confirm.
#[server(endpoint = "delete_webhook")]
pub async fn delete_webhook(scope: String, id: i64, confirm_url: String) -> Result<(), AppError> {
    let scope_name = scope;
    let scope = ssr::webhooks::Scope::require(&scope_name).await?;
    let endpoint = scope.endpoint(id).await?;
    if confirm_url.trim() != endpoint.url {
        return Err(AppError::invalid("confirm_url", "Type the endpoint's address exactly to delete it."));
    }
    scope.state.store.delete_webhook(id, scope.caller.actor(), Utc::now()).await?;
    leptos_axum::redirect(&crate::pages::webhooks_path(&scope_name));
    Ok(())
}

/// An endpoint's deliveries, newest first, with every attempt.
#[server(endpoint = "list_webhook_deliveries")]
pub async fn list_webhook_deliveries(scope: String, id: i64, page: u32) -> Result<DeliveryList, AppError> {
    let scope = ssr::webhooks::Scope::require(&scope).await?;
    scope.endpoint(id).await?;
    let page = page.max(1);
    let offset = domain::Paging::new(page, DELIVERIES_PER_PAGE, 0).offset();
    let found = scope.state.store.list_webhook_deliveries(id, i64::from(DELIVERIES_PER_PAGE), offset).await?;
    let rows = found
        .items
        .into_iter()
        .map(|d| {
            let status = if d.delivered_at.is_some() {
                "delivered"
            } else if d.given_up_at.is_some() {
                "failed"
            } else if d.attempt_log.is_empty() {
                "queued"
            } else {
                "retrying"
            };
            DeliveryRow {
                status: status.to_owned(),
                id: d.id,
                event_type: d.event_type,
                created_at: d.created_at,
                next_attempt_at: d.next_attempt_at,
                payload: d.payload,
                attempts: d
                    .attempt_log
                    .into_iter()
                    .map(|a| AttemptRow {
                        at: a.at,
                        status_code: a.status_code,
                        error: a.error,
                        duration_ms: a.duration_ms,
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(DeliveryList { rows, total: found.total, page })
}

/// Sends a delivery again now, with its message id.
#[server(endpoint = "resend_webhook_delivery")]
pub async fn resend_webhook_delivery(scope: String, id: i64, delivery_id: String) -> Result<(), AppError> {
    let scope = ssr::webhooks::Scope::require(&scope).await?;
    scope.endpoint(id).await?;
    if !delivery_id.starts_with("msg_") || delivery_id.len() > 100 {
        return Err(AppError::NotFound);
    }
    scope.state.store.resend_webhook_delivery(id, &delivery_id, scope.caller.actor(), Utc::now()).await?;
    Ok(())
}

/// Queues a `webhook.test` event to the endpoint.
#[server(endpoint = "send_test_webhook")]
pub async fn send_test_webhook(scope: String, id: i64) -> Result<String, AppError> {
    let scope = ssr::webhooks::Scope::require(&scope).await?;
    scope.endpoint(id).await?;
    Ok(scope.state.store.send_test_webhook(id, scope.caller.actor(), Utc::now()).await?)
}
