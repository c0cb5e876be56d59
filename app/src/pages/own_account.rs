use domain::Paging;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    AppError, AuthActions,
    api::{
        AuditPage, ChangePassword, EndOtherSessions, EndPersonAppSession, EndPersonSession, PersonOverview,
        RenameSelf, current_user, person_activity, person_timeline,
    },
    components::{ErrorAlert, FormAlert, FormErrors, FormField, Notices, SubmitButton},
    notice::Notice,
    pages::person::{AppSessions, Profile, Sessions, SignIns, Timeline},
};

/// The signed-in person's own account, at `/account`: profile, password,
/// second factors, sessions and recent activity.
#[component]
pub fn OwnAccountPage() -> impl IntoView {
    let rename = expect_context::<AuthActions>().rename_self;
    let change_password = ServerAction::<ChangePassword>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let end_session = ServerAction::<EndPersonSession>::new();
    Notices::after(rename, Notice::NameSaved);
    Notices::after(end_session, Notice::SessionEnded);
    let end_app_session = ServerAction::<EndPersonAppSession>::new();
    let query = use_query_map();
    let page = Memo::new(move |_| Paging::requested(query.read().get("page")));
    let versions = move || {
        (
            rename.version().get(),
            change_password.version().get(),
            end_others.version().get(),
            end_session.version().get(),
            end_app_session.version().get(),
        )
    };
    let activity: Resource<Result<PersonOverview, AppError>> = Resource::new(versions, |_| async {
        let me = current_user().await?.ok_or(AppError::Unauthenticated)?;
        person_activity(None, me.id).await
    });
    let timeline: Resource<Result<AuditPage, AppError>> = Resource::new(
        move || (versions(), page.get()),
        |(_, page)| async move {
            let me = current_user().await?.ok_or(AppError::Unauthenticated)?;
            person_timeline(None, me.id, page).await
        },
    );

    view! {
        <Title text="Your account" />
        <h1>"Your account"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match activity.await {
                    Ok(person) => view! {
                        <Profile person=person.clone() />
                        <RenameForm rename name=person.name.clone() />
                        <PasswordForm change_password />
                        <crate::pages::TwoFactorSection />
                        <Sessions person=person.clone() org=None end_session>
                            <OtherSessionsForm end_others />
                        </Sessions>
                        <AppSessions person=person.clone() org=None end_app_session />
                        <SignIns person />
                    }
                        .into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
        <Timeline timeline />
    }
}

#[component]
fn RenameForm(rename: ServerAction<RenameSelf>, name: String) -> impl IntoView {
    let errors = FormErrors::of(rename.value());
    view! {
        <section aria-labelledby="name-heading">
            <h2 id="name-heading">"Name"</h2>
            <ActionForm action=rename>
                <FormField label="Your name" name="name" autocomplete="name" value=name error=errors.field("name") />
                <FormAlert message=errors.general() />
                <SubmitButton label="Save name" busy="Saving…" pending=rename.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordForm(change_password: ServerAction<ChangePassword>) -> impl IntoView {
    let errors = FormErrors::of(change_password.value());
    let done = move || {
        change_password.value().with(|result| matches!(result, Some(Ok(())))).then(|| {
            view! { <p role="status" class="form-notice">"Password changed. Every other session was signed out."</p> }
        })
    };
    view! {
        <section aria-labelledby="password-heading">
            <h2 id="password-heading">"Password"</h2>
            <ActionForm action=change_password>
                <FormField
                    label="Current password"
                    name="current"
                    input_type="password"
                    autocomplete="current-password"
                    error=errors.field("current")
                />
                <FormField
                    label="New password"
                    name="new"
                    input_type="password"
                    autocomplete="new-password"
                    hint="At least 8 characters and hard to guess. Your other sessions will be signed out."
                    error=errors.field("new")
                />
                <FormAlert message=errors.general() />
                {done}
                <SubmitButton label="Change password" busy="Changing password…" pending=change_password.pending() />
            </ActionForm>
            <Show when=move || matches!(errors.last().get(), Some(AppError::SecondFactorRequired))>
                <crate::components::ConfirmFactorForm />
            </Show>
        </section>
    }
}

#[component]
fn OtherSessionsForm(end_others: ServerAction<EndOtherSessions>) -> impl IntoView {
    let done = move || {
        end_others.value().with(|result| match result {
            Some(Ok(count)) => {
                let noun = if *count == 1 { "session" } else { "sessions" };
                Some(view! { <p role="status" class="form-notice">{format!("Signed out of {count} other {noun}.")}</p> })
            }
            _ => None,
        })
    };
    view! {
        <ActionForm action=end_others>
            <SubmitButton
                label="Sign out everywhere else"
                busy="Signing out…"
                pending=end_others.pending()
                class="button-secondary"
            />
        </ActionForm>
        {done}
    }
}
