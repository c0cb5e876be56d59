//! Creating, renaming and suspending organizations (`api/organizations.rs`,
//! and `/v1`), and what those server functions share with the list of all
//! accounts.

use chrono::Utc;
use domain::{
    OrganizationName, Slug, Standing,
    policy::{Action, Target},
};
use store::OrganizationRecord;

use super::{AppState, access::Caller};
use crate::{AppError, api::MAX_SEARCH_CHARS};

/// Creates an organization; its URL name is made from its name when `slug` is empty.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    name: &str,
    slug: &str,
) -> Result<OrganizationRecord, AppError> {
    caller.require(Action::ManageOrganizations, &Target::Everything)?;
    let name = OrganizationName::parse(name).map_err(|e| AppError::invalid("name", e))?;
    let slug = if slug.trim().is_empty() {
        Slug::from_name(name.as_str()).map_err(|_| {
            AppError::invalid(
                "slug",
                "Choose a URL name: this name has too few letters or digits to make one.",
            )
        })?
    } else {
        Slug::parse(slug).map_err(|e| AppError::invalid("slug", e))?
    };
    Ok(state.store.create_organization(&slug, &name, caller.actor(), Utc::now()).await?)
}

pub async fn rename(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    name: &str,
) -> Result<(), AppError> {
    caller.require(Action::ManageOrganizations, &Target::Organization(organization.id))?;
    let name = OrganizationName::parse(name).map_err(|e| AppError::invalid("name", e))?;
    Ok(state.store.rename_organization(organization.id, &name, caller.actor(), Utc::now()).await?)
}

/// Suspends an organization (its members can no longer use it) or reactivates it.
pub async fn set_suspended(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    suspended: bool,
) -> Result<(), AppError> {
    caller.require(Action::ManageOrganizations, &Target::Organization(organization.id))?;
    let status = if suspended { Standing::Suspended } else { Standing::Active };
    Ok(state.store.set_organization_status(organization.id, status, caller.actor(), Utc::now()).await?)
}

/// Longer search text is refused rather than sent to the database.
pub fn check_search(search: &str) -> Result<(), AppError> {
    if search.chars().count() > MAX_SEARCH_CHARS {
        return Err(AppError::invalid("q", format!("Search for at most {MAX_SEARCH_CHARS} characters.")));
    }
    Ok(())
}
