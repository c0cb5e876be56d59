//! Sign in with Roster under load: authorization-code sign-ins (authorize
//! with a Roster session, then the code exchanged at the token endpoint)
//! and token refreshes, each as many at once as there are cores, twice.

use std::time::{Duration, Instant};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

const REDIRECT: &str = "http://127.0.0.1:9/callback";
const VERIFIER: &str = "roster-bench-pkce-verifier-of-enough-length-0123456789";

/// Registers a public app (PKCE, no secret) as the signed-in super admin;
/// answers its client ID.
pub async fn register_app(super_admin: &reqwest::Client, base: &str) -> Result<String, String> {
    let response = super_admin
        .post(format!("{base}/api/register_app"))
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&[
            ("name", "Benchmark app"),
            ("kind", "public"),
            ("redirect_uris", REDIRECT),
            ("post_logout_redirect_uris", ""),
            ("backchannel_logout_uri", ""),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body: serde_json::Value =
        response.json().await.map_err(|e| format!("register_app: {status}: {e}"))?;
    body["client_id"].as_str().map(str::to_owned).ok_or_else(|| format!("register_app: {status} {body}"))
}

fn authorize_url(base: &str, client_id: &str) -> String {
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()));
    format!(
        "{base}/oauth2/authorize?response_type=code&client_id={client_id}&redirect_uri={}&scope=openid%20profile%20email%20offline_access%20organization&state=s&code_challenge={challenge}&code_challenge_method=S256",
        form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>()
    )
}

/// One sign-in to the app: answers its token response.
async fn sign_in(member: &reqwest::Client, base: &str, client_id: &str) -> Result<serde_json::Value, String> {
    let answer = member.get(authorize_url(base, client_id)).send().await.map_err(|e| e.to_string())?;
    let location = answer
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("authorize answered {}", answer.status()))?;
    let code = url_param(location, "code").ok_or_else(|| format!("no code in {location}"))?;
    let tokens = member
        .post(format!("{base}/oauth2/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("client_id", client_id),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = tokens.status();
    let body: serde_json::Value = tokens.json().await.map_err(|e| e.to_string())?;
    if status.is_success() { Ok(body) } else { Err(format!("token endpoint: {status} {body}")) }
}

fn url_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == name).map(|(_, value)| value.into_owned())
}

/// Runs `work` in `cores × 2` loops for `period`; answers operations per second.
async fn rate<F, Fut>(period: Duration, work: F) -> Result<f64, String>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send,
{
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let started = Instant::now();
    let deadline = started + period;
    let mut workers = Vec::new();
    for _ in 0..cores * 2 {
        let work = work.clone();
        workers.push(tokio::spawn(async move {
            let mut done = 0u32;
            while Instant::now() < deadline {
                work().await?;
                done += 1;
            }
            Ok::<u32, String>(done)
        }));
    }
    let mut total = 0;
    for worker in workers {
        total += worker.await.map_err(|e| e.to_string())??;
    }
    Ok(f64::from(total) / started.elapsed().as_secs_f64())
}

/// Authorization-code sign-ins per second, then refreshes per second, by
/// the signed-in `member`.
pub async fn rates(
    member: reqwest::Client,
    base: &str,
    client_id: &str,
    period: Duration,
) -> Result<(f64, f64), String> {
    let (base, client_id) = (base.to_owned(), client_id.to_owned());
    let sign_ins = {
        let (member, base, client_id) = (member.clone(), base.clone(), client_id.clone());
        rate(period, move || {
            let (member, base, client_id) = (member.clone(), base.clone(), client_id.clone());
            async move { sign_in(&member, &base, &client_id).await.map(drop) }
        })
        .await?
    };
    // Each loop refreshes its own sign-in's rotating token.
    let refreshes = {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut tokens = Vec::new();
        for _ in 0..cores * 2 {
            let first = sign_in(&member, &base, &client_id).await?;
            tokens.push(std::sync::Arc::new(tokio::sync::Mutex::new(
                first["refresh_token"].as_str().unwrap_or_default().to_owned(),
            )));
        }
        let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        rate(period, move || {
            let (member, base, client_id) = (member.clone(), base.clone(), client_id.clone());
            let slot = tokens[next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % tokens.len()].clone();
            async move {
                let mut token = slot.lock().await;
                let answer = member
                    .post(format!("{base}/oauth2/token"))
                    .form(&[
                        ("grant_type", "refresh_token"),
                        ("refresh_token", token.as_str()),
                        ("client_id", &client_id),
                    ])
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = answer.status();
                let body: serde_json::Value = answer.json().await.map_err(|e| e.to_string())?;
                *token = body["refresh_token"]
                    .as_str()
                    .ok_or_else(|| format!("refresh: {status} {body}"))?
                    .to_owned();
                Ok(())
            }
        })
        .await?
    };
    Ok((sign_ins, refreshes))
}
