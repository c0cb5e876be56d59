//! SCIM provisioning (`api/scim.rs`, and the service provider in
//! `server::scim`): an organization's tokens (API keys of purpose
//! [`KeyPurpose::Scim`], their secret shown once), its settings and
//! latest requests, and recognising a token on a `/scim/v2` request.

use chrono::{DateTime, Duration, Utc};
use domain::{ApiKeyName, Role, policy::Action};
use store::{ApiKeyRecord, ApiKeyScope, ApiKeyState, KeyPurpose, NewApiKey, OrganizationRecord, WelcomeLink};

use super::{
    AppState,
    access::Caller,
    api_keys::{self, KeyRefusal},
    emails, invitations, tokens,
};
use crate::{
    AppError,
    api::{ApiKeyRow, ScimGroupName, ScimRequestRow},
};

/// What every SCIM token starts with: recognisable, and never mistaken
/// for a management key.
pub const TOKEN_PREFIX: &str = "roster_scim_";
/// A token in steady use records its last use at most this often.
const USE_NOTED_EVERY: Duration = Duration::minutes(1);
/// Requests the Provisioning page lists.
const REQUESTS_SHOWN: i64 = 50;
/// The longest display name a role's group may have.
const MAX_GROUP_NAME: usize = 100;

fn target(organization: &OrganizationRecord) -> domain::policy::Target {
    domain::policy::Target::Organization(organization.id)
}

pub async fn list_tokens(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
) -> Result<Vec<ApiKeyRow>, AppError> {
    caller.require(Action::ManageScim, &target(organization))?;
    let now = Utc::now();
    let keys = state.store.list_api_keys(ApiKeyScope::Scim(organization.id)).await?;
    Ok(keys.into_iter().map(|key| row(key, now)).collect())
}

fn row(key: ApiKeyRecord, now: DateTime<Utc>) -> ApiKeyRow {
    let mut row = api_keys::row(key, now);
    row.prefix = row.prefix.replacen(api_keys::KEY_PREFIX, TOKEN_PREFIX, 1);
    row
}

/// Makes a token for the organization's identity provider; returns it
/// with its secret, which is not kept.
pub async fn create_token(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    name: &str,
) -> Result<(ApiKeyRow, String), AppError> {
    caller.require(Action::ManageScim, &target(organization))?;
    let name = ApiKeyName::parse(name).map_err(|e| AppError::invalid("name", e))?;
    let now = Utc::now();
    let random = tokens::issue().clear;
    let secret = format!("{TOKEN_PREFIX}{random}");
    let key = NewApiKey {
        organization_id: Some(organization.id),
        purpose: KeyPurpose::Scim,
        name: name.as_str().to_owned(),
        prefix: random.chars().take(8).collect(),
        secret_hash: tokens::hash(&secret),
        expires_at: None,
    };
    let record = state.store.create_api_key(key, caller.actor(), now).await?;
    Ok((row(record, now), secret))
}

/// Revokes a token of the organization; another's is "not found".
pub async fn revoke_token(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    id: i64,
) -> Result<(), AppError> {
    caller.require(Action::ManageScim, &target(organization))?;
    let key = state.store.find_api_key(id).await?.ok_or(AppError::NotFound)?;
    if key.organization_id != Some(organization.id) || key.purpose != KeyPurpose::Scim {
        return Err(AppError::NotFound);
    }
    Ok(state.store.revoke_api_key(id, caller.actor(), Utc::now()).await?)
}

pub async fn settings(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
) -> Result<(bool, Vec<ScimGroupName>), AppError> {
    caller.require(Action::ManageScim, &target(organization))?;
    let settings = state.store.scim_settings(organization.id).await?;
    let groups = settings
        .group_names
        .into_iter()
        .map(|(role, display_name)| ScimGroupName { role: role.as_str().to_owned(), display_name })
        .collect();
    Ok((settings.welcome_email, groups))
}

pub async fn set_welcome_email(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    on: bool,
) -> Result<(), AppError> {
    caller.require(Action::ManageScim, &target(organization))?;
    Ok(state.store.set_scim_welcome_email(organization.id, on, caller.actor(), Utc::now()).await?)
}

