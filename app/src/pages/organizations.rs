use domain::Paging;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::{CreateOrganization, ORGANIZATIONS_PER_PAGE, OrganizationList, list_organizations},
    components::{ErrorAlert, FormAlert, FormErrors, FormField, SearchForm, SearchQuery, SearchResults},
};

/// Super admins: every organization, searchable, and a form to create one.
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let search = SearchQuery::from_url();
    let create = ServerAction::<CreateOrganization>::new();
    let list = Resource::new(
        move || (search.text.get(), search.page.get()),
        |(search, page)| list_organizations(search, page),
    );

    view! {
        <Title text="Organizations" />
        <h1>"Organizations"</h1>
        <SearchForm action="/orgs" id="org-search" label="Search organizations" value=search.text />
        <Transition fallback=|| view! { <p>"Loading organizations…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <OrganizationsTable list search=search.text.get() /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
        <CreateOrganizationForm action=create />
    }
}

#[component]
fn OrganizationsTable(list: OrganizationList, search: String) -> impl IntoView {
    let paging = Paging::new(list.page, ORGANIZATIONS_PER_PAGE, list.total);
    view! {
        <SearchResults
            noun="Organizations"
            path="/orgs"
            search
            paging
            columns=&["Name", "URL name", "Status", "Members", "Created"]
            rows=list.rows
            row=|row| view! {
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
            empty="No organization matches."
        />
    }
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
