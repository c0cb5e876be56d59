use app::AppError;
use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::{Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::server_fn::error::FromServerFnError;

/// Larger than any form Roster shows can produce (a bulk selection of
/// 10,000 member ids is under 100 kB).
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Refuses a form posted to a server function unless it decodes to UTF-8
/// text without NUL characters. The form decoder would otherwise replace
/// broken bytes with U+FFFD and let the mangled text through to be stored
/// (DESIGN invariant 7: bad input is refused, not repaired); and no field
/// takes a NUL, which PostgreSQL cannot store in text at all.
///
/// The OpenID Connect endpoints are left to refuse such input themselves,
/// in their protocol's words (`invalid_request`, or a page), which the apps
/// calling them understand; this answer is a server function's.
pub async fn require_text(request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !is_form(&request) || request.uri().path().starts_with("/oauth2/")
    {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.");
    };
    match percent_encoding::percent_decode(&bytes).decode_utf8() {
        Err(_) => return refuse(StatusCode::BAD_REQUEST, "The form holds text that is not valid UTF-8."),
        Ok(text) if text.contains('\0') => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "The form holds a NUL character, which no field accepts.",
            );
        }
        Ok(_) => {}
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn is_form(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Answers like a server function's own error, so the page shows the message.
fn refuse(status: StatusCode, message: &str) -> Response {
    let body = AppError::BadRequest(message.to_owned()).ser();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[cfg(test)]
mod tests {
    use axum::{Router, routing::post};
    use tower::ServiceExt;

    use super::*;

    async fn answer(body: &'static [u8]) -> StatusCode {
        let router = Router::new()
            .route("/api/f", post(|| async { "ok" }))
            .layer(axum::middleware::from_fn(require_text));
        let request = Request::post("/api/f")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        router.oneshot(request).await.unwrap().status()
    }

    #[tokio::test]
    async fn broken_utf8_is_refused_raw_or_escaped() {
        assert_eq!(answer(b"name=Ada%20L%C3%B6we").await, StatusCode::OK);
        assert_eq!(answer(b"name=%FF%FE").await, StatusCode::BAD_REQUEST);
        assert_eq!(answer(b"name=\xff").await, StatusCode::BAD_REQUEST);
        assert_eq!(answer(b"name=%C3").await, StatusCode::BAD_REQUEST, "a cut-off sequence");
    }

    #[tokio::test]
    async fn the_openid_connect_endpoints_refuse_for_themselves() {
        let router = Router::new()
            .route("/oauth2/token", post(|| async { "its own answer" }))
            .layer(axum::middleware::from_fn(require_text));
        let request = Request::post("/oauth2/token")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(&b"code=a%00b"[..]))
            .unwrap();
        assert_eq!(router.oneshot(request).await.unwrap().status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn nul_is_refused() {
        assert_eq!(answer(b"name=a%00b").await, StatusCode::BAD_REQUEST);
        assert_eq!(answer(b"name=a\0b").await, StatusCode::BAD_REQUEST);
    }
}
