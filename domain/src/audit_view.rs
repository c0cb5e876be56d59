//! The audit log's view (filters and page) as the URL carries it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{ACTIONS, Paging, query};

/// Longer "who" searches are refused rather than run.
pub const MAX_WHO_CHARS: usize = 200;

/// Events per page of the audit log and of a person's timeline.
pub const AUDIT_PAGE_SIZE: u32 = 50;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    /// Part of the acting person's name or email.
    pub actor: String,
    /// Part of the name or email of the person the event is about.
    pub target: String,
    /// One of [`ACTIONS`]' names.
    pub action: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC), as typed; checked by [`Self::check`].
    pub from: String,
    /// Last day, included.
    pub to: String,
    /// 1-based.
    pub page: u32,
}

/// The checked dates of an [`AuditView`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditViewError {
    #[error("Search for at most {MAX_WHO_CHARS} characters.")]
    TooLong,
    #[error("Enter the {0} date as YYYY-MM-DD.")]
    BadDate(&'static str),
    #[error("The start date is after the end date.")]
    Reversed,
}

impl AuditView {
    /// Reads a view from URL query parameters. An unknown action or page
    /// falls back to the default, like the members table's view; dates and
    /// over-long searches are kept as given, for [`Self::check`] to refuse
    /// with a message.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |key| get(key).map(|value: String| value.trim().to_owned()).unwrap_or_default();
        Self {
            actor: text("actor"),
            target: text("target"),
            action: get("action").filter(|action| ACTIONS.iter().any(|(name, _)| name == action)),
            from: text("from"),
            to: text("to"),
            page: Paging::requested(get("page")),
        }
    }

    /// Reads a view from a URL query string, as [`Self::from_query`] does.
    pub fn from_query_string(query: &str) -> Self {
        let params = query::Params::parse(query);
        Self::from_query(|key| params.get(key))
    }

    /// Refuses what cannot be answered, and gives the dates.
    pub fn check(&self) -> Result<DateRange, AuditViewError> {
        if self.actor.chars().count() > MAX_WHO_CHARS || self.target.chars().count() > MAX_WHO_CHARS {
            return Err(AuditViewError::TooLong);
        }
        let date = |value: &str, which| {
            if value.is_empty() {
                Ok(None)
            } else {
                NaiveDate::parse_from_str(value, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| AuditViewError::BadDate(which))
            }
        };
        let range = DateRange { from: date(&self.from, "start")?, to: date(&self.to, "end")? };
        if let (Some(from), Some(to)) = (range.from, range.to)
            && from > to
        {
            return Err(AuditViewError::Reversed);
        }
        Ok(range)
    }

    pub fn on_page(&self, page: u32) -> Self {
        Self { page, ..self.clone() }
    }

    /// The URL query for this view, leaving out what is empty.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("actor", &self.actor),
            ("target", &self.target),
            ("action", self.action.as_deref().unwrap_or_default()),
            ("from", &self.from),
            ("to", &self.to),
        ];
        let page = self.page.to_string();
        if self.page > 1 {
            pairs.push(("page", &page));
        }
        query::join(pairs.into_iter().filter(|(_, value)| !value.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn parse(query: &[(&str, &str)]) -> AuditView {
        let map: HashMap<_, _> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        AuditView::from_query(|key| map.get(key).cloned())
    }

    #[test]
    fn a_view_survives_its_own_url() {
        let view = parse(&[
            ("actor", " Ada "),
            ("target", "grace@"),
            ("action", "member.role_changed"),
            ("from", "2026-01-01"),
            ("to", "2026-01-31"),
            ("page", "3"),
        ]);
        assert_eq!(view.actor, "Ada");
        let query = view.to_query();
        assert_eq!(
            query,
            "actor=Ada&target=grace%40&action=member.role_changed&from=2026-01-01&to=2026-01-31&page=3"
        );
        let pairs: Vec<(String, String)> = query
            .split('&')
            .map(|pair| pair.split_once('=').unwrap())
            .map(|(k, v)| (k.to_owned(), v.replace("%40", "@")))
            .collect();
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(parse(&borrowed), view);
        assert_eq!(AuditView::default().to_query(), "");
    }

    #[test]
    fn unknown_actions_and_pages_fall_back_to_the_default() {
        let view = parse(&[("action", "drop table"), ("page", "-4")]);
        assert_eq!((view.action, view.page), (None, 1));
    }

    #[test]
    fn bad_dates_and_long_searches_are_refused_with_a_reason() {
        assert_eq!(parse(&[("from", "yesterday")]).check(), Err(AuditViewError::BadDate("start")));
        assert_eq!(parse(&[("to", "2026-02-30")]).check(), Err(AuditViewError::BadDate("end")));
        assert_eq!(
            parse(&[("from", "2026-03-02"), ("to", "2026-03-01")]).check(),
            Err(AuditViewError::Reversed)
        );
        assert_eq!(parse(&[("actor", &"a".repeat(201))]).check(), Err(AuditViewError::TooLong));
        let range = parse(&[("from", "2026-03-01"), ("to", "2026-03-01")]).check().unwrap();
        assert_eq!(range.from, range.to);
    }
}
