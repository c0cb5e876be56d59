//! The management API (`/v1`) over real HTTP, on both databases: every
//! route as an installation key, an organization key, another
//! organization's key and no key; keys that were revoked, expired or whose
//! creator lost the scope; idempotent retries; cursor paging while members
//! are added; bad input answered with a problem document, changing nothing.

mod support;

use chrono::{Duration, Utc};
use domain::{DisplayName, Email, MembershipStatus, Role};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use store::{Actor, SeedMember};
use support::{
    Browser, TestApp,
    snapshot::{Snapshots, differences},
};
use testkit::{TestDatabase, on_both_databases};

/// A `/v1` answer: status, headers and JSON body (`Null` when empty).
struct Reply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn call(app: &TestApp, key: Option<&str>, method: Method, path: &str, body: Option<Value>) -> Reply {
    call_with(app, key, method, path, body, None).await
}

async fn call_with(
    app: &TestApp,
    key: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
    idempotency_key: Option<&str>,
) -> Reply {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", app.base));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    if let Some(idempotency_key) = idempotency_key {
        request = request.header("Idempotency-Key", idempotency_key);
    }
    let response = request.send().await.expect("Roster answers");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Reply { status, headers, body }
}

/// Makes a key through the API keys page's server function, as its admin
/// would: `slug` empty for an installation key.
async fn make_key(browser: &mut Browser, slug: &str, name: &str) -> String {
    let answer =
        browser.call("create_api_key", &[("slug", slug), ("name", name), ("expires_in_days", "")]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let created: Value = serde_json::from_str(&answer.body).unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("roster_"), "{secret}");
    secret
}

struct World {
    root: Browser,
    alice: Browser,
    alice_id: i64,
    vic: i64,
    eve: i64,
    dan: i64,
    installation_key: String,
    org_a_key: String,
    org_b_key: String,
}

async fn world(app: &TestApp) -> World {
    let a = app.create_organization("Org A").await;
    let b = app.create_organization("Org B").await;
    let (_, mut root) = app.signed_in("root@example.com", true).await;
    let (alice, mut alice_browser) = app.signed_in("alice@a.example", false).await;
    app.add_member(a.id, alice.id, Role::Admin).await;
    let (bob, mut bob_browser) = app.signed_in("bob@b.example", false).await;
    app.add_member(b.id, bob.id, Role::Admin).await;
    let mut ids = Vec::new();
    for email in ["vic@a.example", "eve@a.example", "dan@a.example"] {
        let user = app.create_user(email, support::SUPPORT_PASSWORD, false).await;
        app.add_member(a.id, user.id, Role::Viewer).await;
        ids.push(user.id);
    }
    // Alice also administers nothing else; a second admin keeps Org A
    // managed when Alice is demoted below.
    let (other_admin, _) = app.signed_in("oscar@a.example", false).await;
    app.add_member(a.id, other_admin.id, Role::Admin).await;
    World {
        installation_key: make_key(&mut root, "", "warehouse").await,
        org_a_key: make_key(&mut alice_browser, "org-a", "billing").await,
        org_b_key: make_key(&mut bob_browser, "org-b", "b-tools").await,
        root,
        alice: alice_browser,
        alice_id: alice.id,
        vic: ids[0],
        eve: ids[1],
        dan: ids[2],
    }
}

const UNAUTHORIZED: u16 = 401;
const NOT_FOUND: u16 = 404;

