use leptos::{html::Input, prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

use crate::{
    AppError, AuthActions,
    api::{SignIn, app_sign_in_name},
    components::{AuthCard, FormAlert, FormErrors, FormField},
};

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = Memo::new(move |_| query.read().get("next").unwrap_or_default());
    let client_id = Memo::new(move |_| authorization_client_id(&next.get()));

    view! {
        <AuthCard title="Sign in" heading="Sign in to Roster" heading_id="sign-in-heading">
            <AppContext client_id />
            {move || {
                if client_id.with(Option::is_some) {
                    view! { <AuthorizationSignInForm next=next.get() /> }.into_any()
                } else {
                    view! { <SignInForm next /> }.into_any()
                }
            }}
            <p>
                <a href="/forgot-password">"Forgot your password?"</a>
            </p>
            <p class="divider-text">"or"</p>
            <crate::components::PasskeySignInForm next />
        </AuthCard>
    }
}

/// The `client_id` of an authorization request (`/oauth2/authorize?…`)
/// that the person will continue to after signing in.
fn authorization_client_id(next: &str) -> Option<String> {
    let query = next.strip_prefix("/oauth2/authorize")?;
    let query = if query.is_empty() { "" } else { query.strip_prefix('?')? };
    domain::query::Params::parse(query).get("client_id").filter(|id| !id.is_empty())
}

/// "Sign in to continue to Billing", for a sign-in on the way to an app.
#[component]
fn AppContext(client_id: Memo<Option<String>>) -> impl IntoView {
    let app = Resource::new(
        move || client_id.get(),
        |client_id| async move {
            match client_id {
                Some(client_id) => app_sign_in_name(client_id).await.ok().flatten(),
                None => None,
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                app.await.map(|name| view! {
                    <p class="auth-context">"Sign in to continue to " <strong>{name}</strong></p>
                })
            })}
        </Transition>
    }
}

/// The usual sign-in: a server action, then a move inside the app.
#[component]
fn SignInForm(next: Memo<String>) -> impl IntoView {
    let action = expect_context::<AuthActions>().sign_in;
    let errors = FormErrors::of(action.value());
    let pending = action.pending();
    view! {
        <ActionForm action>
            <input type="hidden" name="next" value=next />
            <SignInFields errors pending=pending.into() />
        </ActionForm>
    }
}

/// A sign-in on the way to an app: a plain form post, so that the answer's
/// redirect to the authorization endpoint (which is no page of this app)
/// is followed by the browser itself. A failure comes back in the address
/// (`__err`), which this page's own action reads.
#[component]
fn AuthorizationSignInForm(next: String) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let errors = FormErrors::of(action.value());
    view! {
        <form method="post" action=SignIn::PATH>
            <input type="hidden" name="next" value=next />
            <SignInFields errors pending=Signal::from(false) />
        </form>
    }
}

#[component]
fn SignInFields(errors: FormErrors, pending: Signal<bool>) -> impl IntoView {
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
        <button type="submit" class="button-primary" disabled=move || pending.get()>
            "Sign in"
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_authorization_request_names_an_app() {
        assert_eq!(
            authorization_client_id("/oauth2/authorize?response_type=code&client_id=abc%2D1&state=x"),
            Some("abc-1".to_owned())
        );
        assert_eq!(authorization_client_id("/oauth2/authorize?client_id="), None);
        assert_eq!(authorization_client_id("/oauth2/authorizer?client_id=abc"), None);
        assert_eq!(authorization_client_id("/orgs?client_id=abc"), None);
        assert_eq!(authorization_client_id(""), None);
    }
}
