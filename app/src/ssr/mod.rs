//! Server-only support for the server functions: application state, the
//! request's session, password hashing, tokens and sessions. Nothing here is
//! compiled into the browser bundle.

pub mod access;
pub mod activity;
pub mod auth;
pub mod context;
pub mod csp;
pub mod emails;
pub mod invitations;
pub mod members;
pub mod password_resets;
pub mod passwords;
pub mod accounts;
pub mod sessions;
pub mod state;
pub mod tokens;

mod store_errors;

pub use context::RequestContext;
pub use sessions::{CurrentSession, SessionPolicy};
pub use state::{AppState, Settings};