async fn every_route_answers_each_kind_of_key_within_its_scope(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    let (vic, eve, dan) = (w.vic, w.eve, w.dan);
    let post = Method::POST;
    let get = Method::GET;
    let delete = Method::DELETE;
    // Each route, then the status for: no key, another organization's key,
    // Org A's key, the installation key, called in that order (a change
    // made by an earlier one is seen by the later ones).
    let routes: Vec<(Method, String, Option<Value>, [u16; 4])> = vec![
        (get.clone(), "/v1/organizations".into(), None, [401, 200, 200, 200]),
        (get.clone(), "/v1/organizations/org-a".into(), None, [401, 404, 200, 200]),
        (get.clone(), "/v1/organizations/no-such-org".into(), None, [401, 404, 404, 404]),
        (get.clone(), "/v1/organizations/org-a/members".into(), None, [401, 404, 200, 200]),
        (get.clone(), format!("/v1/organizations/org-a/members/{vic}"), None, [401, 404, 200, 200]),
        (get.clone(), "/v1/organizations/org-a/members/999999".into(), None, [401, 404, 404, 404]),
        (
            post.clone(),
            format!("/v1/organizations/org-a/members/{vic}/role"),
            Some(json!({"role": "editor"})),
            [401, 404, 200, 200],
        ),
        (
            post.clone(),
            format!("/v1/organizations/org-a/members/{vic}/suspend"),
            Some(json!({"reason": "unpaid"})),
            [401, 404, 200, 409],
        ),
        (
            post.clone(),
            format!("/v1/organizations/org-a/members/{vic}/reactivate"),
            None,
            [401, 404, 200, 409],
        ),
        (
            post.clone(),
            format!("/v1/organizations/org-a/members/{vic}/password-reset"),
            None,
            [401, 404, 200, 200],
        ),
        (
            post.clone(),
            "/v1/organizations/org-a/invitations".into(),
            Some(json!({"emails": ["ivy@example.com"], "role": "viewer"})),
            [401, 404, 201, 201],
        ),
        (get.clone(), "/v1/organizations/org-a/invitations".into(), None, [401, 404, 200, 200]),
        (post.clone(), "/v1/organizations".into(), Some(json!({"name": "Org C"})), [401, 404, 404, 201]),
        (
            post.clone(),
            "/v1/organizations/org-c/rename".into(),
            Some(json!({"name": "Org C renamed"})),
            [401, 404, 404, 200],
        ),
        (post.clone(), "/v1/organizations/org-c/suspend".into(), None, [401, 404, 404, 200]),
        (post.clone(), "/v1/organizations/org-c/reactivate".into(), None, [401, 404, 404, 200]),
        (
            post.clone(),
            "/v1/organizations/org-a/rename".into(),
            Some(json!({"name": "Org A"})),
            [401, 404, 404, 200],
        ),
        (post.clone(), format!("/v1/accounts/{eve}/suspend"), None, [401, 404, 404, 200]),
        (post.clone(), format!("/v1/accounts/{eve}/reactivate"), None, [401, 404, 404, 200]),
        (get.clone(), "/v1/audit-log".into(), None, [401, 404, 404, 200]),
        (get.clone(), "/v1/organizations/org-a/audit-log".into(), None, [401, 404, 200, 200]),
        (delete.clone(), format!("/v1/organizations/org-a/members/{eve}"), None, [401, 404, 204, 404]),
        (delete.clone(), format!("/v1/accounts/{dan}"), None, [401, 404, 204, 404]),
        (get.clone(), "/v1/no-such-route".into(), None, [404, 404, 404, 404]),
    ];
    let keys =
        [None, Some(w.org_b_key.as_str()), Some(w.org_a_key.as_str()), Some(w.installation_key.as_str())];
    let mut failures = Vec::new();
    for (method, path, body, expected) in &routes {
        for (key, expected) in keys.iter().zip(expected) {
            let reply = call(&app, *key, method.clone(), path, body.clone()).await;
            if reply.status.as_u16() != *expected {
                failures.push(format!("{method} {path} with {key:?}: {} {}", reply.status, reply.body));
            }
            if reply.status.is_client_error() {
                let content_type = reply.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
                assert_eq!(content_type, Some("application/problem+json"), "{method} {path}");
                assert_eq!(reply.body["status"], json!(reply.status.as_u16()), "{method} {path}");
            }
            if reply.status == StatusCode::UNAUTHORIZED {
                assert!(reply.headers.contains_key(header::WWW_AUTHENTICATE), "{method} {path}");
            }
            if reply.status == StatusCode::NOT_FOUND {
                assert_eq!(reply.body["detail"], json!("Not found."), "out of scope reads as absent");
            }
        }
    }
    assert!(failures.is_empty(), "{} calls answered badly:\n{}", failures.len(), failures.join("\n"));

    // What the answers say, key by key.
    let slugs = |reply: &Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    let everything = call(&app, Some(&w.installation_key), get.clone(), "/v1/organizations", None).await;
    assert_eq!(slugs(&everything), ["org-a", "org-b", "org-c"]);
    let own = call(&app, Some(&w.org_a_key), get.clone(), "/v1/organizations", None).await;
    assert_eq!(slugs(&own), ["org-a"]);
    let vic_now =
        call(&app, Some(&w.org_a_key), get.clone(), &format!("/v1/organizations/org-a/members/{vic}"), None)
            .await;
    assert_eq!(
        (vic_now.body["role"].as_str(), vic_now.body["status"].as_str()),
        (Some("editor"), Some("active"))
    );
    assert_eq!(app.store.find_membership(1, eve).await.unwrap(), None, "eve was removed");
    assert_eq!(app.store.find_user(dan).await.unwrap(), None, "dan's account was deleted");
    let pending =
        call(&app, Some(&w.org_a_key), get.clone(), "/v1/organizations/org-a/invitations", None).await;
    let ivy = pending.body["items"][0]["user_id"].as_i64().unwrap();
    for (key, expected) in keys.iter().zip([UNAUTHORIZED, NOT_FOUND, 200, 200]) {
        let path = format!("/v1/organizations/org-a/invitations/{ivy}/resend");
        assert_eq!(
            call(&app, *key, post.clone(), &path, None).await.status.as_u16(),
            expected,
            "resend {key:?}"
        );
    }
    for (key, expected) in keys.iter().zip([UNAUTHORIZED, NOT_FOUND, 204, NOT_FOUND]) {
        let path = format!("/v1/organizations/org-a/invitations/{ivy}");
        assert_eq!(
            call(&app, *key, delete.clone(), &path, None).await.status.as_u16(),
            expected,
            "revoke {key:?}"
        );
    }
    app.stop().await;
}
on_both_databases!(every_route_answers_each_kind_of_key_within_its_scope);

