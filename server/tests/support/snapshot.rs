//! The whole content of a test database as text, to show that a refused
//! request changed nothing.

use std::collections::BTreeMap;

use sqlx::{PgPool, SqlitePool};
use store::DatabaseUrl;
use testkit::TestDatabase;

/// Tables whose rows a refused request is meant to change: failed attempts
/// are counted (rate limits) and kept in a person's sign-in history, and a
/// refusal of a `/v1` POST with an `Idempotency-Key` is kept for its retries.
const CHANGED_BY_REFUSALS: [&str; 4] =
    ["_sqlx_migrations", "rate_limit_hits", "sign_in_attempts", "api_idempotency"];
/// Columns every request touches: a session's last use, an API key's.
const TOUCHED_BY_EVERY_REQUEST: [(&str, &str); 2] =
    [("sessions", "last_seen_at"), ("api_keys", "last_used_at")];

pub enum Snapshots {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Every row of every table, as text, by table.
pub type Snapshot = BTreeMap<String, Vec<String>>;

impl Snapshots {
    pub async fn of(db: &TestDatabase) -> Self {
        match &db.url {
            DatabaseUrl::Sqlite(url) => {
                Self::Sqlite(SqlitePool::connect(url).await.expect("open the SQLite file"))
            }
            DatabaseUrl::Postgres(url) => {
                Self::Postgres(PgPool::connect(url).await.expect("connect to PostgreSQL"))
            }
        }
    }

    pub async fn take(&self) -> Snapshot {
        let mut snapshot = Snapshot::new();
        for table in self.tables().await {
            if CHANGED_BY_REFUSALS.contains(&table.as_str()) {
                continue;
            }
            let skipped: Vec<&str> =
                TOUCHED_BY_EVERY_REQUEST.iter().filter(|(t, _)| *t == table).map(|(_, c)| *c).collect();
            let mut rows = self.rows(&table, &skipped).await;
            rows.sort();
            snapshot.insert(table, rows);
        }
        snapshot
    }

    async fn tables(&self) -> Vec<String> {
        match self {
            Self::Sqlite(pool) => sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .fetch_all(pool)
            .await
            .unwrap(),
            Self::Postgres(pool) => sqlx::query_scalar(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
            )
            .fetch_all(pool)
            .await
            .unwrap(),
        }
    }

    async fn rows(&self, table: &str, skipped: &[&str]) -> Vec<String> {
        match self {
            Self::Sqlite(pool) => {
                let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                    .bind(table)
                    .fetch_all(pool)
                    .await
                    .unwrap();
                let row = columns
                    .iter()
                    .filter(|c| !skipped.contains(&c.as_str()))
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                sqlx::query_scalar(&format!("SELECT {row} FROM \"{table}\"")).fetch_all(pool).await.unwrap()
            }
            Self::Postgres(pool) => {
                let skipped: Vec<String> = skipped.iter().map(|c| c.to_string()).collect();
                sqlx::query_scalar(&format!("SELECT (to_jsonb(t) - $1::text[])::text FROM \"{table}\" t"))
                    .bind(skipped)
                    .fetch_all(pool)
                    .await
                    .unwrap()
            }
        }
    }
}

/// The tables whose content differs, for a readable failure.
pub fn differences(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    let tables: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    tables.into_iter().filter(|t| before.get(*t) != after.get(*t)).cloned().collect()
}
