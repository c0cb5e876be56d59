//! Second factors (authenticator apps and passkeys), recovery codes, the
//! sign-ins waiting for their second step, and who must use a second factor.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{FactorKind, TwoFactorRequirement};

use crate::{
    Result,
    records::{Actor, NewEmail},
};

/// A second factor as stored, secrets included: only the sign-in code reads
/// [`FactorRecord::totp_secret`] and [`FactorRecord::credential`]; pages get
/// a view without them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FactorRecord {
    pub id: i64,
    pub user_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: FactorKind,
    pub name: String,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub credential_id: Option<String>,
    pub credential: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A second factor about to be added.
#[derive(Debug, Clone)]
pub struct NewFactor {
    pub user_id: i64,
    pub name: String,
    pub secret: FactorSecret,
    /// Fresh recovery codes (SHA-256 hashes) when this is the person's first
    /// factor; `None` keeps the codes they have.
    pub recovery_code_hashes: Option<Vec<String>>,
}

/// What a new factor proves itself with.
#[derive(Debug, Clone)]
pub enum FactorSecret {
    Totp {
        /// The base32 secret.
        secret: String,
        /// The time step of the code that confirmed it (that code is then spent).
        confirmed_step: i64,
    },
    Passkey {
        /// The credential's ID (base64url), unique across everyone's passkeys.
        credential_id: String,
        /// The credential as the WebAuthn library serialises it (a public
        /// key and a signature counter: nothing secret).
        credential: String,
    },
}

impl FactorSecret {
    pub fn kind(&self) -> FactorKind {
        match self {
            Self::Totp { .. } => FactorKind::Totp,
            Self::Passkey { .. } => FactorKind::Passkey,
        }
    }
}

/// What a sign-in challenge is for: its token works for that alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengePurpose {
    /// A password accepted, the second step still to come.
    SecondStep,
    /// A signed-in person adding a passkey.
    PasskeyRegistration,
    /// A sign-in with a passkey alone: whose it is, the passkey will say.
    PasskeySignIn,
    /// A signed-in person confirming a sensitive change with a passkey.
    PasskeyConfirmation,
}

impl ChallengePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SecondStep => "second_step",
            Self::PasskeyRegistration => "passkey_registration",
            Self::PasskeySignIn => "passkey_sign_in",
            Self::PasskeyConfirmation => "passkey_confirmation",
        }
    }
}

/// A ceremony between two requests: the second step of a sign-in, or a
/// passkey's registration or sign-in.
#[derive(Debug, Clone)]
pub struct NewSignInChallenge {
    pub purpose: ChallengePurpose,
    /// `None` for a passkey sign-in without a password, whose person is
    /// known only when the passkey answers.
    pub user_id: Option<i64>,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub passkey_state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignInChallengeRecord {
    pub id: i64,
    pub user_id: Option<i64>,
    pub passkey_state: Option<String>,
}

/// An admin's reset of someone's second factors, with the email telling them.
#[derive(Debug, Clone)]
pub struct TwoFactorReset {
    pub user_id: i64,
    /// The organization the admin acted in (`None`: a super admin, on the account).
    pub organization_id: Option<i64>,
    pub email: NewEmail,
}

#[async_trait]
pub trait TwoFactorStore: Send + Sync {
    /// A person's second factors, oldest first.
    async fn second_factors(&self, user_id: i64) -> Result<Vec<FactorRecord>>;

    /// Adds a factor (and, for a first factor, its recovery codes), lifts
    /// the enrollment requirement of the person's sessions, and audits it.
    async fn add_second_factor(&self, factor: NewFactor, by: Actor, at: DateTime<Utc>) -> Result<i64>;

    /// Removes one of a person's factors; the last one takes the recovery
    /// codes with it. [`crate::StoreError::NotFound`] when it is not theirs.
    async fn remove_second_factor(
        &self,
        user_id: i64,
        factor_id: i64,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Replaces a person's recovery codes with new ones (hashes).
    async fn replace_recovery_codes(
        &self,
        user_id: i64,
        code_hashes: Vec<String>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// How many unused recovery codes a person has.
    async fn recovery_codes_left(&self, user_id: i64) -> Result<i64>;

    /// Spends a TOTP code's time step: `false` when this or a later step was
    /// accepted already (a code works once, on every instance alike).
    async fn spend_totp_step(&self, factor_id: i64, step: i64, at: DateTime<Utc>) -> Result<bool>;

    /// Spends a recovery code: `false` when it is not one of the person's
    /// unused codes.
    async fn spend_recovery_code(&self, user_id: i64, code_hash: &str, at: DateTime<Utc>) -> Result<bool>;

    /// Removes every second factor and recovery code of a person, ends
    /// their sessions and app sign-ins, and emails them; audited.
    async fn reset_two_factor(&self, reset: TwoFactorReset, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// The passkey with this credential ID, whoever's it is.
    async fn find_passkey(&self, credential_id: &str) -> Result<Option<FactorRecord>>;

    /// Keeps a passkey's credential as updated by a sign-in (its signature
    /// counter) and when it was used.
    async fn passkey_used(&self, factor_id: i64, credential: &str, at: DateTime<Utc>) -> Result<()>;

    async fn create_sign_in_challenge(&self, challenge: NewSignInChallenge) -> Result<()>;

    /// Keeps the state of a passkey ceremony started for a pending sign-in.
    async fn set_sign_in_challenge_passkey_state(&self, challenge_id: i64, state: &str) -> Result<()>;

    /// The unexpired challenge for this purpose with this token hash.
    async fn find_sign_in_challenge(
        &self,
        token_hash: &str,
        purpose: ChallengePurpose,
        now: DateTime<Utc>,
    ) -> Result<Option<SignInChallengeRecord>>;

    /// Ends a challenge: `true` for the one caller that ended it, so a
    /// second step completes a sign-in once.
    async fn consume_sign_in_challenge(&self, challenge_id: i64) -> Result<bool>;

    /// Whether the person must use a second factor: an active membership in
    /// an organization that requires it of their role, or super admin while
    /// super admins must.
    async fn two_factor_required(&self, user_id: i64) -> Result<bool>;

    async fn two_factor_requirement(&self, organization_id: i64) -> Result<TwoFactorRequirement>;

    async fn set_two_factor_requirement(
        &self,
        organization_id: i64,
        requirement: TwoFactorRequirement,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    async fn super_admins_require_two_factor(&self) -> Result<bool>;

    async fn set_super_admins_require_two_factor(
        &self,
        required: bool,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    /// Notes that a session's person has just given a second factor again
    /// (sensitive actions ask for it when the last one is older than 15 minutes).
    async fn second_factor_given(&self, session_id: i64, at: DateTime<Utc>) -> Result<()>;
}
