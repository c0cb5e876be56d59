use domain::{ACTIONS, AuditView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map};

use crate::{
    AppError,
    api::audit_log,
    components::{AuditTable, ErrorAlert},
    pages::NotFoundContent,
};

/// An organization's audit log, at `/orgs/:slug/audit`.
#[component]
pub fn OrganizationAuditPage() -> impl IntoView {
    let params = use_params_map();
    let org = Memo::new(move |_| params.read().get("slug"));
    view! { <AuditLog org /> }
}

/// Every organization's events, at `/audit`: for super admins.
#[component]
pub fn GlobalAuditPage() -> impl IntoView {
    view! { <AuditLog org=Memo::new(|_| None) /> }
}

/// Filters (a plain GET form: the view lives in the URL, and works before
/// the page is hydrated), the CSV export of the same view, and a page of events.
#[component]
fn AuditLog(org: Memo<Option<String>>) -> impl IntoView {
    let search = use_location().search;
    let view = Memo::new(move |_| search.with(|query| AuditView::from_query_string(query)));
    let events =
        Resource::new(move || (org.get(), view.get().to_query()), |(org, query)| audit_log(org, query));
    let base = move || match org.get() {
        Some(slug) => format!("/orgs/{slug}/audit"),
        None => "/audit".to_owned(),
    };
    view! {
        <Title text="Audit log" />
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let result = events.await;
                if matches!(result, Err(AppError::NotFound)) {
                    return view! { <NotFoundContent /> }.into_any();
                }
                let current = view.get_untracked();
                let base = base();
                let export = format!("{base}.csv?{}", AuditView { page: 1, ..current.clone() }.to_query());
                let href = move |page: u32| {
                    let query = current.on_page(page).to_query();
                    if query.is_empty() { "?".to_owned() } else { format!("?{query}") }
                };
                view! {
                    <h1>"Audit log"</h1>
                    <AuditFilters view=view.get_untracked() />
                    <p>
                        <a class="button-secondary button-link" href=export download>
                            "Export these events as CSV"
                        </a>
                    </p>
                    {match result {
                        Ok(page) => view! { <AuditTable page empty="No event matches these filters." href /> }.into_any(),
                        Err(error) => view! { <ErrorAlert error class="form-alert" /> }.into_any(),
                    }}
                }
                    .into_any()
            })}
        </Transition>
    }
}

#[component]
fn AuditFilters(view: AuditView) -> impl IntoView {
    view! {
        <form method="get" class="member-filters" role="search" aria-label="Filter events">
            <div class="field">
                <label for="audit-actor">"By (name or email)"</label>
                <input id="audit-actor" name="actor" type="search" value=view.actor.clone() />
            </div>
            <div class="field">
                <label for="audit-target">"About (name or email)"</label>
                <input id="audit-target" name="target" type="search" value=view.target.clone() />
            </div>
            <div class="field">
                <label for="audit-action">"What"</label>
                <select id="audit-action" name="action">
                    <option value="">"Any action"</option>
                    {ACTIONS
                        .into_iter()
                        .map(|(name, label)| {
                            view! { <option value=name selected=view.action.as_deref() == Some(name)>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-from">"From"</label>
                <input id="audit-from" name="from" type="date" value=view.from.clone() />
            </div>
            <div class="field">
                <label for="audit-to">"To (included)"</label>
                <input id="audit-to" name="to" type="date" value=view.to.clone() />
            </div>
            <button type="submit" class="button-secondary">"Apply"</button>
        </form>
    }
}
