use chrono::{DateTime, Utc};
use domain::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

/// What became of each address of an invitation request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteReport {
    pub invited: Vec<String>,
    pub already_members: Vec<String>,
    pub already_invited: Vec<String>,
}

/// How many pending invitations an organization's page lists, newest first.
pub const PENDING_SHOWN: u32 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitationRow {
    pub user_id: i64,
    pub email: String,
    pub role: Role,
    pub invited_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub expired: bool,
    pub invited_by: Option<String>,
}

/// What the person who opens an invitation link sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub email: String,
    pub organization: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// The invitee has no account yet and chooses a name and password.
    pub needs_account: bool,
    /// Who is signed in on this browser, if anyone.
    pub signed_in_as: Option<String>,
}

/// Invites one or many addresses (separated by commas, semicolons or new
/// lines) to an organization with one role.
#[server(endpoint = "invite_members")]
pub async fn invite_members(slug: String, emails: String, role: String) -> Result<InviteReport, AppError> {
    use domain::policy::Action;

    let ssr::InOrganization { state, caller, organization } =
        ssr::InOrganization::require(&slug, Action::Invite).await?;
    let results = ssr::invitations::invite(&state, &caller, &organization, &emails, &role).await?;
    Ok(InviteReport {
        invited: results.invited,
        already_members: results.already_members,
        already_invited: results.already_invited,
    })
}

/// The most recent invitations still waiting for an answer: `show` is the
/// invitations page's filter (`pending`: the link still works, `expired`:
/// it does not); without it, or with anything else, all of them.
#[server(endpoint = "pending_invitations")]
pub async fn pending_invitations(
    slug: String,
    show: Option<String>,
) -> Result<Vec<PendingInvitationRow>, AppError> {
    use domain::policy::Action;

    let ssr::InOrganization { state, organization, .. } =
        ssr::InOrganization::require(&slug, Action::Invite).await?;
    let filter = ssr::overview::invitation_filter(show.as_deref().unwrap_or_default());
    ssr::invitations::pending_rows(&state, organization.id, filter).await
}

#[server(endpoint = "resend_invitation")]
pub async fn resend_invitation(slug: String, user_id: i64) -> Result<(), AppError> {
    use domain::policy::Action;

    let ssr::InOrganization { state, caller, organization } =
        ssr::InOrganization::require(&slug, Action::Invite).await?;
    let pending =
        state.store.pending_invitation(organization.id, user_id).await?.ok_or(AppError::NotFound)?;
    ssr::invitations::resend(&state, &caller, &organization, &pending).await?;
    ssr::notices::after_form_post(crate::notice::Notice::InvitationResent);
    Ok(())
}

#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(slug: String, user_id: i64) -> Result<(), AppError> {
    use domain::policy::Action;

    let ssr::InOrganization { state, caller, organization } =
        ssr::InOrganization::require(&slug, Action::Invite).await?;
    state.store.revoke_invitation(organization.id, user_id, caller.actor(), Utc::now()).await?;
    ssr::notices::after_form_post(crate::notice::Notice::InvitationRevoked);
    Ok(())
}

/// The invitation behind a link, or why it cannot be used.
#[server(endpoint = "invitation")]
pub async fn invitation(token: String) -> Result<InvitationView, AppError> {
    let state = ssr::state()?;
    let invitation = ssr::invitations::find_usable(&state, &token).await?;
    Ok(InvitationView {
        needs_account: !invitation.has_password,
        signed_in_as: ssr::request().session.map(|s| s.user.email),
        email: invitation.email,
        organization: invitation.organization_name,
        role: invitation.role,
        invited_by: invitation.invited_by,
        expires_at: invitation.token.expires_at,
    })
}

/// Accepts an invitation and lands in the organization. `name` and
/// `password` are for invitees who have no account yet.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    name: Option<String>,
    password: Option<String>,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let accepted = ssr::invitations::accept(&state, &ssr::request(), &token, name, password).await?;
    let next = format!("/orgs/{}", accepted.organization_slug);
    match accepted.new_session {
        Some(signed_in) => leptos_axum::redirect(&signed_in.hand_over(&state, &next)),
        None => leptos_axum::redirect(&next),
    }
    Ok(())
}
