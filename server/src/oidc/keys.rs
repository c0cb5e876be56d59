//! The keys tokens are signed with: created on first use, kept in the
//! database (every instance signs with the same ones), rotated by
//! `roster rotate-signing-key`. The newest key signs; every key retired less
//! than [`RETIRED_KEYS_PUBLISHED`] ago still verifies, so tokens signed just
//! before a rotation stay valid until they expire.

use std::{
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, jwk::Jwk};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use serde::Serialize;
use store::{Actor, NewSigningKey, SigningKeyRecord, Store, StoreError};

/// Longer than any token lives (ID tokens, an hour).
pub const RETIRED_KEYS_PUBLISHED: chrono::Duration = chrono::Duration::hours(24);

/// How long an instance trusts its copy of the key list before reading it
/// again: a rotation made by another instance is picked up within this.
const CACHE_FOR: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("signing key: {0}")]
    Key(String),
}

struct LoadedKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    public_jwk: serde_json::Value,
}

struct Loaded {
    at: Instant,
    /// Newest first: the first signs.
    keys: Vec<Arc<LoadedKey>>,
}

/// The installation's signing keys, shared by every request.
pub struct SigningKeys {
    store: Arc<dyn Store>,
    loaded: RwLock<Option<Loaded>>,
}

impl SigningKeys {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store, loaded: RwLock::new(None) }
    }

    /// Signs `claims` as a JWT of type `typ` (`JWT`, `at+jwt`, `logout+jwt`).
    pub async fn sign<T: Serialize>(&self, typ: &str, claims: &T) -> Result<String, KeyError> {
        let keys = self.keys(false).await?;
        let key = keys.first().ok_or_else(|| KeyError::Key("no signing key".into()))?;
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some(typ.to_owned());
        header.kid = Some(key.kid.clone());
        jsonwebtoken::encode(&header, claims, &key.encoding).map_err(|e| KeyError::Key(e.to_string()))
    }

    /// The key that verifies a token signed with `kid`, reading the list
    /// again once when the kid is unknown (a key added by another instance).
    pub async fn decoding_key(&self, kid: &str) -> Result<Option<DecodingKey>, KeyError> {
        for refresh in [false, true] {
            let keys = self.keys(refresh).await?;
            if let Some(key) = keys.iter().find(|k| k.kid == kid) {
                return Ok(Some(key.decoding.clone()));
            }
        }
        Ok(None)
    }

    /// The public keys, as `/oauth2/jwks` publishes them.
    pub async fn jwks(&self) -> Result<serde_json::Value, KeyError> {
        let keys = self.keys(false).await?;
        Ok(serde_json::json!({ "keys": keys.iter().map(|k| k.public_jwk.clone()).collect::<Vec<_>>() }))
    }

    async fn keys(&self, refresh: bool) -> Result<Vec<Arc<LoadedKey>>, KeyError> {
        if !refresh
            && let Some(loaded) = &*self.loaded.read().unwrap_or_else(|e| e.into_inner())
            && loaded.at.elapsed() < CACHE_FOR
        {
            return Ok(loaded.keys.clone());
        }
        let mut records = self.store.signing_keys(Utc::now() - RETIRED_KEYS_PUBLISHED).await?;
        if records.is_empty() {
            self.store.add_first_signing_key(generate().await?, Utc::now()).await?;
            records = self.store.signing_keys(Utc::now() - RETIRED_KEYS_PUBLISHED).await?;
        }
        let keys: Vec<Arc<LoadedKey>> = records.iter().map(load).collect::<Result<_, _>>()?;
        *self.loaded.write().unwrap_or_else(|e| e.into_inner()) =
            Some(Loaded { at: Instant::now(), keys: keys.clone() });
        Ok(keys)
    }
}

fn load(record: &SigningKeyRecord) -> Result<Arc<LoadedKey>, KeyError> {
    let encoding =
        EncodingKey::from_rsa_pem(record.private_key.as_bytes()).map_err(|e| KeyError::Key(e.to_string()))?;
    let public_jwk: serde_json::Value =
        serde_json::from_str(&record.public_jwk).map_err(|e| KeyError::Key(e.to_string()))?;
    let jwk: Jwk = serde_json::from_value(public_jwk.clone()).map_err(|e| KeyError::Key(e.to_string()))?;
    let decoding = DecodingKey::from_jwk(&jwk).map_err(|e| KeyError::Key(e.to_string()))?;
    Ok(Arc::new(LoadedKey { kid: record.kid.clone(), encoding, decoding, public_jwk }))
}

/// A new RSA key (3072 bits, RS256), made on a blocking thread: finding
/// its primes takes a noticeable moment.
pub async fn generate() -> Result<NewSigningKey, KeyError> {
    tokio::task::spawn_blocking(|| {
        use rsa::Generate;
        let private = rsa::PrivateKey::generate();
        let pem = private.to_pkcs8_pem(LineEnding::LF).map_err(|e| KeyError::Key(e.to_string()))?;
        let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).map_err(|e| KeyError::Key(e.to_string()))?;
        let kid = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
        let mut jwk =
            Jwk::from_encoding_key(&encoding, Algorithm::RS256).map_err(|e| KeyError::Key(e.to_string()))?;
        jwk.common.key_id = Some(kid.clone());
        jwk.common.public_key_use = Some(jsonwebtoken::jwk::PublicKeyUse::Signature);
        let public_jwk = serde_json::to_string(&jwk).map_err(|e| KeyError::Key(e.to_string()))?;
        Ok(NewSigningKey { kid, algorithm: "RS256".into(), private_key: pem.to_string(), public_jwk })
    })
    .await
    .map_err(|e| KeyError::Key(e.to_string()))?
}

/// `roster rotate-signing-key`: a new key signs from now on; the old ones
/// are published until tokens signed with them have expired.
pub async fn rotate(store: &dyn Store) -> Result<String, KeyError> {
    let key = generate().await?;
    let kid = key.kid.clone();
    store.rotate_signing_key(key, Actor::system(), Utc::now()).await?;
    Ok(kid)
}
