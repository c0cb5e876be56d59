//! Passkeys and security keys (WebAuthn, through `webauthn-rs`): adding
//! one, the second step of a sign-in with one, and signing in with one
//! alone.
//!
//! Every ceremony takes two requests: the first hands the browser its
//! options and keeps the ceremony's state in a `sign_in_challenges` row (so
//! any instance can take the second), the second checks the browser's
//! answer against it. A ceremony's token works for its purpose only.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{Duration, Utc};
use domain::{Amr, FactorKind, SecondStep};
use serde::{Serialize, de::DeserializeOwned};
use sha2::{Digest, Sha256};
use store::{
    ChallengePurpose, FactorRecord, FactorSecret, NewFactor, NewSignInChallenge, SignInChallengeRecord,
};
use url::Url;
use webauthn_rs::prelude::{
    CredentialID, DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Uuid, Webauthn, WebauthnBuilder,
};

use super::{AppState, RequestContext, tokens, two_factor};
use crate::AppError;

/// How long a browser has to answer a ceremony (the browser's own prompt
/// times out sooner).
const CEREMONY_LIFETIME: Duration = Duration::minutes(5);

/// A ceremony started: the token that finishes it, and the options for the
/// browser's `navigator.credentials` call (WebAuthn's JSON form).
pub struct Ceremony {
    pub token: String,
    pub options: serde_json::Value,
}

/// Roster as a WebAuthn relying party: its ID is the host of the public
/// URL, which must be a domain name (browsers refuse IP addresses).
fn relying_party(state: &AppState) -> Result<Webauthn, AppError> {
    let public = &state.settings.public_url;
    let unavailable = || {
        AppError::Conflict(
            "Passkeys need Roster at a domain name (such as localhost or roster.example.com), \
             not an IP address: ask your operator to set ROSTER_PUBLIC_URL."
                .to_owned(),
        )
    };
    let domain = public.domain().ok_or_else(unavailable)?;
    let origin = Url::parse(&public.origin().ascii_serialization()).map_err(|_| unavailable())?;
    WebauthnBuilder::new(domain, &origin).and_then(|builder| builder.rp_name("Roster").build()).map_err(
        |error| {
            tracing::warn!(%error, "passkeys are unavailable at this public URL");
            unavailable()
        },
    )
}

