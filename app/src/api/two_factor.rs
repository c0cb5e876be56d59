//! Second factors: the second step of a sign-in, a person's own factors and
//! recovery codes, an admin's reset, and who must use a second factor.

use chrono::{DateTime, Utc};
use domain::{FactorKind, TwoFactorRequirement};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

/// A second factor as pages show it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorView {
    pub id: i64,
    pub kind: FactorKind,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The signed-in person's second factors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorSettings {
    pub factors: Vec<FactorView>,
    pub recovery_codes_left: i64,
    /// Whether an organization of theirs (or the super admins' rule) requires one.
    pub required: bool,
    /// Whether this session may do nothing else until they enroll.
    pub must_enroll: bool,
    /// Whether a sensitive change would first ask for a second factor
    /// again (the session's last one is older than 15 minutes).
    pub step_up_due: bool,
    pub now: DateTime<Utc>,
}

/// A new authenticator-app setup: the secret to type or scan, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetupView {
    pub secret: String,
    pub uri: String,
    /// The QR code of `uri`, an SVG drawn by the server.
    pub qr_svg: String,
}

/// What the second step of a pending sign-in may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondStepChoices {
    pub totp: bool,
    pub passkey: bool,
}

/// A passkey ceremony for the browser: the token that finishes it, and the
/// options of its `navigator.credentials` call (WebAuthn's JSON form), which
/// `passkeys.js` hands to the browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasskeyPrompt {
    pub challenge: String,
    pub options: serde_json::Value,
}

/// The pending sign-in of this browser, if its password was right moments ago.
#[server(endpoint = "second_step_options")]
pub async fn second_step_options() -> Result<Option<SecondStepChoices>, AppError> {
    let state = ssr::state()?;
    let Some(challenge) = ssr::two_factor::pending_second_step(&state).await? else { return Ok(None) };
    let Some(user_id) = challenge.user_id else { return Ok(None) };
    let factors = state.store.second_factors(user_id).await?;
    Ok(Some(SecondStepChoices {
        totp: factors.iter().any(|f| f.kind == FactorKind::Totp),
        passkey: factors.iter().any(|f| f.kind == FactorKind::Passkey),
    }))
}

/// Completes a sign-in with a code from an authenticator app or a recovery code.
#[server(endpoint = "verify_second_step")]
pub async fn verify_second_step(code: String, next: Option<String>) -> Result<(), AppError> {
    let state = ssr::state()?;
    ssr::two_factor::complete_with_code(&state, &ssr::request(), &code).await?;
    leptos_axum::redirect(&ssr::auth::safe_next(next.as_deref()));
    Ok(())
}

/// Asks the pending sign-in's passkeys for the second step.
#[server(endpoint = "start_passkey_second_step")]
pub async fn start_passkey_second_step() -> Result<PasskeyPrompt, AppError> {
    let state = ssr::state()?;
    let options = ssr::passkeys::start_second_step(&state).await?;
    Ok(PasskeyPrompt { challenge: String::new(), options })
}

/// Completes a sign-in with the passkey's answer (`credential`, JSON).
#[server(endpoint = "finish_passkey_second_step")]
pub async fn finish_passkey_second_step(credential: String, next: Option<String>) -> Result<(), AppError> {
    let state = ssr::state()?;
    ssr::passkeys::finish_second_step(&state, &ssr::request(), &credential).await?;
    leptos_axum::redirect(&ssr::auth::safe_next(next.as_deref()));
    Ok(())
}

/// Starts a sign-in with a passkey alone, without a password.
#[server(endpoint = "start_passkey_sign_in")]
pub async fn start_passkey_sign_in() -> Result<PasskeyPrompt, AppError> {
    let state = ssr::state()?;
    let ceremony = ssr::passkeys::start_sign_in(&state).await?;
    Ok(PasskeyPrompt { challenge: ceremony.token, options: ceremony.options })
}

/// Signs in whoever's passkey answered `challenge`.
#[server(endpoint = "finish_passkey_sign_in")]
pub async fn finish_passkey_sign_in(
    challenge: String,
    credential: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    ssr::passkeys::finish_sign_in(&state, &ssr::request(), &challenge, &credential).await?;
    leptos_axum::redirect(&ssr::auth::safe_next(next.as_deref()));
    Ok(())
}

/// Starts adding a passkey or security key for the signed-in person.
#[server(endpoint = "start_passkey_registration")]
pub async fn start_passkey_registration() -> Result<PasskeyPrompt, AppError> {
    let state = ssr::state()?;
    let ceremony = ssr::passkeys::start_registration(&state, &ssr::request()).await?;
    Ok(PasskeyPrompt { challenge: ceremony.token, options: ceremony.options })
}

/// Adds the passkey the browser created. A first factor comes with ten
/// recovery codes, returned this once.
#[server(endpoint = "finish_passkey_registration")]
pub async fn finish_passkey_registration(
    challenge: String,
    passkey_name: String,
    credential: String,
) -> Result<Option<Vec<String>>, AppError> {
    let state = ssr::state()?;
    ssr::passkeys::finish_registration(&state, &ssr::request(), &challenge, &passkey_name, &credential).await
}

