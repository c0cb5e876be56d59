//! Password resets over HTTP, on both databases: sent by an admin from the
//! members table or asked for on the sign-in page. No SMTP server here:
//! emails stay in the outbox, where the tests read them.

mod support;

use app::ssr::tokens;
use chrono::{Duration, Utc};
use domain::Role;
use reqwest::StatusCode;
use store::{Actor, NewEmail, NewPasswordReset, action};
use support::{Browser, SUPPORT_PASSWORD, TestApp};
use testkit::{TestDatabase, on_both_databases};

const NEW_PASSWORD: &str = "correct horse battery staple";

/// The token of the newest reset link emailed to `recipient`, if any.
async fn reset_token_sent_to(app: &TestApp, recipient: &str) -> Option<String> {
    let outbox = app.store.list_outbox(100, 0).await.unwrap();
    let email =
        outbox.items.iter().find(|e| e.recipient == recipient && e.subject.contains("new password"))?;
    let start = email.body_text.find("/reset-password?token=").expect("a link");
    let link = email.body_text[start..].split_whitespace().next().unwrap();
    Some(link.split("token=").nth(1).unwrap().to_owned())
}

async fn resets_sent_to(app: &TestApp, recipient: &str) -> usize {
    let outbox = app.store.list_outbox(100, 0).await.unwrap();
    outbox.items.iter().filter(|e| e.recipient == recipient && e.subject.contains("new password")).count()
}

fn outcome_errors(body: &str) -> Vec<Option<String>> {
    let list: Vec<serde_json::Value> = serde_json::from_str(body).unwrap();
    list.iter().map(|o| o["error"].as_str().map(str::to_owned)).collect()
}

