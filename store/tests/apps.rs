//! Registering and managing applications, on both databases: every change
//! is audited, and disabling or deleting an app ends the sessions in it.

use std::sync::Arc;

use chrono::{Duration, Utc};
use domain::{
    AppKind, AppSettings, AppStatus, DisplayName, Email, MembershipStatus, OrganizationName, Role, Slug,
};
use store::{Actor, NewApp, NewAppSignIn, NewUser, Store, StoreError, action};
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

fn by(user_id: i64) -> Actor {
    Actor { user_id: Some(user_id), ip: Some("198.51.100.1".into()), api_key_id: None }
}

fn settings(name: &str, backchannel: &str) -> AppSettings {
    AppSettings::parse(
        name,
        "https://billing.example/callback\nhttp://localhost:8080/cb",
        "https://billing.example/bye",
        backchannel,
    )
    .unwrap()
}

fn new_app(client_id: &str, kind: AppKind, name: &str) -> NewApp {
    let secret_hash = (kind == AppKind::Confidential).then(|| "hash-of-secret".to_owned());
    NewApp {
        client_id: client_id.into(),
        kind,
        secret_hash,
        settings: settings(name, "https://billing.example/backchannel"),
    }
}

/// A person signed in to `app_id` as a member of `organization`: a live grant.
async fn sign_in_to(
    store: &Arc<dyn Store>,
    app_id: i64,
    app_name: &str,
    user_id: i64,
    organization: i64,
    sid: &str,
) {
    let now = Utc::now();
    let sign_in = NewAppSignIn {
        app_id,
        app_name: app_name.into(),
        user_id,
        organization_id: Some(organization),
        session_id: None,
        sid: sid.into(),
        scope: "openid organization".into(),
        auth_time: now,
        amr: domain::Amr::password(),
        grant_expires_at: now + Duration::days(30),
        code_hash: format!("code-{sid}"),
        redirect_uri: "https://billing.example/callback".into(),
        code_challenge: None,
        nonce: None,
        code_expires_at: now + Duration::seconds(60),
        new_user_public_id: format!("user-{sid}"),
        new_organization_public_id: format!("org-{sid}"),
        user_agent: Some("Test browser".into()),
    };
    store.record_app_sign_in(sign_in, by(user_id), now).await.unwrap();
}

async fn last_event(store: &Arc<dyn Store>) -> store::AuditRecord {
    store.recent_audit_events(1).await.unwrap().remove(0)
}

async fn apps_are_registered_listed_changed_and_deleted_each_audited(db: &TestDatabase) {
    let store = db.store().await;
    let root = user(&store, "root@example.com").await;

    let billing = store
        .create_app(new_app("billing-client", AppKind::Confidential, "Billing"), by(root), Utc::now())
        .await
        .unwrap();
    assert_eq!(billing.name, "Billing");
    assert_eq!(billing.kind, AppKind::Confidential);
    assert_eq!(billing.secret_hash.as_deref(), Some("hash-of-secret"));
    assert!(billing.is_active());
    assert_eq!(billing.signed_in, 0);
    assert!(billing.redirect_uris.contains("http://localhost:8080/cb"));
    assert!(!billing.redirect_uris.contains("http://localhost:8080/cb/"), "compared exactly");
    let event = last_event(&store).await;
    assert_eq!((event.action.as_str(), event.actor_user_id), (action::APP_CREATED, Some(root)));
    assert!(event.details.contains("Billing"), "{}", event.details);

    let spa =
        store.create_app(new_app("spa-client", AppKind::Public, "Admin console"), by(root), Utc::now()).await;
    let spa = spa.unwrap();
    assert_eq!(spa.secret_hash, None);
    let names: Vec<_> = store.list_apps().await.unwrap().into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["Admin console", "Billing"], "by name");
    assert_eq!(store.find_app_by_client_id("spa-client").await.unwrap().map(|a| a.id), Some(spa.id));
    assert_eq!(store.find_app_by_client_id("nobody").await.unwrap(), None);

    let changed = AppSettings::parse("Invoices", "https://invoices.example/cb", "", "").unwrap();
    store.update_app(billing.id, &changed, by(root), Utc::now()).await.unwrap();
    let found = store.find_app(billing.id).await.unwrap().unwrap();
    assert_eq!(found.name, "Invoices");
    assert_eq!(found.redirect_uris.0, ["https://invoices.example/cb"]);
    assert!(found.post_logout_redirect_uris.0.is_empty());
    assert_eq!(found.backchannel_logout_uri, None);
    assert_eq!(found.client_id, "billing-client", "the client ID stays");
    assert_eq!(last_event(&store).await.action, action::APP_UPDATED);
    assert!(matches!(
        store.update_app(999_999, &changed, by(root), Utc::now()).await,
        Err(StoreError::NotFound)
    ));

    store.replace_app_secret(billing.id, "new-hash", by(root), Utc::now()).await.unwrap();
    let found = store.find_app(billing.id).await.unwrap().unwrap();
    assert_eq!(found.secret_hash.as_deref(), Some("new-hash"));
    assert_eq!(last_event(&store).await.action, action::APP_SECRET_ROTATED);
    let before = store.recent_audit_events(100).await.unwrap().len();
    assert!(
        matches!(
            store.replace_app_secret(spa.id, "x", by(root), Utc::now()).await,
            Err(StoreError::NotFound)
        ),
        "a public app has no secret"
    );
    assert_eq!(store.find_app(spa.id).await.unwrap().unwrap().secret_hash, None);
    assert_eq!(store.recent_audit_events(100).await.unwrap().len(), before, "a refusal is not audited");

    store.delete_app(spa.id, by(root), Utc::now()).await.unwrap();
    assert_eq!(store.find_app(spa.id).await.unwrap(), None);
    let event = last_event(&store).await;
    assert_eq!(event.action, action::APP_DELETED);
    assert!(event.details.contains("Admin console"), "{}", event.details);
    assert!(matches!(store.delete_app(spa.id, by(root), Utc::now()).await, Err(StoreError::NotFound)));
    assert_eq!(store.list_apps().await.unwrap().len(), 1);
}
on_both_databases!(apps_are_registered_listed_changed_and_deleted_each_audited);

