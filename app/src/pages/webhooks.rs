//! Webhook endpoints and their delivery logs: an organization's at
//! `/orgs/:slug/webhooks` (its admins), the installation's at `/webhooks`
//! (super admins, every event), and one endpoint below either at `…/:id`.

use std::collections::BTreeSet;

use domain::{Paging, WebhookEvent};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    AppError,
    api::{
        DELIVERIES_PER_PAGE, DeleteWebhook, DeliveryList, RegisterWebhook, ResendWebhookDelivery,
        RotateWebhookSecret, SendTestWebhook, SetWebhookEnabled, UpdateWebhook, WebhookRow,
        list_webhook_deliveries, list_webhooks, webhook_details,
    },
    components::{DataTable, ErrorAlert, FormAlert, FormErrors, FormField, Pager},
    pages::NotFoundContent,
};

/// Where a scope's webhooks are listed: `""` is the installation.
pub fn webhooks_path(scope: &str) -> String {
    if scope.is_empty() { "/webhooks".to_owned() } else { format!("/orgs/{scope}/webhooks") }
}

fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The scope of the current address: the organization's slug, or `""`.
fn current_scope() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("slug").unwrap_or_default())
}

/// The installation's endpoints, which hear every organization's events.
#[component]
pub fn InstallationWebhooksPage() -> impl IntoView {
    view! { <WebhooksList /> }
}

/// An organization's endpoints.
#[component]
pub fn OrganizationWebhooksPage() -> impl IntoView {
    view! { <WebhooksList /> }
}

