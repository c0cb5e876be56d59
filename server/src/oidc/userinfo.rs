//! The userinfo endpoint (OpenID Connect Core §5.3): the claims of the
//! person an access token is about, while its grant stands.

use axum::{
    Extension, Json,
    body::Bytes,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Serialize;

use super::{Provider, error::no_store, tokens::PersonClaims};

#[derive(Serialize)]
struct UserInfo {
    sub: String,
    #[serde(flatten)]
    person: PersonClaims,
}

pub async fn get(Extension(provider): Extension<Provider>, headers: HeaderMap) -> Response {
    answer(&provider, &headers).await
}

/// RFC 6750 §2.1: the token goes in the header, also for a POST.
pub async fn post(Extension(provider): Extension<Provider>, headers: HeaderMap, _body: Bytes) -> Response {
    answer(&provider, &headers).await
}

async fn answer(provider: &Provider, headers: &HeaderMap) -> Response {
    let Some(token) = bearer(headers) else {
        return challenge(None);
    };
    let Some(claims) = provider.read_access_token(token).await else {
        return challenge(Some("The access token is not valid."));
    };
    let grant = match provider.state.store.find_grant(&claims.sid).await {
        Ok(grant) => grant,
        Err(error) => {
            tracing::error!(%error, "userinfo failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    match grant {
        Some(grant) if grant.is_usable(Utc::now()) && grant.subject == claims.sub => {
            let info = UserInfo { sub: grant.subject.clone(), person: PersonClaims::of(&grant) };
            (no_store(), Json(info)).into_response()
        }
        _ => challenge(Some("The sign-in this token belongs to has ended.")),
    }
}

/// The access token of an `Authorization: Bearer` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}

/// 401 with the challenge of RFC 6750 §3.
fn challenge(invalid: Option<&str>) -> Response {
    let value = match invalid {
        Some(description) => {
            format!("Bearer realm=\"roster\", error=\"invalid_token\", error_description=\"{description}\"")
        }
        None => "Bearer realm=\"roster\"".to_owned(),
    };
    let mut response = (StatusCode::UNAUTHORIZED, no_store()).into_response();
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