async fn a_key_stops_working_once_revoked_expired_or_its_creator_lost_the_scope(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut w = world(&app).await;
    let members = "/v1/organizations/org-a/members";
    let status = |reply: Reply| reply.status.as_u16();
    assert_eq!(status(call(&app, Some(&w.org_a_key), Method::GET, members, None).await), 200);
    for wrong in ["", "roster_", "roster_notakey", "Bearer", &format!("{}x", w.org_a_key)] {
        let reply = call(&app, Some(wrong), Method::GET, members, None).await;
        assert_eq!(reply.status.as_u16(), 401, "{wrong:?}");
    }
    // A cookie is no credential here.
    let mut signed_in = reqwest::Client::new().get(format!("{}{members}", app.base));
    if let Some(token) = &w.alice.session {
        signed_in = signed_in.header(header::COOKIE, format!("roster_session={token}"));
    }
    assert_eq!(signed_in.send().await.unwrap().status().as_u16(), 401, "the session cookie is ignored");

    // The creator demoted: the key holds no admin's scope any more (403);
    // reinstated, it works again.
    let org_a = app.store.find_organization("org-a").await.unwrap().unwrap();
    let now = Utc::now;
    app.store.change_member_role(org_a.id, w.alice_id, Role::Editor, Actor::system(), now()).await.unwrap();
    let demoted = call(&app, Some(&w.org_a_key), Method::GET, members, None).await;
    assert_eq!((demoted.status.as_u16(), demoted.body["code"].as_str()), (403, Some("forbidden")));
    app.store.change_member_role(org_a.id, w.alice_id, Role::Admin, Actor::system(), now()).await.unwrap();
    assert_eq!(status(call(&app, Some(&w.org_a_key), Method::GET, members, None).await), 200);
    // Suspended in the organization, or as an account.
    let suspended = MembershipStatus::Suspended;
    app.store
        .set_membership_status(org_a.id, w.alice_id, suspended, None, Actor::system(), now())
        .await
        .unwrap();
    assert_eq!(status(call(&app, Some(&w.org_a_key), Method::GET, members, None).await), 403);
    let active = MembershipStatus::Active;
    app.store
        .set_membership_status(org_a.id, w.alice_id, active, None, Actor::system(), now())
        .await
        .unwrap();
    let account = domain::Standing::Suspended;
    app.store.set_account_status(w.alice_id, account, None, Actor::system(), now()).await.unwrap();
    assert_eq!(status(call(&app, Some(&w.org_a_key), Method::GET, members, None).await), 403);
    app.store
        .set_account_status(w.alice_id, domain::Standing::Active, None, Actor::system(), now())
        .await
        .unwrap();
    assert_eq!(status(call(&app, Some(&w.org_a_key), Method::GET, members, None).await), 200);

    // Revoked on the API keys page: refused at once.
    let listed = w.root.call("list_api_keys", &[("slug", "org-a")]).await;
    let listed: Value = serde_json::from_str(&listed.body).unwrap();
    let key_id = listed["rows"][0]["id"].as_i64().unwrap().to_string();
    assert!(listed["rows"][0]["last_used_at"].is_string(), "its use is noted: {listed}");
    let revoked = w.root.call("revoke_api_key", &[("slug", "org-a"), ("id", &key_id)]).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    let refused = call(&app, Some(&w.org_a_key), Method::GET, members, None).await;
    assert_eq!(
        (refused.status.as_u16(), refused.body["detail"].as_str()),
        (401, Some("The API key has been revoked."))
    );

    // Expired.
    let secret = "roster_an-expired-key-with-enough-random-characters-in-it";
    let expired = store::NewApiKey {
        organization_id: Some(org_a.id),
        name: "old".into(),
        prefix: "an-expir".into(),
        secret_hash: app::ssr::tokens::hash(secret),
        expires_at: Some(Utc::now() - Duration::minutes(1)),
        purpose: store::KeyPurpose::Management,
    };
    let by = Actor { user_id: Some(w.alice_id), ..Actor::system() };
    app.store.create_api_key(expired, by, Utc::now() - Duration::days(1)).await.unwrap();
    let refused = call(&app, Some(secret), Method::GET, members, None).await;
    assert_eq!(
        (refused.status.as_u16(), refused.body["detail"].as_str()),
        (401, Some("The API key has expired."))
    );
    app.stop().await;
}
on_both_databases!(a_key_stops_working_once_revoked_expired_or_its_creator_lost_the_scope);

