//! An organization's members: the list (the members table's search,
//! filters and sort, keyset-paged), one member, and the changes of the
//! table's row actions, each through the same code as the page's.

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
    MemberAction, MemberView, Reason,
    policy::{Action, Target},
    query::Params,
};
use serde::{Deserialize, Serialize};
use store::{MemberCursor, MemberKey, MemberRow};
use utoipa::{IntoParams, ToSchema};

use super::{auth::Key, body, cursor, idempotency, path::Path, problem::Problem};

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;

#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    /// `viewer`, `editor` or `admin`.
    pub role: String,
    /// `active`, `invited` or `suspended`.
    pub status: String,
    pub joined_at: Option<DateTime<Utc>>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

impl From<MemberRow> for Member {
    fn from(row: MemberRow) -> Self {
        Self {
            user_id: row.user_id,
            name: row.name,
            email: row.email,
            role: row.role.as_str().to_owned(),
            status: row.status.as_str().to_owned(),
            joined_at: row.joined_at,
            last_sign_in_at: row.last_sign_in_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberList {
    pub items: Vec<Member>,
    /// Pass as `cursor` for the next slice; absent at the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The members table's query, as its URL has it, plus the slice.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct MemberQuery {
    /// Part of a name or email, any case.
    q: Option<String>,
    /// `viewer`, `editor` or `admin`.
    role: Option<String>,
    /// `active`, `invited` or `suspended`.
    status: Option<String>,
    /// `never`, `inactive_30` or `inactive_90`.
    signin: Option<String>,
    /// `name` (default), `email`, `role`, `status`, `joined` or `last_sign_in`.
    sort: Option<String>,
    /// `asc` (default) or `desc`.
    dir: Option<String>,
    /// Members per slice, 1 to 1000 (default 100).
    limit: Option<i64>,
    /// The `next_cursor` of the previous slice.
    cursor: Option<String>,
}

/// Where a slice ended, with the view it belongs to.
#[derive(Serialize, Deserialize)]
struct Position {
    view: String,
    text: Option<String>,
    time: Option<DateTime<Utc>>,
    user_id: i64,
}

/// The view of a `/v1` members query: the table's, but strict: a value the
/// table would quietly ignore is refused here, naming its parameter.
fn view_of(query: &str) -> Result<(MemberView, Params), Problem> {
    let view = MemberView::parse(query).map_err(|e| Problem::invalid("q", e.to_string()))?;
    let params = Params::parse(query);
    let given = |key: &str| params.get(key).filter(|value| !value.is_empty());
    let strict = [
        ("role", view.role.is_none(), "Give viewer, editor or admin."),
        ("status", view.status.is_none(), "Give active, invited or suspended."),
        ("signin", view.sign_in.is_none(), "Give never, inactive_30 or inactive_90."),
        (
            "sort",
            given("sort").is_some_and(|s| s != view.sort.key()),
            "Give name, email, role, status, joined or last_sign_in.",
        ),
        ("dir", given("dir").is_some_and(|d| d != "asc" && d != "desc"), "Give asc or desc."),
    ];
    for (key, unrecognised, message) in strict {
        if given(key).is_some() && unrecognised {
            return Err(Problem::invalid(key, message));
        }
    }
    Ok((MemberView { page: 1, page_size: domain::DEFAULT_PAGE_SIZE, ..view }, params))
}

fn organization_query(query: &Option<String>) -> &str {
    query.as_deref().unwrap_or("")
}

/// The organization at `slug`, once the key may `action` on it.
pub(super) async fn in_scope(
    state: &AppState,
    key: &Key,
    slug: &str,
    action: Action,
) -> Result<store::OrganizationRecord, Problem> {
    let organization = ssr::access::organization(state, slug).await?;
    key.0.require(action, &Target::Organization(organization.id))?;
    Ok(organization)
}

#[utoipa::path(
    get,
    path = "/v1/organizations/{slug}/members",
    tag = "members",
    params(("slug" = String, Path, description = "The organization's URL name"), MemberQuery),
    responses(
        (status = 200, description = "A slice of the members, in the table's order", body = MemberList),
        (status = 400, description = "A parameter is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization in the key's scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    key: Key,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<MemberList>, Problem> {
    let organization = in_scope(&state, &key, &slug, Action::ListMembers).await?;
    let (view, params) = view_of(organization_query(&query))?;
    let limit = cursor::limit(params.get("limit"), DEFAULT_LIMIT, MAX_LIMIT)?;
    let view_key = view.to_query();
    let after = match params.get("cursor") {
        None => None,
        Some(given) => {
            let position: Position = cursor::decode(&given)?;
            if position.view != view_key {
                return Err(Problem::invalid("cursor", "This cursor belongs to another query."));
            }
            let key = match position.text {
                Some(text) => MemberKey::Text(text),
                None => MemberKey::Time(position.time),
            };
            Some(MemberCursor { key, user_id: position.user_id })
        }
    };
    let slice =
        state.store.list_members_after(organization.id, &view, after.as_ref(), limit, Utc::now()).await?;
    let next_cursor = slice.next.map(|next| {
        let (text, time) = match next.key {
            MemberKey::Text(text) => (Some(text), None),
            MemberKey::Time(time) => (None, time),
        };
        cursor::encode(&Position { view: view_key.clone(), text, time, user_id: next.user_id })
    });
    Ok(Json(MemberList { items: slice.items.into_iter().map(Member::from).collect(), next_cursor }))
}

/// One member, as the table shows them.
async fn member(state: &AppState, organization_id: i64, user_id: i64) -> Result<Member, Problem> {
    let membership =
        state.store.find_membership(organization_id, user_id).await?.ok_or_else(Problem::not_found)?;
    let user = state.store.find_user(user_id).await?.ok_or_else(Problem::not_found)?;
    Ok(Member {
        user_id,
        name: user.name,
        email: user.email,
        role: membership.role.as_str().to_owned(),
        status: membership.status.as_str().to_owned(),
        joined_at: membership.joined_at,
        last_sign_in_at: user.last_sign_in_at,
    })
}

#[utoipa::path(
    get,
    path = "/v1/organizations/{slug}/members/{user_id}",
    tag = "members",
    params(("slug" = String, Path), ("user_id" = i64, Path)),
    responses(
        (status = 200, description = "The member", body = Member),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member in the key's scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    key: Key,
    Path((slug, user_id)): Path<(String, i64)>,
) -> Result<Json<Member>, Problem> {
    let organization = in_scope(&state, &key, &slug, Action::ListMembers).await?;
    Ok(Json(member(&state, organization.id, user_id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// `viewer`, `editor` or `admin`.
    pub role: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Suspension {
    /// Why, kept in the audit log (optional).
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoFields {}

/// One of the members table's row actions on `user_id`, answered with the member after it.
async fn act(
    state: &AppState,
    key: &Key,
    slug: &str,
    user_id: i64,
    action: MemberAction,
    reason: Option<&str>,
) -> idempotency::Answer {
    let organization = in_scope(state, key, slug, Action::ManageMembers).await?;
    ssr::members::apply_one(state, &key.0, &organization, action, reason, user_id).await?;
    let member = member(state, organization.id, user_id).await?;
    Ok((StatusCode::OK, serde_json::to_value(member).unwrap_or_default()))
}

#[utoipa::path(
    post,
    path = "/v1/organizations/{slug}/members/{user_id}/role",
    tag = "members",
    params(("slug" = String, Path), ("user_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = RoleChange,
    responses(
        (status = 200, description = "The member with their new role", body = Member),
        (status = 400, description = "The role is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member in the key's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A rule refuses it (own role, last admin)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn change_role(
    State(state): State<AppState>,
    key: Key,
    Path((slug, user_id)): Path<(String, i64)>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(&state, &key, &headers, uri.path(), &bytes, async {
        let input: RoleChange = body::read(&bytes)?;
        let role =
            input.role.parse().map_err(|_| Problem::invalid("role", "Give viewer, editor or admin."))?;
        act(&state, &key, &slug, user_id, MemberAction::ChangeRole(role), None).await
    })
    .await
}

#[utoipa::path(
    post,
    path = "/v1/organizations/{slug}/members/{user_id}/suspend",
    tag = "members",
    params(("slug" = String, Path), ("user_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = Suspension,
    responses(
        (status = 200, description = "The member, suspended", body = Member),
        (status = 400, description = "The reason is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member in the key's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already suspended, or a rule refuses it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn suspend(
    State(state): State<AppState>,
    key: Key,
    Path((slug, user_id)): Path<(String, i64)>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(&state, &key, &headers, uri.path(), &bytes, async {
        let input: Suspension = body::read(&bytes)?;
        let reason = Reason::parse(input.reason.as_deref().unwrap_or(""))
            .map_err(|e| Problem::invalid("reason", e.to_string()))?;
        let reason = reason.as_ref().map(Reason::as_str);
        act(&state, &key, &slug, user_id, MemberAction::Suspend, reason).await
    })
    .await
}

#[utoipa::path(
    post,
    path = "/v1/organizations/{slug}/members/{user_id}/reactivate",
    tag = "members",
    params(("slug" = String, Path), ("user_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = NoFields,
    responses(
        (status = 200, description = "The member, active again", body = Member),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member in the key's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not suspended, or a rule refuses it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn reactivate(
    State(state): State<AppState>,
    key: Key,
    Path((slug, user_id)): Path<(String, i64)>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(&state, &key, &headers, uri.path(), &bytes, async {
        let NoFields {} = body::read(&bytes)?;
        act(&state, &key, &slug, user_id, MemberAction::Reactivate, None).await
    })
    .await
}

#[utoipa::path(
    post,
    path = "/v1/organizations/{slug}/members/{user_id}/password-reset",
    tag = "members",
    params(("slug" = String, Path), ("user_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = NoFields,
    responses(
        (status = 200, description = "A password-reset email is on its way to the member", body = Member),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member in the key's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The member has not accepted their invitation, or a rule refuses it", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reset emails", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn send_password_reset(
    State(state): State<AppState>,
    key: Key,
    Path((slug, user_id)): Path<(String, i64)>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(&state, &key, &headers, uri.path(), &bytes, async {
        let NoFields {} = body::read(&bytes)?;
        act(&state, &key, &slug, user_id, MemberAction::SendPasswordReset, None).await
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/v1/organizations/{slug}/members/{user_id}",
    tag = "members",
    params(("slug" = String, Path), ("user_id" = i64, Path)),
    responses(
        (status = 204, description = "Removed from the organization; the account stays"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such member in the key's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A rule refuses it (the last admin)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn remove(
    State(state): State<AppState>,
    key: Key,
    Path((slug, user_id)): Path<(String, i64)>,
) -> Result<StatusCode, Problem> {
    let organization = in_scope(&state, &key, &slug, Action::ManageMembers).await?;
    ssr::members::remove(&state, &key.0, &organization, user_id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
