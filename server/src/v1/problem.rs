//! Errors as RFC 9457 problem details (`application/problem+json`), mapped
//! once from [`AppError`]: the status, a title for it, the message Roster
//! would show a person, and the request field that was wrong.

use app::AppError;
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

pub const CONTENT_TYPE: &str = "application/problem+json";

/// A problem details object (RFC 9457).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status and `code` say what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    /// What went wrong, in words a person can act on.
    pub detail: String,
    /// A stable name for the kind of problem, for programs:
    /// `unauthorized`, `forbidden`, `not_found`, `invalid`, `conflict`,
    /// `idempotency_key_reused`, `rate_limited`, `internal`.
    pub code: &'static str,
    /// The request field (body member, query parameter or header) that was wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            code,
            field: None,
        }
    }

    pub fn invalid(field: &str, detail: impl Into<String>) -> Self {
        Self { field: Some(field.to_owned()), ..Self::new(StatusCode::BAD_REQUEST, "invalid", detail) }
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Not found.")
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Self {
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let code = match &error {
            AppError::Unauthenticated | AppError::WrongCredentials => "unauthorized",
            AppError::AccountSuspended | AppError::EnrollmentRequired | AppError::SecondFactorRequired => {
                "forbidden"
            }
            AppError::NotFound => "not_found",
            AppError::Invalid { .. } | AppError::BadRequest(_) | AppError::Link(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited | AppError::QuotaExceeded(_) => "rate_limited",
            AppError::Unreachable | AppError::Internal => "internal",
        };
        Self { field: error.field().map(str::to_owned), ..Self::new(status, code, error.to_string()) }
    }
}

impl From<store::StoreError> for Problem {
    fn from(error: store::StoreError) -> Self {
        AppError::from(error).into()
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let unauthorized = status == StatusCode::UNAUTHORIZED;
        let rate_limited = status == StatusCode::TOO_MANY_REQUESTS;
        let mut response = (status, Json(self)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if unauthorized {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"roster\""));
        }
        if rate_limited {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_errors_become_problems_with_their_status_and_field() {
        let problem = Problem::from(AppError::invalid("role", "Choose viewer, editor or admin."));
        assert_eq!((problem.status, problem.code, problem.field.as_deref()), (400, "invalid", Some("role")));
        assert_eq!(problem.detail, "Choose viewer, editor or admin.");
        let absent = Problem::from(AppError::NotFound);
        assert_eq!(absent, Problem::not_found(), "out of scope reads exactly as absent");
        assert_eq!(Problem::from(AppError::Conflict("x".into())).status, 409);
    }
}
