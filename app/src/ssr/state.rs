use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use store::Store;
use url::Url;

use super::SessionPolicy;

/// Everything a request handler or server function may need, built once at
/// start-up and shared (cheaply cloned) by every request.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// The address people reach Roster at; links in emails and the console start with it.
    pub public_url: Url,
    pub sessions: SessionPolicy,
    /// Whether an SMTP server is configured. Without one, mail stays in the
    /// outbox and the links it carries are logged, so a local install can
    /// still complete an invitation.
    pub mail_delivery: bool,
    /// Whether webhook endpoints may be on loopback, private or link-local
    /// addresses (`ROSTER_WEBHOOKS_ALLOW_PRIVATE`, for tests and closed networks).
    pub webhooks_allow_private: bool,
}

impl Settings {
    /// Cookies are marked `Secure` exactly when Roster is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// An absolute link to `path` (which must start with `/`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.public_url.as_str().trim_end_matches('/'), path)
    }
}
