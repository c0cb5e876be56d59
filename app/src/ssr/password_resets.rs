//! Password-reset links: sent by an admin from the members table or asked
//! for on the sign-in page, and redeemed, independent of HTTP.

use chrono::{Duration, Utc};
use domain::{AccountStatus, Email, NewPassword};
use store::{NewPasswordReset, OrganizationRecord};

use super::{AppState, RequestContext, access::Caller, auth, emails, passwords, tokens, tokens::IssuedToken};
use crate::AppError;

/// DESIGN invariant 3: a reset link works for one hour.
pub const RESET_LIFETIME: Duration = Duration::hours(1);

/// How many self-service requests one window allows.
struct Limit {
    max: i64,
    per: Duration,
}

/// Per address: enough for someone who lost an email or two, too few to
/// flood a mailbox. Counted whether or not the address has an account, so
/// hitting the limit says nothing about it.
const PER_ADDRESS: Limit = Limit { max: 3, per: Duration::hours(1) };
/// Per IP address: one office behind one address may have a few people who
/// forgot, but not hundreds.
const PER_IP: Limit = Limit { max: 20, per: Duration::hours(1) };

/// Someone on the sign-in page asks for a link. The answer is the same
/// whether or not the address has an account, and so is the work done
/// before answering: the email is written to the outbox, not sent here.
pub async fn request(state: &AppState, request: &RequestContext, email: &str) -> Result<String, AppError> {
    if email.trim().is_empty() {
        return Err(AppError::invalid("email", "Enter your email address."));
    }
    let email = Email::parse(email).map_err(|e| AppError::invalid("email", e))?;
    let ip = request.ip.as_deref().unwrap_or("unknown");
    take(state, &format!("password-reset:ip:{ip}"), PER_IP).await?;
    take(state, &format!("password-reset:address:{}", email.as_str()), PER_ADDRESS).await?;
    // Only an active account with a password gets a link: an invited person
    // has an invitation to accept, and a suspended one may not sign in.
    let account = state.store.find_sign_in(&email).await?;
    if let Some(account) = account.filter(|a| a.status == AccountStatus::Active && a.password_hash.is_some())
    {
        issue(state, account.id, email.as_str(), None, None, request.actor()).await?;
    }
    Ok(email.to_string())
}

/// An admin sends a member a link from the members table. The caller's
/// right to do so is checked by [`super::members`].
pub async fn send_to_member(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    user_id: i64,
) -> Result<(), AppError> {
    let user = state.store.find_user(user_id).await?.ok_or(AppError::NotFound)?;
    if user.status == AccountStatus::Suspended {
        return Err(AppError::Conflict("The account is suspended: reactivate it first.".to_owned()));
    }
    issue(state, user.id, &user.email, Some(organization.id), Some(&caller.user.name), caller.actor()).await
}

async fn issue(
    state: &AppState,
    user_id: i64,
    recipient: &str,
    organization_id: Option<i64>,
    sent_by: Option<&str>,
    by: store::Actor,
) -> Result<(), AppError> {
    let token = tokens::issue();
    let expires_at = Utc::now() + RESET_LIFETIME;
    let link = link(state, &token);
    let mail = emails::password_reset(&emails::PasswordReset { recipient, sent_by, link: &link, expires_at });
    let reset =
        NewPasswordReset { user_id, organization_id, token_hash: token.hash.clone(), expires_at, mail };
    state.store.issue_password_reset(reset, by, Utc::now()).await?;
    if !state.settings.mail_delivery {
        tracing::info!(to = recipient, link = %link, "no SMTP server configured: password-reset email kept in the outbox");
    }
    Ok(())
}

fn link(state: &AppState, token: &IssuedToken) -> String {
    state.settings.link(&format!("/reset-password?token={}", token.clear))
}

async fn take(state: &AppState, bucket: &str, limit: Limit) -> Result<(), AppError> {
    let now = Utc::now();
    if state.store.take_rate_limit(bucket, limit.max, now - limit.per, now).await? {
        Ok(())
    } else {
        Err(AppError::RateLimited)
    }
}

/// Whether a reset link can still be used, before the form is shown.
pub async fn check_link(state: &AppState, token: &str) -> Result<store::TokenRecord, AppError> {
    tokens::redeemable(state, store::TokenKind::PasswordReset, token).await
}

/// Sets the new password from a reset link, ends every session of the
/// account, and signs this browser in with a fresh one.
pub async fn complete(
    state: &AppState,
    request: &RequestContext,
    token: &str,
    password: String,
) -> Result<auth::SignedIn, AppError> {
    let link = check_link(state, token).await?;
    let password = NewPassword::parse(password).map_err(|e| AppError::invalid("password", e))?;
    // The person's own address and name make poor passwords.
    let user = match link.user_id {
        Some(id) => state.store.find_user(id).await?,
        None => None,
    };
    let context = user.map(|user| vec![user.email, user.name]).unwrap_or_default();
    let password_hash = passwords::choose(password, context).await?;
    let user_id =
        state.store.reset_password(&tokens::hash(token), &password_hash, request.actor(), Utc::now()).await?;
    auth::password_proven(state, request, user_id).await
}
