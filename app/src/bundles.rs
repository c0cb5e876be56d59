//! The bundles a page can hydrate with. The console bundle has every page;
//! the busiest first visits, signing in and an organization's members, also
//! have a bundle of their own, a fraction of the console's size, which a
//! release build makes (one cargo-leptos project each, see `Cargo.toml`).
//!
//! A page is sent with the smallest bundle that has it. Following a link
//! from there to a page that bundle lacks loads that page from the server
//! ([`LoadFromServer`]), with the console bundle, which the browser keeps.

use leptos::prelude::*;

use crate::{
    root,
    routes::{has_page, member_pages, sign_in_pages, signed_in},
};

/// A bundle besides the console's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    SignIn,
    Members,
}

impl Bundle {
    pub const ALL: [Bundle; 2] = [Bundle::SignIn, Bundle::Members];

    /// Its directory in the site's `pkg/` (the cargo-leptos project is
    /// `roster-<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Bundle::SignIn => "sign-in",
            Bundle::Members => "members",
        }
    }

    /// Whether it has the page at `path`.
    pub fn has_page(self, path: &str) -> bool {
        match self {
            Bundle::SignIn => has_page(&sign_in_pages(), path),
            Bundle::Members => has_page(&signed_in(member_pages()), path),
        }
    }
}

/// The root of the sign-in bundle.
#[component]
pub fn SignInApp() -> impl IntoView {
    root(LoadFromServer, sign_in_pages())
}

/// The root of the members bundle.
#[component]
pub fn MembersApp() -> impl IntoView {
    root(LoadFromServer, signed_in(member_pages()))
}

/// A page this bundle lacks, reached by navigating in the browser: the
/// browser loads it from the server instead, once the router has put the
/// new address in the history (it does so after showing this).
#[component]
fn LoadFromServer() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    set_timeout(|| drop(window().location().reload()), std::time::Duration::ZERO);
}

#[cfg(test)]
mod tests {
    use super::Bundle;

    #[test]
    fn each_bundle_has_its_pages_and_no_other() {
        for path in ["/sign-in", "/sign-in/verify"] {
            assert!(Bundle::SignIn.has_page(path), "{path}");
            assert!(!Bundle::Members.has_page(path), "{path}");
        }
        for path in ["/orgs/acme/members", "/orgs/acme/members/42"] {
            assert!(Bundle::Members.has_page(path), "{path}");
            assert!(!Bundle::SignIn.has_page(path), "{path}");
        }
        for path in
            ["/", "/orgs/acme", "/orgs/acme/invitations", "/orgs/acme/members/42/x", "/setup", "/nowhere"]
        {
            assert!(Bundle::ALL.iter().all(|bundle| !bundle.has_page(path)), "{path}");
        }
    }
}
