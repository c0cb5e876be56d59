//! Server-only code behind the server functions (feature `ssr`): nothing
//! here is compiled into the browser bundle.
//!
//! A server function in `api/<area>.rs` finds what it needs beyond a few
//! lines in `ssr/<area>.rs`; the rest of this module is shared by them all.
//! A server function starts from [`caller`] (or [`InOrganization::require`]
//! for one organization), asks the policy through [`Caller`], and returns
//! its [`AppError`](crate::AppError): the HTTP status of an error is set
//! once, by the server's `error_status` middleware for calls and by the
//! error a page shows for server-rendered pages (`components::ErrorAlert`).

// Areas, file for file with `api/`.
pub mod accounts;
pub mod activity;
pub mod api_keys;
pub mod apps;
pub mod auth;
pub mod invitations;
pub mod members;
pub mod organizations;
pub mod overview;
pub mod passkeys;
pub mod password_resets;
pub mod scim;
pub mod setup;
pub mod two_factor;
pub mod webhooks;

// Shared by the areas, and by the server crate.
pub mod access;
pub mod bundles;
pub mod context;
pub mod csp;
pub mod emails;
pub mod notices;
pub mod passwords;
pub mod sessions;
pub mod state;
pub mod tokens;

mod store_errors;

pub use access::{Caller, InOrganization, caller};
pub use context::{RequestContext, request, state};
pub use sessions::{CurrentSession, SessionPolicy};
pub use state::{AppState, Settings};
