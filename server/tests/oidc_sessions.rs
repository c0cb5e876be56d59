//! What ends a person's app sessions, on both databases: every change an
//! admin makes that takes away what the tokens say (suspension, removal, a
//! role change, account suspension or deletion, the organization
//! suspended, the app disabled), the app revoking its own tokens
//! (RFC 7009), and the person signing out through the app (RP-initiated
//! logout). Each must stop refresh, introspection and userinfo at once and
//! queue a back-channel logout for apps that registered a back-channel URI.

mod support;

use chrono::Utc;
use domain::{AccountStatus, AppKind, AppStatus, MembershipStatus, OrganizationStatus, Role};
use reqwest::{StatusCode, header};
use store::{AccountDeletion, Actor, LogoutRecord};
use support::{
    Browser, SUPPORT_PASSWORD, TestApp,
    oidc::{
        BACKCHANNEL, Client, POST_LOGOUT, Tokens, introspect, location, post_as, refresh, register,
        sign_in_to, urlencode, userinfo, verify,
    },
};
use testkit::{TestDatabase, on_both_databases};

async fn logouts(app: &TestApp) -> Vec<LogoutRecord> {
    app.store.list_logouts(1_000, 0).await.unwrap().items
}

async fn sid_of(app: &TestApp, client: &Client, tokens: &Tokens) -> (String, String) {
    let id = verify(&app.base, &tokens.id, "JWT", &client.client_id).await;
    (id["sid"].as_str().unwrap().to_owned(), id["sub"].as_str().unwrap().to_owned())
}

