//! Second factors in forms that several pages share: confirming a
//! sensitive change with a passkey or a code, the passkey ceremony's
//! button and alerts (driven by `public/passkeys.js`), and signing in with
//! a passkey alone.

use leptos::{prelude::*, server_fn::ServerFn};

use super::{FormAlert, FormErrors, FormField, SubmitButton};
use crate::api::{
    ConfirmSecondFactor, ConfirmWithPasskey, FinishPasskeySignIn, StartPasskeyConfirmation,
    StartPasskeySignIn,
};

/// Gives the second factor again, for a sensitive change (a code, or a
/// passkey); then the change is tried again by the person.
#[component]
pub fn ConfirmFactorForm(
    /// Called once confirmed.
    #[prop(optional, into)]
    on_confirmed: Option<Callback<()>>,
) -> impl IntoView {
    let confirm = ServerAction::<ConfirmSecondFactor>::new();
    let with_passkey = ServerAction::<ConfirmWithPasskey>::new();
    let errors = FormErrors::of(confirm.value());
    let passkey_errors = FormErrors::of(with_passkey.value());
    let confirmed = move || {
        confirm.value().with(|result| matches!(result, Some(Ok(()))))
            || with_passkey.value().with(|result| matches!(result, Some(Ok(()))))
    };
    Effect::new(move |_| {
        if confirmed()
            && let Some(callback) = on_confirmed
        {
            callback.run(());
        }
    });
    view! {
        <div class="confirm-factor" role="group" aria-labelledby="confirm-factor-heading">
            <h3 id="confirm-factor-heading">"Confirm it is you"</h3>
            <Show
                when=confirmed
                fallback=move || view! {
                    <ActionForm action=with_passkey>
                        <input type="hidden" name="challenge" />
                        <input type="hidden" name="credential" />
                        <PasskeyAlerts errors=passkey_errors />
                        <PasskeyButton start=StartPasskeyConfirmation::PATH ceremony="get" label="Use a passkey" class="button-secondary button-inline" />
                    </ActionForm>
                    <ActionForm action=confirm>
                        <FormField label="Or a code from your authenticator app, or a recovery code" name="confirm_code" autocomplete="one-time-code" error=errors.field("confirm_code") />
                        <FormAlert message=errors.general() />
                        <SubmitButton label="Confirm" busy="Checking…" pending=confirm.pending() />
                    </ActionForm>
                }
            >
                <p role="status" class="form-notice">"Confirmed. Try the change again."</p>
            </Show>
        </div>
    }
}

/// The button that runs a passkey ceremony for its form (`passkeys.js`).
#[component]
pub fn PasskeyButton(
    /// The server function that starts the ceremony.
    start: &'static str,
    /// `create` (adding a passkey) or `get` (using one).
    ceremony: &'static str,
    label: &'static str,
    #[prop(default = "button-primary")] class: &'static str,
) -> impl IntoView {
    view! {
        <button type="button" class=class data-passkey=start data-ceremony=ceremony>{label}</button>
    }
}

/// Where a passkey form says what went wrong: the browser's prompt (written
/// by `passkeys.js`), or the server's answer.
#[component]
pub fn PasskeyAlerts(errors: FormErrors) -> impl IntoView {
    let message = Signal::derive(move || errors.field("credential").get().or_else(|| errors.general().get()));
    view! {
        <p class="form-alert" role="alert" data-passkey-error></p>
        <FormAlert message />
    }
}

/// Signing in with a passkey alone, on the sign-in page: a plain form post,
/// so its redirect (to a page, or on to an app) is followed by the browser.
#[component]
pub fn PasskeySignInForm(next: Memo<String>) -> impl IntoView {
    let action = ServerAction::<FinishPasskeySignIn>::new();
    let errors = FormErrors::of(action.value());
    view! {
        <form method="post" action=FinishPasskeySignIn::PATH class="passkey-sign-in">
            <input type="hidden" name="next" value=next />
            <input type="hidden" name="challenge" />
            <input type="hidden" name="credential" />
            <PasskeyAlerts errors />
            <PasskeyButton start=StartPasskeySignIn::PATH ceremony="get" label="Use a passkey instead" class="button-secondary" />
        </form>
    }
}
