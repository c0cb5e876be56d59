//! Taking someone out of an organization, and deleting accounts. Both are
//! confirmed by typing the person's email address, checked here as well as
//! in the browser, so no request can skip the confirmation.

use chrono::Utc;
use domain::{
    Email,
    policy::{Action, Target},
};
use store::{AccountDeletion, OrganizationRecord, UserRecord};

use super::{AppState, access, access::Caller};
use crate::AppError;

/// Removes a member from `organization`; their account and other
/// memberships stay.
pub async fn remove_member(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    user_id: i64,
    confirm_email: &str,
) -> Result<(), AppError> {
    let target = access::member(state, organization.id, user_id).await?;
    if !caller.may(Action::RemoveMember, &target) {
        // The caller manages this organization (they got this far), so the
        // only refusal left is about themselves.
        return Err(AppError::Conflict(
            "You cannot remove yourself. Another admin can, or a super admin.".to_owned(),
        ));
    }
    let user = person(state, user_id).await?;
    confirmed(&user, confirm_email)?;
    Ok(state.store.remove_member(organization.id, user_id, caller.actor(), Utc::now()).await?)
}

/// Deletes an account; with `with_data` (super admins), also what other
/// records hold about the person.
pub async fn delete_account(
    state: &AppState,
    caller: &Caller,
    user_id: i64,
    confirm_email: &str,
    with_data: bool,
) -> Result<(), AppError> {
    let target = access::account(state, user_id).await?;
    let Target::Account(subject) = &target else { return Err(AppError::NotFound) };
    if !caller.may(Action::DeleteAccount, &target) {
        // Someone the caller manages hears why; anyone else does not exist.
        let manages = subject
            .organization_ids
            .iter()
            .any(|&organization| caller.may(Action::ListMembers, &Target::Organization(organization)));
        let message = if !manages {
            return Err(AppError::NotFound);
        } else if subject.user_id == caller.session.user.id {
            "You cannot delete your own account."
        } else if subject.is_super_admin {
            "Only a super admin can delete a super admin's account."
        } else {
            BELONGS_ELSEWHERE
        };
        return Err(AppError::Conflict(message.to_owned()));
    }
    if with_data && !caller.may(Action::DeleteAccountData, &target) {
        return Err(AppError::invalid("with_data", "Only a super admin can delete a person's data."));
    }
    let user = person(state, user_id).await?;
    confirmed(&user, confirm_email)?;
    // An org admin's deletion is bound to the one organization the policy
    // saw; the store checks it again under its locks.
    let confined_to = if caller.is_super_admin() { None } else { subject.organization_ids.first().copied() };
    let deletion = AccountDeletion { user_id, confined_to, with_data };
    Ok(state.store.delete_account(deletion, caller.actor(), Utc::now()).await?)
}

pub const BELONGS_ELSEWHERE: &str = "They belong to another organization too. Remove them from this one, or ask a super admin to delete the account.";

async fn person(state: &AppState, user_id: i64) -> Result<UserRecord, AppError> {
    state.store.find_user(user_id).await?.ok_or(AppError::NotFound)
}

/// The typed confirmation must be the person's address (any case, spaces
/// around it ignored).
fn confirmed(user: &UserRecord, typed: &str) -> Result<(), AppError> {
    if typed.trim().is_empty() {
        return Err(AppError::invalid("confirm_email", "Type the person's email address to confirm."));
    }
    match Email::parse(typed) {
        Ok(email) if email.as_str() == user.email => Ok(()),
        _ => Err(AppError::invalid(
            "confirm_email",
            "That is not the person's email address. Type it exactly as shown to confirm.",
        )),
    }
}
