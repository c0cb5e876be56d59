use leptos::prelude::*;

use crate::{
    AuthActions,
    api::{InvitationView, invitation},
    components::{AuthCard, CheckedLink, FormAlert, FormErrors, FormField, NewPasswordField},
};

/// Where an invitation email's link leads (`/invite?token=…`).
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    view! {
        <AuthCard title="Accept invitation" heading="Join an organization" heading_id="invitation-heading">
            <CheckedLink
                checking="Checking your invitation…"
                check=invitation
                form=|details, token| view! { <AcceptForm details token /> }
                dead_link=|| view! { <p>"Ask the person who invited you to send a new invitation."</p> }
            />
        </AuthCard>
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
                <NewPasswordField label="Password" errors />
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
