//! Keys of the management API: an organization's, at `/orgs/:slug/api-keys`
//! (its admins), and the installation's, at `/api-keys` (super admins).
//! A new key's secret is shown once, here; revoking asks to be confirmed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    AppError,
    api::{ApiKeyList, ApiKeyRow, CreateApiKey, RevokeApiKey, list_api_keys},
    components::{DataTable, ErrorAlert, FormAlert, FormErrors, FormField, TimeAgo},
    pages::NotFoundContent,
};

#[component]
pub fn OrganizationApiKeysPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Signal::derive(move || params.read().get("slug").unwrap_or_default());
    view! { <ApiKeys slug /> }
}

#[component]
pub fn InstallationApiKeysPage() -> impl IntoView {
    view! { <ApiKeys slug=Signal::derive(String::new) /> }
}

/// The keys of `slug` (empty: the installation's), with the forms that
/// make and revoke them.
#[component]
fn ApiKeys(slug: Signal<String>) -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(
        move || (slug.get(), create.version().get(), revoke.version().get()),
        |(slug, ..)| list_api_keys(slug),
    );
    let explanation = move || {
        if slug.get().is_empty() {
            "An installation key acts as you, a super admin, on every organization. It does nothing once you no longer are one."
        } else {
            "An organization key acts as you, as an admin of this organization only. It does nothing once you no longer are one."
        }
    };
    view! {
        <Title text="API keys" />
        <Transition fallback=|| view! { <p>"Loading keys…"</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(list) => view! {
                        <h1>"API keys"</h1>
                        <p>
                            {explanation()}
                            " Send it as "<code>"Authorization: Bearer roster_…"</code>
                            " to the management API (its "<a href="/docs/api/" rel="external">"reference"</a>
                            " and "<a href="/v1/openapi.json" rel="external">"OpenAPI description"</a>
                            "). Every change made with it is in the audit log under its name."
                        </p>
                        <CreateForm slug create />
                        <KeysTable slug=slug.get_untracked() list revoke />
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
fn CreateForm(slug: Signal<String>, create: ServerAction<CreateApiKey>) -> impl IntoView {
    let errors = FormErrors::of(create.value());
    let created = move || {
        create.value().get().and_then(Result::ok).map(|created| {
            view! {
                <section class="panel" role="status" aria-labelledby="new-key-heading">
                    <h2 id="new-key-heading">{format!("Key \u{201c}{}\u{201d} created", created.key.name)}</h2>
                    <p><code class="credential">{created.secret}</code></p>
                    <p class="form-notice">
                        <strong>"Copy it now: it will not be shown again."</strong>
                        " Roster keeps only a hash of it."
                    </p>
                </section>
            }
        })
    };
    view! {
        <section class="panel" aria-labelledby="create-key-heading">
            <h2 id="create-key-heading">"Create a key"</h2>
            {created}
            <ActionForm action=create>
                <input type="hidden" name="slug" value=slug />
                <FormField label="Name" name="name" hint="What will use it, such as billing." error=errors.field("name") />
                <FormField
                    label="Expires after (days)"
                    name="expires_in_days"
                    input_type="number"
                    required=false
                    hint="Leave empty for a key that does not expire."
                    error=errors.field("expires_in_days")
                />
                <FormAlert message=errors.general() />
                <button type="submit" class="button-primary" disabled=move || create.pending().get()>"Create key"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn KeysTable(slug: String, list: ApiKeyList, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let now = list.now;
    let errors = FormErrors::of(revoke.value());
    view! {
        <FormAlert message=errors.general() />
        <DataTable
            caption=match list.rows.len() {
                1 => "1 key".to_owned(),
                count => format!("{} keys", domain::grouped(count as i64)),
            }
            columns=&["Name", "Key", "Created by", "Created", "Expires", "Last used", "Status", "Revoke"]
            rows=list.rows
            row=move |key: ApiKeyRow| {
                let status = match key.status.as_str() {
                    "active" => "Active",
                    "expired" => "Expired",
                    _ => "Revoked",
                };
                let date = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d").to_string();
                let revocable = key.status == "active";
                let (slug, id, name) = (slug.clone(), key.id.to_string(), key.name.clone());
                view! {
                    <tr>
                        <td>{key.name}</td>
                        <td><code>{format!("{}…", key.prefix)}</code></td>
                        <td>{key.created_by.unwrap_or_else(|| "Deleted account".to_owned())}</td>
                        <td>{date(key.created_at)}</td>
                        <td>{key.expires_at.map(date).unwrap_or_else(|| "Never".to_owned())}</td>
                        <td>{match key.last_used_at {
                            Some(at) => view! { <TimeAgo at now /> }.into_any(),
                            None => "Never".into_any(),
                        }}</td>
                        <td>{status}</td>
                        <td>{revocable.then(|| view! {
                            <details class="confirm">
                                <summary>"Revoke…"</summary>
                                <p>{format!("Requests made with \u{201c}{name}\u{201d} will be refused at once. This cannot be undone.")}</p>
                                <ActionForm action=revoke>
                                    <input type="hidden" name="slug" value=slug />
                                    <input type="hidden" name="id" value=id />
                                    <button type="submit" class="button-danger">{format!("Revoke \u{201c}{name}\u{201d}")}</button>
                                </ActionForm>
                            </details>
                        })}</td>
                    </tr>
                }
            }
            empty="No key yet."
        />
    }
}
