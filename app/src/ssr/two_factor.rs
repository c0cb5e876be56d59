//! Second factors behind the server functions: authenticator app codes
//! (RFC 6238), recovery codes, the second step of a sign-in and its
//! lockout, and who must enroll.

use chrono::{DateTime, Duration, Utc};
use domain::{Amr, FactorKind, SecondStep};
use sha2::{Digest, Sha256};
use store::{
    ChallengePurpose, FactorRecord, FactorSecret, NewFactor, NewSignInAttempt, NewSignInChallenge,
    SignInChallengeRecord,
};
use totp_rs::{Secret, Totp};

use super::{AppState, RequestContext, context, tokens};
use crate::AppError;

/// The cookie that carries a sign-in between its password and its second step.
pub const SECOND_STEP_COOKIE: &str = "roster_second_step";

/// How long the second step waits for its person after their password.
pub const SECOND_STEP_LIFETIME: Duration = Duration::minutes(10);

/// Wrong second steps allowed per person in [`LOCKOUT_WINDOW`]; past them
/// the second step is refused (and so is the password step, alike for a
/// right and a wrong password) until old failures leave the window.
/// Counted in the database, so every instance agrees.
const FAILURES_ALLOWED: i64 = 5;
const LOCKOUT_WINDOW: Duration = Duration::minutes(15);

/// What authenticator apps show for Roster's codes.
const ISSUER: &str = "Roster";

/// Recovery codes made at once.
pub const RECOVERY_CODES: usize = 10;

fn lockout_bucket(user_id: i64) -> String {
    format!("second-factor:{user_id}")
}

/// Whether the person's second step is locked by recent failures.
pub async fn locked_out(state: &AppState, user_id: i64, now: DateTime<Utc>) -> Result<bool, AppError> {
    Ok(state.store.rate_limit_hits(&lockout_bucket(user_id), now - LOCKOUT_WINDOW).await? >= FAILURES_ALLOWED)
}

/// Counts a wrong second step towards the lockout and records it in the
/// person's sign-in history.
pub async fn count_failure(
    state: &AppState,
    request: &RequestContext,
    user_id: i64,
    tried: SecondStep,
) -> Result<(), AppError> {
    let now = Utc::now();
    state.store.take_rate_limit(&lockout_bucket(user_id), i64::MAX, now - LOCKOUT_WINDOW, now).await?;
    let attempt = NewSignInAttempt {
        user_id,
        at: now,
        outcome: domain::SignInOutcome::WrongCode,
        ip: request.ip.clone(),
        user_agent: request.user_agent.clone(),
        factor: Some(tried),
    };
    state.store.record_failed_sign_in(attempt).await?;
    Ok(())
}

/// A TOTP generator for a stored base32 secret: SHA-1, six digits, 30-second
/// steps, one step of skew either way (what every authenticator app does).
fn generator(secret: &str, account: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret)
        .map_err(|_| AppError::invalid("secret", "This setup has expired. Start again."))?;
    totp_rs::Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', ""))
        .build()
        .map_err(|_| AppError::invalid("secret", "This setup has expired. Start again."))
}

/// The time step a typed code belongs to for this secret at `now`, if it is
/// right (the step before, now, or the step after).
pub fn code_step(secret: &str, code: &str, now: DateTime<Utc>) -> Option<i64> {
    let totp = generator(secret, "").ok()?;
    let step = totp.check(code, u64::try_from(now.timestamp()).ok()?)?;
    i64::try_from(step).ok()
}

/// The code an authenticator app shows for `secret` at `at` (tests and the
/// benchmark compute codes like an app would).
pub fn code_at(secret: &str, at: DateTime<Utc>) -> Option<String> {
    let totp = generator(secret, "").ok()?;
    Some(totp.generate(u64::try_from(at.timestamp()).ok()?).to_string())
}

/// A fresh authenticator-app setup: a 160-bit secret, its `otpauth://` URI
/// and that URI as a QR code (SVG, drawn here).
pub struct TotpSetup {
    pub secret: String,
    pub uri: String,
    pub qr_svg: String,
}

pub fn new_totp_setup(account: &str) -> Result<TotpSetup, AppError> {
    let secret = Secret::new_stack(rand::random::<[u8; 20]>()).to_base32();
    let uri = generator(&secret, account)?.to_url().map_err(|error| {
        tracing::error!(%error, "could not write an otpauth URI");
        AppError::Internal
    })?;
    let qr = qrcode::QrCode::new(uri.as_bytes()).map_err(|error| {
        tracing::error!(%error, "could not draw a QR code");
        AppError::Internal
    })?;
    let svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    // Drawn inline in the page: without the XML declaration.
    let qr_svg = svg.find("<svg").map_or(svg.clone(), |start| svg[start..].to_owned());
    Ok(TotpSetup { secret, uri, qr_svg })
}

