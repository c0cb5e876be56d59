//! The layers every request passes through, outermost first: cross-site
//! request refusal, security headers, a server function error's status, the
//! form text check, then the session lookup. Compiled assets (`/pkg`) also
//! get their caching headers.

pub mod asset_caching;
pub mod cross_site;
pub mod error_status;
pub mod form_text;
pub mod security_headers;
pub mod session;
