//! The server functions: typed calls from the browser (or from server-side
//! rendering) into Roster. Each one takes its caller from the session, never
//! from its arguments.

mod accounts;
mod activity;
mod api_keys;
mod apps;
mod auth;
mod invitations;
mod members;
mod organizations;
mod outbox;
mod overview;
mod password_resets;
mod scim;
mod setup;
mod two_factor;
mod webhooks;

pub use accounts::*;
pub use activity::*;
pub use api_keys::*;
pub use apps::*;
pub use auth::*;
pub use invitations::*;
pub use members::*;
pub use organizations::*;
pub use outbox::*;
pub use overview::*;
pub use password_resets::*;
pub use scim::*;
pub use setup::*;
pub use two_factor::*;
pub use webhooks::*;
