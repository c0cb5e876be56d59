use chrono::{DateTime, Utc};

/// "just now", "5 minutes ago", "3 days ago", "2 years ago".
pub fn relative(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - then).num_seconds().max(0);
    let (count, unit) = match seconds {
        0..60 => return "just now".to_owned(),
        60..3_600 => (seconds / 60, "minute"),
        3_600..86_400 => (seconds / 3_600, "hour"),
        86_400..2_592_000 => (seconds / 86_400, "day"),
        2_592_000..31_536_000 => (seconds / 2_592_000, "month"),
        _ => (seconds / 31_536_000, "year"),
    };
    format!("{count} {unit}{} ago", if count == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn reads_like_a_person_would_say_it() {
        let now = Utc::now();
        let ago = |d: Duration| relative(now - d, now);
        assert_eq!(ago(Duration::seconds(5)), "just now");
        assert_eq!(ago(Duration::minutes(1)), "1 minute ago");
        assert_eq!(ago(Duration::hours(5)), "5 hours ago");
        assert_eq!(ago(Duration::days(3)), "3 days ago");
        assert_eq!(ago(Duration::days(65)), "2 months ago");
        assert_eq!(ago(Duration::days(800)), "2 years ago");
        assert_eq!(relative(now + Duration::minutes(5), now), "just now", "clock skew reads as now");
    }
}
