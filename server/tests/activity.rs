//! Activity over HTTP, on both databases: a person's page and timeline, the
//! audit log and its export, and one's own account. Every read is confined
//! to what the caller may see.

mod support;

use std::time::Duration;

use chrono::Utc;
use domain::{Role, SignInOutcome};
use reqwest::StatusCode;
use store::{Actor, action};
use support::{Browser, SUPPORT_PASSWORD, TestApp};
use testkit::{TestDatabase, on_both_databases};

async fn activity(browser: &mut Browser, org: Option<&str>, user_id: i64) -> support::Answer {
    let user_id = user_id.to_string();
    let mut form = vec![("user_id", user_id.as_str())];
    if let Some(org) = org {
        form.push(("org", org));
    }
    browser.call("person_activity", &form).await
}

async fn audit(browser: &mut Browser, org: Option<&str>, query: &str) -> support::Answer {
    let mut form = vec![("query", query)];
    if let Some(org) = org {
        form.push(("org", org));
    }
    browser.call("audit_log", &form).await
}

/// Failed sign-ins are recorded in the background: wait for one.
async fn wait_for_failed_sign_in(app: &TestApp, user_id: i64) {
    for _ in 0..50 {
        let attempts = app.store.sign_in_attempts(user_id, 10).await.unwrap();
        if attempts.iter().any(|a| a.outcome == SignInOutcome::WrongPassword) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the failed sign-in was never recorded");
}

async fn an_admin_sees_a_members_history_in_their_organization_only(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let (acme, globex) = (app.create_organization("Acme").await, app.create_organization("Globex").await);
    let (admin, mut admin_browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    let (other_admin, mut other_admin_browser) = app.signed_in("admin@globex.example", false).await;
    app.add_member(globex.id, other_admin.id, Role::Admin).await;
    let (ada, mut ada_browser) = app.signed_in("ada@example.com", false).await;
    app.add_member(acme.id, ada.id, Role::Viewer).await;
    app.add_member(globex.id, ada.id, Role::Viewer).await;
    let wrong = app.browser().sign_in("ada@example.com", "not her password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    wait_for_failed_sign_in(&app, ada.id).await;
    let unknown = app.browser().sign_in("nobody@example.com", "whatever it is").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "same answer, nothing recorded");
    app.store
        .change_member_role(globex.id, ada.id, Role::Editor, other_admin.actor(), Utc::now())
        .await
        .unwrap();
    app.store.change_member_role(acme.id, ada.id, Role::Editor, admin.actor(), Utc::now()).await.unwrap();

    let seen = activity(&mut admin_browser, Some("acme"), ada.id).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    let seen: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
    let outcomes: Vec<_> =
        seen["sign_ins"].as_array().unwrap().iter().map(|a| a["outcome"].clone()).collect();
    assert_eq!(outcomes, ["wrong_password", "succeeded"], "newest first");
    let memberships = seen["memberships"].as_array().unwrap();
    assert_eq!(memberships.len(), 1, "only Acme's membership: {memberships:?}");
    assert_eq!(seen["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(seen["may_end_sessions"], true);
    assert_eq!(seen["sign_ins_per_day"].as_array().unwrap().len(), 90);
    assert_eq!(seen["sign_ins_per_day"][89], 1, "today's one sign-in");

    let user_id = ada.id.to_string();
    let timeline =
        admin_browser.call("person_timeline", &[("org", "acme"), ("user_id", &user_id), ("page", "1")]).await;
    assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.body);
    let timeline: serde_json::Value = serde_json::from_str(&timeline.body).unwrap();
    let entries = timeline["entries"].as_array().unwrap();
    assert!(entries.iter().all(|e| e["organization_name"] == "Acme"), "nothing of Globex: {entries:?}");
    assert_eq!(entries[0]["action"], action::MEMBER_ROLE_CHANGED);
    assert_eq!(entries[0]["actor"]["email"], "admin@acme.example");
    assert_eq!(entries[0]["details"], "previous role: viewer, role: editor");

    for (org, caller) in [(Some("acme"), &mut other_admin_browser), (None, &mut admin_browser)] {
        let refused = activity(caller, org, ada.id).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{org:?}: {}", refused.body);
    }
    let not_a_member = activity(&mut admin_browser, Some("acme"), other_admin.id).await;
    assert_eq!(not_a_member.status, StatusCode::NOT_FOUND);

    let page = admin_browser.get(&format!("/orgs/acme/members/{}", ada.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg") && page.body.contains("1 in all"), "the chart is in the HTML");
    assert!(page.body.contains("Wrong password"));
    let elsewhere = admin_browser.get(&format!("/orgs/globex/members/{}", ada.id)).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);

    let session_id = seen["sessions"][0]["id"].to_string();
    let refused = other_admin_browser
        .call("end_person_session", &[("org", "acme"), ("user_id", &user_id), ("session_id", &session_id)])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(ada_browser.whoami().await.is_some());
    let ended = admin_browser
        .call("end_person_session", &[("org", "acme"), ("user_id", &user_id), ("session_id", &session_id)])
        .await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    assert_eq!(ada_browser.whoami().await, None, "signed out at once");
    app.stop().await;
}
on_both_databases!(an_admin_sees_a_members_history_in_their_organization_only);

async fn the_audit_log_filters_and_exports_within_its_scope(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let (acme, globex) = (app.create_organization("Acme").await, app.create_organization("Globex").await);
    let (admin, mut admin_browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    let (editor, mut editor_browser) = app.signed_in("editor@acme.example", false).await;
    app.add_member(acme.id, editor.id, Role::Editor).await;
    let (_, mut root) = app.signed_in("root@example.com", true).await;
    let ada = app.create_user("ada@example.com", SUPPORT_PASSWORD, false).await;
    app.add_member(acme.id, ada.id, Role::Viewer).await;
    app.add_member(globex.id, ada.id, Role::Viewer).await;
    for (org, role) in [(acme.id, Role::Editor), (globex.id, Role::Admin), (acme.id, Role::Admin)] {
        app.store.change_member_role(org, ada.id, role, admin.actor(), Utc::now()).await.unwrap();
    }

    let page = audit(&mut admin_browser, Some("acme"), "action=member.role_changed").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(page["total"], 2, "Acme's two role changes, not Globex's: {page}");
    let everything = audit(&mut admin_browser, Some("acme"), "").await;
    let everything: serde_json::Value = serde_json::from_str(&everything.body).unwrap();
    let entries = everything["entries"].as_array().unwrap();
    assert!(entries.iter().all(|e| e["organization_name"] == "Acme"), "{entries:?}");
    let by_target = audit(&mut admin_browser, Some("acme"), "target=ada%40").await;
    let by_target: serde_json::Value = serde_json::from_str(&by_target.body).unwrap();
    assert!(by_target["total"].as_i64().unwrap() >= 3, "added and two role changes: {by_target}");
    let today = Utc::now().date_naive();
    let range = format!("from={today}&to={today}&action=member.role_changed");
    let dated: serde_json::Value =
        serde_json::from_str(&audit(&mut admin_browser, Some("acme"), &range).await.body).unwrap();
    assert_eq!(dated["total"], 2);
    let yesterday = today.pred_opt().unwrap();
    let before = format!("to={yesterday}");
    let none: serde_json::Value =
        serde_json::from_str(&audit(&mut admin_browser, Some("acme"), &before).await.body).unwrap();
    assert_eq!(none["total"], 0);

    for (query, message) in [
        ("from=31-12-2026", "start date as YYYY-MM-DD"),
        ("from=2026-03-02&to=2026-03-01", "after the end date"),
        (&format!("actor={}", "x".repeat(201)) as &str, "at most 200"),
    ] {
        let refused = audit(&mut admin_browser, Some("acme"), query).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}: {}", refused.body);
        assert!(refused.body.contains(message), "{query}: {}", refused.body);
    }
    assert_eq!(audit(&mut editor_browser, Some("acme"), "").await.status, StatusCode::NOT_FOUND);
    for org in [Some("globex"), None] {
        let refused = audit(&mut admin_browser, org, "").await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{org:?}: {}", refused.body);
    }
    let global: serde_json::Value =
        serde_json::from_str(&audit(&mut root, None, "action=member.role_changed").await.body).unwrap();
    assert_eq!(global["total"], 3, "a super admin sees every organization");

    let csv = admin_browser.get("/orgs/acme/audit.csv?action=member.role_changed").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let lines: Vec<_> = csv.body.lines().collect();
    assert_eq!(lines.len(), 3, "a header and Acme's two role changes: {lines:?}");
    assert!(lines[0].starts_with("At,Action,By name"));
    assert!(
        lines[1..].iter().all(|l| l.contains("Role changed") && l.contains("Acme") && !l.contains("Globex"))
    );
    assert_eq!(admin_browser.get("/audit.csv").await.status, StatusCode::NOT_FOUND);
    assert_eq!(admin_browser.get("/orgs/acme/audit.csv?from=nope").await.status, StatusCode::BAD_REQUEST);
    let all = root.get("/audit.csv?action=member.role_changed").await;
    assert_eq!(all.body.lines().count(), 4);
    app.stop().await;
}
on_both_databases!(the_audit_log_filters_and_exports_within_its_scope);

async fn own_account_changes_password_name_and_sessions(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let (ada, mut laptop) = app.signed_in("ada@example.com", false).await;
    let mut phone = app.browser();
    assert_eq!(phone.sign_in("ada@example.com", SUPPORT_PASSWORD).await.status, StatusCode::OK);
    let mut tablet = app.browser();
    assert_eq!(tablet.sign_in("ada@example.com", SUPPORT_PASSWORD).await.status, StatusCode::OK);
    let bob = app.create_user("bob@example.com", SUPPORT_PASSWORD, false).await;

    let mine = activity(&mut laptop, None, ada.id).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    let mine: serde_json::Value = serde_json::from_str(&mine.body).unwrap();
    assert_eq!(mine["sessions"].as_array().unwrap().len(), 3);
    assert_eq!(mine["sessions"].as_array().unwrap().iter().filter(|s| s["current"] == true).count(), 1);
    assert_eq!(activity(&mut laptop, None, bob.id).await.status, StatusCode::NOT_FOUND, "nobody else's");

    let change = |current: &'static str, new: &'static str| [("current", current), ("new", new)];
    let wrong = laptop.call("change_password", &change("not my password", "a brand new passphrase")).await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
    assert!(wrong.body.contains("not your current password"), "{}", wrong.body);
    let weak = laptop.call("change_password", &change(SUPPORT_PASSWORD, "password")).await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST, "{}", weak.body);
    assert!(weak.body.contains("\"new\""), "about the new password: {}", weak.body);
    assert!(phone.whoami().await.is_some(), "refusals change nothing");
    let changed = laptop.call("change_password", &change(SUPPORT_PASSWORD, "a brand new passphrase")).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(laptop.whoami().await.as_deref(), Some("ada@example.com"), "this session stays");
    assert_eq!(phone.whoami().await, None, "every other session ends");
    assert_eq!(
        app.browser().sign_in("ada@example.com", SUPPORT_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(phone.sign_in("ada@example.com", "a brand new passphrase").await.status, StatusCode::OK);

    let ended = laptop.call("end_other_sessions", &[]).await;
    assert_eq!((ended.status, ended.body.as_str()), (StatusCode::OK, "1"));
    assert_eq!(phone.whoami().await, None);
    assert_eq!(tablet.whoami().await, None, "already ended by the password change");

    let empty = laptop.call("rename_self", &[("name", "  ")]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{}", empty.body);
    let renamed = laptop.call("rename_self", &[("name", "Ada Lovelace")]).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(app.store.find_user(ada.id).await.unwrap().unwrap().name, "Ada Lovelace");

    let user_id = ada.id.to_string();
    let timeline = laptop.call("person_timeline", &[("user_id", &user_id), ("page", "1")]).await;
    let timeline: serde_json::Value = serde_json::from_str(&timeline.body).unwrap();
    let actions: Vec<_> =
        timeline["entries"].as_array().unwrap().iter().map(|e| e["action"].clone()).collect();
    assert_eq!(&actions[..3], [action::USER_RENAMED, action::OTHER_SESSIONS_ENDED, action::SIGNED_IN]);
    assert!(actions.contains(&action::PASSWORD_CHANGED.into()));
    let page = laptop.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sign out everywhere else") && page.body.contains("Ada Lovelace"));
    app.stop().await;
}
on_both_databases!(own_account_changes_password_name_and_sessions);

trait AsActor {
    fn actor(&self) -> Actor;
}

impl AsActor for store::UserRecord {
    fn actor(&self) -> Actor {
        Actor { user_id: Some(self.id), ip: None, api_key_id: None }
    }
}
