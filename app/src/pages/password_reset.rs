use leptos::prelude::*;

use crate::{
    AuthActions,
    api::{RequestPasswordReset, check_reset_link},
    components::{AuthCard, CheckedLink, FormAlert, FormErrors, FormField, NewPasswordField},
};

/// "Forgot password": asks for an address and answers the same whether or
/// not it has an account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let errors = FormErrors::of(action.value());
    let sent_to = move || action.value().with(|value| value.as_ref().and_then(|v| v.as_ref().ok()).cloned());
    view! {
        <AuthCard title="Forgot password" heading="Choose a new password" heading_id="forgot-heading">
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
        </AuthCard>
    }
}

/// Where a reset email's link leads (`/reset-password?token=…`).
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    view! {
        <AuthCard title="Choose a new password" heading="Choose a new password" heading_id="reset-heading">
            <CheckedLink
                checking="Checking your link…"
                check=check_reset_link
                form=|(), token| view! { <ResetForm token /> }
                dead_link=|| view! {
                    <p>
                        <a href="/forgot-password">"Ask for a new link"</a>
                    </p>
                }
            />
        </AuthCard>
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
            <NewPasswordField label="New password" errors />
            <FormAlert message=errors.general() />
            <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                "Set password and sign in"
            </button>
        </ActionForm>
    }
}
