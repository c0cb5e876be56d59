use std::{str::FromStr, time::Duration};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    AccountStatus, DisplayName, Email, MembershipStatus, OrganizationName, OrganizationStatus, Role, Slug,
};
use sqlx::{
    SqliteConnection, SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::{Backend, DatabaseUrl, MemberStream, Result, Store, StoreError, TokenProblem, records::*};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// The embedded backend: one file, WAL, foreign keys on.
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

    /// Writers take the database lock up front: a deferred transaction that
    /// later tries to upgrade can fail with SQLITE_BUSY despite the timeout.
    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// After a bulk load, as SQLite recommends for long-lived connections.
    async fn refresh_statistics(&self) -> Result<()> {
        sqlx::query("PRAGMA optimize").execute(&self.pool).await?;
        Ok(())
    }

    /// Nothing to do: `BEGIN IMMEDIATE` already serialises every writer.
    async fn lock_bucket(_conn: &mut SqliteConnection, _bucket: &str) -> Result<()> {
        Ok(())
    }
}

impl_store! {
    store: SqliteStore,
    db: sqlx::Sqlite,
    conn: SqliteConnection,
    backend: Backend::Sqlite,
    migrator: MIGRATOR,
    // SQLite has no row locks; BEGIN IMMEDIATE already serialises writers.
    for_update: "",
    skip_locked: "",
    // The page of ids must drive the join: left to itself, SQLite 3.46
    // walks every member in the sort index to save sorting 25 rows
    // (200 ms at 100,000 members). A CROSS JOIN fixes the loop order.
    page_first_join: "CROSS JOIN",
    // SQLite counts a short search within its budget, and keeps no
    // tallies by fragment.
    short_search_tallies: false,
    // Nor by day of last sign-in: it counts a date cutoff within its
    // budget too.
    sign_in_day_tallies: false,
}

impl_activity_store! {
    store: SqliteStore,
    db: sqlx::Sqlite,
}
