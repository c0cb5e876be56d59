//! Inviting people and accepting invitations over HTTP, on both databases.
//! No SMTP server here: emails stay in the outbox, where the tests read them.

mod support;

use domain::Role;
use reqwest::{StatusCode, header};
use support::{Browser, TestApp};
use testkit::{TestDatabase, on_both_databases};

/// The link in the newest outbox email to `recipient`.
async fn link_sent_to(app: &TestApp, recipient: &str) -> String {
    let outbox = app.store.list_outbox(100, 0).await.unwrap();
    let email = outbox.items.iter().find(|e| e.recipient == recipient).expect("an email to the invitee");
    let start = email.body_text.find("/invite?token=").expect("a link");
    email.body_text[start..].split_whitespace().next().unwrap().to_owned()
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).unwrap().to_owned()
}

async fn org_admin(app: &TestApp) -> Browser {
    let acme = app.create_organization("Acme").await;
    let (admin, browser) = app.signed_in("admin@acme.example", false).await;
    app.add_member(acme.id, admin.id, Role::Admin).await;
    browser
}

async fn an_invitee_creates_an_account_and_lands_in_the_organization(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut admin = org_admin(&app).await;

    let invited = admin
        .call(
            "invite_members",
            &[("slug", "acme"), ("emails", "ada@example.com,\nbob@example.com"), ("role", "editor")],
        )
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    assert!(invited.body.contains("ada@example.com") && invited.body.contains("bob@example.com"));
    let mail = app.store.list_outbox(10, 0).await.unwrap().items;
    assert_eq!(mail.len(), 2);
    assert!(mail[0].subject.contains("Acme"), "{}", mail[0].subject);

    let ada_link = link_sent_to(&app, "ada@example.com").await;
    let ada_token = token_of(&ada_link);
    let mut ada = app.browser();
    let page = ada.get(&format!("/invite?token={ada_token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Create account and join"), "{}", page.body);

    let weak = ada
        .call("accept_invitation", &[("token", &ada_token), ("name", "Ada"), ("password", "password1")])
        .await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(weak.body.contains("too common"), "{}", weak.body);

    let accepted = ada
        .call(
            "accept_invitation",
            &[("token", &ada_token), ("name", "Ada Lovelace"), ("password", "violet kettle orbit 42")],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(accepted.headers[header::LOCATION], "/orgs/acme");
    assert_eq!(ada.whoami().await.as_deref(), Some("ada@example.com"), "lands signed in");
    let page = ada.get("/orgs/acme").await;
    assert!(page.body.contains("You are an editor here."), "{}", page.body);

    let reused = app.browser().call("invitation", &[("token", &ada_token)]).await;
    assert_eq!(reused.status, StatusCode::GONE);
    assert!(reused.body.contains("already been used"), "{}", reused.body);

    // The second invitation is revoked; its link then says so.
    let bob = app.store.pending_invitations(1, 100).await.unwrap();
    let bob_id = bob.iter().find(|p| p.email == "bob@example.com").unwrap().user_id.to_string();
    let revoked = admin.call("revoke_invitation", &[("slug", "acme"), ("user_id", &bob_id)]).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    let bob_token = token_of(&link_sent_to(&app, "bob@example.com").await);
    let page = app.browser().get(&format!("/invite?token={bob_token}")).await;
    assert!(page.body.contains("withdrawn"), "{}", page.body);
    let late = app
        .browser()
        .call(
            "accept_invitation",
            &[("token", &bob_token), ("name", "Bob"), ("password", "violet kettle orbit 42")],
        )
        .await;
    assert_eq!(late.status, StatusCode::GONE);

    let tampered = format!("{}x", &ada_token[..ada_token.len() - 1]);
    let forged = app.browser().call("invitation", &[("token", &tampered)]).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(forged.body.contains("not valid"), "{}", forged.body);
    app.stop().await;
}
on_both_databases!(an_invitee_creates_an_account_and_lands_in_the_organization);

async fn a_bad_address_invites_nobody(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut admin = org_admin(&app).await;
    let refused = admin
        .call(
            "invite_members",
            &[("slug", "acme"), ("emails", "ada@example.com, not-an-address"), ("role", "viewer")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.contains("not-an-address") && refused.body.contains("Nobody was invited"),
        "{}",
        refused.body
    );
    let no_role = admin
        .call("invite_members", &[("slug", "acme"), ("emails", "ada@example.com"), ("role", "owner")])
        .await;
    assert_eq!(no_role.status, StatusCode::BAD_REQUEST);
    let empty =
        admin.call("invite_members", &[("slug", "acme"), ("emails", " , "), ("role", "viewer")]).await;
    assert!(empty.body.contains("at least one email address"), "{}", empty.body);
    assert_eq!(app.store.list_outbox(10, 0).await.unwrap().total, 0, "nothing changed");
    assert!(app.store.pending_invitations(1, 100).await.unwrap().is_empty());

    let again = admin
        .call("invite_members", &[("slug", "acme"), ("emails", "admin@acme.example"), ("role", "viewer")])
        .await;
    assert!(again.body.contains("\"already_members\":[\"admin@acme.example\"]"), "{}", again.body);
    app.stop().await;
}
on_both_databases!(a_bad_address_invites_nobody);

async fn someone_with_an_account_signs_in_to_accept(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut admin = org_admin(&app).await;
    let (_, mut grace) = app.signed_in("grace@example.com", false).await;
    let (_, mut other) = app.signed_in("other@example.com", false).await;
    admin
        .call("invite_members", &[("slug", "acme"), ("emails", "grace@example.com"), ("role", "viewer")])
        .await;
    let token = token_of(&link_sent_to(&app, "grace@example.com").await);

    let anonymous = app.browser().call("accept_invitation", &[("token", &token)]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let takeover = app
        .browser()
        .call(
            "accept_invitation",
            &[("token", &token), ("name", "Mallory"), ("password", "violet kettle orbit 42")],
        )
        .await;
    assert_eq!(takeover.status, StatusCode::UNAUTHORIZED, "a link cannot set an existing account's password");
    let wrong_account = other.call("accept_invitation", &[("token", &token)]).await;
    assert_eq!(wrong_account.status, StatusCode::CONFLICT);
    assert!(wrong_account.body.contains("grace@example.com"), "{}", wrong_account.body);

    let page = grace.get(&format!("/invite?token={token}")).await;
    assert!(page.body.contains("Join Acme"), "{}", page.body);
    let joined = grace.call("accept_invitation", &[("token", &token)]).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    assert_eq!(grace.get("/orgs/acme").await.status, StatusCode::OK);
    app.stop().await;
}
on_both_databases!(someone_with_an_account_signs_in_to_accept);

async fn resending_sends_a_new_link_and_retires_the_old(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut admin = org_admin(&app).await;
    admin
        .call("invite_members", &[("slug", "acme"), ("emails", "ada@example.com"), ("role", "viewer")])
        .await;
    let first = token_of(&link_sent_to(&app, "ada@example.com").await);
    let user_id = app.store.pending_invitations(1, 100).await.unwrap()[0].user_id.to_string();
    let resent = admin.call("resend_invitation", &[("slug", "acme"), ("user_id", &user_id)]).await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.body);
    let second = token_of(&link_sent_to(&app, "ada@example.com").await);
    assert_ne!(first, second);
    assert_eq!(app.browser().call("invitation", &[("token", &first)]).await.status, StatusCode::GONE);
    assert_eq!(app.browser().call("invitation", &[("token", &second)]).await.status, StatusCode::OK);
    app.stop().await;
}
on_both_databases!(resending_sends_a_new_link_and_retires_the_old);

async fn an_expired_invitation_says_so(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let token = app::ssr::tokens::issue();
    let past = chrono::Utc::now() - chrono::Duration::days(8);
    let invitation = store::NewInvitation {
        organization_id: acme.id,
        email: domain::Email::parse("late@example.com").unwrap(),
        role: Role::Viewer,
        token_hash: token.hash.clone(),
        expires_at: past + chrono::Duration::days(7),
        mail: store::NewEmail {
            recipient: "late@example.com".into(),
            subject: "Join".into(),
            body_text: String::new(),
            body_html: String::new(),
        },
    };
    app.store.invite(invitation, store::Actor::system(), past).await.unwrap();

    let page = app.browser().get(&format!("/invite?token={}", token.clear)).await;
    assert!(page.body.contains("expired") && page.body.contains("send a new invitation"), "{}", page.body);
    let late = app
        .browser()
        .call(
            "accept_invitation",
            &[("token", &token.clear), ("name", "Late"), ("password", "violet kettle orbit 42")],
        )
        .await;
    assert_eq!(late.status, StatusCode::GONE);
    assert!(
        app.store.pending_invitations(acme.id, 100).await.unwrap()[0].expires_at.unwrap()
            < chrono::Utc::now()
    );
    app.stop().await;
}
on_both_databases!(an_expired_invitation_says_so);

/// `count` addresses from `first`, as one comma-separated list.
fn addresses(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("person{n}@example.com")).collect::<Vec<_>>().join(",")
}

async fn invitations_are_limited_per_sender_and_per_invitation(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut admin = org_admin(&app).await;
    let invite = [("slug", "acme"), ("emails", "ada@example.com"), ("role", "viewer")];
    assert_eq!(admin.call("invite_members", &invite).await.status, StatusCode::OK);
    let user_id = app.store.pending_invitations(1, 100).await.unwrap()[0].user_id.to_string();

    // Five resends an hour, then a clear refusal that sends nothing.
    for n in 0..5 {
        let resent = admin.call("resend_invitation", &[("slug", "acme"), ("user_id", &user_id)]).await;
        assert_eq!(resent.status, StatusCode::OK, "resend {n}: {}", resent.body);
    }
    let link = link_sent_to(&app, "ada@example.com").await;
    let refused = admin.call("resend_invitation", &[("slug", "acme"), ("user_id", &user_id)]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("sent 5 times in the last hour"), "{}", refused.body);
    assert_eq!(link_sent_to(&app, "ada@example.com").await, link, "no new link");

    // 500 invitation emails an hour per sender: 6 so far, 400 more fit, then
    // a list that would pass the limit invites nobody and says what is left.
    for batch in 0..4 {
        let answer = admin
            .call(
                "invite_members",
                &[("slug", "acme"), ("emails", &addresses(batch * 100, 100)), ("role", "viewer")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }
    let pending = app.store.pending_invitations(1, 1000).await.unwrap().len();
    assert_eq!(pending, 401);
    let over = admin
        .call("invite_members", &[("slug", "acme"), ("emails", &addresses(400, 100)), ("role", "viewer")])
        .await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        over.body.contains("Nobody was invited") && over.body.contains("You can send 94 more now"),
        "{}",
        over.body
    );
    assert_eq!(app.store.pending_invitations(1, 1000).await.unwrap().len(), pending);
    let fits = admin
        .call("invite_members", &[("slug", "acme"), ("emails", &addresses(400, 94)), ("role", "viewer")])
        .await;
    assert_eq!(fits.status, StatusCode::OK, "{}", fits.body);
    app.stop().await;
}
on_both_databases!(invitations_are_limited_per_sender_and_per_invitation);

async fn invitations_are_limited_per_ip(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let mut admins = Vec::new();
    for name in ["one", "two", "three"] {
        let (admin, browser) = app.signed_in(&format!("{name}@acme.example"), false).await;
        app.add_member(acme.id, admin.id, Role::Admin).await;
        admins.push(browser);
    }
    // Two admins behind one address send 1,000 between them; a third, well
    // within their own limit, is refused.
    for (a, admin) in admins.iter_mut().take(2).enumerate() {
        for batch in 0..5 {
            let list = addresses(a * 500 + batch * 100, 100);
            let answer = admin
                .call("invite_members", &[("slug", "acme"), ("emails", &list), ("role", "viewer")])
                .await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        }
    }
    let refused = admins[2]
        .call("invite_members", &[("slug", "acme"), ("emails", "late@example.com"), ("role", "viewer")])
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.body);
    assert!(refused.body.contains("Nobody was invited"), "{}", refused.body);
    assert_eq!(app.store.pending_invitations(acme.id, 2000).await.unwrap().len(), 1000);
    app.stop().await;
}
on_both_databases!(invitations_are_limited_per_ip);
