//! Spawns a real Roster on a random port against a fresh database.
#![allow(dead_code, reason = "each test binary uses its own part of the support code")]

use std::{net::SocketAddr, sync::Arc};

use app::ssr::{SessionPolicy, passwords};
use chrono::Utc;
use domain::{DisplayName, Email, NewPassword};
use reqwest::{StatusCode, header};
use server::{Config, Server};
use store::{Actor, NewUser, Store, UserRecord};
use testkit::TestDatabase;
use tokio::{net::TcpListener, task::JoinHandle};

pub mod oidc;
pub mod processes;
pub mod snapshot;
pub mod webhooks;

/// The password of accounts made by [`TestApp::signed_in`].
pub const SUPPORT_PASSWORD: &str = "test password for everyone";

pub struct TestApp {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub setup_link: Option<String>,
    server: JoinHandle<()>,
}

impl TestApp {
    pub async fn spawn(db: &TestDatabase) -> Self {
        Self::spawn_with(db, SessionPolicy::default()).await
    }

    pub async fn spawn_with(db: &TestDatabase, sessions: SessionPolicy) -> Self {
        Self::spawn_configured(db, sessions, "target/site".into(), None).await
    }

    /// A Roster serving the compiled site at `site_root`.
    pub async fn spawn_serving(db: &TestDatabase, site_root: &std::path::Path) -> Self {
        Self::spawn_configured(db, SessionPolicy::default(), site_root.to_owned(), None).await
    }

    /// One of several instances behind one public address, as a scaled-out
    /// deployment runs them: each names `public_url` (the issuer of its
    /// tokens, for OpenID Connect) while answering on its own port.
    pub async fn spawn_behind(db: &TestDatabase, public_url: &str) -> Self {
        Self::spawn_configured(db, SessionPolicy::default(), "target/site".into(), Some(public_url)).await
    }

    async fn spawn_configured(
        db: &TestDatabase,
        sessions: SessionPolicy,
        site_root: std::path::PathBuf,
        public_url: Option<&str>,
    ) -> Self {
        Self::spawn_with_config(db, sessions, site_root, public_url, true).await
    }

    /// A Roster as deployed by default: webhooks to private addresses refused.
    pub async fn spawn_refusing_private_webhooks(db: &TestDatabase) -> Self {
        Self::spawn_with_config(db, SessionPolicy::default(), "target/site".into(), None, false).await
    }

