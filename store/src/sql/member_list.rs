//! The members table: the filters, counts, pages and order of a [`MemberView`].

use chrono::{DateTime, Utc};

use super::{Db, DbStore};
use crate::{Result, dialect::Dialect, records::MemberRow};

/// Where a query finds the members a search may match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rows {
    /// Every member of the organization, read in an index.
    Scanned,
    /// The people the trigram index of migration 0006 names.
    FromTrigrams,
}

/// Where the count and the page of a view read their rows.
#[derive(Clone, Copy, Debug)]
pub(super) struct SearchPlan {
    pub(super) count: Rows,
    pub(super) page: Rows,
}

/// Below this many people named by the trigram index, counting them
/// beats counting every member: each costs a lookup of its membership
/// (about 3 µs at 100,000 members), each member scanned about 0.3 µs.
///
/// It is also how far the probe in [`plan_search`] reads, which every
/// search of 3+ characters pays. Measured at 100,000 members (sqlite3,
/// while a build shared the machine): a term everyone matches (`example`)
/// probes in 1.0–1.9 ms at 4,000 and 0.4 ms at 1,000; but a family name
/// (`garcia`, 2,486 people) is counted from the index in 2–5 ms and by
/// the scan in 16–27 ms. A limit of 1,000 would send such terms back to
/// the scan to save common terms a millisecond, so it stays at 4,000.
const COUNT_FROM_TRIGRAMS_BELOW: i64 = 4_000;

/// Below this many, the page is sorted from them too. Above, the page is
/// read in its sort index as without a search: the matches are then
/// common enough that 25 of them come early, where sorting thousands of
/// looked-up rows would not.
const PAGE_FROM_TRIGRAMS_BELOW: i64 = 1_000;

/// How a view's count and page find their rows. A search of three
/// characters or more first asks the trigram index how many people it
/// names, stopping at [`COUNT_FROM_TRIGRAMS_BELOW`] (under a millisecond
/// even for a term everyone matches); few, and they are read instead of
/// every member. A common term (`example`) would cost more than the scan.
pub(super) async fn plan_search(pool: &sqlx::Pool<Db>, view: &domain::MemberView) -> Result<SearchPlan> {
    let scanned = SearchPlan { count: Rows::Scanned, page: Rows::Scanned };
    if !DbStore::TRIGRAM_SEARCH || crate::search_term(&view.search).chars().count() < 3 {
        return Ok(scanned);
    }
    let named: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT rowid FROM user_search WHERE user_search MATCH $1 LIMIT $2)",
    )
    .bind(trigram_phrase(&view.search))
    .bind(COUNT_FROM_TRIGRAMS_BELOW)
    .fetch_one(pool)
    .await?;
    let from = |below| if named < below { Rows::FromTrigrams } else { Rows::Scanned };
    Ok(SearchPlan { count: from(COUNT_FROM_TRIGRAMS_BELOW), page: from(PAGE_FROM_TRIGRAMS_BELOW) })
}

/// An FTS5 query for the search term as one phrase (its quotes doubled),
/// which the trigram tokenizer matches as a substring, in any case.
fn trigram_phrase(search: &str) -> String {
    format!("\"{}\"", crate::search_term(search).replace('"', "\"\""))
}

