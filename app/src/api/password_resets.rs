use leptos::prelude::*;

use crate::AppError;

/// "Forgot password" on the sign-in page. Answers with the address as
/// understood, whether or not it has an account: the page then says what
/// happens if it does.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<String, AppError> {
    use crate::ssr::{context, password_resets};
    context::respond(
        async {
            let state = context::state()?;
            password_resets::request(&state, &context::request(), &email).await
        }
        .await,
    )
}

/// Whether a reset link can still be used, so the page can say why not
/// before anyone chooses a password.
#[server(endpoint = "check_reset_link")]
pub async fn check_reset_link(token: String) -> Result<(), AppError> {
    use crate::ssr::{context, password_resets};
    context::respond(
        async {
            let state = context::state()?;
            password_resets::check_link(&state, &token).await.map(|_| ())
        }
        .await,
    )
}

/// Sets a new password from a reset link; every other session of the
/// account ends and this browser is signed in.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::ssr::{context, password_resets};
    context::respond(
        async {
            let state = context::state()?;
            let session = password_resets::complete(&state, &context::request(), &token, password).await?;
            context::set_session_cookie(&state, &session.clear);
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}
