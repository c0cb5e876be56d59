//! Suspending members, removing them and deleting accounts over HTTP, on
//! both databases: who may, what the confirmation demands, and what
//! changes (or, when refused, does not).

mod support;

use domain::Role;
use reqwest::StatusCode;
use store::action;
use support::{Browser, SUPPORT_PASSWORD, TestApp};
use testkit::{TestDatabase, on_both_databases};

async fn suspend(browser: &mut Browser, slug: &str, user_id: i64, reason: &str) -> support::Answer {
    let members = user_id.to_string();
    browser
        .call(
            "act_on_members",
            &[
                ("slug", slug),
                ("action", "suspend"),
                ("members", &members),
                ("all_matching", "false"),
                ("query", ""),
                ("reason", reason),
            ],
        )
        .await
}

async fn a_suspended_member_is_signed_out_and_told_so_until_reactivated(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let (admin_user, mut admin) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin_user.id, Role::Admin).await;
    let (ada, mut ada_browser) = app.signed_in("ada@acme.example", false).await;
    app.add_member(acme.id, ada.id, Role::Editor).await;

    let rambling = suspend(&mut admin, "acme", ada.id, &"x".repeat(501)).await;
    assert_eq!(rambling.status, StatusCode::BAD_REQUEST, "{}", rambling.body);
    assert!(rambling.body.contains("at most 500"), "{}", rambling.body);
    assert_eq!(ada_browser.whoami().await.as_deref(), Some("ada@acme.example"), "nothing changed");

    let suspended = suspend(&mut admin, "acme", ada.id, "Left the team.").await;
    assert_eq!(suspended.status, StatusCode::OK, "{}", suspended.body);
    assert!(suspended.body.contains("\"error\":null"), "{}", suspended.body);
    assert_eq!(ada_browser.whoami().await, None, "her only organization: signed out at once");
    let event = app.store.recent_audit_events(1).await.unwrap().remove(0);
    assert_eq!((event.action.as_str(), event.target_user_id), (action::MEMBER_SUSPENDED, Some(ada.id)));
    assert!(event.details.contains("Left the team."), "{}", event.details);
    let again = ada_browser.sign_in("ada@acme.example", SUPPORT_PASSWORD).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN, "{}", again.body);
    assert!(again.body.contains("suspended"), "{}", again.body);
    let wrong = ada_browser.sign_in("ada@acme.example", "not her password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "only her password reveals the suspension");

    let members = ada.id.to_string();
    let reactivated = admin
        .call(
            "act_on_members",
            &[
                ("slug", "acme"),
                ("action", "reactivate"),
                ("members", &members),
                ("all_matching", "false"),
                ("query", ""),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(reactivated.status, StatusCode::OK, "{}", reactivated.body);
    assert_eq!(ada_browser.sign_in("ada@acme.example", SUPPORT_PASSWORD).await.status, StatusCode::OK);
    app.stop().await;
}
on_both_databases!(a_suspended_member_is_signed_out_and_told_so_until_reactivated);

async fn removing_a_member_needs_their_address_typed(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let globex = app.create_organization("Globex").await;
    let (admin, mut admin_browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    let (other, mut other_admin) = app.signed_in("admin@globex.example", false).await;
    app.add_member(globex.id, other.id, Role::Admin).await;
    let bob = app.create_user("bob@acme.example", SUPPORT_PASSWORD, false).await;
    app.add_member(acme.id, bob.id, Role::Viewer).await;
    let bob_id = bob.id.to_string();
    let remove = |browser: &mut Browser, slug: &'static str, user_id: String, typed: &'static str| {
        let mut browser = browser.clone();
        async move {
            browser
                .call("remove_member", &[("slug", slug), ("user_id", &user_id), ("confirm_email", typed)])
                .await
        }
    };

    for typed in ["", "someone@acme.example", "not an address"] {
        let refused = remove(&mut admin_browser, "acme", bob_id.clone(), typed).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{typed:?}: {}", refused.body);
        assert!(refused.body.contains("confirm_email"), "{}", refused.body);
    }
    let own = remove(&mut admin_browser, "acme", admin.id.to_string(), "admin@acme.example").await;
    assert_eq!(own.status, StatusCode::CONFLICT, "{}", own.body);
    let foreign = remove(&mut other_admin, "acme", bob_id.clone(), "bob@acme.example").await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "another tenant's admin: {}", foreign.body);
    assert!(app.store.find_membership(acme.id, bob.id).await.unwrap().is_some(), "nothing changed");

    let removed = remove(&mut admin_browser, "acme", bob_id.clone(), "  BOB@acme.example ").await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert!(app.store.find_membership(acme.id, bob.id).await.unwrap().is_none());
    assert!(app.store.find_user(bob.id).await.unwrap().is_some(), "the account stays");
    let event = app.store.recent_audit_events(1).await.unwrap().remove(0);
    assert_eq!((event.action.as_str(), event.actor_user_id), (action::MEMBER_REMOVED, Some(admin.id)));
    let twice = remove(&mut admin_browser, "acme", bob_id, "bob@acme.example").await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND, "no longer a member");
    app.stop().await;
}
on_both_databases!(removing_a_member_needs_their_address_typed);

async fn deleting_accounts_as_org_admin_and_as_super_admin(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let globex = app.create_organization("Globex").await;
    let (admin, mut admin_browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    let (_, mut root) = app.signed_in("root@example.com", true).await;
    let (ada, mut ada_browser) = app.signed_in("ada@acme.example", false).await;
    app.add_member(acme.id, ada.id, Role::Viewer).await;
    let bob = app.create_user("bob@acme.example", SUPPORT_PASSWORD, false).await;
    app.add_member(acme.id, bob.id, Role::Viewer).await;
    app.add_member(globex.id, bob.id, Role::Viewer).await;
    let delete = |browser: &mut Browser, user_id: i64, typed: &'static str, with_data: &'static str| {
        let mut browser = browser.clone();
        async move {
            let user_id = user_id.to_string();
            browser
                .call(
                    "delete_account",
                    &[("user_id", &user_id), ("confirm_email", typed), ("with_data", with_data)],
                )
                .await
        }
    };

    let elsewhere = delete(&mut admin_browser, bob.id, "bob@acme.example", "false").await;
    assert_eq!(elsewhere.status, StatusCode::CONFLICT, "{}", elsewhere.body);
    assert!(elsewhere.body.contains("another organization"), "{}", elsewhere.body);
    let data = delete(&mut admin_browser, ada.id, "ada@acme.example", "true").await;
    assert_eq!(data.status, StatusCode::BAD_REQUEST, "only super admins delete data: {}", data.body);
    let unconfirmed = delete(&mut admin_browser, ada.id, "bob@acme.example", "false").await;
    assert_eq!(unconfirmed.status, StatusCode::BAD_REQUEST, "{}", unconfirmed.body);
    let own = delete(&mut admin_browser, admin.id, "admin@acme.example", "false").await;
    assert_eq!(own.status, StatusCode::CONFLICT, "{}", own.body);
    let signed_out = delete(&mut app.browser(), ada.id, "ada@acme.example", "false").await;
    assert_eq!(signed_out.status, StatusCode::UNAUTHORIZED);
    assert_eq!(ada_browser.whoami().await.as_deref(), Some("ada@acme.example"), "nothing changed");

    let deleted = delete(&mut admin_browser, ada.id, "ada@acme.example", "false").await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(ada_browser.whoami().await, None, "her session ended with her account");
    let gone = ada_browser.sign_in("ada@acme.example", SUPPORT_PASSWORD).await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED, "like any unknown address: {}", gone.body);
    let listed = admin_browser.call("list_members", &[("slug", "acme"), ("query", "q=ada")]).await;
    assert!(listed.body.contains("\"total\":0"), "{}", listed.body);

    let by_root = delete(&mut root, bob.id, "bob@acme.example", "true").await;
    assert_eq!(
        by_root.status,
        StatusCode::OK,
        "a super admin deletes across organizations: {}",
        by_root.body
    );
    assert!(app.store.find_user(bob.id).await.unwrap().is_none());
    assert!(app.store.find_membership(globex.id, bob.id).await.unwrap().is_none());
    let deletions = app
        .store
        .recent_audit_events(10)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action::ACCOUNT_DELETED)
        .count();
    assert_eq!(deletions, 2);
    let missing = delete(&mut root, bob.id, "bob@acme.example", "false").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    app.stop().await;
}
on_both_databases!(deleting_accounts_as_org_admin_and_as_super_admin);
