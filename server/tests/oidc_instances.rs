//! Sign in with Roster across instances, on both databases: two `roster`
//! processes behind one public address share codes, refresh tokens and
//! signing keys, and their two back-channel logout workers together deliver
//! each logout once, to a real receiver that checks the logout token
//! against the JWKS; `roster rotate-signing-key` switches the signing key
//! while the old one keeps verifying.

mod support;

use std::{
    collections::{HashMap, HashSet},
    process::Command,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, header},
    routing::post,
};
use domain::{AppKind, Role};
use serde_json::Value;
use store::OutboxStatus;
use support::{
    Browser, SUPPORT_PASSWORD, TestApp, create_organization, create_user,
    oidc::{Client, code_for, exchange, jwks, kid_of, refresh, register, userinfo, verify_issued_by},
    processes::{RosterProcess, database_url, wait_until},
};
use testkit::{TestDatabase, on_both_databases};

/// The address both instances answer for, as behind a load balancer: the
/// issuer of every token. Never dialled; each instance is reached on its port.
const PUBLIC_URL: &str = "http://roster.test";
const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// One POST to the receiver: its content type, its body and whether it was accepted.
#[derive(Debug, Clone)]
struct Post {
    content_type: String,
    body: String,
    accepted: bool,
}

/// An app's back-channel logout endpoint: records every POST, refuses the
/// very first (so the worker's retry is seen too), and takes a moment over
/// each, as a real app does, so that a batch is still being delivered when
/// the other instance's worker looks for work.
#[derive(Clone, Default)]
struct Receiver(Arc<Mutex<Vec<Post>>>);

