//! Two-factor sign-in: the second step after a password (`/sign-in/verify`),
//! enrollment when a person must have a second factor (`/two-factor/setup`),
//! the own account page's section for managing factors, and who must have
//! one. Forms other pages share are in `components/second_factor.rs`.

use domain::TwoFactorRequirement;
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_query_map;

use crate::{
    AppError,
    api::{
        ConfirmTotp, FactorView, FinishPasskeyRegistration, FinishPasskeySecondStep, RegenerateRecoveryCodes,
        RemoveSecondFactor, SetSuperAdminTwoFactor, SetTwoFactorRequirement, StartPasskeyRegistration,
        StartPasskeySecondStep, TwoFactorSettings, VerifySecondStep, organization_two_factor, own_two_factor,
        second_step_options, start_totp_setup, super_admin_two_factor,
    },
    components::{
        AuthCard, ConfirmFactorForm, ErrorAlert, FormAlert, FormErrors, FormField, LastSignIn, PasskeyAlerts,
        PasskeyButton, SubmitButton, TimeAgo,
    },
};

/// The second step of a sign-in: a code from an authenticator app, or a
/// recovery code. A plain form post, so that the answer's redirect (to a
/// page, or to an app's authorization request) is followed by the browser.
#[component]
pub fn SecondStepPage() -> impl IntoView {
    let query = use_query_map();
    let next = Memo::new(move |_| query.read().get("next").unwrap_or_default());
    let options = Resource::new(|| (), |()| second_step_options());
    let action = ServerAction::<VerifySecondStep>::new();
    let errors = FormErrors::of(action.value());
    view! {
        <AuthCard title="Two-factor sign-in" heading="Confirm it is you" heading_id="second-step-heading">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match options.await {
                        Ok(Some(choices)) => view! {
                            {choices.passkey.then(|| view! {
                                <PasskeySecondStepForm next />
                                <p class="divider-text">"or"</p>
                            })}
                            <p>{if choices.totp {
                                "Enter the six-digit code your authenticator app shows for Roster."
                            } else {
                                "Lost your passkey? Enter one of your recovery codes."
                            }}</p>
                            <form method="post" action=VerifySecondStep::PATH>
                                <input type="hidden" name="next" value=next />
                                <FormField
                                    label=if choices.totp { "Code" } else { "Recovery code" }
                                    name="code"
                                    autocomplete="one-time-code"
                                    hint=if choices.totp { "Lost your phone? Enter one of your recovery codes instead." } else { "" }
                                    error=errors.field("code")
                                />
                                <FormAlert message=errors.general() />
                                <button type="submit" class=if choices.passkey { "button-secondary" } else { "button-primary" }>"Continue"</button>
                            </form>
                        }
                        .into_any(),
                        Ok(None) => view! {
                            <p role="alert">"This sign-in has expired. Sign in again."</p>
                            <p><a href="/sign-in">"Sign in"</a></p>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    }
                })}
            </Transition>
            <p><a href="/sign-in">"Use another account"</a></p>
        </AuthCard>
    }
}

/// Where someone whose organization requires a second factor is taken
/// right after their password, and stays until they have one.
#[component]
pub fn TwoFactorSetupPage() -> impl IntoView {
    let query = use_query_map();
    let next = Memo::new(move |_| domain::query::safe_next(query.read().get("next").as_deref()));
    view! {
        <AuthCard title="Set up two-factor sign-in" heading="Set up two-factor sign-in" heading_id="setup-2fa-heading">
            <p>
                "Your organization requires a second factor. Add a passkey (this device's screen lock, "
                "a phone or a security key), or an authenticator app (such as 1Password, Google "
                "Authenticator or Microsoft Authenticator), to continue."
            </p>
            <AddFactor continue_to=Signal::derive(move || next.get()) />
            <form method="post" action=crate::api::SignOut::PATH>
                <button type="submit" class="button-secondary">"Sign out"</button>
            </form>
        </AuthCard>
    }
}

