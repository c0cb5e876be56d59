use leptos::prelude::*;

use super::{CurrentOrganization, DisclosureButton, close_on_escape};
use crate::{CurrentUserResource, api::switcher_organizations};

/// The organization a path is about: `/orgs/acme/users` is about `acme`.
pub fn slug_in_path(path: &str) -> Option<String> {
    let mut segments = path.trim_start_matches('/').split('/');
    match (segments.next(), segments.next()) {
        (Some("orgs"), Some(slug)) if !slug.is_empty() => Some(slug.to_owned()),
        _ => None,
    }
}

/// Names the organization in the address and lets the user switch to
/// another. The address carries the organization, so switching is following
/// a link: back, reload and shared links keep the context.
#[component]
pub fn OrgSwitcher() -> impl IntoView {
    let user = expect_context::<CurrentUserResource>().0;
    let CurrentOrganization { slug: current_slug, context: current } =
        expect_context::<CurrentOrganization>();
    let open = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let choices = Resource::new(
        move || (open.get(), search.get()),
        |(open, search)| async move {
            if open { switcher_organizations(search).await.unwrap_or_default() } else { Vec::new() }
        },
    );

    view! {
        <div class="org-switcher" on:keydown=close_on_escape(open)>
            <DisclosureButton open controls="org-switcher-panel" class="org-switcher-button">
                <span class="visually-hidden">"Organization: "</span>
                <Transition fallback=|| "Organizations">
                    {move || Suspend::new(async move {
                        current.await.map(|current| current.name).unwrap_or_else(|| "Choose an organization".to_owned())
                    })}
                </Transition>
            </DisclosureButton>
            <div id="org-switcher-panel" class="org-switcher-panel" hidden=move || !open.get()>
                <label for="org-switcher-search">"Find an organization"</label>
                <input
                    id="org-switcher-search"
                    type="search"
                    autocomplete="off"
                    prop:value=move || search.get()
                    on:input=move |event| search.set(event_target_value(&event))
                />
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let choices = choices.await;
                        if choices.is_empty() {
                            return view! { <p class="org-switcher-empty">"No organization matches."</p> }.into_any();
                        }
                        view! {
                            <ul class="org-switcher-list" aria-label="Organizations">
                                {choices
                                    .into_iter()
                                    .map(|choice| {
                                        let is_current = current_slug.get_untracked().as_deref() == Some(choice.slug.as_str());
                                        view! {
                                            <li>
                                                <a
                                                    href=format!("/orgs/{}", choice.slug)
                                                    aria-current=is_current.then_some("page")
                                                    on:click=move |_| {
                                                        open.set(false);
                                                        search.set(String::new());
                                                    }
                                                >
                                                    {choice.name}
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    })}
                </Transition>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let is_super_admin = user.await.is_ok_and(|user| user.is_some_and(|user| user.is_super_admin));
                        is_super_admin
                            .then(|| {
                                view! {
                                    <a class="org-switcher-all" href="/orgs" on:click=move |_| open.set(false)>
                                        "All organizations"
                                    </a>
                                }
                            })
                    })}
                </Transition>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_organization_in_a_path() {
        assert_eq!(slug_in_path("/orgs/acme"), Some("acme".into()));
        assert_eq!(slug_in_path("/orgs/acme/users"), Some("acme".into()));
        assert_eq!(slug_in_path("/orgs"), None);
        assert_eq!(slug_in_path("/orgs/"), None);
        assert_eq!(slug_in_path("/"), None);
    }
}
