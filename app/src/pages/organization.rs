use domain::{MemberView, MembershipStatus, Role, SignInFilter, grouped};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    AppError,
    api::{
        OrganizationFigures, OrganizationView, RenameOrganization, SetOrganizationSuspended, organization,
        organization_overview,
    },
    components::{
        ErrorAlert, FormAlert, FormErrors, FormField, LatestEvents, Notices, SignInChart, SubmitButton,
    },
    notice::Notice,
    pages::NotFoundContent,
};

/// One organization, at `/orgs/:slug`: its overview. Its URL name in the
/// address is the tenant context: a link to it always shows the same
/// organization.
#[component]
pub fn OrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    // Every action of the page is made here, with the resources they
    // refresh: resources made inside a suspended view would not hydrate.
    let actions = OrganizationActions { rename: ServerAction::new(), suspend: ServerAction::new() };
    Notices::after(actions.rename, Notice::OrganizationRenamed);
    let view = Resource::new(
        move || (slug(), actions.rename.version().get(), actions.suspend.version().get()),
        |(slug, ..)| organization(slug),
    );
    // Only for those who manage its members; anyone else is answered
    // "not found" and sees the organization's name and their role alone.
    let overview = Resource::new(slug, organization_overview);

    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match view.await {
                    Ok(organization) => {
                        let overview = overview.await.ok();
                        view! { <OrganizationDetails organization overview actions /> }.into_any()
                    }
                    Err(AppError::NotFound) => view! { <NotFoundContent /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[derive(Clone, Copy)]
struct OrganizationActions {
    rename: ServerAction<RenameOrganization>,
    suspend: ServerAction<SetOrganizationSuspended>,
}

#[component]
fn OrganizationDetails(
    organization: OrganizationView,
    overview: Option<OrganizationFigures>,
    actions: OrganizationActions,
) -> impl IntoView {
    let standing = match (organization.my_role, organization.suspended) {
        (_, true) => "This organization is suspended: its members cannot use it.".to_owned(),
        (Some(role), false) => format!("You are {} {} here.", article(role.as_str()), role),
        (None, false) => "You are viewing this organization as a super admin.".to_owned(),
    };
    let slug = organization.slug.clone();
    let policy = organization.can_invite.then(|| {
        let slug = organization.slug.clone();
        view! { <crate::pages::TwoFactorRequirementForm slug /> }
    });
    view! {
        <Title text=organization.name.clone() />
        <h1>{organization.name.clone()}</h1>
        <p>{standing}</p>
        {overview.map(|overview| view! { <Overview slug overview /> })}
        {organization
            .can_manage
            .then(|| view! { <OrganizationSettings organization rename=actions.rename suspend=actions.suspend /> })}
        {policy}
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// The members table's address for a view of it.
fn members_href(slug: &str, view: MemberView) -> String {
    let query = view.to_query();
    if query.is_empty() { format!("/orgs/{slug}/members") } else { format!("/orgs/{slug}/members?{query}") }
}

#[component]
fn Overview(slug: String, overview: OrganizationFigures) -> impl IntoView {
    let in_view = |role: Option<Role>, status: Option<MembershipStatus>| {
        members_href(&slug, MemberView { role, status, ..MemberView::default() })
    };
    let signed_in = |filter: SignInFilter| {
        members_href(&slug, MemberView { sign_in: Some(filter), ..MemberView::default() })
    };
    let count_link = |count: i64, href: String| view! { <a href=href>{grouped(count)}</a> };
    let rows = overview
        .roles
        .iter()
        .map(|tally| {
            let role = Some(tally.role);
            view! {
                <tr>
                    <th scope="row">{format!("{}s", tally.role.label())}</th>
                    {MembershipStatus::ALL
                        .into_iter()
                        .map(|status| view! { <td>{count_link(tally.with(status), in_view(role, Some(status)))}</td> })
                        .collect_view()}
                    <td>{count_link(tally.total(), in_view(role, None))}</td>
                </tr>
            }
        })
        .collect_view();
    let attention = [
        (
            overview.pending_invitations,
            "pending invitation",
            "pending invitations",
            format!("/orgs/{slug}/invitations?show=pending"),
        ),
        (
            overview.expired_invitations,
            "expired invitation",
            "expired invitations",
            format!("/orgs/{slug}/invitations?show=expired"),
        ),
        (
            overview.inactive_30,
            "member inactive for more than 30 days",
            "members inactive for more than 30 days",
            signed_in(SignInFilter::InactiveDays(30)),
        ),
        (
            overview.inactive_90,
            "member inactive for more than 90 days",
            "members inactive for more than 90 days",
            signed_in(SignInFilter::InactiveDays(90)),
        ),
        (
            overview.never_signed_in,
            "member never signed in",
            "members never signed in",
            signed_in(SignInFilter::Never),
        ),
    ]
    .into_iter()
    .map(|(count, one, many, href)| {
        view! {
            <li>
                <a href=href class="stat">
                    <span class="stat-number">{grouped(count)}</span>
                    " "
                    <span class="stat-label">{if count == 1 { one } else { many }}</span>
                </a>
            </li>
        }
    })
    .collect_view();
    let month = overview.sign_ins_per_day[overview.sign_ins_per_day.len().saturating_sub(30)..].to_vec();
    view! {
        <section aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <div class="table-scroll">
                <table class="data-table tally-table">
                    <caption>{format!("{} members by role and status", grouped(overview.members()))}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Role"</th>
                            {MembershipStatus::ALL.into_iter().map(|status| view! { <th scope="col">{status.label()}</th> }).collect_view()}
                            <th scope="col">"All"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row">"All roles"</th>
                            {MembershipStatus::ALL
                                .into_iter()
                                .map(|status| view! { <td>{count_link(overview.members_with(status), in_view(None, Some(status)))}</td> })
                                .collect_view()}
                            <td>{count_link(overview.members(), in_view(None, None))}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
        <section aria-labelledby="attention-heading">
            <h2 id="attention-heading">"Needs attention"</h2>
            <ul class="stat-list">{attention}</ul>
        </section>
        <section aria-labelledby="sign-ins-heading">
            <h2 id="sign-ins-heading">"Sign-ins"</h2>
            <div class="charts">
                <SignInChart days=month today=overview.today />
                <SignInChart days=overview.sign_ins_per_day.clone() today=overview.today />
            </div>
        </section>
        <LatestEvents events=overview.latest_events audit_href=format!("/orgs/{slug}/audit") />
    }
}

#[component]
fn OrganizationSettings(
    organization: OrganizationView,
    rename: ServerAction<RenameOrganization>,
    suspend: ServerAction<SetOrganizationSuspended>,
) -> impl IntoView {
    let errors = FormErrors::of(rename.value());
    let suspend_errors = FormErrors::of(suspend.value());
    let (label, busy, suspended) = if organization.suspended {
        ("Reactivate organization", "Reactivating…", "false")
    } else {
        ("Suspend organization", "Suspending…", "true")
    };
    let notices = use_context::<Notices>();
    let now_suspended = !organization.suspended;
    Effect::new(move |_| {
        if let (Some(notices), true) = (notices, suspend.value().with(|v| matches!(v, Some(Ok(()))))) {
            let notice =
                if now_suspended { Notice::OrganizationSuspended } else { Notice::OrganizationReactivated };
            notices.show(notice.message());
        }
    });
    let (rename_slug, suspend_slug) = (organization.slug.clone(), organization.slug);
    let name = organization.name;
    view! {
        <section class="panel" aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Settings"</h2>
            <ActionForm action=rename>
                <input type="hidden" name="slug" value=rename_slug />
                <FormField label="Name" name="name" value=name error=errors.field("name") />
                <FormAlert message=errors.general() />
                <SubmitButton label="Rename" busy="Renaming…" pending=rename.pending() class="button-secondary" />
            </ActionForm>
            <ActionForm action=suspend>
                <input type="hidden" name="slug" value=suspend_slug />
                <input type="hidden" name="suspended" value=suspended />
                <FormAlert message=suspend_errors.general() />
                <SubmitButton label busy pending=suspend.pending() class="button-secondary" />
            </ActionForm>
        </section>
    }
}
