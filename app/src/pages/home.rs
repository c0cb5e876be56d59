use leptos::prelude::*;
use leptos_meta::Title;

use crate::{CurrentUserResource, api::switcher_organizations};

/// The landing page after sign-in: where you can go from here.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = expect_context::<CurrentUserResource>().0;
    let organizations = Resource::new(|| (), |_| switcher_organizations(String::new()));
    view! {
        <Title text="Home" />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let user = user.await.ok().flatten()?;
                let organizations = organizations.await.unwrap_or_default();
                let scope = if user.is_super_admin {
                    "You are a super admin: you can manage every organization."
                } else {
                    "Choose an organization to work in."
                };
                Some(
                    view! {
                        <h1>{format!("Welcome, {}", user.name)}</h1>
                        <p>{scope}</p>
                        {user
                            .is_super_admin
                            .then(|| {
                                view! {
                                    <ul class="link-list">
                                        <li><a href="/orgs">"All organizations"</a></li>
                                        <li><a href="/users">"All users"</a></li>
                                        <li><a href="/outbox">"Email outbox"</a></li>
                                        <li><a href="/apps">"Applications"</a></li>
                                        <li><a href="/audit">"Audit log"</a></li>
                                    </ul>
                                }
                            })}
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
                    },
                )
            })}
        </Transition>
    }
}
