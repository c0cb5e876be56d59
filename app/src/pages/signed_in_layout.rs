use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};

use crate::{CurrentUserResource, components::AppHeader};

/// The frame of every page that needs a signed-in user. The server already
/// redirects signed-out requests; this covers navigation inside the browser
/// after a session has ended.
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let user = expect_context::<CurrentUserResource>().0;
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => {
                        view! {
                            <AppHeader user />
                            <main id="main" class="page">
                                <Outlet />
                            </main>
                        }
                            .into_any()
                    }
                    Ok(None) => view! { <Redirect path="/sign-in" /> }.into_any(),
                    Err(error) => {
                        view! {
                            <main id="main" class="page">
                                <p role="alert">{error.to_string()}</p>
                            </main>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}
