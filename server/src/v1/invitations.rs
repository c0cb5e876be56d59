//! An organization's invitations: inviting one or many addresses, the
//! pending ones, and resending or withdrawing one, as the pages do.

use app::ssr::{self, AppState};
use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};
use chrono::{DateTime, Utc};
use domain::policy::Action;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    auth::Key,
    body, idempotency,
    members::{NoFields, in_scope},
    path::Path,
    problem::Problem,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct Invitation {
    /// The invitee's account (made for them when they had none).
    pub user_id: i64,
    pub email: String,
    pub role: String,
    pub invited_at: DateTime<Utc>,
    /// When the newest link expires; absent when it was withdrawn.
    pub expires_at: Option<DateTime<Utc>>,
    pub expired: bool,
    pub invited_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationList {
    /// The most recent invitations still unanswered, newest first.
    pub items: Vec<Invitation>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitations {
    /// One address or many; any malformed one refuses the whole request.
    pub emails: Vec<String>,
    /// `viewer`, `editor` or `admin`.
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationReport {
    pub invited: Vec<String>,
    pub already_members: Vec<String>,
    pub already_invited: Vec<String>,
}

#[utoipa::path(
    get,
    path = "/v1/organizations/{slug}/invitations",
    tag = "invitations",
    params(("slug" = String, Path)),
    responses(
        (status = 200, description = "Pending and expired invitations", body = InvitationList),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization in the key's scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    key: Key,
    Path(slug): Path<String>,
) -> Result<Json<InvitationList>, Problem> {
    let organization = in_scope(&state, &key, &slug, Action::Invite).await?;
    let rows = ssr::invitations::pending_rows(&state, organization.id, store::InvitationFilter::All).await?;
    let items = rows
        .into_iter()
        .map(|row| Invitation {
            user_id: row.user_id,
            email: row.email,
            role: row.role.as_str().to_owned(),
            invited_at: row.invited_at,
            expires_at: row.expires_at,
            expired: row.expired,
            invited_by: row.invited_by,
        })
        .collect();
    Ok(Json(InvitationList { items }))
}

#[utoipa::path(
    post,
    path = "/v1/organizations/{slug}/invitations",
    tag = "invitations",
    params(("slug" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = NewInvitations,
    responses(
        (status = 201, description = "Who was invited, and who already belonged or was invited", body = InvitationReport),
        (status = 400, description = "An address or the role is wrong; nobody was invited", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization in the key's scope", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Past the limit of invitation emails", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    key: Key,
    Path(slug): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(&state, &key, &headers, uri.path(), &bytes, async {
        let organization = in_scope(&state, &key, &slug, Action::Invite).await?;
        let input: NewInvitations = body::read(&bytes)?;
        if input.emails.is_empty() {
            return Err(Problem::invalid("emails", "Give at least one address."));
        }
        let emails = input.emails.join("\n");
        let results = ssr::invitations::invite(&state, &key.0, &organization, &emails, &input.role).await?;
        let report = InvitationReport {
            invited: results.invited,
            already_members: results.already_members,
            already_invited: results.already_invited,
        };
        Ok((StatusCode::CREATED, serde_json::to_value(report).unwrap_or_default()))
    })
    .await
}

#[utoipa::path(
    post,
    path = "/v1/organizations/{slug}/invitations/{user_id}/resend",
    tag = "invitations",
    params(("slug" = String, Path), ("user_id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = NoFields,
    responses(
        (status = 200, description = "A new link is on its way; the old one no longer works", body = Object),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invitation in the key's scope", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Resent too often", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn resend(
    State(state): State<AppState>,
    key: Key,
    Path((slug, user_id)): Path<(String, i64)>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    idempotency::once(&state, &key, &headers, uri.path(), &bytes, async {
        let organization = in_scope(&state, &key, &slug, Action::Invite).await?;
        let NoFields {} = body::read(&bytes)?;
        let pending =
            state.store.pending_invitation(organization.id, user_id).await?.ok_or_else(Problem::not_found)?;
        ssr::invitations::resend(&state, &key.0, &organization, &pending).await?;
        Ok((StatusCode::OK, serde_json::json!({ "resent": true })))
    })
    .await
}

#[utoipa::path(
    delete,
    path = "/v1/organizations/{slug}/invitations/{user_id}",
    tag = "invitations",
    params(("slug" = String, Path), ("user_id" = i64, Path)),
    responses(
        (status = 204, description = "Withdrawn: its link no longer works"),
        (status = 401, description = "No valid API key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such invitation in the key's scope", body = Problem, content_type = "application/problem+json"),
    ),
    security(("api_key" = []))
)]
pub async fn revoke(
    State(state): State<AppState>,
    key: Key,
    Path((slug, user_id)): Path<(String, i64)>,
) -> Result<StatusCode, Problem> {
    let organization = in_scope(&state, &key, &slug, Action::Invite).await?;
    state.store.revoke_invitation(organization.id, user_id, key.0.actor(), Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
