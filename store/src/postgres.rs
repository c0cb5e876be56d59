use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{AccountStatus, Email, MembershipStatus, OrganizationName, OrganizationStatus, Role, Slug};
use sqlx::{PgConnection, PgPool, postgres::PgPoolOptions};

use crate::{Backend, MemberStream, Result, Store, StoreError, TokenProblem, records::*};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// The production backend: many stateless `roster` instances may share one database.
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new().max_connections(16).connect(url).await?;
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
