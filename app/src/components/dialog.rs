use leptos::{html, prelude::*};

/// A modal dialog on the native `<dialog>` element: the browser makes the
/// rest of the page inert (a focus trap), closes it on Esc and returns focus
/// to whatever opened it. `open` opens and closes it from either side.
#[component]
pub fn Dialog(
    open: RwSignal<bool>,
    /// Labels the dialog for screen readers and heads it.
    title: &'static str,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let heading_id = format!("dialog-{}", title.to_lowercase().replace(' ', "-"));
    let labelled_by = heading_id.clone();
    Effect::new(move |_| {
        let Some(element) = dialog.get() else { return };
        match (open.get(), element.open()) {
            (true, false) => {
                let _ = element.show_modal();
            }
            (false, true) => element.close(),
            _ => {}
        }
    });
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-modal="true"
            aria-labelledby=labelled_by
            on:close=move |_| open.set(false)
        >
            <div class="dialog-header">
                <h2 id=heading_id>{title}</h2>
                <button type="button" class="button-secondary" on:click=move |_| open.set(false)>
                    "Close"
                </button>
            </div>
            {children()}
        </dialog>
    }
}
