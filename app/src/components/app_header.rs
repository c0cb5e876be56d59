use leptos::prelude::*;

use super::{DisclosureButton, OrgSwitcher, close_on_escape};
use crate::{AuthActions, api::SignedInUser};

/// The bar at the top of every signed-in page.
#[component]
pub fn AppHeader(user: SignedInUser) -> impl IntoView {
    view! {
        <header class="app-header">
            <a class="brand" href="/">
                "Roster"
            </a>
            <OrgSwitcher is_super_admin=user.is_super_admin />
            <span class="header-spacer"></span>
            <AccountMenu user />
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
