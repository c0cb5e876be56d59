use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{AccountStatus, Email, MembershipStatus, OrganizationName, OrganizationStatus, Role, Slug};
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
}
