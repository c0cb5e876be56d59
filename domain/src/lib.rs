//! Roster's vocabulary: values that are valid by construction, and the
//! access policy.
//!
//! Everything here is pure (no I/O) and compiles for the browser as well as
//! the server, so the same rules validate a form field on both sides.

mod account;
mod activity;
mod api_key;
mod app;
mod audit_view;
mod digits;
mod display_name;
mod email;
mod email_list;
mod member_action;
mod member_view;
mod organization;
mod paging;
mod password;
pub mod policy;
pub mod query;
mod reason;
mod role;
pub mod scim_filter;
mod two_factor;
mod webhook;

pub use account::{AccountStatus, MembershipStatus, OrganizationStatus, Standing};
pub use activity::{ACTIONS, SignInOutcome, action, action_label};
pub use api_key::{ApiKeyName, ApiKeyNameError, KeyLifetimeError, MAX_KEY_DAYS, parse_key_days};
pub use app::{AppKind, AppSettings, AppSettingsError, AppStatus, AppUriField, MAX_REDIRECT_URIS};
pub use audit_view::{AUDIT_PAGE_SIZE, AuditView, AuditViewError, DateRange, MAX_WHO_CHARS};
pub use digits::{grouped, grouped_len};
pub use display_name::{DisplayName, DisplayNameError};
pub use email::{Email, EmailError};
pub use email_list::{EmailList, EmailListError, MAX_ADDRESSES};
pub use member_action::{MAX_BULK_MEMBERS, MemberAction, parse_member_ids, too_many};
pub use member_view::{
    DEFAULT_PAGE_SIZE, MAX_QUERY_BYTES, MAX_SEARCH_CHARS, MemberSort, MemberView, MemberViewError,
    PAGE_SIZES, SignInFilter,
};
pub use organization::{OrganizationName, OrganizationNameError, Slug, SlugError};
pub use paging::Paging;
pub use password::{NewPassword, PasswordError};
pub use reason::{Reason, ReasonError};
pub use role::Role;
pub use two_factor::{
    ACR_MFA, ACR_PASSWORD, Amr, FactorKind, MAX_FACTOR_NAME_CHARS, SecondStep, TwoFactorRequirement,
    factor_name, totp_code,
};
pub use webhook::{
    MAX_DESCRIPTION_CHARS, MAX_URL_CHARS, TEST_EVENT, WebhookEvent, WebhookSettings, WebhookSettingsError,
    is_public_address,
};
