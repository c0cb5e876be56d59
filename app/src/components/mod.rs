//! Reusable pieces of the interface, named for what the user sees.

mod app_header;
mod form_field;

pub use app_header::AppHeader;
pub use form_field::{FormAlert, FormErrors, FormField};
