//! Second factors in the store, on both databases: a passkey is found by
//! its credential ID whoever asks, keeps the credential a sign-in updates,
//! is registered once, and goes with its recovery codes when it is the
//! last factor.

use std::sync::Arc;

use chrono::Utc;
use domain::{DisplayName, Email, FactorKind};
use store::{Actor, FactorSecret, NewFactor, NewUser, Store, StoreError};
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

fn passkey(user_id: i64, credential_id: &str, codes: Option<Vec<String>>) -> NewFactor {
    NewFactor {
        user_id,
        name: "Work laptop".into(),
        secret: FactorSecret::Passkey {
            credential_id: credential_id.into(),
            credential: format!("{{\"cred_id\":\"{credential_id}\",\"counter\":0}}"),
        },
        recovery_code_hashes: codes,
    }
}

async fn passkeys_are_found_by_credential_and_registered_once(db: &TestDatabase) {
    let store = db.store().await;
    let (ada, bo) = (user(&store, "ada@example.com").await, user(&store, "bo@example.com").await);
    let now = Utc::now();
    let codes = vec!["a".repeat(64), "b".repeat(64)];
    let id =
        store.add_second_factor(passkey(ada, "cred-ada", Some(codes)), Actor::system(), now).await.unwrap();

    let found = store.find_passkey("cred-ada").await.unwrap().expect("found by its credential ID");
    assert_eq!((found.id, found.user_id, found.kind), (id, ada, FactorKind::Passkey));
    assert_eq!(found.totp_secret, None);
    assert!(store.find_passkey("cred-nobody").await.unwrap().is_none());
    assert_eq!(store.recovery_codes_left(ada).await.unwrap(), 2);

    // The same credential, for anyone, is refused and changes nothing.
    let again = store.add_second_factor(passkey(bo, "cred-ada", None), Actor::system(), now).await;
    assert!(matches!(again, Err(StoreError::PasskeyTaken)), "{again:?}");
    assert!(store.second_factors(bo).await.unwrap().is_empty());

    // A sign-in keeps the updated credential and when it was used.
    store.passkey_used(id, "{\"counter\":7}", now).await.unwrap();
    let used = store.find_passkey("cred-ada").await.unwrap().unwrap();
    assert_eq!(used.credential.as_deref(), Some("{\"counter\":7}"));
    assert!(used.last_used_at.is_some());

    // The last factor takes the recovery codes with it.
    store.remove_second_factor(ada, id, Actor::system(), now).await.unwrap();
    assert!(store.find_passkey("cred-ada").await.unwrap().is_none());
    assert_eq!(store.recovery_codes_left(ada).await.unwrap(), 0);
}
on_both_databases!(passkeys_are_found_by_credential_and_registered_once);
