//! The keys Roster signs tokens with, kept in the database so that every
//! instance signs with the same ones.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{Result, records::Actor};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SigningKeyRecord {
    pub kid: String,
    pub algorithm: String,
    /// PKCS#8 PEM.
    pub private_key: String,
    /// The public half, as a JWK (JSON).
    pub public_jwk: String,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

pub struct NewSigningKey {
    pub kid: String,
    pub algorithm: String,
    pub private_key: String,
    pub public_jwk: String,
}

#[async_trait]
pub trait SigningKeyStore: Send + Sync {
    /// Every key not retired before `retired_since`, newest first: the
    /// first one signs, all of them verify.
    async fn signing_keys(&self, retired_since: DateTime<Utc>) -> Result<Vec<SigningKeyRecord>>;

    /// Adds the first key, unless another instance already has: answers
    /// whether this one was added.
    async fn add_first_signing_key(&self, key: NewSigningKey, at: DateTime<Utc>) -> Result<bool>;

    /// Adds a key that signs from now on; the others are retired at `at`.
    async fn rotate_signing_key(&self, key: NewSigningKey, by: Actor, at: DateTime<Utc>) -> Result<()>;
}
