//! What a server function knows about its request.

use http::{HeaderValue, header, request::Parts};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use store::Actor;

use super::{AppState, CurrentSession, sessions};
use crate::AppError;

/// Set on every request by the server's session middleware, before any page
/// renders or server function runs. The caller is never taken from arguments.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    pub session: Option<CurrentSession>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl RequestContext {
    /// The actor to record in audit events for this request.
    pub fn actor(&self) -> Actor {
        Actor { user_id: self.session.as_ref().map(|s| s.user.id), ip: self.ip.clone(), api_key_id: None }
    }

    pub fn require_session(&self) -> Result<&CurrentSession, AppError> {
        self.session.as_ref().ok_or(AppError::Unauthenticated)
    }
}

/// The application state, which the server puts into every request's context.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function's context");
        AppError::Internal
    })
}

/// The current request as the session middleware saw it; signed out when
/// there is none (a page rendered for a file that was not found).
pub fn request() -> RequestContext {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<RequestContext>().cloned())
        .unwrap_or_default()
}

/// The value of a cookie the request came with.
pub fn request_cookie(name: &str) -> Option<String> {
    let parts = use_context::<Parts>()?;
    let headers = parts.headers.get_all(header::COOKIE);
    headers
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name && !cookie.value().is_empty())
        .map(|cookie| cookie.value().to_owned())
}

/// Hands the browser the cookie that carries a sign-in to its second step.
pub fn set_second_step_cookie(state: &AppState, token: &str) {
    let value = sessions::short_cookie(
        super::two_factor::SECOND_STEP_COOKIE,
        token,
        super::two_factor::SECOND_STEP_LIFETIME,
        state.settings.secure_cookies(),
    );
    append_set_cookie(&value);
}

pub fn clear_second_step_cookie(state: &AppState) {
    let value = sessions::short_cookie(
        super::two_factor::SECOND_STEP_COOKIE,
        "",
        chrono::Duration::zero(),
        state.settings.secure_cookies(),
    );
    append_set_cookie(&value);
}

/// Hands the browser a session cookie.
pub fn set_session_cookie(state: &AppState, token: &str) {
    let value = sessions::session_cookie(token, &state.settings.sessions, state.settings.secure_cookies());
    append_set_cookie(&value);
}

/// Makes the browser forget its session cookie.
pub fn clear_session_cookie(state: &AppState) {
    append_set_cookie(&sessions::expired_cookie(state.settings.secure_cookies()));
}

fn append_set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(value)) {
        response.append_header(header::SET_COOKIE, value);
    }
}
