//! API keys (`api/api_keys.rs`): making one (its secret shown once),
//! listing and revoking them, and recognising one on a `/v1` request.

use chrono::{DateTime, Duration, Utc};
use domain::{
    ApiKeyName,
    policy::{Action, KeyScope},
};
use store::{ApiKeyRecord, ApiKeyScope, ApiKeyState, KeyPurpose, NewApiKey};

use super::{AppState, access::Caller, tokens};
use crate::{AppError, api::ApiKeyRow};

/// What every key starts with, so that a leaked one is recognisable (secret scanners).
pub const KEY_PREFIX: &str = "roster_";
/// How many characters of a key's random part its lists show.
const SHOWN_CHARS: usize = 8;
/// A key in steady use records its last use at most this often.
const USE_NOTED_EVERY: Duration = Duration::minutes(1);

/// A fresh key: the secret (given out once) and what is stored.
pub struct IssuedKey {
    pub secret: String,
    pub prefix: String,
    pub hash: String,
}

/// `roster_` and 256 random bits, URL-safe.
pub fn issue() -> IssuedKey {
    let random = tokens::issue().clear;
    let secret = format!("{KEY_PREFIX}{random}");
    IssuedKey { prefix: random.chars().take(SHOWN_CHARS).collect(), hash: tokens::hash(&secret), secret }
}

fn store_scope(scope: KeyScope) -> ApiKeyScope {
    match scope {
        KeyScope::Installation => ApiKeyScope::Installation,
        KeyScope::Organization(id) => ApiKeyScope::Organization(id),
    }
}

fn organization_of(scope: KeyScope) -> Option<i64> {
    match scope {
        KeyScope::Installation => None,
        KeyScope::Organization(id) => Some(id),
    }
}

pub async fn list(state: &AppState, caller: &Caller, scope: KeyScope) -> Result<Vec<ApiKeyRow>, AppError> {
    caller.require(Action::ManageApiKeys, &scope.target())?;
    let now = Utc::now();
    Ok(state.store.list_api_keys(store_scope(scope)).await?.into_iter().map(|key| row(key, now)).collect())
}

pub fn row(key: ApiKeyRecord, now: DateTime<Utc>) -> ApiKeyRow {
    let status = match key.state(now) {
        ApiKeyState::Active => "active",
        ApiKeyState::Expired => "expired",
        ApiKeyState::Revoked => "revoked",
    };
    ApiKeyRow {
        id: key.id,
        name: key.name,
        prefix: format!("{KEY_PREFIX}{}", key.prefix),
        created_by: key.created_by_name,
        created_at: key.created_at,
        expires_at: key.expires_at,
        last_used_at: key.last_used_at,
        revoked_at: key.revoked_at,
        status: status.to_owned(),
    }
}

/// Makes a key acting as the caller within `scope`; returns it with its
/// secret, which is not kept.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    scope: KeyScope,
    name: &str,
    days: &str,
) -> Result<(ApiKeyRow, String), AppError> {
    caller.require(Action::ManageApiKeys, &scope.target())?;
    let name = ApiKeyName::parse(name).map_err(|e| AppError::invalid("name", e))?;
    let days = domain::parse_key_days(days).map_err(|e| AppError::invalid("expires_in_days", e))?;
    let now = Utc::now();
    let issued = issue();
    let key = NewApiKey {
        organization_id: organization_of(scope),
        purpose: KeyPurpose::Management,
        name: name.as_str().to_owned(),
        prefix: issued.prefix,
        secret_hash: issued.hash,
        expires_at: days.map(|days| now + Duration::days(i64::from(days))),
    };
    let record = state.store.create_api_key(key, caller.actor(), now).await?;
    Ok((row(record, now), issued.secret))
}

/// Revokes a key of `scope`; a key of another scope is "not found".
pub async fn revoke(state: &AppState, caller: &Caller, scope: KeyScope, id: i64) -> Result<(), AppError> {
    caller.require(Action::ManageApiKeys, &scope.target())?;
    let key = state.store.find_api_key(id).await?.ok_or(AppError::NotFound)?;
    // A SCIM token is revoked on the Provisioning page, not here.
    if key.organization_id != organization_of(scope) || key.purpose != store::KeyPurpose::Management {
        return Err(AppError::NotFound);
    }
    Ok(state.store.revoke_api_key(id, caller.actor(), Utc::now()).await?)
}

/// Why a presented key opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyRefusal {
    #[error("The API key is not valid.")]
    Unknown,
    #[error("The API key has been revoked.")]
    Revoked,
    #[error("The API key has expired.")]
    Expired,
    /// The key is valid, but its creator no longer holds the scope it was made with.
    #[error("The API key's creator may no longer act with it.")]
    CreatorLacksScope,
}

/// The caller a `/v1` request's key stands for, checked at every request:
/// the key exists, is neither revoked nor expired, and its creator still
/// holds its scope now. Notes the use, at most once a minute.
pub async fn authenticate(
    state: &AppState,
    presented: &str,
    ip: Option<String>,
    now: DateTime<Utc>,
) -> Result<Result<Caller, KeyRefusal>, AppError> {
    // Not ours: not worth a database round trip.
    if !presented.starts_with(KEY_PREFIX) || presented.len() > 128 {
        return Ok(Err(KeyRefusal::Unknown));
    }
    let Some(key) = state.store.find_api_key_by_hash(&tokens::hash(presented)).await? else {
        return Ok(Err(KeyRefusal::Unknown));
    };
    // A SCIM token opens the SCIM service provider alone.
    if key.purpose != KeyPurpose::Management {
        return Ok(Err(KeyRefusal::Unknown));
    }
    match key.state(now) {
        ApiKeyState::Active => {}
        ApiKeyState::Revoked => return Ok(Err(KeyRefusal::Revoked)),
        ApiKeyState::Expired => return Ok(Err(KeyRefusal::Expired)),
    }
    let (id, last_used) = (key.id, key.last_used_at);
    let Some(caller) = Caller::of_api_key(state, key, ip).await? else {
        return Ok(Err(KeyRefusal::CreatorLacksScope));
    };
    if last_used.is_none_or(|at| at < now - USE_NOTED_EVERY) {
        state.store.note_api_key_use(id, now, now - USE_NOTED_EVERY).await?;
    }
    Ok(Ok(caller))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_recognisable_random_and_kept_only_hashed() {
        let a = issue();
        let b = issue();
        assert!(a.secret.starts_with("roster_"));
        assert_eq!(a.secret.len(), 7 + 43, "256 bits in unpadded base64");
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.hash, tokens::hash(&a.secret));
        assert!(a.secret[7..].starts_with(&a.prefix));
        assert_eq!(a.prefix.len(), 8);
    }
}
