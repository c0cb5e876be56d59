use leptos::{html::Input, prelude::*};

/// A labelled input whose error message is tied to it for screen readers.
#[component]
pub fn FormField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] node_ref: NodeRef<Input>,
) -> impl IntoView {
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described_by = match hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    view! {
        <div class="field">
            <label for=name>{label}</label>
            {hint.map(|hint| view! { <p id=hint_id class="field-hint">{hint}</p> })}
            <input
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                required
                node_ref=node_ref
                aria-describedby=described_by
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
            />
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}

/// A form's overall error, announced as soon as it appears.
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="form-alert" role="alert">
            {move || message.get()}
        </p>
    }
}
