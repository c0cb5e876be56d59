use leptos::prelude::*;

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

/// "Forgot password" on the sign-in page. Answers with the address as
/// understood, whether or not it has an account: the page then says what
/// happens if it does.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<String, AppError> {
    let state = ssr::state()?;
    ssr::password_resets::request(&state, &ssr::request(), &email).await
}

/// Whether a reset link can still be used, so the page can say why not
/// before anyone chooses a password.
#[server(endpoint = "check_reset_link")]
pub async fn check_reset_link(token: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    ssr::password_resets::check_link(&state, &token).await.map(|_| ())
}

/// Sets a new password from a reset link; every other session of the
/// account ends and this browser is signed in.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    let signed_in = ssr::password_resets::complete(&state, &ssr::request(), &token, password).await?;
    // Someone with a second factor gives it before the new password signs them in.
    leptos_axum::redirect(&signed_in.hand_over(&state, "/"));
    Ok(())
}
