//! Configuration from environment variables (README "Configuration").

use std::{net::SocketAddr, path::PathBuf};

use app::ssr::{SessionPolicy, sessions::parse_duration};
use store::DatabaseUrl;
use url::Url;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub public_url: Url,
    pub bind: SocketAddr,
    /// Unset: mail stays in the outbox and its links are logged.
    pub smtp_url: Option<Url>,
    pub mail_from: String,
    pub sessions: SessionPolicy,
    /// The compiled site cargo-leptos built (`pkg/`, and `hash.txt` when
    /// its asset names are fingerprinted).
    pub site_root: PathBuf,
    /// Whether webhooks may go to loopback, private and link-local
    /// addresses (`ROSTER_WEBHOOKS_ALLOW_PRIVATE`); off, they are refused
    /// at registration and at every delivery.
    pub webhooks_allow_private: bool,
}

/// A variable that is set to something Roster cannot use. Start-up stops
/// with this message, which names the variable and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn invalid(variable: &'static str, problem: impl ToString) -> ConfigError {
    ConfigError { variable, problem: problem.to_string() }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`; a variable set to an empty
    /// string counts as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());

        let database_url = match get("ROSTER_DATABASE_URL") {
            Some(url) => DatabaseUrl::parse(&url).map_err(|e| invalid("ROSTER_DATABASE_URL", e))?,
            None => DatabaseUrl::default_sqlite(),
        };

        let bind: SocketAddr = match get("LEPTOS_SITE_ADDR") {
            Some(addr) => addr.trim().parse().map_err(|_| {
                invalid(
                    "LEPTOS_SITE_ADDR",
                    format!("expected an address such as 127.0.0.1:3000, got {addr:?}"),
                )
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };

        let public_url = match get("ROSTER_PUBLIC_URL") {
            Some(url) => parse_public_url(&url).map_err(|e| invalid("ROSTER_PUBLIC_URL", e))?,
            // On this machine alone, as `localhost`: browsers refuse
            // passkeys at an IP address, and treat `localhost` as secure.
            None if bind.ip().is_loopback() => Url::parse(&format!("http://localhost:{}", bind.port()))
                .map_err(|e| invalid("LEPTOS_SITE_ADDR", e))?,
            None => Url::parse(&format!("http://{bind}")).map_err(|e| invalid("LEPTOS_SITE_ADDR", e))?,
        };

        let smtp_url = get("ROSTER_SMTP_URL")
            .map(|url| parse_smtp_url(&url).map_err(|e| invalid("ROSTER_SMTP_URL", e)))
            .transpose()?;

        let mail_from = match get("ROSTER_MAIL_FROM") {
            Some(from) => {
                validate_mailbox(&from).map_err(|e| invalid("ROSTER_MAIL_FROM", e))?;
                from.trim().to_owned()
            }
            None => "Roster <no-reply@localhost>".to_owned(),
        };

        let defaults = SessionPolicy::default();
        let duration = |variable: &'static str, default| match get(variable) {
            Some(text) => {
                parse_duration(&text).map_err(|e| invalid(variable, format!("{e} (examples: 12h, 30d)")))
            }
            None => Ok(default),
        };
        let sessions = SessionPolicy {
            idle: duration("ROSTER_SESSION_IDLE_TIMEOUT", defaults.idle)?,
            absolute: duration("ROSTER_SESSION_LIFETIME", defaults.absolute)?,
        };

        let site_root = PathBuf::from(get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()));

        let webhooks_allow_private = match get("ROSTER_WEBHOOKS_ALLOW_PRIVATE") {
            Some(text) => parse_bool(&text).map_err(|e| invalid("ROSTER_WEBHOOKS_ALLOW_PRIVATE", e))?,
            None => false,
        };

        Ok(Self {
            database_url,
            public_url,
            bind,
            smtp_url,
            mail_from,
            sessions,
            site_root,
            webhooks_allow_private,
        })
    }
}

fn parse_bool(input: &str) -> Result<bool, String> {
    match input.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(format!("expected true or false, got {input:?}")),
    }
}

fn parse_public_url(input: &str) -> Result<Url, String> {
    let url = Url::parse(input.trim()).map_err(|e| format!("{e} in {input:?}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("expected an http:// or https:// URL, got {input:?}"));
    }
    if url.host().is_none() || url.query().is_some() || url.fragment().is_some() {
        return Err(format!("expected a URL such as https://roster.example.com, got {input:?}"));
    }
    Ok(url)
}

fn parse_smtp_url(input: &str) -> Result<Url, String> {
    let url = Url::parse(input.trim()).map_err(|_| {
        "not a valid URL (example: smtp://user:pass@mail.example.com:587?tls=required)".to_owned()
    })?;
    if !matches!(url.scheme(), "smtp" | "smtps") {
        return Err(format!("expected smtp:// or smtps://, got {}://", url.scheme()));
    }
    if url.host().is_none() {
        return Err("the URL names no host".to_owned());
    }
    Ok(url)
}

/// Accepts `address@example.com` or `Display Name <address@example.com>`.
fn validate_mailbox(input: &str) -> Result<(), String> {
    input
        .trim()
        .parse::<lettre::message::Mailbox>()
        .map(|_| ())
        .map_err(|_| format!("expected an address such as \"Roster <no-reply@example.com>\", got {input:?}"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn runs_with_no_configuration() {
        let config = config(&[]).unwrap();
        assert_eq!(config.database_url, DatabaseUrl::Sqlite("sqlite://data/roster.db".into()));
        assert_eq!(config.public_url.as_str(), "http://localhost:3000/");
        assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
        assert!(config.smtp_url.is_none());
        assert_eq!(config.mail_from, "Roster <no-reply@localhost>");
        assert_eq!(config.sessions, SessionPolicy::default());
        assert_eq!(config.site_root, PathBuf::from("target/site"));
        assert!(!config.webhooks_allow_private);
    }

    #[test]
    fn the_public_url_defaults_to_the_bind_address() {
        let config = config(&[("LEPTOS_SITE_ADDR", "0.0.0.0:8080")]).unwrap();
        assert_eq!(config.public_url.as_str(), "http://0.0.0.0:8080/");
    }

    #[test]
    fn every_bad_value_names_its_variable() {
        let cases = [
            ("ROSTER_DATABASE_URL", "mysql://localhost/roster"),
            ("ROSTER_PUBLIC_URL", "roster.example.com"),
            ("ROSTER_PUBLIC_URL", "ftp://roster.example.com"),
            ("ROSTER_SMTP_URL", "http://mail.example.com"),
            ("ROSTER_SMTP_URL", "not a url"),
            ("ROSTER_MAIL_FROM", "Roster <not-an-address>"),
            ("LEPTOS_SITE_ADDR", "localhost"),
            ("ROSTER_SESSION_IDLE_TIMEOUT", "forever"),
            ("ROSTER_SESSION_LIFETIME", "0s"),
            ("ROSTER_WEBHOOKS_ALLOW_PRIVATE", "sometimes"),
        ];
        for (variable, value) in cases {
            let error = config(&[(variable, value)]).unwrap_err();
            assert_eq!(error.variable, variable, "{value:?}");
            assert!(error.to_string().starts_with(variable), "{error}");
        }
    }

    #[test]
    fn accepts_real_settings() {
        let config = config(&[
            ("ROSTER_DATABASE_URL", "postgres://roster@db/roster"),
            ("ROSTER_PUBLIC_URL", "https://roster.example.com"),
            ("ROSTER_SMTP_URL", "smtp://user:secret@mail.example.com:587?tls=required"),
            ("ROSTER_MAIL_FROM", "Acme Admin <admin@acme.example>"),
            ("ROSTER_SESSION_IDLE_TIMEOUT", "2h"),
            ("ROSTER_SESSION_LIFETIME", "7d"),
            ("ROSTER_WEBHOOKS_ALLOW_PRIVATE", "true"),
        ])
        .unwrap();
        assert!(config.webhooks_allow_private);
        assert!(matches!(config.database_url, DatabaseUrl::Postgres(_)));
        assert_eq!(config.public_url.scheme(), "https");
        assert_eq!(config.sessions.idle, chrono::Duration::hours(2));
        assert_eq!(config.sessions.absolute, chrono::Duration::days(7));
    }

    #[test]
    fn empty_values_count_as_unset() {
        assert!(config(&[("ROSTER_SMTP_URL", ""), ("ROSTER_PUBLIC_URL", " ")]).is_ok());
    }
}
