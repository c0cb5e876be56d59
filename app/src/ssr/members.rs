//! Changing members of an organization (`api/members.rs`), one or many at
//! a time: each member is checked by the policy and changed in its own
//! transaction, and the answer says, member by member, what happened. And
//! taking someone out of the organization.

use chrono::Utc;
use domain::{
    MemberAction, MembershipStatus,
    policy::{Action, Target},
};
use store::OrganizationRecord;

use super::{AppState, access, access::Caller, accounts, invitations, password_resets};
use crate::{AppError, api::MemberOutcome};

/// Applies `action` to each of `user_ids` in `organization`. A member the
/// caller may not change, or who is not in the organization, fails alone;
/// the others go ahead. `reason` goes with a suspension into the audit log.
pub async fn apply(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    action: MemberAction,
    reason: Option<&str>,
    user_ids: &[i64],
) -> Result<Vec<MemberOutcome>, AppError> {
    let mut outcomes = Vec::with_capacity(user_ids.len());
    for &user_id in user_ids {
        let (name, email, result) = match state.store.find_user(user_id).await? {
            Some(user) => {
                let result = apply_one(state, caller, organization, action, reason, user_id).await;
                (user.name, user.email, result)
            }
            None => (String::new(), String::new(), Err(AppError::NotFound)),
        };
        let error = match result {
            Ok(()) => None,
            Err(AppError::Internal) => return Err(AppError::Internal),
            Err(AppError::NotFound) => Some("Not a member of this organization.".to_owned()),
            Err(other) => Some(other.to_string()),
        };
        outcomes.push(MemberOutcome { user_id, name, email, error });
    }
    Ok(outcomes)
}

/// One member's change of [`apply`], with its own error: also a `/v1` call's.
pub async fn apply_one(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    action: MemberAction,
    reason: Option<&str>,
    user_id: i64,
) -> Result<(), AppError> {
    let target = access::member(state, organization.id, user_id).await?;
    let membership =
        state.store.find_membership(organization.id, user_id).await?.ok_or(AppError::NotFound)?;
    // Resending asks only to invite; the rest are about the member.
    let (required, target) = match action {
        MemberAction::ChangeRole(_) => (Action::ChangeRole, target),
        MemberAction::Suspend | MemberAction::Reactivate => (Action::SetMembershipStatus, target),
        MemberAction::ResendInvitation => (Action::Invite, Target::Organization(organization.id)),
        MemberAction::SendPasswordReset => (Action::SendPasswordReset, target),
    };
    // The caller manages this organization (the page listed the member), so
    // a refusal says which rule they met rather than pretending the member
    // is absent.
    caller.require_explained(required, &target)?;
    let now = Utc::now();
    let store = &state.store;
    match (action, membership.status) {
        (MemberAction::ChangeRole(role), _) if role == membership.role => Ok(()),
        (MemberAction::ChangeRole(role), _) => {
            Ok(store.change_member_role(organization.id, user_id, role, caller.actor(), now).await?)
        }
        (MemberAction::Suspend, MembershipStatus::Active) => Ok(store
            .set_membership_status(
                organization.id,
                user_id,
                MembershipStatus::Suspended,
                reason,
                caller.actor(),
                now,
            )
            .await?),
        (MemberAction::Suspend, MembershipStatus::Suspended) => Err(conflict("Already suspended.")),
        (MemberAction::Reactivate, MembershipStatus::Suspended) => Ok(store
            .set_membership_status(
                organization.id,
                user_id,
                MembershipStatus::Active,
                None,
                caller.actor(),
                now,
            )
            .await?),
        (MemberAction::Reactivate, MembershipStatus::Active) => Err(conflict("Not suspended.")),
        (MemberAction::Suspend | MemberAction::Reactivate, MembershipStatus::Invited) => {
            Err(conflict("Has not accepted the invitation yet: revoke it instead."))
        }
        (MemberAction::ResendInvitation, MembershipStatus::Invited) => {
            let invitation =
                state.store.pending_invitation(organization.id, user_id).await?.ok_or(AppError::NotFound)?;
            invitations::resend(state, caller, organization, &invitation).await
        }
        (MemberAction::ResendInvitation, _) => Err(conflict("Has already accepted the invitation.")),
        (MemberAction::SendPasswordReset, MembershipStatus::Invited) => {
            Err(conflict("Has not accepted the invitation yet: resend the invitation instead."))
        }
        (MemberAction::SendPasswordReset, _) => {
            password_resets::send_to_member(state, caller, organization, user_id).await
        }
    }
}

fn conflict(message: &str) -> AppError {
    AppError::Conflict(message.to_owned())
}

/// Removes a member from `organization`; their account and other
/// memberships stay. Confirmed like a deletion, by the person's address
/// (`None` for an API call, see [`accounts::delete`]).
pub async fn remove(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    user_id: i64,
    confirm_email: Option<&str>,
) -> Result<(), AppError> {
    let target = access::member(state, organization.id, user_id).await?;
    caller.require_explained(Action::RemoveMember, &target)?;
    if let Some(typed) = confirm_email {
        accounts::confirmed_person(state, user_id, typed).await?;
    }
    Ok(state.store.remove_member(organization.id, user_id, caller.actor(), Utc::now()).await?)
}
