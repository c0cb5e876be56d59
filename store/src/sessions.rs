//! Signing in and out: sessions and the successful sign-ins that start them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Email;

use crate::{
    Result,
    records::{Actor, NewSession, SessionRecord, SignInRecord},
};

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn find_sign_in(&self, email: &Email) -> Result<Option<SignInRecord>>;

    /// Starts a session and records the successful sign-in.
    async fn record_sign_in(&self, session: NewSession, by: Actor) -> Result<()>;

    /// The session with this token hash and its user, whatever their state:
    /// whether it is still valid is the caller's decision.
    async fn find_session(&self, token_hash: &str) -> Result<Option<SessionRecord>>;

    async fn touch_session(&self, session_id: i64, at: DateTime<Utc>) -> Result<()>;

    /// Signs one session out.
    async fn end_session(&self, session_id: i64, by: Actor, at: DateTime<Utc>) -> Result<()>;

    #[cfg(feature = "test-support")]
    /// The stored session token hashes of a user, newest first. For tests and
    /// audits that prove no token is kept in clear.
    async fn session_token_hashes(&self, user_id: i64) -> Result<Vec<String>>;
}
