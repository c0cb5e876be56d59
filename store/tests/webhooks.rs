//! Webhook endpoints and their deliveries, on both databases: every change
//! to an endpoint is audited; a change announced by webhooks queues one
//! delivery per listening endpoint in its own transaction; workers claim,
//! retry, give up, resend, and disable an endpoint failing for a day.

use std::sync::Arc;

use chrono::{Duration, Utc};
use domain::{
    AccountStatus, DisplayName, Email, MembershipStatus, OrganizationName, Role, Slug, WebhookSettings,
};
use store::{
    Actor, AttemptNext, NewUser, NewWebhookEndpoint, Store, StoreError, WebhookAttempt,
    WebhookEndpointRecord, action,
};
use testkit::{TestDatabase, on_both_databases};

async fn user(store: &Arc<dyn Store>, email: &str) -> i64 {
    let user = NewUser {
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse("Ada").unwrap(),
        password_hash: "$argon2id$stand-in".into(),
        is_super_admin: false,
    };
    store.create_user(user, Actor::system(), Utc::now()).await.unwrap().id
}

async fn organization(store: &Arc<dyn Store>, name: &str) -> i64 {
    let name = OrganizationName::parse(name).unwrap();
    let slug = Slug::from_name(name.as_str()).unwrap();
    store.create_organization(&slug, &name, Actor::system(), Utc::now()).await.unwrap().id
}

async fn member(store: &Arc<dyn Store>, organization_id: i64, user_id: i64, role: Role) {
    store
        .add_member(organization_id, user_id, role, MembershipStatus::Active, Actor::system(), Utc::now())
        .await
        .unwrap();
}

fn by(user_id: i64) -> Actor {
    Actor { user_id: Some(user_id), ip: Some("198.51.100.1".into()), api_key_id: None }
}

fn settings(url: &str, events: &[&str]) -> WebhookSettings {
    let events: Vec<String> = events.iter().map(|e| e.to_string()).collect();
    WebhookSettings::parse(url, "Billing", &events).unwrap()
}

async fn endpoint(
    store: &Arc<dyn Store>,
    organization_id: Option<i64>,
    url: &str,
    events: &[&str],
    creator: i64,
) -> WebhookEndpointRecord {
    let endpoint = NewWebhookEndpoint {
        organization_id,
        settings: settings(url, events),
        secret: format!("whsec_{}", "A".repeat(43)),
    };
    store.create_webhook(endpoint, by(creator), Utc::now()).await.unwrap()
}

async fn last_event(store: &Arc<dyn Store>) -> store::AuditRecord {
    store.recent_audit_events(1).await.unwrap().remove(0)
}

async fn deliveries(store: &Arc<dyn Store>, endpoint_id: i64) -> Vec<store::WebhookDeliveryRecord> {
    store.list_webhook_deliveries(endpoint_id, 100, 0).await.unwrap().items
}

fn payload(delivery: &store::WebhookDeliveryRecord) -> serde_json::Value {
    serde_json::from_str(&delivery.payload).unwrap()
}

