//! The pieces of the application pages: the settings fields that
//! registering and editing share, a credential shown once, and how to
//! connect an app.

use leptos::prelude::*;

use super::{FormErrors, FormField};
use crate::api::ProviderInfo;

/// What the settings fields start with: empty for a new application.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppSettingsValues {
    pub name: String,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub backchannel_logout_uri: String,
}

/// Name, redirect URIs, post-logout redirect URIs and back-channel logout
/// URI, each with its error.
#[component]
pub fn AppSettingsFields(values: AppSettingsValues, errors: FormErrors) -> impl IntoView {
    view! {
        <FormField label="Name" name="name" value=values.name error=errors.field("name") />
        <TextAreaField
            label="Redirect URIs"
            name="redirect_uris"
            hint="One per line, compared exactly. https, or http on localhost for development."
            value=values.redirect_uris
            required=true
            error=errors.field("redirect_uris")
        />
        <TextAreaField
            label="Post-logout redirect URIs"
            name="post_logout_redirect_uris"
            hint="One per line: where the app may send people after signing them out. Optional."
            value=values.post_logout_redirect_uris
            required=false
            error=errors.field("post_logout_redirect_uris")
        />
        <FormField
            label="Back-channel logout URI"
            name="backchannel_logout_uri"
            input_type="url"
            required=false
            hint="Roster posts a logout token here when someone's session in the app ends (a suspension, a removal). Optional."
            value=values.backchannel_logout_uri
            error=errors.field("backchannel_logout_uri")
        />
    }
}

/// A labelled multi-line input whose error message is tied to it.
#[component]
fn TextAreaField(
    label: &'static str,
    name: &'static str,
    hint: &'static str,
    value: String,
    required: bool,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let (hint_id, error_id) = (format!("{name}-hint"), format!("{name}-error"));
    let described_by = format!("{hint_id} {error_id}");
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <p id=hint_id class="field-hint">{hint}</p>
            <textarea
                id=name
                name=name
                rows="3"
                spellcheck="false"
                required=required
                aria-describedby=described_by
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
            >
                {value}
            </textarea>
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}

/// A client ID and, for a confidential app, its secret, shown once.
#[component]
pub fn AppCredentialsNotice(
    heading: &'static str,
    client_id: Option<String>,
    client_secret: Option<String>,
) -> impl IntoView {
    let warning = client_secret.is_some().then_some("Copy it now: it will not be shown again.");
    view! {
        <section class="panel" role="status" aria-labelledby="credentials-heading">
            <h2 id="credentials-heading">{heading}</h2>
            <dl class="facts">
                {client_id.map(|id| view! { <dt>"Client ID"</dt><dd><code class="credential">{id}</code></dd> })}
                {client_secret.map(|secret| view! { <dt>"Client secret"</dt><dd><code class="credential">{secret}</code></dd> })}
            </dl>
            {warning.map(|warning| view! { <p class="form-notice"><strong>{warning}</strong></p> })}
        </section>
    }
}

/// The issuer and discovery URL an app is configured with.
#[component]
pub fn ProviderFacts(provider: ProviderInfo) -> impl IntoView {
    view! {
        <section aria-labelledby="connect-heading">
            <h2 id="connect-heading">"Connecting an app"</h2>
            <p>"Point the app's OpenID Connect library at the discovery URL; it finds every endpoint there."</p>
            <dl class="facts">
                <dt>"Discovery URL"</dt>
                <dd><code>{provider.discovery_url}</code></dd>
                <dt>"Issuer"</dt>
                <dd><code>{provider.issuer}</code></dd>
            </dl>
        </section>
    }
}