/// Adding an authenticator app: scan (or type) the secret, confirm with a
/// code, name it; a first factor then shows its recovery codes once.
#[component]
fn AddAuthenticator(
    /// Called once the app is added.
    on_done: Callback<()>,
    /// Where the "Continue" link after the recovery codes goes; `None`
    /// stays on the page.
    continue_to: Option<Signal<String>>,
) -> impl IntoView {
    let setup = Action::new(|(): &()| start_totp_setup());
    let confirm = ServerAction::<ConfirmTotp>::new();
    let errors = FormErrors::of(confirm.value());
    Effect::new(move |_| {
        if confirm.value().with(|result| matches!(result, Some(Ok(_)))) {
            on_done.run(());
        }
    });
    let started = move || setup.value().with(|value| matches!(value, Some(Ok(_))));
    view! {
        <Show
            when=move || confirm.value().with(|result| matches!(result, Some(Ok(_))))
            fallback=move || view! {
                <Show when=move || !started()>
                    <button type="button" class="button-primary button-inline" on:click=move |_| { setup.dispatch(()); }>
                        "Add an authenticator app"
                    </button>
                </Show>
                {move || setup.value().get().map(|result| match result {
                    Ok(view) => view! {
                        <div class="totp-setup">
                            <p>"Scan this code with your authenticator app, or type the key below into it."</p>
                            <div class="qr-code" role="img" aria-label="QR code of the authenticator app setup" inner_html=view.qr_svg />
                            <p>"Key: " <code class="secret" data-totp-secret=view.secret.clone()>{view.secret.clone()}</code></p>
                            <ActionForm action=confirm>
                                <input type="hidden" name="secret" value=view.secret />
                                <FormField label="Name it" name="factor_name" value="Authenticator app" hint="So you recognise it later, such as “Work phone”." error=errors.field("factor_name") />
                                <FormField label="Code the app shows" name="code" autocomplete="one-time-code" error=errors.field("code") />
                                <FormAlert message=errors.general() />
                                <SubmitButton label="Add authenticator app" busy="Checking…" pending=confirm.pending() />
                            </ActionForm>
                            <Show when=move || matches!(errors.last().get(), Some(AppError::SecondFactorRequired))>
                                <ConfirmFactorForm />
                            </Show>
                        </div>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                })}
            }
        >
            <p role="status" class="form-notice">"Authenticator app added."</p>
            {move || confirm.value().get().and_then(Result::ok).flatten().map(|codes| view! { <RecoveryCodes codes /> })}
            {continue_to.map(|to| view! {
                <p><a class="button-primary button-inline" href=to rel="external">"Continue"</a></p>
            })}
        </Show>
    }
}

/// Recovery codes, shown this once.
#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="recovery-codes" aria-labelledby="recovery-codes-heading">
            <h3 id="recovery-codes-heading">"Your recovery codes"</h3>
            <p>
                "Each code signs you in once if you lose your authenticator. Keep them somewhere safe, "
                "such as a password manager: they are shown only now."
            </p>
            <ul class="code-list">
                {codes
                    .into_iter()
                    .map(|code| {
                        let shown = code.clone();
                        view! { <li><code data-recovery-code=code>{shown}</code></li> }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// The own account page's section: factors, recovery codes, adding and removing.
#[component]
pub fn TwoFactorSection() -> impl IntoView {
    let remove = ServerAction::<RemoveSecondFactor>::new();
    let regenerate = ServerAction::<RegenerateRecoveryCodes>::new();
    let changed = RwSignal::new(0u32);
    let settings: Resource<Result<TwoFactorSettings, AppError>> = Resource::new(
        move || (remove.version().get(), regenerate.version().get(), changed.get()),
        |_| own_two_factor(),
    );
    let step_up_due =
        move || settings.get().and_then(Result::ok).is_some_and(|settings| settings.step_up_due);
    let remove_errors = FormErrors::of(remove.value());
    let regenerate_errors = FormErrors::of(regenerate.value());
    // A sensitive change asks for the second factor again after 15 minutes.
    let needs_factor = move || {
        matches!(remove_errors.last().get(), Some(AppError::SecondFactorRequired))
            || matches!(regenerate_errors.last().get(), Some(AppError::SecondFactorRequired))
    };
    view! {
        <section aria-labelledby="two-factor-heading">
            <h2 id="two-factor-heading">"Two-factor sign-in"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(settings) => view! { <FactorList settings remove /> }.into_any(),
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    }
                })}
            </Transition>
            <FormAlert message=remove_errors.general() />
            <Show when=move || needs_factor() || step_up_due()>
                <p>"Changing your second factors asks for one of them again after 15 minutes."</p>
                <ConfirmFactorForm on_confirmed=Callback::new(move |_| changed.update(|n| *n += 1)) />
            </Show>
            <ActionForm action=regenerate>
                <SubmitButton label="New recovery codes" busy="Making codes…" pending=regenerate.pending() class="button-secondary" />
            </ActionForm>
            <FormAlert message=regenerate_errors.general() />
            {move || regenerate.value().get().and_then(Result::ok).map(|codes| view! { <RecoveryCodes codes /> })}
            <AddFactor on_done=Callback::new(move |_| changed.update(|n| *n += 1)) />
        </section>
    }
}

