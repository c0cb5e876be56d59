use app::ssr::{AppState, RequestContext, sessions};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;
use std::net::SocketAddr;

/// Longer user agents are cut: the value is stored with the session.
const MAX_USER_AGENT: usize = 512;

/// Finds the session behind the request's cookie (checking the account's
/// status on every request), hands it to the pages and server functions,
/// and sends signed-out visitors of protected pages to sign in.
///
/// The management API (`/v1`) and the SCIM service provider (`/scim/v2`)
/// authenticate by their tokens alone: their requests
/// are never signed in by a cookie, nor redirected, nor told to drop one.
pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if crate::v1::is_v1(request.uri().path()) || crate::scim::is_scim(request.uri().path()) {
        let context = RequestContext { session: None, ip: peer_ip(&request), user_agent: None };
        request.extensions_mut().insert(context);
        return next.run(request).await;
    }
    let cookies = request.headers().get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok());
    let token = sessions::token_from_cookies(cookies);
    let session = match &token {
        Some(token) => {
            match sessions::authenticate(&*state.store, &state.settings.sessions, token, Utc::now()).await {
                Ok(session) => session,
                Err(error) => {
                    tracing::error!(%error, "session lookup failed");
                    return (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "Roster cannot reach its database. Try again shortly.",
                    )
                        .into_response();
                }
            }
        }
        None => None,
    };

    let signed_in = session.is_some();
    let path = request.uri().path().to_owned();
    let is_page_view = matches!(*request.method(), Method::GET | Method::HEAD);
    if is_page_view && !signed_in && needs_sign_in(&path) {
        let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
        return Redirect::to(&sign_in_url(target)).into_response();
    }
    if is_page_view && signed_in && path == "/sign-in" && !is_reauthentication(request.uri().query()) {
        return Redirect::to("/").into_response();
    }
    // Someone who must enroll a second factor does that first: every page
    // (an app's authorization request too) leads to the enrollment page.
    if is_page_view && session.as_ref().is_some_and(|s| s.must_enroll) && !open_while_enrolling(&path) {
        let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
        return Redirect::to(&enrollment_url(target)).into_response();
    }

    let context = RequestContext {
        session,
        ip: peer_ip(&request),
        user_agent: request
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|agent| agent.chars().take(MAX_USER_AGENT).collect()),
    };
    request.extensions_mut().insert(context);

    let mut response = next.run(request).await;
    // A cookie that no longer signs anyone in is dropped, unless this very
    // response (a sign-in) replaces it.
    if token.is_some()
        && !signed_in
        && !sets_session_cookie(&response)
        && let Ok(value) = HeaderValue::from_str(&sessions::expired_cookie(state.settings.secure_cookies()))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn peer_ip(request: &Request) -> Option<String> {
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip().to_string())
}

fn sets_session_cookie(response: &Response) -> bool {
    let prefix = format!("{}=", sessions::COOKIE_NAME);
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|value| value.to_str().is_ok_and(|v| v.starts_with(&prefix)))
}

/// Every page needs a signed-in user except these. Server functions check
/// the session themselves and answer "unauthenticated" in their own format.
fn needs_sign_in(path: &str) -> bool {
    const PUBLIC: [&str; 10] = [
        "/sign-in",
        "/sign-in/verify",
        "/forgot-password",
        "/reset-password",
        "/setup",
        "/invite",
        "/healthz",
        "/readyz",
        "/favicon.svg",
        "/passkeys.js",
    ];
    // The OpenID Connect endpoints answer signed-out requests in the
    // protocol's own way (a redirect to sign in, `login_required`, 401),
    // except the organization picker, which is a page of Roster's.
    let protocol =
        (path.starts_with("/oauth2/") && path != "/oauth2/organization") || path.starts_with("/.well-known/");
    // The API's reference is as public as the document it reads (`/v1/openapi.json`).
    let reference = path == "/docs/api" || path.starts_with("/docs/api/");
    !(PUBLIC.contains(&path)
        || protocol
        || reference
        || path.starts_with("/api/")
        || path.starts_with("/pkg/"))
}

/// What someone who must enroll a second factor may still open.
fn open_while_enrolling(path: &str) -> bool {
    path == ENROLLMENT_PAGE || !needs_sign_in(path) && !path.starts_with("/oauth2/")
}

const ENROLLMENT_PAGE: &str = "/two-factor/setup";

fn enrollment_url(target: &str) -> String {
    if target.starts_with(ENROLLMENT_PAGE) {
        return ENROLLMENT_PAGE.to_owned();
    }
    app::ssr::auth::with_next(ENROLLMENT_PAGE, target)
}

/// Whether a sign-in page asks someone already signed in to prove who they
/// are again before an app's authorization request continues (OpenID
/// Connect `prompt=login`, `max_age`): `reauth=1` beside a `next` that is an
/// authorization request, on the sign-in page's query or on `next`'s own.
fn is_reauthentication(query: Option<&str>) -> bool {
    let params = domain::query::Params::parse(query.unwrap_or(""));
    let Some(next) = params.get("next") else { return false };
    let Some(authorization) = next.strip_prefix("/oauth2/authorize") else { return false };
    let next_query = authorization.strip_prefix('?').unwrap_or("");
    let asks = |params: &domain::query::Params| params.get("reauth").as_deref() == Some("1");
    (authorization.is_empty() || authorization.starts_with('?'))
        && (asks(&params) || asks(&domain::query::Params::parse(next_query)))
}

fn sign_in_url(target: &str) -> String {
    app::ssr::auth::with_next("/sign-in", target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_need_sign_in_unless_public() {
        for path in ["/", "/orgs/acme/users", "/account", "/anything"] {
            assert!(needs_sign_in(path), "{path}");
        }
        for path in [
            "/sign-in",
            "/forgot-password",
            "/reset-password",
            "/setup",
            "/invite",
            "/healthz",
            "/api/sign_in",
            "/docs/api/",
            "/docs/api/swagger-ui.css",
        ] {
            assert!(!needs_sign_in(path), "{path}");
        }
    }

    #[test]
    fn only_an_authorization_request_asks_the_signed_in_to_sign_in_again() {
        let authorize = "next=%2Foauth2%2Fauthorize%3Fclient_id%3Dabc%26prompt%3Dlogin";
        assert!(is_reauthentication(Some(&format!("{authorize}&reauth=1"))));
        assert!(is_reauthentication(Some("next=%2Foauth2%2Fauthorize%3Fclient_id%3Dabc%26reauth%3D1")));
        assert!(!is_reauthentication(Some(authorize)), "without reauth=1");
        assert!(!is_reauthentication(Some(&format!("{authorize}&reauth=0"))));
        assert!(!is_reauthentication(Some("next=%2Forgs%2Facme&reauth=1")), "not an authorization request");
        assert!(!is_reauthentication(Some("next=%2Foauth2%2Fauthorizer&reauth=1")));
        assert!(!is_reauthentication(Some("reauth=1")));
        assert!(!is_reauthentication(None));
    }

    #[test]
    fn sign_in_remembers_where_the_visitor_was_going() {
        assert_eq!(sign_in_url("/"), "/sign-in");
        assert_eq!(
            sign_in_url("/orgs/acme/users?q=ada&page=2"),
            "/sign-in?next=%2Forgs%2Facme%2Fusers%3Fq%3Dada%26page%3D2"
        );
    }
}
