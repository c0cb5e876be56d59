use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    AppError,
    api::{
        InviteMembers, OrganizationView, RenameOrganization, ResendInvitation, RevokeInvitation,
        SetOrganizationSuspended, organization,
    },
    components::{
        ErrorAlert, FormAlert, FormErrors, FormField, InviteButton, InviteDialog, PendingInvitations,
    },
    pages::NotFoundContent,
};

/// One organization, at `/orgs/:slug`. Its URL name in the address is the
/// tenant context: a link to it always shows the same organization.
#[component]
pub fn OrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    // Every action of the page is made here, with the one resource they
    // refresh: resources made inside a suspended view would not hydrate.
    let actions = OrganizationActions {
        rename: ServerAction::new(),
        suspend: ServerAction::new(),
        invite: ServerAction::new(),
        resend: ServerAction::new(),
        revoke: ServerAction::new(),
        inviting: RwSignal::new(false),
    };
    let view = Resource::new(
        move || {
            (
                slug(),
                actions.rename.version().get(),
                actions.suspend.version().get(),
                actions.invite.version().get(),
                actions.resend.version().get(),
                actions.revoke.version().get(),
            )
        },
        |(slug, ..)| organization(slug),
    );

    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match view.await {
                    Ok(organization) => view! { <OrganizationDetails organization actions /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundContent /> }.into_any(),
                    Err(error) => view! { <ErrorAlert error /> }.into_any(),
                }
            })}
        </Transition>
        <InviteDialog slug=slug() invite=actions.invite open=actions.inviting />
    }
}

#[derive(Clone, Copy)]
struct OrganizationActions {
    rename: ServerAction<RenameOrganization>,
    suspend: ServerAction<SetOrganizationSuspended>,
    invite: ServerAction<InviteMembers>,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
    /// Whether the invite dialog is open.
    inviting: RwSignal<bool>,
}

#[component]
fn OrganizationDetails(organization: OrganizationView, actions: OrganizationActions) -> impl IntoView {
    let OrganizationActions { rename, suspend, resend, revoke, inviting, .. } = actions;
    let standing = match (organization.my_role, organization.suspended) {
        (_, true) => "This organization is suspended: its members cannot use it.".to_owned(),
        (Some(role), false) => format!("You are {} {} here.", article(role.as_str()), role),
        (None, false) => "You are viewing this organization as a super admin.".to_owned(),
    };
    let pending = organization.pending_invitations.clone();
    let members = organization.can_invite.then(|| {
        let slug = organization.slug.clone();
        view! {
            <p>
                <a href=format!("/orgs/{slug}/members")>"Members"</a>
                " · "
                <a href=format!("/orgs/{slug}/audit")>"Audit log"</a>
            </p>
            <InviteButton open=inviting />
            <PendingInvitations slug rows=pending resend revoke />
        }
    });
    view! {
        <Title text=organization.name.clone() />
        <h1>{organization.name.clone()}</h1>
        <p>{standing}</p>
        {members}
        {organization.can_manage.then(|| view! { <OrganizationSettings organization rename suspend /> })}
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

#[component]
fn OrganizationSettings(
    organization: OrganizationView,
    rename: ServerAction<RenameOrganization>,
    suspend: ServerAction<SetOrganizationSuspended>,
) -> impl IntoView {
    let errors = FormErrors::of(rename.value());
    let suspend_errors = FormErrors::of(suspend.value());
    let (label, suspended) = if organization.suspended {
        ("Reactivate organization", "false")
    } else {
        ("Suspend organization", "true")
    };
    let (rename_slug, suspend_slug) = (organization.slug.clone(), organization.slug);
    let name = organization.name;
    view! {
        <section class="panel" aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Settings"</h2>
            <ActionForm action=rename>
                <input type="hidden" name="slug" value=rename_slug />
                <FormField label="Name" name="name" value=name error=errors.field("name") />
                <FormAlert message=errors.general() />
                <button type="submit" class="button-secondary">
                    "Rename"
                </button>
            </ActionForm>
            <ActionForm action=suspend>
                <input type="hidden" name="slug" value=suspend_slug />
                <input type="hidden" name="suspended" value=suspended />
                <FormAlert message=suspend_errors.general() />
                <button type="submit" class="button-secondary">
                    {label}
                </button>
            </ActionForm>
        </section>
    }
}
