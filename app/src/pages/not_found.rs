use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <Title text="Not found" />
        <main id="main" class="page">
            <h1>"Not found"</h1>
            <p>"There is nothing at this address, or you do not have access to it."</p>
            <p>
                <a href="/">"Go to the home page"</a>
            </p>
        </main>
    }
}
