//! Two-factor sign-in over HTTP, on both databases: enrolling an
//! authenticator app, the second step with codes computed here as an app
//! would (current, previous and next step), replay, lockout, recovery
//! codes, the organization's requirement, and an admin's reset.

mod support;

use app::ssr::{tokens, two_factor::code_at};
use chrono::{Duration, Utc};
use domain::{Role, TwoFactorRequirement};
use reqwest::{StatusCode, header};
use store::Actor;
use support::{Browser, SUPPORT_PASSWORD, TestApp};
use testkit::{TestDatabase, on_both_databases};

/// Adds an authenticator app to the signed-in browser's account, confirmed
/// with the code of the step `offset` steps from now: its secret and the
/// recovery codes the first factor brings.
async fn enroll(browser: &mut Browser, offset: i64) -> (String, Vec<String>) {
    let setup = browser.call("start_totp_setup", &[]).await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
    let setup: serde_json::Value = serde_json::from_str(&setup.body).unwrap();
    let secret = setup["secret"].as_str().unwrap().to_owned();
    assert!(setup["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let code = code_at(&secret, Utc::now() + Duration::seconds(30 * offset)).unwrap();
    let added = browser
        .call("confirm_totp", &[("factor_name", "Work phone"), ("secret", &secret), ("code", &code)])
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let codes: Option<Vec<String>> = serde_json::from_str(&added.body).unwrap();
    (secret, codes.unwrap_or_default())
}

/// Signs in with the password: the second step is due, no session yet.
async fn password_step(app: &TestApp, email: &str) -> Browser {
    let mut browser = app.browser();
    let answer = browser.sign_in(email, SUPPORT_PASSWORD).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(browser.session.is_none(), "no session before the second step");
    assert!(browser.second_step.is_some(), "the second step's cookie is handed over");
    browser
}

async fn second_step(browser: &mut Browser, code: &str) -> support::Answer {
    browser.call("verify_second_step", &[("code", code)]).await
}

async fn session_amr(app: &TestApp, browser: &Browser) -> String {
    let token = browser.session.as_deref().expect("signed in");
    app.store.find_session(&tokens::hash(token)).await.unwrap().unwrap().amr.stored()
}

async fn an_authenticator_app_guards_the_sign_in(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let (ada, mut browser) = app.signed_in("ada@example.com", false).await;

    // A wrong code adds nothing.
    let setup: serde_json::Value =
        serde_json::from_str(&browser.call("start_totp_setup", &[]).await.body).unwrap();
    let secret = setup["secret"].as_str().unwrap();
    let wrong = browser
        .call("confirm_totp", &[("factor_name", "Phone"), ("secret", secret), ("code", "000000")])
        .await;
    let right_now = code_at(secret, Utc::now()).unwrap();
    if right_now != "000000" {
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.body);
        assert!(app.store.second_factors(ada.id).await.unwrap().is_empty());
    }

    // Enrolled with the previous step's code: a code from a phone a few
    // seconds slow is accepted.
    let (secret, recovery) = enroll(&mut browser, -1).await;
    assert_eq!(recovery.len(), 10);
    assert_eq!(app.store.recovery_codes_left(ada.id).await.unwrap(), 10);
    assert!(app.store.find_user(ada.id).await.unwrap().is_some());

    // The current step's code signs in; the same code a second time does not.
    let mut second = password_step(&app, "ada@example.com").await;
    assert_eq!(app.browser().get("/orgs").await.status, StatusCode::SEE_OTHER);
    let now_code = code_at(&secret, Utc::now()).unwrap();
    let done = second_step(&mut second, &now_code).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(second.whoami().await.as_deref(), Some("ada@example.com"));
    assert_eq!(session_amr(&app, &second).await, "pwd otp");

    let mut replay = password_step(&app, "ada@example.com").await;
    let refused = second_step(&mut replay, &now_code).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "a code works once: {}", refused.body);
    assert!(replay.session.is_none());
    // The next step's code (a phone a few seconds fast) is accepted.
    let next_code = code_at(&secret, Utc::now() + Duration::seconds(30)).unwrap();
    let done = second_step(&mut replay, &next_code).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    // A recovery code works once, typed in any case.
    let mut lost_phone = password_step(&app, "ada@example.com").await;
    let spent_cookie = lost_phone.second_step.clone();
    let done = second_step(&mut lost_phone, &recovery[0].to_uppercase()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(session_amr(&app, &lost_phone).await, "pwd otp");
    assert_eq!(app.store.recovery_codes_left(ada.id).await.unwrap(), 9);
    let mut again = password_step(&app, "ada@example.com").await;
    assert_eq!(second_step(&mut again, &recovery[0]).await.status, StatusCode::BAD_REQUEST);

    // A finished second step cannot be finished twice.
    assert!(lost_phone.second_step.is_none(), "the browser is told to forget it");
    let mut stale = app.browser();
    stale.second_step = spent_cookie;
    assert_eq!(second_step(&mut stale, &recovery[1]).await.status, StatusCode::UNAUTHORIZED);

    // The sign-in history names the factor; the failures are there too.
    let attempts = app.store.sign_in_attempts(ada.id, 20).await.unwrap();
    assert!(attempts.iter().any(|a| a.factor == Some(domain::SecondStep::RecoveryCode)
        && a.outcome == domain::SignInOutcome::Succeeded));
    assert!(attempts.iter().any(|a| a.outcome == domain::SignInOutcome::WrongCode));
    app.stop().await;
}
on_both_databases!(an_authenticator_app_guards_the_sign_in);

async fn wrong_codes_lock_the_second_step_without_telling_about_the_password(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let (_, mut browser) = app.signed_in("lin@example.com", false).await;
    let (secret, _) = enroll(&mut browser, 0).await;
    let mut attempt = password_step(&app, "lin@example.com").await;
    let right = code_at(&secret, Utc::now() + Duration::seconds(30)).unwrap();
    let wrong = if right == "111111" { "222222" } else { "111111" };
    for _ in 0..5 {
        assert_eq!(second_step(&mut attempt, wrong).await.status, StatusCode::BAD_REQUEST);
    }
    let locked = second_step(&mut attempt, &right).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.body);
    assert!(attempt.session.is_none());
    // The password step answers alike for the right and a wrong password.
    let with_right = app.browser().sign_in("lin@example.com", SUPPORT_PASSWORD).await;
    let with_wrong = app.browser().sign_in("lin@example.com", "not the password at all").await;
    assert_eq!(with_right.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(with_wrong.status, with_right.status);
    assert_eq!(with_wrong.body, with_right.body);
    app.stop().await;
}
on_both_databases!(wrong_codes_lock_the_second_step_without_telling_about_the_password);

async fn an_organization_that_requires_two_factor_sends_its_people_to_enroll(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let (boss, mut boss_browser) = app.signed_in("boss@example.com", false).await;
    app.add_member(acme.id, boss.id, Role::Admin).await;
    let viewer = app.create_user("vic@example.com", SUPPORT_PASSWORD, false).await;
    app.add_member(acme.id, viewer.id, Role::Viewer).await;

    let set = boss_browser
        .call("set_two_factor_requirement", &[("slug", "acme"), ("required_for", "admins")])
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(app.store.two_factor_requirement(acme.id).await.unwrap(), TwoFactorRequirement::Admins);
    let bad =
        boss_browser.call("set_two_factor_requirement", &[("slug", "acme"), ("required_for", "most")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);

    // A viewer is not an admin: signed in as before.
    let mut vic = app.browser();
    vic.sign_in("vic@example.com", SUPPORT_PASSWORD).await;
    assert_eq!(vic.get("/orgs/acme").await.status, StatusCode::OK);

    // The admin signs in again: enrollment first, nothing else.
    let mut admin = app.browser();
    assert_eq!(admin.sign_in("boss@example.com", SUPPORT_PASSWORD).await.status, StatusCode::OK);
    let page = admin.get("/orgs/acme/members").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers[header::LOCATION].to_str().unwrap(),
        "/two-factor/setup?next=%2Forgs%2Facme%2Fmembers"
    );
    let refused = admin.call("list_members", &[("slug", "acme"), ("query", "")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("second factor"), "{}", refused.body);
    assert_eq!(admin.get("/two-factor/setup").await.status, StatusCode::OK);

    enroll(&mut admin, 0).await;
    assert_eq!(admin.get("/orgs/acme/members").await.status, StatusCode::OK);
    // The last factor of someone who must have one stays.
    let factor = app.store.second_factors(boss.id).await.unwrap()[0].id.to_string();
    let kept = admin.call("remove_second_factor", &[("id", &factor)]).await;
    assert_eq!(kept.status, StatusCode::CONFLICT, "{}", kept.body);
    app.stop().await;
}
on_both_databases!(an_organization_that_requires_two_factor_sends_its_people_to_enroll);

async fn an_admin_resets_a_locked_out_members_second_factors(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let other = app.create_organization("Globex").await;
    let (boss, mut boss_browser) = app.signed_in("boss@example.com", false).await;
    app.add_member(acme.id, boss.id, Role::Admin).await;
    let (outsider, mut outsider_browser) = app.signed_in("out@example.com", false).await;
    app.add_member(other.id, outsider.id, Role::Admin).await;
    let (member, mut member_browser) = app.signed_in("mia@example.com", false).await;
    app.add_member(acme.id, member.id, Role::Editor).await;
    let (root, _) = app.signed_in("root@example.com", true).await;
    app.add_member(acme.id, root.id, Role::Viewer).await;
    enroll(&mut member_browser, 0).await;
    let id = member.id.to_string();

    // Another organization's admin hears "not found"; nobody resets a super admin but a super admin.
    let foreign = outsider_browser.call("reset_two_factor", &[("org", "acme"), ("user_id", &id)]).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let root_id = root.id.to_string();
    let super_admin = boss_browser.call("reset_two_factor", &[("org", "acme"), ("user_id", &root_id)]).await;
    assert_eq!(super_admin.status, StatusCode::CONFLICT, "{}", super_admin.body);
    let own =
        boss_browser.call("reset_two_factor", &[("org", "acme"), ("user_id", &boss.id.to_string())]).await;
    assert_eq!(own.status, StatusCode::CONFLICT, "{}", own.body);
    assert_eq!(app.store.second_factors(member.id).await.unwrap().len(), 1, "refusals change nothing");

    let emails_before = app.store.list_outbox(100, 0).await.unwrap().total;
    let reset = boss_browser.call("reset_two_factor", &[("org", "acme"), ("user_id", &id)]).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert!(app.store.second_factors(member.id).await.unwrap().is_empty());
    assert_eq!(app.store.recovery_codes_left(member.id).await.unwrap(), 0);
    assert_eq!(member_browser.whoami().await, None, "their sessions ended");
    let outbox = app.store.list_outbox(100, 0).await.unwrap();
    assert_eq!(outbox.total, emails_before + 1);
    assert_eq!(outbox.items[0].recipient, "mia@example.com");
    assert!(outbox.items[0].subject.contains("second factors"), "{}", outbox.items[0].subject);
    let event = &app.store.recent_audit_events(1).await.unwrap()[0];
    assert_eq!(event.action, domain::action::TWO_FACTOR_RESET);
    assert_eq!(event.target_user_id, Some(member.id));
    assert_eq!(event.organization_id, Some(acme.id));

    // Signing in is a password again, and the person page lists no factor.
    let mut back = app.browser();
    back.sign_in("mia@example.com", SUPPORT_PASSWORD).await;
    assert!(back.session.is_some());
    let person = boss_browser.call("person_activity", &[("org", "acme"), ("user_id", &id)]).await;
    let person: serde_json::Value = serde_json::from_str(&person.body).unwrap();
    assert_eq!(person["factors"].as_array().unwrap().len(), 0);
    app.stop().await;
}
on_both_databases!(an_admin_resets_a_locked_out_members_second_factors);

async fn super_admins_can_require_it_of_super_admins(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let (_, mut root) = app.signed_in("root@example.com", true).await;
    let (_, mut plain) = app.signed_in("plain@example.com", false).await;
    let refused = plain.call("set_super_admin_two_factor", &[("required", "true")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(!app.store.super_admins_require_two_factor().await.unwrap());
    let set = root.call("set_super_admin_two_factor", &[("required", "true")]).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let mut again = app.browser();
    again.sign_in("root@example.com", SUPPORT_PASSWORD).await;
    assert_eq!(again.get("/orgs").await.status, StatusCode::SEE_OTHER);
    let _ = app.store.set_super_admins_require_two_factor(false, Actor::system(), Utc::now()).await;
    app.stop().await;
}
on_both_databases!(super_admins_can_require_it_of_super_admins);

async fn apps_hear_how_the_person_signed_in(db: &TestDatabase) {
    use support::oidc;
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let client = oidc::register(&app.store, domain::AppKind::Confidential, "").await;
    let (amy, mut browser) = app.signed_in("amy@example.com", false).await;
    app.add_member(acme.id, amy.id, Role::Viewer).await;
    let tokens = oidc::sign_in_to(&app.base, &mut browser, &client, "").await;
    let id = oidc::verify(&app.base, &tokens.id, "JWT", &client.client_id).await;
    assert_eq!(id["amr"], serde_json::json!(["pwd"]), "{id}");
    assert_eq!(id["acr"], domain::ACR_PASSWORD);

    let (secret, _) = enroll(&mut browser, 0).await;
    let mut second = password_step(&app, "amy@example.com").await;
    let code = code_at(&secret, Utc::now() + Duration::seconds(30)).unwrap();
    assert_eq!(second_step(&mut second, &code).await.status, StatusCode::OK);
    let tokens = oidc::sign_in_to(&app.base, &mut second, &client, "").await;
    let id = oidc::verify(&app.base, &tokens.id, "JWT", &client.client_id).await;
    assert_eq!(id["amr"], serde_json::json!(["pwd", "otp"]), "{id}");
    assert_eq!(id["acr"], domain::ACR_MFA);
    let discovery: serde_json::Value = oidc::http()
        .get(format!("{}/.well-known/openid-configuration", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["acr_values_supported"], serde_json::json!([domain::ACR_PASSWORD, domain::ACR_MFA]));
    app.stop().await;
}
on_both_databases!(apps_hear_how_the_person_signed_in);

async fn deleting_an_account_asks_for_the_second_factor_again_after_15_minutes(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let (_, mut root) = app.signed_in("root@example.com", true).await;
    let (vic, _) = app.signed_in("vic@example.com", false).await;
    let (secret, _) = enroll(&mut root, 0).await;
    let token = root.session.clone().expect("signed in");
    let session = app.store.find_session(&tokens::hash(&token)).await.unwrap().unwrap();
    // The factor was given at enrollment; twenty minutes pass.
    app.store.second_factor_given(session.id, Utc::now() - Duration::minutes(20)).await.unwrap();
    let delete = [
        ("user_id", vic.id.to_string()),
        ("confirm_email", vic.email.clone()),
        ("with_data", "false".into()),
    ];
    let delete: Vec<(&str, &str)> = delete.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let refused = root.call("delete_account", &delete).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("SecondFactorRequired"), "{}", refused.body);
    assert!(app.store.find_user(vic.id).await.unwrap().is_some(), "nothing is deleted");

    let code = code_at(&secret, Utc::now() + Duration::seconds(30)).unwrap();
    let confirmed = root.call("confirm_second_factor", &[("confirm_code", &code)]).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let deleted = root.call("delete_account", &delete).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert!(app.store.find_user(vic.id).await.unwrap().is_none());
    app.stop().await;
}
on_both_databases!(deleting_an_account_asks_for_the_second_factor_again_after_15_minutes);

async fn a_ceremony_token_works_for_its_own_purpose_only(db: &TestDatabase) {
    use store::{ChallengePurpose, NewSignInChallenge};
    let app = TestApp::spawn(db).await;
    let (ada, _) = app.signed_in("ada@example.com", false).await;
    let token = tokens::issue();
    let now = Utc::now();
    let challenge = NewSignInChallenge {
        purpose: ChallengePurpose::PasskeyRegistration,
        user_id: Some(ada.id),
        token_hash: token.hash.clone(),
        created_at: now,
        expires_at: now + Duration::minutes(5),
        passkey_state: Some("{}".to_owned()),
    };
    app.store.create_sign_in_challenge(challenge).await.unwrap();
    for other in
        [ChallengePurpose::SecondStep, ChallengePurpose::PasskeySignIn, ChallengePurpose::PasskeyConfirmation]
    {
        assert!(
            app.store.find_sign_in_challenge(&token.hash, other, now).await.unwrap().is_none(),
            "{other:?}"
        );
    }
    let found =
        app.store.find_sign_in_challenge(&token.hash, ChallengePurpose::PasskeyRegistration, now).await;
    assert_eq!(found.unwrap().map(|c| c.user_id), Some(Some(ada.id)));

    // Handed to the second step as its cookie, it is no pending sign-in.
    let mut browser = app.browser();
    browser.second_step = Some(token.clear.clone());
    let options = browser.call("second_step_options", &[]).await;
    assert_eq!(options.body, "null", "{}", options.body);
    let code = browser.call("verify_second_step", &[("code", "123456")]).await;
    assert_eq!(code.status, StatusCode::UNAUTHORIZED, "{}", code.body);
    assert!(browser.session.is_none());
    app.stop().await;
}
on_both_databases!(a_ceremony_token_works_for_its_own_purpose_only);
