use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    AppError,
    api::{InviteMembers, ResendInvitation, RevokeInvitation, pending_invitations},
    components::{ErrorAlert, InviteButton, InviteDialog, Notices, PendingInvitations},
    notice::Notice,
    pages::NotFoundContent,
};

/// The filters of the invitations page, as (`show=` value, label).
const FILTERS: [(&str, &str); 3] = [("", "All"), ("pending", "Pending"), ("expired", "Expired")];

/// An organization's invitations that wait for an answer, at
/// `/orgs/:slug/invitations`; `?show=pending` or `?show=expired` narrows
/// them to those whose link still works or no longer does.
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let show = Memo::new(move |_| {
        let show = query.read().get("show").unwrap_or_default();
        if FILTERS.iter().any(|(key, _)| *key == show) { show } else { String::new() }
    });
    let invite = ServerAction::<InviteMembers>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let inviting = RwSignal::new(false);
    Notices::after(resend, Notice::InvitationResent);
    Notices::after(revoke, Notice::InvitationRevoked);
    let rows = Resource::new(
        move || (slug(), show.get(), invite.version().get(), resend.version().get(), revoke.version().get()),
        |(slug, show, ..)| pending_invitations(slug, Some(show)),
    );
    let filter_links = move || {
        let slug = slug();
        FILTERS
            .into_iter()
            .map(|(key, label)| {
                let href = if key.is_empty() {
                    format!("/orgs/{slug}/invitations")
                } else {
                    format!("/orgs/{slug}/invitations?show={key}")
                };
                let current = (show.get() == key).then_some("page");
                view! { <li><a href=href aria-current=current>{label}</a></li> }
            })
            .collect_view()
    };
    view! {
        <Title text="Invitations" />
        <h1>"Invitations"</h1>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) => view! {
                        <InviteButton open=inviting />
                        <nav aria-label="Invitation filters">
                            <ul class="filter-tabs">{filter_links}</ul>
                        </nav>
                        <PendingInvitations slug=slug() rows resend revoke />
                    }
                        .into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundContent /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
        <InviteDialog slug=slug() invite open=inviting />
    }
}
