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
