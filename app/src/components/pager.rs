use leptos::prelude::*;

/// "Previous page" and "Next page" links (plain links: they work before the
/// page is hydrated), and any other paging controls given as children.
#[component]
pub fn Pager(
    previous: Option<String>,
    next: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Pages">
            {previous.map(|href| view! { <a href=href rel="prev">"Previous page"</a> })}
            {next.map(|href| view! { <a href=href rel="next">"Next page"</a> })}
            {children.map(|children| children())}
        </nav>
    }
}
