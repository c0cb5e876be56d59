use leptos::prelude::*;

use super::{DataTable, Dialog, FormAlert, FormErrors};
use crate::api::{InviteMembers, InviteReport, PendingInvitationRow, ResendInvitation, RevokeInvitation};

const INVITE_BUTTON_ID: &str = "invite-people";

/// Opens the [`InviteDialog`].
#[component]
pub fn InviteButton(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <button id=INVITE_BUTTON_ID type="button" class="button-primary button-inline" on:click=move |_| open.set(true)>
            "Invite people"
        </button>
    }
}

/// The invite form and what became of each address. It lives outside the
/// page's refreshed content, so it stays open while the page updates.
#[component]
pub fn InviteDialog(
    slug: String,
    invite: ServerAction<InviteMembers>,
    open: RwSignal<bool>,
) -> impl IntoView {
    let errors = FormErrors::of(invite.value());
    let report = move || invite.value().get().and_then(Result::ok);
    view! {
        <Dialog open title="Invite people" return_focus_to=Signal::stored(INVITE_BUTTON_ID.to_owned())>
            <ActionForm action=invite>
                <input type="hidden" name="slug" value=slug />
                <div class="field">
                    <label for="invite-emails">"Email addresses"</label>
                    <p id="invite-emails-hint" class="field-hint">"One or many, separated by commas or new lines."</p>
                    <textarea
                        id="invite-emails"
                        name="emails"
                        rows="4"
                        required
                        aria-describedby="invite-emails-hint invite-emails-error"
                        aria-invalid=move || if errors.field("emails").get().is_some() { "true" } else { "false" }
                    ></textarea>
                    <p id="invite-emails-error" class="field-error">{move || errors.field("emails").get()}</p>
                </div>
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" name="role">
                        <option value="viewer">"Viewer — manages only their own account"</option>
                        <option value="editor">"Editor — manages only their own account"</option>
                        <option value="admin">"Admin — manages the organization's members"</option>
                    </select>
                </div>
                <FormAlert message=errors.general() />
                <button type="submit" class="button-primary" disabled=move || invite.pending().get()>
                    "Send invitations"
                </button>
            </ActionForm>
            <div role="status" class="invite-report">{move || report().map(|report| view! { <InviteSummary report /> })}</div>
        </Dialog>
    }
}

#[component]
fn InviteSummary(report: InviteReport) -> impl IntoView {
    let line = |label: &str, addresses: &[String]| {
        (!addresses.is_empty()).then(|| view! { <p>{format!("{label}: {}", addresses.join(", "))}</p> })
    };
    view! {
        {line("Invited", &report.invited)}
        {line("Already members", &report.already_members)}
        {line("Already invited (use Resend below to send the link again)", &report.already_invited)}
    }
}

/// The organization's pending invitations, with resend and revoke.
#[component]
pub fn PendingInvitations(
    slug: String,
    rows: Vec<PendingInvitationRow>,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
) -> impl IntoView {
    let resend_errors = FormErrors::of(resend.value());
    let revoke_errors = FormErrors::of(revoke.value());
    let more = (rows.len() >= crate::api::PENDING_SHOWN as usize).then(|| {
        let href = format!("/orgs/{slug}/members?status=invited");
        view! {
            <p>
                {format!("The {} most recent. ", crate::api::PENDING_SHOWN)}
                <a href=href>"Every invited member"</a>
                " is on the members page."
            </p>
        }
    });
    let row = move |row: PendingInvitationRow| {
        let expiry = match (row.expired, row.expires_at) {
            (true, _) | (_, None) => "Expired".to_owned(),
            (false, Some(at)) => at.format("%Y-%m-%d %H:%M UTC").to_string(),
        };
        let user_id = row.user_id.to_string();
        let (resend_slug, revoke_slug) = (slug.clone(), slug.clone());
        let resend_user = user_id.clone();
        let resend_label = format!("Resend the invitation to {}", row.email);
        let revoke_label = format!("Revoke the invitation to {}", row.email);
        view! {
            <tr>
                <td>{row.email}</td>
                <td>{row.role.label()}</td>
                <td>{row.invited_by.unwrap_or_default()}</td>
                <td>{expiry}</td>
                <td class="row-actions">
                    <ActionForm action=resend>
                        <input type="hidden" name="slug" value=resend_slug />
                        <input type="hidden" name="user_id" value=resend_user />
                        <button type="submit" class="button-secondary" aria-label=resend_label>
                            "Resend"
                        </button>
                    </ActionForm>
                    <ActionForm action=revoke>
                        <input type="hidden" name="slug" value=revoke_slug />
                        <input type="hidden" name="user_id" value=user_id />
                        <button type="submit" class="button-secondary" aria-label=revoke_label>
                            "Revoke"
                        </button>
                    </ActionForm>
                </td>
            </tr>
        }
    };
    view! {
        <section aria-labelledby="pending-heading">
            <h2 id="pending-heading">"Pending invitations"</h2>
            <FormAlert message=resend_errors.general() />
            <FormAlert message=revoke_errors.general() />
            <DataTable
                columns=&["Email", "Role", "Invited by", "Expires", "Actions"]
                rows
                row
                empty="No pending invitations."
            />
            {more}
        </section>
    }
}
