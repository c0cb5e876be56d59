use axum::{
    extract::Request,
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Refuses state-changing requests that a browser says come from another
/// site, in addition to the SameSite=Lax session cookie: a forged form post
/// or fetch from elsewhere never reaches a server function.
///
/// Apps' servers call the OpenID Connect token, revocation and
/// introspection endpoints, which authenticate by client credentials and
/// never read the cookie, and the management API (`/v1`), which
/// authenticates by API key alone, and the SCIM service provider
/// (`/scim/v2`), which authenticates by SCIM token alone: those are let through.
pub async fn refuse(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let server_to_server =
        crate::oidc::SERVER_TO_SERVER.contains(&path) || crate::v1::is_v1(path) || crate::scim::is_scim(path);
    if !is_safe_method(request.method()) && !server_to_server && is_cross_site(request.headers()) {
        tracing::warn!(path = request.uri().path(), "refused a cross-site request");
        return (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response();
    }
    next.run(request).await
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Browsers send `Sec-Fetch-Site`; older ones at least send `Origin`, which
/// must then name the host the request was sent to. Requests with neither
/// come from outside a browser and carry no ambient credentials to abuse.
fn is_cross_site(headers: &HeaderMap) -> bool {
    let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value(header::HeaderName::from_static("sec-fetch-site")) {
        return !matches!(site, "same-origin" | "none");
    }
    match (value(header::ORIGIN), value(header::HOST)) {
        (Some(origin), Some(host)) => origin_authority(origin) != Some(host),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

fn origin_authority(origin: &str) -> Option<&str> {
    origin.split_once("://").map(|(_, authority)| authority)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")])));
        assert!(is_cross_site(&headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://a"),
            ("host", "a")
        ])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
    }

    #[test]
    fn otherwise_the_origin_must_match_the_host() {
        assert!(!is_cross_site(&headers(&[("origin", "http://localhost:3000"), ("host", "localhost:3000")])));
        assert!(is_cross_site(&headers(&[("origin", "https://evil.example"), ("host", "localhost:3000")])));
        assert!(is_cross_site(&headers(&[("origin", "null"), ("host", "localhost:3000")])));
        assert!(!is_cross_site(&headers(&[])));
    }
}
