//! Inviting people and redeeming invitations, independent of HTTP.

use chrono::{Duration, Utc};
use domain::{DisplayName, Email, EmailList, NewPassword, Role};
use store::{
    InvitationRecord, InviteOutcome, NewCredentials, NewEmail, NewInvitation, OrganizationRecord,
    PendingInvitation,
};

use super::{AppState, RequestContext, access::Caller, auth, emails, passwords, tokens, tokens::IssuedToken};
use crate::{AppError, error::LinkProblem};

/// DESIGN invariant 3: invitations expire after 7 days.
pub const INVITATION_LIFETIME: Duration = Duration::days(7);

/// Invitation emails one person may cause in [`SENDING_WINDOW`], and all
/// people behind one IP address: enough to onboard a large team in a day's
/// sittings, too few to use Roster as a spam relay. Each invited address and
/// each resend counts, asked for before any is made.
const EMAILS_PER_SENDER: i64 = 500;
const EMAILS_PER_IP: i64 = 1_000;
/// Resends of one invitation: enough for a lost email, too few to flood
/// the invitee's mailbox.
const RESENDS_PER_INVITATION: i64 = 5;
const SENDING_WINDOW: Duration = Duration::hours(1);

/// The outcome for each address of an invitation request.
pub struct InviteResults {
    pub invited: Vec<String>,
    pub already_members: Vec<String>,
    pub already_invited: Vec<String>,
}

/// Invites every address of `emails` with `role`. Any malformed address
/// refuses the whole request, naming each bad one, and changes nothing.
/// Each address is then invited in its own transaction with its email.
pub async fn invite(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    emails: &str,
    role: &str,
) -> Result<InviteResults, AppError> {
    let role: Role =
        role.parse().map_err(|_| AppError::invalid("role", "Choose viewer, editor or admin."))?;
    let list = EmailList::parse(emails).map_err(|e| AppError::invalid("emails", e))?;
    if !list.invalid.is_empty() {
        let problems: Vec<String> = list.invalid.iter().map(|(_, error)| error.to_string()).collect();
        return Err(AppError::invalid("emails", format!("Nobody was invited. {}", problems.join(" "))));
    }
    if let Quota::Exceeded { limit, left } = take_sending_quota(state, caller, list.addresses.len()).await? {
        return Err(AppError::QuotaExceeded(format!(
            "Nobody was invited: {} invitations at once would pass the limit of {limit} an hour. You can send {left} more now.",
            list.addresses.len()
        )));
    }
    let mut results =
        InviteResults { invited: Vec::new(), already_members: Vec::new(), already_invited: Vec::new() };
    for email in list.addresses {
        let (token, mail) = invitation_email(state, caller, organization, email.as_str(), role);
        let invitation = NewInvitation {
            organization_id: organization.id,
            email: email.clone(),
            role,
            token_hash: token.hash.clone(),
            expires_at: Utc::now() + INVITATION_LIFETIME,
            mail,
        };
        match state.store.invite(invitation, caller.actor(), Utc::now()).await? {
            InviteOutcome::Invited => {
                log_undelivered(state, email.as_str(), &token);
                results.invited.push(email.to_string());
            }
            InviteOutcome::AlreadyMember => results.already_members.push(email.to_string()),
            InviteOutcome::AlreadyInvited => results.already_invited.push(email.to_string()),
        }
    }
    Ok(results)
}

/// Sends a pending invitation again with a new link; the old link stops working.
pub async fn resend(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    pending: &PendingInvitation,
) -> Result<(), AppError> {
    let now = Utc::now();
    let bucket = format!("invitation-resend:{}:{}", organization.id, pending.email.to_lowercase());
    if !state.store.take_rate_limit(&bucket, RESENDS_PER_INVITATION, now - SENDING_WINDOW, now).await? {
        return Err(AppError::QuotaExceeded(format!(
            "This invitation was sent {RESENDS_PER_INVITATION} times in the last hour. Try again later."
        )));
    }
    if let Quota::Exceeded { limit, .. } = take_sending_quota(state, caller, 1).await? {
        return Err(AppError::QuotaExceeded(format!(
            "The limit of {limit} invitation emails an hour is reached. Try again later."
        )));
    }
    let (token, mail) = invitation_email(state, caller, organization, &pending.email, pending.role);
    let invitation = NewInvitation {
        organization_id: organization.id,
        email: Email::parse(&pending.email).map_err(|_| AppError::NotFound)?,
        role: pending.role,
        token_hash: token.hash.clone(),
        expires_at: Utc::now() + INVITATION_LIFETIME,
        mail,
    };
    state.store.resend_invitation(invitation, caller.actor(), Utc::now()).await?;
    log_undelivered(state, &pending.email, &token);
    Ok(())
}

/// Whether a request's invitation emails fit the hourly limits.
enum Quota {
    Granted,
    /// Over `limit` (the sender's or their IP's); `left` could still go.
    Exceeded {
        limit: i64,
        left: i64,
    },
}

