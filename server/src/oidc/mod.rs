//! Sign in with Roster: an OpenID Connect provider for the operator's own
//! applications (issue #19). Its endpoints live outside `/api/` (the
//! server functions own it) and speak the protocol's own errors
//! ([`error`]); who may sign in to what is still `domain::policy`'s answer.
//!
//! - `/.well-known/openid-configuration` ([`discovery`]), `/oauth2/jwks`
//! - `/oauth2/authorize` ([`authorize`]): code flow, PKCE
//! - `/oauth2/token` ([`token`]), `/oauth2/revoke`, `/oauth2/introspect`
//!   ([`token_status`]): called by apps from their servers, authenticated
//!   by client credentials, never by cookie
//! - `/oauth2/userinfo` ([`userinfo`]), `/oauth2/logout` ([`logout`])
//!
//! Back-channel logouts are delivered by [`backchannel`].

mod authorize;
pub mod backchannel;
mod client_auth;
mod discovery;
mod error;
pub mod keys;
mod logout;
mod params;
mod token;
mod token_status;
pub mod tokens;
mod userinfo;

use std::sync::Arc;

use app::ssr::AppState;
use axum::{
    Extension, Router,
    routing::{get, post},
};

use keys::SigningKeys;

/// The scopes Roster grants; others are ignored (RFC 6749 §3.3).
pub mod scopes {
    pub const OPENID: &str = "openid";
    pub const PROFILE: &str = "profile";
    pub const EMAIL: &str = "email";
    pub const OFFLINE_ACCESS: &str = "offline_access";
    pub const ORGANIZATION: &str = "organization";
    pub const SUPPORTED: [&str; 5] = [OPENID, PROFILE, EMAIL, OFFLINE_ACCESS, ORGANIZATION];
}

/// Paths that apps' servers post to: the cross-site guard lets them
/// through, since they authenticate by client credentials, not cookies.
pub const SERVER_TO_SERVER: [&str; 3] = ["/oauth2/token", "/oauth2/revoke", "/oauth2/introspect"];

/// What every endpoint needs: the application state, the signing keys and
/// the issuer identifier (the public URL, without a trailing slash).
#[derive(Clone)]
pub struct Provider {
    pub state: AppState,
    pub keys: Arc<SigningKeys>,
    pub issuer: String,
}

impl Provider {
    pub fn new(state: AppState) -> Self {
        let issuer = state.settings.public_url.as_str().trim_end_matches('/').to_owned();
        let keys = Arc::new(SigningKeys::new(state.store.clone()));
        Self { state, keys, issuer }
    }

    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }
}

/// The provider's routes.
pub fn router(provider: Provider) -> Router<AppState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery::configuration))
        .route("/oauth2/jwks", get(discovery::jwks))
        .route("/oauth2/authorize", get(authorize::get).post(authorize::post))
        .route("/oauth2/token", post(token::exchange))
        .route("/oauth2/revoke", post(token_status::revoke))
        .route("/oauth2/introspect", post(token_status::introspect))
        .route("/oauth2/userinfo", get(userinfo::get).post(userinfo::post))
        .route("/oauth2/logout", get(logout::get).post(logout::post))
        .layer(Extension(provider))
}
