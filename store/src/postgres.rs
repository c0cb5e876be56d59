use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    AccountStatus, DisplayName, Email, MembershipStatus, OrganizationName, OrganizationStatus, Role, Slug,
};
use std::str::FromStr;

use sqlx::{
    PgConnection, PgPool,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use crate::{Backend, MemberStream, Result, Store, StoreError, TokenProblem, records::*};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// The production backend: many stateless `roster` instances may share one database.
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

    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// After a bulk load: the planner learns the new row counts and the
    /// visibility map lets index-only scans skip the table, as autovacuum
    /// would make it in a while.
    async fn refresh_statistics(&self) -> Result<()> {
        sqlx::query("VACUUM (ANALYZE) organization_members, users").execute(&self.pool).await?;
        Ok(())
    }

    /// Serialises the transactions that count requests in one rate-limit
    /// bucket, until the caller's transaction ends.
    async fn lock_bucket(conn: &mut PgConnection, bucket: &str) -> Result<()> {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(bucket)
            .execute(conn)
            .await?;
        Ok(())
    }
}

impl_store! {
    store: PgStore,
    db: sqlx::Postgres,
    conn: PgConnection,
    backend: Backend::Postgres,
    migrator: MIGRATOR,
    // Row locks make concurrent redemptions of one token queue up.
    for_update: " FOR UPDATE",
    // Concurrent workers take different emails instead of waiting for each other.
    skip_locked: " FOR UPDATE SKIP LOCKED",
    page_first_join: "JOIN",
    // Migration 0006 tallies members by each one- and two-letter fragment.
    short_search_tallies: true,
    // Migration 0007 tallies members by the day of their last sign-in.
    sign_in_day_tallies: true,
}

impl_activity_store! {
    store: PgStore,
    db: sqlx::Postgres,
}
