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

async fn the_csv_export_holds_the_filtered_members_safely(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let (admin, mut browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    for (email, name) in [
        ("b@acme.example", "Lovelace, \"Ada\""),
        ("a@acme.example", "=HYPERLINK(\"http://evil.example\")"),
        ("c@acme.example", "Plain Person"),
    ] {
        let user = store::NewUser {
            email: domain::Email::parse(email).unwrap(),
            name: domain::DisplayName::parse(name).unwrap(),
            password_hash: "$argon2id$stand-in".into(),
            is_super_admin: false,
        };
        let user = app.store.create_user(user, store::Actor::system(), chrono::Utc::now()).await.unwrap();
        app.add_member(acme.id, user.id, Role::Viewer).await;
    }

    let csv = browser.get("/orgs/acme/members.csv?role=viewer&sort=email&page=9").await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.headers[reqwest::header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(csv.headers[reqwest::header::CONTENT_DISPOSITION].to_str().unwrap().contains("acme-members.csv"));
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert_eq!(lines.len(), 4, "the header and every matching member, whatever the page: {lines:?}");
    assert_eq!(lines[0], "Name,Email,Role,Status,Joined,Last sign-in");
    assert!(
        lines[1].starts_with("\"'=HYPERLINK(\"\"http://evil.example\"\")\",a@acme.example,viewer,active,"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("\"Lovelace, \"\"Ada\"\"\",b@acme.example,viewer,active,"), "{}", lines[2]);
    assert!(lines[3].starts_with("Plain Person,c@acme.example,viewer,active,"), "{}", lines[3]);

    let long = format!("/orgs/acme/members.csv?q={}", "x".repeat(10_240));
    assert_eq!(browser.get(&long).await.status, StatusCode::BAD_REQUEST);

    let globex = app.create_organization("Globex").await;
    let (outsider, mut other) = app.signed_in("admin@globex.example", false).await;
    app.add_member(globex.id, outsider.id, Role::Admin).await;
    let refused = other.get("/orgs/acme/members.csv").await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(!refused.body.contains("acme.example"));
    assert_eq!(app.browser().get("/orgs/acme/members.csv").await.status, StatusCode::SEE_OTHER);
    app.stop().await;
}
on_both_databases!(the_csv_export_holds_the_filtered_members_safely);
