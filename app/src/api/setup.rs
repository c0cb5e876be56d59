use leptos::prelude::*;

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

/// Whether a first-run setup link can still be used, so the page can say why
/// not before anyone fills in the form.
#[server(endpoint = "check_setup_link")]
pub async fn check_setup_link(token: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    ssr::setup::check_link(&state, &token).await
}

/// Creates the first super admin from the setup link and signs them in.
#[server(endpoint = "complete_setup")]
pub async fn complete_setup(
    token: String,
    email: String,
    name: String,
    password: String,
) -> Result<(), AppError> {
    let state = ssr::state()?;
    let form = ssr::setup::SetupForm { token, email, name, password };
    let next = ssr::setup::complete(&state, &ssr::request(), form).await?.hand_over(&state, "/");
    leptos_axum::redirect(&next);
    Ok(())
}
