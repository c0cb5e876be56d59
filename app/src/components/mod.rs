//! Reusable pieces of the interface, named for what the user sees.

mod app_header;
mod app_settings;
mod audit_table;
mod auth_card;
mod data_table;
mod dialog;
mod disclosure;
mod error_alert;
mod form_field;
mod invitations;
mod latest_events;
mod member_actions;
mod notices;
mod org_switcher;
mod pager;
mod person_link;
mod removal;
mod search;
mod second_factor;
mod sign_in_chart;
mod site_nav;
mod time_ago;

pub use app_header::AppHeader;
pub use app_settings::{AppCredentialsNotice, AppSettingsFields, AppSettingsValues, ProviderFacts};
pub use audit_table::AuditTable;
pub use auth_card::{AuthCard, CheckedLink};
pub use data_table::DataTable;
pub use dialog::Dialog;
pub use disclosure::{DisclosureButton, close_on_escape};
pub use error_alert::{ErrorAlert, answer_with};
pub use form_field::{FormAlert, FormErrors, FormField, NewPasswordField};
pub use invitations::{InviteButton, InviteDialog, PendingInvitations};
pub use latest_events::LatestEvents;
pub use member_actions::{
    Change, MemberChangeDialog, MemberChangeReport, MemberChanges, RowActions, Targets,
};
pub use notices::{NoticeRegion, Notices, SubmitButton};
pub use org_switcher::{OrgSwitcher, slug_in_path};
pub use pager::Pager;
pub use person_link::{PersonLink, key_of};
pub use removal::{Removal, RemovalDialog, RemovalKind, RemovalNotice, Removals};
pub use search::{SearchForm, SearchQuery, SearchResults};
pub use second_factor::{ConfirmFactorForm, PasskeyAlerts, PasskeyButton, PasskeySignInForm};
pub use sign_in_chart::SignInChart;
pub use site_nav::{Breadcrumbs, CurrentOrganization, SiteNav};
pub use time_ago::{LastSignIn, TimeAgo};
