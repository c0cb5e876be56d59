use domain::{Paging, grouped};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{DataTable, Pager};

/// What a search page's address asks for: the text (`?q=`) and the page
/// (`?page=`).
#[derive(Clone, Copy)]
pub struct SearchQuery {
    pub text: Memo<String>,
    pub page: Memo<u32>,
}

impl SearchQuery {
    pub fn from_url() -> Self {
        let query = use_query_map();
        Self {
            text: Memo::new(move |_| query.read().get("q").unwrap_or_default()),
            page: Memo::new(move |_| Paging::requested(query.read().get("page"))),
        }
    }
}

/// A search box that sends `q` to the page at `action`: a plain GET form,
/// so it works before the page is hydrated.
#[component]
pub fn SearchForm(
    action: &'static str,
    id: &'static str,
    label: &'static str,
    #[prop(into)] value: Signal<String>,
) -> impl IntoView {
    view! {
        <form method="get" action=action role="search" class="search-form">
            <label for=id>{label}</label>
            <input id=id name="q" type="search" value=value />
            <button type="submit" class="button-secondary">
                "Search"
            </button>
        </form>
    }
}

/// One page of what a search found: a table captioned "Users 1–25 of 80",
/// then links to the pages before and after, which keep the search; or, when
/// nothing matches, `empty` in words.
#[component]
pub fn SearchResults<T, V>(
    /// What the rows are, as the caption names them ("Users").
    noun: &'static str,
    /// The searching page's address ("/users").
    path: &'static str,
    search: String,
    paging: Paging,
    columns: &'static [&'static str],
    rows: Vec<T>,
    row: impl Fn(T) -> V + 'static,
    empty: &'static str,
    #[prop(optional)] row_actions: bool,
) -> impl IntoView
where
    T: 'static,
    V: IntoView + 'static,
{
    let (first, last) = paging.shown(rows.len());
    let caption = format!("{noun} {}–{} of {}", grouped(first), grouped(last), grouped(paging.total));
    let href = move |page: u32| format!("{path}?q={}&page={page}", domain::query::encode(&search));
    let pager = (!rows.is_empty()).then(|| view! { <Pager paging href /> });
    view! {
        <DataTable columns rows row empty caption row_actions />
        {pager}
    }
}