/// Starts confirming a sensitive change with one of the person's passkeys.
#[server(endpoint = "start_passkey_confirmation")]
pub async fn start_passkey_confirmation() -> Result<PasskeyPrompt, AppError> {
    let state = ssr::state()?;
    let ceremony = ssr::passkeys::start_confirmation(&state, &ssr::request()).await?;
    Ok(PasskeyPrompt { challenge: ceremony.token, options: ceremony.options })
}

/// Confirms a sensitive change with the passkey's answer to `challenge`.
#[server(endpoint = "confirm_with_passkey")]
pub async fn confirm_with_passkey(challenge: String, credential: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    ssr::passkeys::finish_confirmation(&state, &ssr::request(), &challenge, &credential).await
}

#[server(endpoint = "own_two_factor")]
pub async fn own_two_factor() -> Result<TwoFactorSettings, AppError> {
    let state = ssr::state()?;
    ssr::two_factor::own(&state, &ssr::request()).await
}

/// Starts adding an authenticator app: a fresh secret, nothing stored yet.
#[server(endpoint = "start_totp_setup")]
pub async fn start_totp_setup() -> Result<TotpSetupView, AppError> {
    let request = ssr::request();
    let session = request.require_session()?;
    let setup = ssr::two_factor::new_totp_setup(&session.user.email)?;
    Ok(TotpSetupView { secret: setup.secret, uri: setup.uri, qr_svg: setup.qr_svg })
}

/// Adds the authenticator app showing `code` for `secret`. A first factor
/// comes with ten recovery codes, returned this once.
#[server(endpoint = "confirm_totp")]
pub async fn confirm_totp(
    factor_name: String,
    secret: String,
    code: String,
) -> Result<Option<Vec<String>>, AppError> {
    let state = ssr::state()?;
    ssr::two_factor::add_totp(&state, &ssr::request(), &factor_name, &secret, &code).await
}

#[server(endpoint = "remove_second_factor")]
pub async fn remove_second_factor(id: i64) -> Result<(), AppError> {
    let state = ssr::state()?;
    ssr::two_factor::remove(&state, &ssr::request(), id).await
}

/// Replaces the person's recovery codes with ten new ones, returned this once.
#[server(endpoint = "regenerate_recovery_codes")]
pub async fn regenerate_recovery_codes() -> Result<Vec<String>, AppError> {
    let state = ssr::state()?;
    ssr::two_factor::regenerate_recovery_codes(&state, &ssr::request()).await
}

/// Confirms a sensitive action with a second factor (asked for when the
/// session's last one is older than 15 minutes).
#[server(endpoint = "confirm_second_factor")]
pub async fn confirm_second_factor(confirm_code: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    ssr::two_factor::confirm(&state, &ssr::request(), &confirm_code).await
}

/// Removes every second factor of someone locked out of theirs, ends their
/// sessions and emails them. With `org`, as an admin of that organization.
#[server(endpoint = "reset_two_factor")]
pub async fn reset_two_factor(org: Option<String>, user_id: i64) -> Result<(), AppError> {
    let person = ssr::activity::Person::require(org.as_deref(), user_id).await?;
    person.reset_two_factor().await?;
    ssr::notices::after_form_post(crate::notice::Notice::TwoFactorReset);
    Ok(())
}

/// Whom an organization requires to use a second factor.
#[server(endpoint = "organization_two_factor")]
pub async fn organization_two_factor(slug: String) -> Result<TwoFactorRequirement, AppError> {
    let organization =
        ssr::InOrganization::require(&slug, domain::policy::Action::SetTwoFactorPolicy).await?;
    Ok(organization.state.store.two_factor_requirement(organization.organization.id).await?)
}

#[server(endpoint = "set_two_factor_requirement")]
pub async fn set_two_factor_requirement(slug: String, required_for: String) -> Result<(), AppError> {
    let organization =
        ssr::InOrganization::require(&slug, domain::policy::Action::SetTwoFactorPolicy).await?;
    let requirement: TwoFactorRequirement = required_for
        .parse()
        .map_err(|_| AppError::invalid("required_for", "Choose nobody, admins or everyone."))?;
    let (state, caller) = (organization.state, organization.caller);
    state
        .store
        .set_two_factor_requirement(organization.organization.id, requirement, caller.actor(), Utc::now())
        .await?;
    Ok(())
}

/// Whether super admins must use a second factor.
#[server(endpoint = "super_admin_two_factor")]
pub async fn super_admin_two_factor() -> Result<bool, AppError> {
    let (caller, state) = ssr::caller().await?;
    caller.require(domain::policy::Action::SetTwoFactorPolicy, &domain::policy::Target::Everything)?;
    Ok(state.store.super_admins_require_two_factor().await?)
}

#[server(endpoint = "set_super_admin_two_factor")]
pub async fn set_super_admin_two_factor(required: bool) -> Result<(), AppError> {
    let (caller, state) = ssr::caller().await?;
    caller.require(domain::policy::Action::SetTwoFactorPolicy, &domain::policy::Target::Everything)?;
    state.store.set_super_admins_require_two_factor(required, caller.actor(), Utc::now()).await?;
    Ok(())
}
