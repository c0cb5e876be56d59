//! The navigation beside every signed-in page: the sections of the
//! organization in the address, and the installation's for super admins.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::slug_in_path;
use crate::{
    CurrentUserResource,
    api::{OrganizationNav, organization_context},
};

/// The organization the address is about, as the header and the navigation
/// name it: loaded once per organization, by the layout.
#[derive(Clone, Copy)]
pub struct CurrentOrganization {
    pub slug: Memo<Option<String>>,
    pub context: Resource<Option<OrganizationNav>>,
}

impl CurrentOrganization {
    pub fn provide() -> Self {
        let location = use_location();
        let slug = Memo::new(move |_| slug_in_path(&location.pathname.get()));
        let context = Resource::new(
            move || slug.get(),
            |slug| async move {
                match slug {
                    Some(slug) => organization_context(slug).await.ok(),
                    None => None,
                }
            },
        );
        let current = Self { slug, context };
        provide_context(current);
        current
    }
}

/// One entry: a link, marked as the current page when the address is its
/// page or (for `section`) one below it.
#[derive(Clone)]
struct Entry {
    label: &'static str,
    href: String,
    /// Also current on the pages below it (`/orgs/x/members/7` is in Members).
    section: bool,
}

impl Entry {
    fn is_current(&self, path: &str) -> bool {
        path == self.href || (self.section && path.starts_with(&format!("{}/", self.href)))
    }
}

/// The sections of an organization: every member sees its overview, those
/// who manage its members the rest.
fn organization_entries(organization: &OrganizationNav) -> Vec<Entry> {
    let base = format!("/orgs/{}", organization.slug);
    let mut entries = vec![Entry { label: "Overview", href: base.clone(), section: false }];
    if organization.can_manage_members {
        entries.extend([
            Entry { label: "Members", href: format!("{base}/members"), section: true },
            Entry { label: "Invitations", href: format!("{base}/invitations"), section: true },
            Entry { label: "Audit log", href: format!("{base}/audit"), section: true },
            Entry { label: "Webhooks", href: format!("{base}/webhooks"), section: true },
            Entry { label: "API keys", href: format!("{base}/api-keys"), section: false },
            Entry { label: "Provisioning", href: format!("{base}/provisioning"), section: false },
        ]);
    }
    entries
}

fn installation_entries() -> Vec<Entry> {
    vec![
        Entry { label: "Overview", href: "/".to_owned(), section: false },
        Entry { label: "Organizations", href: "/orgs".to_owned(), section: false },
        Entry { label: "All users", href: "/users".to_owned(), section: true },
        Entry { label: "Audit log", href: "/audit".to_owned(), section: true },
        Entry { label: "Email outbox", href: "/outbox".to_owned(), section: true },
        Entry { label: "Applications", href: "/apps".to_owned(), section: true },
        Entry { label: "Webhooks", href: "/webhooks".to_owned(), section: true },
        Entry { label: "API keys", href: "/api-keys".to_owned(), section: false },
    ]
}

#[component]
pub fn SiteNav() -> impl IntoView {
    let user = expect_context::<CurrentUserResource>().0;
    let organization = expect_context::<CurrentOrganization>();
    let location = use_location();
    let group = move |id: &'static str, heading: String, entries: Vec<Entry>| {
        view! {
            <h2 class="nav-heading" id=id>{heading}</h2>
            <ul class="nav-list" aria-labelledby=id>
                {entries
                    .into_iter()
                    .map(|entry| {
                        let current = {
                            let entry = entry.clone();
                            move || entry.is_current(&location.pathname.get()).then_some("page")
                        };
                        view! {
                            <li>
                                <a href=entry.href aria-current=current>{entry.label}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    };
    view! {
        <nav class="site-nav" aria-label="Main">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    organization.context.await.map(|organization| {
                        group("nav-organization", organization.name.clone(), organization_entries(&organization))
                    })
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let is_super_admin = user.await.is_ok_and(|user| user.is_some_and(|user| user.is_super_admin));
                    is_super_admin.then(|| group("nav-installation", "Installation".to_owned(), installation_entries()))
                })}
            </Transition>
        </nav>
    }
}

/// The way down to a detail page: `Demo Org › Members › Ada Lovelace`.
#[component]
pub fn Breadcrumbs(
    /// The pages above this one, as (name, address), the highest first.
    trail: Vec<(String, String)>,
    /// This page.
    current: String,
) -> impl IntoView {
    view! {
        <nav class="breadcrumb" aria-label="Breadcrumb">
            <ol>
                {trail
                    .into_iter()
                    .map(|(name, href)| view! { <li><a href=href>{name}</a></li> })
                    .collect_view()}
                <li aria-current="page">{current}</li>
            </ol>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_current_on_its_pages_and_the_overview_only_on_its_own() {
        let organization =
            OrganizationNav { slug: "acme".to_owned(), name: "Acme".to_owned(), can_manage_members: true };
        let entries = organization_entries(&organization);
        let current =
            |path: &str| entries.iter().filter(|e| e.is_current(path)).map(|e| e.label).collect::<Vec<_>>();
        assert_eq!(current("/orgs/acme"), ["Overview"]);
        assert_eq!(current("/orgs/acme/members/7"), ["Members"]);
        assert_eq!(current("/orgs/acme/members-archive"), Vec::<&str>::new());
        let member = OrganizationNav { can_manage_members: false, ..organization };
        assert_eq!(organization_entries(&member).len(), 1);
    }
}
