//! An organization's SCIM provisioning, at `/orgs/:slug/provisioning` (its
//! admins): the base URL and tokens to paste into the identity provider
//! (a new token's secret shown once), whether people it creates are
//! emailed, the names of the three role groups, and the latest requests
//! with what came of them, so a stalled sync can be read here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    AppError,
    api::{
        ApiKeyRow, CreateScimToken, Provisioning, RenameScimGroup, RevokeScimToken, ScimGroupName,
        ScimRequestRow, SetScimWelcomeEmail, scim_provisioning,
    },
    components::{DataTable, ErrorAlert, FormAlert, FormErrors, FormField, TimeAgo},
    pages::NotFoundContent,
};

#[component]
pub fn ProvisioningPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Signal::derive(move || params.read().get("slug").unwrap_or_default());
    let create = ServerAction::<CreateScimToken>::new();
    let revoke = ServerAction::<RevokeScimToken>::new();
    let welcome = ServerAction::<SetScimWelcomeEmail>::new();
    let rename = ServerAction::<RenameScimGroup>::new();
    let provisioning = Resource::new(
        move || {
            (
                slug.get(),
                create.version().get(),
                revoke.version().get(),
                welcome.version().get(),
                rename.version().get(),
            )
        },
        |(slug, ..)| scim_provisioning(slug),
    );
    view! {
        <Title text="Provisioning" />
        <Transition fallback=|| view! { <p>"Loading provisioning…"</p> }>
            {move || Suspend::new(async move {
                match provisioning.await {
                    Ok(p) => view! {
                        <h1>"Provisioning"</h1>
                        <p>
                            "Your identity provider (Okta, Microsoft Entra ID, Google, JumpCloud…) can add, change and "
                            "remove this organization's members over SCIM 2.0: people it assigns become viewers, "
                            "deactivating them suspends their membership, and its groups named like yours below "
                            "give their members that role. Every change it makes is in the audit log under the token's name."
                        </p>
                        <section class="panel" aria-labelledby="connect-heading">
                            <h2 id="connect-heading">"Connect your identity provider"</h2>
                            <dl class="facts">
                                <dt>"SCIM base URL"</dt>
                                <dd><code class="credential">{p.base_url.clone()}</code></dd>
                                <dt>"Authentication"</dt>
                                <dd>"HTTP header (bearer token): a token made below."</dd>
                                <dt>"Unique identifier"</dt>
                                <dd><code>"userName"</code>" (the person's email address)"</dd>
                            </dl>
                        </section>
                        <Tokens slug p=p.clone() create revoke />
                        <Settings slug p=p.clone() welcome rename />
                        <Requests requests=p.requests now=p.now />
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
fn Tokens(
    slug: Signal<String>,
    p: Provisioning,
    create: ServerAction<CreateScimToken>,
    revoke: ServerAction<RevokeScimToken>,
) -> impl IntoView {
    let errors = FormErrors::of(create.value());
    let revoke_errors = FormErrors::of(revoke.value());
    let created = move || {
        create.value().get().and_then(Result::ok).map(|created| {
            view! {
                <section class="panel" role="status" aria-labelledby="new-token-heading">
                    <h2 id="new-token-heading">{format!("Token \u{201c}{}\u{201d} created", created.key.name)}</h2>
                    <p><code class="credential">{created.secret}</code></p>
                    <p class="form-notice">
                        <strong>"Copy it now: it will not be shown again."</strong>
                        " Roster keeps only a hash of it."
                    </p>
                </section>
            }
        })
    };
    let now = p.now;
    let slug_now = slug.get_untracked();
    view! {
        <section class="panel" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">"Tokens"</h2>
            {created}
            <ActionForm action=create>
                <input type="hidden" name="slug" value=slug />
                <FormField label="Name" name="name" hint="The identity provider that will use it, such as Okta." error=errors.field("name") />
                <FormAlert message=errors.general() />
                <button type="submit" class="button-primary" disabled=move || create.pending().get()>"Create token"</button>
            </ActionForm>
            <FormAlert message=revoke_errors.general() />
            <DataTable
                caption=match p.tokens.len() {
                    1 => "1 token".to_owned(),
                    count => format!("{count} tokens"),
                }
                columns=&["Name", "Token", "Created by", "Created", "Last used", "Status", "Revoke"]
                rows=p.tokens
                row=move |token: ApiKeyRow| {
                    let revocable = token.status == "active";
                    let (slug, id, name) = (slug_now.clone(), token.id.to_string(), token.name.clone());
                    view! {
                        <tr>
                            <td>{token.name}</td>
                            <td><code>{format!("{}…", token.prefix)}</code></td>
                            <td>{token.created_by.unwrap_or_else(|| "Deleted account".to_owned())}</td>
                            <td>{token.created_at.format("%Y-%m-%d").to_string()}</td>
                            <td>{match token.last_used_at {
                                Some(at) => view! { <TimeAgo at now /> }.into_any(),
                                None => "Never".into_any(),
                            }}</td>
                            <td>{if revocable { "Active" } else { "Revoked" }}</td>
                            <td>{revocable.then(|| view! {
                                <details class="confirm">
                                    <summary>"Revoke…"</summary>
                                    <p>{format!("The identity provider using \u{201c}{name}\u{201d} will be refused at once: provisioning stops until it has a new token.")}</p>
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
                empty="No token yet: create one for your identity provider."
            />
        </section>
    }
}

#[component]
fn Settings(
    slug: Signal<String>,
    p: Provisioning,
    welcome: ServerAction<SetScimWelcomeEmail>,
    rename: ServerAction<RenameScimGroup>,
) -> impl IntoView {
    let welcome_errors = FormErrors::of(welcome.value());
    // The role whose group was last renamed: the three forms share one action.
    let sent = RwSignal::new(String::new());
    let (state, switch, turn) = match p.welcome_email {
        true => (
            "On: a person it creates without an account gets an email to choose a password.",
            "false",
            "Turn off",
        ),
        false => (
            "Off: people it creates sign in with their identity provider, or ask for a password reset.",
            "true",
            "Turn on",
        ),
    };
    view! {
        <section class="panel" aria-labelledby="welcome-heading">
            <h2 id="welcome-heading">"Welcome email"</h2>
            <p>{state}</p>
            <ActionForm action=welcome>
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="on" value=switch />
                <FormAlert message=welcome_errors.general() />
                <button type="submit" class="button-secondary">{turn}" the welcome email"</button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="groups-heading">
            <h2 id="groups-heading">"Groups"</h2>
            <p>
                "Each role is a SCIM group. Name them as the groups you push from your directory: "
                "its members get that role; removed from the admins' or editors' group, they become viewers."
            </p>
            {p.groups.into_iter().map(|group| view! { <GroupForm slug group rename sent /> }).collect_view()}
        </section>
    }
}

#[component]
fn GroupForm(
    slug: Signal<String>,
    group: ScimGroupName,
    rename: ServerAction<RenameScimGroup>,
    sent: RwSignal<String>,
) -> impl IntoView {
    let role = group.role.clone();
    // An error is shown by the form that sent the request.
    let error = {
        let role = role.clone();
        let errors = FormErrors::of(rename.value());
        Signal::derive(move || (sent.get() == role).then(|| errors.field("display_name").get()).flatten())
    };
    let on_submit = {
        let role = role.clone();
        move |_| sent.set(role.clone())
    };
    let label = match role.as_str() {
        "admin" => "Admins' group (id admin)",
        "editor" => "Editors' group (id editor)",
        _ => "Viewers' group (id viewer)",
    };
    let id = format!("group-{role}");
    let error_id = format!("{id}-error");
    view! {
        <ActionForm action=rename attr:class="inline-form" on:submit=on_submit>
            <input type="hidden" name="slug" value=slug />
            <input type="hidden" name="role" value=role.clone() />
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    name="display_name"
                    type="text"
                    autocomplete="off"
                    required
                    value=group.display_name
                    aria-describedby=error_id.clone()
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                />
                <p id=error_id class="field-error">{move || error.get()}</p>
            </div>
            <button type="submit" class="button-secondary">"Rename"</button>
        </ActionForm>
    }
}

#[component]
fn Requests(requests: Vec<ScimRequestRow>, now: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="requests-heading">
            <h2 id="requests-heading">"Latest requests"</h2>
            <DataTable
                caption=format!("The latest {} requests, newest first", requests.len())
                columns=&["When", "Token", "Request", "Status", "Outcome"]
                rows=requests
                row=move |r: ScimRequestRow| {
                    let class = if r.status >= 400 { "status-error" } else { "" };
                    view! {
                        <tr>
                            <td><TimeAgo at=r.at now /></td>
                            <td>{r.token.unwrap_or_default()}</td>
                            <td><code>{format!("{} {}", r.method, r.path)}</code></td>
                            <td class=class>{r.status}</td>
                            <td>{r.outcome}</td>
                        </tr>
                    }
                }
                empty="No request yet."
            />
        </section>
    }
}
