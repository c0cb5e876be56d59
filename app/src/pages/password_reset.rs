use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    AuthActions,
    api::{RequestPasswordReset, check_reset_link},
    components::{ErrorAlert, FormAlert, FormErrors, FormField},
};

/// "Forgot password": asks for an address and answers the same whether or
/// not it has an account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let errors = FormErrors::of(action.value());
    let sent_to = move || action.value().with(|value| value.as_ref().and_then(|v| v.as_ref().ok()).cloned());
    view! {
        <Title text="Forgot password" />
        <main id="main" class="auth-page">
            <section class="auth-card" aria-labelledby="forgot-heading">
                <h1 id="forgot-heading">"Choose a new password"</h1>
                <p>"Enter the address you sign in with. We will email it a link to choose a new password."</p>
                <ActionForm action>
                    <FormField label="Email" name="email" input_type="email" autocomplete="username" error=errors.field("email") />
                    <FormAlert message=errors.general() />
                    <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                        "Send link"
                    </button>
                </ActionForm>
                <p role="status">
                    {move || {
                        sent_to()
                            .map(|email| {
                                format!(
                                    "If an account uses {email}, a link is on its way to it. The link works once, for one hour.",
                                )
                            })
                    }}
                </p>
                <p>
                    <a href="/sign-in">"Back to sign in"</a>
                </p>
            </section>
        </main>
    }
}

/// Where a reset email's link leads (`/reset-password?token=…`).
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let link = Resource::new(token, check_reset_link);
    view! {
        <Title text="Choose a new password" />
        <main id="main" class="auth-page">
            <section class="auth-card" aria-labelledby="reset-heading">
                <h1 id="reset-heading">"Choose a new password"</h1>
                <Suspense fallback=|| view! { <p>"Checking your link…"</p> }>
                    {move || Suspend::new(async move {
                        match link.await {
                            Ok(()) => view! { <ResetForm token=token() /> }.into_any(),
                            Err(error) => {
                                view! {
                                    <ErrorAlert error class="form-alert" />
                                    <p>
                                        <a href="/forgot-password">"Ask for a new link"</a>
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
fn ResetForm(token: String) -> impl IntoView {
    let action = expect_context::<AuthActions>().reset_password;
    let errors = FormErrors::of(action.value());
    view! {
        <p>"Choosing a new password signs you out on every other device."</p>
        <ActionForm action>
            <input type="hidden" name="token" value=token />
            <FormField
                label="New password"
                name="password"
                input_type="password"
                autocomplete="new-password"
                hint="At least 8 characters; avoid common or easily guessed ones."
                error=errors.field("password")
            />
            <FormAlert message=errors.general() />
            <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                "Set password and sign in"
            </button>
        </ActionForm>
    }
}
