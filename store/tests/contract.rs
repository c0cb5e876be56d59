//! The store's contract, run against SQLite and PostgreSQL alike.

use std::sync::Arc;

use chrono::{Duration, Utc};
use domain::{AccountStatus, DisplayName, Email};
use store::{Actor, NewSession, NewUser, Store, StoreError, TokenKind, TokenProblem, action};
use testkit::{TestDatabase, on_both_databases};

fn new_user(email: &str, is_super_admin: bool) -> NewUser {
    NewUser {
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse("Ada Lovelace").unwrap(),
        password_hash: "$argon2id$stand-in".to_owned(),
        is_super_admin,
    }
}

fn new_session(user_id: i64, token_hash: &str) -> NewSession {
    let now = Utc::now();
    NewSession {
        user_id,
        token_hash: token_hash.to_owned(),
        created_at: now,
        expires_at: now + Duration::days(30),
        ip: Some("127.0.0.1".to_owned()),
        user_agent: Some("contract test".to_owned()),
        amr: domain::Amr::password(),
        second_step: None,
        must_enroll: false,
    }
}

/// Redeems a setup token for a new super admin with this address.
async fn complete_setup(
    store: &Arc<dyn Store>,
    token: &str,
    email: &str,
) -> Result<store::UserRecord, StoreError> {
    store.complete_setup(token, new_user(email, true), Actor::system(), Utc::now()).await
}

async fn last_action(store: &Arc<dyn Store>) -> String {
    store.recent_audit_events(1).await.unwrap().remove(0).action
}

async fn email_addresses_are_unique_case_insensitively(db: &TestDatabase) {
    let store = db.store().await;
    let ada =
        store.create_user(new_user("ada@example.com", false), Actor::system(), Utc::now()).await.unwrap();
    assert_eq!(store.find_user(ada.id).await.unwrap().as_ref(), Some(&ada));
    assert_eq!(ada.status, AccountStatus::Active);

    let again = store.create_user(new_user("ADA@Example.com", false), Actor::system(), Utc::now()).await;
    assert!(matches!(again, Err(StoreError::EmailTaken)), "{again:?}");
    assert_eq!(
        store.recent_audit_events(10).await.unwrap().len(),
        1,
        "the failed insert wrote no audit event"
    );
}
on_both_databases!(email_addresses_are_unique_case_insensitively);

async fn setup_token_creates_exactly_one_super_admin(db: &TestDatabase) {
    let store = db.store().await;
    let now = Utc::now();
    assert!(!store.super_admin_exists().await.unwrap());

    store.replace_setup_token("first", now, now + Duration::hours(1)).await.unwrap();
    store.replace_setup_token("second", now, now + Duration::hours(1)).await.unwrap();
    assert_eq!(last_action(&store).await, action::SETUP_LINK_ISSUED);
    let first = complete_setup(&store, "first", "root@example.com").await;
    assert!(matches!(first, Err(StoreError::Token(TokenProblem::Revoked))), "{first:?}");

    let root = complete_setup(&store, "second", "root@example.com").await.unwrap();
    assert!(root.is_super_admin);
    assert!(store.super_admin_exists().await.unwrap());
    assert_eq!(last_action(&store).await, action::SETUP_COMPLETED);

    let reused = complete_setup(&store, "second", "other@example.com").await;
    assert!(matches!(reused, Err(StoreError::Token(TokenProblem::Used))), "{reused:?}");

    store.replace_setup_token("third", now, now + Duration::hours(1)).await.unwrap();
    let late = complete_setup(&store, "third", "other@example.com").await;
    assert!(matches!(late, Err(StoreError::SetupDone)), "{late:?}");
    assert!(store.find_token(TokenKind::Setup, "third").await.unwrap().unwrap().used_at.is_none());
}
on_both_databases!(setup_token_creates_exactly_one_super_admin);

async fn an_expired_or_unknown_setup_token_is_refused(db: &TestDatabase) {
    let store = db.store().await;
    let now = Utc::now();
    store.replace_setup_token("old", now - Duration::hours(2), now - Duration::hours(1)).await.unwrap();
    let expired = complete_setup(&store, "old", "root@example.com").await;
    assert!(matches!(expired, Err(StoreError::Token(TokenProblem::Expired))), "{expired:?}");
    let unknown = complete_setup(&store, "forged", "root@example.com").await;
    assert!(matches!(unknown, Err(StoreError::Token(TokenProblem::Unknown))), "{unknown:?}");
    assert!(!store.super_admin_exists().await.unwrap());
}
on_both_databases!(an_expired_or_unknown_setup_token_is_refused);

