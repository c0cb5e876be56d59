use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{ACCOUNTS_PER_PAGE, AccountList, list_accounts},
    components::Pager,
    relative_time::relative,
};

/// Super admins: every account in Roster, whatever its organizations.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(1);
    let list = Resource::new(move || (search(), page()), |(search, page)| list_accounts(search, page));

    view! {
        <Title text="All users" />
        <h1>"All users"</h1>
        <form method="get" action="/users" role="search" class="search-form">
            <label for="account-search">"Search name or email"</label>
            <input id="account-search" name="q" type="search" value=search />
            <button type="submit" class="button-secondary">
                "Search"
            </button>
        </form>
        <Transition fallback=|| view! { <p>"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <AccountsTable list search=search() /> }.into_any(),
                    Err(error) => view! { <p role="alert" class="form-alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AccountsTable(list: AccountList, search: String) -> impl IntoView {
    if list.rows.is_empty() {
        return view! { <p>"No user matches."</p> }.into_any();
    }
    let first = (i64::from(list.page) - 1) * i64::from(ACCOUNTS_PER_PAGE) + 1;
    let last = first + list.rows.len() as i64 - 1;
    let link = move |page: u32| format!("/users?q={}&page={page}", domain::percent_encode(&search));
    let previous = (list.page > 1).then(|| link(list.page - 1));
    let next = (last < list.total).then(|| link(list.page + 1));
    let now = list.now;
    view! {
        <table class="data-table">
            <caption>{format!("Users {first}–{last} of {}", list.total)}</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Organizations"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Last sign-in"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .rows
                    .into_iter()
                    .map(|row| {
                        let status = match (row.suspended, row.is_super_admin) {
                            (true, _) => "Suspended",
                            (false, true) => "Active · super admin",
                            (false, false) => "Active",
                        };
                        let last_sign_in = match row.last_sign_in_at {
                            Some(at) => view! {
                                <time datetime=at.to_rfc3339() title=at.format("%Y-%m-%d %H:%M UTC").to_string()>
                                    {relative(at, now)}
                                </time>
                            }
                                .into_any(),
                            None => "Never".into_any(),
                        };
                        view! {
                            <tr>
                                <td>{row.name}</td>
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
                                <td>{last_sign_in}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <Pager previous next />
    }
    .into_any()
}