/// Recovery codes as shown once, and as stored.
pub struct RecoveryCodes {
    pub clear: Vec<String>,
    pub hashes: Vec<String>,
}

/// Ten codes of 128 random bits each, as four groups of eight hex digits.
pub fn new_recovery_codes() -> RecoveryCodes {
    let clear: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let hex: String = rand::random::<[u8; 16]>().iter().map(|b| format!("{b:02x}")).collect();
            hex.as_bytes()
                .chunks(8)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect();
    let hashes = clear.iter().filter_map(|code| recovery_code_hash(code)).collect();
    RecoveryCodes { clear, hashes }
}

/// The stored form of a recovery code as typed (any case, with or without
/// dashes and spaces); `None` for what cannot be one.
pub fn recovery_code_hash(typed: &str) -> Option<String> {
    let normalised: String =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_lowercase()).collect();
    (normalised.len() == 32 && normalised.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("{:x}", Sha256::digest(normalised.as_bytes())))
}

/// Checks a typed code (an authenticator app's, or a recovery code) for a
/// person, spending it. A wrong code counts towards the lockout and is
/// recorded in the sign-in history.
pub async fn verify_code(
    state: &AppState,
    request: &RequestContext,
    user_id: i64,
    typed: &str,
) -> Result<SecondStep, AppError> {
    let now = Utc::now();
    if typed.trim().is_empty() {
        return Err(AppError::invalid(
            "code",
            "Enter the code from your authenticator app, or a recovery code.",
        ));
    }
    if locked_out(state, user_id, now).await? {
        return Err(AppError::RateLimited);
    }
    let factors = state.store.second_factors(user_id).await?;
    let tried = if let Some(code) = domain::totp_code(typed) {
        for factor in factors.iter().filter(|f| f.kind == FactorKind::Totp) {
            let Some(secret) = &factor.totp_secret else { continue };
            if let Some(step) = code_step(secret, &code, now)
                && state.store.spend_totp_step(factor.id, step, now).await?
            {
                return Ok(SecondStep::Totp);
            }
        }
        SecondStep::Totp
    } else {
        if let Some(hash) = recovery_code_hash(typed)
            && state.store.spend_recovery_code(user_id, &hash, now).await?
        {
            return Ok(SecondStep::RecoveryCode);
        }
        SecondStep::RecoveryCode
    };
    count_failure(state, request, user_id, tried).await?;
    Err(AppError::invalid("code", "That code is not right, or it was used already. Try the current one."))
}

/// Opens the second step of a sign-in for someone whose password was right.
pub async fn open_second_step(state: &AppState, user_id: i64) -> Result<tokens::IssuedToken, AppError> {
    let token = tokens::issue();
    let now = Utc::now();
    state
        .store
        .create_sign_in_challenge(NewSignInChallenge {
            purpose: ChallengePurpose::SecondStep,
            user_id: Some(user_id),
            token_hash: token.hash.clone(),
            created_at: now,
            expires_at: now + SECOND_STEP_LIFETIME,
            passkey_state: None,
        })
        .await?;
    Ok(token)
}

/// The sign-in waiting for its second step in this browser, if any.
pub async fn pending_second_step(state: &AppState) -> Result<Option<SignInChallengeRecord>, AppError> {
    let Some(token) = context::request_cookie(SECOND_STEP_COOKIE) else { return Ok(None) };
    Ok(state
        .store
        .find_sign_in_challenge(&tokens::hash(&token), ChallengePurpose::SecondStep, Utc::now())
        .await?)
}

/// A factor for pages: what it is and when it was used, never its secret.
pub fn factor_view(factor: &FactorRecord) -> crate::api::FactorView {
    crate::api::FactorView {
        id: factor.id,
        kind: factor.kind,
        name: factor.name.clone(),
        created_at: factor.created_at,
        last_used_at: factor.last_used_at,
    }
}

/// Factors one person may have at once.
const MAX_FACTORS: usize = 10;

/// How long a second factor vouches for sensitive actions in a session.
pub const RECENT_FACTOR: Duration = Duration::minutes(15);

