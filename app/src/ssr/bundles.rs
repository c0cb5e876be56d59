//! Which bundle a page is sent with (see [`crate::bundles`]).

use leptos::prelude::{LeptosOptions, use_context};

use crate::bundles::Bundle;

/// The bundles the build made besides the console's, each with Leptos's
/// options naming its files; put in every page's context by the server.
#[derive(Clone, Debug, Default)]
pub struct Bundles(pub Vec<(Bundle, LeptosOptions)>);

/// The options whose scripts the page being rendered links: the first
/// bundle that has the page, or the console's, which has every page (and
/// is the answer whenever the build made no other).
pub fn for_page(console: LeptosOptions) -> LeptosOptions {
    let (Some(Bundles(bundles)), Some(parts)) =
        (use_context::<Bundles>(), use_context::<http::request::Parts>())
    else {
        return console;
    };
    let path = parts.uri.path();
    bundles.into_iter().find(|(bundle, _)| bundle.has_page(path)).map_or(console, |(_, options)| options)
}
