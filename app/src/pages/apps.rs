//! Super admins: the applications that sign people in with Roster, at
//! `/apps`, `/apps/new`, `/apps/:id` and `/apps/logouts`.

use domain::{AppKind, Paging};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    AppError,
    api::{
        AppList, AppView, DeleteApp, LOGOUTS_PER_PAGE, RegisterApp, ReplaceAppSecret, SetAppEnabled,
        UpdateApp, app_details, list_apps, list_logouts,
    },
    components::{
        AppCredentialsNotice, AppSettingsFields, AppSettingsValues, DataTable, ErrorAlert, FormAlert,
        FormErrors, FormField, Pager, ProviderFacts,
    },
    pages::NotFoundContent,
};

/// Every registered application, and how to connect one.
#[component]
pub fn AppsPage() -> impl IntoView {
    let apps = Resource::new(|| (), |_| list_apps());
    view! {
        <Title text="Applications" />
        <h1>"Applications"</h1>
        <p>"Apps that sign people in with Roster (OpenID Connect). Their tokens carry the person's organization and role."</p>
        <p class="link-list">
            <a href="/apps/new" class="button-primary">"Register an application"</a>
            " "
            <a href="/apps/logouts">"Back-channel logouts"</a>
        </p>
        <Transition fallback=|| view! { <p>"Loading applications…"</p> }>
            {move || Suspend::new(async move {
                match apps.await {
                    Ok(list) => view! { <AppsTable list /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AppsTable(list: AppList) -> impl IntoView {
    let provider = list.provider;
    view! {
        <DataTable
            caption=format!("{} applications", domain::grouped(list.rows.len() as i64))
            columns=&["Name", "Client ID", "Type", "Status", "People signed in"]
            rows=list.rows
            row=|app| view! {
                <tr>
                    <td><a href=format!("/apps/{}", app.id)>{app.name}</a></td>
                    <td><code>{app.client_id}</code></td>
                    <td>{kind_name(app.kind)}</td>
                    <td>{if app.active { "Active" } else { "Disabled" }}</td>
                    <td>{app.signed_in}</td>
                </tr>
            }
            empty="No application is registered yet."
        />
        <ProviderFacts provider />
    }
}

fn kind_name(kind: AppKind) -> &'static str {
    match kind {
        AppKind::Confidential => "Confidential",
        AppKind::Public => "Public",
    }
}

/// Registering an application: its credentials are shown once, here.
#[component]
pub fn NewAppPage() -> impl IntoView {
    let register = ServerAction::<RegisterApp>::new();
    let errors = FormErrors::of(register.value());
    let created = move || {
        register.value().get().and_then(Result::ok).map(|created| {
            view! {
                <AppCredentialsNotice
                    heading="Application registered"
                    client_id=Some(created.client_id)
                    client_secret=created.client_secret
                />
                <p><a href=format!("/apps/{}", created.id)>{format!("Go to {}", created.name)}</a></p>
            }
        })
    };
    view! {
        <Title text="Register an application" />
        <p class="breadcrumb"><a href="/apps">"Applications"</a></p>
        <h1>"Register an application"</h1>
        {created}
        <ActionForm action=register>
            <AppSettingsFields values=AppSettingsValues::default() errors />
            <KindField errors />
            <FormAlert message=errors.general() />
            <button type="submit" class="button-primary" disabled=move || register.pending().get()>
                "Register application"
            </button>
        </ActionForm>
    }
}

#[component]
fn KindField(errors: FormErrors) -> impl IntoView {
    let error = errors.field("kind");
    view! {
        <fieldset class="field" aria-describedby="kind-error">
            <legend>"Type"</legend>
            <label>
                <input type="radio" name="kind" value="confidential" checked=true />
                " Confidential"
            </label>
            <p class="field-hint">"A server that can keep a client secret."</p>
            <label>
                <input type="radio" name="kind" value="public" />
                " Public"
            </label>
            <p class="field-hint">"A browser or mobile app: no secret, so it must use PKCE."</p>
            <p id="kind-error" class="field-error">{move || error.get()}</p>
        </fieldset>
    }
}

/// The actions of an application's page, made at the top of the page with
/// the resource they refresh (see `pages/organization.rs`).
#[derive(Clone, Copy)]
struct AppActions {
    update: ServerAction<UpdateApp>,
    replace_secret: ServerAction<ReplaceAppSecret>,
    set_enabled: ServerAction<SetAppEnabled>,
    delete: ServerAction<DeleteApp>,
}

/// One application: its settings, its secret, disabling and deleting it.
#[component]
pub fn AppPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<i64>().ok()));
    let actions = AppActions {
        update: ServerAction::new(),
        replace_secret: ServerAction::new(),
        set_enabled: ServerAction::new(),
        delete: ServerAction::new(),
    };
    let app = Resource::new(
        move || {
            (
                id.get(),
                actions.update.version().get(),
                actions.replace_secret.version().get(),
                actions.set_enabled.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => app_details(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match app.await {
                    Ok(app) => view! { <AppDetailsView app actions /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundContent /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AppDetailsView(app: AppView, actions: AppActions) -> impl IntoView {
    let AppActions { update, replace_secret, set_enabled, delete } = actions;
    let status = if app.active {
        format!("Active: {} signed in now.", people(app.signed_in))
    } else {
        "Disabled: nobody can sign in to it.".to_owned()
    };
    let values = AppSettingsValues {
        name: app.name.clone(),
        redirect_uris: app.redirect_uris.clone(),
        post_logout_redirect_uris: app.post_logout_redirect_uris.clone(),
        backchannel_logout_uri: app.backchannel_logout_uri.clone(),
    };
    let id = app.id.to_string();
    view! {
        <Title text=app.name.clone() />
        <p class="breadcrumb"><a href="/apps">"Applications"</a></p>
        <h1>{app.name.clone()}</h1>
        <p>{status}</p>
        <dl class="facts">
            <dt>"Client ID"</dt>
            <dd><code class="credential">{app.client_id.clone()}</code></dd>
            <dt>"Type"</dt>
            <dd>{app.kind.label()}</dd>
        </dl>
        <SettingsForm id=id.clone() values update />
        {(app.kind == AppKind::Confidential).then(|| view! { <SecretForm id=id.clone() replace_secret /> })}
        <StatusForm id=id.clone() active=app.active set_enabled />
        <DeleteForm id name=app.name.clone() delete />
        <ProviderFacts provider=app.provider />
    }
}

fn people(count: i64) -> String {
    if count == 1 { "1 person".to_owned() } else { format!("{} people", domain::grouped(count)) }
}

#[component]
fn SettingsForm(id: String, values: AppSettingsValues, update: ServerAction<UpdateApp>) -> impl IntoView {
    let errors = FormErrors::of(update.value());
    let saved = move || {
        update.value().with(|result| matches!(result, Some(Ok(())))).then(|| {
            view! { <p role="status" class="form-notice">"Changes saved."</p> }
        })
    };
    view! {
        <section class="panel" aria-labelledby="app-settings-heading">
            <h2 id="app-settings-heading">"Settings"</h2>
            <ActionForm action=update>
                <input type="hidden" name="id" value=id />
                <AppSettingsFields values errors />
                <FormAlert message=errors.general() />
                {saved}
                <button type="submit" class="button-primary">"Save changes"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn SecretForm(id: String, replace_secret: ServerAction<ReplaceAppSecret>) -> impl IntoView {
    let errors = FormErrors::of(replace_secret.value());
    let replaced = move || {
        replace_secret.value().get().and_then(Result::ok).map(|secret| {
            view! { <AppCredentialsNotice heading="New client secret" client_id=None client_secret=Some(secret) /> }
        })
    };
    view! {
        <section class="panel" aria-labelledby="secret-heading">
            <h2 id="secret-heading">"Client secret"</h2>
            <p>"Roster keeps only a hash of the secret. Replacing it stops the old one working at once."</p>
            {replaced}
            <ActionForm action=replace_secret>
                <input type="hidden" name="id" value=id />
                <FormAlert message=errors.general() />
                <button type="submit" class="button-secondary">"Replace secret"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn StatusForm(id: String, active: bool, set_enabled: ServerAction<SetAppEnabled>) -> impl IntoView {
    let errors = FormErrors::of(set_enabled.value());
    let (explanation, button, enabled) = if active {
        (
            "Disabling signs everyone out of the app (it is told over the back-channel) and refuses new sign-ins.",
            "Disable",
            "false",
        )
    } else {
        ("Enabling lets people sign in to the app again.", "Enable", "true")
    };
    view! {
        <section class="panel" aria-labelledby="status-heading">
            <h2 id="status-heading">"Status"</h2>
            <p>{explanation}</p>
            <ActionForm action=set_enabled>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="enabled" value=enabled />
                <FormAlert message=errors.general() />
                <button type="submit" class="button-secondary">{button}</button>
            </ActionForm>
        </section>
    }
}

/// Deleting is confirmed by typing the app's name, checked on the server,
/// so it works without JavaScript as well.
#[component]
fn DeleteForm(id: String, name: String, delete: ServerAction<DeleteApp>) -> impl IntoView {
    let errors = FormErrors::of(delete.value());
    view! {
        <section class="panel" aria-labelledby="delete-heading">
            <h2 id="delete-heading">"Delete application"</h2>
            <p>
                "Deleting signs everyone out of the app and removes its registration: its client ID stops working for good. To confirm, type its name: "
                <strong>{name}</strong>
            </p>
            <ActionForm action=delete>
                <input type="hidden" name="id" value=id />
                <FormField label="Application name" name="confirm_name" error=errors.field("confirm_name") />
                <FormAlert message=errors.general() />
                <button type="submit" class="button-danger">"Delete"</button>
            </ActionForm>
        </section>
    }
}

/// The back-channel logouts owed to applications, delivered like email.
#[component]
pub fn LogoutsPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || Paging::requested(query.read().get("page"));
    let logouts = Resource::new(page, list_logouts);
    view! {
        <Title text="Back-channel logouts" />
        <p class="breadcrumb"><a href="/apps">"Applications"</a></p>
        <h1>"Back-channel logouts"</h1>
        <p>"When someone's session in an app ends (a suspension, a removal, a disabled app), Roster tells the app. Failed deliveries are retried, waiting longer each time."</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let list = match logouts.await {
                    Ok(list) => list,
                    Err(error) => return view! { <ErrorAlert error /> }.into_any(),
                };
                let paging = Paging::new(list.page, LOGOUTS_PER_PAGE, list.total);
                let pager = (!list.rows.is_empty()).then(|| view! { <Pager paging href=|page| format!("/apps/logouts?page={page}") /> });
                let time = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d %H:%M:%S").to_string();
                view! {
                    <DataTable
                        caption=format!("{} logouts", domain::grouped(list.total))
                        columns=&["Queued", "App", "Session (sid)", "Status", "Attempts", "Last error", "Sent"]
                        rows=list.rows
                        row=move |row| {
                            let status = match row.status.as_str() {
                                "sent" => "Sent".to_owned(),
                                "queued" if row.attempts > 0 => format!("Queued, next try {}", time(row.next_attempt_at)),
                                "queued" => "Queued".to_owned(),
                                _ => "Failed".to_owned(),
                            };
                            view! {
                                <tr>
                                    <td>{time(row.created_at)}</td>
                                    <td>{row.app_name}</td>
                                    <td><code>{row.sid}</code></td>
                                    <td>{status}</td>
                                    <td>{row.attempts}</td>
                                    <td>{row.last_error.unwrap_or_default()}</td>
                                    <td>{row.sent_at.map(time).unwrap_or_default()}</td>
                                </tr>
                            }
                        }
                        empty="No logout yet."
                    />
                    {pager}
                }
                    .into_any()
            })}
        </Transition>
    }
}
