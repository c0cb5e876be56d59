//! The production backend: many stateless `roster` instances may share one database.

use std::str::FromStr;

use sqlx::{
    PgConnection, PgPool, Transaction,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use crate::{Backend, Result, dialect::Dialect};

static MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

// The names `sql/` is written against.
type Db = sqlx::Postgres;
type Conn = PgConnection;
type DbStore = PgStore;

// The same files as in `sqlite`, compiled for PostgreSQL.
#[allow(clippy::duplicate_mod, reason = "sql/ is compiled once per backend, by design")]
#[path = "sql/mod.rs"]
mod sql;

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self> {
        // The members query is one prepared statement whose best plan depends
        // on its values (a two-letter search matches half the table, a name
        // a handful); a plan made for the values at hand beats a cached
        // generic one by far more than the planning costs.
        let options = PgConnectOptions::from_str(url)?.options([("plan_cache_mode", "force_custom_plan")]);
        let pool = PgPoolOptions::new().max_connections(16).connect_with(options).await?;
        Ok(Self { pool })
    }
}

impl Dialect for PgStore {
    type Db = Db;

    const BACKEND: Backend = Backend::Postgres;
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const SKIP_LOCKED: &'static str = " FOR UPDATE SKIP LOCKED";
    const PAGE_FIRST_JOIN: &'static str = "JOIN";
    const SHORT_SEARCH_TALLIES: bool = true;
    const SIGN_IN_DAY_TALLIES: bool = true;
    const TRIGRAM_SEARCH: bool = false;

    fn migrator() -> &'static Migrator {
        &MIGRATOR
    }

    async fn write(&self) -> Result<Transaction<'static, Db>> {
        Ok(self.pool.begin().await?)
    }

    async fn lock_bucket(conn: &mut Conn, bucket: &str) -> Result<()> {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(bucket)
            .execute(conn)
            .await?;
        Ok(())
    }

    #[cfg(feature = "seed")]
    /// The planner learns the new row counts and the visibility map lets
    /// index-only scans skip the table, as autovacuum would make it in a while.
    async fn refresh_statistics(&self) -> Result<()> {
        sqlx::query("VACUUM (ANALYZE) organization_members, users").execute(&self.pool).await?;
        Ok(())
    }
}
