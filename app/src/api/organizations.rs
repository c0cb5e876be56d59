use chrono::{DateTime, Utc};
use domain::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

/// Organizations shown per page in the super admin's list.
pub const ORGANIZATIONS_PER_PAGE: u32 = 25;
/// Longer search text is refused rather than sent to the database.
pub const MAX_SEARCH_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationRow {
    pub slug: String,
    pub name: String,
    pub suspended: bool,
    pub member_count: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationList {
    pub rows: Vec<OrganizationRow>,
    pub total: i64,
    pub page: u32,
}

/// An organization as its page shows it to the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationView {
    pub slug: String,
    pub name: String,
    pub suspended: bool,
    /// The caller's role here; `None` for a super admin who is not a member.
    pub my_role: Option<Role>,
    /// Whether the caller may rename or suspend it.
    pub can_manage: bool,
    /// Whether the caller may invite people to it (and list its members).
    pub can_invite: bool,
}

/// What the navigation and the organization switcher show of the
/// organization in the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationNav {
    pub slug: String,
    pub name: String,
    /// Whether the caller may see its members, invitations and audit log.
    pub can_manage_members: bool,
}

/// An entry in the header's organization switcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitcherEntry {
    pub slug: String,
    pub name: String,
}

/// Every organization, for super admins: search, member counts, pages.
#[server(endpoint = "list_organizations")]
pub async fn list_organizations(search: String, page: u32) -> Result<OrganizationList, AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageOrganizations, &Target::Everything)?;
    ssr::organizations::check_search(&search)?;
    let page = page.max(1);
    let offset = domain::Paging::new(page, ORGANIZATIONS_PER_PAGE, 0).offset();
    let found = state.store.list_organizations(&search, i64::from(ORGANIZATIONS_PER_PAGE), offset).await?;
    let rows = found
        .items
        .into_iter()
        .map(|s| OrganizationRow {
            slug: s.organization.slug,
            name: s.organization.name,
            suspended: s.organization.status == domain::Standing::Suspended,
            member_count: s.member_count,
            created_at: s.organization.created_at,
        })
        .collect();
    Ok(OrganizationList { rows, total: found.total, page })
}

/// The organizations the caller can switch to: any (searched) for whoever
/// may list them all, otherwise those of their own that they may see.
#[server(endpoint = "switcher_organizations")]
pub async fn switcher_organizations(search: String) -> Result<Vec<SwitcherEntry>, AppError> {
    use domain::policy::{Action, Target};

    const SHOWN: i64 = 20;
    let (caller, state) = ssr::caller().await?;
    ssr::organizations::check_search(&search)?;
    if caller.may(Action::ManageOrganizations, &Target::Everything) {
        let found = state.store.list_organizations(&search, SHOWN, 0).await?;
        return Ok(found
            .items
            .into_iter()
            .map(|s| SwitcherEntry { slug: s.organization.slug, name: s.organization.name })
            .collect());
    }
    let needle = search.trim().to_lowercase();
    Ok(caller
        .memberships
        .iter()
        .filter(|m| caller.may(Action::ViewOrganization, &Target::Organization(m.organization_id)))
        .filter(|m| m.organization_name.to_lowercase().contains(&needle))
        .map(|m| SwitcherEntry { slug: m.slug.clone(), name: m.organization_name.clone() })
        .collect())
}

#[server(endpoint = "organization")]
pub async fn organization(slug: String) -> Result<OrganizationView, AppError> {
    use domain::policy::{Action, Target};

    let ssr::InOrganization { caller, organization, .. } =
        ssr::InOrganization::require(&slug, Action::ViewOrganization).await?;
    let can_invite = caller.may(Action::Invite, &Target::Organization(organization.id));
    Ok(OrganizationView {
        my_role: caller.membership_in(organization.id).map(|m| m.role),
        can_manage: caller.may(Action::ManageOrganizations, &Target::Organization(organization.id)),
        can_invite,
        slug: organization.slug,
        name: organization.name,
        suspended: organization.status == domain::Standing::Suspended,
    })
}

/// Creates an organization; its URL name is made from its name when left empty.
#[server(endpoint = "create_organization")]
pub async fn create_organization(name: String, slug: String) -> Result<(), AppError> {
    let (caller, state) = ssr::caller().await?;
    let created = ssr::organizations::create(&state, &caller, &name, &slug).await?;
    leptos_axum::redirect(&format!("/orgs/{}", created.slug));
    Ok(())
}

#[server(endpoint = "rename_organization")]
pub async fn rename_organization(slug: String, name: String) -> Result<(), AppError> {
    use domain::policy::Action;

    let ssr::InOrganization { state, caller, organization } =
        ssr::InOrganization::require(&slug, Action::ManageOrganizations).await?;
    ssr::organizations::rename(&state, &caller, &organization, &name).await?;
    ssr::notices::after_form_post(crate::notice::Notice::OrganizationRenamed);
    Ok(())
}

/// Suspends an organization (its members can no longer use it) or reactivates it.
#[server(endpoint = "set_organization_suspended")]
pub async fn set_organization_suspended(slug: String, suspended: bool) -> Result<(), AppError> {
    use domain::policy::Action;

    let ssr::InOrganization { state, caller, organization } =
        ssr::InOrganization::require(&slug, Action::ManageOrganizations).await?;
    ssr::organizations::set_suspended(&state, &caller, &organization, suspended).await?;
    ssr::notices::after_form_post(if suspended {
        crate::notice::Notice::OrganizationSuspended
    } else {
        crate::notice::Notice::OrganizationReactivated
    });
    Ok(())
}

/// Gives a member another role. Nobody changes their own role, and the
/// organization's last active admin cannot be demoted.
#[server(endpoint = "change_member_role")]
pub async fn change_member_role(slug: String, user_id: i64, role: String) -> Result<(), AppError> {
    use domain::policy::Action;

    let (caller, state) = ssr::caller().await?;
    let organization = ssr::access::organization(&state, &slug).await?;
    let member = ssr::access::member(&state, organization.id, user_id).await?;
    caller.require(Action::ChangeRole, &member)?;
    let role: Role =
        role.parse().map_err(|_| AppError::invalid("role", "Choose viewer, editor or admin."))?;
    state.store.change_member_role(organization.id, user_id, role, caller.actor(), Utc::now()).await?;
    Ok(())
}

/// The organization at `slug` as the header and the navigation name it, for
/// whoever may see it: shown on every page of an organization.
#[server(endpoint = "organization_context")]
pub async fn organization_context(slug: String) -> Result<OrganizationNav, AppError> {
    use domain::policy::{Action, Target};

    let ssr::InOrganization { caller, organization, .. } =
        ssr::InOrganization::require(&slug, Action::ViewOrganization).await?;
    Ok(OrganizationNav {
        can_manage_members: caller.may(Action::ListMembers, &Target::Organization(organization.id)),
        slug: organization.slug,
        name: organization.name,
    })
}
