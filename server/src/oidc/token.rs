//! The token endpoint (RFC 6749 §3.2, OpenID Connect Core §3.1.3): codes
//! and refresh tokens exchanged for tokens, by an authenticated app.

use axum::{
    Extension, Json,
    body::Bytes,
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use serde::Serialize;
use sha2::{Digest, Sha256};
use store::{AppRecord, GrantRecord, StoreError};

use super::{
    Provider,
    authorize::is_pkce_value,
    client_auth,
    error::{ErrorCode, OAuthError, no_store},
    params::Params,
    scopes,
};

#[derive(Debug, Serialize)]
struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
}

/// The parameters of a form post, which these endpoints require.
pub fn form(headers: &HeaderMap, body: &Bytes) -> Result<Params, OAuthError> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(OAuthError::invalid_request("Send the parameters as application/x-www-form-urlencoded."));
    }
    Params::parse(body)
}

pub async fn exchange(Extension(provider): Extension<Provider>, headers: HeaderMap, body: Bytes) -> Response {
    match respond(&provider, &headers, &body).await {
        Ok(tokens) => (no_store(), Json(tokens)).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn respond(
    provider: &Provider,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<TokenResponse, OAuthError> {
    let params = form(headers, body)?;
    let grant_type = params.require("grant_type")?;
    if !matches!(grant_type, "authorization_code" | "refresh_token") {
        return Err(OAuthError::new(
            ErrorCode::UnsupportedGrantType,
            "Use authorization_code or refresh_token.",
        ));
    }
    let app = client_auth::authenticate(provider, headers, &params, false).await?;
    match grant_type {
        "authorization_code" => redeem_code(provider, &app, &params).await,
        _ => refresh(provider, &app, &params).await,
    }
}

async fn redeem_code(
    provider: &Provider,
    app: &AppRecord,
    params: &Params,
) -> Result<TokenResponse, OAuthError> {
    let code = params.require("code")?;
    let redirect_uri = params.require("redirect_uri")?;
    let verifier = params.get("code_verifier");
    let now = Utc::now();
    let invalid = || OAuthError::invalid_grant("The code is not valid.");
    let redeemed = match provider.state.store.redeem_code(&app::ssr::tokens::hash(code), now).await {
        Ok(Some(redeemed)) => redeemed,
        Ok(None) | Err(StoreError::Token(_)) => return Err(invalid()),
        Err(error) => return Err(error.into()),
    };
    // Bound to the app, the redirect URI and the PKCE verifier (RFC 6749
    // §4.1.3, RFC 7636 §4.6); each mismatch answers the same.
    if redeemed.grant.app_id != app.id || redeemed.expires_at <= now || redeemed.redirect_uri != redirect_uri
    {
        return Err(invalid());
    }
    match (&redeemed.code_challenge, verifier) {
        (Some(challenge), Some(verifier)) if is_pkce_value(verifier) && s256(verifier) == *challenge => {}
        (None, None) => {}
        _ => return Err(invalid()),
    }
    if !redeemed.grant.is_usable(now) {
        return Err(OAuthError::invalid_grant("The sign-in is no longer valid."));
    }
    let refresh_token = if redeemed.grant.has_scope(scopes::OFFLINE_ACCESS) {
        let token = app::ssr::tokens::issue();
        provider.state.store.add_refresh_token(redeemed.grant.grant_id, &token.hash, now).await?;
        Some(token.clear)
    } else {
        None
    };
    respond_with(provider, &redeemed.grant, redeemed.nonce, refresh_token).await
}

async fn refresh(provider: &Provider, app: &AppRecord, params: &Params) -> Result<TokenResponse, OAuthError> {
    let token = params.require("refresh_token")?;
    if let Some(scope) = params.get("scope") {
        // A refresh may narrow nothing Roster grants differently; asking for
        // more than was granted is refused (RFC 6749 §6).
        let grant = provider.state.store.find_grant_by_refresh_token(&app::ssr::tokens::hash(token)).await?;
        if let Some(grant) = grant
            && scope.split(' ').any(|s| !s.is_empty() && !grant.has_scope(s))
        {
            return Err(OAuthError::new(ErrorCode::InvalidScope, "The scope exceeds what was granted."));
        }
    }
    let next = app::ssr::tokens::issue();
    let now = Utc::now();
    let grant = match provider
        .state
        .store
        .rotate_refresh_token(app.id, &app::ssr::tokens::hash(token), &next.hash, now)
        .await
    {
        Ok(grant) => grant,
        Err(StoreError::NotFound) => {
            return Err(OAuthError::invalid_grant("The refresh token is not valid."));
        }
        Err(StoreError::Token(_)) => {
            return Err(OAuthError::invalid_grant("The refresh token is no longer valid."));
        }
        Err(error) => return Err(error.into()),
    };
    respond_with(provider, &grant, None, Some(next.clear)).await
}

async fn respond_with(
    provider: &Provider,
    grant: &GrantRecord,
    nonce: Option<String>,
    refresh_token: Option<String>,
) -> Result<TokenResponse, OAuthError> {
    let issued = provider.issue(grant, nonce, Utc::now()).await?;
    Ok(TokenResponse {
        access_token: issued.access_token,
        token_type: "Bearer",
        expires_in: issued.expires_in,
        scope: grant.scope.clone(),
        id_token: issued.id_token,
        refresh_token,
    })
}

/// The S256 code challenge of a verifier (RFC 7636 §4.2).
fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
