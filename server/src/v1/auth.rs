//! Who a `/v1` request is: the API key of its `Authorization: Bearer`
//! header (never a cookie), checked at every request, and counted against
//! the key's limit in the database, so the limit holds across instances.

use app::ssr::{self, AppState, Caller, RequestContext, api_keys::KeyRefusal};
use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, StatusCode, header, request::Parts},
};
use chrono::{Duration, Utc};

use super::problem::Problem;

/// Requests one key may make per minute.
pub const REQUESTS_PER_MINUTE: i64 = 600;

/// The caller behind a request's API key.
pub struct Key(pub Caller);

impl Key {
    pub fn id(&self) -> i64 {
        self.0.api_key.as_ref().map_or(0, |key| key.id)
    }
}

impl FromRequestParts<AppState> for Key {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let Some(presented) = bearer(&parts.headers) else {
            return Err(Problem::unauthorized("Send an API key: Authorization: Bearer roster_…"));
        };
        let ip = parts.extensions.get::<RequestContext>().and_then(|context| context.ip.clone());
        let now = Utc::now();
        let caller = match ssr::api_keys::authenticate(state, presented, ip, now).await? {
            Ok(caller) => caller,
            Err(refusal @ KeyRefusal::CreatorLacksScope) => {
                return Err(Problem::new(StatusCode::FORBIDDEN, "forbidden", refusal.to_string()));
            }
            Err(refusal) => return Err(Problem::unauthorized(refusal.to_string())),
        };
        let key = Self(caller);
        let bucket = format!("api-key:{}", key.id());
        if !state.store.take_rate_limit(&bucket, REQUESTS_PER_MINUTE, now - Duration::minutes(1), now).await?
        {
            return Err(Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!(
                    "This key made {REQUESTS_PER_MINUTE} requests in the last minute. Wait, then try again."
                ),
            ));
        }
        Ok(key)
    }
}

/// The token of an `Authorization: Bearer` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}
