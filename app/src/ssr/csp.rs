//! The Content-Security-Policy of server-rendered pages.

use http::{HeaderValue, header};
use leptos::prelude::{use_context, use_nonce};
use leptos_axum::ResponseOptions;

/// Only Roster's own script may run: the inline hydration and streaming
/// scripts carry this response's nonce, the rest is loaded from Roster's own
/// origin, and WebAssembly may be compiled. Nothing may frame the page.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets the policy on the page being rendered, with its nonce.
pub fn send_policy() {
    if let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>())
        && let Ok(value) = HeaderValue::from_str(&policy(&nonce))
    {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}
