//! The management API and webhooks under load: the members list through
//! `/v1` (first slices of every search and filter, then the whole list
//! walked by cursor, to show that deep slices cost what the first does),
//! and how fast the worker delivers queued webhook events to a receiver.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{Router, extract::State, http::HeaderMap, http::StatusCode, routing::post};
use serde_json::Value;

use crate::{ORGANIZATION, figures::Figures};

/// Requests per key: under the API's 600 a minute, so the benchmark
/// measures the list, not the rate limit.
const REQUESTS_PER_KEY: usize = 500;
/// The API's largest slice.
const LIMIT: usize = 500;

/// Makes a key of the measured organization as the signed-in admin.
async fn new_key(admin: &reqwest::Client, base: &str, name: &str) -> Result<String, String> {
    let response = admin
        .post(format!("{base}/api/create_api_key"))
        .form(&[("slug", ORGANIZATION), ("name", name), ("expires_in_days", "")])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    match body["secret"].as_str() {
        Some(secret) if status.is_success() => Ok(secret.to_owned()),
        _ => Err(format!("creating an API key: {status} {body}")),
    }
}

/// Keys enough for `requests`, handed out in turn.
struct Keys {
    keys: Vec<String>,
    used: usize,
}

impl Keys {
    async fn new(admin: &reqwest::Client, base: &str, requests: usize) -> Result<Self, String> {
        let mut keys = Vec::new();
        for n in 0..requests.div_ceil(REQUESTS_PER_KEY) {
            keys.push(new_key(admin, base, &format!("bench {n}")).await?);
        }
        Ok(Self { keys, used: 0 })
    }

    fn next(&mut self) -> &str {
        let key = &self.keys[(self.used / REQUESTS_PER_KEY) % self.keys.len()];
        self.used += 1;
        key
    }
}

/// One `/v1` members slice: its duration, item count and next cursor.
async fn slice(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    query: &str,
) -> Result<(Duration, usize, Option<String>), String> {
    let started = Instant::now();
    let response = client
        .get(format!("{base}/v1/organizations/{ORGANIZATION}/members?{query}"))
        .bearer_auth(key)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    let took = started.elapsed();
    if !status.is_success() {
        return Err(format!("/v1 members?{query}: {status} {}", String::from_utf8_lossy(&body)));
    }
    let body: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let items = body["items"].as_array().map_or(0, Vec::len);
    Ok((took, items, body["next_cursor"].as_str().map(str::to_owned)))
}

/// The `/v1` members list: first slices of the table's searches and
/// filters in each order, and a walk through all `members` by cursor.
pub async fn members_list(
    admin: &reqwest::Client,
    base: &str,
    members: u32,
) -> Result<(Figures, Figures), String> {
    let searches = ["", "an", "garcia", "lucia.s", "no such person"];
    let filters = ["", "role=viewer", "status=suspended", "signin=never"];
    let sorts = ["sort=name", "sort=email", "sort=last_sign_in&dir=desc", "sort=joined&dir=desc"];
    let walk = (members as usize).div_ceil(LIMIT) + 1;
    let first_slices = searches.len() * filters.len() * sorts.len();
    let mut keys = Keys::new(admin, base, first_slices + walk).await?;
    let client = reqwest::Client::new();

    let mut first = Figures::default();
    for search in searches {
        for filter in filters {
            for sort in sorts {
                let query = format!("q={}&{filter}&{sort}&limit=50", search.replace(' ', "%20"));
                let (took, _, _) = slice(&client, base, keys.next(), &query).await?;
                first.record(took, query);
            }
        }
    }

    let mut deep = Figures::default();
    let mut cursor: Option<String> = None;
    let mut seen = 0;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("sort=name&limit={LIMIT}&cursor={cursor}"),
            None => format!("sort=name&limit={LIMIT}"),
        };
        let (took, items, next) = slice(&client, base, keys.next(), &query).await?;
        seen += items;
        deep.record(took, format!("slice from member {}", seen - items));
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    // The seeded members and the organization's own admin.
    if seen < members as usize {
        return Err(format!("walking the list by cursor gave {seen} members of at least {members}"));
    }
    Ok((first, deep))
}

#[derive(Clone, Default)]
struct Arrivals(Arc<Mutex<Vec<(Instant, String)>>>);

async fn arrive(State(arrivals): State<Arrivals>, headers: HeaderMap) -> StatusCode {
    let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    arrivals.0.lock().map(|mut all| all.push((Instant::now(), id))).ok();
    StatusCode::NO_CONTENT
}

/// Queues `events` test events for an endpoint listening on this machine,
/// then waits for them all: deliveries per second (from the first arrival
/// to the last) and each event's time from queued to received.
pub async fn webhook_deliveries(
    admin: &reqwest::Client,
    base: &str,
    events: usize,
) -> Result<(f64, Figures), String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let url = format!("http://{}/hooks", listener.local_addr().map_err(|e| e.to_string())?);
    let arrivals = Arrivals::default();
    let receiver = Router::new().route("/hooks", post(arrive)).with_state(arrivals.clone());
    let server = tokio::spawn(async move { axum::serve(listener, receiver).await });

    let response = admin
        .post(format!("{base}/api/register_webhook"))
        .form(&[
            ("scope", ORGANIZATION),
            ("url", &url),
            ("description", "bench"),
            ("events", "member.invited"),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    let Some(id) = body["id"].as_i64().filter(|_| status.is_success()) else {
        return Err(format!("registering a webhook endpoint: {status} {body}"));
    };
    let id = id.to_string();
    let mut queued = Vec::with_capacity(events);
    for _ in 0..events {
        let at = Instant::now();
        let response = admin
            .post(format!("{base}/api/send_test_webhook"))
            .form(&[("scope", ORGANIZATION), ("id", id.as_str())])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let message: Value = response.json().await.map_err(|e| e.to_string())?;
        let Some(message) = message.as_str().filter(|_| status.is_success()) else {
            return Err(format!("queueing a test event: {status} {message}"));
        };
        queued.push((at, message.to_owned()));
    }
    let deadline = Instant::now() + Duration::from_secs(300);
    while arrivals.0.lock().map_or(0, |all| all.len()) < events {
        if Instant::now() > deadline {
            return Err("the webhook deliveries did not all arrive within 5 minutes".to_owned());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.abort();
    let arrived = arrivals.0.lock().map(|all| all.clone()).unwrap_or_default();
    let mut figures = Figures::default();
    for (at, message) in &queued {
        let Some((received, _)) = arrived.iter().find(|(_, id)| id == message) else {
            return Err(format!("message {message} never arrived"));
        };
        figures.record(received.duration_since(*at), message.clone());
    }
    let first = arrived.iter().map(|(at, _)| *at).min();
    let last = arrived.iter().map(|(at, _)| *at).max();
    let span = match (first, last) {
        (Some(first), Some(last)) => last.duration_since(first).as_secs_f64(),
        _ => 0.0,
    };
    let rate = if span > 0.0 { (events - 1) as f64 / span } else { 0.0 };
    Ok((rate, figures))
}
