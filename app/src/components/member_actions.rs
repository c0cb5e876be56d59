//! Changing members from the members table: the menu on each row, the bar
//! for the selected rows, the dialogs that confirm a change, and the report
//! of what happened to each member.

use domain::{MemberAction, MembershipStatus, Role, grouped, grouped_len};
use leptos::prelude::*;

use super::{Dialog, DisclosureButton, Removal, RemovalKind, Removals, close_on_escape};
use crate::{
    AppError,
    api::{MemberOutcome, act_on_members, matching_members},
};

/// Who a change is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    /// One member, from its row's menu.
    One { user_id: i64, name: String },
    /// Rows ticked in the table.
    Selected(Vec<i64>),
    /// Every member the current search and filters find.
    Matching { query: String, total: i64 },
}

impl Targets {
    fn describe(&self) -> String {
        match self {
            Self::One { name, .. } => name.clone(),
            Self::Selected(ids) if ids.len() == 1 => "1 selected member".to_owned(),
            Self::Selected(ids) => format!("{} selected members", grouped_len(ids.len())),
            Self::Matching { total, .. } => {
                format!("all {} members matching the search and filters", grouped(*total))
            }
        }
    }
}

/// "1 member", "3 members", "1,200 members".
fn members(count: i64) -> String {
    format!("{} {}", grouped(count), if count == 1 { "member" } else { "members" })
}

/// What the dialog asks before `action`. A suspension locks people out, so
/// when it is for many it names how many, in the question and on the button
/// that confirms it (the server still checks each member).
fn confirmation(action: MemberAction, targets: &Targets) -> (String, String) {
    match (action, targets) {
        (MemberAction::Suspend, Targets::Selected(ids)) => {
            let count = members(i64::try_from(ids.len()).unwrap_or(i64::MAX));
            (format!("Suspend {count}?"), format!("Suspend {count}"))
        }
        (MemberAction::Suspend, Targets::Matching { total, .. }) => {
            let count = members(*total);
            (format!("Suspend all {count} matching the search and filters?"), format!("Suspend {count}"))
        }
        (MemberAction::Suspend, Targets::One { name, .. }) => {
            (format!("Suspend {name}?"), action.label().to_owned())
        }
        _ => (format!("{}: {}?", action.label(), targets.describe()), action.label().to_owned()),
    }
}

/// A change waiting for confirmation, and where focus goes afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// `None` while the role is still to be chosen.
    pub action: Option<MemberAction>,
    pub targets: Targets,
    pub return_focus: String,
}

/// How many members one call changes. A longer change is made in calls of
/// this many, so the page can say how far it is while it runs.
const BATCH: usize = 250;

/// A change being made, or the last one made.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    action: MemberAction,
    /// How many members it is for, once known.
    total: Option<usize>,
    outcomes: Vec<MemberOutcome>,
    /// Why it stopped before the end.
    error: Option<AppError>,
    finished: bool,
}

/// What the members page shares with its rows and bars.
#[derive(Clone, Copy)]
pub struct MemberChanges {
    pub slug: Memo<String>,
    /// The change the dialog shows, if any.
    pub pending: RwSignal<Option<Change>>,
    pub dialog_open: RwSignal<bool>,
    /// The reason typed for a suspension.
    reason: RwSignal<String>,
    /// The change running, or the last one.
    run: RwSignal<Option<Run>>,
    /// Counts finished changes: the table reloads after each.
    finished: RwSignal<usize>,
    /// Removing a member or deleting an account, confirmed apart.
    pub removals: Removals,
}

impl MemberChanges {
    pub fn new(slug: Memo<String>) -> Self {
        Self {
            slug,
            pending: RwSignal::new(None),
            dialog_open: RwSignal::new(false),
            reason: RwSignal::new(String::new()),
            run: RwSignal::new(None),
            finished: RwSignal::new(0),
            removals: Removals::new("member-search"),
        }
    }

    /// Changes each time a change has been made.
    pub fn version(self) -> usize {
        self.finished.get()
    }

    fn running(self) -> bool {
        self.run.with(|run| run.as_ref().is_some_and(|run| !run.finished))
    }

    /// Asks for confirmation of `change` (or for a role, when it has none).
    pub fn propose(self, change: Change) {
        self.pending.set(Some(change));
        self.reason.set(String::new());
        self.dialog_open.set(true);
    }

