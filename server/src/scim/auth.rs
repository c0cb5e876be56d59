//! Who a `/scim/v2/orgs/{slug}` request is: the SCIM token of its
//! `Authorization: Bearer` header (never a cookie), which must belong to
//! the organization the path names (another organization's answers 404,
//! as if absent), counted against the token's limit in the database so the
//! limit holds across instances.

use app::ssr::{self, AppState, RequestContext};
use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, StatusCode, header, request::Parts},
};
use chrono::{Duration, Utc};
use domain::policy::{self, Action, Decision, Refusal, Target};
use store::{ApiKeyRecord, OrganizationRecord};

use super::{LogSlot, error::ScimError};

/// Requests one token may make per minute: an identity provider's full
/// sync runs at a few per second.
pub const REQUESTS_PER_MINUTE: i64 = 1_200;

/// An organization's directory, speaking through one of its SCIM tokens.
pub struct Directory {
    pub token: ApiKeyRecord,
    pub organization: OrganizationRecord,
    policy: policy::Actor,
    ip: Option<String>,
}

impl Directory {
    /// Asks the policy: out of scope is "not found"; a rule met within it
    /// is refused with the rule in words.
    pub fn require(&self, action: Action, target: &Target) -> Result<(), ScimError> {
        match policy::decide(&self.policy, action, target) {
            Decision::Allow => Ok(()),
            Decision::Deny(Refusal::OutOfScope) => Err(ScimError::not_found()),
            Decision::Deny(refusal) => Err(ScimError::new(StatusCode::FORBIDDEN, None, refusal.to_string())),
        }
    }

    /// Whom the audit log names: the token, and the person who made it.
    pub fn actor(&self) -> store::Actor {
        store::Actor { user_id: self.token.created_by, ip: self.ip.clone(), api_key_id: Some(self.token.id) }
    }
}

/// The organization slug of a SCIM path.
fn slug(path: &str) -> Option<&str> {
    path.strip_prefix("/scim/v2/orgs/")?.split('/').next().filter(|s| !s.is_empty())
}

impl FromRequestParts<AppState> for Directory {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ScimError> {
        let Some(presented) = bearer(&parts.headers) else {
            return Err(ScimError::unauthorized("Send a SCIM token: Authorization: Bearer roster_scim_…"));
        };
        let now = Utc::now();
        let token = match ssr::scim::authenticate(state, presented, now).await? {
            Ok(token) => token,
            Err(refusal) => return Err(ScimError::unauthorized(refusal.to_string())),
        };
        let organization = match slug(parts.uri.path()) {
            Some(slug) => ssr::access::organization(state, slug).await.ok(),
            None => None,
        };
        let Some(organization) = organization.filter(|o| Some(o.id) == token.organization_id) else {
            return Err(ScimError::not_found());
        };
        if let Some(slot) = parts.extensions.get::<LogSlot>() {
            slot.fill(organization.id, token.id);
        }
        let active = organization.status == domain::OrganizationStatus::Active;
        let Some(policy) = policy::directory_actor(organization.id, active) else {
            return Err(ScimError::new(StatusCode::FORBIDDEN, None, "The organization is suspended."));
        };
        let bucket = format!("scim-token:{}", token.id);
        if !state.store.take_rate_limit(&bucket, REQUESTS_PER_MINUTE, now - Duration::minutes(1), now).await?
        {
            return Err(ScimError::new(
                StatusCode::TOO_MANY_REQUESTS,
                None,
                format!(
                    "This token made {REQUESTS_PER_MINUTE} requests in the last minute. Wait, then try again."
                ),
            ));
        }
        let ip = parts.extensions.get::<RequestContext>().and_then(|context| context.ip.clone());
        Ok(Self { token, organization, policy, ip })
    }
}

/// The token of an `Authorization: Bearer` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_slug_is_the_path_segment_after_orgs() {
        assert_eq!(super::slug("/scim/v2/orgs/acme/Users/3"), Some("acme"));
        assert_eq!(super::slug("/scim/v2/orgs/acme"), Some("acme"));
        assert_eq!(super::slug("/scim/v2/orgs/"), None);
        assert_eq!(super::slug("/scim/v2/Users"), None);
    }
}
