//! Token revocation (RFC 7009) and introspection (RFC 7662), for the app
//! that holds the token. A token of another app is treated as unknown:
//! revoking it does nothing, introspecting it says `active: false`.

use axum::{
    Extension, Json,
    body::Bytes,
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use chrono::Utc;
use serde::Serialize;
use store::{AppRecord, GrantRecord};

use super::{
    Provider, client_auth,
    error::{OAuthError, no_store},
    token::form,
    tokens::OrganizationClaims,
};

/// The grant a token of `app` belongs to: a refresh token by its hash, an
/// access token by its (verified) `sid`.
async fn grant_of(provider: &Provider, app: &AppRecord, token: &str) -> Result<Option<Found>, OAuthError> {
    let store = &provider.state.store;
    if let Some(claims) = provider.read_access_token(token).await {
        let grant = store.find_grant(&claims.sid).await?;
        return Ok(grant.filter(|g| g.app_id == app.id).map(|grant| Found {
            grant,
            kind: Kind::Access { exp: claims.exp, iat: claims.iat, jti: claims.jti },
        }));
    }
    let grant = store.find_grant_by_refresh_token(&app::ssr::tokens::hash(token)).await?;
    Ok(grant.filter(|g| g.app_id == app.id).map(|grant| Found { grant, kind: Kind::Refresh }))
}

struct Found {
    grant: GrantRecord,
    kind: Kind,
}

enum Kind {
    Access { exp: i64, iat: i64, jti: String },
    Refresh,
}

pub async fn revoke(Extension(provider): Extension<Provider>, headers: HeaderMap, body: Bytes) -> Response {
    let result: Result<(), OAuthError> = async {
        let params = form(&headers, &body)?;
        let app = client_auth::authenticate(&provider, &headers, &params, false).await?;
        let token = params.require("token")?;
        // Revoking either kind ends the grant: the refresh family and the
        // access tokens made with it (RFC 7009 §2.1).
        if let Some(found) = grant_of(&provider, &app, token).await? {
            provider.state.store.revoke_grant(app.id, found.grant.grant_id, Utc::now()).await?;
        }
        Ok(())
    }
    .await;
    match result {
        // An unknown or already revoked token is answered alike (RFC 7009 §2.2).
        Ok(()) => (no_store(), "").into_response(),
        Err(error) => error.into_response(),
    }
}

#[derive(Serialize, Default)]
struct Introspection {
    active: bool,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    details: Option<ActiveToken>,
}

#[derive(Serialize)]
struct ActiveToken {
    scope: String,
    client_id: String,
    token_type: &'static str,
    sub: String,
    iss: String,
    aud: String,
    sid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jti: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    organization: Option<OrganizationClaims>,
}

pub async fn introspect(
    Extension(provider): Extension<Provider>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result: Result<Introspection, OAuthError> = async {
        let params = form(&headers, &body)?;
        let app = client_auth::authenticate(&provider, &headers, &params, true).await?;
        let token = params.require("token")?;
        let Some(Found { grant, kind }) = grant_of(&provider, &app, token).await? else {
            return Ok(Introspection::default());
        };
        if !grant.is_usable(Utc::now()) {
            return Ok(Introspection::default());
        }
        let (token_type, exp, iat, jti) = match kind {
            Kind::Access { exp, iat, jti } => ("access_token", Some(exp), Some(iat), Some(jti)),
            Kind::Refresh => ("refresh_token", Some(grant.expires_at.timestamp()), None, None),
        };
        let details = ActiveToken {
            scope: grant.scope.clone(),
            client_id: grant.client_id.clone(),
            token_type,
            sub: grant.subject.clone(),
            iss: provider.issuer.clone(),
            aud: grant.client_id.clone(),
            sid: grant.sid.clone(),
            exp,
            iat,
            jti,
            organization: OrganizationClaims::of(&grant),
        };
        Ok(Introspection { active: true, details: Some(details) })
    }
    .await;
    match result {
        Ok(answer) => (no_store(), Json(answer)).into_response(),
        Err(error) => error.into_response(),
    }
}
