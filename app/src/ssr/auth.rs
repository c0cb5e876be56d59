//! Signing in (`api/auth.rs`), independent of HTTP.

use chrono::Utc;
use domain::{AccountStatus, Email, SignInOutcome};
use store::{Actor, NewSession, NewSignInAttempt};

use super::{AppState, RequestContext, passwords, tokens, tokens::IssuedToken, two_factor};
use crate::AppError;

/// Long enough for any password a person would choose (and for the 128
/// allowed at sign-up); longer input is refused before it reaches the hasher.
const MAX_PASSWORD_BYTES: usize = 1024;

/// Where a proven password leads: a session, or the second step first.
pub enum SignedIn {
    /// A session; `true` when it must enroll a second factor first.
    Session(IssuedToken, bool),
    /// The person has a second factor: this token (in its own cookie)
    /// carries the sign-in to `/sign-in/verify`.
    SecondStepDue(IssuedToken),
}

impl SignedIn {
    /// Hands the browser its cookie, and says where it goes on to from
    /// `next`: there, to the second step, or to enrollment first.
    pub fn hand_over(self, state: &AppState, next: &str) -> String {
        match self {
            Self::Session(token, must_enroll) => {
                super::context::set_session_cookie(state, &token.clear);
                if must_enroll { with_next("/two-factor/setup", next) } else { next.to_owned() }
            }
            Self::SecondStepDue(token) => {
                super::context::set_second_step_cookie(state, &token.clear);
                with_next("/sign-in/verify", next)
            }
        }
    }
}

/// `page?next=<next>`, or `page` alone when `next` is the home page.
pub fn with_next(page: &str, next: &str) -> String {
    if next == "/" {
        return page.to_owned();
    }
    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("{page}?next={next}")
}

