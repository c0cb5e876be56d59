//! Organizations: those in a key's scope (all of them for an installation
//! key, its own for an organization key), and for installation keys
//! creating, renaming, suspending and reactivating them.

use app::ssr::{self, AppState};
use axum::{
    Json,
    body::Bytes,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};
use chrono::{DateTime, Utc};
use domain::{
    policy::{Action, Target},
    query::Params,
};
use serde::{Deserialize, Serialize};
use store::OrganizationRecord;
use utoipa::{IntoParams, ToSchema};

use super::{auth::Key, body, cursor, idempotency, members::NoFields, path::Path, problem::Problem};

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;

#[derive(Debug, Serialize, ToSchema)]
pub struct Organization {
    /// Its URL name, which every other path about it uses.
    pub slug: String,
    pub name: String,
    /// `active` or `suspended`.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

impl From<OrganizationRecord> for Organization {
    fn from(record: OrganizationRecord) -> Self {
        Self {
            slug: record.slug,
            name: record.name,
            status: record.status.as_str().to_owned(),
            created_at: record.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationList {
    pub items: Vec<Organization>,
    /// Pass as `cursor` for the next slice; absent at the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct OrganizationQuery {
    /// Part of the name or URL name, any case.
    q: Option<String>,
    /// Organizations per slice, 1 to 500 (default 100).
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Where a slice of organizations (by name) ended: a short list, counted by offset.
#[derive(Serialize, Deserialize)]
struct Position {
    q: String,
    offset: i64,
}

#[utoipa::path(
    get,
    path = "/v1/organizations",
    tag = "organizations",
    params(OrganizationQuery),
    responses(
        (status = 200, description = "The organizations in the key's scope, by name", body = OrganizationList),
        (status = 400, description = "A parameter is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    key: Key,
    RawQuery(query): RawQuery,
) -> Result<Json<OrganizationList>, Problem> {
    let params = Params::parse(query.as_deref().unwrap_or(""));
    let search = params.get("q").unwrap_or_default();
    ssr::organizations::check_search(&search)?;
    let limit = cursor::limit(params.get("limit"), DEFAULT_LIMIT, MAX_LIMIT)?;
    if !key.0.may(Action::ManageOrganizations, &Target::Everything) {
        // An organization key sees its own organization.
        let own = key.0.api_key.as_ref().and_then(|k| k.organization_slug.clone());
        let own = match own {
            Some(slug) => state.store.find_organization(&slug).await?,
            None => None,
        };
        let search = search.to_lowercase();
        let items = own
            .filter(|o| o.name.to_lowercase().contains(&search) || o.slug.contains(&search))
            .map(Organization::from)
            .into_iter()
            .collect();
        return Ok(Json(OrganizationList { items, next_cursor: None }));
    }
    let offset = match params.get("cursor") {
        None => 0,
        Some(given) => {
            let position: Position = cursor::decode(&given)?;
            if position.q != search || position.offset < 0 {
                return Err(Problem::invalid("cursor", "This cursor belongs to another query."));
            }
            position.offset
        }
    };
    let page = state.store.list_organizations(&search, limit, offset).await?;
    let next = offset + page.items.len() as i64;
    let next_cursor =
        (next < page.total).then(|| cursor::encode(&Position { q: search.clone(), offset: next }));
    let items = page.items.into_iter().map(|summary| Organization::from(summary.organization)).collect();
    Ok(Json(OrganizationList { items, next_cursor }))
}

#[utoipa::path(
    get,
    path = "/v1/organizations/{slug}",
    tag = "organizations",
    params(("slug" = String, Path)),
    responses(
        (status = 200, description = "The organization", body = Organization),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization in the key's scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    key: Key,
    Path(slug): Path<String>,
) -> Result<Json<Organization>, Problem> {
    Ok(Json(super::members::in_scope(&state, &key, &slug, Action::ViewOrganization).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    pub name: String,
    /// Its URL name; made from the name when absent.
    #[serde(default)]
    pub slug: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    pub name: String,
}

fn created(record: OrganizationRecord, status: StatusCode) -> idempotency::Answer {
    Ok((status, serde_json::to_value(Organization::from(record)).unwrap_or_default()))
}

#[utoipa::path(
    post,
    path = "/v1/organizations",
    tag = "organizations",
    params(("Idempotency-Key" = Option<String>, Header)),
    request_body = NewOrganization,
    responses(
        (status = 201, description = "The new organization", body = Organization),
        (status = 400, description = "The name or URL name is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not for this key (organization keys)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The URL name is taken", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    key: Key,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(&state, &key, &headers, uri.path(), &bytes, async {
        key.0.require(Action::ManageOrganizations, &Target::Everything)?;
        let input: NewOrganization = body::read(&bytes)?;
        let record =
            ssr::organizations::create(&state, &key.0, &input.name, input.slug.as_deref().unwrap_or(""))
                .await?;
        created(record, StatusCode::CREATED)
    })
    .await
}

/// The organization after a change, found again.
async fn after(state: &AppState, slug: &str) -> idempotency::Answer {
    let record = state.store.find_organization(slug).await?.ok_or_else(Problem::not_found)?;
    created(record, StatusCode::OK)
}

#[utoipa::path(
    post,
    path = "/v1/organizations/{slug}/rename",
    tag = "organizations",
    params(("slug" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = Rename,
    responses(
        (status = 200, description = "The organization, renamed", body = Organization),
        (status = 400, description = "The name is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization in the key's scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn rename(
    State(state): State<AppState>,
    key: Key,
    Path(slug): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(&state, &key, &headers, uri.path(), &bytes, async {
        let organization = super::members::in_scope(&state, &key, &slug, Action::ManageOrganizations).await?;
        let input: Rename = body::read(&bytes)?;
        ssr::organizations::rename(&state, &key.0, &organization, &input.name).await?;
        after(&state, &slug).await
    })
    .await
}

async fn set_suspended(
    state: &AppState,
    key: &Key,
    slug: &str,
    bytes: &[u8],
    suspended: bool,
) -> idempotency::Answer {
    let organization = super::members::in_scope(state, key, slug, Action::ManageOrganizations).await?;
    let NoFields {} = body::read(bytes)?;
    ssr::organizations::set_suspended(state, &key.0, &organization, suspended).await?;
    after(state, slug).await
}

#[utoipa::path(
    post,
    path = "/v1/organizations/{slug}/suspend",
    tag = "organizations",
    params(("slug" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = NoFields,
    responses(
        (status = 200, description = "The organization, suspended: its members can no longer use it", body = Organization),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization in the key's scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn suspend(
    State(state): State<AppState>,
    key: Key,
    Path(slug): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(
        &state,
        &key,
        &headers,
        uri.path(),
        &bytes,
        set_suspended(&state, &key, &slug, &bytes, true),
    )
    .await
}

#[utoipa::path(
    post,
    path = "/v1/organizations/{slug}/reactivate",
    tag = "organizations",
    params(("slug" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = NoFields,
    responses(
        (status = 200, description = "The organization, active again", body = Organization),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization in the key's scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn reactivate(
    State(state): State<AppState>,
    key: Key,
    Path(slug): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(
        &state,
        &key,
        &headers,
        uri.path(),
        &bytes,
        set_suspended(&state, &key, &slug, &bytes, false),
    )
    .await
}
