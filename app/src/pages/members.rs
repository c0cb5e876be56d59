use std::time::Duration;

use domain::{
    MemberSort, MemberView, MembershipStatus, PAGE_SIZES, Paging, Role, SignInFilter, grouped, grouped_len,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    NavigateOptions,
    hooks::{use_location, use_navigate, use_params_map},
};

use std::collections::BTreeSet;

use domain::MemberAction;

use crate::{
    AppError,
    api::{MemberList, list_members},
    components::{
        Change, ErrorAlert, LastSignIn, MemberChangeDialog, MemberChangeReport, MemberChanges, Pager,
        PersonLink, RemovalDialog, RemovalNotice, RowActions, Targets,
    },
    pages::NotFoundContent,
};

/// An organization's members: search, filters, sort and pages, all kept in
/// the URL so back/forward, reload and shared links show the same view.
#[component]
pub fn MembersPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let search = use_location().search;
    let view = Memo::new(move |_| search.with(|query| MemberView::from_query_string(query)));
    let changes = MemberChanges::new(slug);
    let members = Resource::new(
        move || (slug.get(), view.get().to_query(), changes.version(), changes.removals.version()),
        |(slug, query, _, _)| list_members(slug, query),
    );
    // Ticked rows, by user id; `all_matching` extends the choice to every
    // member the view finds. A new view or a change clears both.
    let selection = Selection { rows: RwSignal::new(BTreeSet::new()), all_matching: RwSignal::new(false) };
    Effect::new(move |_| {
        view.track();
        changes.version();
        changes.removals.version();
        selection.clear();
    });

    let navigate = use_navigate();
    let show = Callback::new(move |(next, replace): (MemberView, bool)| {
        let query = next.to_query();
        let path = if query.is_empty() {
            format!("/orgs/{}/members", slug.get_untracked())
        } else {
            format!("/orgs/{}/members?{query}", slug.get_untracked())
        };
        navigate(&path, NavigateOptions { replace, scroll: false, ..Default::default() });
    });

    view! {
        <Title text="Members" />
        <MemberChangeDialog changes />
        <RemovalDialog removals=changes.removals />
        <Transition fallback=|| view! { <p>"Loading members…"</p> }>
            {move || Suspend::new(async move {
                match members.await {
                    Err(AppError::NotFound) => view! { <NotFoundContent /> }.into_any(),
                    result => {
                        let export = format!("/orgs/{}/members.csv?{}", slug.get_untracked(), view.get_untracked().to_query());
                        view! {
                            <h1>"Members"</h1>
                            <MemberFilters view show />
                            <MemberChangeReport changes />
                            <RemovalNotice removals=changes.removals />
                            <p>
                                <a class="button-secondary button-link" href=export download>
                                    "Export these members as CSV"
                                </a>
                            </p>
                            {match result {
                                Ok(list) => view! { <MembersTable list view show changes selection /> }.into_any(),
                                Err(error) => view! { <ErrorAlert error class="form-alert" /> }.into_any(),
                            }}
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Search and filters. A plain GET form, so they work before the page is
/// hydrated; once it is, changes apply as you make them.
#[component]
fn MemberFilters(view: Memo<MemberView>, show: Callback<(MemberView, bool)>) -> impl IntoView {
    let typing = StoredValue::new(None::<TimeoutHandle>);
    // Typing waits for a pause before asking the server, and replaces the
    // history entry rather than adding one per keystroke.
    let on_search = move |event: leptos::ev::Event| {
        let search = event_target_value(&event);
        if let Some(handle) = typing.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || show.run((MemberView { search: search.clone(), page: 1, ..view.get_untracked() }, true)),
            Duration::from_millis(300),
        );
        typing.set_value(handle.ok());
    };
    let choose = move |change: fn(&mut MemberView, &str)| {
        move |event: leptos::ev::Event| {
            let mut next = MemberView { page: 1, ..view.get_untracked() };
            change(&mut next, &event_target_value(&event));
            show.run((next, false));
        }
    };
    let current = view.get_untracked();
    view! {
        <form method="get" class="member-filters" role="search" aria-label="Filter members">
            <div class="field">
                <label for="member-search">"Search name or email"</label>
                <input id="member-search" name="q" type="search" value=current.search.clone() on:input=on_search />
            </div>
            <div class="field">
                <label for="member-role">"Role"</label>
                <select id="member-role" name="role" on:change=choose(|v, value| v.role = value.parse().ok())>
                    <option value="">"All roles"</option>
                    {Role::ALL
                        .into_iter()
                        .map(|role| view! { <option value=role.as_str() selected=current.role == Some(role)>{role.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="member-status">"Status"</label>
                <select id="member-status" name="status" on:change=choose(|v, value| v.status = value.parse().ok())>
                    <option value="">"All statuses"</option>
                    {[MembershipStatus::Active, MembershipStatus::Invited, MembershipStatus::Suspended]
                        .into_iter()
                        .map(|status| view! { <option value=status.as_str() selected=current.status == Some(status)>{status.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="member-signin">"Last sign-in"</label>
                <select
                    id="member-signin"
                    name="signin"
                    on:change=choose(|v, value| v.sign_in = SignInFilter::CHOICES.into_iter().find(|f| f.key() == value))
                >
                    <option value="">"Any time"</option>
                    {SignInFilter::CHOICES
                        .into_iter()
                        .map(|filter| view! { <option value=filter.key() selected=current.sign_in == Some(filter)>{filter.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="member-two-factor">"Two-factor"</label>
                <select
                    id="member-two-factor"
                    name="2fa"
                    on:change=choose(|v, value| v.two_factor = match value { "on" => Some(true), "off" => Some(false), _ => None })
                >
                    <option value="">"Any"</option>
                    <option value="on" selected=current.two_factor == Some(true)>"On"</option>
                    <option value="off" selected=current.two_factor == Some(false)>"Off"</option>
                </select>
            </div>
            <div class="field">
                <label for="member-source">"Source"</label>
                <select id="member-source" name="source" on:change=choose(|v, value| v.provisioned = value == "scim")>
                    <option value="">"Everyone"</option>
                    <option value="scim" selected=current.provisioned>"Provisioned by SCIM"</option>
                </select>
            </div>
            <input type="hidden" name="sort" value=current.sort.key() />
            <input type="hidden" name="dir" value=if current.descending { "desc" } else { "asc" } />
            <input type="hidden" name="size" value=current.page_size.to_string() />
            <button type="submit" class="button-secondary">"Apply"</button>
        </form>
    }
}

#[component]
fn MembersTable(
    list: MemberList,
    view: Memo<MemberView>,
    show: Callback<(MemberView, bool)>,
    changes: MemberChanges,
    selection: Selection,
) -> impl IntoView {
    let current = view.get_untracked();
    let paging = Paging::new(list.page, list.page_size, list.total);
    let href = |next: MemberView| {
        let query = next.to_query();
        if query.is_empty() { "?".to_owned() } else { format!("?{query}") }
    };
    let header = |label: &'static str, sort: MemberSort| {
        let state = match (current.sort == sort, current.descending) {
            (true, false) => "ascending",
            (true, true) => "descending",
            (false, _) => "none",
        };
        view! {
            <th scope="col" aria-sort=state>
                <a href=href(current.sorted_by(sort))>{label}</a>
            </th>
        }
    };
    if list.rows.is_empty() {
        return view! { <p>"No member matches this search and these filters."</p> }.into_any();
    }
    let now = list.now;
    let page_href = {
        let current = current.clone();
        move |page| href(current.on_page(page))
    };
    let on_size = move |event: leptos::ev::Event| {
        let page_size = event_target_value(&event).parse().unwrap_or(current.page_size);
        show.run((MemberView { page_size, page: 1, ..view.get_untracked() }, false));
    };
    let on_page: Vec<i64> = list.rows.iter().map(|m| m.user_id).collect();
    let whole_page = {
        let on_page = on_page.clone();
        move || selection.rows.with(|rows| on_page.iter().all(|id| rows.contains(id)))
    };
    let toggle_page = {
        let on_page = on_page.clone();
        let whole_page = whole_page.clone();
        move |_| {
            let select = !whole_page();
            selection.all_matching.set(false);
            selection.rows.update(|rows| {
                for id in &on_page {
                    if select {
                        rows.insert(*id);
                    } else {
                        rows.remove(id);
                    }
                }
            });
        }
    };
    let total = list.total;
    let query = current.to_query();
    view! {
        <BulkBar changes selection total query page_rows=on_page.len() />
        <div class="table-scroll">
            <table class="data-table">
                <caption>
                    {format!(
                        "{} {} · page {} of {}",
                        grouped(list.total),
                        if list.total == 1 { "member" } else { "members" },
                        grouped(list.page),
                        grouped(paging.pages()),
                    )}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">
                            <input
                                type="checkbox"
                                aria-label="Select every member on this page"
                                prop:checked=whole_page
                                on:change=toggle_page
                            />
                        </th>
                        {header("Name", MemberSort::Name)}
                        {header("Email", MemberSort::Email)}
                        {header("Role", MemberSort::Role)}
                        {header("Status", MemberSort::Status)}
                        {header("Joined", MemberSort::Joined)}
                        {header("Last sign-in", MemberSort::LastSignIn)}
                        <th scope="col">"Two-factor"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .rows
                        .into_iter()
                        .map(|member| {
                            let joined = member.joined_at.map(|at| view! {
                                <time datetime=at.to_rfc3339() title=at.format("%Y-%m-%d %H:%M UTC").to_string()>
                                    {at.format("%Y-%m-%d").to_string()}
                                </time>
                            });
                            let user_id = member.user_id;
                            let who = if member.name.is_empty() { member.email.clone() } else { member.name.clone() };
                            view! {
                                <tr>
                                    <td>
                                        <input
                                            type="checkbox"
                                            aria-label=format!("Select {who}")
                                            prop:checked=move || selection.rows.with(|rows| rows.contains(&user_id))
                                            on:change=move |_| {
                                                selection.all_matching.set(false);
                                                selection.rows.update(|rows| {
                                                    if !rows.remove(&user_id) {
                                                        rows.insert(user_id);
                                                    }
                                                });
                                            }
                                        />
                                    </td>
                                    <td>
                                        <PersonLink
                                            href=format!("/orgs/{}/members/{user_id}", changes.slug.get_untracked())
                                            name=member.name
                                        />
                                    </td>
                                    <td>{member.email.clone()}</td>
                                    <td>{member.role.label()}</td>
                                    <td>{member.status.label()}</td>
                                    <td>{joined}</td>
                                    <td><LastSignIn at=member.last_sign_in_at now /></td>
                                    <td>{if member.two_factor { "On" } else { "Off" }}</td>
                                    <td>
                                        <RowActions changes user_id name=who email=member.email.clone() status=member.status />
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        <Pager paging href=page_href>
            <label for="member-page-size">"Rows per page"</label>
            <select id="member-page-size" on:change=on_size>
                {PAGE_SIZES
                    .into_iter()
                    .map(|size| view! { <option value=size.to_string() selected=size == current.page_size>{size.to_string()}</option> })
                    .collect_view()}
            </select>
        </Pager>
    }
    .into_any()
}

/// The rows ticked for a bulk change.
#[derive(Clone, Copy)]
struct Selection {
    rows: RwSignal<BTreeSet<i64>>,
    all_matching: RwSignal<bool>,
}

impl Selection {
    fn clear(self) {
        self.rows.set(BTreeSet::new());
        self.all_matching.set(false);
    }
}

const BULK_APPLY_ID: &str = "bulk-apply";
const BULK_ACTION_ID: &str = "bulk-action";

/// Shown while rows are ticked: how many, the choice to extend it to every
/// match, and the change to make. The menu starts on no change, so nothing
/// is done to anyone without choosing; applying before choosing says so.
#[component]
fn BulkBar(
    changes: MemberChanges,
    selection: Selection,
    total: i64,
    query: String,
    page_rows: usize,
) -> impl IntoView {
    let chosen = RwSignal::new(None::<MemberAction>);
    let unchosen_applied = RwSignal::new(false);
    let count = move || selection.rows.with(BTreeSet::len);
    let targets = move || {
        if selection.all_matching.get() {
            Targets::Matching { query: query.clone(), total }
        } else {
            Targets::Selected(selection.rows.with(|rows| rows.iter().copied().collect()))
        }
    };
    let apply = move |_| match chosen.get_untracked() {
        Some(action) => changes.propose(Change {
            action: Some(action),
            targets: targets(),
            return_focus: BULK_APPLY_ID.to_owned(),
        }),
        None => {
            unchosen_applied.set(true);
            if let Some(menu) = document().get_element_by_id(BULK_ACTION_ID).and_then(|menu| {
                leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(menu).ok()
            }) {
                let _ = menu.focus();
            }
        }
    };
    let can_extend =
        move || !selection.all_matching.get() && count() == page_rows && (page_rows as i64) < total;
    view! {
        <div class="bulk-bar" role="region" aria-label="Selected members" hidden=move || count() == 0>
            <p>
                {move || if selection.all_matching.get() {
                    format!("All {} matching members selected.", grouped(total))
                } else {
                    format!("{} selected.", grouped_len(count()))
                }}
            </p>
            <button type="button" class="button-secondary" hidden=move || !can_extend() on:click=move |_| selection.all_matching.set(true)>
                {format!("Select all {} matching members", grouped(total))}
            </button>
            <label for=BULK_ACTION_ID>"Change"</label>
            <select
                id=BULK_ACTION_ID
                aria-describedby="bulk-action-hint"
                on:change=move |event| {
                    chosen.set(event_target_value(&event).parse().ok());
                    unchosen_applied.set(false);
                }
            >
                <option value="" disabled selected>"Choose an action…"</option>
                {MemberAction::CHOICES
                    .into_iter()
                    .map(|action| view! { <option value=action.key()>{action.label()}</option> })
                    .collect_view()}
            </select>
            <button
                id=BULK_APPLY_ID
                type="button"
                class="button-primary"
                aria-disabled=move || chosen.get().is_none().then_some("true")
                on:click=apply
            >
                "Apply to selected"
            </button>
            <p id="bulk-action-hint" class="field-error" hidden=move || !unchosen_applied.get()>
                "Choose an action first."
            </p>
            <button type="button" class="button-secondary" on:click=move |_| selection.clear()>"Clear selection"</button>
        </div>
    }
}
