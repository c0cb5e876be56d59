//! The layers every request passes through, outermost first: cross-site
//! request refusal, security headers, then the session lookup.

pub mod cross_site;
pub mod security_headers;
pub mod session;
