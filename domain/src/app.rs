//! Applications that sign people in with Roster (OpenID Connect clients):
//! what registering one accepts.

use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};
use url::Url;

const MAX_NAME_CHARS: usize = 100;
const MAX_URI_BYTES: usize = 2_000;
/// Enough for every environment of one app; a longer list is a mistake.
pub const MAX_REDIRECT_URIS: usize = 10;

/// How an application proves who it is at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "lowercase", parse_err_ty = String, parse_err_fn = unknown_kind)]
pub enum AppKind {
    /// A server that keeps a client secret.
    Confidential,
    /// A browser or native app: no secret, so PKCE is required.
    Public,
}

impl AppKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Confidential => "Confidential (server, with a client secret)",
            Self::Public => "Public (browser or native app, PKCE)",
        }
    }
}

fn unknown_kind(name: &str) -> String {
    format!("unknown application type {name:?}")
}

impl TryFrom<String> for AppKind {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// Whether an application may sign people in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(Display, EnumString, IntoStaticStr)]
#[strum(serialize_all = "lowercase", parse_err_ty = String, parse_err_fn = unknown_app_status)]
pub enum AppStatus {
    Active,
    Disabled,
}

impl AppStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

fn unknown_app_status(name: &str) -> String {
    format!("unknown application status {name:?}")
}

impl TryFrom<String> for AppStatus {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// What registering or editing an application was given, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSettings {
    pub name: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
}

/// Which field of an application's settings is wrong, and how.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppSettingsError {
    #[error("Enter the application's name.")]
    NameEmpty,
    #[error("A name can be at most {MAX_NAME_CHARS} characters.")]
    NameTooLong,
    #[error("A name cannot contain control characters.")]
    NameControlCharacter,
    #[error("Enter at least one redirect URI.")]
    NoRedirectUri,
    #[error("At most {MAX_REDIRECT_URIS} URIs.")]
    TooManyUris,
    #[error("{uri:?}: {problem}")]
    BadUri { field: AppUriField, uri: String, problem: &'static str },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppUriField {
    Redirect,
    PostLogoutRedirect,
    BackchannelLogout,
}

impl AppUriField {
    /// The form field the URI was typed in.
    pub fn field_name(self) -> &'static str {
        match self {
            Self::Redirect => "redirect_uris",
            Self::PostLogoutRedirect => "post_logout_redirect_uris",
            Self::BackchannelLogout => "backchannel_logout_uri",
        }
    }
}

impl AppSettingsError {
    /// The form field the problem is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::NameEmpty | Self::NameTooLong | Self::NameControlCharacter => "name",
            Self::NoRedirectUri | Self::TooManyUris => "redirect_uris",
            Self::BadUri { field, .. } => field.field_name(),
        }
    }
}

impl AppSettings {
    /// Checks a form's fields: URIs one per line (blank lines ignored).
    pub fn parse(
        name: &str,
        redirect_uris: &str,
        post_logout_redirect_uris: &str,
        backchannel_logout_uri: &str,
    ) -> Result<Self, AppSettingsError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(AppSettingsError::NameEmpty);
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(AppSettingsError::NameTooLong);
        }
        if name.chars().any(char::is_control) {
            return Err(AppSettingsError::NameControlCharacter);
        }
        let redirect_uris = uri_list(redirect_uris, AppUriField::Redirect)?;
        if redirect_uris.is_empty() {
            return Err(AppSettingsError::NoRedirectUri);
        }
        let post_logout_redirect_uris = uri_list(post_logout_redirect_uris, AppUriField::PostLogoutRedirect)?;
        let backchannel_logout_uri = match backchannel_logout_uri.trim() {
            "" => None,
            uri => Some(checked_uri(uri, AppUriField::BackchannelLogout)?),
        };
        Ok(Self { name: name.to_owned(), redirect_uris, post_logout_redirect_uris, backchannel_logout_uri })
    }
}

fn uri_list(input: &str, field: AppUriField) -> Result<Vec<String>, AppSettingsError> {
    let mut uris = Vec::new();
    for line in input.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let uri = checked_uri(line, field)?;
        if !uris.contains(&uri) {
            uris.push(uri);
        }
    }
    if uris.len() > MAX_REDIRECT_URIS {
        return Err(AppSettingsError::TooManyUris);
    }
    Ok(uris)
}