async fn endpoints_are_registered_changed_rotated_disabled_and_deleted_each_audited(db: &TestDatabase) {
    let store = db.store().await;
    let admin = user(&store, "admin@example.com").await;
    let acme = organization(&store, "Acme").await;

    let hook = endpoint(
        &store,
        Some(acme),
        "https://hooks.example/acme",
        &["member.removed", "member.invited"],
        admin,
    )
    .await;
    assert_eq!(hook.organization_id, Some(acme));
    assert_eq!(hook.events, ["member.invited", "member.removed"]);
    assert_eq!(hook.created_by_name.as_deref(), Some("Ada"));
    assert!(hook.is_enabled());
    let event = last_event(&store).await;
    assert_eq!((event.action.as_str(), event.organization_id), (action::WEBHOOK_CREATED, Some(acme)));
    assert!(event.details.contains("hooks.example"), "{}", event.details);
    assert!(!event.details.contains("whsec_"), "the secret is never in the audit log");

    let everything = endpoint(&store, None, "https://hooks.example/all", &["account.deleted"], admin).await;
    let ids = |list: Vec<WebhookEndpointRecord>| list.into_iter().map(|e| e.id).collect::<Vec<_>>();
    assert_eq!(ids(store.list_webhooks(Some(acme)).await.unwrap()), [hook.id]);
    assert_eq!(ids(store.list_webhooks(None).await.unwrap()), [everything.id]);

    let changed = settings("https://hooks.example/v2", &["member.suspended"]);
    store.update_webhook(hook.id, &changed, by(admin), Utc::now()).await.unwrap();
    let found = store.find_webhook(hook.id).await.unwrap().unwrap();
    assert_eq!(
        (found.url.as_str(), found.events.clone()),
        ("https://hooks.example/v2", vec!["member.suspended".into()])
    );
    assert_eq!(last_event(&store).await.action, action::WEBHOOK_UPDATED);

    let until = Utc::now() + Duration::hours(24);
    store.rotate_webhook_secret(hook.id, "whsec_new", until, by(admin), Utc::now()).await.unwrap();
    assert_eq!(last_event(&store).await.action, action::WEBHOOK_SECRET_ROTATED);
    assert!(store.find_webhook(hook.id).await.unwrap().unwrap().previous_secret_until.is_some());

    store.set_webhook_disabled(hook.id, Some("Paused by an admin."), by(admin), Utc::now()).await.unwrap();
    let found = store.find_webhook(hook.id).await.unwrap().unwrap();
    assert!(!found.is_enabled());
    assert_eq!(found.disabled_reason.as_deref(), Some("Paused by an admin."));
    assert_eq!(last_event(&store).await.action, action::WEBHOOK_DISABLED);
    store.set_webhook_disabled(hook.id, None, by(admin), Utc::now()).await.unwrap();
    assert!(store.find_webhook(hook.id).await.unwrap().unwrap().is_enabled());
    assert_eq!(last_event(&store).await.action, action::WEBHOOK_ENABLED);

    store.delete_webhook(hook.id, by(admin), Utc::now()).await.unwrap();
    assert_eq!(store.find_webhook(hook.id).await.unwrap(), None);
    assert_eq!(last_event(&store).await.action, action::WEBHOOK_DELETED);
    assert!(matches!(store.delete_webhook(hook.id, by(admin), Utc::now()).await, Err(StoreError::NotFound)));
    assert!(matches!(
        store.update_webhook(hook.id, &changed, by(admin), Utc::now()).await,
        Err(StoreError::NotFound)
    ));
}
on_both_databases!(endpoints_are_registered_changed_rotated_disabled_and_deleted_each_audited);

