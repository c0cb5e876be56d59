use leptos::prelude::*;

use crate::api::{AuditEntryView, PersonRef};

/// Audit events as a table, newest first: when, what, by whom, about whom,
/// where and with what details. A person deleted since shows as such.
#[component]
pub fn AuditTable(entries: Vec<AuditEntryView>, caption: String) -> impl IntoView {
    let person = |person: Option<PersonRef>, existed: bool| match person {
        Some(person) => view! {
            <span class="person">
                <span class="person-name">{person.name}</span>
                " "
                <span class="person-email">{person.email}</span>
            </span>
        }
        .into_any(),
        None if existed => view! { <span class="muted">"Deleted account"</span> }.into_any(),
        None => view! { <span class="muted">"Roster"</span> }.into_any(),
    };
    view! {
        <table class="data-table audit-table">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"When (UTC)"</th>
                    <th scope="col">"What"</th>
                    <th scope="col">"By"</th>
                    <th scope="col">"About"</th>
                    <th scope="col">"Organization"</th>
                    <th scope="col">"Details"</th>
                </tr>
            </thead>
            <tbody>
                {entries
                    .into_iter()
                    .map(|entry| {
                        let about = if entry.had_target || entry.target.is_some() {
                            person(entry.target, entry.had_target).into_any()
                        } else {
                            ().into_any()
                        };
                        let from = entry.actor_ip.map(|ip| format!(" from {ip}"));
                        view! {
                            <tr data-action=entry.action.clone()>
                                <td>
                                    <time datetime=entry.at.to_rfc3339()>{entry.at.format("%Y-%m-%d %H:%M:%S").to_string()}</time>
                                </td>
                                <td>{domain::action_label(&entry.action).to_owned()}</td>
                                <td>{person(entry.actor, entry.had_actor)}<span class="muted">{from}</span></td>
                                <td>{about}</td>
                                <td>{entry.organization_name}</td>
                                <td>{entry.details}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
