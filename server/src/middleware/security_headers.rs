use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};

/// For responses that are not pages (pages carry their own nonce-based
/// policy, see `app::ssr::csp`): nothing may run or be framed.
const NON_PAGE_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Headers every response carries.
pub async fn add(request: Request, next: Next) -> Response {
    let is_static_asset = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    // Same-origin requests carry the page they came from (a form posted
    // without JavaScript is redirected back to it); other sites learn
    // nothing, so tokens in addresses never leave Roster.
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(headers, header::CONTENT_SECURITY_POLICY, NON_PAGE_POLICY);
    }
    // Pages and answers hold people's data: no shared or disk caches.
    if !is_static_asset {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}
