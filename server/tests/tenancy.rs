//! Tenant context over HTTP: what a super admin and org admins can reach,
//! audit attribution, suspended organizations, concurrent demotions.

mod support;

use domain::Role;
use reqwest::StatusCode;
use support::TestApp;
use testkit::{TestDatabase, on_both_databases};

async fn a_super_admin_acting_in_a_tenant_is_recorded_as_themselves(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let (root, mut browser) = app.signed_in("root@example.com", true).await;
    let renamed = browser.call("rename_organization", &[("slug", "acme"), ("name", "Acme Renamed")]).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    let event = app.store.recent_audit_events(1).await.unwrap().remove(0);
    assert_eq!(event.action, store::action::ORGANIZATION_RENAMED);
    assert_eq!((event.actor_user_id, event.organization_id), (Some(root.id), Some(acme.id)));
    assert_eq!(event.actor_ip.as_deref(), Some("127.0.0.1"));
    app.stop().await;
}
on_both_databases!(a_super_admin_acting_in_a_tenant_is_recorded_as_themselves);

async fn members_of_a_suspended_organization_cannot_use_it(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let (admin, mut member) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    let (_, mut root) = app.signed_in("root@example.com", true).await;

    assert_eq!(member.get("/orgs/acme").await.status, StatusCode::OK);
    let suspended = root.call("set_organization_suspended", &[("slug", "acme"), ("suspended", "true")]).await;
    assert_eq!(suspended.status, StatusCode::OK, "{}", suspended.body);

    let page = member.get("/orgs/acme").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Not found"));
    let switcher = member.call("switcher_organizations", &[("search", "")]).await;
    assert_eq!(switcher.body, "[]");
    assert_eq!(root.get("/orgs/acme").await.status, StatusCode::OK, "super admins still reach it");

    root.call("set_organization_suspended", &[("slug", "acme"), ("suspended", "false")]).await;
    assert_eq!(member.get("/orgs/acme").await.status, StatusCode::OK);
    app.stop().await;
}
on_both_databases!(members_of_a_suspended_organization_cannot_use_it);

async fn an_org_admin_editing_the_url_to_another_tenant_sees_not_found(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    app.create_organization("Globex").await;
    let (admin, mut browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;

    let own = browser.get("/orgs/acme").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("You are an admin here."), "{}", own.body);
    let other = browser.get("/orgs/globex").await;
    let missing = browser.get("/orgs/no-such-org").await;
    assert_eq!((other.status, missing.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert!(!other.body.contains("Globex"), "nothing of the other tenant leaks");
    assert_eq!(
        browser.get("/orgs").await.status,
        StatusCode::NOT_FOUND,
        "the all-organizations page is for super admins"
    );
    app.stop().await;
}
on_both_databases!(an_org_admin_editing_the_url_to_another_tenant_sees_not_found);

/// The last two admins are demoted by two simultaneous HTTP requests: one wins.
async fn simultaneous_demotions_over_http_keep_an_admin(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let (_, root) = app.signed_in("root@example.com", true).await;
    for round in 0..4 {
        let org = app.create_organization(&format!("Race {round}")).await;
        let mut admins = Vec::new();
        for n in 0..2 {
            let user = app
                .create_user(&format!("admin{n}@race{round}.example"), support::SUPPORT_PASSWORD, false)
                .await;
            app.add_member(org.id, user.id, Role::Admin).await;
            admins.push(user.id);
        }
        let demote = |user_id: i64| {
            let mut browser = root.clone();
            let slug = org.slug.clone();
            tokio::spawn(async move {
                let user_id = user_id.to_string();
                browser
                    .call("change_member_role", &[("slug", &slug), ("user_id", &user_id), ("role", "editor")])
                    .await
                    .status
            })
        };
        let (first, second) = (demote(admins[0]), demote(admins[1]));
        let mut statuses = [first.await.unwrap().as_u16(), second.await.unwrap().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "round {round}");
    }
    app.stop().await;
}
on_both_databases!(simultaneous_demotions_over_http_keep_an_admin);
