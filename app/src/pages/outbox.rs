use domain::Paging;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{OUTBOX_PER_PAGE, RetryEmail, list_outbox},
    components::{DataTable, ErrorAlert, FormAlert, FormErrors, Pager},
};

/// Super admins: every email Roster has queued, sent or given up on.
#[component]
pub fn OutboxPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || Paging::requested(query.read().get("page"));
    let retry = ServerAction::<RetryEmail>::new();
    let errors = FormErrors::of(retry.value());
    let outbox = Resource::new(move || (page(), retry.version().get()), |(page, _)| list_outbox(page));
    view! {
        <Title text="Email outbox" />
        <h1>"Email outbox"</h1>
        <p>"Emails wait here until they are delivered. Failed attempts are retried, waiting longer each time."</p>
        <FormAlert message=errors.general() />
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let list = match outbox.await {
                    Ok(list) => list,
                    Err(error) => return view! { <ErrorAlert error /> }.into_any(),
                };
                let paging = Paging::new(list.page, OUTBOX_PER_PAGE, list.total);
                let pager = (!list.rows.is_empty()).then(|| view! { <Pager paging href=|page| format!("/outbox?page={page}") /> });
                view! {
                    <DataTable
                        caption=format!("{} emails", domain::grouped(list.total))
                        columns=&["Queued", "To", "Subject", "Status", "Attempts", "Last error", "Actions"]
                        rows=list.rows
                        row=move |row| {
                            let status = match row.status.as_str() {
                                "sent" => format!("Sent {}", row.sent_at.map(|at| at.format("%H:%M:%S").to_string()).unwrap_or_default()),
                                "queued" if row.attempts > 0 => format!("Queued, next try {}", row.next_attempt_at.format("%H:%M:%S")),
                                "queued" => "Queued".to_owned(),
                                _ => "Failed".to_owned(),
                            };
                            let failed = row.status == "failed";
                            let id = row.id.to_string();
                            view! {
                                <tr>
                                    <td>{row.created_at.format("%Y-%m-%d %H:%M").to_string()}</td>
                                    <td>{row.recipient}</td>
                                    <td>{row.subject}</td>
                                    <td>{status}</td>
                                    <td>{row.attempts}</td>
                                    <td>{row.last_error.unwrap_or_default()}</td>
                                    <td>
                                        {failed.then(|| view! {
                                            <ActionForm action=retry>
                                                <input type="hidden" name="id" value=id />
                                                <button type="submit" class="button-secondary">"Retry"</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        }
                        empty="No email yet."
                    />
                    {pager}
                }
                    .into_any()
            })}
        </Transition>
    }
}
