use domain::Paging;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    AppError,
    api::{
        AuditPage, EndPersonAppSession, EndPersonSession, PersonOverview, ResetTwoFactor, SessionView,
        person_activity, person_timeline,
    },
    components::{
        AuditTable, Breadcrumbs, DataTable, ErrorAlert, FormAlert, FormErrors, LastSignIn, SignInChart,
        TimeAgo,
    },
    pages::NotFoundContent,
};

/// A member as an admin of their organization sees them, at
/// `/orgs/:slug/members/:id`: only what concerns that organization.
#[component]
pub fn MemberActivityPage() -> impl IntoView {
    let params = use_params_map();
    let org = Memo::new(move |_| params.read().get("slug"));
    let user_id = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<i64>().ok()));
    view! { <PersonPage org user_id /> }
}

/// A whole account, at `/users/:id`: for super admins.
#[component]
pub fn AccountActivityPage() -> impl IntoView {
    let params = use_params_map();
    let org = Memo::new(|_| None);
    let user_id = Memo::new(move |_| params.read().get("id").and_then(|id| id.parse::<i64>().ok()));
    view! { <PersonPage org user_id /> }
}

/// The resources of a person's page, made at the top of the page (see
/// `pages/organization.rs`): their activity and one page of their timeline.
#[derive(Clone, Copy)]
pub struct PersonResources {
    pub activity: Resource<Result<PersonOverview, AppError>>,
    pub timeline: Resource<Result<AuditPage, AppError>>,
    pub end_session: ServerAction<EndPersonSession>,
    pub end_app_session: ServerAction<EndPersonAppSession>,
}

impl PersonResources {
    pub fn new(org: Memo<Option<String>>, user_id: Memo<Option<i64>>, refresh: Signal<usize>) -> Self {
        let query = use_query_map();
        let page = Memo::new(move |_| Paging::requested(query.read().get("page")));
        let end_session = ServerAction::<EndPersonSession>::new();
        let end_app_session = ServerAction::<EndPersonAppSession>::new();
        let activity = Resource::new(
            move || {
                (
                    org.get(),
                    user_id.get(),
                    end_session.version().get(),
                    end_app_session.version().get(),
                    refresh.get(),
                )
            },
            |(org, user_id, ..)| async move {
                match user_id {
                    Some(user_id) => person_activity(org, user_id).await,
                    None => Err(AppError::NotFound),
                }
            },
        );
        let timeline = Resource::new(
            move || (org.get(), user_id.get(), page.get(), end_session.version().get(), refresh.get()),
            |(org, user_id, page, ..)| async move {
                match user_id {
                    Some(user_id) => person_timeline(org, user_id, page).await,
                    None => Err(AppError::NotFound),
                }
            },
        );
        Self { activity, timeline, end_session, end_app_session }
    }
}

