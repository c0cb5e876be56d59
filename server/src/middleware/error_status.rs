use app::AppError;
use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::Response,
};

/// More than any error a server function answers with.
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// Gives a server function's error answer the status its [`AppError`]
/// names: server_fn answers every error with a 500, which would call a bad
/// request or a refusal a server fault. The one place a call's status is
/// set, for errors of the function itself and for those raised before it
/// runs (arguments missing, sent twice or of the wrong type). Pages
/// rendered on the server take theirs from the error they show
/// (`app::components::ErrorAlert`).
pub async fn from_error(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Some(status) = status_of(&bytes) {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The status an error answer's body names; `None` for anything else.
fn status_of(body: &[u8]) -> Option<StatusCode> {
    let wire: serde_json::Value = serde_json::from_slice(body).ok()?;
    let error: AppError = serde_json::from_value(wire.get("error")?.clone()).ok()?;
    StatusCode::from_u16(error.status()).ok()
}

#[cfg(test)]
mod tests {
    use leptos::server_fn::error::FromServerFnError;

    use super::*;

    #[test]
    fn an_error_body_names_its_status() {
        let bad = AppError::BadRequest("missing field `slug`".into()).ser();
        assert_eq!(status_of(&bad), Some(StatusCode::BAD_REQUEST));
        assert_eq!(status_of(&AppError::Internal.ser()), Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert_eq!(status_of(b"panicked"), None, "other bodies keep their 500");
        assert_eq!(status_of(br#"{"error":"NoSuchVariant"}"#), None);
    }
}
