//! What Roster's tokens say, and how they are made and read back.
//!
//! ID tokens (OpenID Connect Core §2) and access tokens (RFC 9068, type
//! `at+jwt`) are JWTs signed RS256; refresh tokens are opaque random
//! strings, stored hashed. Every claim about the person comes from the
//! grant as it stands when the token is made.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store::GrantRecord;

use super::{Provider, keys::KeyError, scopes};

pub const ACCESS_TOKEN_LIFETIME: chrono::Duration = chrono::Duration::minutes(5);
pub const ID_TOKEN_LIFETIME: chrono::Duration = chrono::Duration::hours(1);

/// The organization a token names, as flat claims (the shape apps asked
/// peers for: Keycloak #33556).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationClaims {
    pub org_id: String,
    pub org_slug: String,
    pub org_name: String,
    pub org_role: String,
}

impl OrganizationClaims {
    pub fn of(grant: &GrantRecord) -> Option<Self> {
        if !grant.has_scope(scopes::ORGANIZATION) {
            return None;
        }
        let m = &grant.membership;
        Some(Self {
            org_id: m.org_public_id.clone()?,
            org_slug: m.org_slug.clone()?,
            org_name: m.org_name.clone()?,
            org_role: m.role.clone()?,
        })
    }
}

/// The claims about the person a scope allows (OpenID Connect Core §5.4),
/// shared by the ID token and userinfo.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonClaims {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Roster learns an address by sending it a link that must be opened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrganizationClaims>,
}

impl PersonClaims {
    pub fn of(grant: &GrantRecord) -> Self {
        let email = grant.has_scope(scopes::EMAIL);
        Self {
            name: grant.has_scope(scopes::PROFILE).then(|| grant.name.clone()),
            email: email.then(|| grant.email.clone()),
            email_verified: email.then_some(true),
            organization: OrganizationClaims::of(grant),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub azp: String,
    pub exp: i64,
    pub iat: i64,
    pub auth_time: i64,
    /// How the person signed in (RFC 8176 values) and its level.
    pub amr: Vec<String>,
    pub acr: String,
    pub sid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    pub at_hash: String,
    #[serde(flatten)]
    pub person: PersonClaims,
}

/// An access token (RFC 9068 §2.2).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub client_id: String,
    pub exp: i64,
    pub iat: i64,
    pub auth_time: i64,
    pub jti: String,
    pub scope: String,
    pub sid: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrganizationClaims>,
}

/// A logout token (OpenID Connect Back-Channel Logout 1.0 §2.4).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogoutTokenClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub sid: String,
    pub events: serde_json::Value,
}

pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// The tokens of one token response.
pub struct Issued {
    pub access_token: String,
    pub id_token: Option<String>,
    pub expires_in: i64,
}

pub fn random_id() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

/// `at_hash`: the left half of the access token's SHA-256 (OpenID Connect Core §3.1.3.6).
fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

impl Provider {
    /// An access token and, for `openid` grants, an ID token.
    pub async fn issue(
        &self,
        grant: &GrantRecord,
        nonce: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Issued, KeyError> {
        let access = AccessTokenClaims {
            iss: self.issuer.clone(),
            sub: grant.subject.clone(),
            aud: grant.client_id.clone(),
            client_id: grant.client_id.clone(),
            exp: (now + ACCESS_TOKEN_LIFETIME).timestamp(),
            iat: now.timestamp(),
            auth_time: grant.auth_time.timestamp(),
            jti: random_id(),
            scope: grant.scope.clone(),
            sid: grant.sid.clone(),
            organization: OrganizationClaims::of(grant),
        };
        let access_token = self.keys.sign("at+jwt", &access).await?;
        let id_token = if grant.has_scope(scopes::OPENID) {
            let id = IdTokenClaims {
                iss: self.issuer.clone(),
                sub: grant.subject.clone(),
                aud: grant.client_id.clone(),
                azp: grant.client_id.clone(),
                exp: (now + ID_TOKEN_LIFETIME).timestamp(),
                iat: now.timestamp(),
                auth_time: grant.auth_time.timestamp(),
                amr: domain::Amr::parse(&grant.amr).values().to_vec(),
                acr: domain::Amr::parse(&grant.amr).acr().to_owned(),
                sid: grant.sid.clone(),
                nonce,
                at_hash: at_hash(&access_token),
                person: PersonClaims::of(grant),
            };
            Some(self.keys.sign("JWT", &id).await?)
        } else {
            None
        };
        Ok(Issued { access_token, id_token, expires_in: ACCESS_TOKEN_LIFETIME.num_seconds() })
    }

    pub async fn logout_token(&self, client_id: &str, subject: &str, sid: &str) -> Result<String, KeyError> {
        let now = Utc::now();
        let claims = LogoutTokenClaims {
            iss: self.issuer.clone(),
            sub: subject.to_owned(),
            aud: client_id.to_owned(),
            iat: now.timestamp(),
            exp: (now + chrono::Duration::minutes(2)).timestamp(),
            jti: random_id(),
            sid: sid.to_owned(),
            events: serde_json::json!({ BACKCHANNEL_LOGOUT_EVENT: {} }),
        };
        self.keys.sign("logout+jwt", &claims).await
    }

    /// An access token of Roster's, checked: signature, issuer, type and
    /// expiry. Whether its grant still stands is the caller's question.
    pub async fn read_access_token(&self, token: &str) -> Option<AccessTokenClaims> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.typ.as_deref() != Some("at+jwt") || header.alg != Algorithm::RS256 {
            return None;
        }
        let key = self.keys.decoding_key(header.kid.as_deref()?).await.ok()??;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.validate_aud = false;
        validation.leeway = 0;
        jsonwebtoken::decode::<AccessTokenClaims>(token, &key, &validation).ok().map(|data| data.claims)
    }

    /// An ID token Roster issued, checked except for expiry (an
    /// `id_token_hint` may have expired, OpenID Connect RP-Initiated Logout §2).
    pub async fn read_id_token_hint(&self, token: &str) -> Option<IdTokenClaims> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::RS256 {
            return None;
        }
        let key = self.keys.decoding_key(header.kid.as_deref()?).await.ok()??;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.validate_aud = false;
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<IdTokenClaims>(token, &key, &validation).ok().map(|data| data.claims)
    }
}
