//! The authorization endpoint (OpenID Connect Core §3.1.2): the code flow
//! only, PKCE (S256) required of public apps and accepted from all.
//!
//! Until the app and its redirect URI are known to be registered, a problem
//! is shown as a page: redirecting anywhere else would make Roster an open
//! redirector (RFC 6749 §4.1.2.1). After that, every refusal goes back to
//! the app with the error the specification names, including an
//! organization the person cannot use (`access_denied`, never ignored).

use app::ssr::{Caller, RequestContext, tokens};
use axum::{
    Extension,
    body::Bytes,
    http::{StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
};
use chrono::{Duration, Utc};
use domain::{
    AppKind,
    policy::{Action, Target},
};
use store::{Actor, AppRecord, NewAppSignIn};
use url::Url;

use super::{
    Provider,
    error::{ErrorCode, OAuthError, error_page},
    params::Params,
    scopes,
    tokens::random_id,
};

/// An authorization code is exchanged at once by a working app (RFC 6749
/// §4.1.2 recommends at most ten minutes).
const CODE_LIFETIME: Duration = Duration::seconds(60);
/// How long an app session lasts with `offline_access` (refreshable), and without.
const OFFLINE_GRANT_LIFETIME: Duration = Duration::days(30);
const ONLINE_GRANT_LIFETIME: Duration = Duration::hours(12);

pub async fn get(
    Extension(provider): Extension<Provider>,
    Extension(context): Extension<RequestContext>,
    uri: Uri,
) -> Response {
    authorize(&provider, &context, uri.query().unwrap_or("")).await
}

/// OpenID Connect Core §3.1.2.1: the same request may be a form post.
pub async fn post(
    Extension(provider): Extension<Provider>,
    Extension(context): Extension<RequestContext>,
    body: Bytes,
) -> Response {
    match std::str::from_utf8(&body) {
        Ok(query) => authorize(&provider, &context, query).await,
        Err(_) => invalid_link("The request is not valid UTF-8."),
    }
}

fn invalid_link(detail: &str) -> Response {
    error_page(StatusCode::BAD_REQUEST, "This sign-in link does not work", detail)
}

async fn authorize(provider: &Provider, context: &RequestContext, query: &str) -> Response {
    let params = match Params::parse(query.as_bytes()) {
        Ok(params) => params,
        Err(error) => return invalid_link(&error.error_description),
    };
    let Some(client_id) = params.get("client_id") else {
        return invalid_link("It does not say which application it is for (client_id).");
    };
    let app = match provider.state.store.find_app_by_client_id(client_id).await {
        Ok(Some(app)) if app.is_active() => app,
        Ok(_) => return invalid_link("No application with this client ID can sign people in with Roster."),
        Err(error) => {
            tracing::error!(%error, "authorization request failed");
            return error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Roster is unavailable",
                "Try again shortly.",
            );
        }
    };
    let Some(redirect_uri) = params.get("redirect_uri").filter(|uri| app.redirect_uris.contains(uri)) else {
        return invalid_link(
            "The address to return to (redirect_uri) is not one the application registered.",
        );
    };
    let Ok(back) = Url::parse(redirect_uri) else {
        return invalid_link("The registered redirect URI is not a URL.");
    };
    let back =
        Back { url: back, state: params.get("state").map(str::to_owned), issuer: provider.issuer.clone() };
    match decide(provider, context, &params, &app, query).await {
        Ok(Next::Code(code)) => back.with(&[("code", &code)]),
        Ok(Next::Go(path)) => Redirect::to(&path).into_response(),
        Err(error) => {
            back.with(&[("error", error.error.as_str()), ("error_description", &error.error_description)])
        }
    }
}

/// The app's redirect URI, with what it is owed: `state` as it was sent,
/// and `iss` (RFC 9207), so the app knows the answer came from Roster.
struct Back {
    url: Url,
    state: Option<String>,
    issuer: String,
}

impl Back {
    fn with(mut self, pairs: &[(&str, &str)]) -> Response {
        {
            let mut query = self.url.query_pairs_mut();
            for (name, value) in pairs {
                query.append_pair(name, value);
            }
            if let Some(state) = &self.state {
                query.append_pair("state", state);
            }
            query.append_pair("iss", &self.issuer);
        }
        Redirect::to(self.url.as_str()).into_response()
    }
}

enum Next {
    /// Signed in and decided: the code to send back.
    Code(String),
    /// A page of Roster's first: sign-in, or the organization picker.
    Go(String),
}

