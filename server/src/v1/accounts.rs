//! Whole accounts, beyond one organization: suspending and reactivating
//! (installation keys), and deleting, as the accounts page does.

use app::ssr::{self, AppState};
use axum::{
    body::Bytes,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};
use domain::query::Params;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::{
    auth::Key, body, idempotency, members::NoFields, members::Suspension, path::Path, problem::Problem,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountState {
    pub user_id: i64,
    /// `active` or `suspended`.
    pub status: String,
}

async fn set_suspended(
    state: &AppState,
    key: &Key,
    user_id: i64,
    suspended: bool,
    reason: &str,
) -> idempotency::Answer {
    ssr::accounts::set_suspended(state, &key.0, user_id, suspended, reason).await?;
    let user = state.store.find_user(user_id).await?.ok_or_else(Problem::not_found)?;
    let account = AccountState { user_id, status: user.status.as_str().to_owned() };
    Ok((StatusCode::OK, serde_json::to_value(account).unwrap_or_default()))
}

#[utoipa::path(
    post,
    path = "/v1/accounts/{user_id}/suspend",
    tag = "accounts",
    params(("user_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = Suspension,
    responses(
        (status = 200, description = "Suspended: signed out everywhere, cannot sign in", body = AccountState),
        (status = 400, description = "The reason is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account in the key's scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn suspend(
    State(state): State<AppState>,
    key: Key,
    Path(user_id): Path<i64>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(&state, &key, &headers, uri.path(), &bytes, async {
        let input: Suspension = body::read(&bytes)?;
        set_suspended(&state, &key, user_id, true, input.reason.as_deref().unwrap_or("")).await
    })
    .await
}

#[utoipa::path(
    post,
    path = "/v1/accounts/{user_id}/reactivate",
    tag = "accounts",
    params(("user_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = NoFields,
    responses(
        (status = 200, description = "Active again", body = AccountState),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account in the key's scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn reactivate(
    State(state): State<AppState>,
    key: Key,
    Path(user_id): Path<i64>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(&state, &key, &headers, uri.path(), &bytes, async {
        let NoFields {} = body::read(&bytes)?;
        set_suspended(&state, &key, user_id, false, "").await
    })
    .await
}

#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct Deletion {
    /// `true` to also erase what other records hold about the person
    /// (installation keys only); default `false`.
    with_data: Option<bool>,
}

#[utoipa::path(
    delete,
    path = "/v1/accounts/{user_id}",
    tag = "accounts",
    params(("user_id" = i64, Path), Deletion),
    responses(
        (status = 204, description = "Deleted; audit events stay without naming the person"),
        (status = 400, description = "`with_data` is wrong, or not for this key", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account in the key's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A rule refuses it (belongs elsewhere, last admin)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    key: Key,
    Path(user_id): Path<i64>,
    RawQuery(query): RawQuery,
) -> Result<StatusCode, Problem> {
    let params = Params::parse(query.as_deref().unwrap_or(""));
    let with_data = match params.get("with_data").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(Problem::invalid("with_data", "Give true or false.")),
    };
    ssr::accounts::delete(&state, &key.0, user_id, None, with_data, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
