//! The management API (issue #20): JSON under `/v1`, for the operator's
//! systems and an organization's own scripts. A request authenticates by
//! an API key alone (`Authorization: Bearer roster_…`, [`auth`]), never by
//! the session cookie, so the cross-site guard lets `/v1` through; the key
//! acts as its creator, narrowed to its scope, and `domain::policy`
//! decides as for every server function. Each handler makes the same call
//! as the page's server function (the same store transaction with its
//! audit event, which names the key). Errors are RFC 9457 problem details
//! ([`problem`]); out of scope reads exactly as absent (404). POSTs honour
//! `Idempotency-Key` ([`idempotency`]); lists are cursor-paged ([`cursor`]).
//! The OpenAPI 3.1 document is generated from the handlers and their wire
//! types (utoipa), served at `/v1/openapi.json` and read by the reference
//! page at `/docs/api/` ([`reference`]).

mod accounts;
mod audit;
mod auth;
mod body;
mod cursor;
mod idempotency;
mod invitations;
mod members;
mod organizations;
mod path;
mod problem;
pub mod reference;

use std::sync::Arc;

use app::ssr::AppState;
use axum::{
    Extension, Json, Router,
    extract::DefaultBodyLimit,
    response::{IntoResponse, Response},
    routing::any,
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Whether a path belongs to the management API.
pub fn is_v1(path: &str) -> bool {
    path == "/v1" || path.starts_with("/v1/")
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Roster management API",
        version = "1",
        description = "Organizations, members, invitations, accounts and the audit log of a Roster \
            installation, for the operator's systems. Authenticate with an API key made on the API keys \
            page: `Authorization: Bearer roster_…`. An installation key acts as the super admin who made \
            it, an organization key as an admin of its organization, never with more than its creator \
            may do now. Errors are RFC 9457 problem details; what lies outside a key's scope answers \
            404, as if absent. POSTs accept an `Idempotency-Key` header: a retry gets the first answer."
    ),
    modifiers(&BearerKey),
    tags(
        (name = "organizations"), (name = "members"), (name = "invitations"),
        (name = "accounts"), (name = "audit log"), (name = "meta")
    )
)]
struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("roster_…")
            .description(Some("An API key, shown once when it is made."))
            .build();
        openapi
            .components
            .get_or_insert_default()
            .add_security_scheme("api_key", SecurityScheme::Http(scheme));
    }
}

/// The OpenAPI document, generated from the routes below.
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "This API's OpenAPI 3.1 document", content_type = "application/json"))
)]
async fn document(Extension(document): Extension<Arc<serde_json::Value>>) -> Json<serde_json::Value> {
    Json((*document).clone())
}

/// What no route answers, in the API's words.
async fn no_route() -> Response {
    problem::Problem::not_found().into_response()
}

/// The routes, each with its description, and the document they make.
fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(document))
        .routes(routes!(organizations::list, organizations::create))
        .routes(routes!(organizations::get))
        .routes(routes!(organizations::rename))
        .routes(routes!(organizations::suspend))
        .routes(routes!(organizations::reactivate))
        .routes(routes!(members::list))
        .routes(routes!(members::get, members::remove))
        .routes(routes!(members::change_role))
        .routes(routes!(members::suspend))
        .routes(routes!(members::reactivate))
        .routes(routes!(members::send_password_reset))
        .routes(routes!(invitations::list, invitations::create))
        .routes(routes!(invitations::resend))
        .routes(routes!(invitations::revoke))
        .routes(routes!(accounts::suspend))
        .routes(routes!(accounts::reactivate))
        .routes(routes!(accounts::delete))
        .routes(routes!(audit::everything))
        .routes(routes!(audit::organization))
        .split_for_parts()
}

/// The API's routes, merged into the server's router.
pub fn router() -> Router<AppState> {
    let (router, document) = routes();
    let document = Arc::new(serde_json::to_value(document).unwrap_or_default());
    router
        .route("/v1", any(no_route))
        .route("/v1/{*rest}", any(no_route))
        .layer(DefaultBodyLimit::max(body::MAX_BODY_BYTES))
        .layer(Extension(document))
}
