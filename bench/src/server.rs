//! A `roster serve` process for one run.

use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use crate::database::Database;

pub struct Roster {
    process: Child,
    pub base: String,
}

impl Roster {
    /// Starts `roster serve` on a free port and waits until it is ready.
    pub async fn start(binary: &Path, database: &Database) -> Result<Self, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|e| format!("finding a free port: {e}"))?
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let process = Command::new(binary)
            .arg("serve")
            .env("ROSTER_DATABASE_URL", database.url())
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            // `--api` measures webhook deliveries to a receiver on this machine.
            .env("ROSTER_WEBHOOKS_ALLOW_PRIVATE", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", binary.display()))?;
        let roster = Self { process, base };
        let deadline = Instant::now() + Duration::from_secs(60);
        let client = reqwest::Client::new();
        while Instant::now() < deadline {
            let ready = client.get(format!("{}/readyz", roster.base)).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return Ok(roster);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("roster was not ready within 60 s".to_owned())
    }

    /// Resident memory now, in KiB (Linux).
    pub fn resident_kib(&self) -> Option<u64> {
        self.status_field("VmRSS:")
    }

    /// The most resident memory so far, in KiB (Linux).
    pub fn peak_resident_kib(&self) -> Option<u64> {
        self.status_field("VmHWM:")
    }

    fn status_field(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.id())).ok()?;
        let line = status.lines().find(|line| line.starts_with(field))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    pub fn stop(mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