async fn changes_made_with_a_key_are_audited_as_made_with_it(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut w = world(&app).await;
    let path = format!("/v1/organizations/org-a/members/{}/role", w.vic);
    let changed = call(&app, Some(&w.org_a_key), Method::POST, &path, Some(json!({"role": "editor"}))).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);

    let log = call(
        &app,
        Some(&w.org_a_key),
        Method::GET,
        "/v1/organizations/org-a/audit-log?action=member.role_changed",
        None,
    )
    .await;
    let event = &log.body["items"][0];
    assert_eq!(event["actor"]["email"], json!("alice@a.example"), "{event}");
    assert_eq!(event["api_key"]["name"], json!("billing"), "{event}");
    assert_eq!(event["target"]["user_id"], json!(w.vic));
    assert_eq!(event["details"]["role"], json!("editor"), "{event}");
    // The audit page names the key too.
    let page = w.root.call("audit_log", &[("org", "org-a"), ("query", "action=member.role_changed")]).await;
    let page: Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(page["entries"][0]["api_key"], json!("billing"), "{page}");
    // Making a key is audited, without a key.
    let page = w.root.call("audit_log", &[("org", "org-a"), ("query", "action=api_key.created")]).await;
    let page: Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(page["entries"][0]["api_key"], Value::Null);
    assert_eq!(page["entries"][0]["actor"]["email"], json!("alice@a.example"));
    app.stop().await;
}
on_both_databases!(changes_made_with_a_key_are_audited_as_made_with_it);

