//! A webhook receiver for the tests, and the independent verifier of what
//! it received (npm's `standardwebhooks`).

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
};

use axum::{extract::State, http::HeaderMap, http::StatusCode as AxumStatus, routing::post};
use serde_json::{Value, json};

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HashMap<String, String>,
    pub body: String,
    /// Whether the receiver accepted it (answered 204).
    pub accepted: bool,
}

/// An HTTP server on a free port of 127.0.0.1 that records every request,
/// and answers 204, or 503 while it is "down".
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    /// While set, the receiver answers 503.
    pub down: Arc<AtomicBool>,
}

impl Receiver {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let receiver = Self { url, received: Arc::default(), down: Arc::default() };
        let app = axum::Router::new().route("/hooks", post(record)).with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        receiver
    }

    pub fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn accepted(&self) -> Vec<Received> {
        self.all().into_iter().filter(|r| r.accepted).collect()
    }
}

async fn record(State(receiver): State<Receiver>, headers: HeaderMap, body: String) -> AxumStatus {
    let accepted = !receiver.down.load(Ordering::SeqCst);
    let headers = headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap_or_default().to_owned()))
        .collect();
    receiver.received.lock().unwrap().push(Received { headers, body, accepted });
    if accepted { AxumStatus::NO_CONTENT } else { AxumStatus::SERVICE_UNAVAILABLE }
}

/// The payloads of `deliveries` as npm's `standardwebhooks` verified them
/// with `secret`; panics if it refuses any.
pub fn verified(secret: &str, deliveries: &[Received]) -> Vec<Value> {
    verify(secret, deliveries).unwrap_or_else(|refusal| panic!("standardwebhooks refused: {refusal}"))
}

pub fn verify(secret: &str, deliveries: &[Received]) -> Result<Vec<Value>, String> {
    let input: Vec<Value> = deliveries
        .iter()
        .map(|d| json!({ "secret": secret, "headers": d.headers, "body": d.body }))
        .collect();
    let verified = super::run_node_script("verify-webhooks.cjs", &Value::Array(input))?;
    Ok(serde_json::from_value(verified).unwrap())
}