#[component]
fn FactorList(settings: TwoFactorSettings, remove: ServerAction<RemoveSecondFactor>) -> impl IntoView {
    let now = settings.now;
    let summary = if settings.factors.is_empty() {
        if settings.required {
            "Your organization requires a second factor: add one."
        } else {
            "Only your password protects your account. Add an authenticator app to ask for a code too."
        }
    } else {
        "Signing in asks for one of these after your password."
    };
    view! {
        <p>{summary}</p>
        <Show when={
            let any = !settings.factors.is_empty();
            move || any
        }>
            <table class="data-table factor-table">
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Type"</th><th scope="col">"Added"</th><th scope="col">"Last used"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>
                    {settings.factors.clone().into_iter().map(|factor| view! { <FactorRow factor now remove /> }).collect_view()}
                </tbody>
            </table>
            <p>{format!("Recovery codes left: {}", settings.recovery_codes_left)}</p>
        </Show>
    }
}

#[component]
fn FactorRow(
    factor: FactorView,
    now: chrono::DateTime<chrono::Utc>,
    remove: ServerAction<RemoveSecondFactor>,
) -> impl IntoView {
    let label = format!("Remove {}", factor.name);
    view! {
        <tr>
            <td>{factor.name.clone()}</td>
            <td>{factor.kind.label()}</td>
            <td><TimeAgo at=factor.created_at now /></td>
            <td><LastSignIn at=factor.last_used_at now /></td>
            <td>
                <ActionForm action=remove>
                    <input type="hidden" name="id" value=factor.id />
                    <SubmitButton label="Remove" busy="Removing…" pending=remove.pending() class="button-secondary" aria_label=label />
                </ActionForm>
            </td>
        </tr>
    }
}

/// The second step with a passkey: a plain form post, like the code's.
#[component]
fn PasskeySecondStepForm(next: Memo<String>) -> impl IntoView {
    let action = ServerAction::<FinishPasskeySecondStep>::new();
    let errors = FormErrors::of(action.value());
    view! {
        <form method="post" action=FinishPasskeySecondStep::PATH>
            <input type="hidden" name="next" value=next />
            <input type="hidden" name="credential" />
            <p>"Use the passkey or security key you added to Roster."</p>
            <PasskeyAlerts errors />
            <PasskeyButton start=StartPasskeySecondStep::PATH ceremony="get" label="Use your passkey" />
        </form>
    }
}

/// Adding a second factor: a passkey, or an authenticator app.
#[component]
fn AddFactor(
    /// Called once a factor is added.
    #[prop(optional, into)]
    on_done: Option<Callback<()>>,
    /// Where the "Continue" link after the recovery codes goes; `None`
    /// stays on the page.
    #[prop(optional, into)]
    continue_to: Option<Signal<String>>,
) -> impl IntoView {
    let on_done = on_done.unwrap_or_else(|| Callback::new(|_| ()));
    view! {
        <AddPasskey on_done continue_to />
        <AddAuthenticator on_done continue_to />
    }
}