async fn concurrent_setups_with_one_link_make_one_super_admin(db: &TestDatabase) {
    let store = db.store().await;
    let now = Utc::now();
    store.replace_setup_token("link", now, now + Duration::hours(1)).await.unwrap();
    let attempts = (0..8).map(|i| {
        let store = store.clone();
        tokio::spawn(async move { complete_setup(&store, "link", &format!("root{i}@example.com")).await })
    });
    let mut successes = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(_) => successes += 1,
            Err(StoreError::Token(TokenProblem::Used) | StoreError::SetupDone) => {}
            Err(other) => panic!("unexpected failure: {other:?}"),
        }
    }
    assert_eq!(successes, 1);
}
on_both_databases!(concurrent_setups_with_one_link_make_one_super_admin);

async fn sessions_are_found_by_hash_and_end(db: &TestDatabase) {
    let store = db.store().await;
    let user =
        store.create_user(new_user("ada@example.com", false), Actor::system(), Utc::now()).await.unwrap();
    store
        .record_sign_in(
            new_session(user.id, "hash-1"),
            Actor { user_id: Some(user.id), ip: None, api_key_id: None },
        )
        .await
        .unwrap();
    assert_eq!(last_action(&store).await, action::SIGNED_IN);

    let session = store.find_session("hash-1").await.unwrap().expect("the session");
    assert_eq!(session.user.id, user.id);
    assert!(session.revoked_at.is_none());
    assert!(store.find_user(user.id).await.unwrap().unwrap().last_sign_in_at.is_some());
    assert!(store.find_session("hash-2").await.unwrap().is_none());

    let later = session.last_seen_at + Duration::minutes(5);
    store.touch_session(session.id, later).await.unwrap();
    assert_eq!(store.find_session("hash-1").await.unwrap().unwrap().last_seen_at, later);

    store.end_session(session.id, Actor::system(), Utc::now()).await.unwrap();
    assert!(store.find_session("hash-1").await.unwrap().unwrap().revoked_at.is_some());
    assert_eq!(last_action(&store).await, action::SIGNED_OUT);
}
on_both_databases!(sessions_are_found_by_hash_and_end);

async fn suspending_an_account_revokes_its_sessions_in_the_same_change(db: &TestDatabase) {
    let store = db.store().await;
    let user =
        store.create_user(new_user("ada@example.com", false), Actor::system(), Utc::now()).await.unwrap();
    for hash in ["a", "b"] {
        store.record_sign_in(new_session(user.id, hash), Actor::system()).await.unwrap();
    }
    store
        .set_account_status(user.id, AccountStatus::Suspended, None, Actor::system(), Utc::now())
        .await
        .unwrap();
    for hash in ["a", "b"] {
        let session = store.find_session(hash).await.unwrap().unwrap();
        assert!(session.revoked_at.is_some());
        assert_eq!(session.user.status, AccountStatus::Suspended);
    }
    assert_eq!(last_action(&store).await, action::ACCOUNT_SUSPENDED);

    store
        .set_account_status(user.id, AccountStatus::Active, None, Actor::system(), Utc::now())
        .await
        .unwrap();
    assert_eq!(store.find_user(user.id).await.unwrap().unwrap().status, AccountStatus::Active);
    let missing =
        store.set_account_status(9_999, AccountStatus::Suspended, None, Actor::system(), Utc::now()).await;
    assert!(matches!(missing, Err(StoreError::NotFound)));
}
on_both_databases!(suspending_an_account_revokes_its_sessions_in_the_same_change);

/// Many requests at once in one rate-limit bucket: exactly `limit` pass, and
/// the window slides: hits older than it no longer count.
async fn a_rate_limit_holds_under_concurrent_requests(db: &TestDatabase) {
    let store = db.store().await;
    let now = Utc::now();
    let attempts = (0..12).map(|_| {
        let store = store.clone();
        tokio::spawn(
            async move { store.take_rate_limit("test:bucket", 5, now - Duration::hours(1), now).await },
        )
    });
    let mut passed = 0;
    for attempt in attempts {
        if attempt.await.unwrap().unwrap() {
            passed += 1;
        }
    }
    assert_eq!(passed, 5);
    assert!(
        store.take_rate_limit("test:other", 5, now - Duration::hours(1), now).await.unwrap(),
        "buckets are apart"
    );
    let later = now + Duration::hours(2);
    assert!(store.take_rate_limit("test:bucket", 5, later - Duration::hours(1), later).await.unwrap());
}
on_both_databases!(a_rate_limit_holds_under_concurrent_requests);
