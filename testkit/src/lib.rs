//! A fresh database per test, on either backend.
//!
//! PostgreSQL tests need `ROSTER_TEST_POSTGRES_URL` (a server where the user
//! may create databases). Without it they fail: a missing database is a
//! failure, never a silent skip. `scripts/test` sets it, starting a
//! throwaway cluster when none is given.

use sqlx::{Connection, Executor, PgConnection};
use store::DatabaseUrl;
use tempfile::TempDir;

pub const POSTGRES_ENV: &str = "ROSTER_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestDatabase {
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(#[allow(dead_code, reason = "deleted on drop")] TempDir),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("create a temporary directory");
                let url = format!("sqlite://{}", dir.path().join("roster.db").display());
                Self { url: DatabaseUrl::Sqlite(url), cleanup: Cleanup::SqliteDir(dir) }
            }
            Backend::Postgres => {
                let admin_url = std::env::var(POSTGRES_ENV).unwrap_or_else(|_| {
                    panic!(
                        "{POSTGRES_ENV} is not set: PostgreSQL tests need a server \
                         (run them through scripts/test, which provides one)"
                    )
                });
                let name = format!("roster_test_{:016x}", rand::random::<u64>());
                let mut admin = PgConnection::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("connect to {POSTGRES_ENV}: {e}"));
                admin
                    .execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create a test database");
                let mut url = url::Url::parse(&admin_url).expect("a valid PostgreSQL URL");
                url.set_path(&name);
                Self {
                    url: DatabaseUrl::Postgres(url.to_string()),
                    cleanup: Cleanup::PostgresDatabase { admin_url, name },
                }
            }
        }
    }

    /// Connects to this database, migrated.
    pub async fn store(&self) -> std::sync::Arc<dyn store::Store> {
        store::connect(&self.url).await.expect("connect to the test database")
    }

    /// Drops a PostgreSQL test database (connections must be closed first).
    /// A test that fails before this leaves its database behind; `scripts/test`
    /// sweeps those at the start of a run.
    pub async fn remove(self) {
        if let Cleanup::PostgresDatabase { admin_url, name } = &self.cleanup
            && let Ok(mut admin) = PgConnection::connect(admin_url).await
        {
            let _ = admin.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
        }
    }
}

/// Runs an `async fn(&TestDatabase)` against each backend, as two named tests:
/// `on_both_databases!(signs_in)` gives `signs_in::sqlite` and `signs_in::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::TestDatabase::new($crate::Backend::Sqlite).await;
                super::$name(&db).await;
                db.remove().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let db = $crate::TestDatabase::new($crate::Backend::Postgres).await;
                super::$name(&db).await;
                db.remove().await;
            }
        }
    };
}
