//! What a backend supplies to the SQL in `sql/`.
//!
//! Both databases accept the same SQL (`$N` placeholders, `RETURNING`), so
//! every statement is written once, in `sql/`, and that module is compiled
//! into each backend module, which names the types it is written against
//! (`Db`, `Conn`, `DbStore`) and implements [`Dialect`] for its store: the
//! few places where the databases differ, each named for what it means.

use std::future::Future;

use sqlx::{Database, Transaction, migrate::Migrator};

use crate::{Backend, Result};

pub(crate) trait Dialect {
    type Db: Database;

    const BACKEND: Backend;

    /// Appended to a `SELECT` whose rows the transaction must hold until it
    /// ends (a token being redeemed, an organization whose admins are being
    /// counted), so a concurrent transaction waits and then sees the change.
    /// Empty where the write transaction already serialises every writer.
    const FOR_UPDATE: &'static str;

    /// Appended to the `SELECT` of the emails a worker claims, so concurrent
    /// workers take different emails instead of waiting for each other.
    const SKIP_LOCKED: &'static str;

    /// The join from a page of member ids to their rows. SQLite's planner
    /// must be told to loop over the page (`CROSS JOIN`): left to itself,
    /// SQLite 3.46 walks every member in the sort index to save sorting 25
    /// rows (200 ms at 100,000 members).
    const PAGE_FIRST_JOIN: &'static str;

    /// Whether migration 0006 keeps tallies of members by each one- and
    /// two-letter fragment of their name and email, which count a short
    /// search without reading the rows it matches.
    const SHORT_SEARCH_TALLIES: bool;

    /// Whether migration 0007 keeps tallies of members by the day of their
    /// last sign-in, which count an inactivity filter without reading rows.
    const SIGN_IN_DAY_TALLIES: bool;

    /// Whether migration 0006 keeps an FTS5 trigram index of every person's
    /// name and email (`user_search`), which names the few people a search
    /// of three characters or more may find, so their rows are read instead
    /// of every member's.
    const TRIGRAM_SEARCH: bool;

    /// The migrations of this backend, embedded in the binary.
    fn migrator() -> &'static Migrator;

    /// Opens a transaction that will write.
    fn write(&self) -> impl Future<Output = Result<Transaction<'static, Self::Db>>> + Send;

    /// Serialises, until the caller's transaction ends, the transactions that
    /// count requests in one rate-limit bucket.
    fn lock_bucket(
        conn: &mut <Self::Db as Database>::Connection,
        bucket: &str,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Brings the planner's statistics up to date after a bulk load (only
    /// seeding makes one).
    #[cfg(feature = "seed")]
    fn refresh_statistics(&self) -> impl Future<Output = Result<()>> + Send;
}
