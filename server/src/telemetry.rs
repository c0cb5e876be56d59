use tracing_subscriber::{EnvFilter, fmt};

/// Structured logs on stdout. `RUST_LOG` overrides the default level.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    fmt().with_env_filter(filter).with_target(false).init();
}
