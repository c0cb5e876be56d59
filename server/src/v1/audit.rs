//! The audit log, as its page filters it (actor, target, action, dates),
//! newest first, in keyset slices: of one organization, or of everything
//! for an installation key.

use app::ssr::{self, AppState};
use axum::{
    Json,
    extract::{RawQuery, State},
};
use chrono::{DateTime, Utc};
use domain::query::Params;
use serde::{Deserialize, Serialize};
use store::AuditEntry;
use utoipa::{IntoParams, ToSchema};

use super::{auth::Key, cursor, path::Path, problem::Problem};

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;

#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    /// Absent once the account was deleted.
    pub user_id: Option<i64>,
    pub name: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyRef {
    pub id: i64,
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// Such as `member.role_changed`.
    pub action: String,
    /// Who made the change; absent for Roster itself.
    pub actor: Option<Person>,
    pub actor_ip: Option<String>,
    /// The API key the actor made the change with.
    pub api_key: Option<KeyRef>,
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    /// Whom the event is about.
    pub target: Option<Person>,
    /// What changed, such as `{"role": "editor"}`.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<AuditEntry> for AuditEvent {
    fn from(entry: AuditEntry) -> Self {
        let person = |user_id: Option<i64>, name, email| Person { user_id, name, email };
        Self {
            actor: (entry.actor_user_id.is_some() || entry.actor_name.is_some())
                .then(|| person(entry.actor_user_id, entry.actor_name, entry.actor_email)),
            target: (entry.target_user_id.is_some() || entry.target_name.is_some())
                .then(|| person(entry.target_user_id, entry.target_name, entry.target_email)),
            api_key: entry.api_key_id.map(|id| KeyRef { id, name: entry.api_key_name }),
            details: serde_json::from_str(&entry.details).unwrap_or_else(|_| serde_json::json!({})),
            id: entry.id,
            at: entry.at,
            action: entry.action,
            actor_ip: entry.actor_ip,
            organization_id: entry.organization_id,
            organization_name: entry.organization_name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    pub items: Vec<AuditEvent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AuditParams {
    /// Part of the acting person's name or email.
    actor: Option<String>,
    /// Part of the name or email of the person the event is about.
    target: Option<String>,
    /// An action name, such as `member.suspended`.
    action: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC).
    from: Option<String>,
    /// Last day, included.
    to: Option<String>,
    /// Events per slice, 1 to 1000 (default 100).
    limit: Option<i64>,
    cursor: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Position {
    view: String,
    at: DateTime<Utc>,
    id: i64,
}

async fn slice(
    state: &AppState,
    key: &Key,
    org: Option<&str>,
    query: Option<String>,
) -> Result<AuditList, Problem> {
    let query = query.unwrap_or_default();
    let params = Params::parse(&query);
    if let Some(action) = params.get("action").filter(|a| !a.is_empty())
        && !domain::ACTIONS.iter().any(|(name, _)| *name == action)
    {
        return Err(Problem::invalid("action", "No such action."));
    }
    let (mut audit, view) =
        ssr::activity::audit_query_of(state, &key.0, org, &query).await.map_err(|error| {
            // The page names its filter form; here, the parameters.
            let mut problem = Problem::from(error);
            if problem.field.as_deref() == Some("audit") {
                problem.field = Some("from".to_owned());
            }
            problem
        })?;
    let limit = cursor::limit(params.get("limit"), DEFAULT_LIMIT, MAX_LIMIT)?;
    let view_key = view.on_page(1).to_query();
    if let Some(given) = params.get("cursor") {
        let position: Position = cursor::decode(&given)?;
        if position.view != view_key {
            return Err(Problem::invalid("cursor", "This cursor belongs to another query."));
        }
        audit.older_than = Some((position.at, position.id));
    }
    let mut entries = state.store.audit_log(&audit, limit + 1, 0).await?.items;
    let more = entries.len() as i64 > limit;
    entries.truncate(limit as usize);
    let next_cursor = entries
        .last()
        .filter(|_| more)
        .map(|last| cursor::encode(&Position { view: view_key.clone(), at: last.at, id: last.id }));
    Ok(AuditList { items: entries.into_iter().map(AuditEvent::from).collect(), next_cursor })
}

#[utoipa::path(
    get,
    path = "/v1/audit-log",
    tag = "audit log",
    params(AuditParams),
    responses(
        (status = 200, description = "Events of every organization, newest first (installation keys)", body = AuditList),
        (status = 400, description = "A parameter is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not for this key (organization keys)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn everything(
    State(state): State<AppState>,
    key: Key,
    RawQuery(query): RawQuery,
) -> Result<Json<AuditList>, Problem> {
    Ok(Json(slice(&state, &key, None, query).await?))
}

#[utoipa::path(
    get,
    path = "/v1/organizations/{slug}/audit-log",
    tag = "audit log",
    params(("slug" = String, Path), AuditParams),
    responses(
        (status = 200, description = "The organization's events, newest first", body = AuditList),
        (status = 400, description = "A parameter is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization in the key's scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn organization(
    State(state): State<AppState>,
    key: Key,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<AuditList>, Problem> {
    Ok(Json(slice(&state, &key, Some(&slug), query).await?))
}