    fn run(self, action: MemberAction, targets: &Targets) {
        if self.running() {
            return;
        }
        let reason =
            if action == MemberAction::Suspend { self.reason.get_untracked() } else { String::new() };
        let slug = self.slug.get_untracked();
        let targets = targets.clone();
        self.run.set(Some(Run { action, total: None, outcomes: Vec::new(), error: None, finished: false }));
        self.dialog_open.set(false);
        leptos::task::spawn_local(async move {
            let result = self.make(slug, action, targets, reason).await;
            self.run.update(|run| {
                if let Some(run) = run {
                    run.error = result.err();
                    run.finished = true;
                }
            });
            self.finished.update(|count| *count += 1);
        });
    }

    /// Makes the change, a batch at a time, recording each batch's outcomes.
    async fn make(
        self,
        slug: String,
        action: MemberAction,
        targets: Targets,
        reason: String,
    ) -> Result<(), AppError> {
        let key = action.key().to_owned();
        let ids = match targets {
            Targets::One { user_id, .. } => vec![user_id],
            Targets::Selected(ids) => ids,
            // Few enough for one call: the server finds them itself.
            Targets::Matching { query, total }
                if usize::try_from(total).is_ok_and(|total| total <= BATCH) =>
            {
                let outcomes = act_on_members(slug, key, String::new(), true, query, reason).await?;
                self.record(outcomes.len(), outcomes);
                return Ok(());
            }
            Targets::Matching { query, .. } => matching_members(slug.clone(), query).await?,
        };
        self.record(ids.len(), Vec::new());
        for batch in ids.chunks(BATCH) {
            let members = batch.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let outcomes =
                act_on_members(slug.clone(), key.clone(), members, false, String::new(), reason.clone())
                    .await?;
            self.record(ids.len(), outcomes);
        }
        Ok(())
    }

    fn record(self, total: usize, outcomes: Vec<MemberOutcome>) {
        self.run.update(|run| {
            if let Some(run) = run {
                run.total = Some(total);
                run.outcomes.extend(outcomes);
            }
        });
    }
}

/// The menu on a member's row.
#[component]
pub fn RowActions(
    changes: MemberChanges,
    user_id: i64,
    name: String,
    email: String,
    status: MembershipStatus,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let button_id = format!("member-actions-{user_id}");
    let menu_id = format!("member-menu-{user_id}");
    let item = {
        let (button_id, name) = (button_id.clone(), name.clone());
        move |label: &'static str, action: Option<MemberAction>| {
            let (button_id, name) = (button_id.clone(), name.clone());
            let choose = move || {
                changes.propose(Change {
                    action,
                    targets: Targets::One { user_id, name: name.clone() },
                    return_focus: button_id.clone(),
                })
            };
            view! { <MenuEntry label open danger=false choose /> }
        }
    };
    let status_item = match status {
        MembershipStatus::Active => item("Suspend…", Some(MemberAction::Suspend)),
        MembershipStatus::Suspended => item("Reactivate…", Some(MemberAction::Reactivate)),
        MembershipStatus::Invited => item("Resend invitation…", Some(MemberAction::ResendInvitation)),
    };
    let removal_item = {
        let (button_id, name) = (button_id.clone(), name.clone());
        move |label: &'static str, kind: RemovalKind| {
            let removal = Removal {
                user_id,
                name: name.clone(),
                email: email.clone(),
                kind,
                return_focus: button_id.clone(),
            };
            let choose = move || changes.removals.propose(removal.clone());
            view! { <MenuEntry label open danger=true choose /> }
        }
    };
    let slug = changes.slug.get_untracked();
    view! {
        <div class="row-actions" on:keydown=close_on_escape(open)>
            <DisclosureButton open controls=menu_id.clone() class="button-secondary button-small" id=button_id>
                "Actions"
                <span class="visually-hidden">{format!(" for {name}")}</span>
            </DisclosureButton>
            <ul id=menu_id class="menu" hidden=move || !open.get()>
                {item("Change role…", None)}
                {status_item}
                {(status == MembershipStatus::Active)
                    .then(|| item("Send password reset…", Some(MemberAction::SendPasswordReset)))}
                {removal_item("Remove from organization…", RemovalKind::FromOrganization { slug })}
                {removal_item("Delete account…", RemovalKind::Account { offer_data: false })}
            </ul>
        </div>
    }
}

/// One entry of a row's menu: choosing it closes the menu first.
#[component]
fn MenuEntry(
    label: &'static str,
    open: RwSignal<bool>,
    /// Irreversible changes are marked as such.
    danger: bool,
    choose: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <li>
            <button
                type="button"
                class=if danger { "menu-item menu-item-danger" } else { "menu-item" }
                on:click=move |_| {
                    open.set(false);
                    choose();
                }
            >
                {label}
            </button>
        </li>
    }
}