/// The `WHERE …` of the members table for one organization and view,
/// on `organization_members m` alone: the membership row carries the
/// name, email and last sign-in it is searched and sorted on
/// (migration 0002), so counting and paging need no join.
/// With [`Rows::FromTrigrams`], only the people the trigram index
/// names are read; the `LIKE` still decides.
pub(super) fn push_member_filters(
    query: &mut sqlx::QueryBuilder<'_, Db>,
    organization_id: i64,
    view: &domain::MemberView,
    now: DateTime<Utc>,
    rows: Rows,
) {
    query.push(" WHERE m.organization_id = ").push_bind(organization_id);
    if rows == Rows::FromTrigrams {
        query
            .push(" AND m.user_id IN (SELECT rowid FROM user_search WHERE user_search MATCH ")
            .push_bind(trigram_phrase(&view.search))
            .push(")");
    }
    if !view.search.is_empty() {
        let pattern = crate::like_pattern(&view.search);
        query
            .push(" AND (m.name_key LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR m.email LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(role) = view.role {
        query.push(" AND m.role = ").push_bind(role.as_str());
    }
    if let Some(status) = view.status {
        query.push(" AND m.status = ").push_bind(status.as_str());
    }
    if view.sign_in == Some(domain::SignInFilter::Never) {
        query.push(" AND m.last_sign_in_at IS NULL");
    }
    if let Some(cutoff) = view.sign_in.and_then(|filter| filter.inactive_cutoff(now)) {
        query.push(" AND m.last_sign_in_at < ").push_bind(cutoff);
    }
    if view.provisioned {
        query.push(" AND m.provisioned_at IS NOT NULL");
    }
    // One probe of `second_factors_by_user` per membership: the filter is
    // an admin's occasional question, not a view the tallies keep.
    match view.two_factor {
        Some(true) => query.push(" AND EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = m.user_id)"),
        Some(false) => {
            query.push(" AND NOT EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = m.user_id)")
        }
        None => &mut *query,
    };
}

/// How many members a view finds. Without a search, the tallies kept
/// by migration 0005 answer from a few rows, and on PostgreSQL,
/// those of 0007 when the view has a date cutoff; with a search of
/// one or two characters and no cutoff, on PostgreSQL, those of
/// 0006. Otherwise the matching rows are counted.
pub(super) async fn count_members(
    pool: &sqlx::Pool<Db>,
    organization_id: i64,
    view: &domain::MemberView,
    now: DateTime<Utc>,
    rows: Rows,
) -> Result<i64> {
    let term = crate::search_term(&view.search);
    // The tallies do not count who was provisioned (a SCIM directory's
    // members are few enough to count by its partial index).
    if view.provisioned || view.two_factor.is_some() {
        return count_rows(pool, organization_id, view, now, rows).await;
    }
    let tallies = match view.sign_in.and_then(|filter| filter.inactive_cutoff(now)) {
        Some(cutoff) => {
            if DbStore::SIGN_IN_DAY_TALLIES && term.is_empty() {
                return count_signed_in_before(pool, organization_id, view, cutoff).await;
            }
            None
        }
        _ if term.is_empty() => Some("member_counts"),
        _ if DbStore::SHORT_SEARCH_TALLIES && term.chars().count() <= 2 => Some("member_fragment_counts"),
        _ => None,
    };
    let Some(tallies) = tallies else {
        return count_rows(pool, organization_id, view, now, rows).await;
    };
    let mut sum = sqlx::QueryBuilder::<Db>::new(format!(
        "SELECT CAST(COALESCE(SUM(members), 0) AS BIGINT) FROM {tallies} WHERE organization_id = "
    ));
    sum.push_bind(organization_id);
    if !term.is_empty() {
        sum.push(" AND fragment = ").push_bind(term);
    }
    push_role_and_status(&mut sum, view);
    if view.sign_in == Some(domain::SignInFilter::Never) {
        sum.push(" AND signed_in = ").push_bind(false);
    }
    Ok(sum.build_query_scalar().fetch_one(pool).await?)
}

/// How many members of an unsearched view last signed in before
/// `cutoff`, from the tallies of migration 0007: those who ever
/// signed in, less those whose last sign-in day is the cutoff's or
/// later, plus those who signed in on the cutoff's day before it.
async fn count_signed_in_before(
    pool: &sqlx::Pool<Db>,
    organization_id: i64,
    view: &domain::MemberView,
    cutoff: DateTime<Utc>,
) -> Result<i64> {
    let cutoff_day = cutoff.date_naive();
    let day_start = cutoff_day.and_time(chrono::NaiveTime::MIN).and_utc();
    let mut count = sqlx::QueryBuilder::<Db>::new(
        "SELECT CAST((SELECT COALESCE(SUM(members), 0) FROM member_counts WHERE signed_in AND organization_id = ",
    );
    count.push_bind(organization_id);
    push_role_and_status(&mut count, view);
    count
        .push(") - (SELECT COALESCE(SUM(members), 0) FROM member_sign_in_days WHERE organization_id = ")
        .push_bind(organization_id)
        .push(" AND day >= ")
        .push_bind(cutoff_day);
    push_role_and_status(&mut count, view);
    count
        .push(") + (SELECT COUNT(*) FROM organization_members WHERE organization_id = ")
        .push_bind(organization_id)
        .push(" AND last_sign_in_at >= ")
        .push_bind(day_start)
        .push(" AND last_sign_in_at < ")
        .push_bind(cutoff);
    push_role_and_status(&mut count, view);
    count.push(") AS BIGINT)");
    Ok(count.build_query_scalar().fetch_one(pool).await?)
}

/// ` AND role = … AND status = …`, as the view filters them, for a
/// query on one table (unqualified columns).
fn push_role_and_status(query: &mut sqlx::QueryBuilder<'_, Db>, view: &domain::MemberView) {
    if let Some(role) = view.role {
        query.push(" AND role = ").push_bind(role.as_str());
    }
    if let Some(status) = view.status {
        query.push(" AND status = ").push_bind(status.as_str());
    }
}

/// How many members a view finds, counted row by row.
async fn count_rows(
    pool: &sqlx::Pool<Db>,
    organization_id: i64,
    view: &domain::MemberView,
    now: DateTime<Utc>,
    rows: Rows,
) -> Result<i64> {
    let mut count = sqlx::QueryBuilder::<Db>::new("SELECT COUNT(*) FROM organization_members m");
    push_member_filters(&mut count, organization_id, view, now, rows);
    Ok(count.build_query_scalar().fetch_one(pool).await?)
}

/// The rows of one page of a view: their ids first, from an index
/// alone, read from the nearer end of the list; then the 25 or so
/// rows they name, in the view's order.
pub(super) async fn member_page(
    pool: &sqlx::Pool<Db>,
    organization_id: i64,
    view: &domain::MemberView,
    now: DateTime<Utc>,
    window: crate::paging::PageWindow,
    rows: Rows,
) -> Result<Vec<MemberRow>> {
    if window.is_empty() {
        return Ok(Vec::new());
    }
    let reversed = domain::MemberView { descending: !view.descending, ..view.clone() };
    let mut page = sqlx::QueryBuilder::<Db>::new(concat!(
        "SELECT ",
        member_columns!(),
        " FROM (SELECT m.user_id FROM organization_members m",
    ));
    push_member_filters(&mut page, organization_id, view, now, rows);
    push_member_order(&mut page, if window.from_end { &reversed } else { view });
    page.push(" LIMIT ")
        .push_bind(window.limit)
        .push(" OFFSET ")
        .push_bind(window.offset)
        .push(format_args!(
            ") page {} organization_members m ON m.organization_id = ",
            DbStore::PAGE_FIRST_JOIN
        ))
        .push_bind(organization_id)
        .push(" AND m.user_id = page.user_id JOIN users u ON u.id = page.user_id");
    push_member_order(&mut page, view);
    Ok(page.build_query_as().fetch_all(pool).await?)
}

/// The column a sort orders by, and whether its natural order is the
/// reverse of the view's (roles sort by rank, reverse alphabetical).
fn sort_column(sort: domain::MemberSort) -> (&'static str, bool) {
    match sort {
        domain::MemberSort::Name => ("m.name_key", false),
        domain::MemberSort::Email => ("m.email", false),
        domain::MemberSort::Role => ("m.role", true),
        domain::MemberSort::Status => ("m.status", false),
        domain::MemberSort::Joined => ("m.joined_at", false),
        domain::MemberSort::LastSignIn => ("m.last_sign_in_at", false),
    }
}

/// Whether the view's rows come in descending order of their sort column.
fn goes_down(view: &domain::MemberView) -> bool {
    view.descending != sort_column(view.sort).1
}

/// The `ORDER BY` of the members table: the chosen column, then the
/// user id, both in one direction so one index serves each order.
/// A missing date counts as the oldest (never signed in, not yet
/// joined). Roles sort by rank, which is reverse alphabetical.
pub(super) fn push_member_order(query: &mut sqlx::QueryBuilder<'_, Db>, view: &domain::MemberView) {
    let (column, _) = sort_column(view.sort);
    let descending = goes_down(view);
    let direction = if descending { "DESC" } else { "ASC" };
    // Spelled out for PostgreSQL, which otherwise puts NULL last going up.
    let nulls = match (view.sort, descending) {
        (domain::MemberSort::Joined | domain::MemberSort::LastSignIn, false) => " NULLS FIRST",
        (domain::MemberSort::Joined | domain::MemberSort::LastSignIn, true) => " NULLS LAST",
        _ => "",
    };
    query.push(format_args!(" ORDER BY {column} {direction}{nulls}, m.user_id {direction}"));
}

/// ` AND …`: the rows after `cursor` in the view's order ([`push_member_order`]),
/// compared on the sort column's value and then the user id, so a row
/// inserted meanwhile moves no other row between pages.
pub(super) fn push_after(
    query: &mut sqlx::QueryBuilder<'_, Db>,
    view: &domain::MemberView,
    cursor: &crate::MemberCursor,
) {
    let (column, _) = sort_column(view.sort);
    let (beyond, id_beyond) = if goes_down(view) { ("<", "<") } else { (">", ">") };
    let descending = goes_down(view);
    match &cursor.key {
        crate::MemberKey::Text(value) => {
            query
                .push(format_args!(" AND ({column} {beyond} "))
                .push_bind(value.clone())
                .push(format_args!(" OR ({column} = "))
                .push_bind(value.clone())
                .push(format_args!(" AND m.user_id {id_beyond} "))
                .push_bind(cursor.user_id)
                .push("))");
        }
        // Missing dates come first going up, last going down.
        crate::MemberKey::Time(None) => {
            query
                .push(format_args!(" AND (({column} IS NULL AND m.user_id {id_beyond} "))
                .push_bind(cursor.user_id)
                .push(")");
            if !descending {
                query.push(format_args!(" OR {column} IS NOT NULL"));
            }
            query.push(")");
        }
        crate::MemberKey::Time(Some(value)) => {
            query
                .push(format_args!(" AND ({column} {beyond} "))
                .push_bind(*value)
                .push(format_args!(" OR ({column} = "))
                .push_bind(*value)
                .push(format_args!(" AND m.user_id {id_beyond} "))
                .push_bind(cursor.user_id)
                .push(")");
            if descending {
                query.push(format_args!(" OR {column} IS NULL"));
            }
            query.push(")");
        }
    }
}

/// A row of a keyed page with the sort key its cursor needs.
#[derive(sqlx::FromRow)]
pub(super) struct KeyedRow {
    #[sqlx(flatten)]
    pub(super) row: MemberRow,
    pub(super) name_key: String,
}

impl KeyedRow {
    /// Where a page ending with this row ends, in `view`'s order.
    pub(super) fn cursor(&self, view: &domain::MemberView) -> crate::MemberCursor {
        use crate::MemberKey::{Text, Time};
        let key = match view.sort {
            domain::MemberSort::Name => Text(self.name_key.clone()),
            domain::MemberSort::Email => Text(self.row.email.clone()),
            domain::MemberSort::Role => Text(self.row.role.as_str().to_owned()),
            domain::MemberSort::Status => Text(self.row.status.as_str().to_owned()),
            domain::MemberSort::Joined => Time(self.row.joined_at),
            domain::MemberSort::LastSignIn => Time(self.row.last_sign_in_at),
        };
        crate::MemberCursor { key, user_id: self.row.user_id }
    }
}
