use leptos::prelude::*;

use super::{DisclosureButton, OrgSwitcher, close_on_escape};
use crate::{AuthActions, CurrentUserResource, api::SignedInUser};

/// The bar at the top of every signed-in page. Only the account menu waits
/// for the signed-in user; the organization switcher loads its own data
/// beside it (built inside the wait, it would be built, and load, again on
/// every pass of the server over the suspended tree).
#[component]
pub fn AppHeader() -> impl IntoView {
    let user = expect_context::<CurrentUserResource>().0;
    view! {
        <header class="app-header">
            <a class="brand" href="/">
                "Roster"
            </a>
            <OrgSwitcher />
            <span class="header-spacer"></span>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move { user.await.ok().flatten().map(|user| view! { <AccountMenu user /> }) })}
            </Transition>
        </header>
    }
}

/// The signed-in person's name, opening a menu with "Sign out".
#[component]
fn AccountMenu(user: SignedInUser) -> impl IntoView {
    let sign_out = expect_context::<AuthActions>().sign_out;
    let open = RwSignal::new(false);
    let role = if user.is_super_admin { "Super admin" } else { "Member" };
    view! {
        <div class="account-menu" on:keydown=close_on_escape(open)>
            <DisclosureButton open controls="account-menu" class="account-menu-button">
                <span class="visually-hidden">"Account menu for "</span>
                {user.name.clone()}
            </DisclosureButton>
            <div id="account-menu" class="account-menu-panel" hidden=move || !open.get()>
                <p class="account-menu-who">
                    <span class="account-menu-email">{user.email.clone()}</span>
                    <span class="account-menu-role">{role}</span>
                </p>
                <p>
                    <a href="/account">"Your account"</a>
                </p>
                <ActionForm action=sign_out>
                    <button type="submit" class="button-secondary">
                        "Sign out"
                    </button>
                </ActionForm>
            </div>
        </div>
    }
}