async fn disabling_an_app_ends_its_sessions_and_tells_it(db: &TestDatabase) {
    let store = db.store().await;
    let root = user(&store, "root@example.com").await;
    let ada = user(&store, "ada@example.com").await;
    let acme = organization(&store, "Acme").await;
    store
        .add_member(acme, ada, Role::Viewer, MembershipStatus::Active, Actor::system(), Utc::now())
        .await
        .unwrap();
    let billing = store
        .create_app(new_app("billing-client", AppKind::Confidential, "Billing"), by(root), Utc::now())
        .await
        .unwrap();
    let other =
        store.create_app(new_app("other-client", AppKind::Public, "Other"), by(root), Utc::now()).await;
    let other = other.unwrap();
    sign_in_to(&store, billing.id, "Billing", ada, acme, "sid-billing").await;
    sign_in_to(&store, other.id, "Other", ada, acme, "sid-other").await;
    assert_eq!(store.find_app(billing.id).await.unwrap().unwrap().signed_in, 1);
    let sessions: Vec<_> = store.app_sessions_of(ada, Some(acme)).await.unwrap();
    assert_eq!(sessions.len(), 2);
    let attempt = &store.sign_in_attempts(ada, 1).await.unwrap()[0];
    assert_eq!(attempt.app.as_deref(), Some("Other"), "the sign-in history names the app");

    store.set_app_status(billing.id, AppStatus::Disabled, by(root), Utc::now()).await.unwrap();
    let found = store.find_app(billing.id).await.unwrap().unwrap();
    assert_eq!((found.status, found.signed_in), (AppStatus::Disabled, 0));
    let grant = store.find_grant("sid-billing").await.unwrap().unwrap();
    assert!(grant.revoked_at.is_some(), "the grant is revoked");
    assert!(!grant.is_usable(Utc::now()));
    let left: Vec<_> =
        store.app_sessions_of(ada, None).await.unwrap().into_iter().map(|s| s.app_name).collect();
    assert_eq!(left, ["Other"], "only the disabled app's session ended");
    let event = last_event(&store).await;
    assert_eq!((event.action.as_str(), event.actor_user_id), (action::APP_DISABLED, Some(root)));
    let logouts = store.list_logouts(10, 0).await.unwrap();
    assert_eq!(logouts.total, 1, "the app is told over its back-channel");
    assert_eq!(
        (logouts.items[0].app_name.as_str(), logouts.items[0].sid.as_str()),
        ("Billing", "sid-billing")
    );
    assert_eq!(logouts.items[0].uri, "https://billing.example/backchannel");

    store.set_app_status(billing.id, AppStatus::Active, by(root), Utc::now()).await.unwrap();
    assert!(store.find_app(billing.id).await.unwrap().unwrap().is_active());
    assert_eq!(last_event(&store).await.action, action::APP_ENABLED);
    assert!(
        store.find_grant("sid-billing").await.unwrap().unwrap().revoked_at.is_some(),
        "enabling again revives no session"
    );
    assert!(matches!(
        store.set_app_status(999_999, AppStatus::Disabled, by(root), Utc::now()).await,
        Err(StoreError::NotFound)
    ));

    // Ending one app session from a person's page: within the organization in view.
    let grant = store.app_sessions_of(ada, None).await.unwrap()[0].grant_id;
    let elsewhere = organization(&store, "Elsewhere").await;
    assert!(matches!(
        store.end_app_session(ada, grant, Some(elsewhere), by(root), Utc::now()).await,
        Err(StoreError::NotFound)
    ));
    store.end_app_session(ada, grant, Some(acme), by(root), Utc::now()).await.unwrap();
    assert!(store.app_sessions_of(ada, None).await.unwrap().is_empty());
    let event = last_event(&store).await;
    assert_eq!((event.action.as_str(), event.target_user_id), (action::APP_SESSION_ENDED, Some(ada)));

    // Deleting takes the app's grants with it.
    sign_in_to(&store, billing.id, "Billing", ada, acme, "sid-again").await;
    store.delete_app(billing.id, by(root), Utc::now()).await.unwrap();
    assert_eq!(store.find_grant("sid-again").await.unwrap(), None);
    assert_eq!(store.app_sessions_of(ada, None).await.unwrap().len(), 0);
    assert_eq!(last_event(&store).await.action, action::APP_DELETED);
}
on_both_databases!(disabling_an_app_ends_its_sessions_and_tells_it);
