//! The SCIM 2.0 service provider (issue #21, RFC 7643 and RFC 7644): an
//! organization's identity provider (Okta, Microsoft Entra ID, …) adds,
//! changes and removes its people at `/scim/v2/orgs/{slug}`.
//!
//! A request authenticates by one of the organization's SCIM tokens alone
//! ([`auth`]), never by the session cookie, so the cross-site guard lets
//! `/scim/v2` through. The token acts as the organization's directory
//! (`domain::policy::directory_actor`): an admin of that one organization,
//! decided by the same policy as every server function, each change in one
//! store transaction with its audit event naming the token. Members are
//! `User`s ([`users`]); the three roles are `Group`s ([`groups`]); the
//! discovery endpoints ([`discovery`]) describe exactly what is supported.
//! Errors are SCIM error responses ([`error`]); out of scope answers 404,
//! as if absent. Every request is noted, with its outcome, for the
//! organization's Provisioning page ([`log`]).

mod auth;
mod body;
mod discovery;
mod error;
mod groups;
mod log;
mod patch;
mod resource;
mod users;

use app::ssr::AppState;
use axum::{
    Router,
    extract::DefaultBodyLimit,
    http::StatusCode,
    middleware::from_fn_with_state,
    routing::{any, get, post},
};

pub use log::{LogSlot, Outcome};

use error::ScimError;

/// The media type of every SCIM request and response body (RFC 7644 §3.1).
pub const CONTENT_TYPE: &str = "application/scim+json";

/// An identity provider's largest request (a group with its members) stays well below this.
const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Whether a path belongs to the SCIM service provider.
pub fn is_scim(path: &str) -> bool {
    path == "/scim/v2" || path.starts_with("/scim/v2/")
}

pub fn router(state: AppState) -> Router<AppState> {
    const BASE: &str = "/scim/v2/orgs/{slug}";
    let route = |path: &str| format!("{BASE}{path}");
    Router::new()
        .route(&route("/Users"), get(users::list).post(users::create))
        .route(
            &route("/Users/{id}"),
            get(users::get).put(users::replace).patch(users::patch).delete(users::delete),
        )
        .route(&route("/Groups"), get(groups::list).post(groups::create))
        .route(
            &route("/Groups/{id}"),
            get(groups::get).put(groups::replace).patch(groups::patch).delete(groups::delete),
        )
        .route(&route("/ServiceProviderConfig"), get(discovery::service_provider_config))
        .route(&route("/ResourceTypes"), get(discovery::resource_types))
        .route(&route("/ResourceTypes/{id}"), get(discovery::resource_type))
        .route(&route("/Schemas"), get(discovery::schemas))
        .route(&route("/Schemas/{id}"), get(discovery::schema))
        .route(&route("/.search"), post(search_unsupported))
        .route(&route("/Users/.search"), post(search_unsupported))
        .route(&route("/Groups/.search"), post(search_unsupported))
        .route("/scim/v2", any(no_route))
        .route("/scim/v2/{*rest}", any(no_route))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(state, log::record))
}

/// Searching by POST (RFC 7644 §3.4.3) is not offered; `ServiceProviderConfig`
/// says `filter` on GET is.
async fn search_unsupported() -> ScimError {
    ScimError::new(
        StatusCode::NOT_IMPLEMENTED,
        None,
        "Searching with POST /.search is not supported: send GET with a filter.",
    )
}

async fn no_route() -> ScimError {
    ScimError::new(
        StatusCode::NOT_FOUND,
        None,
        "No such SCIM endpoint. The service provider of an organization is at /scim/v2/orgs/{slug}: \
         Users, Groups, ServiceProviderConfig, ResourceTypes and Schemas.",
    )
}
