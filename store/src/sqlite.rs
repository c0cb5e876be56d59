//! The embedded backend: one file, WAL, foreign keys on.

use std::{str::FromStr, time::Duration};

use sqlx::{
    SqliteConnection, SqlitePool, Transaction,
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::{Backend, DatabaseUrl, Result, dialect::Dialect};

static MIGRATOR: Migrator = sqlx::migrate!("../migrations/sqlite");

// The names `sql/` is written against.
type Db = sqlx::Sqlite;
type Conn = SqliteConnection;
type DbStore = SqliteStore;

// The same files as in `postgres`, compiled for SQLite.
#[allow(clippy::duplicate_mod, reason = "sql/ is compiled once per backend, by design")]
#[path = "sql/mod.rs"]
mod sql;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self> {
        if let Some(dir) = DatabaseUrl::sqlite_file(url).as_deref().and_then(|f| f.parent())
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        Ok(Self { pool })
    }
}

impl Dialect for SqliteStore {
    type Db = Db;

    const BACKEND: Backend = Backend::Sqlite;
    // SQLite has no row locks; BEGIN IMMEDIATE already serialises writers.
    const FOR_UPDATE: &'static str = "";
    const SKIP_LOCKED: &'static str = "";
    const PAGE_FIRST_JOIN: &'static str = "CROSS JOIN";
    // SQLite counts a short search, and a date cutoff, within its budget.
    const SHORT_SEARCH_TALLIES: bool = false;
    const SIGN_IN_DAY_TALLIES: bool = false;
    const TRIGRAM_SEARCH: bool = true;

    fn migrator() -> &'static Migrator {
        &MIGRATOR
    }

    /// Writers take the database lock up front: a deferred transaction that
    /// later tries to upgrade can fail with SQLITE_BUSY despite the timeout.
    async fn write(&self) -> Result<Transaction<'static, Db>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Nothing to do: `BEGIN IMMEDIATE` already serialises every writer.
    async fn lock_bucket(_conn: &mut Conn, _bucket: &str) -> Result<()> {
        Ok(())
    }

    #[cfg(feature = "seed")]
    /// As SQLite recommends for long-lived connections.
    async fn refresh_statistics(&self) -> Result<()> {
        sqlx::query("PRAGMA optimize").execute(&self.pool).await?;
        Ok(())
    }
}
