//! One module per screen.

mod accept_invitation;
mod accounts;
mod api_keys;
mod apps;
mod audit;
mod home;
mod invitations;
mod members;
mod not_found;
mod organization;
mod organization_picker;
mod organizations;
mod outbox;
mod own_account;
mod password_reset;
mod person;
mod provisioning;
mod setup;
mod sign_in;
mod signed_in_layout;
mod two_factor;
mod webhooks;

pub use accept_invitation::AcceptInvitationPage;
pub use accounts::AccountsPage;
pub use api_keys::{InstallationApiKeysPage, OrganizationApiKeysPage};
pub use apps::{AppPage, AppsPage, LogoutsPage, NewAppPage};
pub use audit::{GlobalAuditPage, OrganizationAuditPage};
pub use home::HomePage;
pub use invitations::InvitationsPage;
pub use members::MembersPage;
pub use not_found::{NotFoundContent, NotFoundPage};
pub use organization::OrganizationPage;
pub use organization_picker::OrganizationPickerPage;
pub use organizations::OrganizationsPage;
pub use outbox::OutboxPage;
pub use own_account::OwnAccountPage;
pub use password_reset::{ForgotPasswordPage, ResetPasswordPage};
pub use person::{AccountActivityPage, MemberActivityPage};
pub use provisioning::ProvisioningPage;
pub use setup::SetupPage;
pub use sign_in::SignInPage;
pub use signed_in_layout::SignedInLayout;
pub use two_factor::{
    SecondStepPage, SuperAdminTwoFactorForm, TwoFactorRequirementForm, TwoFactorSection, TwoFactorSetupPage,
};
pub use webhooks::{InstallationWebhooksPage, OrganizationWebhooksPage, WebhookPage, webhooks_path};
