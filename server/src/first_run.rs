use app::ssr::{Settings, tokens};
use chrono::{Duration, Utc};
use store::{Store, StoreError};

/// How long a printed setup link works.
const SETUP_LINK_LIFETIME: Duration = Duration::hours(24);

/// While no super admin exists, issues a fresh one-time setup link.
pub async fn setup_link(store: &dyn Store, settings: &Settings) -> Result<Option<String>, StoreError> {
    if store.super_admin_exists().await? {
        return Ok(None);
    }
    let token = tokens::issue();
    let now = Utc::now();
    store.replace_setup_token(&token.hash, now, now + SETUP_LINK_LIFETIME).await?;
    Ok(Some(settings.link(&format!("/setup?token={}", token.clear))))
}
