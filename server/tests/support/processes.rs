//! Real processes for the tests that need them: the `roster` binary itself
//! (several instances, or one that is killed and restarted) and a real SMTP
//! server, npm's maildev, the one the end-to-end suite uses.

use std::{
    fs::File,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::Value;
use tempfile::TempDir;
use testkit::TestDatabase;

use super::Browser;

/// A port nobody listens on right now. The process that gets it binds it a
/// moment later; the kernel does not hand the same free port out again that
/// soon, so the race is theoretical.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// Polls `ready` every 100 ms until it holds; panics with `what` after `limit`.
pub async fn wait_until<F, Fut>(limit: Duration, what: &str, mut ready: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while !ready().await {
        assert!(start.elapsed() < limit, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn database_url(db: &TestDatabase) -> String {
    match &db.url {
        store::DatabaseUrl::Sqlite(url) | store::DatabaseUrl::Postgres(url) => url.clone(),
    }
}

/// One `roster serve` process on its own port, logging to a file.
pub struct RosterProcess {
    pub base: String,
    child: Child,
    log: PathBuf,
    // Its working directory, holding the log; removed on drop.
    _dir: TempDir,
}

impl RosterProcess {
    /// Starts `roster serve` on `db` and waits until it answers `/readyz`.
    /// With `smtp_url` its outbox worker delivers mail there; without, mail
    /// stays queued.
    pub async fn start(db: &TestDatabase, smtp_url: Option<&str>) -> Self {
        Self::start_behind(db, smtp_url, None).await
    }

    /// One of several instances behind one public address (`public_url`,
    /// the issuer of its tokens), answering on its own port.
    pub async fn start_behind(db: &TestDatabase, smtp_url: Option<&str>, public_url: Option<&str>) -> Self {
        let dir = tempfile::tempdir().expect("a working directory");
        let log = dir.path().join("roster.log");
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let output = File::create(&log).expect("a log file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_roster"));
        command
            .arg("serve")
            .current_dir(dir.path())
            .env("ROSTER_DATABASE_URL", database_url(db))
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("ROSTER_PUBLIC_URL", public_url.unwrap_or(&base))
            .env("RUST_LOG", "info,sqlx=warn")
            .env("NO_COLOR", "1")
            // The tests' webhook receivers listen on 127.0.0.1.
            .env("ROSTER_WEBHOOKS_ALLOW_PRIVATE", "true")
            .env_remove("ROSTER_SMTP_URL")
            .stdin(Stdio::null())
            .stdout(output.try_clone().unwrap())
            .stderr(output);
        if let Some(url) = smtp_url {
            command.env("ROSTER_SMTP_URL", url);
        }
        let child = command.spawn().expect("start roster");
        let mut process = Self { base, child, log, _dir: dir };
        process.wait_until_ready().await;
        process
    }

    async fn wait_until_ready(&mut self) {
        let http = reqwest::Client::new();
        let url = format!("{}/readyz", self.base);
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("roster exited ({status}) before it was ready:\n{}", self.log());
            }
            if http.get(&url).send().await.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "roster not ready in 60 s:\n{}", self.log());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Everything the process has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// How many emails this instance's worker has delivered (its log's
    /// "email sent" lines).
    pub fn emails_sent(&self) -> usize {
        self.log().lines().filter(|line| line.contains("email sent")).count()
    }

    /// How many back-channel logouts this instance's worker has delivered.
    pub fn logouts_delivered(&self) -> usize {
        self.log().lines().filter(|line| line.contains("back-channel logout delivered")).count()
    }

    /// How many webhook deliveries this instance's worker has made.
    pub fn webhooks_delivered(&self) -> usize {
        self.log().lines().filter(|line| line.contains("webhook delivered")).count()
    }

    /// `kill -9`: no shutdown, no cleanup, requests and transactions cut off
    /// wherever they are.
    pub fn kill(&mut self) {
        self.child.kill().expect("SIGKILL roster");
        self.child.wait().expect("reap roster");
    }
}

impl Drop for RosterProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An email as maildev received it.
#[derive(Debug)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
}

/// npm's maildev on free ports: SMTP for Roster, a REST API for the test.
/// It comes with the end-to-end packages (`scripts/prerequisites --test`).
pub struct Maildev {
    pub smtp_url: String,
    web: String,
    child: Child,
    _dir: TempDir,
}

impl Maildev {
    pub async fn start() -> Self {
        let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/node_modules/.bin/maildev");
        assert!(
            bin.exists(),
            "{} is missing: run scripts/prerequisites --test (it installs the end-to-end npm packages)",
            bin.display()
        );
        let dir = tempfile::tempdir().expect("a mail directory");
        let (smtp, web) = (free_port(), free_port());
        let child = Command::new(bin)
            .args(["--smtp", &smtp.to_string(), "--web", &web.to_string(), "--ip", "127.0.0.1", "--silent"])
            .arg("--mail-directory")
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start maildev");
        let maildev = Self {
            smtp_url: format!("smtp://127.0.0.1:{smtp}"),
            web: format!("http://127.0.0.1:{web}"),
            child,
            _dir: dir,
        };
        let http = reqwest::Client::new();
        let url = format!("{}/email", maildev.web);
        wait_until(Duration::from_secs(30), "maildev to answer", || async {
            http.get(&url).send().await.is_ok_and(|r| r.status().is_success())
        })
        .await;
        maildev
    }

    /// Every email received so far.
    pub async fn emails(&self) -> Vec<Mail> {
        let all: Vec<Value> = reqwest::get(format!("{}/email", self.web))
            .await
            .expect("maildev answers")
            .json()
            .await
            .expect("maildev's list of emails");
        all.iter()
            .map(|mail| Mail {
                to: mail["to"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|to| to["address"].as_str().map(str::to_owned))
                    .collect(),
                subject: mail["subject"].as_str().unwrap_or_default().to_owned(),
                text: mail["text"].as_str().unwrap_or_default().to_owned(),
            })
            .collect()
    }
}

impl Drop for Maildev {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