/// What an authorization request asks for, checked.
struct Request {
    scope: String,
    code_challenge: Option<String>,
    nonce: Option<String>,
    prompt_none: bool,
    prompt_login: bool,
    max_age: Option<i64>,
}

fn read_request(params: &Params, app: &AppRecord) -> Result<Request, OAuthError> {
    if params.has("request") {
        return Err(OAuthError::new(ErrorCode::RequestNotSupported, "Request objects are not supported."));
    }
    if params.has("request_uri") {
        return Err(OAuthError::new(ErrorCode::RequestUriNotSupported, "request_uri is not supported."));
    }
    match params.require("response_type")? {
        "code" => {}
        _ => {
            return Err(OAuthError::new(
                ErrorCode::UnsupportedResponseType,
                "Only response_type=code is supported.",
            ));
        }
    }
    if params.get("response_mode").is_some_and(|mode| mode != "query") {
        return Err(OAuthError::invalid_request("Only response_mode=query is supported."));
    }
    let requested: Vec<&str> = params.require("scope")?.split(' ').filter(|s| !s.is_empty()).collect();
    if !requested.contains(&scopes::OPENID) {
        return Err(OAuthError::new(ErrorCode::InvalidScope, "The scope must include openid."));
    }
    let scope =
        scopes::SUPPORTED.iter().filter(|s| requested.contains(s)).copied().collect::<Vec<_>>().join(" ");
    let code_challenge = match (params.get("code_challenge"), params.get("code_challenge_method")) {
        (Some(challenge), Some("S256")) if is_pkce_value(challenge) => Some(challenge.to_owned()),
        (Some(_), Some("S256")) => {
            return Err(OAuthError::invalid_request("The code_challenge is malformed."));
        }
        (_, Some(_)) | (Some(_), None) => {
            return Err(OAuthError::invalid_request("Only code_challenge_method=S256 is supported."));
        }
        (None, None) => None,
    };
    if code_challenge.is_none() && app.kind == AppKind::Public {
        return Err(OAuthError::invalid_request(
            "A public application must use PKCE (code_challenge, S256).",
        ));
    }
    let prompts: Vec<&str> =
        params.get("prompt").unwrap_or("").split(' ').filter(|p| !p.is_empty()).collect();
    if let Some(unknown) =
        prompts.iter().find(|p| !matches!(**p, "none" | "login" | "consent" | "select_account"))
    {
        return Err(OAuthError::invalid_request(format!("Unknown prompt value {unknown}.")));
    }
    let prompt_none = prompts.contains(&"none");
    if prompt_none && prompts.len() > 1 {
        return Err(OAuthError::invalid_request("prompt=none cannot be combined with other values."));
    }
    let max_age = match params.get("max_age") {
        Some(value) => Some(
            value
                .parse::<u32>()
                .map_err(|_| OAuthError::invalid_request("max_age must be a number of seconds."))?
                .into(),
        ),
        None => None,
    };
    Ok(Request {
        scope,
        code_challenge,
        nonce: params.get("nonce").map(str::to_owned),
        prompt_none,
        prompt_login: prompts.contains(&"login"),
        max_age,
    })
}

