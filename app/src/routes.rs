//! Which page answers which address, in groups: every page is in the
//! console bundle ([`all_pages`]), and some groups also make a bundle of
//! their own (see [`crate::bundles`]), so each group is written once here.

use leptos::prelude::*;
use leptos_router::{
    MatchNestedRoutes, SsrMode,
    components::{ParentRoute, ParentRouteProps, Route, RouteChildren, Routes, RoutesProps},
    path,
};

use crate::pages::{
    AcceptInvitationPage, AccountActivityPage, AccountsPage, AppPage, AppsPage, ForgotPasswordPage,
    GlobalAuditPage, HomePage, InstallationApiKeysPage, InstallationWebhooksPage, InvitationsPage,
    LogoutsPage, MemberActivityPage, MembersPage, NewAppPage, OrganizationApiKeysPage, OrganizationAuditPage,
    OrganizationPage, OrganizationPickerPage, OrganizationWebhooksPage, OrganizationsPage, OutboxPage,
    OwnAccountPage, ProvisioningPage, ResetPasswordPage, SecondStepPage, SetupPage, SignInPage,
    SignedInLayout, TwoFactorSetupPage, WebhookPage,
};

/// Route definitions, as the functions below return them.
pub trait Pages: MatchNestedRoutes + Clone + Send + 'static {}
impl<T: MatchNestedRoutes + Clone + Send + 'static> Pages for T {}

/// Every page Roster has.
pub fn all_pages() -> impl Pages {
    (sign_in_pages(), other_public_pages(), signed_in((member_pages(), console_pages())))
}

/// Signing in and its second step: what nearly every visit starts with.
pub fn sign_in_pages() -> impl Pages {
    view! {
        <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async />
        <Route path=path!("/sign-in/verify") view=SecondStepPage ssr=SsrMode::Async />
    }
    .into_inner()
}

/// The other pages reached without a session, each from a link or a
/// redirect.
fn other_public_pages() -> impl Pages {
    view! {
        <Route path=path!("/two-factor/setup") view=TwoFactorSetupPage ssr=SsrMode::Async />
        <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async />
        <Route path=path!("/invite") view=AcceptInvitationPage ssr=SsrMode::Async />
        <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
        <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async />
        <Route path=path!("/oauth2/organization") view=OrganizationPickerPage ssr=SsrMode::Async />
    }
    .into_inner()
}

/// An organization's members and each member's activity: the console's
/// busiest pages.
pub fn member_pages() -> impl Pages {
    view! {
        <Route path=path!("/orgs/:slug/members") view=MembersPage />
        <Route path=path!("/orgs/:slug/members/:id") view=MemberActivityPage />
    }
    .into_inner()
}

/// The rest of the console.
fn console_pages() -> impl Pages {
    view! {
        <Route path=path!("") view=HomePage />
        <Route path=path!("/orgs") view=OrganizationsPage />
        <Route path=path!("/orgs/:slug") view=OrganizationPage />
        <Route path=path!("/orgs/:slug/invitations") view=InvitationsPage />
        <Route path=path!("/orgs/:slug/audit") view=OrganizationAuditPage />
        <Route path=path!("/orgs/:slug/webhooks") view=OrganizationWebhooksPage />
        <Route path=path!("/orgs/:slug/webhooks/:id") view=WebhookPage />
        <Route path=path!("/webhooks") view=InstallationWebhooksPage />
        <Route path=path!("/webhooks/:id") view=WebhookPage />
        <Route path=path!("/orgs/:slug/api-keys") view=OrganizationApiKeysPage />
        <Route path=path!("/orgs/:slug/provisioning") view=ProvisioningPage />
        <Route path=path!("/outbox") view=OutboxPage />
        <Route path=path!("/apps") view=AppsPage />
        <Route path=path!("/apps/new") view=NewAppPage />
        <Route path=path!("/apps/logouts") view=LogoutsPage />
        <Route path=path!("/apps/:id") view=AppPage />
        <Route path=path!("/api-keys") view=InstallationApiKeysPage />
        <Route path=path!("/users") view=AccountsPage />
        <Route path=path!("/users/:id") view=AccountActivityPage />
        <Route path=path!("/audit") view=GlobalAuditPage />
        <Route path=path!("/account") view=OwnAccountPage />
    }
    .into_inner()
}

/// Pages inside the signed-in layout (header, navigation), which waits for
/// the session on the server.
pub fn signed_in(pages: impl Pages) -> impl Pages {
    ParentRoute(
        ParentRouteProps::builder()
            .path(path!(""))
            .view(SignedInLayout)
            .ssr(SsrMode::Async)
            .children(RouteChildren::to_children(|| pages))
            .build(),
    )
}

/// `<Routes>` over `pages`, which `view!` does not take as children when
/// they come from a function.
pub fn with_fallback<Fallback: IntoView + 'static>(
    fallback: fn() -> Fallback,
    pages: impl Pages,
) -> impl IntoView {
    Routes(RoutesProps::builder().fallback(fallback).children(RouteChildren::to_children(|| pages)).build())
}

/// Whether `pages` has a page at `path`, matched as the router matches it.
pub fn has_page(pages: &impl Pages, path: &str) -> bool {
    match pages.match_nested(path) {
        (Some(_), rest) => rest.is_empty() || rest == "/",
        (None, _) => false,
    }
}