/// A group display name as given: trimmed, 1 to 100 characters, no control characters.
pub fn group_name(display_name: &str) -> Result<String, String> {
    let name = display_name.trim();
    if name.is_empty() {
        return Err("Enter the group's name.".to_owned());
    }
    if name.chars().count() > MAX_GROUP_NAME {
        return Err(format!("A group name has at most {MAX_GROUP_NAME} characters."));
    }
    if name.chars().any(char::is_control) {
        return Err("A group name cannot contain control characters.".to_owned());
    }
    Ok(name.to_owned())
}

/// Renames a role's group, refusing a name another of the three groups has.
pub async fn rename_group(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
    role: &str,
    display_name: &str,
) -> Result<(), AppError> {
    caller.require(Action::ManageScim, &target(organization))?;
    let role: Role =
        role.parse().map_err(|_| AppError::invalid("role", "Choose the admin, editor or viewer group."))?;
    let name = group_name(display_name).map_err(|e| AppError::invalid("display_name", e))?;
    let settings = state.store.scim_settings(organization.id).await?;
    if settings
        .group_names
        .iter()
        .any(|(other, existing)| *other != role && existing.eq_ignore_ascii_case(&name))
    {
        return Err(AppError::invalid("display_name", "Another group has this name."));
    }
    Ok(state.store.rename_scim_group(organization.id, role, &name, caller.actor(), Utc::now()).await?)
}

pub async fn recent_requests(
    state: &AppState,
    caller: &Caller,
    organization: &OrganizationRecord,
) -> Result<Vec<ScimRequestRow>, AppError> {
    caller.require(Action::ManageScim, &target(organization))?;
    let requests = state.store.recent_scim_requests(organization.id, REQUESTS_SHOWN).await?;
    Ok(requests
        .into_iter()
        .map(|r| ScimRequestRow {
            at: r.at,
            token: r.token_name,
            method: r.method,
            path: r.path,
            status: r.status,
            outcome: r.outcome,
        })
        .collect())
}

/// The token of a `/scim/v2` request, checked at every request: it
/// exists, is a SCIM token, and is not revoked. Notes its use, at most
/// once a minute.
pub async fn authenticate(
    state: &AppState,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<Result<ApiKeyRecord, KeyRefusal>, AppError> {
    if !presented.starts_with(TOKEN_PREFIX) || presented.len() > 128 {
        return Ok(Err(KeyRefusal::Unknown));
    }
    let Some(key) = state.store.find_api_key_by_hash(&tokens::hash(presented)).await? else {
        return Ok(Err(KeyRefusal::Unknown));
    };
    if key.purpose != KeyPurpose::Scim || key.organization_id.is_none() {
        return Ok(Err(KeyRefusal::Unknown));
    }
    match key.state(now) {
        ApiKeyState::Active => {}
        ApiKeyState::Revoked => return Ok(Err(KeyRefusal::Revoked)),
        ApiKeyState::Expired => return Ok(Err(KeyRefusal::Expired)),
    }
    if key.last_used_at.is_none_or(|at| at < now - USE_NOTED_EVERY) {
        state.store.note_api_key_use(key.id, now, now - USE_NOTED_EVERY).await?;
    }
    Ok(Ok(key))
}

/// The email and link a person SCIM creates gets, if the organization
/// sends them (the store sends it only to an account with no password).
pub fn welcome(state: &AppState, organization: &OrganizationRecord, recipient: &str) -> WelcomeLink {
    let token = tokens::issue();
    // As long as an invitation: the person may not read their mail today.
    let expires_at = Utc::now() + invitations::INVITATION_LIFETIME;
    let link = state.settings.link(&format!("/reset-password?token={}", token.clear));
    let mail = emails::welcome(&emails::Welcome {
        recipient,
        organization: &organization.name,
        link: &link,
        expires_at,
    });
    if !state.settings.mail_delivery {
        tracing::info!(to = recipient, link = %link, "no SMTP server configured: welcome email kept in the outbox");
    }
    WelcomeLink { token_hash: token.hash, expires_at, mail }
}