/// RFC 7636 §4.1: 43 to 128 unreserved characters (an S256 challenge is 43).
pub fn is_pkce_value(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

async fn decide(
    provider: &Provider,
    context: &RequestContext,
    params: &Params,
    app: &AppRecord,
    query: &str,
) -> Result<Next, OAuthError> {
    let request = read_request(params, app)?;
    let now = Utc::now();
    let Some(session) = &context.session else {
        if request.prompt_none {
            return Err(OAuthError::new(ErrorCode::LoginRequired, "Nobody is signed in to Roster."));
        }
        return Ok(Next::Go(sign_in_path(query, false)));
    };
    let too_old = request.max_age.is_some_and(|max_age| (now - session.signed_in_at).num_seconds() > max_age);
    if request.prompt_login || too_old {
        if request.prompt_none {
            return Err(OAuthError::new(ErrorCode::LoginRequired, "The person must sign in again."));
        }
        return Ok(Next::Go(sign_in_path(query, true)));
    }
    let state = &provider.state;
    let caller = Caller::of(state, context).await.map_err(|_| OAuthError::server_error())?;
    let organization_id = if request.scope.split(' ').any(|s| s == scopes::ORGANIZATION) {
        match choose_organization(provider, &caller, params).await? {
            Some(id) => Some(id),
            None if request.prompt_none => {
                return Err(OAuthError::new(
                    ErrorCode::InteractionRequired,
                    "The person must choose an organization.",
                ));
            }
            None => return Ok(Next::Go(format!("/oauth2/organization?{query}"))),
        }
    } else {
        None
    };
    let code = tokens::issue();
    let grant_lifetime = if request.scope.split(' ').any(|s| s == scopes::OFFLINE_ACCESS) {
        OFFLINE_GRANT_LIFETIME
    } else {
        ONLINE_GRANT_LIFETIME
    };
    let sign_in = NewAppSignIn {
        app_id: app.id,
        app_name: app.name.clone(),
        user_id: session.user.id,
        organization_id,
        session_id: Some(session.id),
        sid: random_id(),
        scope: request.scope,
        auth_time: session.signed_in_at,
        amr: session.amr.clone(),
        grant_expires_at: now + grant_lifetime,
        code_hash: code.hash,
        redirect_uri: params.get("redirect_uri").unwrap_or_default().to_owned(),
        code_challenge: request.code_challenge,
        nonce: request.nonce,
        code_expires_at: now + CODE_LIFETIME,
        new_user_public_id: random_id(),
        new_organization_public_id: random_id(),
        user_agent: context.user_agent.clone(),
    };
    let by = Actor { user_id: Some(session.user.id), ip: context.ip.clone(), api_key_id: None };
    state.store.record_app_sign_in(sign_in, by, now).await?;
    Ok(Next::Code(code.clear))
}

/// The organization the tokens will name: the one asked for with
/// `organization=<slug>` if the person may use it (else `access_denied`), or
/// the only one they can use; `None` when they must choose.
async fn choose_organization(
    provider: &Provider,
    caller: &Caller,
    params: &Params,
) -> Result<Option<i64>, OAuthError> {
    let refused = |why: &str| OAuthError::new(ErrorCode::AccessDenied, why);
    let may_use = |id| caller.may(Action::SignInToApp, &Target::Organization(id));
    if params.has("organization") {
        let Some(slug) = params.get("organization") else {
            return Err(refused("No organization was chosen."));
        };
        let organization = provider.state.store.find_organization(slug).await?;
        return match organization {
            Some(organization) if may_use(organization.id) => Ok(Some(organization.id)),
            // Whether it exists is not the app's business.
            _ => Err(refused("The person cannot sign in as a member of this organization.")),
        };
    }
    let usable: Vec<i64> =
        caller.memberships.iter().map(|m| m.organization_id).filter(|&id| may_use(id)).collect();
    match usable.as_slice() {
        [] => Err(refused("The person is not an active member of any organization.")),
        [only] => Ok(Some(*only)),
        _ => Ok(None),
    }
}

/// Roster's sign-in page, back to this request afterwards. A person who
/// must sign in again (`prompt=login`, `max_age`) comes back without those
/// parameters, or they would be sent to sign in once more.
fn sign_in_path(query: &str, again: bool) -> String {
    let query = if again {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                form_urlencoded::parse(query.as_bytes())
                    .filter(|(name, _)| name != "prompt" && name != "max_age"),
            )
            .finish()
    } else {
        query.to_owned()
    };
    let next: String =
        form_urlencoded::byte_serialize(format!("/oauth2/authorize?{query}").as_bytes()).collect();
    if again { format!("/sign-in?reauth=1&next={next}") } else { format!("/sign-in?next={next}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_values_are_43_to_128_unreserved_characters() {
        assert!(is_pkce_value(&"a".repeat(43)));
        assert!(is_pkce_value(&"A-._~9".repeat(20)));
        assert!(!is_pkce_value(&"a".repeat(42)));
        assert!(!is_pkce_value(&"a".repeat(129)));
        assert!(!is_pkce_value(&format!("{}+", "a".repeat(43))));
    }

    #[test]
    fn signing_in_again_comes_back_without_the_prompt() {
        let path = sign_in_path("client_id=a&prompt=login&max_age=0&state=s", true);
        assert!(path.starts_with("/sign-in?reauth=1&next=%2Foauth2%2Fauthorize%3F"));
        assert!(!path.contains("prompt") && !path.contains("max_age"), "{path}");
        assert_eq!(sign_in_path("client_id=a", false), "/sign-in?next=%2Foauth2%2Fauthorize%3Fclient_id%3Da");
    }
}
