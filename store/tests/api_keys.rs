//! API keys and idempotent retries, on both databases: keys are found by
//! their hash only, revoked at once, their use noted at most once a minute,
//! and every change made with one names it in the audit log.

use std::sync::Arc;

use chrono::{Duration, Utc};
use domain::{DisplayName, Email, OrganizationName, Slug};
use store::{Actor, ApiKeyScope, ApiKeyState, AuditQuery, NewApiKey, NewUser, Store, StoreError, action};
use testkit::{TestDatabase, on_both_databases};

async fn user(store: &Arc<dyn Store>, email: &str, name: &str) -> i64 {
    let user = NewUser {
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse(name).unwrap(),
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

fn by(user_id: i64) -> Actor {
    Actor { user_id: Some(user_id), ip: Some("198.51.100.1".into()), api_key_id: None }
}

fn new_key(organization_id: Option<i64>, name: &str, hash: &str) -> NewApiKey {
    NewApiKey {
        organization_id,
        name: name.into(),
        prefix: hash[..8].into(),
        secret_hash: hash.into(),
        expires_at: None,
        purpose: store::KeyPurpose::Management,
    }
}

async fn keys_are_made_found_by_hash_listed_by_scope_and_revoked(db: &TestDatabase) {
    let store = db.store().await;
    let alice = user(&store, "alice@example.com", "Alice").await;
    let acme = organization(&store, "Acme").await;
    let globex = organization(&store, "Globex").await;
    let now = Utc::now();

    let billing =
        store.create_api_key(new_key(Some(acme), "billing", "hash-billing-1"), by(alice), now).await;
    let billing = billing.unwrap();
    assert_eq!((billing.name.as_str(), billing.organization_id), ("billing", Some(acme)));
    assert_eq!(billing.created_by_name.as_deref(), Some("Alice"));
    assert_eq!(billing.state(now), ApiKeyState::Active);
    let event = store.recent_audit_events(1).await.unwrap().remove(0);
    assert_eq!(
        (event.action.as_str(), event.actor_user_id, event.organization_id),
        (action::API_KEY_CREATED, Some(alice), Some(acme))
    );
    assert!(event.details.contains("billing"), "{}", event.details);

    let installation =
        store.create_api_key(new_key(None, "warehouse", "hash-warehouse"), by(alice), now).await;
    let installation = installation.unwrap();
    let expiring =
        NewApiKey { expires_at: Some(now + Duration::hours(1)), ..new_key(Some(globex), "x", "hash-x-1234") };
    let expiring = store.create_api_key(expiring, by(alice), now).await.unwrap();
    assert_eq!(expiring.state(now + Duration::hours(1)), ApiKeyState::Expired);

    let ids = |keys: Vec<store::ApiKeyRecord>| keys.into_iter().map(|k| k.id).collect::<Vec<_>>();
    assert_eq!(ids(store.list_api_keys(ApiKeyScope::Organization(acme)).await.unwrap()), [billing.id]);
    assert_eq!(ids(store.list_api_keys(ApiKeyScope::Installation).await.unwrap()), [installation.id]);
    assert_eq!(store.find_api_key_by_hash("hash-billing-1").await.unwrap().map(|k| k.id), Some(billing.id));
    assert_eq!(store.find_api_key_by_hash("hash-billing").await.unwrap(), None, "the whole hash, exactly");

    store.revoke_api_key(billing.id, by(alice), now).await.unwrap();
    let revoked = store.find_api_key(billing.id).await.unwrap().unwrap();
    assert_eq!(revoked.state(now), ApiKeyState::Revoked);
    assert_eq!(store.recent_audit_events(1).await.unwrap()[0].action, action::API_KEY_REVOKED);
    assert!(matches!(store.revoke_api_key(billing.id, by(alice), now).await, Err(StoreError::NotFound)));
    assert!(matches!(store.revoke_api_key(999_999, by(alice), now).await, Err(StoreError::NotFound)));
}
on_both_databases!(keys_are_made_found_by_hash_listed_by_scope_and_revoked);

async fn a_keys_use_is_noted_at_most_once_a_minute(db: &TestDatabase) {
    let store = db.store().await;
    let alice = user(&store, "alice@example.com", "Alice").await;
    let t0 = Utc::now();
    let key = store.create_api_key(new_key(None, "cron", "hash-cron-123"), by(alice), t0).await.unwrap();
    assert_eq!(key.last_used_at, None);
    let last_used = || async { store.find_api_key(key.id).await.unwrap().unwrap().last_used_at.unwrap() };

    store.note_api_key_use(key.id, t0, t0 - Duration::minutes(1)).await.unwrap();
    let first = last_used().await;
    let t1 = t0 + Duration::seconds(30);
    store.note_api_key_use(key.id, t1, t1 - Duration::minutes(1)).await.unwrap();
    assert_eq!(last_used().await, first, "within the minute, not written again");
    let t2 = t0 + Duration::seconds(61);
    store.note_api_key_use(key.id, t2, t2 - Duration::minutes(1)).await.unwrap();
    assert!(last_used().await > first);
}
on_both_databases!(a_keys_use_is_noted_at_most_once_a_minute);

async fn changes_made_with_a_key_name_it_in_the_audit_log(db: &TestDatabase) {
    let store = db.store().await;
    let alice = user(&store, "alice@example.com", "Alice").await;
    let key = store.create_api_key(new_key(None, "billing", "hash-billing-9"), by(alice), Utc::now()).await;
    let key = key.unwrap();
    let with_key = Actor { api_key_id: Some(key.id), ..by(alice) };
    let name = OrganizationName::parse("Initech").unwrap();
    let slug = Slug::from_name(name.as_str()).unwrap();
    store.create_organization(&slug, &name, with_key, Utc::now()).await.unwrap();

    let stored = store.recent_audit_events(1).await.unwrap().remove(0);
    assert_eq!((stored.action.as_str(), stored.api_key_id), (action::ORGANIZATION_CREATED, Some(key.id)));
    let query = AuditQuery { action: Some(action::ORGANIZATION_CREATED.into()), ..AuditQuery::default() };
    let shown = store.audit_log(&query, 10, 0).await.unwrap().items.remove(0);
    assert_eq!(shown.actor_name.as_deref(), Some("Alice"));
    assert_eq!((shown.api_key_id, shown.api_key_name.as_deref()), (Some(key.id), Some("billing")));
    let created = AuditQuery { action: Some(action::API_KEY_CREATED.into()), ..AuditQuery::default() };
    assert_eq!(store.audit_log(&created, 10, 0).await.unwrap().items[0].api_key_id, None);
}
on_both_databases!(changes_made_with_a_key_name_it_in_the_audit_log);

async fn an_idempotency_key_is_claimed_once_and_replays_its_answer(db: &TestDatabase) {
    let store = db.store().await;
    let alice = user(&store, "alice@example.com", "Alice").await;
    let key = store.create_api_key(new_key(None, "retry", "hash-retry-12"), by(alice), Utc::now()).await;
    let key = key.unwrap();
    let other = store.create_api_key(new_key(None, "other", "hash-other-12"), by(alice), Utc::now()).await;
    let other = other.unwrap();
    let now = Utc::now();

    assert_eq!(store.claim_idempotent(key.id, "req-1", "fp-a", now).await.unwrap(), None);
    let pending = store.claim_idempotent(key.id, "req-1", "fp-a", now).await.unwrap().unwrap();
    assert_eq!(pending.status, 0, "still being answered");
    assert_eq!(store.claim_idempotent(other.id, "req-1", "fp-a", now).await.unwrap(), None, "per key");

    store.finish_idempotent(key.id, "req-1", 201, "{\"ok\":true}").await.unwrap();
    let replay = store.claim_idempotent(key.id, "req-1", "fp-b", now).await.unwrap().unwrap();
    assert_eq!(
        (replay.status, replay.body.as_str(), replay.fingerprint.as_str()),
        (201, "{\"ok\":true}", "fp-a")
    );
    store.release_idempotent(key.id, "req-1").await.unwrap();
    assert!(
        store.claim_idempotent(key.id, "req-1", "fp-a", now).await.unwrap().is_some(),
        "a finished one stays"
    );

    assert_eq!(store.claim_idempotent(key.id, "req-2", "fp-a", now).await.unwrap(), None);
    store.release_idempotent(key.id, "req-2").await.unwrap();
    assert_eq!(
        store.claim_idempotent(key.id, "req-2", "fp-a", now).await.unwrap(),
        None,
        "released, runs again"
    );

    // A claim never answered (its instance died) lapses; a recent one holds.
    let later = now + store::IDEMPOTENCY_CLAIM_LAPSES - Duration::seconds(1);
    assert_eq!(store.claim_idempotent(key.id, "req-3", "fp-a", now).await.unwrap(), None);
    assert!(store.claim_idempotent(key.id, "req-3", "fp-a", later).await.unwrap().is_some(), "still held");
    let lapsed = now + store::IDEMPOTENCY_CLAIM_LAPSES + Duration::seconds(1);
    assert_eq!(store.claim_idempotent(key.id, "req-3", "fp-a", lapsed).await.unwrap(), None, "lapsed");
    // An answered one stays answered that long and longer, until kept no more.
    assert_eq!(store.claim_idempotent(key.id, "req-1", "fp-a", lapsed).await.unwrap().unwrap().status, 201);
    let forgotten = now + store::IDEMPOTENCY_KEPT + Duration::seconds(1);
    assert_eq!(store.claim_idempotent(key.id, "req-1", "fp-a", forgotten).await.unwrap(), None, "forgotten");
    // Claiming prunes the key's old answers, not other keys'.
    store.finish_idempotent(other.id, "req-1", 200, "{}").await.unwrap();
    assert_eq!(store.claim_idempotent(key.id, "req-9", "fp-a", forgotten).await.unwrap(), None);
    assert!(
        store.claim_idempotent(other.id, "req-1", "fp-a", now).await.unwrap().is_some(),
        "another key's answer stays"
    );
}
on_both_databases!(an_idempotency_key_is_claimed_once_and_replays_its_answer);
