//! The record of SCIM requests that the Provisioning page lists: each
//! request that an organization's token authenticated, with its status and
//! what came of it, so an admin can see why their identity provider's sync
//! stalls without reading server logs.

use std::sync::{Arc, Mutex};

use app::ssr::AppState;
use axum::{extract::Request, extract::State, middleware::Next, response::Response};
use chrono::Utc;
use store::NewScimRequest;

/// The longest path (with its query) kept for a request.
const MAX_PATH_CHARS: usize = 300;
/// The longest outcome kept.
const MAX_OUTCOME_CHARS: usize = 500;

/// What a response says came of its request, for the log: an error's
/// `detail`, or what a change did.
#[derive(Debug, Clone)]
pub struct Outcome(pub String);

/// Filled by [`super::auth::Directory`] once a token is known: whose log
/// the request goes into. A request no token authenticated is not logged
/// (it belongs to no organization that could be shown it).
#[derive(Debug, Clone, Default)]
pub struct LogSlot(Arc<Mutex<Option<(i64, i64)>>>);

impl LogSlot {
    pub fn fill(&self, organization_id: i64, api_key_id: i64) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((organization_id, api_key_id));
        }
    }

    fn taken(&self) -> Option<(i64, i64)> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

pub async fn record(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let slot = LogSlot::default();
    request.extensions_mut().insert(slot.clone());
    let method = request.method().to_string();
    let path: String = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.uri().path().to_owned(), |p| p.as_str().to_owned())
        .chars()
        .take(MAX_PATH_CHARS)
        .collect();
    let response = next.run(request).await;
    if let Some((organization_id, api_key_id)) = slot.taken() {
        let status = response.status();
        let outcome = match response.extensions().get::<Outcome>() {
            Some(Outcome(text)) => text.chars().take(MAX_OUTCOME_CHARS).collect(),
            None => status.canonical_reason().unwrap_or_default().to_owned(),
        };
        let entry = NewScimRequest {
            organization_id,
            api_key_id,
            at: Utc::now(),
            method,
            path,
            status: i32::from(status.as_u16()),
            outcome,
        };
        // The request has been answered as it should; a log that cannot
        // be written is the operator's to hear of, not the directory's.
        if let Err(error) = state.store.log_scim_request(entry).await {
            tracing::error!(%error, "could not note a SCIM request");
        }
    }
    response
}
