//! One module per screen.

mod home;
mod not_found;
mod setup;
mod sign_in;
mod signed_in_layout;

pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use setup::SetupPage;
pub use sign_in::SignInPage;
pub use signed_in_layout::SignedInLayout;
