use std::future::Future;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Serialize, de::DeserializeOwned};

use super::ErrorAlert;
use crate::AppError;

/// The card alone in the middle of a signed-out page, under a heading.
#[component]
pub fn AuthCard(
    /// The browser tab's title.
    title: &'static str,
    heading: &'static str,
    heading_id: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=title />
        <main id="main" class="auth-page">
            <section class="auth-card" aria-labelledby=heading_id>
                <h1 id=heading_id>{heading}</h1>
                {children()}
            </section>
        </main>
    }
}

/// What a link from an email (or the server's log) opens on: its
/// `?token=` is checked while `checking` shows; then `form` is given what
/// the check found and the token, or, for a link that no longer works, the
/// reason shows and `dead_link` says what to do instead.
#[component]
pub fn CheckedLink<T, Fut, V>(
    checking: &'static str,
    check: fn(String) -> Fut,
    form: fn(T, String) -> V,
    #[prop(into)] dead_link: ViewFn,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let link = Resource::new(token, check);
    view! {
        <Suspense fallback=move || view! { <p>{checking}</p> }>
            {move || {
                let dead_link = dead_link.clone();
                Suspend::new(async move {
                    match link.await {
                        Ok(found) => form(found, token()).into_any(),
                        Err(error) => {
                            view! {
                                <ErrorAlert error class="form-alert" />
                                {dead_link.run()}
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}
