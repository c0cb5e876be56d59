use chrono::{DateTime, Utc};
use domain::{MembershipStatus, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRowView {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub status: MembershipStatus,
    pub joined_at: Option<DateTime<Utc>>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Whether they have a second factor.
    pub two_factor: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    pub rows: Vec<MemberRowView>,
    pub total: i64,
    /// The page shown: the last one when the requested page lies past the end.
    pub page: u32,
    pub page_size: u32,
    /// The server's clock, so relative times read the same on both sides.
    pub now: DateTime<Utc>,
}

/// One page of an organization's members. `query` is the members page's URL
/// query (`q`, `role`, `status`, `signin`, `sort`, `dir`, `size`, `page`):
/// unknown values fall back to defaults, an over-long search is refused.
#[server(endpoint = "list_members")]
pub async fn list_members(slug: String, query: String) -> Result<MemberList, AppError> {
    use domain::policy::Action;

    let ssr::InOrganization { state, organization, .. } =
        ssr::InOrganization::require(&slug, Action::ListMembers).await?;
    let view = member_view(&query)?;
    let now = Utc::now();
    let found = state.store.list_members(organization.id, &view, now).await?;
    let rows = found
        .items
        .into_iter()
        .map(|m| MemberRowView {
            user_id: m.user_id,
            name: m.name,
            email: m.email,
            role: m.role,
            status: m.status,
            joined_at: m.joined_at,
            last_sign_in_at: m.last_sign_in_at,
            two_factor: m.two_factor,
        })
        .collect();
    Ok(MemberList { rows, total: found.total, page: found.page, page_size: view.page_size, now })
}

/// What a change did to one member: `error` says why it did not happen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberOutcome {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub error: Option<String>,
}

/// Changes members of an organization: the ones in `members` (comma-separated
/// user ids), or, with `all_matching`, every member the members page's
/// `query` finds. `action` is a [`domain::MemberAction`] key; `reason`
/// (optional, may be empty) goes with a suspension into the audit log. Each
/// member is checked and changed on its own; the answer has one outcome per
/// member.
#[server(endpoint = "act_on_members")]
pub async fn act_on_members(
    slug: String,
    action: String,
    members: String,
    all_matching: bool,
    query: String,
    reason: String,
) -> Result<Vec<MemberOutcome>, AppError> {
    use domain::{MemberAction, Reason, policy::Action};

    let ssr::InOrganization { state, caller, organization } =
        ssr::InOrganization::require(&slug, Action::ManageMembers).await?;
    let action: MemberAction = action.parse().map_err(|e: String| AppError::invalid("action", e))?;
    let reason = Reason::parse(&reason).map_err(|e| AppError::invalid("reason", e))?;
    // Checked also when unused: a bad request is refused whole.
    let view = member_view(&query)?;
    let user_ids = if all_matching {
        matching_ids(&state, organization.id, view).await?
    } else {
        domain::parse_member_ids(&members).map_err(|e| AppError::invalid("members", e))?
    };
    let reason = reason.as_ref().map(Reason::as_str);
    ssr::members::apply(&state, &caller, &organization, action, reason, &user_ids).await
}

/// The user ids of every member the members page's `query` finds, at most
/// [`domain::MAX_BULK_MEMBERS`]: a long bulk change asks for them first and
/// then changes them in batches, so the page can say how far it is.
#[server(endpoint = "matching_members")]
pub async fn matching_members(slug: String, query: String) -> Result<Vec<i64>, AppError> {
    use domain::policy::Action;

    let ssr::InOrganization { state, organization, .. } =
        ssr::InOrganization::require(&slug, Action::ManageMembers).await?;
    matching_ids(&state, organization.id, member_view(&query)?).await
}

#[cfg(feature = "ssr")]
async fn matching_ids(
    state: &ssr::AppState,
    organization_id: i64,
    view: domain::MemberView,
) -> Result<Vec<i64>, AppError> {
    use futures::TryStreamExt;

    let mut ids = Vec::new();
    let mut rows = state.store.stream_members(organization_id, view, Utc::now());
    while let Some(row) = rows.try_next().await? {
        if ids.len() == domain::MAX_BULK_MEMBERS {
            return Err(AppError::invalid("members", domain::too_many()));
        }
        ids.push(row.user_id);
    }
    Ok(ids)
}

/// Removes a member from the organization (their account stays).
/// `confirm_email` must be the member's address, typed by the admin.
#[server(endpoint = "remove_member")]
pub async fn remove_member(slug: String, user_id: i64, confirm_email: String) -> Result<(), AppError> {
    use domain::policy::Action;

    let ssr::InOrganization { state, caller, organization } =
        ssr::InOrganization::require(&slug, Action::ManageMembers).await?;
    ssr::members::remove(&state, &caller, &organization, user_id, Some(&confirm_email)).await
}

/// The members page's URL query as a view; an over-long search, or query,
/// is refused.
#[cfg(feature = "ssr")]
fn member_view(query: &str) -> Result<domain::MemberView, AppError> {
    domain::MemberView::parse(query).map_err(|e| AppError::invalid("q", e))
}
