//! OpenID Connect Discovery 1.0 §3 and the JWKS: how an app finds out
//! everything else.

use axum::{Extension, Json, http::header, response::IntoResponse};

use super::{Provider, error::OAuthError, scopes};

pub async fn configuration(Extension(provider): Extension<Provider>) -> impl IntoResponse {
    let endpoint = |path| provider.endpoint(path);
    Json(serde_json::json!({
        "issuer": provider.issuer,
        "authorization_endpoint": endpoint("/oauth2/authorize"),
        "token_endpoint": endpoint("/oauth2/token"),
        "userinfo_endpoint": endpoint("/oauth2/userinfo"),
        "jwks_uri": endpoint("/oauth2/jwks"),
        "revocation_endpoint": endpoint("/oauth2/revoke"),
        "introspection_endpoint": endpoint("/oauth2/introspect"),
        "end_session_endpoint": endpoint("/oauth2/logout"),
        "scopes_supported": scopes::SUPPORTED,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login"],
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "amr", "acr", "nonce", "sid", "name", "email",
            "email_verified", "org_id", "org_slug", "org_name", "org_role"
        ],
        "acr_values_supported": [domain::ACR_PASSWORD, domain::ACR_MFA],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
    }))
}

pub async fn jwks(Extension(provider): Extension<Provider>) -> Result<impl IntoResponse, OAuthError> {
    let keys = provider.keys.jwks().await?;
    // Apps may cache the set briefly: a client that meets a token signed
    // with a key it does not know fetches the set again.
    Ok(([(header::CACHE_CONTROL, "public, max-age=300")], Json(keys)))
}