/// The dialog that confirms a change, or asks which role to give.
#[component]
pub fn MemberChangeDialog(changes: MemberChanges) -> impl IntoView {
    let return_focus = Signal::derive(move || {
        changes.pending.with(|change| change.as_ref().map(|c| c.return_focus.clone()).unwrap_or_default())
    });
    let chosen = RwSignal::new(Role::Viewer);
    view! {
        <Dialog open=changes.dialog_open title="Change members" return_focus_to=return_focus>
            {move || {
                changes.pending.get().map(|change| {
                    let who = change.targets.describe();
                    match change.action {
                        None => view! {
                            <form on:submit=move |event| {
                                event.prevent_default();
                                changes.run(MemberAction::ChangeRole(chosen.get_untracked()), &change.targets);
                            }>
                                <fieldset class="role-choice">
                                    <legend>{format!("New role for {who}")}</legend>
                                    {Role::ALL
                                        .into_iter()
                                        .map(|role| {
                                            let id = format!("role-choice-{}", role.as_str());
                                            let hint = format!("{id}-hint");
                                            view! {
                                                <div class="choice">
                                                    <input
                                                        type="radio"
                                                        name="role"
                                                        id=id.clone()
                                                        value=role.as_str()
                                                        aria-describedby=hint.clone()
                                                        prop:checked=move || chosen.get() == role
                                                        on:change=move |_| chosen.set(role)
                                                    />
                                                    <label for=id>{role.label()}</label>
                                                    <p id=hint class="field-hint">{role.description()}</p>
                                                </div>
                                            }
                                        })
                                        .collect_view()}
                                </fieldset>
                                <button
                                    type="submit"
                                    class="button-primary"
                                    disabled=move || changes.running()
                                >
                                    "Change role"
                                </button>
                            </form>
                        }
                            .into_any(),
                        Some(action) => {
                            let (question, confirm) = confirmation(action, &change.targets);
                            view! {
                                <p>{question}</p>
                                {(action == MemberAction::Suspend).then(|| view! {
                                    <p class="field-hint">
                                        "They lose access to this organization at once; someone with no other organization is signed out too."
                                    </p>
                                    <div class="field">
                                        <label for="suspend-reason">"Reason (optional)"</label>
                                        <textarea
                                            id="suspend-reason"
                                            rows="3"
                                            maxlength="500"
                                            prop:value=move || changes.reason.get()
                                            on:input=move |event| changes.reason.set(event_target_value(&event))
                                        ></textarea>
                                        <p class="field-hint">"Kept in the audit log; never shown to the person."</p>
                                    </div>
                                })}
                                {(action == MemberAction::SendPasswordReset).then(|| view! {
                                    <p class="field-hint">
                                        "An email with a link to choose a new password; it works once, for one hour. Their current password works until they choose a new one."
                                    </p>
                                })}
                                <button
                                    type="button"
                                    class="button-primary"
                                    disabled=move || changes.running()
                                    on:click=move |_| changes.run(action, &change.targets)
                                >
                                    {confirm}
                                </button>
                            }
                            .into_any()
                        }
                    }
                })
            }}
        </Dialog>
    }
}

/// How far a change is while it runs; then what it did, member by member.
#[component]
pub fn MemberChangeReport(changes: MemberChanges) -> impl IntoView {
    view! {
        <div role="status" class="change-report">
            {move || changes.run.get().map(|run| match run {
                Run { finished: false, total: Some(total), outcomes, .. } if total > BATCH => {
                    let done = outcomes.len();
                    view! {
                        <p>{format!("Working on it: {} of {} members done…", grouped_len(done), grouped_len(total))}</p>
                        <progress max=total value=done aria-label="Members done"></progress>
                    }
                    .into_any()
                }
                Run { finished: false, .. } => view! { <p>"Working on it…"</p> }.into_any(),
                Run { action, total, outcomes, error, .. } => {
                    let stopped = error.map(|error| match total {
                        Some(total) if total > outcomes.len() && !outcomes.is_empty() => format!(
                            "Stopped after {} of {} members: {error}",
                            grouped_len(outcomes.len()),
                            grouped_len(total)
                        ),
                        _ => error.to_string(),
                    });
                    view! {
                        {(!outcomes.is_empty()).then(|| view! { <OutcomeSummary outcomes action=Some(action) /> })}
                        {stopped.map(|stopped| view! { <p class="form-alert">{stopped}</p> })}
                    }
                    .into_any()
                }
            })}
        </div>
    }
}

