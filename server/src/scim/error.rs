//! SCIM error responses (RFC 7644 §3.12): the status, a `scimType` where
//! the RFC names one, and a `detail` a person can act on.

use app::AppError;
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{CONTENT_TYPE, Outcome};

const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    pub status: StatusCode,
    /// `invalidFilter`, `invalidValue`, `invalidSyntax`, `invalidPath`,
    /// `noTarget`, `mutability`, `uniqueness`, `tooMany`.
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimError {
    pub fn new(status: StatusCode, scim_type: Option<&'static str>, detail: impl Into<String>) -> Self {
        Self { status, scim_type, detail: detail.into() }
    }

    pub fn bad(scim_type: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad("invalidValue", detail)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, None, "Not found.")
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, None, detail)
    }
}

impl From<AppError> for ScimError {
    fn from(error: AppError) -> Self {
        let detail = error.to_string();
        match error {
            AppError::NotFound => Self::not_found(),
            AppError::Invalid { .. } | AppError::BadRequest(_) => Self::invalid_value(detail),
            AppError::Conflict(_) => Self::new(StatusCode::CONFLICT, None, detail),
            AppError::RateLimited | AppError::QuotaExceeded(_) => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, None, detail)
            }
            AppError::Unauthenticated | AppError::WrongCredentials => Self::unauthorized(detail),
            AppError::AccountSuspended | AppError::EnrollmentRequired | AppError::SecondFactorRequired => {
                Self::new(StatusCode::FORBIDDEN, None, detail)
            }
            AppError::Link(_) | AppError::Unreachable | AppError::Internal => {
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, None, AppError::Internal.to_string())
            }
        }
    }
}

impl From<store::StoreError> for ScimError {
    fn from(error: store::StoreError) -> Self {
        match error {
            store::StoreError::AlreadyMember => Self::new(
                StatusCode::CONFLICT,
                Some("uniqueness"),
                "A member of this organization already has this userName.",
            ),
            store::StoreError::ExternalIdTaken => Self::new(
                StatusCode::CONFLICT,
                Some("uniqueness"),
                "Another member of this organization has this externalId.",
            ),
            other => AppError::from(other).into(),
        }
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(scim_type) = self.scim_type {
            body["scimType"] = scim_type.into();
        }
        let mut response = (self.status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"SCIM\""));
        }
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        response.extensions_mut().insert(Outcome(self.detail));
        response
    }
}
