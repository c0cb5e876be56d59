use leptos::{html::Input, prelude::*};

use crate::AppError;

/// The error of a form's last submission, split between the field it is
/// about and the form as a whole.
#[derive(Clone, Copy)]
pub struct FormErrors {
    last: Signal<Option<AppError>>,
}

impl FormErrors {
    /// From a submission's result, such as `ServerAction::value()`.
    pub fn of<T, S>(result: S) -> Self
    where
        T: 'static,
        S: With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    {
        let last =
            Signal::derive(move || result.with(|r| r.as_ref().and_then(|r| r.as_ref().err().cloned())));
        Self { last }
    }

    pub fn last(self) -> Signal<Option<AppError>> {
        self.last
    }

    /// The message for one field, if the error is about it.
    pub fn field(self, name: &'static str) -> Signal<Option<String>> {
        let last = self.last;
        Signal::derive(move || last.get().filter(|e| e.field() == Some(name)).map(|e| e.to_string()))
    }

    /// The message for the form as a whole, if the error is about no one field.
    pub fn general(self) -> Signal<Option<String>> {
        let last = self.last;
        Signal::derive(move || last.get().filter(|e| e.field().is_none()).map(|e| e.to_string()))
    }
}

/// A labelled input whose error message is tied to it for screen readers.
#[component]
pub fn FormField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = true)] required: bool,
    #[prop(optional, into)] value: String,
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
                required=required
                value=value
                node_ref=node_ref
                aria-describedby=described_by
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
            />
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}

/// Where someone chooses a password (the browser may offer to make one),
/// sent as `password`.
#[component]
pub fn NewPasswordField(
    label: &'static str,
    #[prop(default = "At least 8 characters; avoid common or easily guessed ones.")] hint: &'static str,
    errors: FormErrors,
) -> impl IntoView {
    view! {
        <FormField
            label
            name="password"
            input_type="password"
            autocomplete="new-password"
            hint
            error=errors.field("password")
        />
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
