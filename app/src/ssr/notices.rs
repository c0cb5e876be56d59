//! Notices across the redirect of a form posted without JavaScript.

use http::{HeaderMap, header, request::Parts};
use leptos::prelude::use_context;

use crate::notice::{Notice, with_notice};

/// After a change made by a plain form post (no JavaScript), sends the
/// browser back to the page it came from with `notice` in the address. A
/// call from the running app (which asks for JSON) is left alone: the page
/// shows the notice itself when the call returns.
pub fn after_form_post(notice: Notice) {
    let Some(parts) = use_context::<Parts>() else {
        return;
    };
    if let Some(back) = back_with_notice(&parts.headers, notice) {
        leptos_axum::redirect(&back);
    }
}

/// Where a plain form post returns to, with the notice: the path and query
/// of its `Referer`, which the cross-site check has already vouched for.
/// Only the path is kept, with one leading slash (`//host` would be
/// another site), so the redirect never leaves this one.
fn back_with_notice(headers: &HeaderMap, notice: Notice) -> Option<String> {
    let accept = headers.get(header::ACCEPT)?.to_str().ok()?;
    if !accept.contains("text/html") {
        return None;
    }
    let referer = url::Url::parse(headers.get(header::REFERER)?.to_str().ok()?).ok()?;
    let query = with_notice(referer.query().unwrap_or_default(), notice);
    Some(format!("/{}?{query}", referer.path().trim_start_matches('/')))
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(accept: &str, referer: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        headers.insert(header::REFERER, HeaderValue::from_str(referer).unwrap());
        headers
    }

    #[test]
    fn a_plain_form_post_returns_to_its_page_with_the_notice() {
        let plain = headers("text/html,application/xhtml+xml", "http://roster.test/account?tab=1");
        assert_eq!(
            back_with_notice(&plain, Notice::NameSaved).as_deref(),
            Some("/account?tab=1&notice=name-saved")
        );
    }

    #[test]
    fn the_app_and_other_sites_get_no_redirect() {
        let app = headers("application/json", "http://roster.test/account");
        assert_eq!(back_with_notice(&app, Notice::NameSaved), None);
        // Only the path is used: a redirect never leaves the site.
        let elsewhere = headers("text/html", "https://evil.test//evil.test/x");
        assert_eq!(
            back_with_notice(&elsewhere, Notice::NameSaved).as_deref(),
            Some("/evil.test/x?notice=name-saved")
        );
    }
}