async fn a_change_queues_one_delivery_per_listening_endpoint_in_its_transaction(db: &TestDatabase) {
    let store = db.store().await;
    let root = user(&store, "root@example.com").await;
    let alice = user(&store, "alice@example.com").await;
    let bob = user(&store, "bob@example.com").await;
    let acme = organization(&store, "Acme").await;
    let globex = organization(&store, "Globex").await;
    member(&store, acme, root, Role::Admin).await;
    member(&store, acme, alice, Role::Viewer).await;
    member(&store, globex, bob, Role::Admin).await;

    let roles =
        endpoint(&store, Some(acme), "https://hooks.example/acme", &["member.role_changed"], root).await;
    let removals =
        endpoint(&store, Some(acme), "https://hooks.example/removals", &["member.removed"], root).await;
    let other =
        endpoint(&store, Some(globex), "https://hooks.example/globex", &["member.role_changed"], bob).await;
    let all: Vec<&str> = domain::WebhookEvent::ALL.iter().map(|e| e.as_str()).collect();
    let installation = endpoint(&store, None, "https://hooks.example/all", &all, root).await;
    let paused =
        endpoint(&store, Some(acme), "https://hooks.example/paused", &["member.role_changed"], root).await;
    store.set_webhook_disabled(paused.id, Some("Paused."), by(root), Utc::now()).await.unwrap();

    store.change_member_role(acme, alice, Role::Editor, by(root), Utc::now()).await.unwrap();

    let to_acme = deliveries(&store, roles.id).await;
    assert_eq!(to_acme.len(), 1);
    let to_installation = deliveries(&store, installation.id).await;
    assert_eq!(to_installation.len(), 1);
    assert!(deliveries(&store, removals.id).await.is_empty(), "not subscribed");
    assert!(deliveries(&store, other.id).await.is_empty(), "another organization");
    assert!(deliveries(&store, paused.id).await.is_empty(), "disabled");
    assert!(to_acme[0].id.starts_with("msg_"), "{}", to_acme[0].id);
    assert_ne!(to_acme[0].id, to_installation[0].id);
    assert_eq!(to_acme[0].event_type, "member.role_changed");

    let sent = payload(&to_acme[0]);
    assert_eq!(sent["type"], "member.role_changed");
    assert!(sent["timestamp"].as_str().unwrap().ends_with('Z'));
    let data = &sent["data"];
    assert_eq!(data["user"]["id"], alice);
    assert_eq!(data["user"]["email"], "alice@example.com");
    assert_eq!(data["organization"]["slug"], "acme");
    assert_eq!(data["organization"]["name"], "Acme");
    assert_eq!(data["actor"]["email"], "root@example.com");
    assert_eq!(data["actor"]["type"], "user");
    assert_eq!(data["before"]["role"], "viewer");
    assert_eq!(data["after"]["role"], "editor");
    assert_eq!(data["membership"]["role"], "editor");
    assert_eq!(to_acme[0].payload, to_installation[0].payload, "one event, one body");

    // A change that fails (the last admin) announces nothing.
    let refused = store.change_member_role(acme, root, Role::Viewer, by(alice), Utc::now()).await;
    assert!(matches!(refused, Err(StoreError::LastAdmin)), "{refused:?}");
    assert_eq!(deliveries(&store, roles.id).await.len(), 1);

    // An account's suspension (no organization) reaches the endpoints of
    // each organization the person belongs to, and the installation's.
    store
        .set_account_status(alice, AccountStatus::Suspended, Some("Unpaid"), by(root), Utc::now())
        .await
        .unwrap();
    let suspended =
        endpoint(&store, Some(acme), "https://hooks.example/s", &["account.suspended"], root).await;
    let globex_suspended =
        endpoint(&store, Some(globex), "https://hooks.example/gs", &["account.suspended"], bob).await;
    store.set_account_status(alice, AccountStatus::Active, None, by(root), Utc::now()).await.unwrap();
    store.set_account_status(alice, AccountStatus::Suspended, None, by(root), Utc::now()).await.unwrap();
    assert_eq!(deliveries(&store, suspended.id).await.len(), 1, "only what happened after it was registered");
    assert!(deliveries(&store, globex_suspended.id).await.is_empty(), "Alice is not in Globex");
    let to_installation = deliveries(&store, installation.id).await;
    let types: Vec<&str> = to_installation.iter().map(|d| d.event_type.as_str()).collect();
    assert_eq!(
        types,
        ["account.suspended", "account.reactivated", "account.suspended", "member.role_changed"]
    );
    let first_suspension = payload(&to_installation[2]);
    assert_eq!(first_suspension["data"]["before"]["status"], "active");
    assert_eq!(first_suspension["data"]["after"]["status"], "suspended");
    assert_eq!(first_suspension["data"]["reason"], "Unpaid");
    assert_eq!(first_suspension["data"]["organization"], serde_json::Value::Null);

    let renamed = OrganizationName::parse("Acme Corp").unwrap();
    store.rename_organization(acme, &renamed, by(root), Utc::now()).await.unwrap();
    let rename = payload(&deliveries(&store, installation.id).await[0]);
    assert_eq!(rename["type"], "organization.renamed");
    assert_eq!(
        (rename["data"]["before"]["name"].as_str(), rename["data"]["after"]["name"].as_str()),
        (Some("Acme"), Some("Acme Corp"))
    );
}
on_both_databases!(a_change_queues_one_delivery_per_listening_endpoint_in_its_transaction);