impl Receiver {
    async fn start() -> (String, Self) {
        let receiver = Self::default();
        let router = axum::Router::new().route("/backchannel", post(receive)).with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uri = format!("http://{}/backchannel", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        (uri, receiver)
    }

    fn posts(&self) -> Vec<Post> {
        self.0.lock().unwrap().clone()
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    tokio::time::sleep(Duration::from_millis(100)).await;
    let content_type =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let mut posts = receiver.0.lock().unwrap();
    let accepted = !posts.is_empty();
    posts.push(Post { content_type, body, accepted });
    if accepted { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }
}

/// The same Roster session, on another instance.
fn on(instance: &RosterProcess, session: &Browser) -> Browser {
    let mut browser = instance.browser();
    browser.session = session.session.clone();
    browser
}

const APP_SESSIONS: usize = 24;

async fn two_instances_deliver_each_back_channel_logout_once(db: &TestDatabase) {
    let (uri, receiver) = Receiver::start().await;
    let store = db.store().await;
    create_user(&*store, "root@example.com", SUPPORT_PASSWORD, true).await;
    let grace = create_user(&*store, "grace@example.com", SUPPORT_PASSWORD, false).await;
    let acme = create_organization(&*store, "Acme").await;
    store
        .add_member(
            acme.id,
            grace.id,
            Role::Editor,
            domain::MembershipStatus::Active,
            store::Actor::system(),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let client = register(&store, AppKind::Confidential, &uri).await;
    let (a, b) = tokio::join!(
        RosterProcess::start_behind(db, None, Some(PUBLIC_URL)),
        RosterProcess::start_behind(db, None, Some(PUBLIC_URL))
    );

    // Many app sessions of one person, each authorized on one instance and
    // exchanged (and refreshed) on the other.
    let mut grace_on_a = a.browser();
    assert_eq!(
        grace_on_a.sign_in("grace@example.com", SUPPORT_PASSWORD).await.status,
        reqwest::StatusCode::OK
    );
    let mut sids = HashSet::new();
    let mut sub = String::new();
    for i in 0..APP_SESSIONS {
        let (here, there) = if i % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let code = code_for(&mut on(here, &grace_on_a), &client.client_id, "").await;
        let (status, tokens) = exchange(&there.base, &client, &code).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{tokens}");
        let id = verify_issued_by(
            &here.base,
            PUBLIC_URL,
            tokens["id_token"].as_str().unwrap(),
            "JWT",
            &client.client_id,
        )
        .await;
        let (status, refreshed) =
            refresh(&here.base, &client, tokens["refresh_token"].as_str().unwrap()).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{refreshed}");
        assert_eq!(
            userinfo(&there.base, refreshed["access_token"].as_str().unwrap()).await.status(),
            reqwest::StatusCode::OK
        );
        sids.insert(id["sid"].as_str().unwrap().to_owned());
        sub = id["sub"].as_str().unwrap().to_owned();
    }
    assert!(receiver.posts().is_empty());

    // Suspended through instance A: one logout per app session, queued with the change.
    let mut root_on_a = a.browser();
    assert_eq!(root_on_a.sign_in("root@example.com", SUPPORT_PASSWORD).await.status, reqwest::StatusCode::OK);
    let grace_id = grace.id.to_string();
    let suspended = root_on_a
        .call("set_account_suspended", &[("user_id", &grace_id), ("suspended", "true"), ("reason", "")])
        .await;
    assert_eq!(suspended.status, reqwest::StatusCode::OK, "{}", suspended.body);
    assert_eq!(store.list_logouts(1_000, 0).await.unwrap().total, APP_SESSIONS as i64);

    // Both workers run; each logout is accepted exactly once.
    wait_until(Duration::from_secs(60), "every logout to be delivered", || async {
        store.list_logouts(1_000, 0).await.unwrap().items.iter().all(|l| l.status == OutboxStatus::Sent)
    })
    .await;
    // A doubly claimed logout would arrive about now.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let posts = receiver.posts();
    assert_eq!(posts.len(), APP_SESSIONS + 1, "one refused POST, retried, and one per logout");
    let mut accepted_per_sid: HashMap<String, usize> = HashMap::new();
    let mut jtis = HashSet::new();
    for post in &posts {
        assert_eq!(post.content_type, "application/x-www-form-urlencoded");
        let form: Vec<(String, String)> =
            url::form_urlencoded::parse(post.body.as_bytes()).into_owned().collect();
        assert_eq!(form.len(), 1, "{form:?}");
        assert_eq!(form[0].0, "logout_token");
        let token = &form[0].1;
        // OpenID Connect Back-Channel Logout 1.0 §2.4, checked against the JWKS.
        let claims = verify_issued_by(&b.base, PUBLIC_URL, token, "logout+jwt", &client.client_id).await;
        assert_eq!(claims["events"], serde_json::json!({ BACKCHANNEL_LOGOUT_EVENT: {} }), "{claims}");
        assert_eq!(claims["sub"], sub.as_str());
        assert!(claims.get("nonce").is_none(), "a logout token has no nonce: {claims}");
        assert!(claims["iat"].is_i64() && claims["exp"].is_i64());
        assert!(jtis.insert(claims["jti"].as_str().unwrap().to_owned()), "each token has its own jti");
        let sid = claims["sid"].as_str().unwrap().to_owned();
        assert!(sids.contains(&sid), "{sid} is one of the app sessions");
        if post.accepted {
            *accepted_per_sid.entry(sid).or_default() += 1;
        }
    }
    assert_eq!(accepted_per_sid.len(), APP_SESSIONS, "every app session is logged out");
    assert!(accepted_per_sid.values().all(|&n| n == 1), "each once: {accepted_per_sid:?}");
    let rows = store.list_logouts(1_000, 0).await.unwrap().items;
    let mut attempts: Vec<i32> = rows.iter().map(|l| l.attempts).collect();
    attempts.sort();
    let mut expected = vec![1; APP_SESSIONS - 1];
    expected.push(2);
    assert_eq!(attempts, expected, "each claimed once, the refused one twice");
    let (by_a, by_b) = (a.logouts_delivered(), b.logouts_delivered());
    eprintln!("back-channel logouts delivered: {by_a} by instance A, {by_b} by instance B");
    assert_eq!(by_a + by_b, APP_SESSIONS);
    drop((a, b));
}
on_both_databases!(two_instances_deliver_each_back_channel_logout_once);

fn rotate_signing_key(db: &TestDatabase) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_roster"))
        .arg("rotate-signing-key")
        .env("ROSTER_DATABASE_URL", database_url(db))
        .output()
        .expect("run roster rotate-signing-key");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

async fn id_token(instance: &TestApp, browser: &mut Browser, client: &Client) -> Value {
    let code = code_for(browser, &client.client_id, "").await;
    let (status, tokens) = exchange(&instance.base, client, &code).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{tokens}");
    tokens
}

/// `roster rotate-signing-key`: new tokens are signed with the new key, the
/// old key stays published, and tokens signed with it keep working.
async fn a_rotated_signing_key_signs_new_tokens_and_the_old_one_still_verifies(db: &TestDatabase) {
    let first = TestApp::spawn_behind(db, PUBLIC_URL).await;
    let client = register(&first.store, AppKind::Confidential, "").await;
    let acme = first.create_organization("Acme").await;
    let (user, mut browser) = first.signed_in("kim@acme.example", false).await;
    first.add_member(acme.id, user.id, Role::Viewer).await;
    let before = id_token(&first, &mut browser, &client).await;
    let old_kid = kid_of(before["id_token"].as_str().unwrap());
    assert_eq!(kid_of(before["access_token"].as_str().unwrap()), old_kid);

    let said = rotate_signing_key(db);
    assert!(said.contains("Added signing key"), "{said}");
    let new_kid = said.split_whitespace().nth(3).unwrap().trim_end_matches(';').to_owned();
    assert_ne!(new_kid, old_kid);

    // An instance started now signs with the new key and publishes both.
    let second = TestApp::spawn_behind(db, PUBLIC_URL).await;
    let mut on_second = second.browser();
    on_second.session = browser.session.clone();
    let after = id_token(&second, &mut on_second, &client).await;
    for token in ["id_token", "access_token"] {
        assert_eq!(kid_of(after[token].as_str().unwrap()), new_kid, "{token}");
    }
    let published = jwks(&second.base).await;
    assert!(published.find(&old_kid).is_some() && published.find(&new_kid).is_some());
    assert_eq!(published.keys.len(), 2);
    for (token, kind) in [
        (before["id_token"].as_str().unwrap(), "JWT"),
        (before["access_token"].as_str().unwrap(), "at+jwt"),
        (after["id_token"].as_str().unwrap(), "JWT"),
    ] {
        verify_issued_by(&second.base, PUBLIC_URL, token, kind, &client.client_id).await;
    }
    // Both instances honour tokens signed with either key: the first reads
    // the key list again when it meets a kid it does not know.
    for instance in [&first, &second] {
        for tokens in [&before, &after] {
            let access = tokens["access_token"].as_str().unwrap();
            assert_eq!(userinfo(&instance.base, access).await.status(), reqwest::StatusCode::OK);
        }
    }
    assert!(jwks(&first.base).await.find(&new_kid).is_some(), "the first instance publishes the new key");
    // Having read the list again, the first instance signs with the new key too.
    let (status, refreshed) = refresh(&first.base, &client, before["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{refreshed}");
    assert_eq!(kid_of(refreshed["access_token"].as_str().unwrap()), new_kid);
    first.stop().await;
    second.stop().await;
}
on_both_databases!(a_rotated_signing_key_signs_new_tokens_and_the_old_one_still_verifies);
