use leptos::prelude::*;
use leptos_meta::Title;

use crate::{AppError, components::answer_with};

/// Any address that leads nowhere, including anything outside the caller's
/// scope: the two are indistinguishable by design.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <main id="main" class="page">
            <NotFoundContent />
        </main>
    }
}

/// The message itself, for pages that find out late that there is nothing
/// to show; the page then answers 404.
#[component]
pub fn NotFoundContent() -> impl IntoView {
    answer_with(&AppError::NotFound);
    view! {
        <Title text="Not found" />
        <h1>"Not found"</h1>
        <p>"There is nothing at this address, or you do not have access to it."</p>
        <p>
            <a href="/">"Go to the home page"</a>
        </p>
    }
}
