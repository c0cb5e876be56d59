use leptos::{ev, prelude::*};

/// A button that shows and hides the panel with id `controls`: the ARIA
/// disclosure pattern, with `aria-expanded` telling its state.
#[component]
pub fn DisclosureButton(
    open: RwSignal<bool>,
    #[prop(into)] controls: String,
    class: &'static str,
    /// For returning focus here, e.g. after a dialog the panel opened.
    #[prop(optional, into)]
    id: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <button
            id=id
            type="button"
            class=class
            aria-expanded=move || if open.get() { "true" } else { "false" }
            aria-controls=controls
            on:click=move |_| open.update(|open| *open = !*open)
        >
            {children()}
        </button>
    }
}

/// Closes a disclosure on Esc, wherever focus is inside it.
pub fn close_on_escape(open: RwSignal<bool>) -> impl Fn(ev::KeyboardEvent) + Copy + 'static {
    move |event| {
        if event.key() == "Escape" {
            open.set(false);
        }
    }
}
