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

/// The export reads its query with the table's parser: an address too long
/// for the table is too long for its export, and gets the same answer.
async fn an_overlong_view_is_refused_alike_by_the_table_and_its_export(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let (admin, mut browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;

    let padded =
        |bytes: usize| format!("q=admin&utm_source={}", "y".repeat(bytes - "q=admin&utm_source=".len()));
    let long = padded(domain::MAX_QUERY_BYTES + 1);
    let listed = browser.call("list_members", &[("slug", "acme"), ("query", &long)]).await;
    let exported = browser.get(&format!("/orgs/acme/members.csv?{long}")).await;
    for refused in [&listed, &exported] {
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert!(refused.body.contains("This view's address is too long"), "{}", refused.body);
    }

    let longest = padded(domain::MAX_QUERY_BYTES);
    let listed = browser.call("list_members", &[("slug", "acme"), ("query", &longest)]).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let exported = browser.get(&format!("/orgs/acme/members.csv?{longest}")).await;
    assert_eq!(exported.status, StatusCode::OK, "{}", exported.body);
    assert!(exported.body.contains("admin@acme.example"), "{}", exported.body);
    app.stop().await;
}
on_both_databases!(an_overlong_view_is_refused_alike_by_the_table_and_its_export);

fn outcomes(body: &str) -> Vec<(i64, Option<String>)> {
    let list: Vec<serde_json::Value> = serde_json::from_str(body).unwrap();
    list.iter().map(|o| (o["user_id"].as_i64().unwrap(), o["error"].as_str().map(str::to_owned))).collect()
}

async fn bulk_changes_check_and_report_each_member(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let other = app.create_organization("Other").await;
    let (admin, mut browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    let mut members = Vec::new();
    for n in 0..3 {
        let user =
            app.create_user(&format!("member{n}@acme.example"), support::SUPPORT_PASSWORD, false).await;
        app.add_member(acme.id, user.id, Role::Viewer).await;
        members.push(user.id);
    }
    let outsider = app.create_user("outsider@other.example", support::SUPPORT_PASSWORD, false).await;
    app.add_member(other.id, outsider.id, Role::Viewer).await;
    let role_of = |user_id| {
        let store = app.store.clone();
        async move { store.find_membership(acme.id, user_id).await.unwrap().map(|m| (m.role, m.status)) }
    };

    let list = format!("{},{},{},{},999999", members[0], members[1], admin.id, outsider.id);
    let changed = browser
        .call(
            "act_on_members",
            &[
                ("slug", "acme"),
                ("action", "role:editor"),
                ("members", &list),
                ("all_matching", "false"),
                ("reason", ""),
                ("query", ""),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let report = outcomes(&changed.body);
    assert_eq!(report.len(), 5);
    assert_eq!((report[0].1.as_deref(), report[1].1.as_deref()), (None, None));
    assert_eq!(report[2].1.as_deref(), Some("Nobody changes their own role."));
    assert_eq!(report[3].1.as_deref(), Some("Not a member of this organization."));
    assert_eq!(report[4].1.as_deref(), Some("Not a member of this organization."));
    assert_eq!(role_of(members[0]).await, Some((Role::Editor, domain::MembershipStatus::Active)));
    assert_eq!(role_of(members[2]).await, Some((Role::Viewer, domain::MembershipStatus::Active)));
    assert_eq!(role_of(admin.id).await, Some((Role::Admin, domain::MembershipStatus::Active)));
    let outsider_membership = app.store.find_membership(other.id, outsider.id).await.unwrap().unwrap();
    assert_eq!(outsider_membership.role, Role::Viewer, "another tenant's member is untouched");

    // Every member the view finds: the two editors.
    let suspended = browser
        .call(
            "act_on_members",
            &[
                ("slug", "acme"),
                ("action", "suspend"),
                ("members", ""),
                ("all_matching", "true"),
                ("reason", ""),
                ("query", "role=editor"),
            ],
        )
        .await;
    assert_eq!(suspended.status, StatusCode::OK, "{}", suspended.body);
    let report = outcomes(&suspended.body);
    assert_eq!(report.iter().map(|(id, _)| *id).collect::<Vec<_>>().len(), 2);
    assert!(report.iter().all(|(_, error)| error.is_none()), "{report:?}");
    assert_eq!(role_of(members[1]).await, Some((Role::Editor, domain::MembershipStatus::Suspended)));

    let mixed = format!("{},{}", members[1], members[2]);
    let reactivated = browser
        .call(
            "act_on_members",
            &[
                ("slug", "acme"),
                ("action", "reactivate"),
                ("members", &mixed),
                ("all_matching", "false"),
                ("reason", ""),
                ("query", ""),
            ],
        )
        .await;
    let report = outcomes(&reactivated.body);
    assert_eq!(report, [(members[1], None), (members[2], Some("Not suspended.".to_owned()))]);

    // The last active admin keeps the role, even for a super admin.
    let (_, mut root) = app.signed_in("root@example.com", true).await;
    let demoted = root
        .call(
            "act_on_members",
            &[
                ("slug", "acme"),
                ("action", "role:viewer"),
                ("members", &admin.id.to_string()),
                ("all_matching", "false"),
                ("reason", ""),
                ("query", ""),
            ],
        )
        .await;
    let report = outcomes(&demoted.body);
    assert!(report[0].1.as_deref().is_some_and(|e| e.contains("at least one active admin")), "{report:?}");
    assert_eq!(role_of(admin.id).await, Some((Role::Admin, domain::MembershipStatus::Active)));

    // Bad input changes nothing and says why.
    let before = app.store.recent_audit_events(1000).await.unwrap().len();
    let many = (1..=10_001).map(|n| n.to_string()).collect::<Vec<_>>().join(",");
    for (action, members, field) in [
        ("delete-everyone", "1", "action"),
        ("suspend", "", "members"),
        ("suspend", "1,two", "members"),
        ("suspend", many.as_str(), "members"),
    ] {
        let refused = browser
            .call(
                "act_on_members",
                &[
                    ("slug", "acme"),
                    ("action", action),
                    ("members", members),
                    ("all_matching", "false"),
                    ("reason", ""),
                    ("query", ""),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{action} {}", refused.body);
        assert!(refused.body.contains(field), "{}", refused.body);
    }
    assert_eq!(app.store.recent_audit_events(1000).await.unwrap().len(), before);

    // Another organization's admin cannot reach Acme at all.
    let (other_admin, mut intruder) = app.signed_in("admin@other.example", false).await;
    app.add_member(other.id, other_admin.id, Role::Admin).await;
    let hidden = intruder
        .call(
            "act_on_members",
            &[
                ("slug", "acme"),
                ("action", "suspend"),
                ("members", &members[2].to_string()),
                ("all_matching", "false"),
                ("reason", ""),
                ("query", ""),
            ],
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(role_of(members[2]).await, Some((Role::Viewer, domain::MembershipStatus::Active)));
    app.stop().await;
}
on_both_databases!(bulk_changes_check_and_report_each_member);

/// The emails of the members `query` lists, in order.
async fn emails_listed(browser: &mut support::Browser, query: &str) -> Vec<String> {
    let listed = browser.call("list_members", &[("slug", "acme"), ("query", query)]).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let list: serde_json::Value = serde_json::from_str(&listed.body).unwrap();
    list["rows"].as_array().unwrap().iter().map(|row| row["email"].as_str().unwrap().to_owned()).collect()
}

/// Sorting by status puts active members first, then invited, then
/// suspended (the other way going down), on both databases; and the pager
/// under a page keeps the view in its page-number form.
async fn members_sort_by_status_and_the_pager_keeps_the_view(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let (admin, mut browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    let mut ids = Vec::new();
    for email in ["a-suspended@acme.example", "b-active@acme.example"] {
        let user = store::NewUser {
            email: domain::Email::parse(email).unwrap(),
            name: domain::DisplayName::parse(email).unwrap(),
            password_hash: "$argon2id$stand-in".into(),
            is_super_admin: false,
        };
        let user = app.store.create_user(user, store::Actor::system(), chrono::Utc::now()).await.unwrap();
        app.add_member(acme.id, user.id, Role::Viewer).await;
        ids.push(user.id);
    }
    let suspended = browser
        .call(
            "act_on_members",
            &[
                ("slug", "acme"),
                ("action", "suspend"),
                ("members", &ids[0].to_string()),
                ("all_matching", "false"),
                ("reason", ""),
                ("query", ""),
            ],
        )
        .await;
    assert_eq!(outcomes(&suspended.body), [(ids[0], None)]);
    let invited = browser
        .call("invite_members", &[("slug", "acme"), ("emails", "c-invited@acme.example"), ("role", "viewer")])
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);

    assert_eq!(
        emails_listed(&mut browser, "sort=status").await,
        ["admin@acme.example", "b-active@acme.example", "c-invited@acme.example", "a-suspended@acme.example"]
    );
    assert_eq!(
        emails_listed(&mut browser, "sort=status&dir=desc").await,
        ["a-suspended@acme.example", "c-invited@acme.example", "b-active@acme.example", "admin@acme.example"]
    );

    for n in 0..8 {
        let user = app.create_user(&format!("more{n}@acme.example"), support::SUPPORT_PASSWORD, false).await;
        app.add_member(acme.id, user.id, Role::Viewer).await;
    }
    let page = browser.get("/orgs/acme/members?role=viewer&sort=status&size=10&page=2").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let pager = &page.body
        [page.body.find(r#"aria-label="Pages""#).unwrap_or_else(|| panic!("a pager in {}", page.body))..];
    for kept in [
        r#"<input type="hidden" name="role" value="viewer">"#,
        r#"<input type="hidden" name="sort" value="status">"#,
        r#"<input type="hidden" name="size" value="10">"#,
        r#"<label for="pager-page">Page number</label>"#,
        r#"aria-current="page">Last page"#,
        r#"rel="prev">Previous page"#,
        r#"name="page" type="number""#,
        "of 2<",
    ] {
        assert!(pager.contains(kept), "{kept} in {pager}");
    }
    assert!(!pager.contains(r#"type="hidden" name="page""#) && !pager.contains("Next page"), "{pager}");
    app.stop().await;
}
on_both_databases!(members_sort_by_status_and_the_pager_keeps_the_view);
