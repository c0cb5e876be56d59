//! Roster's user interface and server functions.
//!
//! The same code renders every page on the server (feature `ssr`) and
//! hydrates it in the browser (feature `hydrate`).

pub mod api;
pub mod bundles;
pub mod components;
pub mod error;
pub mod notice;
pub mod pages;
mod relative_time;
mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::Router;

pub use error::AppError;

use crate::{
    api::{
        AcceptInvitation, CompleteSetup, RenameSelf, ResetPassword, SignIn, SignOut, SignedInUser,
        current_user,
    },
    pages::NotFoundPage,
};

/// Says so when the bundle cannot be downloaded or started (inline, so
/// that it does not depend on a download itself).
const LOAD_FAILURE_SCRIPT: &str = include_str!("load_failure.js");

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::csp::send_policy();
    #[cfg(feature = "ssr")]
    let scripts = ssr::bundles::for_page(options.clone());
    #[cfg(not(feature = "ssr"))]
    let scripts = options.clone();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // In the shell, which knows the build's options, so that a
                // fingerprinting build's hashed name is linked.
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <script nonce=use_nonce()>{LOAD_FAILURE_SCRIPT}</script>
                <HydrationScripts options=scripts />
                // Passkey prompts: a small plain script, outside the bundle.
                <script src="/passkeys.js" defer></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The actions that change who is signed in, or their name. Kept together
/// in context so that the current user is fetched again whenever one of
/// them completes.
#[derive(Clone, Copy)]
pub struct AuthActions {
    pub sign_in: ServerAction<SignIn>,
    pub sign_out: ServerAction<SignOut>,
    pub complete_setup: ServerAction<CompleteSetup>,
    /// Accepting an invitation signs a new account in.
    pub accept_invitation: ServerAction<AcceptInvitation>,
    /// Choosing a new password from a reset link signs the person in.
    pub reset_password: ServerAction<ResetPassword>,
    /// The account menu shows the new name at once.
    pub rename_self: ServerAction<RenameSelf>,
}

/// The signed-in user (or `None`), shared by the header and the pages.
#[derive(Clone, Copy)]
pub struct CurrentUserResource(pub Resource<Result<Option<SignedInUser>, AppError>>);

/// Everything a page needs around it: the actions that change who is
/// signed in, and the signed-in user, in context. Every bundle creates them
/// in the same order, so that hydration finds the resource the server sent.
fn provide_app_state() {
    provide_meta_context();

    let actions = AuthActions {
        sign_in: ServerAction::new(),
        sign_out: ServerAction::new(),
        complete_setup: ServerAction::new(),
        accept_invitation: ServerAction::new(),
        reset_password: ServerAction::new(),
        rename_self: ServerAction::new(),
    };
    let user = Resource::new(
        move || {
            (
                actions.sign_in.version().get(),
                actions.sign_out.version().get(),
                actions.complete_setup.version().get(),
                actions.accept_invitation.version().get(),
                actions.reset_password.version().get(),
                actions.rename_self.version().get(),
            )
        },
        |_| current_user(),
    );
    provide_context(actions);
    provide_context(CurrentUserResource(user));
}

/// Every page: what the server renders, and what the console bundle
/// hydrates.
#[component]
pub fn App() -> impl IntoView {
    root(NotFoundPage, routes::all_pages())
}

/// The app around `pages`. Each bundle's root is this with the pages it
/// has (`bundles`), so that it hydrates what the server rendered.
fn root<Fallback: IntoView + 'static>(
    fallback: fn() -> Fallback,
    pages: impl routes::Pages,
) -> impl IntoView {
    provide_app_state();
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Roster".to_owned() } else { format!("{page} · Roster") } />
        // Pages wait for their data on the server, so the HTML that arrives is
        // complete and readable before the WebAssembly loads.
        <Router>{routes::with_fallback(fallback, pages)}</Router>
    }
}
