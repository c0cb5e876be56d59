use domain::{Paging, grouped};
use leptos::prelude::*;

/// The way through a list's pages: first, previous, a page number to go to,
/// next and last, `href` giving a page's address. The links are plain and
/// the number is a GET form that sends the address's other parameters again,
/// so all of it works before the page is hydrated. A link to the page shown
/// says so (`aria-current`); previous and next appear where there is such a
/// page. Any other paging controls come as children, shown with one page too.
#[component]
pub fn Pager(
    paging: Paging,
    href: impl Fn(u32) -> String + 'static,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let pages = paging.pages();
    let shown = paging.page.clamp(1, pages);
    let controls = (pages > 1).then(|| {
        let current = |page: u32| (page == shown).then_some("page");
        let (action, kept) = split_address(&href(shown));
        view! {
            <a href=href(1) aria-current=current(1)>"First page"</a>
            {paging.previous().map(|page| view! { <a href=href(page) rel="prev">"Previous page"</a> })}
            <form method="get" action=action class="pager-jump">
                {kept
                    .into_iter()
                    .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                    .collect_view()}
                <label for="pager-page">"Page number"</label>
                <input
                    id="pager-page"
                    name="page"
                    type="number"
                    inputmode="numeric"
                    min="1"
                    max=pages.to_string()
                    value=shown.to_string()
                    aria-describedby="pager-pages"
                    required
                />
                <span id="pager-pages">{format!("of {}", grouped(pages))}</span>
                <button type="submit" class="button-secondary button-small">"Go"</button>
            </form>
            {paging.next().map(|page| view! { <a href=href(page) rel="next">"Next page"</a> })}
            <a href=href(pages) aria-current=current(pages)>"Last page"</a>
        }
    });
    view! {
        <nav class="pager" aria-label="Pages">
            {controls}
            {children.map(|children| children())}
        </nav>
    }
}

/// A page's address as a GET form sends it: where to (none for this page's
/// own path) and every query parameter but the page number.
fn split_address(address: &str) -> (Option<String>, Vec<(String, String)>) {
    let (path, query) = address.split_once('?').unwrap_or((address, ""));
    let kept = domain::query::pairs(query).into_iter().filter(|(name, _)| name != "page").collect();
    ((!path.is_empty()).then(|| path.to_owned()), kept)
}

#[cfg(test)]
mod tests {
    use super::split_address;

    #[test]
    fn the_form_sends_every_parameter_but_the_page_to_the_same_path() {
        let (action, kept) = split_address("/users?q=Ada%20L&page=3");
        assert_eq!(action.as_deref(), Some("/users"));
        assert_eq!(kept, [("q".to_owned(), "Ada L".to_owned())]);

        let (action, kept) = split_address("?status=suspended&sort=status&dir=desc&page=2&size=10");
        assert_eq!(action, None, "the members table's own path");
        let names: Vec<&str> = kept.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["status", "sort", "dir", "size"]);

        assert_eq!(split_address("/outbox?page=1"), (Some("/outbox".to_owned()), Vec::new()));
        assert_eq!(split_address("?"), (None, Vec::new()));
    }
}
