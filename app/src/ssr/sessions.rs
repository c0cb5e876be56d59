use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use cookie::{Cookie, SameSite};
use domain::AccountStatus;
use store::{SessionRecord, Store, StoreError, UserRecord};

use super::tokens;

pub const COOKIE_NAME: &str = "roster_session";

/// How long sessions last (DESIGN invariant 3: idle 12 hours, absolute 30 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle: Duration::hours(12), absolute: Duration::days(30) }
    }
}

/// Activity is written at most this often: a write per request would make
/// every page view contend for the database.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// The signed-in person behind a request.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub id: i64,
    pub user: UserRecord,
    /// When the person typed their password for this session (`auth_time`
    /// in the tokens an app receives).
    pub signed_in_at: DateTime<Utc>,
    /// How they proved it (OpenID Connect `amr`).
    pub amr: domain::Amr,
    /// When they last gave a second factor in this session.
    pub factor_verified_at: Option<DateTime<Utc>>,
    /// They must enroll a second factor before doing anything else.
    pub must_enroll: bool,
}

/// Whether a stored session still signs its user in at `now`. The account's
/// status is checked here, on every request, so a suspension takes effect on
/// the next request on every server instance (DESIGN invariant 2).
pub fn is_live(session: &SessionRecord, policy: &SessionPolicy, now: DateTime<Utc>) -> bool {
    session.revoked_at.is_none()
        && session.user.status == AccountStatus::Active
        && now < session.expires_at
        && now < session.last_seen_at + policy.idle
}

/// Finds the live session a cookie's token belongs to, recording activity.
pub async fn authenticate(
    store: &dyn Store,
    policy: &SessionPolicy,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<CurrentSession>, StoreError> {
    let Some(session) = store.find_session(&tokens::hash(token)).await? else {
        return Ok(None);
    };
    if !is_live(&session, policy, now) {
        return Ok(None);
    }
    if now - session.last_seen_at >= TOUCH_EVERY {
        store.touch_session(session.id, now).await?;
    }
    Ok(Some(CurrentSession {
        id: session.id,
        user: session.user,
        signed_in_at: session.created_at,
        amr: session.amr,
        factor_verified_at: session.factor_verified_at,
        must_enroll: session.must_enroll,
    }))
}

/// The `Set-Cookie` value that hands a new session to the browser: HttpOnly
/// (no script reads it), SameSite=Lax (no cross-site form posts carry it).
pub fn session_cookie(token: &str, policy: &SessionPolicy, secure: bool) -> String {
    Cookie::build((COOKIE_NAME, token.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(policy.absolute.num_seconds()))
        .build()
        .to_string()
}

/// A short-lived HttpOnly, SameSite=Lax cookie other than the session's
/// (an expired one, with `max_age` zero, makes the browser forget it).
pub fn short_cookie(name: &'static str, value: &str, max_age: Duration, secure: bool) -> String {
    Cookie::build((name, value.to_owned()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age.num_seconds()))
        .build()
        .to_string()
}

/// The `Set-Cookie` value that makes the browser forget its session.
pub fn expired_cookie(secure: bool) -> String {
    Cookie::build((COOKIE_NAME, ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::ZERO)
        .build()
        .to_string()
}

/// The session token in a request's `Cookie` headers, if any.
pub fn token_from_cookies<'a>(cookie_headers: impl Iterator<Item = &'a str>) -> Option<String> {
    cookie_headers
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == COOKIE_NAME && !cookie.value().is_empty())
        .map(|cookie| cookie.value().to_owned())
}

/// Parses durations such as `12h` or `30d` for the session settings.
pub fn parse_duration(input: &str) -> Result<Duration, String> {
    let parsed: StdDuration = humantime::parse_duration(input).map_err(|e| e.to_string())?;
    let duration = Duration::from_std(parsed).map_err(|e| e.to_string())?;
    if duration <= Duration::zero() {
        return Err("must be longer than zero".to_owned());
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(now: DateTime<Utc>) -> SessionRecord {
        SessionRecord {
            id: 1,
            created_at: now,
            last_seen_at: now,
            expires_at: now + Duration::days(30),
            revoked_at: None,
            user: UserRecord {
                id: 7,
                email: "ada@example.com".into(),
                name: "Ada".into(),
                is_super_admin: false,
                status: AccountStatus::Active,
                created_at: now,
                last_sign_in_at: Some(now),
            },
            amr: domain::Amr::password(),
            factor_verified_at: None,
            must_enroll: false,
        }
    }

    #[test]
    fn a_fresh_session_is_live() {
        let now = Utc::now();
        assert!(is_live(&session(now), &SessionPolicy::default(), now));
    }

    #[test]
    fn idle_sessions_expire_after_the_idle_timeout() {
        let now = Utc::now();
        let policy = SessionPolicy::default();
        let s = session(now);
        assert!(is_live(&s, &policy, now + Duration::hours(12) - Duration::seconds(1)));
        assert!(!is_live(&s, &policy, now + Duration::hours(12)));
    }

    #[test]
    fn activity_never_extends_past_the_absolute_lifetime() {
        let now = Utc::now();
        let later = now + Duration::days(30);
        let s = SessionRecord { last_seen_at: later - Duration::minutes(1), ..session(now) };
        assert!(is_live(&s, &SessionPolicy::default(), later - Duration::seconds(1)));
        assert!(!is_live(&s, &SessionPolicy::default(), later));
    }

    #[test]
    fn revoked_sessions_and_suspended_accounts_are_not_live() {
        let now = Utc::now();
        let revoked = SessionRecord { revoked_at: Some(now), ..session(now) };
        assert!(!is_live(&revoked, &SessionPolicy::default(), now));
        let mut suspended = session(now);
        suspended.user.status = AccountStatus::Suspended;
        assert!(!is_live(&suspended, &SessionPolicy::default(), now));
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_over_https() {
        let cookie = session_cookie("tok", &SessionPolicy::default(), true);
        for part in ["roster_session=tok", "HttpOnly", "SameSite=Lax", "Secure", "Path=/", "Max-Age=2592000"]
        {
            assert!(cookie.contains(part), "{cookie} lacks {part}");
        }
        assert!(!session_cookie("tok", &SessionPolicy::default(), false).contains("Secure"));
        assert!(expired_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn finds_the_session_cookie_among_others() {
        let headers = ["theme=dark; roster_session=abc", "other=1"];
        assert_eq!(token_from_cookies(headers.into_iter()).as_deref(), Some("abc"));
        assert_eq!(token_from_cookies(["roster_session="].into_iter()), None);
        assert_eq!(token_from_cookies(["garbage;;; =".to_owned()].iter().map(String::as_str)), None);
    }

    #[test]
    fn durations_parse_from_human_text() {
        assert_eq!(parse_duration("12h"), Ok(Duration::hours(12)));
        assert_eq!(parse_duration("30days"), Ok(Duration::days(30)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("0s").is_err());
    }
}
