use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

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
    let request = ssr::request();
    Ok(request.session.map(|session| SignedInUser {
        id: session.user.id,
        email: session.user.email,
        name: session.user.name,
        is_super_admin: session.user.is_super_admin,
    }))
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let state = ssr::state()?;
    let signed_in = ssr::auth::sign_in(&state, &ssr::request(), &email, password).await?;
    let next = ssr::auth::safe_next(next.as_deref());
    leptos_axum::redirect(&signed_in.hand_over(&state, &next));
    Ok(())
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let state = ssr::state()?;
    let request = ssr::request();
    if let Some(session) = &request.session {
        state.store.end_session(session.id, request.actor(), chrono::Utc::now()).await?;
    }
    ssr::context::clear_session_cookie(&state);
    leptos_axum::redirect("/sign-in");
    Ok(())
}
