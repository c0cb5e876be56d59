//! Removing someone from an organization or deleting their account: a
//! dialog that asks for the person's email address, typed, before it lets
//! the change through, and a notice of what was done.

use leptos::prelude::*;

use super::{Dialog, FormAlert, FormErrors};
use crate::api::{DeleteAccount, RemoveMember};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemovalKind {
    /// Out of the organization at `slug`; the account stays.
    FromOrganization { slug: String },
    /// The whole account; `offer_data` lets a super admin delete the
    /// person's data as well.
    Account { offer_data: bool },
}

/// A removal waiting for confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub kind: RemovalKind,
    /// The control that opened the dialog, focused again on cancel.
    pub return_focus: String,
}

/// What a page shares with its rows and its removal dialog.
#[derive(Clone, Copy)]
pub struct Removals {
    pending: RwSignal<Option<Removal>>,
    open: RwSignal<bool>,
    pub remove: ServerAction<RemoveMember>,
    pub delete: ServerAction<DeleteAccount>,
    /// What the last removal did, for everyone to read.
    notice: RwSignal<Option<String>>,
    /// Where focus goes after a removal, the opener's row being gone.
    focus_after: &'static str,
}

impl Removals {
    /// `focus_after`: the id of the control focused after a removal.
    pub fn new(focus_after: &'static str) -> Self {
        Self {
            focus_after,
            pending: RwSignal::new(None),
            open: RwSignal::new(false),
            remove: ServerAction::new(),
            delete: ServerAction::new(),
            notice: RwSignal::new(None),
        }
    }

    pub fn propose(self, removal: Removal) {
        self.remove.value().set(None);
        self.delete.value().set(None);
        self.pending.set(Some(removal));
        self.open.set(true);
    }

    /// Changes with every removal made, for resources to refetch on.
    pub fn version(self) -> usize {
        self.remove.version().get() + self.delete.version().get()
    }
}

/// The confirmation dialog for [`Removals`].
#[component]
pub fn RemovalDialog(removals: Removals) -> impl IntoView {
    let Removals { pending, open, remove, delete, notice, focus_after } = removals;
    let typed = RwSignal::new(String::new());
    let with_data = RwSignal::new(false);
    let return_focus = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(removal) = pending.get() {
            typed.set(String::new());
            with_data.set(false);
            return_focus.set(removal.return_focus);
        }
    });
    let finished = move |done: bool| {
        if done && let Some(removal) = pending.get_untracked() {
            let who = if removal.name.is_empty() { removal.email.clone() } else { removal.name.clone() };
            notice.set(Some(match removal.kind {
                RemovalKind::FromOrganization { .. } => format!("{who} was removed from the organization."),
                RemovalKind::Account { .. } => format!("{who}'s account was deleted."),
            }));
            return_focus.set(focus_after.to_owned());
            open.set(false);
        }
    };
    Effect::new(move |_| finished(matches!(remove.value().get(), Some(Ok(())))));
    Effect::new(move |_| finished(matches!(delete.value().get(), Some(Ok(())))));
    let remove_errors = FormErrors::of(remove.value());
    let delete_errors = FormErrors::of(delete.value());
    let error = Signal::derive(move || {
        remove_errors.last().get().or_else(|| delete_errors.last().get()).map(|e| e.to_string())
    });
    let busy = Signal::derive(move || remove.pending().get() || delete.pending().get());

    view! {
        <Dialog open title="Confirm removal" return_focus_to=return_focus>
            {move || {
                pending.get().map(|removal| {
                    let who = if removal.name.is_empty() { removal.email.clone() } else { removal.name.clone() };
                    let (question, button) = match &removal.kind {
                        RemovalKind::FromOrganization { .. } => (
                            format!("Remove {who} from this organization? Their account and other organizations stay; they can be invited again."),
                            "Remove from organization",
                        ),
                        RemovalKind::Account { .. } => (
                            format!("Delete {who}'s account? They are signed out and can no longer sign in anywhere. The audit log keeps what happened, without their name or address."),
                            "Delete account",
                        ),
                    };
                    let offer_data = matches!(removal.kind, RemovalKind::Account { offer_data: true });
                    let email = removal.email.clone();
                    let matches = move || typed.with(|t| t.trim().eq_ignore_ascii_case(email.trim()));
                    let submit = {
                        let removal = removal.clone();
                        move |event: leptos::ev::SubmitEvent| {
                            event.prevent_default();
                            let confirm_email = typed.get_untracked();
                            match &removal.kind {
                                RemovalKind::FromOrganization { slug } => {
                                    remove.dispatch(RemoveMember { slug: slug.clone(), user_id: removal.user_id, confirm_email });
                                }
                                RemovalKind::Account { .. } => {
                                    delete.dispatch(DeleteAccount {
                                        user_id: removal.user_id,
                                        confirm_email,
                                        with_data: with_data.get_untracked(),
                                    });
                                }
                            }
                        }
                    };
                    view! {
                        <form on:submit=submit>
                            <p>{question}</p>
                            <div class="field">
                                <label for="confirm-email">
                                    "To confirm, type their email address: "
                                    <strong class="confirm-email">{removal.email.clone()}</strong>
                                </label>
                                <input
                                    id="confirm-email"
                                    name="confirm_email"
                                    type="email"
                                    autocomplete="off"
                                    required
                                    prop:value=move || typed.get()
                                    on:input=move |event| typed.set(event_target_value(&event))
                                />
                            </div>
                            {offer_data.then(|| view! {
                                <div class="field checkbox-field">
                                    <input
                                        id="delete-data"
                                        type="checkbox"
                                        prop:checked=move || with_data.get()
                                        on:change=move |_| with_data.update(|on| *on = !*on)
                                    />
                                    <label for="delete-data">"Also delete their data"</label>
                                    <p class="field-hint">
                                        "The emails sent to them, the IP addresses of their actions and the reasons written about them in the audit log."
                                    </p>
                                </div>
                            })}
                            <FormAlert message=error />
                            <button
                                type="submit"
                                class="button-danger"
                                disabled=move || busy.get() || !matches()
                            >
                                {button}
                            </button>
                        </form>
                        // Deleting an account asks for the admin's second
                        // factor again after 15 minutes.
                        <Show when=move || matches!(delete_errors.last().get(), Some(crate::AppError::SecondFactorRequired))>
                            <super::ConfirmFactorForm />
                        </Show>
                    }
                })
            }}
        </Dialog>
    }
}

/// Says what the last removal did.
#[component]
pub fn RemovalNotice(removals: Removals) -> impl IntoView {
    view! {
        <div role="status" class="change-report">
            {move || removals.notice.get().map(|notice| view! { <p>{notice}</p> })}
        </div>
    }
}
