//! The SCIM service provider under load: users created per second (as an
//! identity provider's first sync makes them, several at a time), and GETs
//! filtered the way Okta and Entra look people up, at the organization's
//! full size.

use std::time::{Duration, Instant};

use futures::{StreamExt, stream};
use serde_json::{Value, json};

use crate::{ORGANIZATION, figures::Figures};

/// Requests per token: under the limit of 1,200 a minute, so the benchmark
/// measures the service provider, not the rate limit.
const REQUESTS_PER_TOKEN: usize = 1_000;
/// Creations in flight at once: an identity provider's sync runs a few in parallel.
const IN_FLIGHT: usize = 8;

/// Makes a SCIM token of the measured organization as the signed-in admin.
async fn new_token(admin: &reqwest::Client, base: &str, name: &str) -> Result<String, String> {
    let response = admin
        .post(format!("{base}/api/create_scim_token"))
        .form(&[("slug", ORGANIZATION), ("name", name)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    match body["secret"].as_str() {
        Some(secret) if status.is_success() => Ok(secret.to_owned()),
        _ => Err(format!("creating a SCIM token: {status} {body}")),
    }
}

async fn send(token: &str, request: reqwest::RequestBuilder) -> Result<(Duration, Value), String> {
    let started = Instant::now();
    let response = request.bearer_auth(token).send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    let took = started.elapsed();
    if !status.is_success() {
        return Err(format!("SCIM: {status} {}", String::from_utf8_lossy(&body)));
    }
    Ok((took, serde_json::from_slice(&body).map_err(|e| e.to_string())?))
}

/// Creates `users` people through `POST /Users`, `IN_FLIGHT` at a time:
/// creations per second and each creation's latency.
pub async fn creations(admin: &reqwest::Client, base: &str, users: usize) -> Result<(f64, Figures), String> {
    let mut tokens = Vec::new();
    for n in 0..users.div_ceil(REQUESTS_PER_TOKEN) {
        tokens.push(new_token(admin, base, &format!("bench create {n}")).await?);
    }
    let client = reqwest::Client::new();
    let endpoint = format!("{base}/scim/v2/orgs/{ORGANIZATION}/Users");
    let run = format!("{:x}", std::process::id());
    let started = Instant::now();
    let results: Vec<Result<Duration, String>> = stream::iter(0..users)
        .map(|n| {
            let (client, endpoint, token) =
                (client.clone(), endpoint.clone(), tokens[n / REQUESTS_PER_TOKEN].clone());
            let email = format!("scim.{run}.{n}@provisioned.example");
            async move {
                let user = json!({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "userName": email,
                    "externalId": format!("bench-{n}"),
                    "name": { "givenName": "Provisioned", "familyName": format!("Person {n}") },
                    "emails": [{ "value": email, "type": "work", "primary": true }],
                    "active": true,
                });
                let request = client
                    .post(&endpoint)
                    .header("Content-Type", "application/scim+json")
                    .body(user.to_string());
                send(&token, request).await.map(|(took, _)| took)
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    let mut figures = Figures::default();
    for result in results {
        figures.record(result?, "create".to_owned());
    }
    Ok((users as f64 / elapsed, figures))
}

/// Looks members up one by one as identity providers do before creating
/// or updating them: `userName eq` (every provider), `emails.value eq`,
/// `externalId eq`, and a `userName sw` prefix, spread over the whole
/// organization.
pub async fn filtered_gets(admin: &reqwest::Client, base: &str, members: u32) -> Result<Figures, String> {
    let token = new_token(admin, base, "bench lookups").await?;
    let client = reqwest::Client::new();
    let users = format!("{base}/scim/v2/orgs/{ORGANIZATION}/Users");
    // Addresses from across the list, read by paging.
    let mut addresses = Vec::new();
    let step = (members as usize / 50).max(1);
    for start in (1..members as usize).step_by(step).take(50) {
        let request =
            client.get(&users).query(&[("startIndex", start.to_string()), ("count", "1".to_owned())]);
        let (_, page) = send(&token, request).await?;
        if let Some(user_name) = page["Resources"][0]["userName"].as_str() {
            addresses.push(user_name.to_owned());
        }
    }
    let mut figures = Figures::default();
    for (n, address) in addresses.iter().enumerate() {
        let filters = [
            format!("userName eq \"{address}\""),
            format!("emails.value eq \"{}\"", address.to_uppercase()),
            format!("externalId eq \"bench-{n}\""),
            format!("userName sw \"{}\"", &address[..address.len().min(6)]),
        ];
        for filter in filters {
            let request = client.get(&users).query(&[("filter", filter.as_str()), ("count", "100")]);
            let (took, body) = send(&token, request).await?;
            if filter.starts_with("userName eq") && body["totalResults"] != json!(1) {
                return Err(format!("{filter} found {}", body["totalResults"]));
            }
            figures.record(took, filter);
        }
    }
    Ok(figures)
}
