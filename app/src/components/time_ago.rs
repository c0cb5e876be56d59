use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::relative_time::relative;

/// "5 minutes ago", with the exact time on hover and for machines. `now` is
/// the server's clock, so the text reads the same before and after hydration.
#[component]
pub fn TimeAgo(at: DateTime<Utc>, now: DateTime<Utc>) -> impl IntoView {
    view! {
        <time datetime=at.to_rfc3339() title=at.format("%Y-%m-%d %H:%M UTC").to_string()>
            {relative(at, now)}
        </time>
    }
}

/// When someone last signed in, or "Never".
#[component]
pub fn LastSignIn(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> impl IntoView {
    match at {
        Some(at) => view! { <TimeAgo at now /> }.into_any(),
        None => "Never".into_any(),
    }
}
