//! The app's side of Sign in with Roster, for the OpenID Connect tests: a
//! plain HTTP client (no redirects followed) that registers itself in the
//! store, sends people to `/oauth2/authorize`, calls the token endpoints and
//! checks every JWT against the JWKS, independently of Roster's own code.

use std::sync::Arc;

use app::ssr::tokens;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Utc;
use domain::{AppKind, AppSettings};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use reqwest::{StatusCode, header};
use serde_json::Value;
use sha2::{Digest, Sha256};
use store::{Actor, NewApp, Store};

use super::{Answer, Browser};

pub const REDIRECT: &str = "https://billing.example/callback";
pub const POST_LOGOUT: &str = "https://billing.example/bye";
pub const BACKCHANNEL: &str = "https://billing.example/backchannel";
pub const VERIFIER: &str = "a-verifier-of-forty-three-characters-or-more-1234";

/// A registered app, as its operator holds it.
#[derive(Clone)]
pub struct Client {
    pub id: i64,
    pub client_id: String,
    /// Empty for a public app.
    pub secret: String,
    pub kind: AppKind,
}

/// Registers an app with [`REDIRECT`], [`POST_LOGOUT`] and `backchannel`
/// (none when empty).
pub async fn register(store: &Arc<dyn Store>, kind: AppKind, backchannel: &str) -> Client {
    let secret = tokens::issue();
    let client_id = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    let settings = AppSettings::parse("Billing", REDIRECT, POST_LOGOUT, backchannel).unwrap();
    let confidential = kind == AppKind::Confidential;
    let record = store
        .create_app(
            NewApp {
                client_id: client_id.clone(),
                kind,
                secret_hash: confidential.then(|| secret.hash.clone()),
                settings,
            },
            Actor::system(),
            Utc::now(),
        )
        .await
        .unwrap();
    let secret = if confidential { secret.clear } else { String::new() };
    Client { id: record.id, client_id, secret, kind }
}

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

pub fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A redirect's `Location`.
pub fn location(answer: &Answer) -> &str {
    answer
        .headers
        .get(header::LOCATION)
        .unwrap_or_else(|| panic!("a redirect, not {} {}", answer.status, answer.body))
        .to_str()
        .unwrap()
}

