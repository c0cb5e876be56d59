use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::{
    AppError,
    api::organization_choice,
    components::{AuthCard, ErrorAlert},
    pages::NotFoundContent,
};

/// `/oauth2/organization`: where the authorization endpoint sends someone
/// who may sign in to an app as a member of several organizations, with
/// the authorization request's query. Each choice goes back to it with
/// `organization=<slug>`; "Cancel" with an empty one (refused to the app).
#[component]
pub fn OrganizationPickerPage() -> impl IntoView {
    let location = use_location();
    let request = Memo::new(move |_| authorization_query(&location.search.get()));
    let choice = Resource::new(
        move || domain::query::Params::parse(&request.get()).get("client_id").unwrap_or_default(),
        organization_choice,
    );
    view! {
        <AuthCard title="Choose an organization" heading="Choose an organization" heading_id="organization-picker-heading">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let request = request.get_untracked();
                    match choice.await {
                        Ok(choice) => {
                            let link = move |slug: &str| {
                                format!("/oauth2/authorize?{request}&organization={}", domain::query::encode(slug))
                            };
                            let cancel = link("");
                            let options = choice
                                .organizations
                                .into_iter()
                                .map(|o| {
                                    // Outside this app's pages: the browser follows it itself.
                                    view! {
                                        <li>
                                            <a href=link(&o.slug) rel="external">
                                                <strong>{o.name}</strong>
                                                {format!(" ({})", o.role.label())}
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! {
                                <p>{format!("Choose an organization to sign in to {}", choice.app_name)}</p>
                                <ul class="link-list">{options}</ul>
                                <p><a href=cancel rel="external">"Cancel"</a></p>
                            }
                                .into_any()
                        }
                        Err(AppError::NotFound) => view! { <NotFoundContent /> }.into_any(),
                        Err(error) => view! { <ErrorAlert error /> }.into_any(),
                    }
                })}
            </Transition>
        </AuthCard>
    }
}

/// The authorization request's query as it came, less any `organization`
/// (the choice made here replaces it).
fn authorization_query(search: &str) -> String {
    let search = search.strip_prefix('?').unwrap_or(search);
    search
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some("organization"))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_kept_as_it_came_without_an_earlier_choice() {
        assert_eq!(
            authorization_query("?response_type=code&client_id=a%2Bb&organization=acme&state=s"),
            "response_type=code&client_id=a%2Bb&state=s"
        );
        assert_eq!(authorization_query(""), "");
    }
}
