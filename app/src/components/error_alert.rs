use leptos::prelude::*;

use crate::AppError;

/// What a page shows where its data could not be loaded. On the server it
/// also gives the page the error's HTTP status, the same one a call to the
/// server function answers with: a page that says "not found" is a 404, a
/// refused search a 400.
#[component]
pub fn ErrorAlert(error: AppError, #[prop(optional)] class: Option<&'static str>) -> impl IntoView {
    answer_with(&error);
    let message = error.to_string();
    match class {
        Some(class) => view! { <p role="alert" class=class>{message}</p> }.into_any(),
        None => view! { <p role="alert">{message}</p> }.into_any(),
    }
}

/// Sets the status of the page being rendered on the server to the one
/// `error` calls for. The only place a page's status comes from an error
/// (server function calls get theirs from the server's `error_status`
/// middleware), so a server function needs no wrapper to set it.
pub fn answer_with(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}
