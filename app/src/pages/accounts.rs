use domain::Paging;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    CurrentUserResource,
    api::{ACCOUNTS_PER_PAGE, AccountList, SetAccountSuspended, list_accounts},
    components::{
        Dialog, ErrorAlert, FormAlert, FormErrors, LastSignIn, PersonLink, Removal, RemovalDialog,
        RemovalKind, RemovalNotice, Removals, SearchForm, SearchQuery, SearchResults,
    },
};

/// The account a suspend or reactivate dialog is about.
#[derive(Debug, Clone, PartialEq)]
struct StatusChange {
    user_id: i64,
    name: String,
    suspend: bool,
}

fn action_button_id(user_id: i64) -> String {
    format!("account-status-{user_id}")
}

/// Super admins: every account in Roster, whatever its organizations.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let search = SearchQuery::from_url();
    let change_status = ServerAction::<SetAccountSuspended>::new();
    let removals = Removals::new("account-search");
    let list = Resource::new(
        move || (search.text.get(), search.page.get(), change_status.version().get(), removals.version()),
        |(search, page, _, _)| list_accounts(search, page),
    );
    let me = expect_context::<CurrentUserResource>().0;
    let pending = RwSignal::new(None::<StatusChange>);
    let dialog_open = RwSignal::new(false);
    // The dialog closes once the change is made.
    Effect::new(move |_| {
        if matches!(change_status.value().get(), Some(Ok(()))) {
            dialog_open.set(false);
        }
    });

    view! {
        <Title text="All users" />
        <h1>"All users"</h1>
        <RemovalNotice removals />
        <SearchForm action="/users" id="account-search" label="Search name or email" value=search.text />
        <Transition fallback=|| view! { <p>"Loading users…"</p> }>
            {move || Suspend::new(async move {
                let me = me.await.ok().flatten().map(|user| user.id);
                match list.await {
                    Ok(list) => {
                        let ask = move |change: StatusChange| {
                            change_status.value().set(None);
                            pending.set(Some(change));
                            dialog_open.set(true);
                        };
                        view! { <AccountsTable list search=search.text.get() me ask removals /> }.into_any()
                    }
                    Err(error) => view! { <ErrorAlert error class="form-alert" /> }.into_any(),
                }
            })}
        </Transition>
        <crate::pages::SuperAdminTwoFactorForm />
        <AccountStatusDialog pending open=dialog_open action=change_status />
        <RemovalDialog removals />
    }
}

/// Confirms a suspension (with an optional reason) or a reactivation.
#[component]
fn AccountStatusDialog(
    pending: RwSignal<Option<StatusChange>>,
    open: RwSignal<bool>,
    action: ServerAction<SetAccountSuspended>,
) -> impl IntoView {
    let errors = FormErrors::of(action.value());
    let return_focus = Signal::derive(move || {
        pending.with(|change| change.as_ref().map(|c| action_button_id(c.user_id)).unwrap_or_default())
    });
    let title = "Account status";
    view! {
        <Dialog open title return_focus_to=return_focus>
            {move || {
                pending.get().map(|change| {
                    let (question, button) = if change.suspend {
                        (
                            format!(
                                "Suspend {}? They are signed out everywhere at once and cannot sign in until the account is reactivated.",
                                change.name,
                            ),
                            "Suspend account",
                        )
                    } else {
                        (format!("Reactivate {}? They can sign in again.", change.name), "Reactivate account")
                    };
                    view! {
                        <ActionForm action>
                            <input type="hidden" name="user_id" value=change.user_id.to_string() />
                            <input type="hidden" name="suspended" value=change.suspend.to_string() />
                            <p>{question}</p>
                            {if change.suspend {
                                view! {
                                    <div class="field">
                                        <label for="status-reason">"Reason (optional)"</label>
                                        <textarea id="status-reason" name="reason" rows="3" maxlength="500"></textarea>
                                        <p class="field-hint">"Kept in the audit log; never shown to the person."</p>
                                    </div>
                                }
                                    .into_any()
                            } else {
                                view! { <input type="hidden" name="reason" value="" /> }.into_any()
                            }}
                            <FormAlert message=errors.general() />
                            <FormAlert message=errors.field("reason") />
                            <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                                {button}
                            </button>
                        </ActionForm>
                    }
                })
            }}
        </Dialog>
    }
}

#[component]
fn AccountsTable(
    list: AccountList,
    search: String,
    /// The signed-in super admin, who may not suspend their own account.
    me: Option<i64>,
    ask: impl Fn(StatusChange) + Copy + Send + Sync + 'static,
    removals: Removals,
) -> impl IntoView {
    let paging = Paging::new(list.page, ACCOUNTS_PER_PAGE, list.total);
    let now = list.now;
    view! {
        <SearchResults
            noun="Users"
            path="/users"
            search
            paging
            columns=&["Name", "Email", "Organizations", "Status", "Last sign-in"]
            row_actions=true
            rows=list.rows
            row=move |row| {
                let status = match (row.suspended, row.is_super_admin) {
                    (true, _) => "Suspended",
                    (false, true) => "Active · super admin",
                    (false, false) => "Active",
                };
                let action = (me != Some(row.user_id)).then(|| {
                    let change = StatusChange {
                        user_id: row.user_id,
                        name: if row.name.is_empty() { row.email.clone() } else { row.name.clone() },
                        suspend: !row.suspended,
                    };
                    let label = if row.suspended { "Reactivate…" } else { "Suspend…" };
                    let who = change.name.clone();
                    let delete_id = format!("account-delete-{}", row.user_id);
                    let removal = Removal {
                        user_id: row.user_id,
                        name: change.name.clone(),
                        email: row.email.clone(),
                        kind: RemovalKind::Account { offer_data: true },
                        return_focus: delete_id.clone(),
                    };
                    view! {
                        <div class="row-actions">
                            <button
                                type="button"
                                class="button-secondary button-small"
                                id=action_button_id(row.user_id)
                                on:click=move |_| ask(change.clone())
                            >
                                {label}
                                <span class="visually-hidden">{format!(" {who}")}</span>
                            </button>
                            <button
                                type="button"
                                class="button-secondary button-small"
                                id=delete_id
                                on:click=move |_| removals.propose(removal.clone())
                            >
                                "Delete…"
                                <span class="visually-hidden">{format!(" {who}")}</span>
                            </button>
                        </div>
                    }
                });
                view! {
                    <tr>
                        <td><PersonLink href=format!("/users/{}", row.user_id) name=row.name /></td>
                        <td>{row.email}</td>
                        <td>
                            <ul class="inline-list">
                                {row
                                    .memberships
                                    .into_iter()
                                    .map(|m| view! {
                                        <li>
                                            <a href=format!("/orgs/{}/members", m.slug)>{m.organization}</a>
                                            {format!(" · {} · {}", m.role, m.status)}
                                        </li>
                                    })
                                    .collect_view()}
                            </ul>
                        </td>
                        <td>{status}</td>
                        <td><LastSignIn at=row.last_sign_in_at now /></td>
                        <td>{action}</td>
                    </tr>
                }
            }
            empty="No user matches."
        />
    }
}
