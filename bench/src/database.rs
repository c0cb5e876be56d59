//! A fresh database for one run, seeded by `roster seed-demo`.

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use sqlx::{Connection, Executor, PgConnection};
use tempfile::TempDir;

use crate::{Backend, PASSWORD};

pub enum Database {
    Sqlite { _dir: TempDir, url: String },
    Postgres { server: String, name: String, url: String },
}

impl Database {
    pub async fn create(backend: Backend, postgres_url: &str) -> Result<Self, String> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().map_err(|e| format!("a temporary directory: {e}"))?;
                let url = format!("sqlite://{}/roster.db", dir.path().display());
                Ok(Self::Sqlite { _dir: dir, url })
            }
            Backend::Postgres => {
                let name = format!("roster_bench_{}", std::process::id());
                let mut admin = PgConnection::connect(postgres_url)
                    .await
                    .map_err(|e| format!("PostgreSQL at {postgres_url}: {e}"))?;
                admin
                    .execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .map_err(|e| format!("creating {name}: {e}"))?;
                let url = replace_database(postgres_url, &name)?;
                Ok(Self::Postgres { server: postgres_url.to_owned(), name, url })
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    /// The measured organization (`demo-org-1`) with `members` people, then
    /// `others` organizations of 2,000, as `roster seed-demo` makes them.
    pub async fn seed(&self, roster: &Path, members: u32, others: u32) -> Result<Duration, String> {
        let started = Instant::now();
        self.seed_demo(roster, 1, members)?;
        if others > 0 {
            self.seed_demo(roster, 1 + others, 2_000)?;
        }
        if let Self::Postgres { url, .. } = self {
            // Fresh statistics and visibility map, as autovacuum would soon
            // have them: without, the planner guesses and index-only scans
            // visit the table.
            let mut connection = PgConnection::connect(url).await.map_err(|e| e.to_string())?;
            connection.execute("VACUUM ANALYZE").await.map_err(|e| e.to_string())?;
        }
        Ok(started.elapsed())
    }

    fn seed_demo(&self, roster: &Path, organizations: u32, users: u32) -> Result<(), String> {
        let status = Command::new(roster)
            .args(["seed-demo", "--orgs", &organizations.to_string(), "--users", &users.to_string()])
            .args(["--password", PASSWORD])
            .env("ROSTER_DATABASE_URL", self.url())
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("running {}: {e}", roster.display()))?;
        if status.success() { Ok(()) } else { Err(format!("roster seed-demo failed: {status}")) }
    }

    /// A super admin, made as an operator would (`roster create-super-admin`,
    /// the password on stdin): the benchmark registers an app with it.
    pub fn create_super_admin(&self, roster: &Path, email: &str) -> Result<(), String> {
        use std::io::Write;
        let mut child = Command::new(roster)
            .args(["create-super-admin", "--email", email])
            .env("ROSTER_DATABASE_URL", self.url())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("running {}: {e}", roster.display()))?;
        if let Some(mut stdin) = child.stdin.take() {
            writeln!(stdin, "{PASSWORD}").map_err(|e| e.to_string())?;
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        if status.success() { Ok(()) } else { Err(format!("roster create-super-admin failed: {status}")) }
    }

    pub async fn drop(self) {
        if let Self::Postgres { server, name, .. } = self
            && let Ok(mut admin) = PgConnection::connect(&server).await
        {
            let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
        }
    }
}

/// `url` with its database name replaced by `name`.
fn replace_database(url: &str, name: &str) -> Result<String, String> {
    let (server, query) = url.split_once('?').map_or((url, None), |(s, q)| (s, Some(q)));
    let (server, _) = server.rsplit_once('/').ok_or_else(|| format!("not a PostgreSQL URL: {url}"))?;
    Ok(match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    })
}
