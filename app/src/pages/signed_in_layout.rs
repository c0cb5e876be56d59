use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, Redirect},
    hooks::use_location,
};

use crate::{
    CurrentUserResource,
    api::current_user,
    components::{AppHeader, CurrentOrganization, ErrorAlert, NoticeRegion, Notices, SiteNav},
};

/// The frame of every page that needs a signed-in user. The server already
/// redirects signed-out requests; this covers navigation inside the browser
/// after a session has ended: each move to another page asks again who is
/// signed in (without re-rendering the page), so someone suspended or signed
/// out elsewhere is sent to sign in on their next click.
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let user = expect_context::<CurrentUserResource>().0;
    let location = use_location();
    // Whether this layout is still on screen when the question below is
    // answered: a move out of it (signing out here goes to sign-in) may
    // start the check just before the layout goes, and a reload then would
    // be a second navigation racing the first.
    let shown = Arc::new(AtomicBool::new(true));
    on_cleanup({
        let shown = Arc::clone(&shown);
        move || shown.store(false, Ordering::Relaxed)
    });
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            let shown = Arc::clone(&shown);
            leptos::task::spawn_local(async move {
                // Only for a session that ended elsewhere: signing out here
                // already took the page to sign-in (the `Redirect` below),
                // and a reload on top would be a second navigation.
                let thought_signed_in = user.get_untracked().is_some_and(|user| matches!(user, Ok(Some(_))));
                if thought_signed_in
                    && let Ok(None) = current_user().await
                    && shown.load(Ordering::Relaxed)
                {
                    // A full load: the server redirects to sign-in and no
                    // state of the ended session survives in the page.
                    let _ = window().location().reload();
                }
            });
        }
        path
    });
    // Only what needs the user waits for it. The page (`Outlet`) stays out
    // of that wait: a component inside a `Suspend` is built again each time
    // the server walks the suspended tree, and with it every resource it
    // creates, so a page under it loaded its data two or three times per
    // server render. Its own server functions check the session anyway.
    CurrentOrganization::provide();
    let notices = Notices::provide();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <AppHeader />
        <div class="app-body">
            <SiteNav />
            <main id="main" class="page">
                <NoticeRegion notices />
                <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(_)) => ().into_any(),
                        Ok(None) => view! { <Redirect path="/sign-in" /> }.into_any(),
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    }
                })}
                </Transition>
                <Outlet />
            </main>
        </div>
    }
}
