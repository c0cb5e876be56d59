//! Keys of the management API (`/v1`): made by a super admin for the whole
//! installation or by an organization's admin for it, stored as the SHA-256
//! of their secret, and revocable. And what a POST retried with an
//! `Idempotency-Key` answered the first time.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{Result, records::Actor};

/// An API key as listed and as checked at each use. The secret is never held.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiKeyRecord {
    pub id: i64,
    /// `None` for an installation key.
    pub organization_id: Option<i64>,
    pub organization_slug: Option<String>,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub purpose: KeyPurpose,
    /// The secret's first characters, to tell keys apart (`roster_` + this + `…`).
    pub prefix: String,
    /// The person the key acts as; `None` once their account was deleted.
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What a key opens: the management API, or (an organization's token for
/// its identity provider) the SCIM service provider. Neither opens the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPurpose {
    Management,
    Scim,
}

impl KeyPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Management => "management",
            Self::Scim => "scim",
        }
    }
}

impl TryFrom<String> for KeyPurpose {
    type Error = String;

    fn try_from(value: String) -> std::result::Result<Self, String> {
        match value.as_str() {
            "management" => Ok(Self::Management),
            "scim" => Ok(Self::Scim),
            _ => Err(format!("unknown key purpose {value:?}")),
        }
    }
}

/// Whether a key can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyState {
    Active,
    Expired,
    Revoked,
}

impl ApiKeyRecord {
    pub fn state(&self, now: DateTime<Utc>) -> ApiKeyState {
        if self.revoked_at.is_some() {
            ApiKeyState::Revoked
        } else if self.expires_at.is_some_and(|expiry| now >= expiry) {
            ApiKeyState::Expired
        } else {
            ApiKeyState::Active
        }
    }
}

pub struct NewApiKey {
    pub organization_id: Option<i64>,
    /// A SCIM token always has an organization.
    pub purpose: KeyPurpose,
    pub name: String,
    pub prefix: String,
    pub secret_hash: String,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Which keys a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyScope {
    Installation,
    Organization(i64),
    /// An organization's SCIM tokens.
    Scim(i64),
}

/// How long a request's answer is replayed to retries with its idempotency key.
pub const IDEMPOTENCY_KEPT: chrono::Duration = chrono::Duration::hours(24);

/// How long a claim with no answer holds its idempotency key. Requests
/// answer in seconds; a claim this old belongs to an instance that died
/// between the change and recording its answer.
pub const IDEMPOTENCY_CLAIM_LAPSES: chrono::Duration = chrono::Duration::minutes(10);

/// What a request made with an `Idempotency-Key` answered.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IdempotentResponse {
    /// SHA-256 of the request (method, path, body): a retry must be the same request.
    pub fingerprint: String,
    /// 0 while the first request is still being answered.
    pub status: i32,
    pub body: String,
}

#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    /// Makes a key acting as `by.user_id`, with its audit event.
    async fn create_api_key(&self, key: NewApiKey, by: Actor, at: DateTime<Utc>) -> Result<ApiKeyRecord>;

    /// The keys of one scope (an organization's, or the installation's),
    /// newest first, revoked ones included.
    async fn list_api_keys(&self, scope: ApiKeyScope) -> Result<Vec<ApiKeyRecord>>;

    async fn find_api_key(&self, id: i64) -> Result<Option<ApiKeyRecord>>;

    /// The key whose secret hashes to `secret_hash`, in any state.
    async fn find_api_key_by_hash(&self, secret_hash: &str) -> Result<Option<ApiKeyRecord>>;

    /// Revokes a key at once, with its audit event; [`crate::StoreError::NotFound`]
    /// when there is no such key or it was already revoked.
    async fn revoke_api_key(&self, id: i64, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// Notes a use of the key, unless one was noted since `noted_since`: a
    /// key in steady use writes once a minute, not once a request.
    async fn note_api_key_use(&self, id: i64, at: DateTime<Utc>, noted_since: DateTime<Utc>) -> Result<()>;

    /// Claims `idempotency_key` for a request of key `api_key_id`: `None`
    /// when this is its first use (the claim is then held until
    /// [`Self::finish_idempotent`] or [`Self::release_idempotent`]),
    /// otherwise what was recorded for it. Answers older than
    /// [`IDEMPOTENCY_KEPT`] are forgotten first, and so is a claim older
    /// than [`IDEMPOTENCY_CLAIM_LAPSES`] that was never answered (the
    /// instance answering it died), so such a key can be used again.
    async fn claim_idempotent(
        &self,
        api_key_id: i64,
        idempotency_key: &str,
        fingerprint: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<IdempotentResponse>>;

    /// Records the answer to a claimed request, replayed to its retries.
    async fn finish_idempotent(
        &self,
        api_key_id: i64,
        idempotency_key: &str,
        status: i32,
        body: &str,
    ) -> Result<()>;

    /// Gives up a claim (the request failed on the server's side), so a retry runs again.
    async fn release_idempotent(&self, api_key_id: i64, idempotency_key: &str) -> Result<()>;
}