fn failed(
    delivery_id: &str,
    endpoint_id: i64,
    at: chrono::DateTime<Utc>,
    next: AttemptNext,
) -> WebhookAttempt {
    WebhookAttempt {
        delivery_id: delivery_id.to_owned(),
        endpoint_id,
        at,
        status_code: Some(503),
        error: None,
        duration_ms: 12,
        next,
    }
}

async fn deliveries_are_claimed_once_retried_resent_and_a_failing_endpoint_disabled(db: &TestDatabase) {
    let store = db.store().await;
    let root = user(&store, "root@example.com").await;
    let acme = organization(&store, "Acme").await;
    let hook = endpoint(&store, Some(acme), "https://hooks.example/acme", &["member.joined"], root).await;
    let id = store.send_test_webhook(hook.id, by(root), Utc::now()).await.unwrap();
    assert_eq!(last_event(&store).await.action, action::WEBHOOK_TEST_SENT);

    let now = Utc::now();
    let claimed = store.claim_due_webhooks(now, now + Duration::minutes(1), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!((claimed[0].id.as_str(), claimed[0].attempts), (id.as_str(), 1));
    assert_eq!(claimed[0].secrets.len(), 1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&claimed[0].payload).unwrap()["type"],
        "webhook.test"
    );
    assert!(
        store.claim_due_webhooks(now, now + Duration::minutes(1), 10).await.unwrap().is_empty(),
        "leased"
    );

    let retry_at = now + Duration::seconds(5);
    let disabled = store
        .record_webhook_attempt(
            failed(&id, hook.id, now, AttemptNext::RetryAt(retry_at)),
            Duration::hours(24),
        )
        .await
        .unwrap();
    assert!(!disabled);
    assert!(
        store.claim_due_webhooks(now, now + Duration::minutes(1), 10).await.unwrap().is_empty(),
        "not yet due"
    );
    let later = retry_at + Duration::seconds(1);
    let claimed = store.claim_due_webhooks(later, later + Duration::minutes(1), 10).await.unwrap();
    assert_eq!(claimed[0].attempts, 2);
    let mut ok = failed(&id, hook.id, later, AttemptNext::Delivered);
    ok.status_code = Some(204);
    store.record_webhook_attempt(ok, Duration::hours(24)).await.unwrap();
    let log = deliveries(&store, hook.id).await;
    assert!(log[0].delivered_at.is_some());
    let statuses: Vec<Option<i32>> = log[0].attempt_log.iter().map(|a| a.status_code).collect();
    assert_eq!(statuses, [Some(204), Some(503)], "newest first");
    assert_eq!(log[0].attempt_log[0].duration_ms, 12);

    // Resent: the same message id, due now.
    store.resend_webhook_delivery(hook.id, &id, by(root), Utc::now()).await.unwrap();
    assert_eq!(last_event(&store).await.action, action::WEBHOOK_RESENT);
    let now = Utc::now();
    let claimed = store.claim_due_webhooks(now, now + Duration::minutes(1), 10).await.unwrap();
    assert_eq!((claimed[0].id.as_str(), claimed[0].attempts), (id.as_str(), 1));
    let other = endpoint(&store, Some(acme), "https://hooks.example/b", &["member.joined"], root).await;
    assert!(
        matches!(
            store.resend_webhook_delivery(other.id, &id, by(root), Utc::now()).await,
            Err(StoreError::NotFound)
        ),
        "another endpoint's message"
    );

    // A day of failures disables the endpoint, with its reason and an audit event.
    store
        .record_webhook_attempt(failed(&id, hook.id, now, AttemptNext::RetryAt(now)), Duration::hours(24))
        .await
        .unwrap();
    let day_later = now + Duration::hours(25);
    store.claim_due_webhooks(day_later, day_later + Duration::minutes(1), 10).await.unwrap();
    let disabled = store
        .record_webhook_attempt(failed(&id, hook.id, day_later, AttemptNext::GiveUp), Duration::hours(24))
        .await
        .unwrap();
    assert!(disabled);
    let found = store.find_webhook(hook.id).await.unwrap().unwrap();
    assert!(!found.is_enabled());
    assert!(found.disabled_reason.as_deref().unwrap().contains("HTTP 503"), "{:?}", found.disabled_reason);
    let event = last_event(&store).await;
    assert_eq!((event.action.as_str(), event.actor_user_id), (action::WEBHOOK_DISABLED, None));
    assert!(deliveries(&store, hook.id).await[0].given_up_at.is_some());

    // A disabled endpoint's due deliveries wait.
    store.send_test_webhook(hook.id, by(root), Utc::now()).await.unwrap();
    let now = Utc::now();
    assert!(store.claim_due_webhooks(now, now + Duration::minutes(1), 10).await.unwrap().is_empty());
    store.set_webhook_disabled(hook.id, None, by(root), Utc::now()).await.unwrap();
    assert_eq!(store.claim_due_webhooks(now, now + Duration::minutes(1), 10).await.unwrap().len(), 1);

    // The previous secret signs until its grace period ends.
    store.rotate_webhook_secret(hook.id, "whsec_new", now + Duration::hours(1), by(root), now).await.unwrap();
    store.send_test_webhook(hook.id, by(root), now).await.unwrap();
    let claimed = store.claim_due_webhooks(now, now + Duration::minutes(1), 10).await.unwrap();
    assert_eq!(claimed[0].secrets, ["whsec_new".to_owned(), format!("whsec_{}", "A".repeat(43))]);
}
on_both_databases!(deliveries_are_claimed_once_retried_resent_and_a_failing_endpoint_disabled);

