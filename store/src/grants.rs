//! Sign-ins to applications: the grant each one makes (an app session,
//! `sid`), its one-time authorization code and its family of refresh tokens.
//! Whether a grant may still be used is read afresh on every use
//! ([`GrantRecord::is_usable`]), so a suspension is honoured at once.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{AccountStatus, AppStatus, MembershipStatus, OrganizationStatus, Role};

use crate::{Result, records::Actor};

/// A grant with everything a token about it says.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GrantRecord {
    pub grant_id: i64,
    pub sid: String,
    pub scope: String,
    pub auth_time: DateTime<Utc>,
    /// How the person signed in (`amr`), space separated.
    pub amr: String,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The Roster session the app sign-in was made from.
    pub session_id: Option<i64>,
    pub app_id: i64,
    pub client_id: String,
    #[sqlx(try_from = "String")]
    pub app_status: AppStatus,
    pub user_id: i64,
    /// The person's public id (`sub`).
    pub subject: String,
    pub email: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub user_status: AccountStatus,
    pub organization: Option<i64>,
    #[sqlx(flatten)]
    pub membership: GrantMembership,
}

/// The organization a grant names, as it stands now (all `None` when the
/// sign-in asked for no organization, or the membership is gone).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GrantMembership {
    pub org_public_id: Option<String>,
    pub org_slug: Option<String>,
    pub org_name: Option<String>,
    pub org_status: Option<String>,
    pub role: Option<String>,
    pub membership_status: Option<String>,
}

impl GrantRecord {
    /// Whether tokens of this grant may still be issued or honoured: not
    /// revoked or expired, the app enabled, the account active and, when it
    /// names an organization, the membership and the organization active.
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        let organization_usable = match self.organization {
            None => true,
            Some(_) => {
                let m = &self.membership;
                m.org_status.as_deref() == Some(OrganizationStatus::Active.as_str())
                    && m.membership_status.as_deref() == Some(MembershipStatus::Active.as_str())
            }
        };
        self.revoked_at.is_none()
            && self.expires_at > now
            && self.app_status == AppStatus::Active
            && self.user_status == AccountStatus::Active
            && organization_usable
    }

    pub fn role(&self) -> Option<Role> {
        self.membership.role.as_deref().and_then(|role| role.parse().ok())
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.split(' ').any(|s| s == scope)
    }
}

/// A redeemed authorization code, for the token endpoint to check.
#[derive(Debug, Clone)]
pub struct RedeemedCode {
    pub grant: GrantRecord,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub nonce: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// A person's sign-in to an app, from the authorization endpoint.
pub struct NewAppSignIn {
    pub app_id: i64,
    pub app_name: String,
    pub user_id: i64,
    pub organization_id: Option<i64>,
    /// The Roster session it was made from.
    pub session_id: Option<i64>,
    pub sid: String,
    pub scope: String,
    pub auth_time: DateTime<Utc>,
    /// How the session it was made from was signed in.
    pub amr: domain::Amr,
    pub grant_expires_at: DateTime<Utc>,
    pub code_hash: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub nonce: Option<String>,
    pub code_expires_at: DateTime<Utc>,
    /// Given to the person, and to the organization, if they have no public id yet.
    pub new_user_public_id: String,
    pub new_organization_public_id: String,
    pub user_agent: Option<String>,
}

/// A live app session, as a person's page lists it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AppSessionRecord {
    pub grant_id: i64,
    pub app_name: String,
    pub organization_name: Option<String>,
    pub signed_in_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
}

#[async_trait]
pub trait GrantStore: Send + Sync {
    /// Records a sign-in to an app in one transaction: the grant, its code,
    /// the sign-in (last sign-in, history naming the app) and its audit event.
    async fn record_app_sign_in(&self, sign_in: NewAppSignIn, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// Uses up an authorization code. A code presented a second time is
    /// refused (`Token(Used)`) and the grant it made is revoked, with
    /// whatever tokens were issued from it (RFC 6749 §4.1.2).
    async fn redeem_code(&self, code_hash: &str, at: DateTime<Utc>) -> Result<Option<RedeemedCode>>;

    async fn add_refresh_token(&self, grant_id: i64, token_hash: &str, at: DateTime<Utc>) -> Result<()>;

    /// Exchanges a refresh token of `app_id` for a new one of the same grant,
    /// if the grant is still usable. A token used before is refused
    /// (`Token(Used)`) and revokes its whole family; a token of another app,
    /// or unknown, is `NotFound` and changes nothing.
    async fn rotate_refresh_token(
        &self,
        app_id: i64,
        token_hash: &str,
        new_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<GrantRecord>;

    /// The grant of an app session (`sid`), whatever its state.
    async fn find_grant(&self, sid: &str) -> Result<Option<GrantRecord>>;

    /// The grant an unused refresh token belongs to, whatever the grant's state.
    async fn find_grant_by_refresh_token(&self, token_hash: &str) -> Result<Option<GrantRecord>>;

    /// Revokes a grant of `app_id` at the app's own request (token
    /// revocation): answers whether there was one to revoke.
    async fn revoke_grant(&self, app_id: i64, grant_id: i64, at: DateTime<Utc>) -> Result<bool>;

    /// RP-initiated logout: ends the app session `sid`, the Roster session
    /// it was made from, and every other app session made from that one
    /// (which are told over the back-channel).
    async fn sign_out_of_app(&self, sid: &str, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// Ends a Roster session and the app sessions made from it (which are
    /// told over the back-channel), for RP-initiated logout without a
    /// known app session.
    async fn sign_out_everywhere_from(&self, session_id: i64, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// A person's live app sessions, newest first; of one organization's
    /// apps when `organization_id` is given.
    async fn app_sessions_of(
        &self,
        user_id: i64,
        organization_id: Option<i64>,
    ) -> Result<Vec<AppSessionRecord>>;

    /// Ends one of a person's app sessions (the app is told).
    async fn end_app_session(
        &self,
        user_id: i64,
        grant_id: i64,
        organization_id: Option<i64>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;
}
