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
    let session = ssr::setup::complete(&state, &ssr::request(), form).await?;
    ssr::context::set_session_cookie(&state, &session.clear);
    leptos_axum::redirect("/");
    Ok(())
}
