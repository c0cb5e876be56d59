use domain::{Paging, grouped};
use leptos::prelude::*;

use super::{DataTable, Pager, key_of};
use crate::api::{AuditPage, PersonRef};

/// One page of audit events as a table, newest first: when, what, by whom,
/// about whom, where and with what details, then links to the pages around
/// it (`href` gives a page's address); or, when there are none, `empty` in
/// words. A person deleted since shows as such.
#[component]
pub fn AuditTable(
    page: AuditPage,
    empty: &'static str,
    href: impl Fn(u32) -> String + 'static,
) -> impl IntoView {
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
    let paging = Paging::new(page.page, page.page_size, page.total);
    let caption =
        format!("{} events, page {} of {}", grouped(page.total), grouped(page.page), grouped(paging.pages()));
    let pager = (!page.entries.is_empty()).then(|| view! { <Pager paging href /> });
    view! {
        <DataTable
            class="audit-table"
            caption
            columns=&["When (UTC)", "What", "By", "About", "Organization", "Details"]
            rows=page.entries
            row=move |entry| {
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
                        <td>{key_of(entry.api_key, entry.by_scim)}{person(entry.actor, entry.had_actor)}<span class="muted">{from}</span></td>
                        <td>{about}</td>
                        <td>{entry.organization_name}</td>
                        <td>{entry.details}</td>
                    </tr>
                }
            }
            empty
        />
        {pager}
    }
}
