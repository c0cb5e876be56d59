use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    AuthActions,
    api::check_setup_link,
    components::{ErrorAlert, FormAlert, FormErrors, FormField},
};

/// First run: the link printed by the server opens this page, which creates
/// the first super admin.
#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let link = Resource::new(token, check_setup_link);

    view! {
        <Title text="Set up Roster" />
        <main id="main" class="auth-page">
            <section class="auth-card" aria-labelledby="setup-heading">
                <h1 id="setup-heading">"Set up Roster"</h1>
                <Suspense fallback=|| view! { <p>"Checking your link…"</p> }>
                    {move || Suspend::new(async move {
                        match link.await {
                            Ok(()) => view! { <SetupForm token=token() /> }.into_any(),
                            Err(error) => {
                                view! {
                                    <ErrorAlert error class="form-alert" />
                                    <p>
                                        "A new setup link is printed each time Roster starts while it has no super admin. "
                                        <a href="/sign-in">"Sign in"</a>
                                        " if you already have an account."
                                    </p>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn SetupForm(token: String) -> impl IntoView {
    let action = expect_context::<AuthActions>().complete_setup;
    let errors = FormErrors::of(action.value());

    view! {
        <p>"Create the first super admin. This account can manage every organization."</p>
        <ActionForm action>
            <input type="hidden" name="token" value=token />
            <FormField label="Email" name="email" input_type="email" autocomplete="username" error=errors.field("email") />
            <FormField label="Name" name="name" autocomplete="name" error=errors.field("name") />
            <FormField
                label="Password"
                name="password"
                input_type="password"
                autocomplete="new-password"
                hint="At least 8 characters."
                error=errors.field("password")
            />
            <FormAlert message=errors.general() />
            <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                "Create account"
            </button>
        </ActionForm>
    }
}