#[component]
fn OutcomeSummary(outcomes: Vec<MemberOutcome>, action: Option<MemberAction>) -> impl IntoView {
    let done = outcomes.iter().filter(|o| o.error.is_none()).count();
    let only = (outcomes.len() == 1).then(|| outcomes[0].clone());
    let failed: Vec<MemberOutcome> = outcomes.into_iter().filter(|o| o.error.is_some()).collect();
    let total = done + failed.len();
    let summary = match (done, failed.len()) {
        (_, 0) if total == 1 => match (only, action) {
            (Some(outcome), Some(action)) => format!("Done. {}", what_happened(&outcome, action)),
            _ => "Done.".to_owned(),
        },
        (_, 0) => format!("Done for all {} members.", grouped_len(total)),
        (0, _) => format!("Not done for any of the {} members:", grouped_len(total)),
        _ => format!("Done for {} of {} members. Not done for:", grouped_len(done), grouped_len(total)),
    };
    view! {
        <p>{summary}</p>
        {(!failed.is_empty()).then(|| view! {
            <ul class="outcome-failures">
                {failed
                    .into_iter()
                    .map(|outcome| {
                        let who = if outcome.name.is_empty() { outcome.email } else { format!("{} ({})", outcome.name, outcome.email) };
                        let who = if who.is_empty() { format!("Member {}", outcome.user_id) } else { who };
                        view! { <li>{who}": "{outcome.error.unwrap_or_default()}</li> }
                    })
                    .collect_view()}
            </ul>
        })}
    }
}

/// One member's change in a sentence: "Bob Builder is now an editor."
fn what_happened(outcome: &MemberOutcome, action: MemberAction) -> String {
    let who = if outcome.name.is_empty() { outcome.email.clone() } else { outcome.name.clone() };
    match action {
        MemberAction::ChangeRole(role) => {
            let article = if role == Role::Viewer { "a" } else { "an" };
            format!("{who} is now {article} {role}.")
        }
        MemberAction::Suspend => format!("{who} is suspended."),
        MemberAction::Reactivate => format!("{who} is active again."),
        MemberAction::ResendInvitation => format!("The invitation to {who} is sent again."),
        MemberAction::SendPasswordReset => format!("A link to choose a new password is on its way to {who}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_change_is_told_in_a_sentence() {
        let bob = MemberOutcome {
            user_id: 4,
            name: "Bob Builder".to_owned(),
            email: "bob@example.com".to_owned(),
            error: None,
        };
        assert_eq!(
            what_happened(&bob, MemberAction::ChangeRole(Role::Editor)),
            "Bob Builder is now an editor."
        );
        assert_eq!(
            what_happened(&bob, MemberAction::ChangeRole(Role::Viewer)),
            "Bob Builder is now a viewer."
        );
        let invited = MemberOutcome { name: String::new(), ..bob };
        assert_eq!(what_happened(&invited, MemberAction::Suspend), "bob@example.com is suspended.");
    }

    #[test]
    fn a_bulk_suspension_names_how_many_it_locks_out() {
        let three = Targets::Selected(vec![4, 5, 6]);
        assert_eq!(
            confirmation(MemberAction::Suspend, &three),
            ("Suspend 3 members?".to_owned(), "Suspend 3 members".to_owned())
        );
        assert_eq!(
            confirmation(MemberAction::Suspend, &Targets::Selected(vec![4])),
            ("Suspend 1 member?".to_owned(), "Suspend 1 member".to_owned())
        );
        let matching = Targets::Matching { query: "role=viewer".to_owned(), total: 1_200 };
        assert_eq!(
            confirmation(MemberAction::Suspend, &matching),
            (
                "Suspend all 1,200 members matching the search and filters?".to_owned(),
                "Suspend 1,200 members".to_owned()
            )
        );
        let ada = Targets::One { user_id: 4, name: "Ada Lovelace".to_owned() };
        assert_eq!(
            confirmation(MemberAction::Suspend, &ada),
            ("Suspend Ada Lovelace?".to_owned(), "Suspend".to_owned())
        );
    }

    #[test]
    fn other_changes_ask_as_before() {
        assert_eq!(
            confirmation(MemberAction::Reactivate, &Targets::Selected(vec![4, 5])),
            ("Reactivate: 2 selected members?".to_owned(), "Reactivate".to_owned())
        );
        assert_eq!(
            confirmation(
                MemberAction::ChangeRole(Role::Viewer),
                &Targets::Matching { query: String::new(), total: 40_000 }
            ),
            (
                "Make viewer: all 40,000 members matching the search and filters?".to_owned(),
                "Make viewer".to_owned()
            )
        );
    }
}
