//! Sign-ins with an authenticator app: a password, then a code, for people
//! who each enrolled one (a code works once, so each sign-in is another
//! person's).

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::{ORGANIZATION, PASSWORD, workload};

fn code(secret: &str, steps_ahead: i64) -> Result<String, String> {
    let secret = totp_rs::Secret::try_from_base32(secret).map_err(|e| e.to_string())?;
    let totp = totp_rs::Builder::new()
        .with_secret(secret)
        .with_account_name("bench")
        .build()
        .map_err(|e| e.to_string())?;
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?;
    let at = now.as_secs().saturating_add_signed(30 * steps_ahead);
    Ok(totp.generate(at).to_string())
}

async fn call(
    client: &reqwest::Client,
    base: &str,
    function: &str,
    form: &[(&str, &str)],
) -> Result<String, String> {
    let response =
        client.post(format!("{base}/api/{function}")).form(form).send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.text().await.map_err(|e| e.to_string())?;
    if status.is_success() || status.is_redirection() {
        Ok(body)
    } else {
        Err(format!("{function}: {status} {body}"))
    }
}

/// Active members' addresses, read from the members table as their admin would.
async fn active_members(admin: &reqwest::Client, base: &str, wanted: usize) -> Result<Vec<String>, String> {
    let mut emails = Vec::new();
    let mut page = 1;
    while emails.len() < wanted {
        let query = format!("status=active&role=viewer&size=100&page={page}");
        let body = call(admin, base, "list_members", &[("slug", ORGANIZATION), ("query", &query)]).await?;
        let list: serde_json::Value = serde_json::from_str(&body).map_err(|e| e.to_string())?;
        let rows = list["rows"].as_array().cloned().unwrap_or_default();
        if rows.is_empty() {
            break;
        }
        emails.extend(rows.iter().filter_map(|row| row["email"].as_str().map(str::to_owned)));
        page += 1;
    }
    emails.truncate(wanted);
    Ok(emails)
}

/// Enrolls `people` members, then signs them in (password and code) as many
/// at once as twice the cores, for at most `period`: sign-ins per second.
pub async fn sign_ins(
    admin: &reqwest::Client,
    base: &str,
    people: usize,
    period: Duration,
) -> Result<f64, String> {
    let mut enrolled = VecDeque::new();
    for email in active_members(admin, base, people).await? {
        let member = workload::signed_in(base, &email, PASSWORD).await?;
        let setup: serde_json::Value =
            serde_json::from_str(&call(&member, base, "start_totp_setup", &[]).await?)
                .map_err(|e| e.to_string())?;
        let secret = setup["secret"].as_str().ok_or("no secret in the setup")?.to_owned();
        let now = code(&secret, 0)?;
        call(
            &member,
            base,
            "confirm_totp",
            &[("factor_name", "Bench phone"), ("secret", &secret), ("code", &now)],
        )
        .await?;
        enrolled.push_back((email, secret));
    }
    let queue = Arc::new(Mutex::new(enrolled));
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let deadline = Instant::now() + period;
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..cores * 2 {
        let (base, queue) = (base.to_owned(), Arc::clone(&queue));
        workers.push(tokio::spawn(async move {
            let mut done = 0u32;
            while Instant::now() < deadline {
                let Some((email, secret)) = queue.lock().map_err(|e| e.to_string())?.pop_front() else {
                    break;
                };
                let client = reqwest::Client::builder()
                    .cookie_store(true)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| e.to_string())?;
                call(&client, &base, "sign_in", &[("email", &email), ("password", PASSWORD)]).await?;
                // The enrollment spent this step's code: the next one (an app a little fast).
                let next = code(&secret, 1)?;
                call(&client, &base, "verify_second_step", &[("code", &next)]).await?;
                let me = call(&client, &base, "current_user", &[]).await?;
                if !me.contains(&email) {
                    return Err(format!("{email} is not signed in after the second step: {me}"));
                }
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
