use leptos::{html::Input, prelude::*};
use leptos_router::hooks::use_query_map;

use crate::{
    AppError, AuthActions,
    components::{AuthCard, FormAlert, FormErrors, FormField},
};

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = expect_context::<AuthActions>().sign_in;
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();

    let errors = FormErrors::of(action.value());

    // After a failed attempt the password is cleared and focused, ready for
    // another try, whether the form was sent with Enter or with the button.
    let password = NodeRef::<Input>::new();
    Effect::new(move |_| {
        if matches!(errors.last().get(), Some(AppError::WrongCredentials))
            && let Some(input) = password.get()
        {
            input.set_value("");
            let _ = input.focus();
        }
    });

    view! {
        <AuthCard title="Sign in" heading="Sign in to Roster" heading_id="sign-in-heading">
            <ActionForm action>
                <input type="hidden" name="next" value=next />
                <FormField label="Email" name="email" input_type="email" autocomplete="username" error=errors.field("email") />
                <FormField
                    label="Password"
                    name="password"
                    input_type="password"
                    autocomplete="current-password"
                    error=errors.field("password")
                    node_ref=password
                />
                <FormAlert message=errors.general() />
                <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
            <p>
                <a href="/forgot-password">"Forgot your password?"</a>
            </p>
        </AuthCard>
    }
}