async fn finished_deliveries_are_forgotten_after_their_keeping_time(db: &TestDatabase) {
    let store = db.store().await;
    let root = user(&store, "root@example.com").await;
    let hook = endpoint(&store, None, "https://hooks.example/all", &["member.joined"], root).await;
    let (delivered, given_up, pending) = (
        store.send_test_webhook(hook.id, by(root), Utc::now()).await.unwrap(),
        store.send_test_webhook(hook.id, by(root), Utc::now()).await.unwrap(),
        store.send_test_webhook(hook.id, by(root), Utc::now()).await.unwrap(),
    );
    let now = Utc::now();
    store.claim_due_webhooks(now, now + Duration::minutes(1), 10).await.unwrap();
    let mut ok = failed(&delivered, hook.id, now, AttemptNext::Delivered);
    ok.status_code = Some(204);
    store.record_webhook_attempt(ok, Duration::hours(24)).await.unwrap();
    store
        .record_webhook_attempt(failed(&given_up, hook.id, now, AttemptNext::GiveUp), Duration::hours(24))
        .await
        .unwrap();
    store
        .record_webhook_attempt(
            failed(&pending, hook.id, now, AttemptNext::RetryAt(now)),
            Duration::hours(24),
        )
        .await
        .unwrap();

    assert_eq!(store.prune_webhook_deliveries(now - Duration::seconds(1)).await.unwrap(), 0, "too recent");
    assert_eq!(deliveries(&store, hook.id).await.len(), 3);
    assert_eq!(store.prune_webhook_deliveries(now + Duration::seconds(1)).await.unwrap(), 2);
    let left: Vec<String> = deliveries(&store, hook.id).await.into_iter().map(|d| d.id).collect();
    assert_eq!(left, [pending], "a delivery still being retried stays");
}
on_both_databases!(finished_deliveries_are_forgotten_after_their_keeping_time);