/// Checks an email and password and starts a session (or its second step).
/// Every failure that could reveal whether an address is registered answers
/// the same [`AppError::WrongCredentials`], after the same amount of hashing
/// work.
pub async fn sign_in(
    state: &AppState,
    request: &RequestContext,
    email: &str,
    password: String,
) -> Result<SignedIn, AppError> {
    if email.trim().is_empty() {
        return Err(AppError::invalid("email", "Enter your email address."));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    let buckets = FailureBuckets::of(email, request);
    let now = Utc::now();
    let account = match Email::parse(email) {
        Ok(email) => state.store.find_sign_in(&email).await?,
        Err(_) => None,
    };
    // Refused before any hashing, alike for every address: the buckets are
    // named after what was typed, registered or not.
    // A locked second step refuses the password step too, whether the
    // password is right or not: the lockout must not confirm a guess.
    let second_step_locked = match &account {
        Some(account) => two_factor::locked_out(state, account.id, now).await?,
        None => false,
    };
    if second_step_locked || buckets.exhausted(state, now).await? {
        if let Some(account) = &account {
            record_failure(state, request, account.id, SignInOutcome::RateLimited);
        }
        return Err(AppError::RateLimited);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        buckets.count(state, now).await?;
        return Err(AppError::WrongCredentials);
    }
    let stored_hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let verified = passwords::verify(password, stored_hash).await;
    if !verified {
        buckets.count(state, now).await?;
    }
    let Some(account) = account else {
        return Err(AppError::WrongCredentials);
    };
    if !verified {
        let outcome = if account.password_hash.is_none() {
            SignInOutcome::NoPassword
        } else {
            SignInOutcome::WrongPassword
        };
        record_failure(state, request, account.id, outcome);
        return Err(AppError::WrongCredentials);
    }
    // Only someone who knows the password learns that the account is suspended.
    if account.status == AccountStatus::Suspended || suspended_everywhere(state, account.id).await? {
        record_failure(state, request, account.id, SignInOutcome::Suspended);
        return Err(AppError::AccountSuspended);
    }
    password_proven(state, request, account.id).await
}

/// What follows a proven password (a sign-in, a password reset, a first
/// password): the second step for someone with a second factor; otherwise
/// a session, which must first enroll one if their organizations require it.
pub async fn password_proven(
    state: &AppState,
    request: &RequestContext,
    user_id: i64,
) -> Result<SignedIn, AppError> {
    if !state.store.second_factors(user_id).await?.is_empty() {
        return Ok(SignedIn::SecondStepDue(two_factor::open_second_step(state, user_id).await?));
    }
    let must_enroll = state.store.two_factor_required(user_id).await?;
    let token = start_session(state, request, user_id, domain::Amr::password(), None, must_enroll).await?;
    Ok(SignedIn::Session(token, must_enroll))
}

/// Failed sign-ins allowed per typed address, and per IP address, in
/// [`FAILURE_WINDOW`]; past either, every attempt is refused (DESIGN
/// invariant 6) until old failures leave the window. Successes are not
/// counted, so busy offices behind one address are not locked out by
/// signing in.
const FAILURES_PER_ADDRESS: i64 = 10;
const FAILURES_PER_IP: i64 = 50;
const FAILURE_WINDOW: chrono::Duration = chrono::Duration::minutes(15);
const MAX_BUCKET_ADDRESS_CHARS: usize = 320;

/// The rate-limit buckets a sign-in attempt counts against. The address
/// bucket ends in ":<address>", as deleting a person's data expects.
struct FailureBuckets {
    address: String,
    ip: Option<String>,
}

impl FailureBuckets {
    fn of(email: &str, request: &RequestContext) -> Self {
        Self {
            // Capped like a valid address: oversized input must not make
            // oversized rows.
            address: format!(
                "sign-in:{}",
                email.trim().to_lowercase().chars().take(MAX_BUCKET_ADDRESS_CHARS).collect::<String>()
            ),
            ip: request.ip.as_ref().map(|ip| format!("sign-in-ip:{ip}")),
        }
    }

    async fn exhausted(&self, state: &AppState, now: chrono::DateTime<Utc>) -> Result<bool, AppError> {
        let since = now - FAILURE_WINDOW;
        if state.store.rate_limit_hits(&self.address, since).await? >= FAILURES_PER_ADDRESS {
            return Ok(true);
        }
        Ok(match &self.ip {
            Some(ip) => state.store.rate_limit_hits(ip, since).await? >= FAILURES_PER_IP,
            None => false,
        })
    }

    /// Counts a failure. Concurrent failures may pass the check together
    /// and overshoot the limit by a few; the next attempt is refused.
    async fn count(&self, state: &AppState, now: chrono::DateTime<Utc>) -> Result<(), AppError> {
        let since = now - FAILURE_WINDOW;
        for bucket in std::iter::once(&self.address).chain(&self.ip) {
            state.store.take_rate_limit(bucket, i64::MAX, since, now).await?;
        }
        Ok(())
    }
}

/// Adds a failed attempt to the account's sign-in history, in the
/// background: waiting for the write would make a wrong password on a real
/// account answer measurably later than one on an unknown address.
fn record_failure(state: &AppState, request: &RequestContext, user_id: i64, outcome: SignInOutcome) {
    let attempt = NewSignInAttempt {
        user_id,
        at: Utc::now(),
        outcome,
        ip: request.ip.clone(),
        user_agent: request.user_agent.clone(),
        factor: None,
    };
    let store = state.store.clone();
    tokio::spawn(async move {
        if let Err(error) = store.record_failed_sign_in(attempt).await {
            tracing::error!(%error, "could not record a failed sign-in");
        }
    });
}

/// Whether every organization of the person has suspended them: they would
/// sign in to nothing, so they hear that they are suspended instead. Super
/// admins and people with no organization yet are not.
pub(crate) async fn suspended_everywhere(state: &AppState, user_id: i64) -> Result<bool, AppError> {
    let memberships = state.store.memberships_of(user_id).await?;
    let is_super_admin = state.store.find_user(user_id).await?.is_some_and(|user| user.is_super_admin);
    Ok(!is_super_admin
        && !memberships.is_empty()
        && memberships.iter().all(|m| m.status == domain::MembershipStatus::Suspended))
}

/// Starts a session for a user who has just proved who they are, as `amr` says.
pub async fn start_session(
    state: &AppState,
    request: &RequestContext,
    user_id: i64,
    amr: domain::Amr,
    second_step: Option<domain::SecondStep>,
    must_enroll: bool,
) -> Result<IssuedToken, AppError> {
    let token = tokens::issue();
    let now = Utc::now();
    let session = NewSession {
        user_id,
        token_hash: token.hash.clone(),
        created_at: now,
        expires_at: now + state.settings.sessions.absolute,
        ip: request.ip.clone(),
        user_agent: request.user_agent.clone(),
        amr,
        second_step,
        must_enroll,
    };
    state
        .store
        .record_sign_in(session, Actor { user_id: Some(user_id), ip: request.ip.clone(), api_key_id: None })
        .await?;
    Ok(token)
}

/// Where to send someone after signing in (shared with the pages).
pub use domain::query::safe_next;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_only_ever_points_at_this_site() {
        assert_eq!(safe_next(Some("/orgs/acme/users?page=2")), "/orgs/acme/users?page=2");
        for hostile in
            ["https://evil.example", "//evil.example", "/\\evil.example", "", "javascript:alert(1)", "/\r\nx"]
        {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
