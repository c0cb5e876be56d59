//! Sign-in, sessions and first-run setup over HTTP, on both databases.

mod support;

use std::time::Duration;

use app::ssr::{SessionPolicy, tokens};
use domain::AccountStatus;
use reqwest::{StatusCode, header};
use store::{Actor, TokenKind};
use support::TestApp;
use testkit::{TestDatabase, on_both_databases};

const PASSWORD: &str = "correct horse battery staple";

async fn first_run_link_creates_the_super_admin_once(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let link = app.setup_link.clone().expect("a fresh install prints a setup link");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let mut browser = app.browser();

    let page = browser.get(&format!("/setup?token={token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Create account"), "{}", page.body);

    let weak = browser
        .call(
            "complete_setup",
            &[("token", &token), ("email", "root@example.com"), ("name", "Root"), ("password", "short")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(weak.body.contains("at least 8 characters"), "{}", weak.body);
    assert!(!app.store.super_admin_exists().await.unwrap(), "a refused form changes nothing");

    let created = browser
        .call(
            "complete_setup",
            &[("token", &token), ("email", "Root@Example.com"), ("name", "Root"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(
        browser.whoami().await.as_deref(),
        Some("root@example.com"),
        "setup signs the new super admin in"
    );

    let again = app.browser().call("check_setup_link", &[("token", &token)]).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.body.contains("already been used"), "{}", again.body);
    let page = app.browser().get(&format!("/setup?token={token}")).await;
    assert!(page.body.contains("already been used"), "{}", page.body);
    app.stop().await;

    let restarted = TestApp::spawn(db).await;
    assert!(restarted.setup_link.is_none(), "no setup link once a super admin exists");
    restarted.stop().await;
}
on_both_databases!(first_run_link_creates_the_super_admin_once);

async fn a_forged_setup_token_is_refused(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut browser = app.browser();
    let forged = browser
        .call(
            "complete_setup",
            &[("token", "forged"), ("email", "evil@example.com"), ("name", "Eve"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(forged.body.contains("not valid"), "{}", forged.body);
    assert!(!app.store.super_admin_exists().await.unwrap());
    app.stop().await;
}
on_both_databases!(a_forged_setup_token_is_refused);

async fn signing_in_and_out(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    app.create_user("grace@example.com", PASSWORD, false).await;
    let mut browser = app.browser();

    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.headers[header::LOCATION], "/sign-in");
    let deep = browser.get("/orgs/acme/users?page=2").await;
    assert_eq!(deep.headers[header::LOCATION], "/sign-in?next=%2Forgs%2Facme%2Fusers%3Fpage%3D2");

    let signed_in = browser.sign_in("Grace@Example.com", PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
    let cookie = signed_in.headers[header::SET_COOKIE].to_str().unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: no Secure flag");
    assert_eq!(browser.whoami().await.as_deref(), Some("grace@example.com"));

    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Welcome, Grace Hopper"), "{}", home.body);
    assert_eq!(browser.get("/sign-in").await.headers[header::LOCATION], "/");

    let old_session = browser.session.clone();
    let signed_out = browser.call("sign_out", &[]).await;
    assert_eq!(signed_out.status, StatusCode::OK);
    assert!(signed_out.headers[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(browser.whoami().await, None);

    // The old cookie, replayed, no longer works: the session was revoked, not just forgotten.
    browser.session = old_session;
    assert_eq!(browser.whoami().await, None);
    assert_eq!(browser.get("/").await.status, StatusCode::SEE_OTHER);
    app.stop().await;
}
on_both_databases!(signing_in_and_out);

async fn wrong_credentials_do_not_reveal_registered_addresses(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    app.create_user("grace@example.com", PASSWORD, false).await;
    let mut browser = app.browser();

    let wrong_password = browser.sign_in("grace@example.com", "not the password").await;
    let unknown = browser.sign_in("nobody@example.com", "not the password").await;
    let malformed = browser.sign_in("not an address", "not the password").await;
    for answer in [&wrong_password, &unknown, &malformed] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.body, wrong_password.body);
        assert!(answer.headers.get(header::SET_COOKIE).is_none());
    }
    assert!(wrong_password.body.contains("incorrect"), "{}", wrong_password.body);

    let empty = browser.sign_in("", "").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.body.contains("Enter your email address"), "{}", empty.body);
    assert_eq!(browser.whoami().await, None);
    app.stop().await;
}
on_both_databases!(wrong_credentials_do_not_reveal_registered_addresses);

async fn repeated_sign_in_failures_are_refused_per_address_and_per_ip(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let grace = app.create_user("grace@example.com", PASSWORD, false).await;
    app.create_user("ada@example.com", PASSWORD, false).await;
    let mut browser = app.browser();

    // Ten wrong passwords on one address, registered or not, then even the
    // right one is refused, with the same answer for both addresses.
    let mut refusals = Vec::new();
    for address in ["Grace@Example.com", "nobody@example.com"] {
        for _ in 0..10 {
            assert_eq!(browser.sign_in(address, "a wrong guess").await.status, StatusCode::UNAUTHORIZED);
        }
        refusals.push(browser.sign_in(&address.to_lowercase(), PASSWORD).await);
    }
    for refusal in &refusals {
        assert_eq!(refusal.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(refusal.body, refusals[0].body, "no hint of which address is registered");
        assert!(refusal.body.contains("Too many attempts"), "{}", refusal.body);
        assert!(refusal.headers.get(header::SET_COOKIE).is_none());
    }
    assert_eq!(browser.whoami().await, None);
    // Another address from the same IP still signs in.
    assert_eq!(browser.sign_in("ada@example.com", PASSWORD).await.status, StatusCode::OK);
    browser.session = None;

    // The refusal is in Grace's sign-in history (written off the answer's path).
    let mut outcomes = Vec::new();
    for _ in 0..50 {
        outcomes =
            app.store.sign_in_attempts(grace.id, 20).await.unwrap().into_iter().map(|a| a.outcome).collect();
        if outcomes.contains(&domain::SignInOutcome::RateLimited) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(outcomes.contains(&domain::SignInOutcome::RateLimited), "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| **o == domain::SignInOutcome::WrongPassword).count(), 10);

    // Fifty failures from one IP, spread over addresses, lock that IP out.
    // Oversized passwords fail before hashing, which keeps this quick.
    let oversized = "x".repeat(2000);
    for n in 0..30 {
        let answer = browser.sign_in(&format!("guess{n}@example.com"), &oversized).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {n}");
    }
    let locked_out = browser.sign_in("ada@example.com", PASSWORD).await;
    assert_eq!(locked_out.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(browser.whoami().await, None);
    app.stop().await;
}
on_both_databases!(repeated_sign_in_failures_are_refused_per_address_and_per_ip);

async fn idle_sessions_expire(db: &TestDatabase) {
    let policy = SessionPolicy { idle: chrono::Duration::seconds(1), absolute: chrono::Duration::days(30) };
    let app = TestApp::spawn_with(db, policy).await;
    app.create_user("grace@example.com", PASSWORD, false).await;
    let mut browser = app.browser();
    browser.sign_in("grace@example.com", PASSWORD).await;
    assert!(browser.whoami().await.is_some());

    tokio::time::sleep(Duration::from_millis(1_200)).await;
    assert_eq!(browser.whoami().await, None, "idle for longer than the idle timeout");
    app.stop().await;
}
on_both_databases!(idle_sessions_expire);

async fn sessions_end_at_their_absolute_lifetime(db: &TestDatabase) {
    let policy = SessionPolicy { idle: chrono::Duration::hours(1), absolute: chrono::Duration::seconds(2) };
    let app = TestApp::spawn_with(db, policy).await;
    app.create_user("grace@example.com", PASSWORD, false).await;
    let mut browser = app.browser();
    browser.sign_in("grace@example.com", PASSWORD).await;
    for _ in 0..3 {
        assert!(browser.whoami().await.is_some(), "active within the lifetime");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(browser.whoami().await, None, "activity does not extend the absolute lifetime");
    app.stop().await;
}
on_both_databases!(sessions_end_at_their_absolute_lifetime);

async fn a_suspended_account_is_signed_out_on_its_next_request(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let grace = app.create_user("grace@example.com", PASSWORD, false).await;
    let mut browser = app.browser();
    browser.sign_in("grace@example.com", PASSWORD).await;
    assert_eq!(browser.get("/").await.status, StatusCode::OK);

    app.store
        .set_account_status(grace.id, AccountStatus::Suspended, None, Actor::system(), chrono::Utc::now())
        .await
        .unwrap();
    let next = browser.get("/").await;
    assert_eq!(next.status, StatusCode::SEE_OTHER, "the very next request");
    assert_eq!(browser.whoami().await, None);

    let again = browser.sign_in("grace@example.com", PASSWORD).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert!(again.body.contains("suspended"), "{}", again.body);
    let guess = browser.sign_in("grace@example.com", "a wrong guess").await;
    assert!(!guess.body.contains("suspended"), "only the right password learns of the suspension");

    app.store
        .set_account_status(grace.id, AccountStatus::Active, None, Actor::system(), chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(browser.sign_in("grace@example.com", PASSWORD).await.status, StatusCode::OK);
    app.stop().await;
}
on_both_databases!(a_suspended_account_is_signed_out_on_its_next_request);

async fn tokens_are_stored_only_as_hashes(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let setup_token = app.setup_link.clone().unwrap().split("token=").nth(1).unwrap().to_owned();
    assert!(app.store.find_token(TokenKind::Setup, &setup_token).await.unwrap().is_none());
    assert!(app.store.find_token(TokenKind::Setup, &tokens::hash(&setup_token)).await.unwrap().is_some());

    let grace = app.create_user("grace@example.com", PASSWORD, false).await;
    let mut browser = app.browser();
    browser.sign_in("grace@example.com", PASSWORD).await;
    let cookie_token = browser.session.clone().unwrap();
    let stored = app.store.session_token_hashes(grace.id).await.unwrap();
    assert_eq!(stored, vec![tokens::hash(&cookie_token)]);
    assert!(!stored.contains(&cookie_token));
    app.stop().await;
}
on_both_databases!(tokens_are_stored_only_as_hashes);

async fn cross_site_requests_are_refused(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    app.create_user("grace@example.com", PASSWORD, false).await;
    let mut browser = app.browser();
    let url = format!("{}/api/sign_in", app.base);
    let form = [("email", "grace@example.com"), ("password", PASSWORD)];

    let http = reqwest::Client::new();
    let forged =
        browser.send(http.post(&url).form(&form).header(header::ORIGIN, "https://evil.example")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let forged = browser.send(http.post(&url).form(&form).header("sec-fetch-site", "cross-site")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(browser.session.is_none(), "no session was created");

    let same_origin =
        browser.send(http.post(&url).form(&form).header(header::ORIGIN, app.base.as_str())).await;
    assert_eq!(same_origin.status, StatusCode::OK);
    app.stop().await;
}
on_both_databases!(cross_site_requests_are_refused);

async fn pages_carry_security_headers(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let page = app.browser().get("/sign-in").await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce");
    assert!(page.body.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the nonce");
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(page.headers[header::REFERRER_POLICY], "same-origin");

    let other = app.browser().get("/sign-in").await;
    assert_ne!(
        other.headers[header::CONTENT_SECURITY_POLICY],
        page.headers[header::CONTENT_SECURITY_POLICY],
        "a fresh nonce per page"
    );
    app.stop().await;
}
on_both_databases!(pages_carry_security_headers);

async fn health_endpoints_answer(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut browser = app.browser();
    assert_eq!(browser.get("/healthz").await.body, "ok");
    let ready = browser.get("/readyz").await;
    assert_eq!((ready.status, ready.body.as_str()), (StatusCode::OK, "ready"));
    app.stop().await;
}
on_both_databases!(health_endpoints_answer);

/// The same, through the super admins' server function: a reason is kept in
/// the audit log, nobody else may do it, and nobody suspends themselves.
async fn super_admins_suspend_and_reactivate_accounts_over_http(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let (root, mut root_browser) = app.signed_in("root@example.com", true).await;
    let (grace, mut grace_browser) = app.signed_in("grace@example.com", false).await;
    let (_, mut other_browser) = app.signed_in("other@example.com", false).await;
    let grace_id = grace.id.to_string();
    let suspend = |id: &str, reason: &str| {
        vec![("user_id", id.to_owned()), ("suspended", "true".to_owned()), ("reason", reason.to_owned())]
    };
    let call = |browser: &mut support::Browser, form: Vec<(&'static str, String)>| {
        let mut browser = browser.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            browser.call("set_account_suspended", &form).await
        }
    };

    let refused = call(&mut other_browser, suspend(&grace_id, "")).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "only super admins: {}", refused.body);
    let own = call(&mut root_browser, suspend(&root.id.to_string(), "")).await;
    assert_eq!(own.status, StatusCode::NOT_FOUND, "not their own account");
    let rambling = call(&mut root_browser, suspend(&grace_id, &"x".repeat(501))).await;
    assert_eq!(rambling.status, StatusCode::BAD_REQUEST);
    assert_eq!(grace_browser.whoami().await.as_deref(), Some("grace@example.com"), "nothing changed");

    let suspended = call(&mut root_browser, suspend(&grace_id, "Left the company.")).await;
    assert_eq!(suspended.status, StatusCode::OK, "{}", suspended.body);
    assert_eq!(grace_browser.whoami().await, None, "signed out at once");
    let event = app.store.recent_audit_events(1).await.unwrap().remove(0);
    assert_eq!(event.action, store::action::ACCOUNT_SUSPENDED);
    assert_eq!(event.target_user_id, Some(grace.id));
    assert!(event.details.contains("Left the company."), "{}", event.details);
    assert_eq!(
        grace_browser.sign_in("grace@example.com", support::SUPPORT_PASSWORD).await.status,
        StatusCode::FORBIDDEN
    );

    let form =
        vec![("user_id", grace_id.clone()), ("suspended", "false".to_owned()), ("reason", String::new())];
    assert_eq!(call(&mut root_browser, form).await.status, StatusCode::OK);
    assert_eq!(
        grace_browser.sign_in("grace@example.com", support::SUPPORT_PASSWORD).await.status,
        StatusCode::OK
    );
    app.stop().await;
}
on_both_databases!(super_admins_suspend_and_reactivate_accounts_over_http);
