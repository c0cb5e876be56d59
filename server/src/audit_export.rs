//! CSV export of the audit log's current filters, streamed.

use app::{
    AppError,
    ssr::{AppState, RequestContext, activity},
};
use axum::{
    Extension,
    extract::{Path, RawQuery, State},
    response::Response,
};
use chrono::SecondsFormat;
use store::AuditEntry;

use crate::export::{csv_line, csv_response, error_response};

const HEADER: [&str; 11] = [
    "At",
    "Action",
    "By name",
    "By email",
    "By IP",
    "Organization",
    "About name",
    "About email",
    "Details",
    "Event",
    "API key",
];

/// `GET /orgs/{slug}/audit.csv?<the audit page's query>`: every event of
/// the organization the filters match, newest first.
pub async fn organization_csv(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Extension(request): Extension<RequestContext>,
    RawQuery(query): RawQuery,
) -> Response {
    export(&state, &request, Some(&slug), query.as_deref().unwrap_or_default())
        .await
        .unwrap_or_else(error_response)
}

/// `GET /audit.csv?…`: every organization's events, for super admins.
pub async fn global_csv(
    State(state): State<AppState>,
    Extension(request): Extension<RequestContext>,
    RawQuery(query): RawQuery,
) -> Response {
    export(&state, &request, None, query.as_deref().unwrap_or_default()).await.unwrap_or_else(error_response)
}

async fn export(
    state: &AppState,
    request: &RequestContext,
    org: Option<&str>,
    query: &str,
) -> Result<Response, AppError> {
    let (audit, _) = activity::audit_query(state, request, org, query).await?;
    let filename = format!("{}-audit.csv", org.unwrap_or("roster"));
    Ok(csv_response(&HEADER, state.store.stream_audit_log(audit), entry_line, &filename))
}

fn entry_line(entry: &AuditEntry) -> Vec<u8> {
    let or_empty = |value: &Option<String>| value.clone().unwrap_or_default();
    csv_line(&[
        &entry.at.to_rfc3339_opts(SecondsFormat::Secs, true),
        domain::action_label(&entry.action),
        &or_empty(&entry.actor_name),
        &or_empty(&entry.actor_email),
        &or_empty(&entry.actor_ip),
        &or_empty(&entry.organization_name),
        &or_empty(&entry.target_name),
        &or_empty(&entry.target_email),
        &activity::describe(&entry.details),
        &entry.action,
        &or_empty(&entry.api_key_name),
    ])
}
