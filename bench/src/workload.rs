//! What the benchmark asks Roster, over HTTP, as the browser would.

use std::time::{Duration, Instant};

use domain::{MemberSort, MemberView, MembershipStatus, Role, SignInFilter};

use crate::{ADMIN, ORGANIZATION, PASSWORD, figures::Figures};

/// A client with a signed-in session of `email`.
pub async fn signed_in(base: &str, email: &str, password: &str) -> Result<reqwest::Client, String> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    sign_in(&client, base, email, password).await?;
    Ok(client)
}

async fn sign_in(client: &reqwest::Client, base: &str, email: &str, password: &str) -> Result<(), String> {
    let response = client
        .post(format!("{base}/api/sign_in"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_success() || response.status().is_redirection() {
        Ok(())
    } else {
        Err(format!("signing in as {email}: {}", response.status()))
    }
}

/// Every search × role × status × last sign-in × sort × direction, on the
/// first page and on the last (the deepest offset).
fn every_view() -> Vec<MemberView> {
    // A common fragment, a family name, an address fragment, nothing.
    let searches = ["", "an", "garcia", "lucia.s", "no such person"];
    let roles = [None, Some(Role::Viewer), Some(Role::Admin)];
    let statuses = [None, Some(MembershipStatus::Active), Some(MembershipStatus::Suspended)];
    let sign_ins = [None, Some(SignInFilter::Never), Some(SignInFilter::InactiveDays(90))];
    let mut views = Vec::new();
    for search in searches {
        for role in roles {
            for status in statuses {
                for sign_in in sign_ins {
                    for sort in MemberSort::ALL {
                        for descending in [false, true] {
                            for page in [1, 1_000_000_000] {
                                views.push(MemberView {
                                    search: search.to_owned(),
                                    role,
                                    status,
                                    sign_in,
                                    sort,
                                    descending,
                                    page,
                                    ..MemberView::default()
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    views
}

/// The search term of a members page query.
pub fn search_of(query: &str) -> String {
    MemberView::from_query(|key| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
            .map(|v| v.replace("%20", " "))
    })
    .search
}

async fn list(client: &reqwest::Client, base: &str, query: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let response = client
        .post(format!("{base}/api/list_members"))
        .form(&[("slug", ORGANIZATION), ("query", query)])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    let took = started.elapsed();
    if !status.is_success() {
        return Err(format!("list_members?{query}: {status} {}", String::from_utf8_lossy(&body)));
    }
    Ok(took)
}

/// A few hundred requests first, so caches are as in a running server.
pub async fn warm_up(client: &reqwest::Client, base: &str) -> Result<(), String> {
    for view in every_view().iter().step_by(7) {
        list(client, base, &view.to_query()).await?;
    }
    Ok(())
}

pub async fn every_list_combination(client: &reqwest::Client, base: &str) -> Result<Figures, String> {
    let mut figures = Figures::default();
    for view in every_view() {
        let query = view.to_query();
        figures.record(list(client, base, &query).await?, query);
    }
    Ok(figures)
}

/// The members page as a browser first loads it: complete HTML.
pub async fn members_page(client: &reqwest::Client, base: &str) -> Result<Figures, String> {
    let mut figures = Figures::default();
    let views = every_view();
    for view in views.iter().step_by(views.len() / 300) {
        let query = view.to_query();
        let started = Instant::now();
        let response = client
            .get(format!("{base}/orgs/{ORGANIZATION}/members?{query}"))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() || !body.contains("<table") && !body.contains("No member matches") {
            return Err(format!("members page?{query}: {status}"));
        }
        figures.record(started.elapsed(), query);
    }
    Ok(figures)
}

/// Sign-ins in a loop, as many at once as there are cores, for `period`,
/// while one client keeps listing members. Returns the sign-in rate and
/// the list's figures meanwhile.
pub async fn sign_ins_with_list(
    client: &reqwest::Client,
    base: &str,
    period: Duration,
) -> Result<(f64, Figures), String> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let deadline = Instant::now() + period;
    let mut workers = Vec::new();
    for _ in 0..cores * 2 {
        let base = base.to_owned();
        workers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut done = 0u32;
            while Instant::now() < deadline {
                sign_in(&client, &base, ADMIN, PASSWORD).await?;
                done += 1;
            }
            Ok::<u32, String>(done)
        }));
    }
    let started = Instant::now();
    let mut figures = Figures::default();
    let views = every_view();
    let mut next = views.iter().cycle();
    while Instant::now() < deadline {
        let query = next.next().map(MemberView::to_query).unwrap_or_default();
        figures.record(list(client, base, &query).await?, query);
    }
    let mut sign_ins = 0;
    for worker in workers {
        sign_ins += worker.await.map_err(|e| e.to_string())??;
    }
    Ok((f64::from(sign_ins) / started.elapsed().as_secs_f64(), figures))
}
