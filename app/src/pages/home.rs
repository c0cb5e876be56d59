use domain::grouped;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    CurrentUserResource,
    api::{InstallationFigures, installation_overview, switcher_organizations},
    components::{ErrorAlert, LatestEvents},
};

/// The landing page after sign-in: for super admins the installation at a
/// glance, for everyone else the organizations they can work in.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = expect_context::<CurrentUserResource>().0;
    let organizations = Resource::new(|| (), |_| switcher_organizations(String::new()));
    // Answered "not found" for anyone but a super admin, who then sees their organizations.
    let installation = Resource::new(|| (), |_| installation_overview());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let user = user.await.ok().flatten()?;
                if user.is_super_admin {
                    let overview = installation.await;
                    return Some(
                        view! {
                            <Title text="Overview" />
                            <h1>{format!("Welcome, {}", user.name)}</h1>
                            <p>"You are a super admin: you can manage every organization."</p>
                            {match overview {
                                Ok(overview) => view! { <Installation overview /> }.into_any(),
                                Err(error) => view! { <ErrorAlert error /> }.into_any(),
                            }}
                        }
                            .into_any(),
                    );
                }
                let organizations = organizations.await.unwrap_or_default();
                Some(
                    view! {
                        <Title text="Home" />
                        <h1>{format!("Welcome, {}", user.name)}</h1>
                        <p>"Choose an organization to work in."</p>
                        <h2>"Your organizations"</h2>
                        {if organizations.is_empty() {
                            view! { <p>"You do not belong to any organization yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="link-list">
                                    {organizations
                                        .into_iter()
                                        .map(|o| view! { <li><a href=format!("/orgs/{}", o.slug)>{o.name}</a></li> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }}
                    }
                        .into_any(),
                )
            })}
        </Transition>
    }
}

#[component]
fn Installation(overview: InstallationFigures) -> impl IntoView {
    let stat = |count: i64, one: &'static str, many: &'static str, href: &'static str| {
        view! {
            <li>
                <a href=href class="stat">
                    <span class="stat-number">{grouped(count)}</span>
                    " "
                    <span class="stat-label">{if count == 1 { one } else { many }}</span>
                </a>
            </li>
        }
    };
    view! {
        <section aria-labelledby="installation-heading">
            <h2 id="installation-heading">"The installation at a glance"</h2>
            <ul class="stat-list">
                {stat(overview.organizations, "organization", "organizations", "/orgs")}
                {stat(overview.accounts, "account", "accounts", "/users")}
                {stat(overview.emails_queued, "email queued", "emails queued", "/outbox")}
                {stat(overview.emails_failed, "email failed", "emails failed", "/outbox")}
            </ul>
        </section>
        <LatestEvents events=overview.latest_events audit_href="/audit".to_owned() />
    }
}
