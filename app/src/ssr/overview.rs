//! What the overviews read: tallies and counts the members table and the
//! invitations page answer alike, the sign-in chart, the latest events.

use chrono::{Duration, Utc};
use domain::{MemberView, MembershipStatus, Role, SignInFilter};
use store::{AuditQuery, InvitationFilter};

use super::{
    AppState,
    activity::{entry_view, per_day, start_of},
};
use crate::{
    AppError,
    api::{CHART_DAYS, InstallationFigures, LATEST_EVENTS, OrganizationFigures, RoleTally},
};

pub async fn organization(state: &AppState, organization_id: i64) -> Result<OrganizationFigures, AppError> {
    let store = &state.store;
    let now = Utc::now();
    let today = now.date_naive();
    let first_day = today - Duration::days(CHART_DAYS as i64 - 1);
    // The members table's own count, so the overview and the table it
    // links to never disagree.
    let count = |sign_in| {
        let view = MemberView { sign_in: Some(sign_in), ..MemberView::default() };
        async move { store.count_members(organization_id, &view, now).await }
    };
    let latest = AuditQuery { organization_id: Some(organization_id), ..AuditQuery::default() };
    let (tallies, invitations, inactive_30, inactive_90, never_signed_in, times, events) = tokio::try_join!(
        store.member_tallies(organization_id),
        store.invitation_counts(organization_id, now),
        count(SignInFilter::InactiveDays(30)),
        count(SignInFilter::InactiveDays(90)),
        count(SignInFilter::Never),
        store.organization_sign_in_times(organization_id, start_of(first_day)),
        store.audit_log(&latest, LATEST_EVENTS, 0),
    )?;
    let roles = Role::ALL
        .into_iter()
        .rev()
        .map(|role| {
            let members = |status: MembershipStatus| {
                tallies.iter().filter(|t| t.role == role && t.status == status).map(|t| t.members).sum()
            };
            RoleTally {
                role,
                active: members(MembershipStatus::Active),
                invited: members(MembershipStatus::Invited),
                suspended: members(MembershipStatus::Suspended),
            }
        })
        .collect();
    Ok(OrganizationFigures {
        roles,
        pending_invitations: invitations.pending,
        expired_invitations: invitations.expired,
        inactive_30,
        inactive_90,
        never_signed_in,
        sign_ins_per_day: per_day(&times, first_day),
        today,
        latest_events: events.items.into_iter().map(entry_view).collect(),
        now,
    })
}

pub async fn installation(state: &AppState) -> Result<InstallationFigures, AppError> {
    let store = &state.store;
    let everything = AuditQuery::default();
    let (organizations, accounts, outbox, events) = tokio::try_join!(
        store.list_organizations("", 0, 0),
        store.list_accounts("", 0, 0),
        store.outbox_counts(),
        store.audit_log(&everything, LATEST_EVENTS, 0),
    )?;
    Ok(InstallationFigures {
        organizations: organizations.total,
        accounts: accounts.total,
        emails_queued: outbox.queued,
        emails_failed: outbox.failed,
        latest_events: events.items.into_iter().map(entry_view).collect(),
        now: Utc::now(),
    })
}

/// The invitations page's `show=` value: anything else shows them all.
pub fn invitation_filter(show: &str) -> InvitationFilter {
    match show {
        "pending" => InvitationFilter::Pending,
        "expired" => InvitationFilter::Expired,
        _ => InvitationFilter::All,
    }
}
