//! The browser entry point: hydrates the page the server rendered.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    #[cfg(feature = "sign-in")]
    leptos::mount::hydrate_body(app::bundles::SignInApp);
    #[cfg(feature = "members")]
    leptos::mount::hydrate_body(app::bundles::MembersApp);
    #[cfg(not(any(feature = "sign-in", feature = "members")))]
    leptos::mount::hydrate_body(app::App);
    // Marks the page as interactive, for end-to-end tests and anyone
    // measuring time to interactive.
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}
