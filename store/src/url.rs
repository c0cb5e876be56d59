use std::path::PathBuf;

/// Which database to use, parsed from `ROSTER_DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseUrlError {
    #[error("expected a URL starting with sqlite:// or postgres://, got {0:?}")]
    UnknownScheme(String),
    #[error("the SQLite URL {0:?} names no file")]
    NoSqlitePath(String),
}

impl DatabaseUrl {
    /// The embedded default: one SQLite file under `data/`.
    pub fn default_sqlite() -> Self {
        Self::Sqlite("sqlite://data/roster.db".to_owned())
    }

    pub fn parse(input: &str) -> Result<Self, DatabaseUrlError> {
        let input = input.trim();
        if let Some(rest) = input.strip_prefix("sqlite:") {
            let path = rest.trim_start_matches("//").split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(DatabaseUrlError::NoSqlitePath(input.to_owned()));
            }
            Ok(Self::Sqlite(input.to_owned()))
        } else if input.starts_with("postgres://") || input.starts_with("postgresql://") {
            Ok(Self::Postgres(input.to_owned()))
        } else {
            Err(DatabaseUrlError::UnknownScheme(redact(input)))
        }
    }

    /// The SQLite file's path, to create its directory before connecting.
    pub(crate) fn sqlite_file(url: &str) -> Option<PathBuf> {
        let rest = url.strip_prefix("sqlite:")?;
        let path = rest.trim_start_matches("//").split('?').next()?;
        (path != ":memory:" && !path.is_empty()).then(|| PathBuf::from(path))
    }
}

/// Database URLs carry passwords; error messages must not.
fn redact(input: &str) -> String {
    match ::url::Url::parse(input) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => input.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_both_backends() {
        assert!(matches!(DatabaseUrl::parse("sqlite://data/x.db"), Ok(DatabaseUrl::Sqlite(_))));
        assert!(matches!(DatabaseUrl::parse("sqlite::memory:"), Ok(DatabaseUrl::Sqlite(_))));
        assert!(matches!(DatabaseUrl::parse("postgres://u@h/db"), Ok(DatabaseUrl::Postgres(_))));
        assert!(matches!(DatabaseUrl::parse("postgresql://u@h/db"), Ok(DatabaseUrl::Postgres(_))));
    }

    #[test]
    fn rejects_other_schemes_without_echoing_passwords() {
        let error = DatabaseUrl::parse("mysql://root:hunter2@db/roster").unwrap_err();
        assert!(matches!(error, DatabaseUrlError::UnknownScheme(_)));
        assert!(!error.to_string().contains("hunter2"), "{error}");
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }

    #[test]
    fn finds_the_sqlite_file() {
        assert_eq!(
            DatabaseUrl::sqlite_file("sqlite://data/roster.db?mode=rwc"),
            Some(PathBuf::from("data/roster.db"))
        );
        assert_eq!(DatabaseUrl::sqlite_file("sqlite::memory:"), None);
    }
}
