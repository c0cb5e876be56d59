use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    AuthActions,
    api::{InvitationView, invitation},
    components::{ErrorAlert, FormAlert, FormErrors, FormField},
};

/// Where an invitation email's link leads (`/invite?token=…`).
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let details = Resource::new(token, invitation);
    view! {
        <Title text="Accept invitation" />
        <main id="main" class="auth-page">
            <section class="auth-card" aria-labelledby="invitation-heading">
                <h1 id="invitation-heading">"Join an organization"</h1>
                <Suspense fallback=|| view! { <p>"Checking your invitation…"</p> }>
                    {move || Suspend::new(async move {
                        match details.await {
                            Ok(details) => view! { <AcceptForm details token=token() /> }.into_any(),
                            Err(error) => {
                                view! {
                                    <ErrorAlert error class="form-alert" />
                                    <p>"Ask the person who invited you to send a new invitation."</p>
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
fn AcceptForm(details: InvitationView, token: String) -> impl IntoView {
    let action = expect_context::<AuthActions>().accept_invitation;
    let errors = FormErrors::of(action.value());
    let inviter = details.invited_by.clone().unwrap_or_else(|| "An administrator".to_owned());
    let summary =
        format!("{inviter} invited {} to join {} as {}.", details.email, details.organization, details.role);
    let expires =
        format!("This invitation expires on {}.", details.expires_at.format("%Y-%m-%d at %H:%M UTC"));

    let body = if details.needs_account {
        view! {
            <p>"Choose your name and a password to create your account."</p>
            <ActionForm action>
                <input type="hidden" name="token" value=token />
                <FormField label="Name" name="name" autocomplete="name" error=errors.field("name") />
                <FormField
                    label="Password"
                    name="password"
                    input_type="password"
                    autocomplete="new-password"
                    hint="At least 8 characters; avoid common or easily guessed ones."
                    error=errors.field("password")
                />
                <FormAlert message=errors.general() />
                <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                    "Create account and join"
                </button>
            </ActionForm>
        }
        .into_any()
    } else if details.signed_in_as.as_deref() == Some(details.email.as_str()) {
        view! {
            <ActionForm action>
                <input type="hidden" name="token" value=token />
                <FormAlert message=errors.general() />
                <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                    {format!("Join {}", details.organization)}
                </button>
            </ActionForm>
        }
        .into_any()
    } else {
        let next = domain::query::join([("next", format!("/invite?token={token}").as_str())]);
        view! {
            <p>{format!("You already have an account. Sign in as {} to accept.", details.email)}</p>
            <p>
                <a class="button-primary button-link" href=format!("/sign-in?{next}")>
                    "Sign in to accept"
                </a>
            </p>
        }
        .into_any()
    };
    view! {
        <p>{summary}</p>
        <p class="field-hint">{expires}</p>
        {body}
    }
}
