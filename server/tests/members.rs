//! The members table over HTTP: bad query parameters get a sane default or
//! a clear message, never a server error.

mod support;

use domain::Role;
use reqwest::StatusCode;
use support::TestApp;
use testkit::{TestDatabase, on_both_databases};

async fn bad_parameters_get_defaults_or_a_clear_message(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let (admin, mut browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    for n in 0..3 {
        let user =
            app.create_user(&format!("member{n}@acme.example"), support::SUPPORT_PASSWORD, false).await;
        app.add_member(acme.id, user.id, Role::Viewer).await;
    }

    let odd = browser
        .call(
            "list_members",
            &[("slug", "acme"), ("query", "sort=password_hash&dir=up&page=1000000000&size=7&role=owner")],
        )
        .await;
    assert_eq!(odd.status, StatusCode::OK, "{}", odd.body);
    let list: serde_json::Value = serde_json::from_str(&odd.body).unwrap();
    assert_eq!(
        (list["total"].as_i64(), list["page"].as_u64(), list["page_size"].as_u64()),
        (Some(4), Some(1), Some(25))
    );

    let long = format!("q={}", "x".repeat(10_240));
    let refused = browser.call("list_members", &[("slug", "acme"), ("query", &long)]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("at most 200 characters"), "{}", refused.body);

    let page = browser.get(&format!("/orgs/acme/members?{long}")).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("at most 200 characters"));
    let page = browser.get("/orgs/acme/members?sort=nope&page=1000000000&status=%00").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("member0@acme.example"), "{}", page.body);
    let injected = browser.get("/orgs/acme/members?q=%27%20OR%201%3D1%20--").await;
    assert_eq!(injected.status, StatusCode::OK);
    assert!(injected.body.contains("No member matches"), "{}", injected.body);
    app.stop().await;
}
on_both_databases!(bad_parameters_get_defaults_or_a_clear_message);
