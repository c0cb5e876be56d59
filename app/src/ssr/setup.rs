//! First-run setup (`api/setup.rs`): the one-time link that creates the
//! first super admin, independent of HTTP.

use chrono::Utc;
use domain::{DisplayName, Email, NewPassword};
use store::{NewUser, TokenKind};

use super::{AppState, RequestContext, auth, passwords, tokens};
use crate::AppError;

/// Whether a setup link can still be used.
pub async fn check_link(state: &AppState, token: &str) -> Result<(), AppError> {
    tokens::redeemable(state, TokenKind::Setup, token).await.map(|_| ())
}

pub struct SetupForm {
    pub token: String,
    pub email: String,
    pub name: String,
    pub password: String,
}

/// Creates the first super admin from a setup link and signs them in.
pub async fn complete(
    state: &AppState,
    request: &RequestContext,
    form: SetupForm,
) -> Result<auth::SignedIn, AppError> {
    check_link(state, &form.token).await?;
    let email = Email::parse(&form.email).map_err(|e| AppError::invalid("email", e))?;
    let name = DisplayName::parse(&form.name).map_err(|e| AppError::invalid("name", e))?;
    let password = NewPassword::parse(form.password).map_err(|e| AppError::invalid("password", e))?;
    let context = vec![email.as_str().to_owned(), name.as_str().to_owned()];
    let password_hash = passwords::choose(password, context).await?;
    let user = NewUser { email, name, password_hash, is_super_admin: true };
    let created =
        state.store.complete_setup(&tokens::hash(&form.token), user, request.actor(), Utc::now()).await?;
    auth::password_proven(state, request, created.id).await
}
