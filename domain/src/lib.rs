//! Roster's vocabulary: values that are valid by construction.
//!
//! Everything here is pure (no I/O) and compiles for the browser as well as
//! the server, so the same rules validate a form field on both sides.

mod account;
mod display_name;
mod email;
mod password;
mod role;

pub use account::AccountStatus;
pub use display_name::{DisplayName, DisplayNameError};
pub use email::{Email, EmailError};
pub use password::{NewPassword, PasswordError};
pub use role::Role;