#[component]
fn PersonPage(org: Memo<Option<String>>, user_id: Memo<Option<i64>>) -> impl IntoView {
    let resources = PersonResources::new(org, user_id, Signal::from(0));
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match resources.activity.await {
                    Ok(person) => {
                        let trail = match org.get_untracked() {
                            Some(slug) => {
                                // The organization in view is the one membership shown.
                                let organization = person
                                    .memberships
                                    .iter()
                                    .find(|m| m.organization_slug == slug)
                                    .map_or_else(|| slug.clone(), |m| m.organization_name.clone());
                                vec![
                                    (organization, format!("/orgs/{slug}")),
                                    ("Members".to_owned(), format!("/orgs/{slug}/members")),
                                ]
                            }
                            None => vec![("All users".to_owned(), "/users".to_owned())],
                        };
                        // Someone invited who has not joined yet has no name: their address is who they are.
                        let called = if person.name.is_empty() { person.email.clone() } else { person.name.clone() };
                        view! {
                            <Title text=called.clone() />
                            <Breadcrumbs trail current=called.clone() />
                            <h1>{called}</h1>
                            <Profile person=person.clone() />
                            <SecondFactors person=person.clone() org=org.get_untracked() />
                            <Memberships person=person.clone() />
                            <SignIns person=person.clone() />
                            <Sessions person=person.clone() org=org.get_untracked() end_session=resources.end_session />
                            <AppSessions person=person.clone() org=org.get_untracked() end_app_session=resources.end_app_session />
                            <Links person />
                            <Timeline timeline=resources.timeline />
                        }
                            .into_any()
                    }
                    Err(AppError::NotFound) => view! { <NotFoundContent /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn Profile(person: PersonOverview) -> impl IntoView {
    let now = person.now;
    let status = match (person.status, person.is_super_admin) {
        (domain::AccountStatus::Suspended, _) => "Suspended (cannot sign in)",
        (_, true) => "Active, super admin",
        _ => "Active",
    };
    view! {
        <dl class="facts">
            <dt>"Email"</dt>
            <dd>{person.email}</dd>
            <dt>"Account"</dt>
            <dd>{status}</dd>
            <dt>"Account created"</dt>
            <dd>
                <TimeAgo at=person.created_at now />
            </dd>
            <dt>"Last sign-in"</dt>
            <dd>
                <LastSignIn at=person.last_sign_in_at now />
            </dd>
        </dl>
    }
}

/// The person's second factors (what and when, never a secret), and the
/// admin's way out for someone locked out of theirs.
#[component]
fn SecondFactors(person: PersonOverview, org: Option<String>) -> impl IntoView {
    let now = person.now;
    let reset = ServerAction::<ResetTwoFactor>::new();
    let errors = FormErrors::of(reset.value());
    let asking = RwSignal::new(false);
    let done = move || reset.value().with(|result| matches!(result, Some(Ok(()))));
    let may_reset = person.may_reset_two_factor && !person.factors.is_empty();
    let user_id = person.user_id;
    let org = StoredValue::new(org.unwrap_or_default());
    view! {
        <section aria-labelledby="factors-heading">
            <h2 id="factors-heading">"Two-factor sign-in"</h2>
            <DataTable
                class="factor-table"
                columns=&["Name", "Type", "Added", "Last used"]
                rows=person.factors
                row=move |factor| view! {
                    <tr>
                        <td>{factor.name}</td>
                        <td>{factor.kind.label()}</td>
                        <td><TimeAgo at=factor.created_at now /></td>
                        <td><LastSignIn at=factor.last_used_at now /></td>
                    </tr>
                }
                empty="No second factor: a password alone signs them in."
            />
            <Show when=move || may_reset && !done()>
                <button type="button" class="button-secondary button-inline" aria-expanded=move || asking.get().to_string() on:click=move |_| asking.update(|open| *open = !*open)>
                    "Reset two-factor…"
                </button>
                <Show when=move || asking.get()>
                    <div class="confirm-panel" role="group" aria-label="Reset two-factor">
                        <p>"This removes every authenticator app, passkey and recovery code of theirs and signs them out everywhere. They are emailed, and set up a new factor when they next sign in."</p>
                        <ActionForm action=reset>
                            {move || {
                                let org = org.get_value();
                                (!org.is_empty()).then(|| view! { <input type="hidden" name="org" value=org /> })
                            }}
                            <input type="hidden" name="user_id" value=user_id />
                            <FormAlert message=errors.general() />
                            <button type="submit" class="button-danger button-inline">"Reset two-factor"</button>
                        </ActionForm>
                    </div>
                </Show>
            </Show>
            <Show when=done>
                <p role="status" class="form-notice">{crate::notice::Notice::TwoFactorReset.message()}</p>
            </Show>
        </section>
    }
}

#[component]
fn Memberships(person: PersonOverview) -> impl IntoView {
    let now = person.now;
    view! {
        <section aria-labelledby="memberships-heading">
            <h2 id="memberships-heading">"Organizations"</h2>
            <DataTable
                columns=&["Organization", "Role", "Status", "Joined"]
                rows=person.memberships
                row=move |m| view! {
                    <tr>
                        <td>{m.organization_name}</td>
                        <td>{m.role.label()}</td>
                        <td>{m.status.label()}</td>
                        <td>{match m.joined_at {
                            Some(at) => view! { <TimeAgo at now /> }.into_any(),
                            None => "Not yet".into_any(),
                        }}</td>
                    </tr>
                }
                empty="No organization."
            />
        </section>
    }
}

#[component]
pub fn SignIns(person: PersonOverview) -> impl IntoView {
    let now = person.now;
    view! {
        <section aria-labelledby="sign-ins-heading">
            <h2 id="sign-ins-heading">"Sign-ins"</h2>
            <SignInChart days=person.sign_ins_per_day today=person.today />
            <DataTable
                class="sign-in-attempts"
                caption="Latest attempts"
                columns=&["When", "Result", "IP address", "Browser"]
                rows=person.sign_ins
                row=move |attempt| view! {
                    <tr>
                        <td><TimeAgo at=attempt.at now /></td>
                        <td>{attempt.result()}</td>
                        <td>{attempt.ip}</td>
                        <td class="user-agent">{attempt.user_agent}</td>
                    </tr>
                }
                empty="No sign-in attempt yet."
            />
        </section>
    }
}

/// Live sessions; an admin (or the person) can end any but their own current one.
#[component]
pub fn Sessions(
    person: PersonOverview,
    org: Option<String>,
    end_session: ServerAction<EndPersonSession>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let now = person.now;
    let errors = FormErrors::of(end_session.value());
    let user_id = person.user_id.to_string();
    let may_end_sessions = person.may_end_sessions;
    let action = move |session: &SessionView| {
        if session.current {
            view! { <span class="muted">"This session"</span> }.into_any()
        } else if may_end_sessions {
            let (org, user_id, session_id) = (org.clone(), user_id.clone(), session.id.to_string());
            view! {
                <ActionForm action=end_session>
                    {org.map(|org| view! { <input type="hidden" name="org" value=org /> })}
                    <input type="hidden" name="user_id" value=user_id />
                    <input type="hidden" name="session_id" value=session_id />
                    <button type="submit" class="button-secondary">"End session"</button>
                </ActionForm>
            }
            .into_any()
        } else {
            ().into_any()
        }
    };
    view! {
        <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Sessions"</h2>
            <FormAlert message=errors.general() />
            {children.map(|children| children())}
            <DataTable
                class="sessions"
                columns=&["Started", "Last active", "IP address", "Browser", "Actions"]
                rows=person.sessions
                row=move |session| {
                    let action = action(&session);
                    view! {
                        <tr>
                            <td><TimeAgo at=session.created_at now /></td>
                            <td><TimeAgo at=session.last_seen_at now /></td>
                            <td>{session.ip}</td>
                            <td class="user-agent">{session.user_agent}</td>
                            <td>{action}</td>
                        </tr>
                    }
                }
                empty="Not signed in anywhere."
            />
        </section>
    }
}

/// The apps a person is signed in to; whoever may end their sessions may
/// end these too (the app is told over the back-channel).
#[component]
pub fn AppSessions(
    person: PersonOverview,
    org: Option<String>,
    end_app_session: ServerAction<EndPersonAppSession>,
) -> impl IntoView {
    let now = person.now;
    let errors = FormErrors::of(end_app_session.value());
    let user_id = person.user_id.to_string();
    let may_end = person.may_end_sessions;
    view! {
        <section aria-labelledby="app-sessions-heading">
            <h2 id="app-sessions-heading">"Signed in to apps"</h2>
            <FormAlert message=errors.general() />
            <DataTable
                class="app-sessions"
                columns=&["App", "Organization", "Signed in", "Last used", "Actions"]
                rows=person.app_sessions
                row=move |session| {
                    let end = may_end.then(|| {
                        let (org, user_id, grant_id) = (org.clone(), user_id.clone(), session.grant_id.to_string());
                        view! {
                            <ActionForm action=end_app_session>
                                {org.map(|org| view! { <input type="hidden" name="org" value=org /> })}
                                <input type="hidden" name="user_id" value=user_id />
                                <input type="hidden" name="grant_id" value=grant_id />
                                <button type="submit" class="button-secondary">"End"</button>
                            </ActionForm>
                        }
                    });
                    view! {
                        <tr>
                            <td>{session.app_name}</td>
                            <td>{session.organization_name.unwrap_or_else(|| "None".to_owned())}</td>
                            <td><TimeAgo at=session.signed_in_at now /></td>
                            <td><TimeAgo at=session.last_used_at now /></td>
                            <td>{end}</td>
                        </tr>
                    }
                }
                empty="Not signed in to any app."
            />
        </section>
    }
}

#[component]
fn Links(person: PersonOverview) -> impl IntoView {
    let date = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d %H:%M UTC").to_string();
    view! {
        <section aria-labelledby="links-heading">
            <h2 id="links-heading">"Invitations and password resets"</h2>
            <DataTable
                columns=&["What", "Sent", "By", "Expires", "State"]
                rows=person.links
                row=move |link| view! {
                    <tr>
                        <td>{link.what}</td>
                        <td>{date(link.sent_at)}</td>
                        <td>{link.sent_by.unwrap_or_else(|| "Themselves".to_owned())}</td>
                        <td>{date(link.expires_at)}</td>
                        <td>{link.state}</td>
                    </tr>
                }
                empty="None sent."
            />
        </section>
    }
}

/// A person's events, a page at a time (`?page=` in the URL).
#[component]
pub fn Timeline(timeline: Resource<Result<AuditPage, AppError>>) -> impl IntoView {
    view! {
        <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">"Activity"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match timeline.await {
                        Ok(page) => {
                            view! { <AuditTable page empty="Nothing yet." href=|page| format!("?page={page}") /> }.into_any()
                        }
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
