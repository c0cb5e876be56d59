//! Roster's user interface and server functions.
//!
//! The same code renders every page on the server (feature `ssr`) and
//! hydrates it in the browser (feature `hydrate`).

pub mod api;
pub mod components;
pub mod error;
pub mod notice;
pub mod pages;
mod relative_time;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

pub use error::AppError;

use crate::{
    api::{
        AcceptInvitation, CompleteSetup, RenameSelf, ResetPassword, SignIn, SignOut, SignedInUser,
        current_user,
    },
    pages::{
        AcceptInvitationPage, AccountActivityPage, AccountsPage, ForgotPasswordPage, GlobalAuditPage,
        HomePage, InvitationsPage, MemberActivityPage, MembersPage, NotFoundPage, OrganizationAuditPage,
        OrganizationPage, OrganizationsPage, OutboxPage, OwnAccountPage, ResetPasswordPage, SecondStepPage,
        SetupPage, SignInPage, SignedInLayout, TwoFactorSetupPage,
    },
    pages::{
        AppPage, AppsPage, InstallationApiKeysPage, LogoutsPage, NewAppPage, OrganizationApiKeysPage,
        OrganizationPickerPage,
    },
    pages::{InstallationWebhooksPage, OrganizationWebhooksPage, ProvisioningPage, WebhookPage},
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::csp::send_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // In the shell, which knows the build's options, so that a
                // fingerprinting build's hashed name is linked.
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                // Passkey prompts: a small plain script, outside the bundle.
                <script src="/passkeys.js" defer></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The actions that change who is signed in, or their name. Kept together
/// in context so that the current user is fetched again whenever one of
/// them completes.
#[derive(Clone, Copy)]
pub struct AuthActions {
    pub sign_in: ServerAction<SignIn>,
    pub sign_out: ServerAction<SignOut>,
    pub complete_setup: ServerAction<CompleteSetup>,
    /// Accepting an invitation signs a new account in.
    pub accept_invitation: ServerAction<AcceptInvitation>,
    /// Choosing a new password from a reset link signs the person in.
    pub reset_password: ServerAction<ResetPassword>,
    /// The account menu shows the new name at once.
    pub rename_self: ServerAction<RenameSelf>,
}

/// The signed-in user (or `None`), shared by the header and the pages.
#[derive(Clone, Copy)]
pub struct CurrentUserResource(pub Resource<Result<Option<SignedInUser>, AppError>>);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    let actions = AuthActions {
        sign_in: ServerAction::new(),
        sign_out: ServerAction::new(),
        complete_setup: ServerAction::new(),
        accept_invitation: ServerAction::new(),
        reset_password: ServerAction::new(),
        rename_self: ServerAction::new(),
    };
    let user = Resource::new(
        move || {
            (
                actions.sign_in.version().get(),
                actions.sign_out.version().get(),
                actions.complete_setup.version().get(),
                actions.accept_invitation.version().get(),
                actions.reset_password.version().get(),
                actions.rename_self.version().get(),
            )
        },
        |_| current_user(),
    );
    provide_context(actions);
    provide_context(CurrentUserResource(user));

    view! {
        <Title formatter=|page: String| if page.is_empty() { "Roster".to_owned() } else { format!("{page} · Roster") } />
        // Pages wait for their data on the server, so the HTML that arrives is
        // complete and readable before the WebAssembly loads.
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async />
                <Route path=path!("/sign-in/verify") view=SecondStepPage ssr=SsrMode::Async />
                <Route path=path!("/two-factor/setup") view=TwoFactorSetupPage ssr=SsrMode::Async />
                <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async />
                <Route path=path!("/invite") view=AcceptInvitationPage ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async />
                <Route path=path!("/oauth2/organization") view=OrganizationPickerPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=SignedInLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("/orgs") view=OrganizationsPage />
                    <Route path=path!("/orgs/:slug") view=OrganizationPage />
                    <Route path=path!("/orgs/:slug/members") view=MembersPage />
                    <Route path=path!("/orgs/:slug/members/:id") view=MemberActivityPage />
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
                </ParentRoute>
            </Routes>
        </Router>
    }
}