async fn a_retried_post_gets_the_first_answer_and_changes_nothing_twice(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    let key = Some(w.org_a_key.as_str());
    let invite = json!({"emails": ["ivy@example.com", "ian@example.com"], "role": "viewer"});
    let path = "/v1/organizations/org-a/invitations";
    let first = call_with(&app, key, Method::POST, path, Some(invite.clone()), Some("invite-1")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["invited"], json!(["ivy@example.com", "ian@example.com"]));
    let outbox = app.store.list_outbox(100, 0).await.unwrap().total;
    let retry = call_with(&app, key, Method::POST, path, Some(invite.clone()), Some("invite-1")).await;
    assert_eq!((retry.status, &retry.body), (StatusCode::CREATED, &first.body), "the first answer again");
    assert_eq!(retry.headers.get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
    assert_eq!(app.store.list_outbox(100, 0).await.unwrap().total, outbox, "no second email");
    // Without the key, the same request is a new one.
    let again = call(&app, key, Method::POST, path, Some(invite.clone())).await;
    assert_eq!(again.body["already_invited"], json!(["ivy@example.com", "ian@example.com"]));

    let other = json!({"emails": ["zed@example.com"], "role": "viewer"});
    let reused = call_with(&app, key, Method::POST, path, Some(other), Some("invite-1")).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reused.body);
    assert_eq!(reused.body["field"], json!("Idempotency-Key"));
    assert_eq!(app.store.list_accounts("zed@", 10, 0).await.unwrap().total, 0, "nothing done");
    // Another key's idempotency keys are its own.
    let theirs =
        call_with(&app, Some(&w.installation_key), Method::POST, path, Some(invite), Some("invite-1")).await;
    assert_eq!(
        (theirs.status, theirs.headers.contains_key("idempotent-replayed")),
        (StatusCode::CREATED, false)
    );

    // A suspension retried answers as the first time, not "already suspended".
    let suspend = format!("/v1/organizations/org-a/members/{}/suspend", w.vic);
    let first = call_with(&app, key, Method::POST, &suspend, None, Some("suspend-vic")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let retry = call_with(&app, key, Method::POST, &suspend, None, Some("suspend-vic")).await;
    assert_eq!((retry.status, retry.body), (StatusCode::OK, first.body));
    let unkeyed = call(&app, key, Method::POST, &suspend, None).await;
    assert_eq!(unkeyed.status, StatusCode::CONFLICT);
    let suspensions = app
        .store
        .audit_log(
            &store::AuditQuery {
                action: Some(domain::action::MEMBER_SUSPENDED.into()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap()
        .total;
    assert_eq!(suspensions, 1, "suspended once");
    let bad = call_with(&app, key, Method::POST, &suspend, None, Some(&"k".repeat(300))).await;
    assert_eq!((bad.status.as_u16(), bad.body["field"].as_str()), (400, Some("Idempotency-Key")));
    app.stop().await;
}
on_both_databases!(a_retried_post_gets_the_first_answer_and_changes_nothing_twice);

fn seeded(n: usize) -> SeedMember {
    let now = Utc::now();
    SeedMember {
        email: Email::parse(&format!("person{n}@seed.example")).unwrap(),
        name: DisplayName::parse(&format!("Person {}", n % 997)).unwrap(),
        password_hash: None,
        role: if n.is_multiple_of(7) { Role::Editor } else { Role::Viewer },
        status: MembershipStatus::Active,
        created_at: now - Duration::days(30),
        joined_at: Some(now - Duration::days((n % 30) as i64)),
        last_sign_in_at: n.is_multiple_of(3).then(|| now - Duration::hours(n as i64 % 500)),
    }
}

async fn cursor_paging_misses_and_repeats_no_one_while_members_are_added(db: &TestDatabase) {
    const MEMBERS: usize = 10_000;
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    let org_a = app.store.find_organization("org-a").await.unwrap().unwrap();
    let people: Vec<_> = (0..MEMBERS).map(seeded).collect();
    app.store.seed_members(org_a.id, &people, Actor::system(), Utc::now()).await.unwrap();
    let view = domain::MemberView::default();
    let all = app.store.list_members_after(org_a.id, &view, None, 100_000, Utc::now()).await.unwrap();
    let everyone: std::collections::BTreeSet<i64> = all.items.iter().map(|m| m.user_id).collect();
    assert_eq!(everyone.len(), MEMBERS + 5);
    let mut fresh = MEMBERS..;
    for query in ["limit=500", "sort=last_sign_in&dir=desc&limit=700", "sort=joined&limit=1000"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(cursor) => format!("/v1/organizations/org-a/members?{query}&cursor={cursor}"),
                None => format!("/v1/organizations/org-a/members?{query}"),
            };
            let reply = call(&app, Some(&w.org_a_key), Method::GET, &path, None).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            seen.extend(
                reply.body["items"].as_array().unwrap().iter().map(|m| m["user_id"].as_i64().unwrap()),
            );
            // Someone joins between two slices.
            let batch: Vec<_> = fresh.by_ref().take(3).map(seeded).collect();
            app.store.seed_members(org_a.id, &batch, Actor::system(), Utc::now()).await.unwrap();
            match reply.body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let unique: std::collections::BTreeSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "nobody twice ({query})");
        assert!(everyone.is_subset(&unique), "nobody missed ({query})");
    }
    // A cursor belongs to its query.
    let first =
        call(&app, Some(&w.org_a_key), Method::GET, "/v1/organizations/org-a/members?limit=10", None).await;
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let other = format!("/v1/organizations/org-a/members?limit=10&sort=email&cursor={cursor}");
    let refused = call(&app, Some(&w.org_a_key), Method::GET, &other, None).await;
    assert_eq!((refused.status.as_u16(), refused.body["field"].as_str()), (400, Some("cursor")));
    // The audit log pages the same way.
    let mut events = Vec::new();
    let mut path = "/v1/organizations/org-a/audit-log?limit=2".to_owned();
    loop {
        let reply = call(&app, Some(&w.org_a_key), Method::GET, &path, None).await;
        events.extend(reply.body["items"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()));
        match reply.body["next_cursor"].as_str() {
            Some(next) => path = format!("/v1/organizations/org-a/audit-log?limit=2&cursor={next}"),
            None => break,
        }
    }
    let mut sorted = events.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(events, sorted, "newest first, each once");
    assert!(events.len() > 4, "{events:?}");
    app.stop().await;
}
on_both_databases!(cursor_paging_misses_and_repeats_no_one_while_members_are_added);

async fn bad_input_gets_a_problem_naming_its_field_and_changes_nothing(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    let vic = w.vic;
    let member = |action: &str| format!("/v1/organizations/org-a/members/{vic}/{action}");
    let long = "x".repeat(5_000);
    let cases: Vec<(Method, String, Option<Value>, &str)> = vec![
        (Method::POST, member("role"), Some(json!({"role": "owner"})), "role"),
        (Method::POST, member("role"), Some(json!({"role": 5})), "role"),
        (Method::POST, member("role"), Some(json!({})), "role"),
        (Method::POST, member("role"), Some(json!({"role": "editor", "extra": 1})), "extra"),
        (Method::POST, member("role"), Some(json!(["editor"])), "body"),
        (Method::POST, member("suspend"), Some(json!({"reason": long})), "reason"),
        (Method::POST, member("suspend"), Some(json!({"reason": "bell\u{7}"})), "reason"),
        (Method::POST, member("reactivate"), Some(json!({"now": true})), "now"),
        (
            Method::POST,
            "/v1/organizations/org-a/members/abc/role".into(),
            Some(json!({"role": "editor"})),
            "user_id",
        ),
        (
            Method::POST,
            "/v1/organizations/org-a/invitations".into(),
            Some(json!({"emails": ["not an address"], "role": "viewer"})),
            "emails",
        ),
        (
            Method::POST,
            "/v1/organizations/org-a/invitations".into(),
            Some(json!({"emails": [], "role": "viewer"})),
            "emails",
        ),
        (
            Method::POST,
            "/v1/organizations/org-a/invitations".into(),
            Some(json!({"emails": ["a@example.com"], "role": "boss"})),
            "role",
        ),
        (
            Method::POST,
            "/v1/organizations/org-a/invitations".into(),
            Some(json!({"emails": "a@example.com", "role": "viewer"})),
            "emails",
        ),
        (Method::POST, "/v1/organizations".into(), Some(json!({"name": ""})), "name"),
        (
            Method::POST,
            "/v1/organizations".into(),
            Some(json!({"name": "Fine", "slug": "Not A Slug!"})),
            "slug",
        ),
        (
            Method::POST,
            "/v1/organizations/org-a/rename".into(),
            Some(json!({"name": "\u{1b}[31mred"})),
            "name",
        ),
        (Method::POST, format!("/v1/accounts/{vic}/suspend"), Some(json!({"reason": long})), "reason"),
        (Method::DELETE, format!("/v1/accounts/{vic}?with_data=maybe"), None, "with_data"),
        (Method::GET, "/v1/organizations/org-a/members?limit=0".into(), None, "limit"),
        (Method::GET, "/v1/organizations/org-a/members?limit=lots".into(), None, "limit"),
        (Method::GET, "/v1/organizations/org-a/members?cursor=garbage".into(), None, "cursor"),
        (Method::GET, "/v1/organizations/org-a/members?role=owner".into(), None, "role"),
        (Method::GET, "/v1/organizations/org-a/members?status=gone".into(), None, "status"),
        (Method::GET, "/v1/organizations/org-a/members?sort=height".into(), None, "sort"),
        (Method::GET, "/v1/organizations/org-a/members?dir=up".into(), None, "dir"),
        (Method::GET, format!("/v1/organizations/org-a/members?q={}", "x".repeat(300)), None, "q"),
        (Method::GET, "/v1/organizations?limit=100000".into(), None, "limit"),
        (Method::GET, "/v1/audit-log?from=yesterday".into(), None, "from"),
        (Method::GET, "/v1/audit-log?action=nothing.happened".into(), None, "action"),
        (Method::GET, "/v1/audit-log?cursor=AAAA".into(), None, "cursor"),
        (Method::GET, "/v1/organizations/org-a/members/abc".into(), None, "user_id"),
        (Method::DELETE, "/v1/organizations/org-a/members/abc".into(), None, "user_id"),
        (Method::POST, member("password-reset"), Some(json!({"to": "else@example.com"})), "to"),
        (Method::POST, "/v1/organizations/org-a/suspend".into(), Some(json!({"reason": long})), "reason"),
        (Method::POST, "/v1/organizations/org-a/reactivate".into(), Some(json!({"now": 1})), "now"),
        (Method::POST, format!("/v1/accounts/{vic}/reactivate"), Some(json!({"now": 1})), "now"),
        (Method::POST, "/v1/accounts/abc/suspend".into(), Some(json!({})), "user_id"),
        (Method::POST, "/v1/organizations/org-a/invitations/abc/resend".into(), None, "user_id"),
        (Method::DELETE, "/v1/organizations/org-a/invitations/abc".into(), None, "user_id"),
        (Method::GET, "/v1/organizations/org-a/audit-log?from=yesterday".into(), None, "from"),
        (Method::GET, "/v1/organizations/org-a/audit-log?cursor=AAAA".into(), None, "cursor"),
    ];
    let snapshots = Snapshots::of(db).await;
    let before = snapshots.take().await;
    let mut failures = Vec::new();
    for (index, (method, path, body, field)) in cases.iter().enumerate() {
        let idempotency_key = format!("bad-{index}");
        let key = Some(w.installation_key.as_str());
        let reply = call_with(&app, key, method.clone(), path, body.clone(), Some(&idempotency_key)).await;
        let content_type = reply.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        if reply.status != StatusCode::BAD_REQUEST
            || content_type != Some("application/problem+json")
            || reply.body["field"].as_str() != Some(field)
            || reply.body["detail"].as_str().is_none_or(str::is_empty)
        {
            failures.push(format!("{method} {path}: {} {:?} {}", reply.status, content_type, reply.body));
        }
    }
    assert!(failures.is_empty(), "{} answered badly:\n{}", failures.len(), failures.join("\n"));
    let changed = differences(&before, &snapshots.take().await);
    assert!(changed.is_empty(), "bad input changed {changed:?}");
    app.stop().await;
}
on_both_databases!(bad_input_gets_a_problem_naming_its_field_and_changes_nothing);

/// Runs end2end/support/validate-openapi.cjs (npm's swagger-parser) on a
/// document: the operations it read, or its complaint.
fn validate_openapi(document: &Value) -> Result<Vec<String>, String> {
    let operations = support::run_node_script("validate-openapi.cjs", document)?;
    Ok(serde_json::from_value(operations).unwrap())
}

async fn the_openapi_document_describes_every_route_and_only_those(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let reply = call(&app, None, Method::GET, "/v1/openapi.json", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let document = reply.body;
    assert_eq!(
        document["openapi"].as_str().map(|v| v.starts_with("3.1")),
        Some(true),
        "{}",
        document["openapi"]
    );
    assert_eq!(document["components"]["securitySchemes"]["api_key"]["scheme"], json!("bearer"));
    // An independent validator (npm's swagger-parser) accepts the document
    // and reads the same operations from it.
    let validated =
        validate_openapi(&document).unwrap_or_else(|error| panic!("invalid OpenAPI document: {error}"));
    let paths = document["paths"].as_object().unwrap();
    let mut operations = Vec::new();
    for (path, item) in paths {
        let concrete = path.replace("{slug}", "org-a").replace("{user_id}", "1");
        for (method, operation) in item.as_object().unwrap() {
            operations.push(format!("{} {path}", method.to_uppercase()));
            // Every documented operation exists: it answers something other
            // than the API's "no such route" or 405, even without a key.
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let answer = call(&app, None, method.clone(), &concrete, None).await;
            let protected = operation.get("security").is_some();
            let expected = if protected { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
            assert_eq!(answer.status, expected, "{method} {path}");
        }
        // And no undocumented method answers on a documented path. (Routes
        // are only added through utoipa's `routes!`, which documents each.)
        for method in [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            if item.get(method.as_str().to_lowercase()).is_none() {
                let answer = call(&app, None, method.clone(), &concrete, None).await;
                assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            }
        }
    }
    assert_eq!(validated.len(), operations.len(), "{validated:?}");
    assert_eq!(operations.len(), 23, "{:?}", paths.keys().collect::<Vec<_>>());
    // A path nobody documented is the API's "no such route".
    let absent = call(&app, None, Method::GET, "/v1/nothing-here", None).await;
    assert_eq!(absent.status, StatusCode::NOT_FOUND);
    app.stop().await;
}
on_both_databases!(the_openapi_document_describes_every_route_and_only_those);

async fn the_reference_page_is_vendored_and_keeps_its_own_policy(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let get = |path: &str| client.get(format!("{}{path}", app.base)).send();
    let bare = get("/docs/api").await.unwrap();
    assert!(bare.status().is_redirection(), "{}", bare.status());
    assert_eq!(bare.headers()[header::LOCATION], "/docs/api/");

    let page = get("/docs/api/").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let policy = page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(policy.contains("script-src 'self';") && !policy.contains("unsafe"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let html = page.text().await.unwrap();
    // Every script is a file of this origin: nothing inline, nothing from a CDN.
    assert!(html.contains("swagger-initializer.js"), "{html}");
    assert!(!html.contains("http://") && !html.contains("https://"), "{html}");
    assert!(!html.contains("<script>"), "{html}");

    let initializer = get("/docs/api/swagger-initializer.js").await.unwrap();
    assert_eq!(initializer.status(), StatusCode::OK);
    let initializer = initializer.text().await.unwrap();
    assert!(initializer.contains("/v1/openapi.json"), "{initializer}");
    assert!(initializer.contains(r#""validatorUrl": "none""#), "{initializer}");

    let bundle = get("/docs/api/swagger-ui-bundle.js").await.unwrap();
    assert_eq!(bundle.status(), StatusCode::OK);
    assert!(bundle.headers()[header::CONTENT_TYPE].to_str().unwrap().contains("javascript"));
    assert!(bundle.bytes().await.unwrap().len() > 100_000);

    assert_eq!(get("/docs/api/no-such-file.js").await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(get("/docs/api/..%2F..%2FCargo.toml").await.unwrap().status(), StatusCode::NOT_FOUND);
    app.stop().await;
}
on_both_databases!(the_reference_page_is_vendored_and_keeps_its_own_policy);

async fn the_api_keys_pages_list_each_scopes_keys_to_whoever_manages_it(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut w = world(&app).await;
    let page = w.alice.get("/orgs/org-a/api-keys").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h1>API keys"), "{}", page.body);
    assert!(page.body.contains("<td>billing"), "Org A's key is listed");
    assert!(page.body.contains("Revoke “billing”"), "with its confirmation");
    assert!(!page.body.contains("warehouse"), "the installation's key is not");
    assert!(page.body.contains("href=\"/orgs/org-a/api-keys\""), "in the navigation");
    let installation = w.root.get("/api-keys").await;
    assert_eq!(installation.status, StatusCode::OK);
    assert!(installation.body.contains("warehouse") && !installation.body.contains("b-tools"));
    assert!(installation.body.contains("href=\"/api-keys\""), "in the installation's navigation");
    // Another organization's admin finds nothing there.
    let elsewhere = w.alice.get("/orgs/org-b/api-keys").await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert_eq!(w.alice.get("/api-keys").await.status, StatusCode::NOT_FOUND);
    app.stop().await;
}
on_both_databases!(the_api_keys_pages_list_each_scopes_keys_to_whoever_manages_it);
