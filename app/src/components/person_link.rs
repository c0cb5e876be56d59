use leptos::prelude::*;

/// A person's name as a link to their page. Someone invited has no name
/// yet; the link then says so, rather than being an empty, unnamed link.
#[component]
pub fn PersonLink(href: String, name: String) -> impl IntoView {
    if name.is_empty() {
        view! { <a href=href class="unnamed">"No name yet"</a> }.into_any()
    } else {
        view! { <a href=href>{name}</a> }.into_any()
    }
}

/// "API key 'billing' created by" (or "SCIM token 'Okta' created by", for
/// the organization's directory) before the person an audit event names,
/// for a change made with one of their keys.
pub fn key_of(api_key: Option<String>, scim: bool) -> impl IntoView {
    let kind = if scim { "SCIM token" } else { "API key" };
    api_key.map(|name| view! { <span class="api-key">{format!("{kind} '{name}' created by ")}</span> })
}
