use domain::Paging;
use leptos::prelude::*;

/// "Previous page" and "Next page" links where there is such a page (plain
/// links: they work before the page is hydrated), `href` giving a page's
/// address; and any other paging controls given as children.
#[component]
pub fn Pager(
    paging: Paging,
    href: impl Fn(u32) -> String + 'static,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let previous = paging.previous().map(&href);
    let next = paging.next().map(&href);
    view! {
        <nav class="pager" aria-label="Pages">
            {previous.map(|href| view! { <a href=href rel="prev">"Previous page"</a> })}
            {next.map(|href| view! { <a href=href rel="next">"Next page"</a> })}
            {children.map(|children| children())}
        </nav>
    }
}
