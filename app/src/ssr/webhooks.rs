//! What the webhook server functions (`api/webhooks.rs`) share, and the
//! address check the delivery worker repeats before every request.

use std::net::{IpAddr, SocketAddr};

use base64::{Engine, engine::general_purpose::STANDARD};
use domain::{
    WebhookSettings, is_public_address,
    policy::{Action, Target},
};
use store::WebhookEndpointRecord;
use url::{Host, Url};

use super::{AppState, Caller, InOrganization, caller};
use crate::AppError;

/// How long the secret before a rotation keeps signing, so receivers can
/// switch over (Standard Webhooks: several signatures at once).
pub const ROTATION_GRACE: chrono::Duration = chrono::Duration::hours(24);

/// A fresh signing secret: `whsec_` and the base64 of 32 random bytes
/// (Standard Webhooks asks for 24 to 64).
pub fn new_secret() -> String {
    format!("whsec_{}", STANDARD.encode(rand::random::<[u8; 32]>()))
}

/// Whose endpoints a request is about: an organization's (its URL name)
/// or, with an empty `scope`, the installation's.
pub struct Scope {
    pub state: AppState,
    pub caller: Caller,
    pub organization_id: Option<i64>,
}

impl Scope {
    /// The caller may manage webhooks in `scope`, or it is not found.
    pub async fn require(scope: &str) -> Result<Self, AppError> {
        if scope.is_empty() {
            let (caller, state) = caller().await?;
            caller.require(Action::ManageWebhooks, &Target::Everything)?;
            return Ok(Self { state, caller, organization_id: None });
        }
        let InOrganization { state, caller, organization } =
            InOrganization::require(scope, Action::ManageWebhooks).await?;
        Ok(Self { state, caller, organization_id: Some(organization.id) })
    }

    /// The endpoint `id` of this scope; another scope's is not found.
    pub async fn endpoint(&self, id: i64) -> Result<WebhookEndpointRecord, AppError> {
        self.state
            .store
            .find_webhook(id)
            .await?
            .filter(|endpoint| endpoint.organization_id == self.organization_id)
            .ok_or(AppError::NotFound)
    }
}

/// A form's settings, each problem on its field; `events` is the list of
/// event names separated by commas (the form's checkboxes, joined).
pub fn settings(url: &str, description: &str, events: &str) -> Result<WebhookSettings, AppError> {
    let events: Vec<String> =
        events.split(',').map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned).collect();
    WebhookSettings::parse(url, description, &events).map_err(|e| AppError::invalid(e.field(), e))
}

/// Why a delivery may not go where its URL points.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationError {
    #[error("The address's host name could not be found.")]
    Unresolved,
    #[error(
        "The address leads to a private, loopback or link-local network, which webhooks may not reach (ROSTER_WEBHOOKS_ALLOW_PRIVATE allows it)."
    )]
    Private,
}

/// Where a delivery to `url` may connect: the addresses its host resolves
/// to, when every one of them is public (or private ones are allowed). The
/// worker connects to exactly these, so a name that resolves differently
/// a moment later (DNS rebinding) cannot redirect it.
pub async fn destinations(url: &Url, allow_private: bool) -> Result<Vec<SocketAddr>, DestinationError> {
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = match url.host() {
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(Host::Domain(name)) => {
            tokio::net::lookup_host((name, port)).await.map_err(|_| DestinationError::Unresolved)?.collect()
        }
        None => return Err(DestinationError::Unresolved),
    };
    if addresses.is_empty() {
        return Err(DestinationError::Unresolved);
    }
    if !allow_private && addresses.iter().any(|a| !is_public_address(a.ip())) {
        return Err(DestinationError::Private);
    }
    Ok(addresses)
}

/// The registration-time check of [`destinations`], reported on the URL field.
pub async fn check_destination(state: &AppState, settings: &WebhookSettings) -> Result<(), AppError> {
    destinations(&settings.url, state.settings.webhooks_allow_private)
        .await
        .map(|_| ())
        .map_err(|e| AppError::invalid("url", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_follow_standard_webhooks() {
        let secret = new_secret();
        let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
        assert_eq!(key.len(), 32);
        assert_ne!(new_secret(), secret);
    }

    #[tokio::test]
    async fn private_destinations_are_refused_unless_allowed() {
        for url in [
            "http://127.0.0.1:9/",
            "http://[::1]/",
            "http://10.0.0.1/",
            "http://169.254.169.254/",
            "http://localhost/",
        ] {
            let url = Url::parse(url).unwrap();
            assert_eq!(destinations(&url, false).await, Err(DestinationError::Private), "{url}");
            assert!(destinations(&url, true).await.is_ok(), "{url}");
        }
        let public = Url::parse("https://93.184.216.34/hooks").unwrap();
        assert_eq!(destinations(&public, false).await.unwrap(), ["93.184.216.34:443".parse().unwrap()]);
    }
}