/// Adding a passkey or security key: name it, then the browser's prompt.
/// A first factor then shows its recovery codes once.
#[component]
fn AddPasskey(on_done: Callback<()>, continue_to: Option<Signal<String>>) -> impl IntoView {
    let finish = ServerAction::<FinishPasskeyRegistration>::new();
    let errors = FormErrors::of(finish.value());
    let added = move || finish.value().with(|result| matches!(result, Some(Ok(_))));
    Effect::new(move |_| {
        if added() {
            on_done.run(());
        }
    });
    view! {
        <div class="add-passkey">
            <Show
                when=added
                fallback=move || view! {
                    <ActionForm action=finish>
                        <input type="hidden" name="challenge" />
                        <input type="hidden" name="credential" />
                        <FormField
                            label="Name the passkey"
                            name="passkey_name"
                            value="Passkey"
                            hint="So you recognise it later, such as “Work laptop” or “YubiKey”."
                            error=errors.field("passkey_name")
                        />
                        <PasskeyAlerts errors />
                        <PasskeyButton start=StartPasskeyRegistration::PATH ceremony="create" label="Add a passkey" class="button-primary button-inline" />
                    </ActionForm>
                    <Show when=move || matches!(errors.last().get(), Some(AppError::SecondFactorRequired))>
                        <ConfirmFactorForm />
                    </Show>
                }
            >
                <p role="status" class="form-notice">"Passkey added."</p>
                {move || finish.value().get().and_then(Result::ok).flatten().map(|codes| view! { <RecoveryCodes codes /> })}
                {continue_to.map(|to| view! {
                    <p><a class="button-primary button-inline" href=to rel="external">"Continue"</a></p>
                })}
            </Show>
        </div>
    }
}

/// Whom an organization requires to use a second factor: on its page, for
/// its admins and super admins.
#[component]
pub fn TwoFactorRequirementForm(slug: String) -> impl IntoView {
    let save = ServerAction::<SetTwoFactorRequirement>::new();
    let errors = FormErrors::of(save.value());
    let current = {
        let slug = slug.clone();
        Resource::new(move || save.version().get(), move |_| organization_two_factor(slug.clone()))
    };
    let saved = move || save.value().with(|result| matches!(result, Some(Ok(()))));
    view! {
        <section class="panel" aria-labelledby="two-factor-policy-heading">
            <h2 id="two-factor-policy-heading">"Two-factor sign-in"</h2>
            <Transition fallback=|| ()>
                {move || {
                    let slug = slug.clone();
                    Suspend::new(async move {
                        match current.await {
                            Ok(requirement) => view! {
                                <ActionForm action=save>
                                    <input type="hidden" name="slug" value=slug />
                                    <div class="field">
                                        <label for="required-for">"Require a second factor of"</label>
                                        <p id="required-for-hint" class="field-hint">
                                            "Whoever must and has none is taken to set one up right after their password."
                                        </p>
                                        <select id="required-for" name="required_for" aria-describedby="required-for-hint">
                                            {TwoFactorRequirement::ALL
                                                .into_iter()
                                                .map(|choice| view! {
                                                    <option value=choice.as_str() selected=choice == requirement>{choice.label()}</option>
                                                })
                                                .collect_view()}
                                        </select>
                                    </div>
                                    <FormAlert message=errors.general() />
                                    <SubmitButton label="Save" busy="Saving…" pending=save.pending() class="button-secondary" />
                                </ActionForm>
                            }
                            .into_any(),
                            Err(error) => view! { <ErrorAlert error /> }.into_any(),
                        }
                    })
                }}
            </Transition>
            <Show when=saved>
                <p role="status" class="form-notice">"Saved."</p>
            </Show>
        </section>
    }
}

/// Whether super admins must use a second factor: on the all-users page.
#[component]
pub fn SuperAdminTwoFactorForm() -> impl IntoView {
    let save = ServerAction::<SetSuperAdminTwoFactor>::new();
    let errors = FormErrors::of(save.value());
    let current = Resource::new(move || save.version().get(), |_| super_admin_two_factor());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match current.await {
                    Ok(required) => view! {
                        <section class="panel" aria-labelledby="super-admin-2fa-heading">
                            <h2 id="super-admin-2fa-heading">"Two-factor sign-in for super admins"</h2>
                            <p>{if required {
                                "Super admins must use a second factor."
                            } else {
                                "Super admins may sign in with a password alone."
                            }}</p>
                            <ActionForm action=save>
                                <input type="hidden" name="required" value=(!required).to_string() />
                                <FormAlert message=errors.general() />
                                <SubmitButton
                                    label=if required { "Stop requiring it" } else { "Require it of super admins" }
                                    busy="Saving…"
                                    pending=save.pending()
                                    class="button-secondary"
                                />
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    // Not a super admin: nothing to show.
                    Err(_) => ().into_any(),
                }
            })}
        </Transition>
    }
}
