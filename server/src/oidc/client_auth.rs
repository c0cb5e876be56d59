//! Which app is calling the token, revocation and introspection endpoints
//! (RFC 6749 §2.3): `client_secret_basic`, `client_secret_post`, or `none`
//! for public apps, which name themselves and prove nothing (their codes
//! are bound to a PKCE verifier instead).

use axum::http::{HeaderMap, header};
use base64::{Engine, engine::general_purpose::STANDARD};
use domain::AppKind;
use store::AppRecord;
use subtle::ConstantTimeEq;

use super::{Provider, error::OAuthError, params::Params};

/// What the request presented.
struct Presented {
    client_id: String,
    secret: Option<String>,
    basic: bool,
}

fn presented(headers: &HeaderMap, params: &Params) -> Result<Presented, OAuthError> {
    let basic = match headers.get(header::AUTHORIZATION) {
        Some(value) => {
            let value = value.to_str().map_err(|_| OAuthError::invalid_client(true))?;
            match value.split_once(' ') {
                Some((scheme, credentials)) if scheme.eq_ignore_ascii_case("basic") => Some(
                    basic_credentials(credentials.trim()).ok_or_else(|| OAuthError::invalid_client(true))?,
                ),
                _ => return Err(OAuthError::invalid_client(true)),
            }
        }
        None => None,
    };
    let posted_secret = params.get("client_secret");
    match basic {
        Some((client_id, secret)) => {
            // One method per request (RFC 6749 §2.3).
            if posted_secret.is_some() {
                return Err(OAuthError::invalid_request("Use one way of authenticating the client."));
            }
            if params.get("client_id").is_some_and(|posted| posted != client_id) {
                return Err(OAuthError::invalid_client(true));
            }
            Ok(Presented { client_id, secret: Some(secret), basic: true })
        }
        None => {
            let client_id = params.get("client_id").ok_or_else(|| OAuthError::invalid_client(false))?;
            Ok(Presented {
                client_id: client_id.to_owned(),
                secret: posted_secret.map(str::to_owned),
                basic: false,
            })
        }
    }
}

/// `client_id:client_secret`, each form-encoded (RFC 6749 §2.3.1).
fn basic_credentials(encoded: &str) -> Option<(String, String)> {
    let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |part: &str| -> Option<String> {
        let plus_as_space = part.replace('+', " ");
        percent_encoding::percent_decode_str(&plus_as_space).decode_utf8().ok().map(|s| s.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

/// The app making the request, authenticated; `confidential_only` for the
/// introspection endpoint. Every failure is the same `invalid_client`.
pub async fn authenticate(
    provider: &Provider,
    headers: &HeaderMap,
    params: &Params,
    confidential_only: bool,
) -> Result<AppRecord, OAuthError> {
    let presented = presented(headers, params)?;
    let refused = || OAuthError::invalid_client(presented.basic);
    let app = provider.state.store.find_app_by_client_id(&presented.client_id).await?.ok_or_else(refused)?;
    if !app.is_active() {
        return Err(refused());
    }
    match (app.kind, &presented.secret, &app.secret_hash) {
        (AppKind::Confidential, Some(secret), Some(stored)) => {
            let hash = app::ssr::tokens::hash(secret);
            if !bool::from(hash.as_bytes().ct_eq(stored.as_bytes())) {
                return Err(refused());
            }
        }
        (AppKind::Public, None, _) if !confidential_only => {}
        _ => return Err(refused()),
    }
    Ok(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_encoded_halves() {
        let encoded = STANDARD.encode("my%20app:s%3Acret+x");
        assert_eq!(basic_credentials(&encoded), Some(("my app".into(), "s:cret x".into())));
        assert_eq!(basic_credentials("%%%"), None);
        assert_eq!(basic_credentials(&STANDARD.encode("no-colon")), None);
    }
}