/// An absolute `https` URI, or `http` on the loopback interface (an app in
/// development), with no fragment (RFC 6749 §3.1.2). Kept exactly as typed:
/// redirect URIs are compared byte for byte.
fn checked_uri(input: &str, field: AppUriField) -> Result<String, AppSettingsError> {
    let bad = |problem| AppSettingsError::BadUri { field, uri: shortened(input), problem };
    if input.len() > MAX_URI_BYTES {
        return Err(bad("too long"));
    }
    // The URL parser drops tabs and newlines; the URI is kept as typed, so
    // they must not get that far.
    if input.chars().any(char::is_control) {
        return Err(bad("a URI cannot contain control characters"));
    }
    let url = Url::parse(input).map_err(|_| bad("not an absolute URI"))?;
    if url.fragment().is_some() || input.contains('#') {
        return Err(bad("a redirect URI cannot have a fragment (#…)"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("a URI cannot carry a user name or password"));
    }
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err(bad("use https (http only on localhost)")),
        _ => return Err(bad("use an https URI")),
    }
    Ok(input.to_owned())
}

/// How a refused URI is quoted back: enough to recognise it. The whole of
/// an oversized one would make an oversized answer.
fn shortened(uri: &str) -> String {
    const QUOTED_CHARS: usize = 80;
    if uri.chars().count() <= QUOTED_CHARS {
        return uri.to_owned();
    }
    let mut short: String = uri.chars().take(QUOTED_CHARS).collect();
    short.push('…');
    short
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_statuses_round_trip_through_their_names() {
        for kind in [AppKind::Confidential, AppKind::Public] {
            assert_eq!(kind.as_str().parse::<AppKind>(), Ok(kind));
        }
        for status in [AppStatus::Active, AppStatus::Disabled] {
            assert_eq!(status.as_str().parse::<AppStatus>(), Ok(status));
        }
        assert!("other".parse::<AppKind>().is_err());
    }

    #[test]
    fn settings_keep_uris_exactly_and_drop_blank_lines_and_repeats() {
        let settings = AppSettings::parse(
            " Billing ",
            "https://billing.example/callback\n\n  https://billing.example/callback \nhttp://127.0.0.1:8080/cb",
            "",
            "https://billing.example/backchannel",
        )
        .unwrap();
        assert_eq!(settings.name, "Billing");
        assert_eq!(settings.redirect_uris, ["https://billing.example/callback", "http://127.0.0.1:8080/cb"]);
        assert!(settings.post_logout_redirect_uris.is_empty());
        assert_eq!(settings.backchannel_logout_uri.as_deref(), Some("https://billing.example/backchannel"));
    }

    #[test]
    fn unsafe_or_malformed_uris_are_refused_with_their_field() {
        for (uri, problem) in [
            ("billing.example/cb", "not an absolute URI"),
            ("https://billing.example/cb#x", "fragment"),
            ("http://billing.example/cb", "https"),
            ("javascript:alert(1)", "https"),
            ("https://user:pw@billing.example/cb", "user name"),
        ] {
            let error = AppSettings::parse("Billing", uri, "", "").unwrap_err();
            assert_eq!(error.field(), "redirect_uris", "{uri}");
            assert!(error.to_string().contains(problem), "{uri}: {error}");
        }
        let error = AppSettings::parse(
            "Billing",
            "https://a.example/cb",
            "",
            "https://a.example/1\nhttps://a.example/2",
        )
        .unwrap_err();
        assert_eq!(error.field(), "backchannel_logout_uri");
        assert!(error.to_string().contains("control characters"), "{error}");
        let error = AppSettings::parse("Billing", "https://a.example/cb", "", "ftp://a.example").unwrap_err();
        assert_eq!(error.field(), "backchannel_logout_uri");
        assert_eq!(
            AppSettings::parse("", "https://a.example", "", "").unwrap_err(),
            AppSettingsError::NameEmpty
        );
        assert_eq!(AppSettings::parse("A", " \n ", "", "").unwrap_err(), AppSettingsError::NoRedirectUri);
        let long = format!("https://a.example/{}", "x".repeat(5_000));
        let error = AppSettings::parse("A", &long, "", "").unwrap_err();
        assert!(error.to_string().len() < 200, "quoted short: {error}");
        let many: String = (0..11).map(|i| format!("https://a.example/{i}\n")).collect();
        assert_eq!(AppSettings::parse("A", &many, "", "").unwrap_err(), AppSettingsError::TooManyUris);
    }
}
