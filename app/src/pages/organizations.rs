use domain::Paging;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    api::{CreateOrganization, ORGANIZATIONS_PER_PAGE, OrganizationList, list_organizations},
    components::{ErrorAlert, FormAlert, FormErrors, FormField, Pager},
};

/// Super admins: every organization, searchable, and a form to create one.
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let page = move || Paging::requested(query.read().get("page"));
    let create = ServerAction::<CreateOrganization>::new();
    let list = Resource::new(move || (search(), page()), |(search, page)| list_organizations(search, page));

    view! {
        <Title text="Organizations" />
        <h1>"Organizations"</h1>
        <form method="get" action="/orgs" role="search" class="search-form">
            <label for="org-search">"Search organizations"</label>
            <input id="org-search" name="q" type="search" value=search />
            <button type="submit" class="button-secondary">
                "Search"
            </button>
        </form>
        <Transition fallback=|| view! { <p>"Loading organizations…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <OrganizationsTable list search=search() /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
        <CreateOrganizationForm action=create />
    }
}

#[component]
fn OrganizationsTable(list: OrganizationList, search: String) -> impl IntoView {
    if list.rows.is_empty() {
        return view! { <p>"No organization matches."</p> }.into_any();
    }
    let paging = Paging::new(list.page, ORGANIZATIONS_PER_PAGE, list.total);
    let (first, last) = paging.shown(list.rows.len());
    let link = move |page: u32| format!("/orgs?q={}&page={page}", domain::query::encode(&search));
    view! {
        <table class="data-table">
            <caption>{format!("Organizations {first}–{last} of {}", list.total)}</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"URL name"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Members"</th>
                    <th scope="col">"Created"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .rows
                    .into_iter()
                    .map(|row| {
                        view! {
                            <tr>
                                <td>
                                    <a href=format!("/orgs/{}", row.slug)>{row.name}</a>
                                </td>
                                <td>{row.slug}</td>
                                <td>{if row.suspended { "Suspended" } else { "Active" }}</td>
                                <td>{row.member_count}</td>
                                <td>
                                    <time datetime=row.created_at.to_rfc3339()>
                                        {row.created_at.format("%Y-%m-%d").to_string()}
                                    </time>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <Pager paging href=link />
    }
    .into_any()
}

#[component]
fn CreateOrganizationForm(action: ServerAction<CreateOrganization>) -> impl IntoView {
    let errors = FormErrors::of(action.value());
    view! {
        <section class="panel" aria-labelledby="create-organization-heading">
            <h2 id="create-organization-heading">"New organization"</h2>
            <ActionForm action>
                <FormField label="Name" name="name" error=errors.field("name") />
                <FormField
                    label="URL name"
                    name="slug"
                    required=false
                    hint="Lower-case letters, digits and hyphens. Leave empty to make one from the name."
                    error=errors.field("slug")
                />
                <FormAlert message=errors.general() />
                <button type="submit" class="button-primary" disabled=move || action.pending().get()>
                    "Create organization"
                </button>
            </ActionForm>
        </section>
    }
}
