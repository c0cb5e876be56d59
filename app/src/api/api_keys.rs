//! Keys of the management API (`/v1`): an organization's, made by its
//! admins, and the installation's, made by super admins. `slug` names the
//! organization; empty, the installation.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    /// The secret's first characters, such as `roster_Ab3dE9xQ`.
    pub prefix: String,
    /// `None` once the creator's account was deleted.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// `active`, `expired` or `revoked`.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyList {
    pub rows: Vec<ApiKeyRow>,
    /// The server's clock, so relative times read the same on both sides.
    pub now: DateTime<Utc>,
}

/// A new key with its secret, shown exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiKeySecret {
    pub key: ApiKeyRow,
    pub secret: String,
}

/// What a key of `slug` (empty: the installation) is made for, once the
/// organization is found; "not found" for a bad slug.
#[cfg(feature = "ssr")]
async fn scope(state: &ssr::AppState, slug: &str) -> Result<domain::policy::KeyScope, AppError> {
    use domain::policy::KeyScope;
    if slug.is_empty() {
        Ok(KeyScope::Installation)
    } else {
        Ok(KeyScope::Organization(ssr::access::organization(state, slug).await?.id))
    }
}

#[server(endpoint = "list_api_keys")]
pub async fn list_api_keys(slug: String) -> Result<ApiKeyList, AppError> {
    let (caller, state) = ssr::caller().await?;
    let scope = scope(&state, &slug).await?;
    let rows = ssr::api_keys::list(&state, &caller, scope).await?;
    Ok(ApiKeyList { rows, now: Utc::now() })
}

/// Makes a key acting as the caller, with their role now, in the scope of
/// `slug`. `expires_in_days` is empty for a key that does not expire. The
/// secret is returned this once: only its hash is kept.
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(
    slug: String,
    name: String,
    expires_in_days: String,
) -> Result<NewApiKeySecret, AppError> {
    let (caller, state) = ssr::caller().await?;
    let scope = scope(&state, &slug).await?;
    let (key, secret) = ssr::api_keys::create(&state, &caller, scope, &name, &expires_in_days).await?;
    Ok(NewApiKeySecret { key, secret })
}

/// Revokes a key at once: the next request made with it is refused.
#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(slug: String, id: i64) -> Result<(), AppError> {
    let (caller, state) = ssr::caller().await?;
    let scope = scope(&state, &slug).await?;
    ssr::api_keys::revoke(&state, &caller, scope, id).await
}
