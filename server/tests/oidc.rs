//! Sign in with Roster (OpenID Connect) over HTTP, on both databases: a
//! plain HTTP client plays the app, and checks the tokens against the JWKS
//! independently of Roster's own code.

mod support;

use app::ssr::tokens;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use domain::{AppKind, AppSettings, MembershipStatus, Role};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use reqwest::{StatusCode, header};
use serde_json::Value;
use sha2::{Digest, Sha256};
use store::{Actor, NewApp};
use support::{Browser, TestApp};
use testkit::{TestDatabase, on_both_databases};

const REDIRECT: &str = "https://billing.example/callback";
const BACKCHANNEL: &str = "https://billing.example/backchannel";
const VERIFIER: &str = "a-verifier-of-forty-three-characters-or-more-1234";

struct Registered {
    client_id: String,
    secret: String,
}

async fn register(app: &TestApp, kind: AppKind) -> Registered {
    let secret = tokens::issue();
    let client_id = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    let settings =
        AppSettings::parse("Billing", REDIRECT, "https://billing.example/bye", BACKCHANNEL).unwrap();
    let secret_hash = (kind == AppKind::Confidential).then(|| secret.hash.clone());
    app.store
        .create_app(
            NewApp { client_id: client_id.clone(), kind, secret_hash, settings },
            Actor::system(),
            Utc::now(),
        )
        .await
        .unwrap();
    Registered { client_id, secret: secret.clear }
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The query parameters of a redirect's `Location`.
fn location_params(answer: &support::Answer) -> Vec<(String, String)> {
    let location = answer
        .headers
        .get(header::LOCATION)
        .unwrap_or_else(|| panic!("a redirect, not {} {}", answer.status, answer.body))
        .to_str()
        .unwrap();
    let url = url::Url::parse(location).unwrap_or_else(|_| panic!("an absolute redirect, not {location}"));
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn authorize_path(client_id: &str, extra: &str) -> String {
    format!(
        "/oauth2/authorize?response_type=code&client_id={client_id}&redirect_uri={}&scope=openid%20profile%20email%20offline_access%20organization&state=st4te&nonce=n0nce&code_challenge={}&code_challenge_method=S256{extra}",
        urlencode(REDIRECT),
        challenge(VERIFIER)
    )
}

fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Signs `browser`'s person in to the app; answers the code.
async fn code_for(browser: &mut Browser, client_id: &str, extra: &str) -> String {
    let answer = browser.get(&authorize_path(client_id, extra)).await;
    assert!(answer.status.is_redirection(), "{} {}", answer.status, answer.body);
    let params = location_params(&answer);
    assert_eq!(param(&params, "state"), Some("st4te"));
    param(&params, "code").unwrap_or_else(|| panic!("no code: {params:?}")).to_owned()
}

async fn token_request(app: &TestApp, client: &Registered, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = http()
        .post(format!("{}/oauth2/token", app.base))
        .basic_auth(&client.client_id, Some(&client.secret))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn exchange(app: &TestApp, client: &Registered, code: &str) -> (StatusCode, Value) {
    token_request(
        app,
        client,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
}

async fn refresh(app: &TestApp, client: &Registered, token: &str) -> (StatusCode, Value) {
    token_request(app, client, &[("grant_type", "refresh_token"), ("refresh_token", token)]).await
}

async fn verify(app: &TestApp, token: &str, typ: &str) -> Value {
    let jwks: JwkSet =
        http().get(format!("{}/oauth2/jwks", app.base)).send().await.unwrap().json().await.unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.typ.as_deref(), Some(typ));
    let jwk = jwks.find(header.kid.as_deref().unwrap()).expect("the kid is published");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[&app.base]);
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation).unwrap().claims
}

async fn introspect(app: &TestApp, client: &Registered, token: &str) -> Value {
    http()
        .post(format!("{}/oauth2/introspect", app.base))
        .basic_auth(&client.client_id, Some(&client.secret))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn userinfo(app: &TestApp, access_token: &str) -> reqwest::Response {
    http().get(format!("{}/oauth2/userinfo", app.base)).bearer_auth(access_token).send().await.unwrap()
}

async fn backchannel_logouts(app: &TestApp) -> i64 {
    app.store.list_logouts(100, 0).await.unwrap().total
}

async fn a_member_signs_in_to_an_app_and_a_suspension_ends_it(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let discovery: Value = http()
        .get(format!("{}/.well-known/openid-configuration", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], app.base.as_str());
    assert_eq!(discovery["token_endpoint"], format!("{}/oauth2/token", app.base));
    assert_eq!(discovery["code_challenge_methods_supported"], serde_json::json!(["S256"]));

    let client = register(&app, AppKind::Confidential).await;
    let acme = app.create_organization("Acme").await;
    let (user, mut browser) = app.signed_in("ada@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Editor).await;

    // Signed out, the app's request goes to Roster's sign-in, and back.
    let signed_out = app.browser().get(&authorize_path(&client.client_id, "")).await;
    let to = signed_out.headers.get(header::LOCATION).unwrap().to_str().unwrap();
    assert!(to.starts_with("/sign-in?next=%2Foauth2%2Fauthorize"), "{to}");
    let none = app.browser().get(&authorize_path(&client.client_id, "&prompt=none")).await;
    assert_eq!(param(&location_params(&none), "error"), Some("login_required"));

    let code = code_for(&mut browser, &client.client_id, "").await;
    let (status, tokens) = exchange(&app, &client, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let id = verify(&app, tokens["id_token"].as_str().unwrap(), "JWT").await;
    assert_eq!(id["aud"], client.client_id.as_str());
    assert_eq!(id["nonce"], "n0nce");
    assert_eq!(id["email"], "ada@acme.example");
    assert_eq!(id["org_slug"], "acme");
    assert_eq!(id["org_role"], "editor");
    assert_eq!(id["org_name"], "Acme");
    assert_ne!(id["sub"], user.id.to_string(), "sub is never the database id");
    let access = verify(&app, tokens["access_token"].as_str().unwrap(), "at+jwt").await;
    assert_eq!(access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(), 300);
    assert_eq!(access["sid"], id["sid"]);

    // The code works once; presented again, it revokes what it gave.
    let (status, again) = exchange(&app, &client, &code).await;
    assert_eq!((status, again["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    assert_eq!(introspect(&app, &client, tokens["access_token"].as_str().unwrap()).await["active"], false);

    // A second sign-in: same sub; refresh rotates.
    let code = code_for(&mut browser, &client.client_id, "").await;
    let (_, tokens) = exchange(&app, &client, &code).await;
    let id2 = verify(&app, tokens["id_token"].as_str().unwrap(), "JWT").await;
    assert_eq!(id2["sub"], id["sub"], "sub is stable");
    let first_refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, refreshed) = refresh(&app, &client, &first_refresh).await;
    assert_eq!(status, StatusCode::OK, "{refreshed}");
    let access_token = refreshed["access_token"].as_str().unwrap().to_owned();
    assert_eq!(introspect(&app, &client, &access_token).await["active"], true);
    assert_eq!(userinfo(&app, &access_token).await.status(), StatusCode::OK);

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
    let (status, refused) = refresh(&app, &client, refreshed["refresh_token"].as_str().unwrap()).await;
    assert_eq!((status, refused["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    assert_eq!(introspect(&app, &client, &access_token).await["active"], false);
    assert_eq!(userinfo(&app, &access_token).await.status(), StatusCode::UNAUTHORIZED);

    // Suspended, the organization is refused back to the app, not ignored.
    let answer = browser.get(&authorize_path(&client.client_id, "&organization=acme")).await;
    let params = location_params(&answer);
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "state"), Some("st4te"));
    assert_eq!(param(&params, "iss"), Some(app.base.as_str()));
    app.stop().await;
}
on_both_databases!(a_member_signs_in_to_an_app_and_a_suspension_ends_it);

async fn refresh_reuse_revokes_the_family_and_role_changes_reach_the_next_token(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let client = register(&app, AppKind::Confidential).await;
    let acme = app.create_organization("Acme").await;
    let globex = app.create_organization("Globex").await;
    let (user, mut browser) = app.signed_in("bo@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Viewer).await;
    app.add_member(globex.id, user.id, Role::Admin).await;

    // Two organizations: the person is sent to choose; pinning picks one.
    let answer = browser.get(&authorize_path(&client.client_id, "")).await;
    let to = answer.headers.get(header::LOCATION).unwrap().to_str().unwrap();
    assert!(to.starts_with("/oauth2/organization?"), "{to}");
    let code = code_for(&mut browser, &client.client_id, "&organization=acme").await;
    let (_, tokens) = exchange(&app, &client, &code).await;
    let first = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, rotated) = refresh(&app, &client, &first).await;
    assert_eq!(status, StatusCode::OK);
    let second = rotated["refresh_token"].as_str().unwrap().to_owned();

    // The old token again: refused, and its successor with it.
    let (status, reused) = refresh(&app, &client, &first).await;
    assert_eq!((status, reused["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    assert_eq!(refresh(&app, &client, &second).await.0, StatusCode::BAD_REQUEST);

    // A role change revokes; the next sign-in carries the new role.
    let code = code_for(&mut browser, &client.client_id, "&organization=acme").await;
    let (_, tokens) = exchange(&app, &client, &code).await;
    app.store.change_member_role(acme.id, user.id, Role::Editor, Actor::system(), Utc::now()).await.unwrap();
    assert_eq!(
        refresh(&app, &client, tokens["refresh_token"].as_str().unwrap()).await.0,
        StatusCode::BAD_REQUEST
    );
    let code = code_for(&mut browser, &client.client_id, "&organization=acme").await;
    let (_, tokens) = exchange(&app, &client, &code).await;
    let id = verify(&app, tokens["id_token"].as_str().unwrap(), "JWT").await;
    assert_eq!(id["org_role"], "editor");
    app.stop().await;
}
on_both_databases!(refresh_reuse_revokes_the_family_and_role_changes_reach_the_next_token);

async fn every_bad_request_gets_the_error_the_specifications_name(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let client = register(&app, AppKind::Confidential).await;
    let public = register(&app, AppKind::Public).await;
    let acme = app.create_organization("Acme").await;
    let (user, mut browser) = app.signed_in("cy@acme.example", false).await;
    app.add_member(acme.id, user.id, Role::Viewer).await;

    // Unknown app or unregistered redirect URI: a page, never a redirect.
    for path in [
        authorize_path("no-such-client", ""),
        authorize_path(&client.client_id, "")
            .replace(&urlencode(REDIRECT), &urlencode("https://evil.example/cb")),
        format!("{}&state=again", authorize_path(&client.client_id, "")),
    ] {
        let answer = browser.get(&path).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(answer.headers.get(header::LOCATION).is_none(), "{path}");
    }
    // Past that, errors go back to the app.
    for (extra, error) in [
        ("&prompt=none%20login", "invalid_request"),
        ("&max_age=soon", "invalid_request"),
        ("&request=eyJ", "request_not_supported"),
        ("&organization=globex", "access_denied"),
    ] {
        let answer = browser.get(&format!("{}{extra}", authorize_path(&client.client_id, ""))).await;
        assert_eq!(param(&location_params(&answer), "error"), Some(error), "{extra}");
    }
    let plain = authorize_path(&client.client_id, "").replace("method=S256", "method=plain");
    assert_eq!(param(&location_params(&browser.get(&plain).await), "error"), Some("invalid_request"));
    let no_openid = authorize_path(&client.client_id, "").replace("scope=openid%20", "scope=");
    assert_eq!(param(&location_params(&browser.get(&no_openid).await), "error"), Some("invalid_scope"));
    let token_type =
        authorize_path(&client.client_id, "").replace("response_type=code", "response_type=token");
    assert_eq!(
        param(&location_params(&browser.get(&token_type).await), "error"),
        Some("unsupported_response_type")
    );
    // A public app must use PKCE.
    let without_pkce = authorize_path(&public.client_id, "")
        .replace(&format!("&code_challenge={}&code_challenge_method=S256", challenge(VERIFIER)), "");
    assert_eq!(param(&location_params(&browser.get(&without_pkce).await), "error"), Some("invalid_request"));

    // The token endpoint.
    let code = code_for(&mut browser, &client.client_id, "").await;
    let wrong_verifier = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", "a-different-verifier-of-forty-three-characters"),
    ];
    assert_eq!(token_request(&app, &client, &wrong_verifier).await.1["error"], "invalid_grant");
    let (_, unsupported) = token_request(&app, &client, &[("grant_type", "password")]).await;
    assert_eq!(unsupported["error"], "unsupported_grant_type");
    let (_, missing) = token_request(&app, &client, &[("grant_type", "authorization_code")]).await;
    assert_eq!(missing["error"], "invalid_request");
    let wrong_secret = http()
        .post(format!("{}/oauth2/token", app.base))
        .basic_auth(&client.client_id, Some("not the secret"))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_secret.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong_secret.headers().contains_key(header::WWW_AUTHENTICATE));
    let repeated = http()
        .post(format!("{}/oauth2/token", app.base))
        .basic_auth(&client.client_id, Some(&client.secret))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("grant_type=refresh_token&grant_type=refresh_token&refresh_token=x")
        .send()
        .await
        .unwrap();
    assert_eq!(repeated.json::<Value>().await.unwrap()["error"], "invalid_request");
    let json = http()
        .post(format!("{}/oauth2/token", app.base))
        .basic_auth(&client.client_id, Some(&client.secret))
        .json(&serde_json::json!({ "grant_type": "refresh_token" }))
        .send()
        .await
        .unwrap();
    assert_eq!(json.json::<Value>().await.unwrap()["error"], "invalid_request");

    // Introspection is for confidential apps; revocation answers 200 for an unknown token.
    let by_public = http()
        .post(format!("{}/oauth2/introspect", app.base))
        .form(&[("client_id", public.client_id.as_str()), ("token", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(by_public.json::<Value>().await.unwrap()["error"], "invalid_client");
    let revoked = http()
        .post(format!("{}/oauth2/revoke", app.base))
        .basic_auth(&client.client_id, Some(&client.secret))
        .form(&[("token", "unknown")])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::OK);
    // Cross-site guard: apps' servers may post with any Origin to the token endpoint.
    let cross = http()
        .post(format!("{}/oauth2/token", app.base))
        .header("sec-fetch-site", "cross-site")
        .form(&[("grant_type", "password")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.json::<Value>().await.unwrap()["error"], "unsupported_grant_type");
    app.stop().await;
}
on_both_databases!(every_bad_request_gets_the_error_the_specifications_name);