/// Whether the app session still works for its app: refresh (which
/// rotates, so the tokens are updated), introspection and userinfo agree.
async fn still_works(app: &TestApp, client: &Client, tokens: &mut Tokens, what: &str) -> bool {
    let base = &app.base;
    let info = userinfo(base, &tokens.access).await.status();
    let active = introspect(base, client, &tokens.access).await["active"].clone();
    let (status, refreshed) = refresh(base, client, &tokens.refresh).await;
    let works = status == StatusCode::OK;
    if works {
        tokens.refresh = refreshed["refresh_token"].as_str().unwrap().to_owned();
        tokens.access = refreshed["access_token"].as_str().unwrap().to_owned();
    } else {
        assert_eq!(refreshed["error"], "invalid_grant", "{what}: {refreshed}");
    }
    let expected_info = if works { StatusCode::OK } else { StatusCode::UNAUTHORIZED };
    assert_eq!(info, expected_info, "{what}: userinfo agrees with refresh");
    assert_eq!(active, works, "{what}: introspection agrees with refresh");
    works
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Change {
    MembershipSuspended,
    MemberRemoved,
    RoleChanged,
    AccountSuspended,
    AccountDeleted,
    OrganizationSuspended,
}

impl Change {
    /// Whether the person's sessions naming another organization end too.
    fn is_account_wide(self) -> bool {
        matches!(self, Self::AccountSuspended | Self::AccountDeleted)
    }
}

async fn every_change_that_takes_away_what_a_token_says_ends_it(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    // An app with a back-channel URI, and one without.
    let told = register(&app.store, AppKind::Confidential, BACKCHANNEL).await;
    let quiet = register(&app.store, AppKind::Confidential, "").await;
    let changes = [
        Change::MembershipSuspended,
        Change::MemberRemoved,
        Change::RoleChanged,
        Change::AccountSuspended,
        Change::AccountDeleted,
        Change::OrganizationSuspended,
    ];
    for (i, change) in changes.into_iter().enumerate() {
        let what = format!("{change:?}");
        let org = app.create_organization(&format!("Acme {i}")).await;
        let elsewhere = app.create_organization(&format!("Globex {i}")).await;
        let (user, mut browser) = app.signed_in(&format!("person{i}@example.com"), false).await;
        app.add_member(org.id, user.id, Role::Editor).await;
        app.add_member(elsewhere.id, user.id, Role::Viewer).await;
        let pin = format!("&organization={}", org.slug);
        let mut told_tokens = sign_in_to(&app.base, &mut browser, &told, &pin).await;
        let mut quiet_tokens = sign_in_to(&app.base, &mut browser, &quiet, &pin).await;
        let mut elsewhere_tokens =
            sign_in_to(&app.base, &mut browser, &told, &format!("&organization={}", elsewhere.slug)).await;
        assert!(still_works(&app, &told, &mut told_tokens, &what).await, "{what}: before");
        let (sid, sub) = sid_of(&app, &told, &told_tokens).await;
        let (quiet_sid, _) = sid_of(&app, &quiet, &quiet_tokens).await;
        let (elsewhere_sid, _) = sid_of(&app, &told, &elsewhere_tokens).await;
        let queued_before = logouts(&app).await.len();

        let (by, now) = (Actor::system(), Utc::now());
        let store = &app.store;
        match change {
            Change::MembershipSuspended => store
                .set_membership_status(org.id, user.id, MembershipStatus::Suspended, None, by, now)
                .await
                .unwrap(),
            Change::MemberRemoved => store.remove_member(org.id, user.id, by, now).await.unwrap(),
            Change::RoleChanged => {
                store.change_member_role(org.id, user.id, Role::Viewer, by, now).await.unwrap()
            }
            Change::AccountSuspended => {
                store.set_account_status(user.id, AccountStatus::Suspended, None, by, now).await.unwrap()
            }
            Change::AccountDeleted => store
                .delete_account(
                    AccountDeletion { user_id: user.id, confined_to: None, with_data: false },
                    by,
                    now,
                )
                .await
                .unwrap(),
            Change::OrganizationSuspended => {
                store.set_organization_status(org.id, OrganizationStatus::Suspended, by, now).await.unwrap()
            }
        }

        assert!(!still_works(&app, &told, &mut told_tokens, &what).await, "{what}: the told app's session");
        assert!(
            !still_works(&app, &quiet, &mut quiet_tokens, &what).await,
            "{what}: the quiet app's session"
        );
        let elsewhere_works = still_works(&app, &told, &mut elsewhere_tokens, &what).await;
        assert_eq!(
            elsewhere_works,
            !change.is_account_wide(),
            "{what}: the session naming another organization"
        );

        // Queued in the same transaction: one logout per ended session of an
        // app with a back-channel URI, with the person's sub and the sid.
        let all = logouts(&app).await;
        let queued: Vec<&LogoutRecord> = all[..all.len() - queued_before].iter().collect();
        let mut expected = vec![sid.clone()];
        if change.is_account_wide() {
            expected.push(elsewhere_sid.clone());
        }
        let mut got: Vec<String> = queued.iter().map(|l| l.sid.clone()).collect();
        got.sort();
        expected.sort();
        assert_eq!(got, expected, "{what}: logouts queued");
        assert!(!got.contains(&quiet_sid), "{what}: no back-channel URI, no logout");
        for logout in queued {
            assert_eq!(logout.subject, sub, "{what}");
            assert_eq!(logout.client_id, told.client_id, "{what}");
            assert_eq!(logout.uri, BACKCHANNEL, "{what}");
        }

        // The next sign-in: refused while the change stands, or carrying it.
        match change {
            Change::RoleChanged => {
                let again = sign_in_to(&app.base, &mut browser, &told, &pin).await;
                let id = verify(&app.base, &again.id, "JWT", &told.client_id).await;
                assert_eq!(id["org_role"], "viewer");
            }
            Change::MembershipSuspended | Change::MemberRemoved | Change::OrganizationSuspended => {
                let answer = browser.get(&support::oidc::authorize_path(&told.client_id, &pin)).await;
                assert_eq!(support::oidc::error_of(&answer), "access_denied", "{what}");
            }
            Change::AccountSuspended | Change::AccountDeleted => {
                // Signed out of Roster: the request goes to sign in.
                let answer = browser.get(&support::oidc::authorize_path(&told.client_id, &pin)).await;
                assert!(location(&answer).starts_with("/sign-in?"), "{what}: {}", location(&answer));
            }
        }
    }
    app.stop().await;
}
on_both_databases!(every_change_that_takes_away_what_a_token_says_ends_it);

async fn a_disabled_app_can_no_longer_use_its_tokens(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let client = register(&app.store, AppKind::Confidential, BACKCHANNEL).await;
    let acme = app.create_organization("Acme").await;
    let (user, mut browser) = app.signed_in("al@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Viewer).await;
    let tokens = sign_in_to(&app.base, &mut browser, &client, "").await;
    let (sid, _) = sid_of(&app, &client, &tokens).await;
    app.store.set_app_status(client.id, AppStatus::Disabled, Actor::system(), Utc::now()).await.unwrap();
    let (status, refused) = refresh(&app.base, &client, &tokens.refresh).await;
    assert_eq!((status, refused["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));
    assert_eq!(userinfo(&app.base, &tokens.access).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(logouts(&app).await.iter().filter(|l| l.sid == sid).count(), 1, "the app is told");
    // Enabled again, the old session stays ended.
    app.store.set_app_status(client.id, AppStatus::Active, Actor::system(), Utc::now()).await.unwrap();
    assert_eq!(refresh(&app.base, &client, &tokens.refresh).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(introspect(&app.base, &client, &tokens.access).await["active"], false);
    app.stop().await;
}
on_both_databases!(a_disabled_app_can_no_longer_use_its_tokens);

/// RFC 7009: an app revokes its own refresh or access token, which ends the
/// whole app session; another app's token is left alone; an unknown token
/// is answered 200 all the same. The app knows: no back-channel logout.
async fn an_app_revokes_its_own_tokens(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let base = app.base.as_str();
    let client = register(&app.store, AppKind::Confidential, BACKCHANNEL).await;
    let public = register(&app.store, AppKind::Public, BACKCHANNEL).await;
    let acme = app.create_organization("Acme").await;
    let (user, mut browser) = app.signed_in("bea@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Viewer).await;

    for kind in ["refresh_token", "access_token"] {
        let mut tokens = sign_in_to(base, &mut browser, &client, "").await;
        let token = if kind == "refresh_token" { tokens.refresh.clone() } else { tokens.access.clone() };
        // Another app cannot revoke it.
        let (status, _) = post_as(base, &public, "/oauth2/revoke", &[("token", &token)]).await;
        assert_eq!(status, StatusCode::OK, "answered alike");
        assert!(still_works(&app, &client, &mut tokens, kind).await, "{kind}: another app's revocation");
        let token = if kind == "refresh_token" { tokens.refresh.clone() } else { tokens.access.clone() };
        let (status, _) =
            post_as(base, &client, "/oauth2/revoke", &[("token", &token), ("token_type_hint", kind)]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!still_works(&app, &client, &mut tokens, kind).await, "{kind}: revoked");
        let (status, _) = post_as(base, &client, "/oauth2/revoke", &[("token", &token)]).await;
        assert_eq!(status, StatusCode::OK, "{kind}: revoked twice");
    }
    // A public app revokes with its client_id alone.
    let mut tokens = sign_in_to(base, &mut browser, &public, "").await;
    let (status, _) = post_as(base, &public, "/oauth2/revoke", &[("token", &tokens.refresh)]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = refresh(base, &public, &tokens.refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(userinfo(base, &tokens.access).await.status(), StatusCode::UNAUTHORIZED);
    tokens.refresh.clear();
    assert!(logouts(&app).await.is_empty(), "an app that revokes is not told about it");
    // The wrong secret: 401, nothing revoked.
    let mut live = sign_in_to(base, &mut browser, &client, "").await;
    let wrong = Client { secret: "wrong".into(), ..client.clone() };
    let (status, refused) = post_as(base, &wrong, "/oauth2/revoke", &[("token", &live.refresh)]).await;
    assert_eq!((status, refused["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_client")));
    assert!(still_works(&app, &client, &mut live, "after a refused revocation").await);
    app.stop().await;
}
on_both_databases!(an_app_revokes_its_own_tokens);

fn logout_path(query: &[(&str, &str)]) -> String {
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
    format!("/oauth2/logout?{}", query.join("&"))
}

/// A browser with the same Roster session as `browser`: it keeps the
/// cookie even after Roster tells `browser` to forget it.
fn same_session(app: &TestApp, browser: &Browser) -> Browser {
    let mut copy = app.browser();
    copy.session = browser.session.clone();
    copy
}

/// RP-initiated logout: the app session the hint names ends, with the
/// Roster session and the other apps' sessions made from it (those apps
/// are told); the person goes back to a registered URI with `state`. An
/// unregistered URI, a forged hint or a mismatched client_id show a page
/// and sign nobody out.
async fn signing_out_through_an_app_ends_the_roster_session(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let base = app.base.as_str();
    let billing = register(&app.store, AppKind::Confidential, BACKCHANNEL).await;
    let crm = register(&app.store, AppKind::Confidential, BACKCHANNEL).await;
    let acme = app.create_organization("Acme").await;
    let (user, mut browser) = app.signed_in("cat@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Viewer).await;
    let mut billing_tokens = sign_in_to(base, &mut browser, &billing, "").await;
    let mut crm_tokens = sign_in_to(base, &mut browser, &crm, "").await;
    let (crm_sid, _) = sid_of(&app, &crm, &crm_tokens).await;
    let (billing_sid, _) = sid_of(&app, &billing, &billing_tokens).await;

    // Refused: a page, and everyone stays signed in.
    let (signed, last) = billing_tokens.id.split_at(billing_tokens.id.len() - 1);
    let forged = format!("{signed}{}", if last == "A" { "B" } else { "A" });
    for query in [
        vec![
            ("id_token_hint", billing_tokens.id.as_str()),
            ("post_logout_redirect_uri", "https://evil.example/"),
        ],
        vec![
            ("id_token_hint", billing_tokens.id.as_str()),
            ("post_logout_redirect_uri", "https://billing.example/bye/x"),
        ],
        vec![("post_logout_redirect_uri", POST_LOGOUT)],
        vec![("id_token_hint", forged.as_str()), ("post_logout_redirect_uri", POST_LOGOUT)],
        vec![("id_token_hint", billing_tokens.id.as_str()), ("client_id", crm.client_id.as_str())],
        vec![("id_token_hint", billing_tokens.access.as_str())],
        vec![("state", "a"), ("state", "b")],
    ] {
        let answer = browser.get(&logout_path(&query)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query:?}");
        assert!(answer.headers.get(header::LOCATION).is_none(), "{query:?}");
        assert!(answer.headers.get(header::SET_COOKIE).is_none(), "{query:?}");
    }
    assert_eq!(browser.whoami().await.as_deref(), Some("cat@acme.example"));
    assert!(still_works(&app, &billing, &mut billing_tokens, "after refused logouts").await);

    let old_session = same_session(&app, &browser);
    let answer = browser
        .get(&logout_path(&[
            ("id_token_hint", billing_tokens.id.as_str()),
            ("post_logout_redirect_uri", POST_LOGOUT),
            ("state", "s7ate"),
        ]))
        .await;
    assert!(answer.status.is_redirection(), "{} {}", answer.status, answer.body);
    assert_eq!(location(&answer), format!("{POST_LOGOUT}?state=s7ate"));
    let cookie = answer.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("roster_session=;") && cookie.contains("Max-Age=0"), "{cookie}");
    // The server ended the session, not just the cookie.
    assert_eq!(old_session.clone().whoami().await, None);
    assert!(!still_works(&app, &billing, &mut billing_tokens, "the hinted app").await);
    assert!(!still_works(&app, &crm, &mut crm_tokens, "another app of the same session").await);
    let queued: Vec<String> = logouts(&app).await.into_iter().map(|l| l.sid).collect();
    assert_eq!(queued, vec![crm_sid], "the other app is told; the one that asked knows");
    assert!(!queued.contains(&billing_sid));

    // A person signed in twice keeps the other Roster session and its app sessions.
    let mut laptop = app.browser();
    laptop.sign_in("cat@acme.example", SUPPORT_PASSWORD).await;
    let mut phone = app.browser();
    phone.sign_in("cat@acme.example", SUPPORT_PASSWORD).await;
    let mut laptop_tokens = sign_in_to(base, &mut laptop, &billing, "").await;
    let mut phone_tokens = sign_in_to(base, &mut phone, &billing, "").await;

    // A hint the browser's session did not make (the phone's, opened on
    // the laptop), or none at all: Roster asks first, and nothing ends yet.
    let phone_hint = [("id_token_hint", phone_tokens.id.as_str()), ("post_logout_redirect_uri", POST_LOGOUT)];
    let no_hint = [("client_id", billing.client_id.as_str()), ("post_logout_redirect_uri", POST_LOGOUT)];
    for query in [&phone_hint[..], &no_hint[..]] {
        let answer = laptop.get(&logout_path(query)).await;
        assert_eq!(answer.status, StatusCode::OK, "{query:?}: {}", answer.body);
        assert!(answer.body.contains("Sign out of Roster?"), "{query:?}: {}", answer.body);
        assert!(answer.headers.get(header::SET_COOKIE).is_none(), "{query:?}");
        // The policy lets the form post here and its answer go back to the app.
        let policy = answer.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(policy.contains("form-action 'self' https://billing.example"), "{policy}");
        // A link claiming to be the answer is only a link.
        let answer = laptop.get(&format!("{}&confirm=yes", logout_path(query))).await;
        assert_eq!(answer.status, StatusCode::OK, "{query:?}: a GET never confirms");
    }
    assert_eq!(laptop.whoami().await.as_deref(), Some("cat@acme.example"));
    assert!(still_works(&app, &billing, &mut laptop_tokens, "the laptop, before confirming").await);
    assert!(still_works(&app, &billing, &mut phone_tokens, "the phone, before confirming").await);

    // The page's form: the laptop signs out; the phone keeps its session.
    let confirm = [no_hint[0], no_hint[1], ("confirm", "yes")];
    let answer = laptop.send(oidc_http_post(base, &confirm)).await;
    assert_eq!(location(&answer), POST_LOGOUT, "{} {}", answer.status, answer.body);
    assert_eq!(laptop.whoami().await, None);
    assert_eq!(phone.whoami().await.as_deref(), Some("cat@acme.example"));
    assert!(still_works(&app, &billing, &mut phone_tokens, "the other device's app session").await);
    let (status, _) = refresh(base, &billing, &laptop_tokens.refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the laptop's app session ended with its Roster session");

    // Without a Roster session in the browser (the app's server, or a
    // browser signed out already), the hinted app session ends, and only it.
    let mut tablet = app.browser();
    tablet.sign_in("cat@acme.example", SUPPORT_PASSWORD).await;
    let mut tablet_tokens = sign_in_to(base, &mut tablet, &billing, "").await;
    let answer = app.browser().get(&logout_path(&[("id_token_hint", tablet_tokens.id.as_str())])).await;
    assert_eq!(location(&answer), "/sign-in");
    assert!(!still_works(&app, &billing, &mut tablet_tokens, "the hinted app session").await);
    assert_eq!(tablet.whoami().await.as_deref(), Some("cat@acme.example"), "its Roster session stays");

    // Without anywhere to go back to: Roster's sign-in page, once confirmed.
    let answer = phone.get("/oauth2/logout").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(phone.whoami().await.as_deref(), Some("cat@acme.example"));
    let answer = phone.send(oidc_http_post(base, &[("confirm", "yes")])).await;
    assert_eq!(location(&answer), "/sign-in");
    assert_eq!(phone.whoami().await, None);
    app.stop().await;
}

/// The confirmation page's form, posted.
fn oidc_http_post(base: &str, form: &[(&str, &str)]) -> reqwest::RequestBuilder {
    support::oidc::http().post(format!("{base}/oauth2/logout")).form(form)
}
on_both_databases!(signing_out_through_an_app_ends_the_roster_session);
