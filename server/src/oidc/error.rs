//! Errors in the words of OAuth 2.0 and OpenID Connect: the token,
//! revocation and introspection endpoints answer JSON (RFC 6749 §5.2), the
//! authorization endpoint redirects back to the app (RFC 6749 §4.1.2.1) or,
//! when the app or its redirect URI cannot be trusted, shows a page.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;

/// An error code the specifications name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnsupportedGrantType,
    UnsupportedResponseType,
    InvalidScope,
    AccessDenied,
    LoginRequired,
    InteractionRequired,
    RequestNotSupported,
    RequestUriNotSupported,
    ServerError,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::AccessDenied => "access_denied",
            Self::LoginRequired => "login_required",
            Self::InteractionRequired => "interaction_required",
            Self::RequestNotSupported => "request_not_supported",
            Self::RequestUriNotSupported => "request_uri_not_supported",
            Self::ServerError => "server_error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OAuthError {
    pub error: ErrorCode,
    pub error_description: String,
    /// Whether the client tried HTTP Basic authentication: a failure then
    /// answers 401 with a `WWW-Authenticate` challenge (RFC 6749 §5.2).
    #[serde(skip)]
    pub basic_auth: bool,
}

impl OAuthError {
    pub fn new(error: ErrorCode, description: impl Into<String>) -> Self {
        Self { error, error_description: description.into(), basic_auth: false }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, description)
    }

    pub fn invalid_client(basic_auth: bool) -> Self {
        Self { basic_auth, ..Self::new(ErrorCode::InvalidClient, "Client authentication failed.") }
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidGrant, description)
    }

    pub fn server_error() -> Self {
        Self::new(ErrorCode::ServerError, "Roster could not complete the request. Try again shortly.")
    }
}

/// A failure of Roster itself (database, keys): logged, answered as `server_error`.
fn internal(error: &dyn std::fmt::Display) -> OAuthError {
    tracing::error!(%error, "OpenID Connect endpoint failed");
    OAuthError::server_error()
}

impl From<store::StoreError> for OAuthError {
    fn from(error: store::StoreError) -> Self {
        internal(&error)
    }
}

impl From<super::keys::KeyError> for OAuthError {
    fn from(error: super::keys::KeyError) -> Self {
        internal(&error)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let status = match self.error {
            ErrorCode::InvalidClient if self.basic_auth => StatusCode::UNAUTHORIZED,
            ErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        let challenge = (self.basic_auth && self.error == ErrorCode::InvalidClient)
            .then(|| HeaderValue::from_static("Basic realm=\"roster\", charset=\"UTF-8\""));
        let mut response = (status, no_store(), Json(self)).into_response();
        if let Some(challenge) = challenge {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
    }
}

/// Responses carrying tokens, or about them, are never cached (RFC 6749 §5.1).
pub fn no_store() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (header::PRAGMA, HeaderValue::from_static("no-cache")),
    ]
}

/// A page for an authorization request that cannot be sent back to the
/// app: an unknown app, or a redirect URI it did not register (RFC 6749
/// §4.1.2.1 forbids redirecting then).
pub fn error_page(status: StatusCode, title: &str, detail: &str) -> Response {
    let title = html_escape::encode_text(title);
    let detail = html_escape::encode_text(detail);
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Roster</title></head>\
         <body><main><h1>{title}</h1><p>{detail}</p><p><a href=\"/\">Go to Roster</a></p></main></body></html>"
    );
    (status, no_store(), Html(body)).into_response()
}
