use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

/// The signed-in person, as the pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub is_super_admin: bool,
}

#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SignedInUser>, AppError> {
    let request = crate::ssr::context::request();
    Ok(request.session.map(|session| SignedInUser {
        id: session.user.id,
        email: session.user.email,
        name: session.user.name,
        is_super_admin: session.user.is_super_admin,
    }))
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::ssr::{auth, context};
    context::respond(
        async {
            let state = context::state()?;
            let token = auth::sign_in(&state, &context::request(), &email, password).await?;
            context::set_session_cookie(&state, &token.clear);
            leptos_axum::redirect(&auth::safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::context;
    context::respond(
        async {
            let state = context::state()?;
            let request = context::request();
            if let Some(session) = &request.session {
                state.store.end_session(session.id, request.actor(), chrono::Utc::now()).await?;
            }
            context::clear_session_cookie(&state);
            leptos_axum::redirect("/sign-in");
            Ok(())
        }
        .await,
    )
}
