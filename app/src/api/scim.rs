//! The Provisioning page's server functions: an organization's SCIM
//! tokens, its provisioning settings, and the latest SCIM requests.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{ApiKeyRow, NewApiKeySecret};
use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

/// The display name a role's SCIM group has in this organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimGroupName {
    /// `admin`, `editor` or `viewer`: also the group's SCIM id.
    pub role: String,
    pub display_name: String,
}

/// A SCIM request and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimRequestRow {
    pub at: DateTime<Utc>,
    /// The token's name.
    pub token: Option<String>,
    pub method: String,
    pub path: String,
    pub status: i32,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provisioning {
    /// The SCIM base URL to paste into the identity provider.
    pub base_url: String,
    pub tokens: Vec<ApiKeyRow>,
    pub welcome_email: bool,
    pub groups: Vec<ScimGroupName>,
    pub requests: Vec<ScimRequestRow>,
    /// The server's clock, so relative times read the same on both sides.
    pub now: DateTime<Utc>,
}

#[server(endpoint = "scim_provisioning")]
pub async fn scim_provisioning(slug: String) -> Result<Provisioning, AppError> {
    let organization = ssr::InOrganization::require(&slug, domain::policy::Action::ManageScim).await?;
    let (caller, state, organization) = (organization.caller, organization.state, organization.organization);
    let tokens = ssr::scim::list_tokens(&state, &caller, &organization).await?;
    let (welcome_email, groups) = ssr::scim::settings(&state, &caller, &organization).await?;
    let requests = ssr::scim::recent_requests(&state, &caller, &organization).await?;
    let base_url = state.settings.link(&format!("/scim/v2/orgs/{}", organization.slug));
    Ok(Provisioning { base_url, tokens, welcome_email, groups, requests, now: Utc::now() })
}

/// Makes a SCIM token for the organization's identity provider. The
/// secret is returned this once: only its hash is kept.
#[server(endpoint = "create_scim_token")]
pub async fn create_scim_token(slug: String, name: String) -> Result<NewApiKeySecret, AppError> {
    let organization = ssr::InOrganization::require(&slug, domain::policy::Action::ManageScim).await?;
    let (key, secret) =
        ssr::scim::create_token(&organization.state, &organization.caller, &organization.organization, &name)
            .await?;
    Ok(NewApiKeySecret { key, secret })
}

/// Revokes a SCIM token at once: the identity provider's next request is refused.
#[server(endpoint = "revoke_scim_token")]
pub async fn revoke_scim_token(slug: String, id: i64) -> Result<(), AppError> {
    let organization = ssr::InOrganization::require(&slug, domain::policy::Action::ManageScim).await?;
    ssr::scim::revoke_token(&organization.state, &organization.caller, &organization.organization, id).await
}

/// Whether a person SCIM creates is emailed a link to choose a password.
#[server(endpoint = "set_scim_welcome_email")]
pub async fn set_scim_welcome_email(slug: String, on: bool) -> Result<(), AppError> {
    let organization = ssr::InOrganization::require(&slug, domain::policy::Action::ManageScim).await?;
    ssr::scim::set_welcome_email(&organization.state, &organization.caller, &organization.organization, on)
        .await
}

/// Renames a role's group, so that it matches the group in the directory.
#[server(endpoint = "rename_scim_group")]
pub async fn rename_scim_group(slug: String, role: String, display_name: String) -> Result<(), AppError> {
    let organization = ssr::InOrganization::require(&slug, domain::policy::Action::ManageScim).await?;
    ssr::scim::rename_group(
        &organization.state,
        &organization.caller,
        &organization.organization,
        &role,
        &display_name,
    )
    .await
}
