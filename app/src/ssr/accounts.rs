//! Deleting accounts (`api/accounts.rs`), confirmed by typing the person's
//! email address, checked here as well as in the browser, so no request can
//! skip the confirmation.

use chrono::Utc;
use domain::{
    Email, Reason, Standing,
    policy::{Action, Target},
};
use store::{AccountDeletion, UserRecord};

use super::{AppState, CurrentSession, access, access::Caller, two_factor};
use crate::AppError;

/// Suspends an account (blocks sign-in everywhere, ends its sessions now)
/// or reactivates it; `reason` (optional) is kept in the audit log.
pub async fn set_suspended(
    state: &AppState,
    caller: &Caller,
    user_id: i64,
    suspended: bool,
    reason: &str,
) -> Result<(), AppError> {
    let target = access::account(state, user_id).await?;
    caller.require(Action::SetAccountStatus, &target)?;
    let reason = Reason::parse(reason).map_err(|e| AppError::invalid("reason", e))?;
    let status = if suspended { Standing::Suspended } else { Standing::Active };
    let reason = reason.as_ref().map(Reason::as_str);
    Ok(state.store.set_account_status(user_id, status, reason, caller.actor(), Utc::now()).await?)
}

/// Deletes an account; with `with_data` (super admins), also what other
/// records hold about the person. Someone the caller manages hears why a
/// deletion is refused; anyone else does not exist. A person deletes after
/// typing the address (`confirm_email`) and, if they have a second factor
/// and gave it more than 15 minutes ago, giving it again (`session`); an
/// API call, which has no dialog to mistype in and no session, names the
/// account by its id alone (`None`, `None`).
pub async fn delete(
    state: &AppState,
    caller: &Caller,
    user_id: i64,
    confirm_email: Option<&str>,
    with_data: bool,
    session: Option<&CurrentSession>,
) -> Result<(), AppError> {
    let target = access::account(state, user_id).await?;
    let Target::Account(subject) = &target else { return Err(AppError::NotFound) };
    caller.require_explained(Action::DeleteAccount, &target)?;
    if with_data {
        caller.require_explained(Action::DeleteAccountData, &target)?;
    }
    if let Some(typed) = confirm_email {
        confirmed_person(state, user_id, typed).await?;
    }
    if let Some(session) = session {
        two_factor::require_recent_factor(state, session).await?;
    }
    // An org admin's deletion is bound to the one organization the policy
    // saw; the store checks it again under its locks.
    let confined_to = if caller.is_super_admin() { None } else { subject.organization_ids.first().copied() };
    let deletion = AccountDeletion { user_id, confined_to, with_data };
    Ok(state.store.delete_account(deletion, caller.actor(), Utc::now()).await?)
}

/// The person, once `typed` is their address (any case, spaces around it
/// ignored): how removals and deletions are confirmed.
pub(super) async fn confirmed_person(
    state: &AppState,
    user_id: i64,
    typed: &str,
) -> Result<UserRecord, AppError> {
    let user = state.store.find_user(user_id).await?.ok_or(AppError::NotFound)?;
    if typed.trim().is_empty() {
        return Err(AppError::invalid("confirm_email", "Type the person's email address to confirm."));
    }
    match Email::parse(typed) {
        Ok(email) if email.as_str() == user.email => Ok(user),
        _ => Err(AppError::invalid(
            "confirm_email",
            "That is not the person's email address. Type it exactly as shown to confirm.",
        )),
    }
}