/// Counts `count` invitation emails against the caller's and their IP's
/// hourly limits, all or none.
async fn take_sending_quota(state: &AppState, caller: &Caller, count: usize) -> Result<Quota, AppError> {
    let count = i64::try_from(count).unwrap_or(i64::MAX);
    let now = Utc::now();
    let since = now - SENDING_WINDOW;
    let mut buckets = vec![(format!("invitation-sender:{}", caller.user.id), EMAILS_PER_SENDER)];
    if let Some(ip) = &caller.actor().ip {
        buckets.push((format!("invitation-ip:{ip}"), EMAILS_PER_IP));
    }
    for (bucket, limit) in buckets {
        if !state.store.take_rate_limit_many(&bucket, count, limit, since, now).await? {
            let left = (limit - state.store.rate_limit_hits(&bucket, since).await?).max(0);
            return Ok(Quota::Exceeded { limit, left });
        }
    }
    Ok(Quota::Granted)
}

fn invitation_email(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    recipient: &str,
    role: Role,
) -> (IssuedToken, NewEmail) {
    let token = tokens::issue();
    let link = link(state, &token);
    let mail = emails::invitation(&emails::Invitation {
        recipient,
        organization: &organization.name,
        inviter: &caller.user.name,
        role,
        link: &link,
        expires_at: Utc::now() + INVITATION_LIFETIME,
    });
    (token, mail)
}

fn link(state: &AppState, token: &IssuedToken) -> String {
    state.settings.link(&format!("/invite?token={}", token.clear))
}

/// Without an SMTP server the email waits in the outbox; the link is logged
/// so whoever runs Roster locally can still pass it on.
fn log_undelivered(state: &AppState, recipient: &str, token: &IssuedToken) {
    if !state.settings.mail_delivery {
        tracing::info!(to = recipient, link = %link(state, token), "no SMTP server configured: invitation email kept in the outbox");
    }
}

/// An organization's most recent pending invitations, as its admins see
/// them: [`crate::api::PENDING_SHOWN`] at most; the members page lists all.
pub async fn pending_rows(
    state: &AppState,
    organization_id: i64,
    filter: store::InvitationFilter,
) -> Result<Vec<crate::api::PendingInvitationRow>, AppError> {
    let now = Utc::now();
    Ok(state
        .store
        .invitations(organization_id, filter, now, i64::from(crate::api::PENDING_SHOWN))
        .await?
        .into_iter()
        .map(|p| crate::api::PendingInvitationRow {
            expired: p.expires_at.is_none_or(|at| at <= now),
            user_id: p.user_id,
            email: p.email,
            role: p.role,
            invited_at: p.invited_at,
            expires_at: p.expires_at,
            invited_by: p.invited_by,
        })
        .collect())
}

/// The invitation behind a link, if it can still be used.
pub async fn find_usable(state: &AppState, token: &str) -> Result<InvitationRecord, AppError> {
    let invitation = state
        .store
        .find_invitation(&tokens::hash(token))
        .await?
        .ok_or(AppError::Link(LinkProblem::Invalid))?;
    invitation
        .token
        .check(Utc::now())
        .map_err(|problem| AppError::from(store::StoreError::Token(problem)))?;
    Ok(invitation)
}

pub struct Accepted {
    pub organization_slug: String,
    /// A session for an invitee who has just created their account.
    pub new_session: Option<auth::SignedIn>,
}

/// Redeems an invitation. An invitee without an account chooses a name and
/// password here; one with an account must be signed in as that account.
pub async fn accept(
    state: &AppState,
    request: &RequestContext,
    token: &str,
    name: Option<String>,
    password: Option<String>,
) -> Result<Accepted, AppError> {
    let invitation = find_usable(state, token).await?;
    let token_hash = tokens::hash(token);
    if invitation.has_password {
        let session = request.require_session()?;
        if session.user.email != invitation.email {
            return Err(AppError::Conflict(format!(
                "This invitation is for {}. Sign out, then sign in with that address to accept it.",
                invitation.email
            )));
        }
        let accepted = state.store.accept_invitation(&token_hash, None, request.actor(), Utc::now()).await?;
        return Ok(Accepted { organization_slug: accepted.organization_slug, new_session: None });
    }
    let name = DisplayName::parse(&name.unwrap_or_default()).map_err(|e| AppError::invalid("name", e))?;
    let password =
        NewPassword::parse(password.unwrap_or_default()).map_err(|e| AppError::invalid("password", e))?;
    let password_hash =
        passwords::choose(password, vec![invitation.email.clone(), name.as_str().to_owned()]).await?;
    let credentials = NewCredentials { name, password_hash };
    let accepted =
        state.store.accept_invitation(&token_hash, Some(credentials), request.actor(), Utc::now()).await?;
    let session = auth::password_proven(state, request, accepted.user_id).await?;
    Ok(Accepted { organization_slug: accepted.organization_slug, new_session: Some(session) })
}
