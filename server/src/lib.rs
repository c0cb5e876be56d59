//! The `roster` server: configuration, commands, HTTP routing and middleware.

mod audit_export;
pub mod cli;
pub mod config;
mod export;
mod first_run;
mod health;
pub mod mailer;
mod middleware;
pub mod oidc;
mod router;
pub mod scim;
mod seed;
mod site;
mod super_admin;
pub mod telemetry;
pub mod v1;
pub mod webhooks;

use std::{net::SocketAddr, sync::Arc};

use app::ssr::{AppState, Settings};
use tokio::net::TcpListener;

pub use cli::{Cli, Command};
pub use config::{Config, ConfigError};

/// Why `roster` stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("database: {0}")]
    Store(#[from] store::StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Input(String),
}

/// How often the outbox worker looks for due emails.
const OUTBOX_POLL: std::time::Duration = std::time::Duration::from_secs(1);
/// How often the back-channel logout worker looks for due logouts.
const LOGOUT_POLL: std::time::Duration = std::time::Duration::from_secs(1);
/// How often the webhook worker looks for due deliveries.
const WEBHOOK_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs the command the user asked for.
pub async fn run(cli: Cli, config: Config) -> Result<(), Error> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let listener = TcpListener::bind(config.bind).await?;
            let server = Server::new(config).await?;
            server.serve(listener).await
        }
        Command::Migrate => {
            store::connect(&config.database_url).await?;
            println!("Migrations applied.");
            Ok(())
        }
        Command::CreateSuperAdmin { email, name } => {
            super_admin::create(&config, &email, name.as_deref()).await
        }
        Command::SeedDemo { orgs, users, password } => seed::demo(&config, orgs, users, password).await,
        Command::RotateSigningKey => {
            let store = store::connect(&config.database_url).await?;
            let kid = oidc::keys::rotate(&*store).await.map_err(|e| Error::Input(e.to_string()))?;
            println!(
                "Added signing key {kid}; it signs from now on. The previous keys stay published for {} hours.",
                oidc::keys::RETIRED_KEYS_PUBLISHED.num_hours()
            );
            Ok(())
        }
    }
}

/// A connected, migrated Roster, ready to serve.
pub struct Server {
    state: AppState,
    mailer: Option<mailer::Mailer>,
    /// The first-run link, while no super admin exists.
    pub setup_link: Option<String>,
}

impl Server {
    pub async fn new(config: Config) -> Result<Self, Error> {
        let mailer = config
            .smtp_url
            .as_ref()
            .map(|url| mailer::Mailer::new(url, &config.mail_from))
            .transpose()
            .map_err(|problem| ConfigError { variable: "ROSTER_SMTP_URL", problem })?;
        let store = store::connect(&config.database_url).await?;
        let settings = Arc::new(Settings {
            public_url: config.public_url.clone(),
            sessions: config.sessions,
            mail_delivery: mailer.is_some(),
            webhooks_allow_private: config.webhooks_allow_private,
        });
        let setup_link = first_run::setup_link(&*store, &settings).await?;
        let state = AppState {
            leptos_options: site::leptos_options(config.bind, &config.site_root),
            store,
            settings,
        };
        Ok(Self { state, mailer, setup_link })
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM, finishing requests in flight.
    pub async fn serve(self, listener: TcpListener) -> Result<(), Error> {
        if let Some(link) = &self.setup_link {
            // Printed, not only logged: this is the one way in on a fresh install.
            println!(
                "\nRoster has no super admin yet. Open this link to create one (valid for 24 hours):\n\n    {link}\n"
            );
        }
        tracing::info!(
            address = %listener.local_addr()?,
            public_url = %self.state.settings.public_url,
            backend = ?self.state.store.backend(),
            fingerprinted_assets = self.state.leptos_options.hash_files,
            "Roster is listening"
        );
        match self.mailer {
            Some(mailer) => {
                tokio::spawn(mailer::run(self.state.store.clone(), mailer, OUTBOX_POLL));
            }
            None => tracing::warn!(
                "ROSTER_SMTP_URL is not set: emails stay in the outbox and their links are logged"
            ),
        }
        tokio::spawn(
            oidc::backchannel::Deliverer::new(oidc::Provider::new(self.state.clone())).run(LOGOUT_POLL),
        );
        tokio::spawn(
            webhooks::Deliverer::new(self.state.store.clone(), self.state.settings.webhooks_allow_private)
                .run(WEBHOOK_POLL),
        );
        let app = router::build(self.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
