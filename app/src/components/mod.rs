//! Reusable pieces of the interface, named for what the user sees.

mod app_header;
mod form_field;
mod org_switcher;

pub use app_header::AppHeader;
pub use form_field::{FormAlert, FormErrors, FormField};
pub use org_switcher::OrgSwitcher;