/// The query parameters of an absolute redirect's `Location`.
pub fn location_params(answer: &Answer) -> Vec<(String, String)> {
    let location = location(answer);
    let url = url::Url::parse(location).unwrap_or_else(|_| panic!("an absolute redirect, not {location}"));
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

pub fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The `error` an authorization answer sends back to the app.
pub fn error_of(answer: &Answer) -> String {
    param(&location_params(answer), "error").unwrap_or("(none)").to_owned()
}

pub const ALL_SCOPES: &str = "openid%20profile%20email%20offline_access%20organization";

/// An authorization request with every scope, `state=st4te`,
/// `nonce=n0nce` and an S256 challenge of [`VERIFIER`]; `extra` is appended.
pub fn authorize_path(client_id: &str, extra: &str) -> String {
    format!(
        "/oauth2/authorize?response_type=code&client_id={client_id}&redirect_uri={}&scope={ALL_SCOPES}&state=st4te&nonce=n0nce&code_challenge={}&code_challenge_method=S256{extra}",
        urlencode(REDIRECT),
        challenge(VERIFIER)
    )
}

/// Signs `browser`'s person in to the app; answers the code.
pub async fn code_for(browser: &mut Browser, client_id: &str, extra: &str) -> String {
    code_at(browser, &authorize_path(client_id, extra)).await
}

/// The code an authorization request at `path` sends back.
pub async fn code_at(browser: &mut Browser, path: &str) -> String {
    let answer = browser.get(path).await;
    assert!(answer.status.is_redirection(), "{} {}", answer.status, answer.body);
    let params = location_params(&answer);
    assert!(location(&answer).starts_with(REDIRECT), "{}", location(&answer));
    assert_eq!(param(&params, "state"), Some("st4te"));
    param(&params, "code").unwrap_or_else(|| panic!("no code: {params:?}")).to_owned()
}

async fn answer_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Posts `form` to the endpoint at `path`, authenticated the usual way:
/// `client_secret_basic` for a confidential app, `client_id` alone for a public one.
pub async fn post_as(base: &str, client: &Client, path: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let request = http().post(format!("{base}{path}"));
    let request = match client.kind {
        AppKind::Confidential => request.basic_auth(&client.client_id, Some(&client.secret)).form(form),
        AppKind::Public => {
            let mut form = form.to_vec();
            form.push(("client_id", &client.client_id));
            request.form(&form)
        }
    };
    answer_of(request.send().await.unwrap()).await
}

/// Posts `form` with the credentials in the body (`client_secret_post`).
pub async fn post_with_secret_in_body(
    base: &str,
    client: &Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut form = form.to_vec();
    form.push(("client_id", &client.client_id));
    form.push(("client_secret", &client.secret));
    answer_of(http().post(format!("{base}{path}")).form(&form).send().await.unwrap()).await
}

pub fn code_form(code: &str) -> [(&str, &str); 4] {
    [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ]
}

pub async fn exchange(base: &str, client: &Client, code: &str) -> (StatusCode, Value) {
    post_as(base, client, "/oauth2/token", &code_form(code)).await
}

pub async fn refresh(base: &str, client: &Client, token: &str) -> (StatusCode, Value) {
    post_as(base, client, "/oauth2/token", &[("grant_type", "refresh_token"), ("refresh_token", token)]).await
}

pub async fn introspect(base: &str, client: &Client, token: &str) -> Value {
    let (status, answer) = post_as(base, client, "/oauth2/introspect", &[("token", token)]).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

pub async fn userinfo(base: &str, access_token: &str) -> reqwest::Response {
    http().get(format!("{base}/oauth2/userinfo")).bearer_auth(access_token).send().await.unwrap()
}

pub async fn jwks(base: &str) -> JwkSet {
    http().get(format!("{base}/oauth2/jwks")).send().await.unwrap().json().await.unwrap()
}

pub fn kid_of(token: &str) -> String {
    jsonwebtoken::decode_header(token).unwrap().kid.expect("a kid")
}

/// The claims of a JWT of type `typ` for the app `aud`, checked against
/// the JWKS at `base`: signature (RS256), issuer, audience, expiry.
pub async fn verify(base: &str, token: &str, typ: &str, aud: &str) -> Value {
    verify_issued_by(base, base, token, typ, aud).await
}

/// [`verify`] with the JWKS of the instance at `base`, for tokens of the
/// issuer `issuer` (the public URL of instances behind one address).
pub async fn verify_issued_by(base: &str, issuer: &str, token: &str, typ: &str, aud: &str) -> Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.typ.as_deref(), Some(typ));
    assert_eq!(header.alg, Algorithm::RS256);
    let keys = jwks(base).await;
    let jwk = keys.find(header.kid.as_deref().unwrap()).expect("the kid is published");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[aud]);
    validation.leeway = 0;
    jsonwebtoken::decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
        .unwrap_or_else(|e| panic!("{typ} does not verify: {e}"))
        .claims
}

/// `at_hash`: the left half of the access token's SHA-256 (OpenID Connect Core §3.1.3.6).
pub fn at_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16])
}

/// The tokens of one sign-in, exchanged.
pub struct Tokens {
    pub access: String,
    pub id: String,
    pub refresh: String,
}

/// Signs `browser`'s person in to `client` (with `extra` on the request)
/// and exchanges the code.
pub async fn sign_in_to(base: &str, browser: &mut Browser, client: &Client, extra: &str) -> Tokens {
    let code = code_for(browser, &client.client_id, extra).await;
    let (status, tokens) = exchange(base, client, &code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let text = |name: &str| tokens[name].as_str().unwrap_or_else(|| panic!("no {name}: {tokens}")).to_owned();
    Tokens { access: text("access_token"), id: text("id_token"), refresh: text("refresh_token") }
}
