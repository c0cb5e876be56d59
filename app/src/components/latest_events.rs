use leptos::prelude::*;

use super::{DataTable, key_of};
use crate::api::{AuditEntryView, PersonRef};

/// The few latest audit events of an overview, and the way to the rest.
#[component]
pub fn LatestEvents(events: Vec<AuditEntryView>, audit_href: String) -> impl IntoView {
    let person = |person: Option<PersonRef>, existed: bool| match person {
        Some(person) => person.name.into_any(),
        None if existed => view! { <span class="muted">"Deleted account"</span> }.into_any(),
        None => view! { <span class="muted">"Roster"</span> }.into_any(),
    };
    view! {
        <section aria-labelledby="latest-heading">
            <h2 id="latest-heading">"Latest events"</h2>
            <DataTable
                columns=&["When (UTC)", "What", "By", "About"]
                rows=events
                row=move |entry| {
                    let about = (entry.had_target || entry.target.is_some())
                        .then(|| person(entry.target, entry.had_target));
                    view! {
                        <tr>
                            <td>
                                <time datetime=entry.at.to_rfc3339()>{entry.at.format("%Y-%m-%d %H:%M").to_string()}</time>
                            </td>
                            <td>{domain::action_label(&entry.action).to_owned()}</td>
                            <td>{key_of(entry.api_key, entry.by_scim)}{person(entry.actor, entry.had_actor)}</td>
                            <td>{about}</td>
                        </tr>
                    }
                }
                empty="Nothing has happened yet."
            />
            <p>
                <a href=audit_href>"Open the audit log"</a>
            </p>
        </section>
    }
}
