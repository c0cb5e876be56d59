use std::sync::Arc;

use axum::{extract::State, http::StatusCode};
use store::Store;

/// Answers while the process runs.
pub async fn live() -> &'static str {
    "ok"
}

/// Answers while the database does, so a load balancer stops sending traffic
/// to an instance that has lost it.
pub async fn ready(State(store): State<Arc<dyn Store>>) -> (StatusCode, &'static str) {
    match store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