/// Finishes the pending sign-in of this browser with a typed code: the
/// session starts (its `amr` naming the code), the pending cookie goes.
pub async fn complete_with_code(
    state: &AppState,
    request: &RequestContext,
    code: &str,
) -> Result<(), AppError> {
    let challenge = pending_second_step(state).await?.ok_or(AppError::Unauthenticated)?;
    let user_id = challenge.user_id.ok_or(AppError::Unauthenticated)?;
    let step = verify_code(state, request, user_id, code).await?;
    finish_sign_in(state, request, challenge.id, user_id, Amr::password_and(step), step).await
}

/// Starts the session a finished second step earns, once per challenge.
pub async fn finish_sign_in(
    state: &AppState,
    request: &RequestContext,
    challenge_id: i64,
    user_id: i64,
    amr: Amr,
    step: SecondStep,
) -> Result<(), AppError> {
    if !state.store.consume_sign_in_challenge(challenge_id).await? {
        return Err(AppError::Unauthenticated);
    }
    // Suspended since the password step: no session.
    let user = state.store.find_user(user_id).await?.ok_or(AppError::Unauthenticated)?;
    if user.status != domain::AccountStatus::Active {
        return Err(AppError::AccountSuspended);
    }
    let token = super::auth::start_session(state, request, user_id, amr, Some(step), false).await?;
    context::set_session_cookie(state, &token.clear);
    context::clear_second_step_cookie(state);
    Ok(())
}

/// Whether the session's person gave a second factor in the last [`RECENT_FACTOR`].
fn factor_is_recent(session: &super::CurrentSession) -> bool {
    session.factor_verified_at.is_some_and(|at| Utc::now() - at < RECENT_FACTOR)
}

/// Refuses a sensitive action when the person has a second factor and has
/// not given it in this session for [`RECENT_FACTOR`].
pub async fn require_recent_factor(
    state: &AppState,
    session: &super::CurrentSession,
) -> Result<(), AppError> {
    if factor_is_recent(session) || state.store.second_factors(session.user.id).await?.is_empty() {
        return Ok(());
    }
    Err(AppError::SecondFactorRequired)
}

pub async fn own(
    state: &AppState,
    request: &RequestContext,
) -> Result<crate::api::TwoFactorSettings, AppError> {
    let session = request.require_session()?;
    let user_id = session.user.id;
    let factors = state.store.second_factors(user_id).await?;
    Ok(crate::api::TwoFactorSettings {
        step_up_due: !factors.is_empty() && !factor_is_recent(session),
        factors: factors.iter().map(factor_view).collect(),
        recovery_codes_left: state.store.recovery_codes_left(user_id).await?,
        required: state.store.two_factor_required(user_id).await?,
        must_enroll: session.must_enroll,
        now: Utc::now(),
    })
}

/// Adds an authenticator app once a code it shows proves the secret; that
/// code is spent. A first factor brings recovery codes, returned once.
pub async fn add_totp(
    state: &AppState,
    request: &RequestContext,
    name: &str,
    secret: &str,
    code: &str,
) -> Result<Option<Vec<String>>, AppError> {
    let session = request.require_session()?;
    let name = domain::factor_name(name).map_err(|message| AppError::invalid("factor_name", message))?;
    let now = Utc::now();
    let code = domain::totp_code(code)
        .ok_or_else(|| AppError::invalid("code", "Enter the six digits your app shows."))?;
    generator(secret, &session.user.email)?;
    let step = code_step(secret, &code, now).ok_or_else(|| {
        AppError::invalid(
            "code",
            "That code does not match. Check the clock of your phone and enter the current code.",
        )
    })?;
    let recovery = first_factor_codes(state, session).await?;
    let factor = NewFactor {
        user_id: session.user.id,
        name,
        secret: FactorSecret::Totp { secret: secret.to_owned(), confirmed_step: step },
        recovery_code_hashes: recovery.as_ref().map(|codes| codes.hashes.clone()),
    };
    state.store.add_second_factor(factor, request.actor(), now).await?;
    state.store.second_factor_given(session.id, now).await?;
    Ok(recovery.map(|codes| codes.clear))
}

/// Whether the person may add a factor now: `true` for a first one; another
/// must stay within the limit and follow a recent second factor.
pub async fn may_add_factor(state: &AppState, session: &super::CurrentSession) -> Result<bool, AppError> {
    let existing = state.store.second_factors(session.user.id).await?;
    if existing.is_empty() {
        return Ok(true);
    }
    if existing.len() >= MAX_FACTORS {
        return Err(AppError::QuotaExceeded(format!(
            "You have {MAX_FACTORS} second factors, the most there can be. Remove one first."
        )));
    }
    require_recent_factor(state, session).await?;
    Ok(false)
}

