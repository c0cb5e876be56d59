//! What the members table shows: search, filters, sort and page, parsed from
//! the URL query and written back to it, so that back/forward, reload and a
//! shared link reproduce the same view.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

use crate::{MembershipStatus, Paging, Role, query};

pub const PAGE_SIZES: [u32; 4] = [10, 25, 50, 100];
pub const DEFAULT_PAGE_SIZE: u32 = 25;
/// Longer search text is refused with a message rather than sent to the database.
pub const MAX_SEARCH_CHARS: usize = 200;
/// A longer query is refused: room for the longest search percent-encoded,
/// and every other setting.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// A column the table sorts by; its name (`key`, `Display`, `FromStr`) is
/// the URL's `sort` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum MemberSort {
    Name,
    Email,
    Role,
    /// Active, then invited, then suspended: the order the words sort in,
    /// which is also from the most to the least settled.
    Status,
    Joined,
    LastSignIn,
}

impl MemberSort {
    pub const ALL: [MemberSort; 6] = [
        MemberSort::Name,
        MemberSort::Email,
        MemberSort::Role,
        MemberSort::Status,
        MemberSort::Joined,
        MemberSort::LastSignIn,
    ];

    pub fn key(self) -> &'static str {
        self.into()
    }
}

/// Filter on when members last signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInFilter {
    Never,
    /// Signed in before, but not in the last N days.
    InactiveDays(u32),
}

impl SignInFilter {
    pub const CHOICES: [SignInFilter; 3] =
        [SignInFilter::Never, SignInFilter::InactiveDays(30), SignInFilter::InactiveDays(90)];

    pub fn key(self) -> String {
        match self {
            Self::Never => "never".to_owned(),
            Self::InactiveDays(days) => format!("inactive_{days}"),
        }
    }

