//! Applications that sign people in with Roster (OpenID Connect clients):
//! registering and managing them (super admins), the back-channel logouts
//! owed to them, and what the sign-in and organization pages say about the
//! app a person is signing in to.

use chrono::{DateTime, Utc};
use domain::{AppKind, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

pub const LOGOUTS_PER_PAGE: u32 = 50;

/// What an operator needs to connect an app to Roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderInfo {
    pub issuer: String,
    pub discovery_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRow {
    pub id: i64,
    pub name: String,
    pub client_id: String,
    pub kind: AppKind,
    pub active: bool,
    /// People signed in to it now.
    pub signed_in: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppList {
    pub rows: Vec<AppRow>,
    pub provider: ProviderInfo,
}

/// One application as its page shows it; the URI lists one per line, as
/// the form edits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppView {
    pub id: i64,
    pub name: String,
    pub client_id: String,
    pub kind: AppKind,
    pub active: bool,
    pub signed_in: i64,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub backchannel_logout_uri: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub provider: ProviderInfo,
}

/// A new application's credentials, shown exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppCredentials {
    pub id: i64,
    pub name: String,
    pub client_id: String,
    /// For confidential apps only.
    pub client_secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutRow {
    pub id: i64,
    pub app_name: String,
    pub sid: String,
    /// `queued`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutList {
    pub rows: Vec<LogoutRow>,
    pub total: i64,
    pub page: u32,
}

/// An organization a person may sign in to an app as a member of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationOption {
    pub slug: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationChoices {
    pub app_name: String,
    pub organizations: Vec<OrganizationOption>,
}

/// Every registered application, by name, and how to connect one.
#[server(endpoint = "list_apps")]
pub async fn list_apps() -> Result<AppList, AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageApps, &Target::Everything)?;
    let rows = state
        .store
        .list_apps()
        .await?
        .into_iter()
        .map(|app| AppRow {
            active: app.is_active(),
            id: app.id,
            name: app.name,
            client_id: app.client_id,
            kind: app.kind,
            signed_in: app.signed_in,
        })
        .collect();
    Ok(AppList { rows, provider: ssr::apps::provider(&state) })
}

#[server(endpoint = "app_details")]
pub async fn app_details(id: i64) -> Result<AppView, AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageApps, &Target::Everything)?;
    let app = state.store.find_app(id).await?.ok_or(AppError::NotFound)?;
    Ok(ssr::apps::details(&state, app))
}

/// Registers an application. Its client ID, and a confidential app's
/// secret, are returned this once: only the secret's hash is kept.
#[server(endpoint = "register_app")]
pub async fn register_app(
    name: String,
    kind: String,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    backchannel_logout_uri: String,
) -> Result<AppCredentials, AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageApps, &Target::Everything)?;
    let kind: AppKind =
        kind.parse().map_err(|_| AppError::invalid("kind", "Choose confidential or public."))?;
    let settings =
        ssr::apps::settings(&name, &redirect_uris, &post_logout_redirect_uris, &backchannel_logout_uri)?;
    ssr::apps::register(&state, &caller, kind, settings).await
}

#[server(endpoint = "update_app")]
pub async fn update_app(
    id: i64,
    name: String,
    redirect_uris: String,
    post_logout_redirect_uris: String,
    backchannel_logout_uri: String,
) -> Result<(), AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageApps, &Target::Everything)?;
    let settings =
        ssr::apps::settings(&name, &redirect_uris, &post_logout_redirect_uris, &backchannel_logout_uri)?;
    state.store.update_app(id, &settings, caller.actor(), Utc::now()).await?;
    Ok(())
}

/// Gives a confidential app a new secret, returned this once; the old one
/// stops working at once.
#[server(endpoint = "replace_app_secret")]
pub async fn replace_app_secret(id: i64) -> Result<String, AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageApps, &Target::Everything)?;
    let app = state.store.find_app(id).await?.ok_or(AppError::NotFound)?;
    if app.kind == AppKind::Public {
        return Err(AppError::Conflict(
            "A public application has no secret: it proves itself with PKCE.".to_owned(),
        ));
    }
    let secret = ssr::tokens::issue();
    state.store.replace_app_secret(id, &secret.hash, caller.actor(), Utc::now()).await?;
    Ok(secret.clear)
}

/// Disables an application (everyone signed in to it is signed out, and it
/// is told) or enables it again.
#[server(endpoint = "set_app_enabled")]
pub async fn set_app_enabled(id: i64, enabled: bool) -> Result<(), AppError> {
    use domain::{
        AppStatus,
        policy::{Action, Target},
    };

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageApps, &Target::Everything)?;
    let status = if enabled { AppStatus::Active } else { AppStatus::Disabled };
    state.store.set_app_status(id, status, caller.actor(), Utc::now()).await?;
    Ok(())
}

/// Deletes an application once its name is typed to confirm.
#[server(endpoint = "delete_app")]
pub async fn delete_app(id: i64, confirm_name: String) -> Result<(), AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageApps, &Target::Everything)?;
    let app = state.store.find_app(id).await?.ok_or(AppError::NotFound)?;
    if confirm_name.trim() != app.name {
        return Err(AppError::invalid("confirm_name", "Type the application's name exactly to delete it."));
    }
    state.store.delete_app(id, caller.actor(), Utc::now()).await?;
    leptos_axum::redirect("/apps");
    Ok(())
}

/// The back-channel logouts owed to applications, newest first: queued,
/// sent or failed, and why.
#[server(endpoint = "list_logouts")]
pub async fn list_logouts(page: u32) -> Result<LogoutList, AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ManageApps, &Target::Everything)?;
    let page = page.max(1);
    let offset = domain::Paging::new(page, LOGOUTS_PER_PAGE, 0).offset();
    let found = state.store.list_logouts(i64::from(LOGOUTS_PER_PAGE), offset).await?;
    let rows = found
        .items
        .into_iter()
        .map(|l| LogoutRow {
            id: l.id,
            app_name: l.app_name,
            sid: l.sid,
            status: l.status.as_str().to_owned(),
            attempts: l.attempts,
            last_error: l.last_error,
            created_at: l.created_at,
            next_attempt_at: l.next_attempt_at,
            sent_at: l.sent_at,
        })
        .collect();
    Ok(LogoutList { rows, total: found.total, page })
}

/// The name of the active application with this client ID, for the sign-in
/// page to say where the person is going; `None` for any other. Public:
/// the app's name is on its own sign-in button anyway.
#[server(endpoint = "app_sign_in_name")]
pub async fn app_sign_in_name(client_id: String) -> Result<Option<String>, AppError> {
    let state = ssr::state()?;
    Ok(ssr::apps::active_app(&state, &client_id).await?.map(|app| app.name))
}

/// The organizations the caller may sign in to the app `client_id` as a
/// member of, for the organization picker. An unknown or disabled app is
/// not found.
#[server(endpoint = "organization_choice")]
pub async fn organization_choice(client_id: String) -> Result<OrganizationChoices, AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    let app = ssr::apps::active_app(&state, &client_id).await?.ok_or(AppError::NotFound)?;
    let organizations = caller
        .memberships
        .iter()
        .filter(|m| caller.may(Action::SignInToApp, &Target::Organization(m.organization_id)))
        .map(|m| OrganizationOption { slug: m.slug.clone(), name: m.organization_name.clone(), role: m.role })
        .collect();
    Ok(OrganizationChoices { app_name: app.name, organizations })
}
