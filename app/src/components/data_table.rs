use leptos::prelude::*;

/// A table of records, a header cell for each of `columns` and a `row` for
/// each of `rows`; or, when there are none, `empty` in words.
#[component]
pub fn DataTable<T, V>(
    columns: &'static [&'static str],
    rows: Vec<T>,
    row: impl Fn(T) -> V + 'static,
    empty: &'static str,
    /// Read out before the rows: what they are, how many, which page.
    #[prop(optional, into)]
    caption: Option<String>,
    /// A class besides `data-table`, for a table styled apart.
    #[prop(optional)]
    class: Option<&'static str>,
    /// A last column of row buttons, its header for screen readers only.
    #[prop(optional)]
    row_actions: bool,
) -> impl IntoView
where
    T: 'static,
    V: IntoView + 'static,
{
    if rows.is_empty() {
        return view! { <p>{empty}</p> }.into_any();
    }
    let class = match class {
        Some(class) => format!("data-table {class}"),
        None => "data-table".to_owned(),
    };
    // On a narrow screen the table scrolls sideways inside its box, not the
    // page; the box takes focus so that the keyboard can scroll it too.
    view! {
        <div class="table-scroll" tabindex="0">
            <table class=class>
                {caption.map(|caption| view! { <caption>{caption}</caption> })}
                <thead>
                    <tr>
                        {columns.iter().map(|column| view! { <th scope="col">{*column}</th> }).collect_view()}
                        {row_actions
                            .then(|| view! {
                                <th scope="col">
                                    <span class="visually-hidden">"Actions"</span>
                                </th>
                            })}
                    </tr>
                </thead>
                <tbody>{rows.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}