    pub fn label(self) -> String {
        match self {
            Self::Never => "Never signed in".to_owned(),
            Self::InactiveDays(days) => format!("Inactive for more than {days} days"),
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        Self::CHOICES.into_iter().find(|filter| filter.key() == key)
    }

    /// For `InactiveDays`, the moment a member's last sign-in must come
    /// before: that many days before `now` (the earliest time there is, if
    /// that is further back than a date can go, so nobody matches).
    pub fn inactive_cutoff(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Never => None,
            Self::InactiveDays(days) => Some(
                TimeDelta::try_days(i64::from(days))
                    .and_then(|span| now.checked_sub_signed(span))
                    .unwrap_or(DateTime::<Utc>::MIN_UTC),
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub search: String,
    pub role: Option<Role>,
    pub status: Option<MembershipStatus>,
    pub sign_in: Option<SignInFilter>,
    /// Only the members a SCIM token provisioned (`source=scim`).
    pub provisioned: bool,
    /// Only members with (`2fa=on`) or without (`2fa=off`) a second factor.
    pub two_factor: Option<bool>,
    pub sort: MemberSort,
    pub descending: bool,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

impl Default for MemberView {
    fn default() -> Self {
        Self {
            search: String::new(),
            role: None,
            status: None,
            sign_in: None,
            provisioned: false,
            two_factor: None,
            sort: MemberSort::Name,
            descending: false,
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl MemberView {
    /// Reads a view from URL query parameters. Anything unknown or malformed
    /// falls back to its default, so an edited or stale link still shows a
    /// sensible page; only an over-long search is refused, by [`Self::check`].
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let defaults = Self::default();
        let page_size = get("size")
            .and_then(|s| s.parse().ok())
            .filter(|size| PAGE_SIZES.contains(size))
            .unwrap_or(defaults.page_size);
        Self {
            search: get("q").map(|q| q.trim().to_owned()).unwrap_or_default(),
            role: get("role").and_then(|r| r.parse().ok()),
            status: get("status").and_then(|s| s.parse().ok()),
            sign_in: get("signin").and_then(|s| SignInFilter::from_key(&s)),
            provisioned: get("source").is_some_and(|s| s == "scim"),
            two_factor: match get("2fa").as_deref() {
                Some("on") => Some(true),
                Some("off") => Some(false),
                _ => None,
            },
            sort: get("sort").and_then(|s| s.parse().ok()).unwrap_or(defaults.sort),
            descending: get("dir").is_some_and(|d| d == "desc"),
            page: Paging::requested(get("page")),
            page_size,
        }
    }

    /// Reads a view from a URL query string, as [`Self::from_query`] does:
    /// what the page shows for its address.
    pub fn from_query_string(query: &str) -> Self {
        let params = query::Params::parse(query);
        Self::from_query(|key| params.get(key))
    }

    /// Reads a view from a URL query string as a request for members
    /// (the table's page or its CSV export), refusing what
    /// [`Self::check`] refuses and an over-long query.
    pub fn parse(query: &str) -> Result<Self, MemberViewError> {
        let view = Self::from_query_string(query);
        view.check()?;
        // After the search, so that an over-long one hears the specific limit.
        if query.len() > MAX_QUERY_BYTES {
            return Err(MemberViewError::QueryTooLong);
        }
        Ok(view)
    }

    /// Refuses what cannot be answered sensibly.
    pub fn check(&self) -> Result<(), MemberViewError> {
        if self.search.chars().count() > MAX_SEARCH_CHARS {
            return Err(MemberViewError::SearchTooLong);
        }
        Ok(())
    }

    /// The same view, sorted by `sort`: ascending first, then the other way.
    pub fn sorted_by(&self, sort: MemberSort) -> Self {
        let descending = self.sort == sort && !self.descending;
        Self { sort, descending, page: 1, ..self.clone() }
    }

    pub fn on_page(&self, page: u32) -> Self {
        Self { page, ..self.clone() }
    }

    /// The URL query for this view, leaving out defaults.
    pub fn to_query(&self) -> String {
        let defaults = Self::default();
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.search.is_empty() {
            pairs.push(("q", self.search.clone()));
        }
        if let Some(role) = self.role {
            pairs.push(("role", role.as_str().to_owned()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.as_str().to_owned()));
        }
        if let Some(sign_in) = self.sign_in {
            pairs.push(("signin", sign_in.key()));
        }
        if self.provisioned {
            pairs.push(("source", "scim".to_owned()));
        }
        if let Some(on) = self.two_factor {
            pairs.push(("2fa", if on { "on" } else { "off" }.to_owned()));
        }
        if self.sort != defaults.sort {
            pairs.push(("sort", self.sort.key().to_owned()));
        }
        if self.descending {
            pairs.push(("dir", "desc".to_owned()));
        }
        if self.page_size != defaults.page_size {
            pairs.push(("size", self.page_size.to_string()));
        }
        if self.page != 1 {
            pairs.push(("page", self.page.to_string()));
        }
        query::join(pairs.iter().map(|(key, value)| (*key, value.as_str())))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberViewError {
    #[error("Search for at most {MAX_SEARCH_CHARS} characters.")]
    SearchTooLong,
    #[error("This view's address is too long. Shorten the search.")]
    QueryTooLong,
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn an_inactivity_cutoff_is_that_many_days_back_and_never_overflows() {
        let now = DateTime::parse_from_rfc3339("2026-12-02T18:30:00Z").unwrap().to_utc();
        let ninety = DateTime::parse_from_rfc3339("2026-09-03T18:30:00Z").unwrap().to_utc();
        assert_eq!(SignInFilter::InactiveDays(90).inactive_cutoff(now), Some(ninety));
        assert_eq!(SignInFilter::InactiveDays(u32::MAX).inactive_cutoff(now), Some(DateTime::<Utc>::MIN_UTC));
        assert_eq!(SignInFilter::Never.inactive_cutoff(now), None);
    }

    fn parse(query: &[(&str, &str)]) -> MemberView {
        let map: HashMap<String, String> =
            query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        MemberView::from_query(|key| map.get(key).cloned())
    }

    /// Shared links carry these names: they never change.
    #[test]
    fn sort_keys_are_the_ones_in_links() {
        assert_eq!(
            MemberSort::ALL.map(MemberSort::key),
            ["name", "email", "role", "status", "joined", "last_sign_in"]
        );
        assert_eq!(MemberSort::LastSignIn.to_string(), "last_sign_in");
        assert_eq!("joined".parse(), Ok(MemberSort::Joined));
    }

    #[test]
    fn an_empty_query_is_the_default_view() {
        assert_eq!(parse(&[]), MemberView::default());
        assert_eq!(MemberView::default().to_query(), "");
    }

    #[test]
    fn every_setting_survives_the_round_trip_through_the_url() {
        let view = MemberView {
            search: "Ada Lovelace & co".into(),
            role: Some(Role::Editor),
            status: Some(MembershipStatus::Invited),
            sign_in: Some(SignInFilter::InactiveDays(90)),
            provisioned: true,
            two_factor: Some(false),
            sort: MemberSort::LastSignIn,
            descending: true,
            page: 7,
            page_size: 50,
        };
        let query = view.to_query();
        assert!(query.starts_with("q=Ada%20Lovelace%20%26%20co&"), "{query}");
        assert_eq!(MemberView::from_query_string(&query), view);
    }

    #[test]
    fn bad_parameters_fall_back_to_defaults() {
        let view = parse(&[
            ("sort", "password_hash"),
            ("dir", "sideways"),
            ("page", "0"),
            ("size", "100000"),
            ("role", "owner"),
            ("status", "deleted"),
            ("signin", "yesterday"),
            ("source", "ldap"),
        ]);
        assert_eq!(view, MemberView::default());
        assert_eq!(parse(&[("page", "-3")]).page, 1);
        assert_eq!(
            parse(&[("page", "1000000000")]).page,
            1_000_000_000,
            "clamped by the server, which knows the total"
        );
    }

    #[test]
    fn an_overlong_search_is_refused_with_a_message() {
        let view = parse(&[("q", &"x".repeat(10_240))]);
        assert_eq!(view.check(), Err(MemberViewError::SearchTooLong));
        assert!(parse(&[("q", "ada")]).check().is_ok());
    }

    #[test]
    fn a_request_refuses_an_overlong_search_then_an_overlong_query() {
        let search = "x".repeat(MAX_SEARCH_CHARS + 1);
        assert_eq!(MemberView::parse(&format!("q={search}")), Err(MemberViewError::SearchTooLong));
        let padding = "y".repeat(MAX_QUERY_BYTES);
        assert_eq!(
            MemberView::parse(&format!("q={search}&utm={padding}")),
            Err(MemberViewError::SearchTooLong)
        );
        assert_eq!(MemberView::parse(&format!("q=ada&utm={padding}")), Err(MemberViewError::QueryTooLong));
        let view = MemberView::parse("q=ada&sort=joined&dir=desc").unwrap();
        assert_eq!((view.search.as_str(), view.sort, view.descending), ("ada", MemberSort::Joined, true));
        assert_eq!(MemberView::parse(""), Ok(MemberView::default()));
    }

    #[test]
    fn sorting_toggles_direction_and_returns_to_the_first_page() {
        let view = MemberView { page: 3, ..MemberView::default() };
        let by_name = view.sorted_by(MemberSort::Name);
        assert!(by_name.descending && by_name.page == 1);
        assert!(!by_name.sorted_by(MemberSort::Name).descending);
        assert!(!view.sorted_by(MemberSort::Email).descending);
    }
}
