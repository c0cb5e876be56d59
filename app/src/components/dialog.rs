use leptos::{html, prelude::*};

/// A modal dialog on the native `<dialog>` element: the browser makes the
/// rest of the page inert (a focus trap) and closes it on Esc. `open` opens
/// and closes it from either side. On closing, focus goes back to the
/// element with id `return_focus_to`, found afresh: the opener may have
/// been re-rendered while the dialog was open.
#[component]
pub fn Dialog(
    open: RwSignal<bool>,
    /// Labels the dialog for screen readers and heads it.
    title: &'static str,
    #[prop(into)] return_focus_to: Signal<String>,
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
    let return_focus = move || {
        open.set(false);
        let opener = document().get_element_by_id(&return_focus_to.get_untracked());
        if let Some(opener) = opener
            .and_then(|e| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(e).ok())
        {
            let _ = opener.focus();
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            aria-modal="true"
            aria-labelledby=labelled_by
            on:close=move |_| return_focus()
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
