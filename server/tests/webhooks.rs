//! Webhooks end to end, with real HTTP on both sides: a change made through
//! Roster's server functions reaches a receiver started here, signed so
//! that npm's `standardwebhooks` (an implementation independent of
//! Roster's) verifies it; a receiver that was down gets every event once it
//! is back; two `roster` instances deliver each event once; and addresses
//! on private networks are refused without `ROSTER_WEBHOOKS_ALLOW_PRIVATE`.

mod support;

use std::{
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use chrono::Utc;
use domain::{Role, WebhookSettings};
use reqwest::StatusCode;
use serde_json::Value;
use store::{Actor, NewWebhookEndpoint, Store, WebhookEndpointRecord};
use support::{
    TestApp,
    processes::wait_until,
    webhooks::{Receiver, verified, verify},
};
use testkit::{Backend, TestDatabase, on_both_databases};

async fn endpoint(
    store: &Arc<dyn Store>,
    organization_id: Option<i64>,
    url: &str,
    events: &[&str],
) -> (WebhookEndpointRecord, String) {
    let secret = app::ssr::webhooks::new_secret();
    let events: Vec<String> = events.iter().map(|e| e.to_string()).collect();
    let endpoint = NewWebhookEndpoint {
        organization_id,
        settings: WebhookSettings::parse(url, "Test receiver", &events).unwrap(),
        secret: secret.clone(),
    };
    (store.create_webhook(endpoint, Actor::system(), Utc::now()).await.unwrap(), secret)
}

async fn deliveries_are_signed_so_an_independent_library_verifies_them(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let receiver = Receiver::start().await;
    let (root, mut browser) = app.signed_in("root@example.com", true).await;
    let acme = app.create_organization("Acme").await;
    let alice = app.create_user("alice@example.com", "alice's long password", false).await;
    app.add_member(acme.id, root.id, Role::Admin).await;
    app.add_member(acme.id, alice.id, Role::Viewer).await;
    let (hook, secret) = endpoint(&app.store, Some(acme.id), &receiver.url, &["member.role_changed"]).await;

    let user_id = alice.id.to_string();
    let changed = browser
        .call("change_member_role", &[("slug", "acme"), ("user_id", &user_id), ("role", "editor")])
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    wait_until(Duration::from_secs(20), "the delivery", || async { receiver.accepted().len() == 1 }).await;

    let delivery = &receiver.accepted()[0];
    assert!(delivery.headers["webhook-id"].starts_with("msg_"));
    assert_eq!(delivery.headers["content-type"], "application/json");
    let payloads = verified(&secret, &receiver.accepted());
    let data = &payloads[0]["data"];
    assert_eq!(payloads[0]["type"], "member.role_changed");
    assert_eq!(data["user"]["email"], "alice@example.com");
    assert_eq!(data["user"]["id"], alice.id);
    assert_eq!(data["organization"]["slug"], "acme");
    assert_eq!(data["actor"]["email"], "root@example.com");
    assert_eq!(
        (data["before"]["role"].as_str(), data["after"]["role"].as_str()),
        (Some("viewer"), Some("editor"))
    );

    // Someone else's secret does not verify it.
    let refusal = verify(&app::ssr::webhooks::new_secret(), &receiver.accepted()).unwrap_err();
    assert!(refusal.contains("No matching signature"), "{refusal}");

    // After a rotation, both the new and the previous secret verify, for a while.
    let rotated = app::ssr::webhooks::new_secret();
    let grace = Utc::now() + chrono::Duration::hours(24);
    app.store.rotate_webhook_secret(hook.id, &rotated, grace, Actor::system(), Utc::now()).await.unwrap();
    app.store.send_test_webhook(hook.id, Actor::system(), Utc::now()).await.unwrap();
    wait_until(Duration::from_secs(20), "the test event", || async { receiver.accepted().len() == 2 }).await;
    let test_event = &receiver.accepted()[1..];
    assert_eq!(test_event[0].headers["webhook-signature"].split(' ').count(), 2);
    assert_eq!(verified(&rotated, test_event)[0]["type"], "webhook.test");
    assert_eq!(verified(&secret, test_event)[0]["type"], "webhook.test");

    // The delivery log shows each attempt's answer and timing.
    let log = app.store.list_webhook_deliveries(hook.id, 10, 0).await.unwrap();
    assert_eq!(log.total, 2);
    assert!(log.items.iter().all(|d| d.delivered_at.is_some()));
    assert_eq!(log.items[1].attempt_log[0].status_code, Some(204));
    app.stop().await;
}
on_both_databases!(deliveries_are_signed_so_an_independent_library_verifies_them);

async fn a_receiver_that_was_down_gets_every_event_once_it_is_back(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let receiver = Receiver::start().await;
    receiver.down.store(true, Ordering::SeqCst);
    let (_root, mut browser) = app.signed_in("root@example.com", true).await;
    let (hook, secret) =
        endpoint(&app.store, None, &receiver.url, &["organization.created", "organization.renamed"]).await;

    let names = ["Acme", "Globex", "Initech"];
    for name in names {
        let created = browser.call("create_organization", &[("name", name), ("slug", "")]).await;
        assert!(created.status.is_success() || created.status.is_redirection(), "{}", created.body);
    }
    let renamed = browser.call("rename_organization", &[("slug", "acme"), ("name", "Acme Corp")]).await;
    assert!(renamed.status.is_success() || renamed.status.is_redirection(), "{}", renamed.body);
    wait_until(Duration::from_secs(20), "a failed attempt of each event", || async {
        receiver.all().len() >= 4
    })
    .await;
    assert!(receiver.accepted().is_empty());

    receiver.down.store(false, Ordering::SeqCst);
    // The first retry comes 5 s after a failure (Standard Webhooks' schedule).
    wait_until(Duration::from_secs(30), "every event once back", || async { receiver.accepted().len() >= 4 })
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let accepted = receiver.accepted();
    let mut ids: Vec<&str> = accepted.iter().map(|r| r.headers["webhook-id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((ids.len(), accepted.len()), (4, 4), "each event accepted exactly once");
    let mut types: Vec<String> =
        verified(&secret, &accepted).iter().map(|p| p["type"].as_str().unwrap().to_owned()).collect();
    types.sort();
    assert_eq!(
        types,
        ["organization.created", "organization.created", "organization.created", "organization.renamed"]
    );
    let log = app.store.list_webhook_deliveries(hook.id, 10, 0).await.unwrap();
    for delivery in &log.items {
        let statuses: Vec<Option<i32>> = delivery.attempt_log.iter().map(|a| a.status_code).collect();
        assert_eq!(statuses.first(), Some(&Some(204)), "{statuses:?}");
        assert!(statuses.contains(&Some(503)), "{statuses:?}");
    }
    assert!(app.store.find_webhook(hook.id).await.unwrap().unwrap().is_enabled());
    app.stop().await;
}
on_both_databases!(a_receiver_that_was_down_gets_every_event_once_it_is_back);

async fn an_org_admin_registers_an_endpoint_and_reads_its_delivery_log_in_the_pages(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let receiver = Receiver::start().await;
    let acme = app.create_organization("Acme").await;
    let (admin, mut browser) = app.signed_in("admin@acme.example", false).await;
    let viewer = app.create_user("vic@acme.example", "vic's long password", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    app.add_member(acme.id, viewer.id, Role::Viewer).await;

    let page = browser.get("/orgs/acme/webhooks").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Register an endpoint") && page.body.contains("member.role_changed"));

    let registered = browser
        .call(
            "register_webhook",
            &[
                ("scope", "acme"),
                ("url", &receiver.url),
                ("description", "Billing"),
                ("events", "member.role_changed,member.suspended"),
            ],
        )
        .await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.body);
    let created: Value = serde_json::from_str(&registered.body).unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let id = created["id"].as_i64().unwrap();
    let listed = browser.call("list_webhooks", &[("scope", "acme")]).await;
    assert!(
        listed.body.contains(&receiver.url) && !listed.body.contains(&secret),
        "shown once: {}",
        listed.body
    );
    let event = &app.store.recent_audit_events(1).await.unwrap()[0];
    assert_eq!(
        (event.action.as_str(), event.actor_user_id),
        (domain::action::WEBHOOK_CREATED, Some(admin.id))
    );

    let user_id = viewer.id.to_string();
    let changed = browser
        .call("change_member_role", &[("slug", "acme"), ("user_id", &user_id), ("role", "editor")])
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    wait_until(Duration::from_secs(20), "the delivery", || async { receiver.accepted().len() == 1 }).await;
    assert_eq!(verified(&secret, &receiver.accepted())[0]["data"]["after"]["role"], "editor");

    let id_text = id.to_string();
    wait_until(Duration::from_secs(10), "the attempt to be recorded", || async {
        let log = app.store.list_webhook_deliveries(id, 10, 0).await.unwrap();
        log.items.first().is_some_and(|d| d.delivered_at.is_some())
    })
    .await;
    let page = browser.get(&format!("/orgs/acme/webhooks/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in
        ["Delivery log", "member.role_changed", "HTTP 204", "Delivered", "Resend", "Send a test event"]
    {
        assert!(page.body.contains(expected), "{expected} in the page");
    }
    let tested = browser.call("send_test_webhook", &[("scope", "acme"), ("id", &id_text)]).await;
    assert_eq!(tested.status, StatusCode::OK, "{}", tested.body);
    wait_until(Duration::from_secs(20), "the test event", || async { receiver.accepted().len() == 2 }).await;
    let message_id = receiver.accepted()[0].headers["webhook-id"].clone();
    let resent = browser
        .call("resend_webhook_delivery", &[("scope", "acme"), ("id", &id_text), ("delivery_id", &message_id)])
        .await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.body);
    wait_until(Duration::from_secs(20), "the resend", || async { receiver.accepted().len() == 3 }).await;
    assert_eq!(receiver.accepted()[2].headers["webhook-id"], message_id, "a resend keeps its message id");

    // Another organization's admin finds nothing, not even the page.
    let globex = app.create_organization("Globex").await;
    let (other, mut other_browser) = app.signed_in("admin@globex.example", false).await;
    app.add_member(globex.id, other.id, Role::Admin).await;
    assert_eq!(other_browser.get(&format!("/orgs/acme/webhooks/{id}")).await.status, StatusCode::NOT_FOUND);
    let peek = other_browser.call("webhook_details", &[("scope", "globex"), ("id", &id_text)]).await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND);

    let deleted = browser
        .call("delete_webhook", &[("scope", "acme"), ("id", &id_text), ("confirm_url", &receiver.url)])
        .await;
    assert!(deleted.status.is_success() || deleted.status.is_redirection(), "{}", deleted.body);
    assert_eq!(app.store.find_webhook(id).await.unwrap(), None);
    app.stop().await;
}
on_both_databases!(an_org_admin_registers_an_endpoint_and_reads_its_delivery_log_in_the_pages);

async fn private_addresses_are_refused_at_registration_without_the_setting(db: &TestDatabase) {
    let app = TestApp::spawn_refusing_private_webhooks(db).await;
    let (_, mut browser) = app.signed_in("root@example.com", true).await;
    for url in [
        "http://127.0.0.1:9/hooks",
        "http://localhost:9/hooks",
        "http://169.254.169.254/latest",
        "http://[::1]/",
    ] {
        let refused = browser
            .call(
                "register_webhook",
                &[("scope", ""), ("url", url), ("description", ""), ("events", "member.invited")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{url}: {}", refused.body);
        assert!(refused.body.contains("private"), "{url}: {}", refused.body);
    }
    assert!(app.store.list_webhooks(None).await.unwrap().is_empty());
    app.stop().await;
}
on_both_databases!(private_addresses_are_refused_at_registration_without_the_setting);

async fn private_addresses_are_refused_without_the_setting(db: &TestDatabase) {
    // No Roster serving: only this worker, which refuses private addresses.
    let store = db.store().await;
    let receiver = Receiver::start().await;
    let (hook, _) = endpoint(&store, None, &receiver.url, &["organization.created"]).await;
    store.send_test_webhook(hook.id, Actor::system(), Utc::now()).await.unwrap();
    let worker = server::webhooks::Deliverer::new(store.clone(), false);
    assert_eq!(worker.deliver_due().await.unwrap(), 1);
    assert!(receiver.all().is_empty(), "nothing reached 127.0.0.1");
    let log = store.list_webhook_deliveries(hook.id, 10, 0).await.unwrap();
    let attempt = &log.items[0].attempt_log[0];
    assert_eq!(attempt.status_code, None);
    assert!(attempt.error.as_deref().unwrap().contains("private"), "{attempt:?}");
    assert!(log.items[0].delivered_at.is_none());

    let url = url::Url::parse(&receiver.url).unwrap();
    assert!(app::ssr::webhooks::destinations(&url, false).await.is_err());
    let localhost = url::Url::parse("http://localhost:9/hooks").unwrap();
    assert!(app::ssr::webhooks::destinations(&localhost, false).await.is_err(), "a name is resolved first");
    assert!(app::ssr::webhooks::destinations(&url, true).await.is_ok());
}
on_both_databases!(private_addresses_are_refused_without_the_setting);

/// Two `roster` processes on one PostgreSQL database deliver each of many
/// queued events exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_deliver_each_webhook_once() {
    use support::processes::RosterProcess;

    let db = TestDatabase::new(Backend::Postgres).await;
    let store = db.store().await;
    let receiver = Receiver::start().await;
    let (hook, secret) = endpoint(&store, None, &receiver.url, &["organization.created"]).await;
    const EVENTS: usize = 60;
    for _ in 0..EVENTS {
        store.send_test_webhook(hook.id, Actor::system(), Utc::now()).await.unwrap();
    }

    let (a, b) = tokio::join!(RosterProcess::start(&db, None), RosterProcess::start(&db, None));
    wait_until(Duration::from_secs(60), "every event delivered", || async { receiver.all().len() >= EVENTS })
        .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received = receiver.all();
    let mut ids: Vec<&str> = received.iter().map(|r| r.headers["webhook-id"].as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((ids.len(), received.len()), (EVENTS, EVENTS), "each event delivered exactly once");
    assert_eq!(verified(&secret, &received).len(), EVENTS);
    let (by_a, by_b) = (a.webhooks_delivered(), b.webhooks_delivered());
    eprintln!("webhooks delivered: {by_a} by instance A, {by_b} by instance B");
    assert_eq!(by_a + by_b, EVENTS);
    drop((a, b));
    db.remove().await;
}