/// Before a factor is added: recovery codes for a first one (see
/// [`may_add_factor`] for another).
pub async fn first_factor_codes(
    state: &AppState,
    session: &super::CurrentSession,
) -> Result<Option<RecoveryCodes>, AppError> {
    Ok(may_add_factor(state, session).await?.then(new_recovery_codes))
}

pub async fn remove(state: &AppState, request: &RequestContext, factor_id: i64) -> Result<(), AppError> {
    let session = request.require_session()?;
    let factors = state.store.second_factors(session.user.id).await?;
    if !factors.iter().any(|f| f.id == factor_id) {
        return Err(AppError::NotFound);
    }
    require_recent_factor(state, session).await?;
    if factors.len() == 1 && state.store.two_factor_required(session.user.id).await? {
        return Err(AppError::Conflict(
            "Your organization requires a second factor: add another one before removing this one."
                .to_owned(),
        ));
    }
    Ok(state.store.remove_second_factor(session.user.id, factor_id, request.actor(), Utc::now()).await?)
}

pub async fn regenerate_recovery_codes(
    state: &AppState,
    request: &RequestContext,
) -> Result<Vec<String>, AppError> {
    let session = request.require_session()?;
    if state.store.second_factors(session.user.id).await?.is_empty() {
        return Err(AppError::Conflict("Add an authenticator app or a passkey first.".to_owned()));
    }
    require_recent_factor(state, session).await?;
    let codes = new_recovery_codes();
    state.store.replace_recovery_codes(session.user.id, codes.hashes, request.actor(), Utc::now()).await?;
    Ok(codes.clear)
}

/// A second factor given again in this session, for sensitive actions.
pub async fn confirm(state: &AppState, request: &RequestContext, code: &str) -> Result<(), AppError> {
    let session = request.require_session()?;
    if state.store.second_factors(session.user.id).await?.is_empty() {
        return Err(AppError::Conflict("You have no second factor to confirm with.".to_owned()));
    }
    verify_code(state, request, session.user.id, code).await.map_err(|error| match error {
        AppError::Invalid { message, .. } => AppError::invalid("confirm_code", message),
        other => other,
    })?;
    Ok(state.store.second_factor_given(session.id, Utc::now()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_the_neighbouring_ones_only() {
        let setup = new_totp_setup("ada@example.com").unwrap();
        let now = Utc::now();
        let step = now.timestamp() / 30;
        let code = code_at(&setup.secret, now).unwrap();
        assert_eq!(code_step(&setup.secret, &code, now), Some(step));
        let previous = code_at(&setup.secret, now - Duration::seconds(30)).unwrap();
        assert_eq!(code_step(&setup.secret, &previous, now), Some(step - 1));
        let next = code_at(&setup.secret, now + Duration::seconds(30)).unwrap();
        assert_eq!(code_step(&setup.secret, &next, now), Some(step + 1));
        let old = code_at(&setup.secret, now - Duration::seconds(90)).unwrap();
        if old != code && old != previous && old != next {
            assert_eq!(code_step(&setup.secret, &old, now), None);
        }
    }

    #[test]
    fn setups_carry_a_fresh_secret_an_uri_and_a_drawing() {
        let a = new_totp_setup("ada@example.com").unwrap();
        let b = new_totp_setup("ada@example.com").unwrap();
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.secret.len(), 32, "160 bits in base32");
        assert!(a.uri.starts_with("otpauth://totp/Roster:ada%40example.com?"), "{}", a.uri);
        assert!(a.uri.contains(&format!("secret={}", a.secret)));
        assert!(a.qr_svg.starts_with("<svg"));
    }

    #[test]
    fn recovery_codes_are_ten_long_and_typed_any_way() {
        let codes = new_recovery_codes();
        assert_eq!(codes.clear.len(), 10);
        assert_eq!(codes.hashes.len(), 10);
        let code = &codes.clear[0];
        assert_eq!(code.len(), 35);
        assert_eq!(
            recovery_code_hash(&code.to_uppercase().replace('-', " ")).as_ref(),
            Some(&codes.hashes[0])
        );
        assert_eq!(recovery_code_hash("123456"), None);
        assert_eq!(recovery_code_hash(&"z".repeat(32)), None);
    }
}
