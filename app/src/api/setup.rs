use leptos::prelude::*;

use crate::AppError;

/// Whether a first-run setup link can still be used, so the page can say why
/// not before anyone fills in the form.
#[server(endpoint = "check_setup_link")]
pub async fn check_setup_link(token: String) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    context::respond(
        async {
            let state = context::state()?;
            auth::check_setup_link(&state, &token).await
        }
        .await,
    )
}

/// Creates the first super admin from the setup link and signs them in.
#[server(endpoint = "complete_setup")]
pub async fn complete_setup(
    token: String,
    email: String,
    name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    context::respond(
        async {
            let state = context::state()?;
            let form = auth::SetupForm { token, email, name, password };
            let session = auth::complete_setup(&state, &context::request(), form).await?;
            context::set_session_cookie(&state, &session.clear);
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}