/// The WebAuthn user handle of a person: derived from their ID, so every
/// passkey of theirs carries the same one and a sign-in without a password
/// can be matched to them. It is not secret, and names nobody.
fn user_handle(user_id: i64) -> Uuid {
    let digest = Sha256::digest(format!("roster passkey user {user_id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

fn credential_id_text(id: &CredentialID) -> String {
    URL_SAFE_NO_PAD.encode(id.as_ref())
}

fn to_json<T: Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|error| {
        tracing::error!(%error, "could not serialise a passkey ceremony");
        AppError::Internal
    })
}

fn stored<T: DeserializeOwned>(json: Option<&str>) -> Result<T, AppError> {
    json.and_then(|json| serde_json::from_str(json).ok()).ok_or_else(expired)
}

fn expired() -> AppError {
    AppError::invalid("credential", "This passkey prompt has expired. Try again.")
}

/// The browser's answer, as `passkeys.js` posts it.
fn answer<T: DeserializeOwned>(credential: &str) -> Result<T, AppError> {
    if credential.trim().is_empty() {
        return Err(AppError::invalid("credential", "Use your passkey when your browser asks for it."));
    }
    serde_json::from_str(credential)
        .map_err(|_| AppError::invalid("credential", "Your browser's answer could not be read. Try again."))
}

fn passkey_of(factor: &FactorRecord) -> Option<Passkey> {
    factor.credential.as_deref().and_then(|json| serde_json::from_str(json).ok())
}

async fn passkeys(state: &AppState, user_id: i64) -> Result<Vec<(FactorRecord, Passkey)>, AppError> {
    Ok(state
        .store
        .second_factors(user_id)
        .await?
        .into_iter()
        .filter(|factor| factor.kind == FactorKind::Passkey)
        .filter_map(|factor| passkey_of(&factor).map(|passkey| (factor, passkey)))
        .collect())
}

async fn open(
    state: &AppState,
    purpose: ChallengePurpose,
    user_id: Option<i64>,
    passkey_state: String,
) -> Result<String, AppError> {
    let token = tokens::issue();
    let now = Utc::now();
    state
        .store
        .create_sign_in_challenge(NewSignInChallenge {
            purpose,
            user_id,
            token_hash: token.hash,
            created_at: now,
            expires_at: now + CEREMONY_LIFETIME,
            passkey_state: Some(passkey_state),
        })
        .await?;
    Ok(token.clear)
}

async fn find(
    state: &AppState,
    purpose: ChallengePurpose,
    token: &str,
) -> Result<SignInChallengeRecord, AppError> {
    state.store.find_sign_in_challenge(&tokens::hash(token), purpose, Utc::now()).await?.ok_or_else(expired)
}

/// Starts adding a passkey for the signed-in person. Their other passkeys
/// are excluded, so one device is not registered twice.
pub async fn start_registration(state: &AppState, request: &RequestContext) -> Result<Ceremony, AppError> {
    let session = request.require_session()?;
    let webauthn = relying_party(state)?;
    two_factor::may_add_factor(state, session).await?;
    let user = &session.user;
    let exclude =
        passkeys(state, user.id).await?.iter().map(|(_, passkey)| passkey.cred_id().clone()).collect();
    let display_name = if user.name.trim().is_empty() { user.email.as_str() } else { user.name.as_str() };
    let (options, registration) = webauthn
        .start_passkey_registration(user_handle(user.id), &user.email, display_name, Some(exclude))
        .map_err(|error| {
            tracing::error!(%error, "could not start a passkey registration");
            AppError::Internal
        })?;
    let mut options = serde_json::to_value(&options).map_err(|_| AppError::Internal)?;
    // A passkey that can also sign in without a password must be
    // discoverable: ask for one where the device can keep it (the library
    // leaves it to the device; checking the answer does not depend on it).
    if let Some(selection) = options.pointer_mut("/publicKey/authenticatorSelection") {
        selection["residentKey"] = serde_json::Value::from("preferred");
    }
    let token =
        open(state, ChallengePurpose::PasskeyRegistration, Some(user.id), to_json(&registration)?).await?;
    Ok(Ceremony { token, options })
}

/// Adds the passkey the browser created for the ceremony `token`. A first
/// factor comes with ten recovery codes, returned this once.
pub async fn finish_registration(
    state: &AppState,
    request: &RequestContext,
    token: &str,
    name: &str,
    credential: &str,
) -> Result<Option<Vec<String>>, AppError> {
    let session = request.require_session()?;
    let name = domain::factor_name(name).map_err(|message| AppError::invalid("passkey_name", message))?;
    let credential: RegisterPublicKeyCredential = answer(credential)?;
    let webauthn = relying_party(state)?;
    let challenge = find(state, ChallengePurpose::PasskeyRegistration, token).await?;
    if challenge.user_id != Some(session.user.id) {
        return Err(expired());
    }
    let registration: PasskeyRegistration = stored(challenge.passkey_state.as_deref())?;
    let passkey = webauthn.finish_passkey_registration(&credential, &registration).map_err(|error| {
        tracing::info!(%error, "a passkey registration did not check out");
        AppError::invalid("credential", "Your passkey's answer did not check out. Try again.")
    })?;
    if !state.store.consume_sign_in_challenge(challenge.id).await? {
        return Err(expired());
    }
    let recovery = two_factor::first_factor_codes(state, session).await?;
    let now = Utc::now();
    let factor = NewFactor {
        user_id: session.user.id,
        name,
        secret: FactorSecret::Passkey {
            credential_id: credential_id_text(passkey.cred_id()),
            credential: to_json(&passkey)?,
        },
        recovery_code_hashes: recovery.as_ref().map(|codes| codes.hashes.clone()),
    };
    state.store.add_second_factor(factor, request.actor(), now).await?;
    state.store.second_factor_given(session.id, now).await?;
    Ok(recovery.map(|codes| codes.clear))
}

/// Asks a person's passkeys to answer: the browser's options, and the
/// ceremony's state to keep until the answer comes.
async fn ask_passkeys(state: &AppState, user_id: i64) -> Result<(serde_json::Value, String), AppError> {
    let webauthn = relying_party(state)?;
    let keys: Vec<Passkey> =
        passkeys(state, user_id).await?.into_iter().map(|(_, passkey)| passkey).collect();
    if keys.is_empty() {
        return Err(AppError::Conflict("You have no passkey: enter a code instead.".to_owned()));
    }
    let (options, authentication) = webauthn.start_passkey_authentication(&keys).map_err(|error| {
        tracing::error!(%error, "could not ask for a passkey");
        AppError::Internal
    })?;
    let options = serde_json::to_value(&options).map_err(|_| AppError::Internal)?;
    Ok((options, to_json(&authentication)?))
}

/// Checks a person's passkey answer against the kept ceremony state. A
/// wrong answer counts towards the second step's lockout and is refused
/// with `wrong`; the passkey that answered keeps its new signature counter.
async fn check_answer(
    state: &AppState,
    request: &RequestContext,
    user_id: i64,
    kept: Option<&str>,
    credential: &PublicKeyCredential,
    wrong: &str,
) -> Result<(), AppError> {
    if two_factor::locked_out(state, user_id, Utc::now()).await? {
        return Err(AppError::RateLimited);
    }
    let webauthn = relying_party(state)?;
    let authentication: PasskeyAuthentication = stored(kept)?;
    let Ok(result) = webauthn.finish_passkey_authentication(credential, &authentication) else {
        two_factor::count_failure(state, request, user_id, SecondStep::Passkey).await?;
        return Err(AppError::invalid("credential", wrong));
    };
    let used = passkeys(state, user_id).await?.into_iter().find(|(_, key)| key.cred_id() == result.cred_id());
    let Some((factor, mut passkey)) = used else { return Err(expired()) };
    passkey.update_credential(&result);
    Ok(state.store.passkey_used(factor.id, &to_json(&passkey)?, Utc::now()).await?)
}

/// Asks the pending sign-in's passkeys for the second step.
pub async fn start_second_step(state: &AppState) -> Result<serde_json::Value, AppError> {
    let challenge = two_factor::pending_second_step(state).await?.ok_or(AppError::Unauthenticated)?;
    let user_id = challenge.user_id.ok_or(AppError::Unauthenticated)?;
    let (options, kept) = ask_passkeys(state, user_id).await?;
    state.store.set_sign_in_challenge_passkey_state(challenge.id, &kept).await?;
    Ok(options)
}

/// Finishes the pending sign-in of this browser with its passkey's answer.
/// A wrong answer counts towards the second step's lockout.
pub async fn finish_second_step(
    state: &AppState,
    request: &RequestContext,
    credential: &str,
) -> Result<(), AppError> {
    let challenge = two_factor::pending_second_step(state).await?.ok_or(AppError::Unauthenticated)?;
    let user_id = challenge.user_id.ok_or(AppError::Unauthenticated)?;
    let credential: PublicKeyCredential = answer(credential)?;
    let wrong = "That passkey did not check out. Try again, or enter a code.";
    check_answer(state, request, user_id, challenge.passkey_state.as_deref(), &credential, wrong).await?;
    let amr = Amr::password_and(SecondStep::Passkey);
    two_factor::finish_sign_in(state, request, challenge.id, user_id, amr, SecondStep::Passkey).await
}

/// Asks the signed-in person's passkeys to confirm a sensitive change.
pub async fn start_confirmation(state: &AppState, request: &RequestContext) -> Result<Ceremony, AppError> {
    let session = request.require_session()?;
    let (options, kept) = ask_passkeys(state, session.user.id).await?;
    let token = open(state, ChallengePurpose::PasskeyConfirmation, Some(session.user.id), kept).await?;
    Ok(Ceremony { token, options })
}

/// A passkey given again in this session, for sensitive actions. A wrong
/// answer counts towards the lockout, like a wrong code.
pub async fn finish_confirmation(
    state: &AppState,
    request: &RequestContext,
    token: &str,
    credential: &str,
) -> Result<(), AppError> {
    let session = request.require_session()?;
    let user_id = session.user.id;
    let credential: PublicKeyCredential = answer(credential)?;
    relying_party(state)?;
    let challenge = find(state, ChallengePurpose::PasskeyConfirmation, token).await?;
    if challenge.user_id != Some(user_id) {
        return Err(expired());
    }
    let wrong = "That passkey did not check out. Try again.";
    check_answer(state, request, user_id, challenge.passkey_state.as_deref(), &credential, wrong).await?;
    if !state.store.consume_sign_in_challenge(challenge.id).await? {
        return Err(expired());
    }
    Ok(state.store.second_factor_given(session.id, Utc::now()).await?)
}

/// Starts a sign-in with a passkey alone: the browser offers whichever
/// passkey for Roster the device holds.
pub async fn start_sign_in(state: &AppState) -> Result<Ceremony, AppError> {
    let webauthn = relying_party(state)?;
    let (mut options, authentication) = webauthn.start_discoverable_authentication().map_err(|error| {
        tracing::error!(%error, "could not start a passkey sign-in");
        AppError::Internal
    })?;
    // Asked for by a button, not offered in the address field's autofill.
    options.mediation = None;
    let token = open(state, ChallengePurpose::PasskeySignIn, None, to_json(&authentication)?).await?;
    Ok(Ceremony { token, options: serde_json::to_value(&options).map_err(|_| AppError::Internal)? })
}

/// Signs in whoever's passkey answered the ceremony `token`. The passkey
/// verified its user (PIN or biometrics), so no password is asked, and the
/// session counts as two factors (`amr` `hwk user`).
pub async fn finish_sign_in(
    state: &AppState,
    request: &RequestContext,
    token: &str,
    credential: &str,
) -> Result<(), AppError> {
    let credential: PublicKeyCredential = answer(credential)?;
    let webauthn = relying_party(state)?;
    let challenge = find(state, ChallengePurpose::PasskeySignIn, token).await?;
    let authentication: DiscoverableAuthentication = stored(challenge.passkey_state.as_deref())?;
    // One answer for every passkey Roster does not know, or knows for
    // someone else: nothing to learn about who has one.
    let unknown =
        || AppError::invalid("credential", "Roster does not know this passkey. Sign in with your password.");
    let (handle, credential_id) =
        webauthn.identify_discoverable_authentication(&credential).map_err(|_| unknown())?;
    let factor =
        state.store.find_passkey(&URL_SAFE_NO_PAD.encode(credential_id)).await?.ok_or_else(unknown)?;
    let mut passkey = passkey_of(&factor).ok_or_else(unknown)?;
    if handle != user_handle(factor.user_id) {
        return Err(unknown());
    }
    if two_factor::locked_out(state, factor.user_id, Utc::now()).await? {
        return Err(AppError::RateLimited);
    }
    let key = DiscoverableKey::from(&passkey);
    let Ok(result) = webauthn.finish_discoverable_authentication(&credential, authentication, &[key]) else {
        two_factor::count_failure(state, request, factor.user_id, SecondStep::Passkey).await?;
        return Err(unknown());
    };
    if !state.store.consume_sign_in_challenge(challenge.id).await? {
        return Err(expired());
    }
    let user = state.store.find_user(factor.user_id).await?.ok_or_else(unknown)?;
    if user.status != domain::AccountStatus::Active
        || super::auth::suspended_everywhere(state, user.id).await?
    {
        return Err(AppError::AccountSuspended);
    }
    passkey.update_credential(&result);
    state.store.passkey_used(factor.id, &to_json(&passkey)?, Utc::now()).await?;
    let token = super::auth::start_session(
        state,
        request,
        user.id,
        Amr::passkey_alone(),
        Some(SecondStep::Passkey),
        false,
    )
    .await?;
    super::context::set_session_cookie(state, &token.clear);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_keeps_one_user_handle_and_nobody_shares_it() {
        assert_eq!(user_handle(7), user_handle(7));
        assert_ne!(user_handle(7), user_handle(8));
    }

    #[test]
    fn answers_that_are_not_json_are_refused_clearly() {
        for input in ["", "   ", "not json", "{}", "[1,2]", "{\"id\": 3}"] {
            let error = answer::<PublicKeyCredential>(input).err().unwrap();
            assert!(matches!(error, AppError::Invalid { .. }), "{input:?}: {error:?}");
        }
    }
}
