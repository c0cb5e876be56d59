//! Sign in with Roster (OpenID Connect) over HTTP, on both databases: a
//! plain HTTP client plays the app, and checks the tokens against the JWKS
//! independently of Roster's own code. The code flow, the client
//! authentication methods, the organization claims and every error the
//! specifications name; what ends an app session is in `oidc_sessions.rs`,
//! logouts and signing keys across instances in `oidc_instances.rs`.

mod support;

use chrono::Utc;
use domain::{AppKind, MembershipStatus, Role};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use store::{Actor, DatabaseUrl};
use support::{
    TestApp,
    oidc::{
        BACKCHANNEL, Client, REDIRECT, VERIFIER, at_hash, authorize_path, challenge, code_at, code_for,
        code_form, error_of, exchange, http, introspect, location, location_params, param, post_as,
        post_with_secret_in_body, refresh, register, sign_in_to, urlencode, userinfo, verify,
    },
};
use testkit::{TestDatabase, on_both_databases};

async fn backchannel_logouts(app: &TestApp) -> i64 {
    app.store.list_logouts(100, 0).await.unwrap().total
}

/// Runs one statement on the test database, with `at` bound as `$1`: for
/// what no request can do, such as letting a code grow old.
async fn execute_at(db: &TestDatabase, sql: &str, at: chrono::DateTime<Utc>) {
    match &db.url {
        DatabaseUrl::Sqlite(url) => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::query(sql).bind(at).execute(&pool).await.unwrap();
            pool.close().await;
        }
        DatabaseUrl::Postgres(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query(sql).bind(at).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

async fn discovery_names_every_endpoint_and_what_roster_supports(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let response = http().get(format!("{}/.well-known/openid-configuration", app.base)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let discovery: Value = response.json().await.unwrap();
    let base = &app.base;
    assert_eq!(discovery["issuer"], base.as_str());
    for (field, path) in [
        ("authorization_endpoint", "/oauth2/authorize"),
        ("token_endpoint", "/oauth2/token"),
        ("userinfo_endpoint", "/oauth2/userinfo"),
        ("jwks_uri", "/oauth2/jwks"),
        ("revocation_endpoint", "/oauth2/revoke"),
        ("introspection_endpoint", "/oauth2/introspect"),
        ("end_session_endpoint", "/oauth2/logout"),
    ] {
        assert_eq!(discovery[field], format!("{base}{path}"), "{field}");
    }
    assert_eq!(discovery["response_types_supported"], json!(["code"]));
    assert_eq!(discovery["grant_types_supported"], json!(["authorization_code", "refresh_token"]));
    assert_eq!(discovery["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(discovery["id_token_signing_alg_values_supported"], json!(["RS256"]));
    assert_eq!(discovery["subject_types_supported"], json!(["public"]));
    assert_eq!(
        discovery["token_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post", "none"])
    );
    assert_eq!(
        discovery["introspection_endpoint_auth_methods_supported"],
        json!(["client_secret_basic", "client_secret_post"]),
        "introspection is for confidential apps"
    );
    assert_eq!(
        discovery["scopes_supported"],
        json!(["openid", "profile", "email", "offline_access", "organization"])
    );
    for claim in ["sub", "sid", "auth_time", "nonce", "org_id", "org_slug", "org_name", "org_role"] {
        assert!(discovery["claims_supported"].as_array().unwrap().contains(&json!(claim)), "{claim}");
    }
    assert_eq!(discovery["backchannel_logout_supported"], true);
    assert_eq!(discovery["backchannel_logout_session_supported"], true);
    assert_eq!(discovery["authorization_response_iss_parameter_supported"], true);

    // The JWKS: one RSA signing key, public half only.
    let jwks: Value = http().get(format!("{base}/oauth2/jwks")).send().await.unwrap().json().await.unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "{jwks}");
    assert_eq!(keys[0]["kty"], "RSA");
    assert_eq!(keys[0]["use"], "sig");
    assert!(keys[0]["kid"].is_string() && keys[0]["n"].is_string() && keys[0]["e"].is_string());
    assert!(keys[0].get("d").is_none() && keys[0].get("p").is_none(), "no private part: {jwks}");
    app.stop().await;
}
on_both_databases!(discovery_names_every_endpoint_and_what_roster_supports);

async fn a_member_signs_in_to_an_app_and_a_suspension_ends_it(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let base = app.base.as_str();
    let client = register(&app.store, AppKind::Confidential, BACKCHANNEL).await;
    let acme = app.create_organization("Acme").await;
    let (user, mut browser) = app.signed_in("ada@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Editor).await;

    // Signed out, the app's request goes to Roster's sign-in, and back.
    let signed_out = app.browser().get(&authorize_path(&client.client_id, "")).await;
    let to = location(&signed_out);
    assert!(to.starts_with("/sign-in?next=%2Foauth2%2Fauthorize"), "{to}");
    let none = app.browser().get(&authorize_path(&client.client_id, "&prompt=none")).await;
    assert_eq!(error_of(&none), "login_required");
    assert_eq!(param(&location_params(&none), "state"), Some("st4te"));

    let before = Utc::now().timestamp();
    let code = code_for(&mut browser, &client.client_id, "").await;
    let (status, tokens) = exchange(base, &client, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 300);
    assert_eq!(tokens["scope"], "openid profile email offline_access organization");
    let id_token = tokens["id_token"].as_str().unwrap();
    let access_token = tokens["access_token"].as_str().unwrap();
    let id = verify(base, id_token, "JWT", &client.client_id).await;
    assert_eq!(id["iss"], base);
    assert_eq!(id["aud"], client.client_id.as_str());
    assert_eq!(id["azp"], client.client_id.as_str());
    assert_eq!(id["nonce"], "n0nce");
    assert_eq!(id["at_hash"], at_hash(access_token), "at_hash binds the access token");
    assert_eq!(id["email"], "ada@acme.example");
    assert_eq!(id["email_verified"], true);
    assert_eq!(id["name"], "Grace Hopper");
    let sub = id["sub"].as_str().unwrap().to_owned();
    assert!(sub.len() >= 16 && sub != user.id.to_string(), "sub is never the database id: {sub}");
    assert!(id["sid"].as_str().is_some_and(|sid| sid.len() >= 16), "{id}");
    // auth_time is when the person signed in to Roster, before this request.
    let auth_time = id["auth_time"].as_i64().unwrap();
    assert!(auth_time <= before + 1 && auth_time > before - 60, "auth_time {auth_time}, asked at {before}");
    assert!(id["iat"].as_i64().unwrap() >= auth_time);
    // The organization, flat, with its public id.
    assert_eq!(id["org_slug"], "acme");
    assert_eq!(id["org_role"], "editor");
    assert_eq!(id["org_name"], "Acme");
    let org_id = id["org_id"].as_str().unwrap().to_owned();
    assert!(org_id.len() >= 16 && org_id != acme.id.to_string(), "{org_id}");
    assert!(id.get("organization").is_none() && id.get("organizations").is_none(), "flat: {id}");

    let access = verify(base, access_token, "at+jwt", &client.client_id).await;
    assert_eq!(access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(), 300);
    assert_eq!(access["sub"], id["sub"]);
    assert_eq!(access["sid"], id["sid"]);
    assert_eq!(access["client_id"], client.client_id.as_str());
    assert_eq!(access["scope"], "openid profile email offline_access organization");
    assert_eq!(access["org_id"], org_id.as_str());
    assert_eq!(access["org_role"], "editor");
    assert!(access["jti"].is_string());
    let info: Value = userinfo(base, access_token).await.json().await.unwrap();
    assert_eq!(info["sub"], sub.as_str());
    assert_eq!(info["email"], "ada@acme.example");
    assert_eq!(info["org_slug"], "acme");
    assert_eq!(info["org_role"], "editor");
    let active = introspect(base, &client, access_token).await;
    assert_eq!(active["active"], true);
    assert_eq!(active["sub"], sub.as_str());
    assert_eq!(active["client_id"], client.client_id.as_str());
    assert_eq!(active["org_role"], "editor");

    // The code works once; presented again, it revokes what it gave.
    let (status, again) = exchange(base, &client, &code).await;
    assert_eq!((status, again["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    assert_eq!(introspect(base, &client, access_token).await["active"], false);
    assert_eq!(userinfo(base, access_token).await.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = refresh(base, &client, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the code's refresh token is revoked with it");

    // Signed in again, from a new Roster session: the same sub; refresh rotates.
    let mut browser = app.browser();
    browser.sign_in("ada@acme.example", support::SUPPORT_PASSWORD).await;
    let tokens = sign_in_to(base, &mut browser, &client, "").await;
    let id2 = verify(base, &tokens.id, "JWT", &client.client_id).await;
    assert_eq!(id2["sub"], sub.as_str(), "sub is stable");
    assert_eq!(id2["org_id"], org_id.as_str(), "org_id is stable");
    assert_ne!(id2["sid"], id["sid"], "a new app session");
    let (status, refreshed) = refresh(base, &client, &tokens.refresh).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    assert_ne!(refreshed["refresh_token"].as_str().unwrap(), tokens.refresh, "rotated");
    let access_token = refreshed["access_token"].as_str().unwrap().to_owned();
    let refreshed_id = verify(base, refreshed["id_token"].as_str().unwrap(), "JWT", &client.client_id).await;
    assert_eq!(refreshed_id["sid"], id2["sid"]);
    assert!(refreshed_id.get("nonce").is_none(), "no nonce after a refresh: {refreshed_id}");
    assert_eq!(introspect(base, &client, &access_token).await["active"], true);
    assert_eq!(userinfo(base, &access_token).await.status(), StatusCode::OK);

    // Suspended in Acme (still a member elsewhere, so still signed in to
    // Roster): refresh, introspection and userinfo stop, and the app is
    // owed a back-channel logout.
    let globex = app.create_organization("Globex").await;
    app.add_member(globex.id, user.id, Role::Viewer).await;
    let before = backchannel_logouts(&app).await;
    app.store
        .set_membership_status(
            acme.id,
            user.id,
            MembershipStatus::Suspended,
            None,
            Actor::system(),
            Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(backchannel_logouts(&app).await, before + 1);
    let (status, refused) = refresh(base, &client, refreshed["refresh_token"].as_str().unwrap()).await;
    assert_eq!((status, refused["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    assert_eq!(introspect(base, &client, &access_token).await["active"], false);
    assert_eq!(userinfo(base, &access_token).await.status(), StatusCode::UNAUTHORIZED);

    // Suspended, the organization is refused back to the app, not ignored.
    let answer = browser.get(&authorize_path(&client.client_id, "&organization=acme")).await;
    let params = location_params(&answer);
    assert!(location(&answer).starts_with(REDIRECT));
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "state"), Some("st4te"));
    assert_eq!(param(&params, "iss"), Some(base));
    assert_eq!(param(&params, "code"), None);
    app.stop().await;
}
on_both_databases!(a_member_signs_in_to_an_app_and_a_suspension_ends_it);

async fn refresh_reuse_revokes_the_family_and_role_changes_reach_the_next_token(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let base = app.base.as_str();
    let client = register(&app.store, AppKind::Confidential, "").await;
    let acme = app.create_organization("Acme").await;
    let globex = app.create_organization("Globex").await;
    let (user, mut browser) = app.signed_in("bo@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Viewer).await;
    app.add_member(globex.id, user.id, Role::Admin).await;

    // Two organizations: the person is sent to choose; pinning picks one.
    let answer = browser.get(&authorize_path(&client.client_id, "")).await;
    let to = location(&answer);
    assert!(to.starts_with("/oauth2/organization?"), "{to}");
    assert!(to.contains(&format!("client_id={}", client.client_id)), "the request goes along: {to}");
    let none = browser.get(&authorize_path(&client.client_id, "&prompt=none")).await;
    assert_eq!(error_of(&none), "interaction_required");
    let pinned = sign_in_to(base, &mut browser, &client, "&organization=globex").await;
    let id = verify(base, &pinned.id, "JWT", &client.client_id).await;
    assert_eq!((id["org_slug"].as_str(), id["org_role"].as_str()), (Some("globex"), Some("admin")));

    let tokens = sign_in_to(base, &mut browser, &client, "&organization=acme").await;
    let first = tokens.refresh;
    let (status, rotated) = refresh(base, &client, &first).await;
    assert_eq!(status, StatusCode::OK);
    let second = rotated["refresh_token"].as_str().unwrap().to_owned();
    let rotated_access = rotated["access_token"].as_str().unwrap().to_owned();

    // The old token again: refused, and its successor with it, and the
    // access tokens of the family.
    let (status, reused) = refresh(base, &client, &first).await;
    assert_eq!((status, reused["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    let (status, successor) = refresh(base, &client, &second).await;
    assert_eq!((status, successor["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    assert_eq!(introspect(base, &client, &rotated_access).await["active"], false);
    assert_eq!(introspect(base, &client, &second).await["active"], false);
    // The other app session is untouched.
    let (status, _) = refresh(base, &client, &pinned.refresh).await;
    assert_eq!(status, StatusCode::OK, "only the reused family is revoked");

    // A role change revokes; the next sign-in carries the new role.
    let tokens = sign_in_to(base, &mut browser, &client, "&organization=acme").await;
    app.store.change_member_role(acme.id, user.id, Role::Editor, Actor::system(), Utc::now()).await.unwrap();
    assert_eq!(refresh(base, &client, &tokens.refresh).await.0, StatusCode::BAD_REQUEST);
    let tokens = sign_in_to(base, &mut browser, &client, "&organization=acme").await;
    let id = verify(base, &tokens.id, "JWT", &client.client_id).await;
    assert_eq!(id["org_role"], "editor");
    app.stop().await;
}
on_both_databases!(refresh_reuse_revokes_the_family_and_role_changes_reach_the_next_token);

/// One organization is chosen without asking; one the person is not in is
/// refused back to the app, not ignored; without the `organization` scope
/// the tokens name none.
async fn the_organization_is_the_only_one_or_the_one_asked_for(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let base = app.base.as_str();
    let client = register(&app.store, AppKind::Confidential, "").await;
    let acme = app.create_organization("Acme").await;
    app.create_organization("Globex").await;
    let (user, mut browser) = app.signed_in("di@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Viewer).await;

    let only = sign_in_to(base, &mut browser, &client, "").await;
    assert_eq!(verify(base, &only.id, "JWT", &client.client_id).await["org_slug"], "acme");
    for pinned in ["globex", "no-such-org"] {
        let answer =
            browser.get(&authorize_path(&client.client_id, &format!("&organization={pinned}"))).await;
        let params = location_params(&answer);
        assert!(location(&answer).starts_with(REDIRECT));
        assert_eq!(param(&params, "error"), Some("access_denied"), "{pinned}");
        assert_eq!(param(&params, "state"), Some("st4te"));
        assert_eq!(param(&params, "iss"), Some(base));
    }
    let empty = browser.get(&authorize_path(&client.client_id, "&organization=")).await;
    assert_eq!(error_of(&empty), "access_denied");

    // No organization scope: no organization claims. No offline_access: no
    // refresh token. Unknown scopes are ignored (RFC 6749 §3.3).
    let path = authorize_path(&client.client_id, "")
        .replace("%20offline_access%20organization", "%20calendar")
        .replace("nonce=n0nce&", "");
    let code = code_at(&mut browser, &path).await;
    let (status, tokens) = exchange(base, &client, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["scope"], "openid profile email");
    assert!(tokens.get("refresh_token").is_none(), "{tokens}");
    let id = verify(base, tokens["id_token"].as_str().unwrap(), "JWT", &client.client_id).await;
    assert!(id.get("org_id").is_none() && id.get("org_role").is_none(), "{id}");
    assert!(id.get("nonce").is_none(), "no nonce asked, none given: {id}");
    let info: Value = userinfo(base, tokens["access_token"].as_str().unwrap()).await.json().await.unwrap();
    assert!(info.get("org_slug").is_none() && info["email"] == "di@acme.example", "{info}");

    // Nobody's member: refused, even without pinning.
    let (_, mut loner) = app.signed_in("lone@example.com", false).await;
    let answer = loner.get(&authorize_path(&client.client_id, "")).await;
    assert_eq!(error_of(&answer), "access_denied");
    app.stop().await;
}
on_both_databases!(the_organization_is_the_only_one_or_the_one_asked_for);

/// `prompt=login` and an exceeded `max_age` send the person to sign in
/// again, and back without them; `prompt=none` then answers `login_required`.
async fn prompt_login_and_max_age_ask_for_a_fresh_sign_in(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let client = register(&app.store, AppKind::Confidential, "").await;
    let acme = app.create_organization("Acme").await;
    let (user, mut browser) = app.signed_in("eve@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Viewer).await;

    for extra in ["&prompt=login", "&max_age=0"] {
        if extra == "&max_age=0" {
            // max_age counts whole seconds since the sign-in.
            tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        }
        let answer = browser.get(&authorize_path(&client.client_id, extra)).await;
        let to = location(&answer);
        assert!(to.starts_with("/sign-in?reauth=1&next=%2Foauth2%2Fauthorize"), "{extra}: {to}");
        assert!(!to.contains("prompt") && !to.contains("max_age"), "{extra}: {to}");
    }
    let none = browser.get(&authorize_path(&client.client_id, "&max_age=0&prompt=none")).await;
    assert_eq!(error_of(&none), "login_required");
    // A generous max_age, and prompt=none with a session: a code at once.
    code_for(&mut browser, &client.client_id, "&max_age=3600").await;
    code_for(&mut browser, &client.client_id, "&prompt=none").await;
    app.stop().await;
}
on_both_databases!(prompt_login_and_max_age_ask_for_a_fresh_sign_in);

/// `client_secret_basic`, `client_secret_post`, and `none` for a public app,
/// which must use PKCE; a confidential app may go without.
async fn each_kind_of_app_authenticates_its_own_way(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let base = app.base.as_str();
    let confidential = register(&app.store, AppKind::Confidential, "").await;
    let public = register(&app.store, AppKind::Public, "").await;
    let acme = app.create_organization("Acme").await;
    let (user, mut browser) = app.signed_in("fay@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Viewer).await;

    // client_secret_post.
    let code = code_for(&mut browser, &confidential.client_id, "").await;
    let (status, tokens) =
        post_with_secret_in_body(base, &confidential, "/oauth2/token", &code_form(&code)).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let (status, _) = post_with_secret_in_body(
        base,
        &confidential,
        "/oauth2/token",
        &[("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"].as_str().unwrap())],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Both at once is refused.
    let code = code_for(&mut browser, &confidential.client_id, "").await;
    let mut form = code_form(&code).to_vec();
    form.push(("client_secret", &confidential.secret));
    let (status, both) = post_as(base, &confidential, "/oauth2/token", &form).await;
    assert_eq!((status, both["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")));
    // A wrong secret in the body: 400, no challenge (RFC 6749 §5.2).
    let wrong = Client { secret: "not the secret".into(), ..confidential.clone() };
    let response = http()
        .post(format!("{base}/oauth2/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            ("client_id", &wrong.client_id),
            ("client_secret", &wrong.secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(!response.headers().contains_key(header::WWW_AUTHENTICATE));
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_client");
    // No credentials at all.
    let response = http()
        .post(format!("{base}/oauth2/token"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_client");

    // A confidential app without PKCE; its code then takes no verifier.
    let without_pkce = authorize_path(&confidential.client_id, "")
        .replace(&format!("&code_challenge={}&code_challenge_method=S256", challenge(VERIFIER)), "");
    let code = code_at(&mut browser, &without_pkce).await;
    let (_, with_verifier) = exchange(base, &confidential, &code).await;
    assert_eq!(with_verifier["error"], "invalid_grant", "a verifier for a code without a challenge");
    let code = code_at(&mut browser, &without_pkce).await;
    let no_verifier = [("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)];
    let (status, tokens) = post_as(base, &confidential, "/oauth2/token", &no_verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");

    // A public app: client_id alone, the code bound to the verifier.
    let code = code_for(&mut browser, &public.client_id, "").await;
    let no_verifier = [("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT)];
    let (_, refused) = post_as(base, &public, "/oauth2/token", &no_verifier).await;
    assert_eq!(refused["error"], "invalid_grant");
    let tokens = sign_in_to(base, &mut browser, &public, "").await;
    verify(base, &tokens.id, "JWT", &public.client_id).await;
    let (status, refreshed) = refresh(base, &public, &tokens.refresh).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    // A public app has no secret to present, and may not introspect.
    let code = code_for(&mut browser, &public.client_id, "").await;
    let mut form = code_form(&code).to_vec();
    form.push(("client_secret", "anything"));
    let (_, refused) = post_as(base, &public, "/oauth2/token", &form).await;
    assert_eq!(refused["error"], "invalid_client");
    let (_, refused) = post_as(base, &public, "/oauth2/introspect", &[("token", &tokens.access)]).await;
    assert_eq!(refused["error"], "invalid_client");
    // One app's tokens are unknown to another.
    assert_eq!(introspect(base, &confidential, &tokens.access).await["active"], false);
    let (status, foreign) = refresh(base, &confidential, refreshed["refresh_token"].as_str().unwrap()).await;
    assert_eq!((status, foreign["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    let (status, still) = refresh(base, &public, refreshed["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "another app's attempt changed nothing: {still}");
    app.stop().await;
}
on_both_databases!(each_kind_of_app_authenticates_its_own_way);

async fn every_bad_request_gets_the_error_the_specifications_name(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let base = app.base.as_str();
    let client = register(&app.store, AppKind::Confidential, "").await;
    let other = register(&app.store, AppKind::Confidential, "").await;
    let public = register(&app.store, AppKind::Public, "").await;
    let acme = app.create_organization("Acme").await;
    let (user, mut browser) = app.signed_in("cy@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Viewer).await;

    // Unknown app, unregistered redirect URI, or a request that cannot be
    // read: a page, never a redirect.
    let huge = "x".repeat(5_000);
    for path in [
        authorize_path("no-such-client", ""),
        authorize_path(&client.client_id, "")
            .replace(&urlencode(REDIRECT), &urlencode("https://evil.example/cb")),
        authorize_path(&client.client_id, "")
            .replace(&urlencode(REDIRECT), &urlencode(&format!("{REDIRECT}/x"))),
        authorize_path(&client.client_id, "").replace(&format!("&redirect_uri={}", urlencode(REDIRECT)), ""),
        authorize_path(&client.client_id, "").replace(&format!("client_id={}", client.client_id), ""),
        format!("{}&state=again", authorize_path(&client.client_id, "")),
        format!("{}&client_id={}", authorize_path(&client.client_id, ""), client.client_id),
        authorize_path(&client.client_id, &format!("&login_hint={huge}")),
        authorize_path(&client.client_id, "&nonce2=%00"),
    ] {
        let answer = browser.get(&path).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", &path[..path.len().min(300)]);
        assert!(answer.headers.get(header::LOCATION).is_none(), "{path}");
        assert!(answer.body.contains("<h1>"), "a page: {}", answer.body);
    }
    // A disabled app is unknown.
    app.store
        .set_app_status(other.id, domain::AppStatus::Disabled, Actor::system(), Utc::now())
        .await
        .unwrap();
    let disabled = browser.get(&authorize_path(&other.client_id, "")).await;
    assert_eq!(disabled.status, StatusCode::BAD_REQUEST);
    assert!(disabled.headers.get(header::LOCATION).is_none());

    // Past that, errors go back to the app, with state and iss.
    let all = authorize_path(&client.client_id, "");
    for (path, error) in [
        (format!("{all}&prompt=none%20login"), "invalid_request"),
        (format!("{all}&prompt=sometimes"), "invalid_request"),
        (format!("{all}&max_age=soon"), "invalid_request"),
        (format!("{all}&max_age=-1"), "invalid_request"),
        (format!("{all}&response_mode=fragment"), "invalid_request"),
        (format!("{all}&request=eyJ"), "request_not_supported"),
        (format!("{all}&request_uri=https%3A%2F%2Fx.example"), "request_uri_not_supported"),
        (format!("{all}&organization=globex"), "access_denied"),
        (all.replace("method=S256", "method=plain"), "invalid_request"),
        (all.replace("&code_challenge_method=S256", ""), "invalid_request"),
        (all.replace(&challenge(VERIFIER), "too-short"), "invalid_request"),
        (all.replace("scope=openid%20", "scope="), "invalid_scope"),
        (all.replace(&format!("&scope={}", support::oidc::ALL_SCOPES), ""), "invalid_request"),
        (all.replace("response_type=code", "response_type=token"), "unsupported_response_type"),
        (all.replace("response_type=code", "response_type=code%20id_token"), "unsupported_response_type"),
        (all.replace("response_type=code&", ""), "invalid_request"),
    ] {
        let answer = browser.get(&path).await;
        assert!(location(&answer).starts_with(REDIRECT), "{path}");
        let params = location_params(&answer);
        assert_eq!(param(&params, "error"), Some(error), "{path}");
        assert!(param(&params, "error_description").is_some(), "{path}");
        assert_eq!(param(&params, "state"), Some("st4te"), "{path}");
        assert_eq!(param(&params, "iss"), Some(base), "{path}");
        assert_eq!(param(&params, "code"), None, "{path}");
    }
    // A public app must use PKCE.
    let without_pkce = authorize_path(&public.client_id, "")
        .replace(&format!("&code_challenge={}&code_challenge_method=S256", challenge(VERIFIER)), "");
    assert_eq!(error_of(&browser.get(&without_pkce).await), "invalid_request");
    // The same request as a form post works like the query.
    let query = authorize_path(&client.client_id, "").replace("/oauth2/authorize?", "");
    let posted = browser
        .send(
            http()
                .post(format!("{base}/oauth2/authorize"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(query.replace("response_type=code", "response_type=token")),
        )
        .await;
    assert_eq!(error_of(&posted), "unsupported_response_type");

    // The token endpoint: a code is bound to its app, its redirect URI and
    // its verifier, and any mismatch uses it up.
    let token = |form: Vec<(&'static str, String)>| {
        let client = &client;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_as(base, client, "/oauth2/token", &form).await
        }
    };
    let code_request = |code: &str, redirect: &str, verifier: &str| {
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.to_owned()),
            ("redirect_uri", redirect.to_owned()),
            ("code_verifier", verifier.to_owned()),
        ]
    };
    let wrong_verifier = "a-different-verifier-of-forty-three-characters";
    for (what, redirect, verifier) in [
        ("the verifier", REDIRECT, wrong_verifier),
        ("the redirect URI", "https://billing.example/other", VERIFIER),
        ("a malformed verifier", REDIRECT, "short"),
    ] {
        let code = code_for(&mut browser, &client.client_id, "").await;
        let (status, refused) = token(code_request(&code, redirect, verifier)).await;
        assert_eq!(
            (status, refused["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant")),
            "{what}"
        );
        let (_, after) = token(code_request(&code, REDIRECT, VERIFIER)).await;
        assert_eq!(after["error"], "invalid_grant", "{what}: the code is used up");
    }
    let code = code_for(&mut browser, &client.client_id, "").await;
    let (status, by_other) = post_as(
        base,
        &register(&app.store, AppKind::Confidential, "").await,
        "/oauth2/token",
        &code_form(&code),
    )
    .await;
    assert_eq!(
        (status, by_other["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "another app's code"
    );
    let (status, _) = token(code_request("not-a-code", REDIRECT, VERIFIER)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A code older than 60 seconds.
    let code = code_for(&mut browser, &client.client_id, "").await;
    execute_at(
        db,
        "UPDATE authorization_codes SET expires_at = $1 WHERE used_at IS NULL",
        Utc::now() - chrono::Duration::seconds(1),
    )
    .await;
    let (status, expired) = exchange(base, &client, &code).await;
    assert_eq!(
        (status, expired["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "expired"
    );

    let (_, unsupported) = post_as(base, &client, "/oauth2/token", &[("grant_type", "password")]).await;
    assert_eq!(unsupported["error"], "unsupported_grant_type");
    let (_, unsupported) =
        post_as(base, &client, "/oauth2/token", &[("grant_type", "client_credentials")]).await;
    assert_eq!(unsupported["error"], "unsupported_grant_type");
    for form in [
        vec![],
        vec![("grant_type", "authorization_code")],
        vec![("grant_type", "authorization_code"), ("code", "x")],
        vec![("grant_type", "refresh_token")],
        vec![("grant_type", "refresh_token"), ("refresh_token", "")],
    ] {
        let (status, missing) = post_as(base, &client, "/oauth2/token", &form).await;
        assert_eq!(
            (status, missing["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_request")),
            "{form:?}"
        );
    }
    let (_, unknown) = refresh(base, &client, "unknown").await;
    assert_eq!(unknown["error"], "invalid_grant");
    let wrong_secret = http()
        .post(format!("{base}/oauth2/token"))
        .basic_auth(&client.client_id, Some("not the secret"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_secret.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong_secret.headers()[header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Basic"));
    assert_eq!(wrong_secret.json::<Value>().await.unwrap()["error"], "invalid_client");
    let raw = |content_type: &'static str, body: String| {
        http()
            .post(format!("{base}/oauth2/token"))
            .basic_auth(&client.client_id, Some(&client.secret))
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
    };
    let form_type = "application/x-www-form-urlencoded";
    for (content_type, body) in [
        (form_type, "grant_type=refresh_token&grant_type=refresh_token&refresh_token=x".to_owned()),
        (form_type, format!("grant_type=refresh_token&refresh_token={huge}")),
        (form_type, "grant_type=refresh_token&refresh_token=%00".to_owned()),
        ("application/json", r#"{"grant_type":"refresh_token","refresh_token":"x"}"#.to_owned()),
        ("text/plain", "grant_type=refresh_token&refresh_token=x".to_owned()),
    ] {
        let response = raw(content_type, body.clone()).send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{content_type} {}",
            &body[..body.len().min(80)]
        );
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        assert_eq!(response.json::<Value>().await.unwrap()["error"], "invalid_request", "{content_type}");
    }
    // Only POST.
    let get = http().get(format!("{base}/oauth2/token?grant_type=refresh_token")).send().await.unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);

    // Introspection is for confidential apps; revocation answers 200 for an unknown token.
    let by_public = http()
        .post(format!("{base}/oauth2/introspect"))
        .form(&[("client_id", public.client_id.as_str()), ("token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(by_public.json::<Value>().await.unwrap()["error"], "invalid_client");
    let (status, missing) = post_as(base, &client, "/oauth2/introspect", &[]).await;
    assert_eq!((status, missing["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")));
    assert_eq!(introspect(base, &client, "unknown").await, json!({ "active": false }));
    let (status, _) = post_as(base, &client, "/oauth2/revoke", &[("token", "unknown")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, missing) = post_as(base, &client, "/oauth2/revoke", &[]).await;
    assert_eq!((status, missing["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_request")));
    // Userinfo without a token, or with one that is not Roster's.
    let bare = http().get(format!("{base}/oauth2/userinfo")).send().await.unwrap();
    assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);
    assert!(bare.headers()[header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Bearer"));
    let forged = userinfo(base, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.").await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    assert!(forged.headers()[header::WWW_AUTHENTICATE].to_str().unwrap().contains("invalid_token"));
    // Cross-site guard: apps' servers may post with any Origin to the token endpoint.
    let cross = http()
        .post(format!("{base}/oauth2/token"))
        .header("sec-fetch-site", "cross-site")
        .header(header::ORIGIN, "https://billing.example")
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.json::<Value>().await.unwrap()["error"], "unsupported_grant_type");
    app.stop().await;
}
on_both_databases!(every_bad_request_gets_the_error_the_specifications_name);
