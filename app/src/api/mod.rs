//! The server functions: typed calls from the browser (or from server-side
//! rendering) into Roster. Each one takes its caller from the session, never
//! from its arguments.

mod auth;
mod organizations;
mod setup;

pub use auth::*;
pub use organizations::*;
pub use setup::*;
