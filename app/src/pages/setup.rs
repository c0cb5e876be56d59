use leptos::prelude::*;

use crate::{
    AuthActions,
    api::check_setup_link,
    components::{AuthCard, CheckedLink, FormAlert, FormErrors, FormField, NewPasswordField},
};

/// First run: the link printed by the server opens this page, which creates
/// the first super admin.
#[component]
pub fn SetupPage() -> impl IntoView {
    view! {
        <AuthCard title="Set up Roster" heading="Set up Roster" heading_id="setup-heading">
            <CheckedLink
                checking="Checking your link…"
                check=check_setup_link
                form=|(), token| view! { <SetupForm token /> }
                dead_link=|| view! {
                    <p>
                        "A new setup link is printed each time Roster starts while it has no super admin. "
                        <a href="/sign-in">"Sign in"</a>
                        " if you already have an account."
                    </p>
                }
            />
        </AuthCard>
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
            <NewPasswordField label="Password" hint="At least 8 characters." errors />
            <FormAlert message=errors.general() />
            <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                "Create account"
            </button>
        </ActionForm>
    }
}