    async fn spawn_with_config(
        db: &TestDatabase,
        sessions: SessionPolicy,
        site_root: std::path::PathBuf,
        public_url: Option<&str>,
        webhooks_allow_private: bool,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a free port");
        let addr: SocketAddr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let config = Config {
            database_url: db.url.clone(),
            public_url: public_url.unwrap_or(&base).parse().unwrap(),
            bind: addr,
            smtp_url: None,
            mail_from: "Roster <no-reply@localhost>".into(),
            sessions,
            site_root,
            // The tests' webhook receivers listen on 127.0.0.1.
            webhooks_allow_private,
        };
        let server = Server::new(config).await.expect("start Roster");
        let store = server.state().store.clone();
        let setup_link = server.setup_link.clone();
        let server = tokio::spawn(async move {
            server.serve(listener).await.expect("serve");
        });
        Self { base, store, setup_link, server }
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Creates an active account directly in the store.
    pub async fn create_user(&self, email: &str, password: &str, is_super_admin: bool) -> UserRecord {
        create_user(&*self.store, email, password, is_super_admin).await
    }

    /// Creates an organization with its URL name made from `name`.
    pub async fn create_organization(&self, name: &str) -> store::OrganizationRecord {
        create_organization(&*self.store, name).await
    }

    pub async fn add_member(&self, organization_id: i64, user_id: i64, role: domain::Role) {
        self.store
            .add_member(
                organization_id,
                user_id,
                role,
                domain::MembershipStatus::Active,
                Actor::system(),
                Utc::now(),
            )
            .await
            .unwrap();
    }

    /// A signed-in browser for a new account.
    pub async fn signed_in(&self, email: &str, is_super_admin: bool) -> (UserRecord, Browser) {
        let user = self.create_user(email, SUPPORT_PASSWORD, is_super_admin).await;
        let mut browser = self.browser();
        let answer = browser.sign_in(email, SUPPORT_PASSWORD).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        (user, browser)
    }

    pub async fn stop(self) {
        self.server.abort();
        let _ = self.server.await;
    }
}

/// Creates an active account directly in `store`.
pub async fn create_user(store: &dyn Store, email: &str, password: &str, is_super_admin: bool) -> UserRecord {
    let password_hash = passwords::hash(NewPassword::parse(password.to_owned()).unwrap()).await.unwrap();
    let user = NewUser {
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse("Grace Hopper").unwrap(),
        password_hash,
        is_super_admin,
    };
    store.create_user(user, Actor::system(), Utc::now()).await.unwrap()
}

/// Creates an organization in `store`, its URL name made from `name`.
pub async fn create_organization(store: &dyn Store, name: &str) -> store::OrganizationRecord {
    let name = domain::OrganizationName::parse(name).unwrap();
    let slug = domain::Slug::from_name(name.as_str()).unwrap();
    store.create_organization(&slug, &name, Actor::system(), Utc::now()).await.unwrap()
}

fn http_client() -> reqwest::Client {
    // A server that stops answering fails its test instead of hanging the run.
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A browser stand-in that keeps the session cookie itself and ignores its
/// `Max-Age`, so tests prove that the *server* ends sessions.
#[derive(Clone)]
pub struct Browser {
    base: String,
    http: reqwest::Client,
    pub session: Option<String>,
    /// The cookie that carries a sign-in from its password to its second step.
    pub second_step: Option<String>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: String,
}

impl Browser {
    /// A browser for the Roster at `base` (`http://127.0.0.1:port`).
    pub fn new(base: &str) -> Self {
        Self { base: base.to_owned(), http: http_client(), session: None, second_step: None }
    }

    /// A page or file. A GET that times out is tried once more, loudly:
    /// under heavy load a server-rendered page has, rarely, never finished
    /// its body (seen twice in many runs; not yet explained). The retry keeps
    /// that from failing unrelated tests while the warning keeps it visible.
    pub async fn get(&mut self, path: &str) -> Answer {
        let url = format!("{}{path}", self.base);
        match self.try_send(self.http.get(&url)).await {
            Ok(answer) => answer,
            Err(error) if error.is_timeout() => {
                eprintln!("warning: GET {path} timed out ({error}); trying once more");
                self.try_send(self.http.get(&url)).await.expect("request reaches Roster")
            }
            Err(error) => panic!("request reaches Roster: {error}"),
        }
    }

    /// Calls a server function the way an HTML form does.
    pub async fn call(&mut self, function: &str, form: &[(&str, &str)]) -> Answer {
        let request = self.http.post(format!("{}/api/{function}", self.base)).form(form);
        self.send(request).await
    }

    pub async fn send(&mut self, request: reqwest::RequestBuilder) -> Answer {
        self.try_send(request).await.expect("request reaches Roster")
    }

    async fn try_send(&mut self, mut request: reqwest::RequestBuilder) -> Result<Answer, reqwest::Error> {
        let cookies: Vec<String> =
            [("roster_session", &self.session), ("roster_second_step", &self.second_step)]
                .into_iter()
                .filter_map(|(name, value)| value.as_ref().map(|value| format!("{name}={value}")))
                .collect();
        if !cookies.is_empty() {
            request = request.header(header::COOKIE, cookies.join("; "));
        }
        let response = request.send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let value = value.to_str().unwrap();
            if let Some(rest) = value.strip_prefix("roster_session=") {
                let token = rest.split(';').next().unwrap_or_default();
                self.session = (!token.is_empty()).then(|| token.to_owned());
            }
            if let Some(rest) = value.strip_prefix("roster_second_step=") {
                let token = rest.split(';').next().unwrap_or_default();
                self.second_step = (!token.is_empty()).then(|| token.to_owned());
            }
        }
        Ok(Answer { status, headers, body: response.text().await? })
    }

    pub async fn sign_in(&mut self, email: &str, password: &str) -> Answer {
        self.call("sign_in", &[("email", email), ("password", password)]).await
    }

    /// The signed-in user's email, as the server sees it, or `None`.
    pub async fn whoami(&mut self) -> Option<String> {
        let answer = self.call("current_user", &[]).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let user: Option<serde_json::Value> = serde_json::from_str(&answer.body).unwrap();
        user.map(|u| u["email"].as_str().unwrap().to_owned())
    }
}

/// Runs one of end2end/support's Node scripts (independent implementations
/// the tests check Roster against) with `input` as JSON on stdin: its JSON
/// answer, or what it wrote on stderr when it refused.
pub fn run_node_script(script: &str, input: &serde_json::Value) -> Result<serde_json::Value, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/support").join(script);
    let mut child = Command::new("node")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (scripts/prerequisites --test installs end2end's packages)");
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(serde_json::from_slice(&output.stdout).unwrap())
}
