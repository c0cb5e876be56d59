//! What the application server functions (`api/apps.rs`) share.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use domain::{AppKind, AppSettings};
use store::{AppRecord, NewApp};

use super::{AppState, Caller, tokens};
use crate::{
    AppError,
    api::{AppCredentials, AppView, ProviderInfo},
};

/// Client IDs are 22 characters; anything much longer names no app and is
/// not sent to the database.
const MAX_CLIENT_ID_CHARS: usize = 64;

/// The issuer (`iss`) and its discovery document: the public URL, without
/// a trailing slash (OpenID Connect Discovery §4.1 appends the path).
pub fn provider(state: &AppState) -> ProviderInfo {
    ProviderInfo {
        issuer: state.settings.link(""),
        discovery_url: state.settings.link("/.well-known/openid-configuration"),
    }
}

/// A form's settings, each problem reported on its field.
pub fn settings(
    name: &str,
    redirect_uris: &str,
    post_logout_redirect_uris: &str,
    backchannel_logout_uri: &str,
) -> Result<AppSettings, AppError> {
    AppSettings::parse(name, redirect_uris, post_logout_redirect_uris, backchannel_logout_uri)
        .map_err(|e| AppError::invalid(e.field(), e))
}

/// A fresh client ID: 128 random bits, URL-safe. Not a secret, but not
/// guessable either, so one app's ID says nothing about another's.
fn new_client_id() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

pub async fn register(
    state: &AppState,
    caller: &Caller,
    kind: AppKind,
    settings: AppSettings,
) -> Result<AppCredentials, AppError> {
    let secret = (kind == AppKind::Confidential).then(tokens::issue);
    let app = NewApp {
        client_id: new_client_id(),
        kind,
        secret_hash: secret.as_ref().map(|s| s.hash.clone()),
        settings,
    };
    let created = state.store.create_app(app, caller.actor(), Utc::now()).await?;
    Ok(AppCredentials {
        id: created.id,
        name: created.name,
        client_id: created.client_id,
        client_secret: secret.map(|s| s.clear),
    })
}

/// The enabled application with this client ID, if any.
pub async fn active_app(state: &AppState, client_id: &str) -> Result<Option<AppRecord>, AppError> {
    if client_id.is_empty() || client_id.chars().count() > MAX_CLIENT_ID_CHARS {
        return Ok(None);
    }
    Ok(state.store.find_app_by_client_id(client_id).await?.filter(AppRecord::is_active))
}

pub fn details(state: &AppState, app: AppRecord) -> AppView {
    AppView {
        active: app.is_active(),
        id: app.id,
        name: app.name,
        client_id: app.client_id,
        kind: app.kind,
        signed_in: app.signed_in,
        redirect_uris: app.redirect_uris.0.join("\n"),
        post_logout_redirect_uris: app.post_logout_redirect_uris.0.join("\n"),
        backchannel_logout_uri: app.backchannel_logout_uri.unwrap_or_default(),
        created_at: app.created_at,
        updated_at: app.updated_at,
        provider: provider(state),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_128_random_bits() {
        let (a, b) = (new_client_id(), new_client_id());
        assert_eq!(a.len(), 22, "16 bytes in unpadded base64");
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }
}