#[component]
fn WebhooksList() -> impl IntoView {
    let scope = current_scope();
    let register = ServerAction::<RegisterWebhook>::new();
    let endpoints =
        Resource::new(move || (scope.get(), register.version().get()), |(scope, _)| list_webhooks(scope));
    let heading = move || {
        if scope.get().is_empty() { "Webhooks for the whole installation" } else { "Webhooks" }
    };
    view! {
        <Title text="Webhooks" />
        <h1>{heading}</h1>
        <p>
            "Roster posts each event to the endpoints that subscribe to it, signed per Standard Webhooks (headers webhook-id, webhook-timestamp, webhook-signature). Failed deliveries are retried for about a day and a half; an endpoint failing for a day is disabled."
        </p>
        {move || scope.get().is_empty().then(|| view! {
            <p>"These endpoints hear the events of every organization."</p>
        })}
        <Transition fallback=|| view! { <p>"Loading webhooks…"</p> }>
            {move || Suspend::new(async move {
                match endpoints.await {
                    Ok(rows) => view! { <WebhooksTable rows scope=scope.get_untracked() /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundContent /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
        <RegisterForm scope register />
    }
}

#[component]
fn WebhooksTable(rows: Vec<WebhookRow>, scope: String) -> impl IntoView {
    view! {
        <DataTable
            caption=format!("{} endpoints", rows.len())
            columns=&["Address", "Description", "Events", "Status"]
            rows=rows
            row=move |row| {
                let status = if row.enabled {
                    "Enabled".to_owned()
                } else {
                    format!("Disabled: {}", row.disabled_reason.unwrap_or_default())
                };
                view! {
                    <tr>
                        <td><a href=format!("{}/{}", webhooks_path(&scope), row.id)>{row.url}</a></td>
                        <td>{row.description}</td>
                        <td>{row.events.join(", ")}</td>
                        <td>{status}</td>
                    </tr>
                }
            }
            empty="No endpoint is registered yet."
        />
    }
}

#[component]
fn RegisterForm(scope: Memo<String>, register: ServerAction<RegisterWebhook>) -> impl IntoView {
    let errors = FormErrors::of(register.value());
    let created = move || {
        register.value().get().and_then(Result::ok).map(|created| {
            view! {
                <section class="panel" role="status" aria-labelledby="secret-heading">
                    <h2 id="secret-heading">"Endpoint registered"</h2>
                    <dl class="facts">
                        <dt>"Signing secret"</dt>
                        <dd><code class="credential">{created.secret}</code></dd>
                    </dl>
                    <p class="form-notice"><strong>"Copy it now: it will not be shown again."</strong></p>
                    <p><a href=format!("{}/{}", webhooks_path(&scope.get_untracked()), created.id)>"Go to the endpoint"</a></p>
                </section>
            }
        })
    };
    view! {
        <section class="panel" aria-labelledby="register-heading">
            <h2 id="register-heading">"Register an endpoint"</h2>
            {created}
            <ActionForm action=register>
                <input type="hidden" name="scope" value=move || scope.get() />
                <WebhookFields url=String::new() description=String::new() events=Vec::new() errors />
                <FormAlert message=errors.general() />
                <button type="submit" class="button-primary" disabled=move || register.pending().get()>
                    "Register endpoint"
                </button>
            </ActionForm>
        </section>
    }
}

/// The address, description and event checkboxes; the chosen events are
/// sent as one comma-separated `events` field.
#[component]
fn WebhookFields(url: String, description: String, events: Vec<String>, errors: FormErrors) -> impl IntoView {
    let chosen = RwSignal::new(events.into_iter().collect::<BTreeSet<String>>());
    let joined = move || chosen.with(|events| events.iter().cloned().collect::<Vec<_>>().join(","));
    let events_error = errors.field("events");
    view! {
        <FormField
            label="Endpoint URL"
            name="url"
            input_type="url"
            hint="The address Roster posts events to, such as https://example.com/webhooks."
            value=url
            error=errors.field("url")
        />
        <FormField
            label="Description"
            name="description"
            required=false
            value=description
            error=errors.field("description")
        />
        <fieldset class="field" aria-describedby="events-error">
            <legend>"Events"</legend>
            <input type="hidden" name="events" prop:value=joined />
            {WebhookEvent::ALL
                .iter()
                .map(|event| {
                    let name = event.as_str();
                    view! {
                        <label class="checkbox-field">
                            <input
                                type="checkbox"
                                value=name
                                prop:checked=move || chosen.with(|events| events.contains(name))
                                on:change=move |_| {
                                    chosen.update(|events| {
                                        if !events.remove(name) {
                                            events.insert(name.to_owned());
                                        }
                                    })
                                }
                            />
                            {format!(" {} ", event.label())}
                            <code>{name}</code>
                        </label>
                    }
                })
                .collect_view()}
            <p id="events-error" class="field-error">{move || events_error.get()}</p>
        </fieldset>
    }
}

/// The actions of an endpoint's page, made with the resources they refresh.
#[derive(Clone, Copy)]
struct WebhookActions {
    update: ServerAction<UpdateWebhook>,
    rotate: ServerAction<RotateWebhookSecret>,
    set_enabled: ServerAction<SetWebhookEnabled>,
    delete: ServerAction<DeleteWebhook>,
    test: ServerAction<SendTestWebhook>,
    resend: ServerAction<ResendWebhookDelivery>,
}

/// One endpoint: its settings, secret, status, test event, delivery log
/// and deletion.
#[component]
pub fn WebhookPage() -> impl IntoView {
    let scope = current_scope();
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<i64>().ok()));
    let page = move || Paging::requested(query.read().get("page"));
    let actions = WebhookActions {
        update: ServerAction::new(),
        rotate: ServerAction::new(),
        set_enabled: ServerAction::new(),
        delete: ServerAction::new(),
        test: ServerAction::new(),
        resend: ServerAction::new(),
    };
    let endpoint = Resource::new(
        move || (scope.get(), id.get(), actions.update.version().get(), actions.set_enabled.version().get()),
        |(scope, id, ..)| async move {
            match id {
                Some(id) => webhook_details(scope, id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let deliveries = Resource::new(
        move || (scope.get(), id.get(), page(), actions.test.version().get(), actions.resend.version().get()),
        |(scope, id, page, ..)| async move {
            match id {
                Some(id) => list_webhook_deliveries(scope, id, page).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match endpoint.await {
                    Ok(endpoint) => view! {
                        <WebhookDetails endpoint scope=scope.get_untracked() actions />
                        <DeliveryLog deliveries scope=scope.get_untracked() id=id.get_untracked().unwrap_or_default() actions />
                    }
                    .into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundContent /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn WebhookDetails(endpoint: WebhookRow, scope: String, actions: WebhookActions) -> impl IntoView {
    let WebhookActions { update, rotate, set_enabled, delete, test, .. } = actions;
    let id = endpoint.id.to_string();
    let update_errors = FormErrors::of(update.value());
    let saved = move || {
        update
            .value()
            .with(|result| matches!(result, Some(Ok(()))))
            .then(|| view! { <p role="status" class="form-notice">"Changes saved."</p> })
    };
    let rotated = move || {
        rotate.value().get().and_then(Result::ok).map(|secret| {
            view! {
                <div role="status">
                    <dl class="facts">
                        <dt>"New signing secret"</dt>
                        <dd><code class="credential">{secret}</code></dd>
                    </dl>
                    <p class="form-notice"><strong>"Copy it now: it will not be shown again."</strong></p>
                </div>
            }
        })
    };
    let tested = move || {
        test.value().get().and_then(Result::ok).map(|message_id| {
            view! { <p role="status" class="form-notice">{format!("Test event {message_id} queued.")}</p> }
        })
    };
    let status = if endpoint.enabled {
        match endpoint.failing_since {
            Some(since) => format!("Enabled, but every delivery has failed since {}.", time(since)),
            None => "Enabled.".to_owned(),
        }
    } else {
        format!("Disabled: {}", endpoint.disabled_reason.clone().unwrap_or_default())
    };
    let (toggle_label, toggle_value) =
        if endpoint.enabled { ("Disable", "false") } else { ("Enable", "true") };
    let delete_errors = FormErrors::of(delete.value());
    let set_errors = FormErrors::of(set_enabled.value());
    let list = webhooks_path(&scope);
    // Each form's hidden fields: the forms' contents are separate closures.
    let fields = move || {
        let (scope, id) = (scope.clone(), id.clone());
        view! {
            <input type="hidden" name="scope" value=scope />
            <input type="hidden" name="id" value=id />
        }
    };
    let (update_fields, rotate_fields, set_fields, test_fields, delete_fields) =
        (fields.clone(), fields.clone(), fields.clone(), fields.clone(), fields);
    let WebhookRow { url, description, events, .. } = endpoint;
    let form_values = (url.clone(), description, events);
    view! {
        <Title text=url.clone() />
        <p class="breadcrumb"><a href=list>"Webhooks"</a></p>
        <h1>{url.clone()}</h1>
        <p role="status">{status}</p>
        <section class="panel" aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Settings"</h2>
            <ActionForm action=update>
                {update_fields()}
                {move || {
                    let (url, description, events) = form_values.clone();
                    view! { <WebhookFields url description events errors=update_errors /> }
                }}
                <FormAlert message=update_errors.general() />
                {saved}
                <button type="submit" class="button-primary">"Save changes"</button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="secret-heading">
            <h2 id="secret-heading">"Signing secret"</h2>
            <p>"A new secret signs from now on; the previous one adds a second signature for 24 hours, so the receiver can switch."</p>
            {rotated}
            <ActionForm action=rotate>
                {rotate_fields()}
                <button type="submit" class="button-secondary">"Rotate secret"</button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="status-heading">
            <h2 id="status-heading">"Status"</h2>
            <ActionForm action=set_enabled>
                {set_fields()}
                <input type="hidden" name="enabled" value=toggle_value />
                <FormAlert message=set_errors.general() />
                <button type="submit" class="button-secondary">{toggle_label}</button>
            </ActionForm>
            <ActionForm action=test>
                {test_fields()}
                {tested}
                <button type="submit" class="button-secondary">"Send a test event"</button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="delete-heading">
            <h2 id="delete-heading">"Delete endpoint"</h2>
            <p>"Deleting removes the endpoint and its delivery log. To confirm, type its address: " <strong>{url}</strong></p>
            <ActionForm action=delete>
                {delete_fields()}
                <FormField label="Endpoint URL to confirm" name="confirm_url" error=delete_errors.field("confirm_url") />
                <FormAlert message=delete_errors.general() />
                <button type="submit" class="button-danger">"Delete"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeliveryLog(
    deliveries: Resource<Result<DeliveryList, AppError>>,
    scope: String,
    id: i64,
    actions: WebhookActions,
) -> impl IntoView {
    let resend = actions.resend;
    let base = format!("{}/{id}", webhooks_path(&scope));
    view! {
        <section aria-labelledby="deliveries-heading">
            <h2 id="deliveries-heading">"Delivery log"</h2>
            <Transition fallback=|| view! { <p>"Loading deliveries…"</p> }>
                {move || {
                    let scope = scope.clone();
                    let base = base.clone();
                    Suspend::new(async move {
                        let list = match deliveries.await {
                            Ok(list) => list,
                            Err(error) => return view! { <ErrorAlert error /> }.into_any(),
                        };
                        let paging = Paging::new(list.page, DELIVERIES_PER_PAGE, list.total);
                        let pager = (!list.rows.is_empty()).then(|| {
                            let base = base.clone();
                            view! { <Pager paging href=move |page| format!("{base}?page={page}") /> }
                        });
                        view! {
                            <DataTable
                                caption=format!("{} deliveries", domain::grouped(list.total))
                                columns=&["Created", "Event", "Message id", "Status", "Attempts", ""]
                                rows=list.rows
                                row=move |row| {
                                    let status = match row.status.as_str() {
                                        "delivered" => "Delivered".to_owned(),
                                        "failed" => "Failed (no attempts left)".to_owned(),
                                        "retrying" => format!("Retrying at {}", time(row.next_attempt_at)),
                                        _ => "Queued".to_owned(),
                                    };
                                    let attempts = row
                                        .attempts
                                        .iter()
                                        .map(|a| {
                                            let answer = match (a.status_code, &a.error) {
                                                (Some(code), _) => format!("HTTP {code}"),
                                                (None, Some(error)) => error.clone(),
                                                (None, None) => "no answer".to_owned(),
                                            };
                                            view! { <li>{format!("{}: {answer}, {} ms", time(a.at), a.duration_ms)}</li> }
                                        })
                                        .collect_view();
                                    let scope = scope.clone();
                                    let label = format!("Resend {}", row.id);
                                    view! {
                                        <tr>
                                            <td>{time(row.created_at)}</td>
                                            <td><code>{row.event_type}</code></td>
                                            <td><code>{row.id.clone()}</code></td>
                                            <td>{status}</td>
                                            <td><ul class="attempts">{attempts}</ul></td>
                                            <td>
                                                <ActionForm action=resend>
                                                    <input type="hidden" name="scope" value=scope />
                                                    <input type="hidden" name="id" value=id.to_string() />
                                                    <input type="hidden" name="delivery_id" value=row.id />
                                                    <button type="submit" class="button-secondary" aria-label=label>"Resend"</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }
                                }
                                empty="Nothing has been sent to this endpoint yet."
                            />
                            {pager}
                        }
                        .into_any()
                    })
                }}
            </Transition>
        </section>
    }
}