async fn send_reset(admin: &mut Browser, slug: &str, user_id: i64) -> Vec<Option<String>> {
    let members = user_id.to_string();
    let answer = admin
        .call(
            "act_on_members",
            &[
                ("slug", slug),
                ("action", "reset"),
                ("members", &members),
                ("all_matching", "false"),
                ("reason", ""),
                ("query", ""),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    outcome_errors(&answer.body)
}

async fn an_admin_sent_reset_sets_a_new_password_once_and_ends_every_session(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let (admin, mut admin_browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    let (ada, mut ada_laptop) = app.signed_in("ada@acme.example", false).await;
    app.add_member(acme.id, ada.id, Role::Viewer).await;

    assert_eq!(send_reset(&mut admin_browser, "acme", ada.id).await, vec![None]);
    let token = reset_token_sent_to(&app, "ada@acme.example").await.expect("a reset email");
    let events = app.store.recent_audit_events(1).await.unwrap();
    assert_eq!(
        (events[0].action.as_str(), events[0].target_user_id),
        (action::PASSWORD_RESET_SENT, Some(ada.id))
    );

    let mut phone = app.browser();
    let page = phone.get(&format!("/reset-password?token={token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Set password and sign in"), "{}", page.body);

    // A guessable password is refused, and nothing changes.
    let weak = phone.call("reset_password", &[("token", &token), ("password", "password1")]).await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(weak.body.contains("too common"), "{}", weak.body);
    assert_eq!(ada_laptop.whoami().await.as_deref(), Some("ada@acme.example"));

    let reset = phone.call("reset_password", &[("token", &token), ("password", NEW_PASSWORD)]).await;
    assert!(reset.status.is_success() || reset.status.is_redirection(), "{}", reset.body);
    assert_eq!(phone.whoami().await.as_deref(), Some("ada@acme.example"), "signed in with the new password");
    assert_eq!(ada_laptop.whoami().await, None, "the session from before the reset has ended");
    assert_eq!(
        app.browser().sign_in("ada@acme.example", SUPPORT_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.browser().sign_in("ada@acme.example", NEW_PASSWORD).await.status, StatusCode::OK);

    let again = app.browser().call("reset_password", &[("token", &token), ("password", NEW_PASSWORD)]).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.body.contains("already been used"), "{}", again.body);
    let events = app.store.recent_audit_events(10).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == action::PASSWORD_RESET_COMPLETED && e.target_user_id == Some(ada.id))
    );
    app.stop().await;
}
on_both_databases!(an_admin_sent_reset_sets_a_new_password_once_and_ends_every_session);

async fn admins_reset_only_whom_the_policy_allows(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let globex = app.create_organization("Globex").await;
    let (admin, mut admin_browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    let root = app.create_user("root@example.com", SUPPORT_PASSWORD, true).await;
    app.add_member(acme.id, root.id, Role::Viewer).await;
    let outsider = app.create_user("someone@globex.example", SUPPORT_PASSWORD, false).await;
    app.add_member(globex.id, outsider.id, Role::Viewer).await;

    let refused = send_reset(&mut admin_browser, "acme", root.id).await;
    assert_eq!(refused, vec![Some("Only a super admin can do this to this person.".to_owned())]);
    let outside = send_reset(&mut admin_browser, "acme", outsider.id).await;
    assert_eq!(outside, vec![Some("Not a member of this organization.".to_owned())]);
    let mut viewer = app.signed_in("viewer@acme.example", false).await;
    app.add_member(acme.id, viewer.0.id, Role::Viewer).await;
    let answer = viewer
        .1
        .call(
            "act_on_members",
            &[
                ("slug", "acme"),
                ("action", "reset"),
                ("members", &admin.id.to_string()),
                ("all_matching", "false"),
                ("reason", ""),
                ("query", ""),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "a viewer cannot act on members: {}", answer.body);
    assert_eq!(app.store.list_outbox(10, 0).await.unwrap().total, 0, "no email was written");
    app.stop().await;
}
on_both_databases!(admins_reset_only_whom_the_policy_allows);

async fn forgot_password_answers_alike_for_every_address_and_is_rate_limited(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    app.create_user("ada@example.com", SUPPORT_PASSWORD, false).await;
    let acme = app.create_organization("Acme").await;
    let (admin, mut admin_browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    let invited = admin_browser
        .call("invite_members", &[("slug", "acme"), ("emails", "invited@example.com"), ("role", "viewer")])
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    let mut visitor = app.browser();
    let ask = |email: &'static str| {
        let mut visitor = visitor.clone();
        async move { visitor.call("request_password_reset", &[("email", email)]).await }
    };

    let known = ask("ADA@example.com").await;
    let unknown = ask("nobody@example.com").await;
    let pending = ask("invited@example.com").await;
    // The same answer for each: the address as understood, nothing more.
    for (answer, address) in
        [(&known, "ada@example.com"), (&unknown, "nobody@example.com"), (&pending, "invited@example.com")]
    {
        assert_eq!((answer.status, answer.body.clone()), (StatusCode::OK, format!("\"{address}\"")));
    }
    assert_eq!(resets_sent_to(&app, "ada@example.com").await, 1);
    assert_eq!(resets_sent_to(&app, "nobody@example.com").await, 0);
    assert_eq!(
        resets_sent_to(&app, "invited@example.com").await,
        0,
        "an invitee accepts their invitation instead"
    );

    // Three an hour per address, existing or not: the fourth is refused alike.
    for _ in 0..2 {
        assert_eq!(ask("ada@example.com").await.status, StatusCode::OK);
        assert_eq!(ask("nobody@example.com").await.status, StatusCode::OK);
    }
    let limited = ask("ada@example.com").await;
    let limited_unknown = ask("nobody@example.com").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!((limited_unknown.status, limited_unknown.body), (limited.status, limited.body));
    assert_eq!(resets_sent_to(&app, "ada@example.com").await, 3);

    // Only the newest link works.
    let newest = reset_token_sent_to(&app, "ada@example.com").await.unwrap();
    let outbox = app.store.list_outbox(100, 0).await.unwrap();
    let oldest = outbox
        .items
        .iter()
        .rev()
        .find(|e| e.recipient == "ada@example.com")
        .map(|e| e.body_text.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_owned())
        .unwrap();
    assert_ne!(oldest, newest);
    let withdrawn = visitor.get(&format!("/reset-password?token={oldest}")).await;
    assert!(withdrawn.body.contains("withdrawn"), "{}", withdrawn.body);

    // The limit per IP address holds across addresses (20 an hour).
    let mut statuses = Vec::new();
    for n in 0..20 {
        let email = format!("someone{n}@example.com");
        statuses.push(visitor.call("request_password_reset", &[("email", &email)]).await.status);
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");

    let malformed = app.browser().call("request_password_reset", &[("email", "not an address")]).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    app.stop().await;
}
on_both_databases!(forgot_password_answers_alike_for_every_address_and_is_rate_limited);

async fn an_expired_or_forged_reset_link_says_so_and_changes_nothing(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let ada = app.create_user("ada@example.com", SUPPORT_PASSWORD, false).await;
    let token = tokens::issue();
    let issued_at = Utc::now() - Duration::hours(2);
    let reset = NewPasswordReset {
        user_id: ada.id,
        organization_id: None,
        token_hash: token.hash.clone(),
        expires_at: issued_at + Duration::hours(1),
        mail: NewEmail {
            recipient: ada.email.clone(),
            subject: "Choose a new password for Roster".into(),
            body_text: String::new(),
            body_html: String::new(),
        },
    };
    app.store.issue_password_reset(reset, Actor::system(), issued_at).await.unwrap();

    let page = app.browser().get(&format!("/reset-password?token={}", token.clear)).await;
    assert!(page.body.contains("This link has expired"), "{}", page.body);
    let expired =
        app.browser().call("reset_password", &[("token", &token.clear), ("password", NEW_PASSWORD)]).await;
    assert_eq!(expired.status, StatusCode::GONE, "{}", expired.body);
    let forged =
        app.browser().call("reset_password", &[("token", "forged"), ("password", NEW_PASSWORD)]).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{}", forged.body);
    assert_eq!(app.browser().sign_in("ada@example.com", SUPPORT_PASSWORD).await.status, StatusCode::OK);
    app.stop().await;
}
on_both_databases!(an_expired_or_forged_reset_link_says_so_and_changes_nothing);
