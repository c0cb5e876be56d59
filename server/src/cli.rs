use clap::{Parser, Subcommand};

/// Roster: user administration for multi-tenant software.
///
/// Configuration comes from environment variables; see the README.
#[derive(Debug, Parser)]
#[command(name = "roster", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Apply database migrations, then exit.
    Migrate,
    /// Create a super admin account. The password is read from the terminal
    /// (asked twice, not echoed) or, when piped, from the first line of stdin.
    CreateSuperAdmin {
        #[arg(long)]
        email: String,
        /// Defaults to the part of the email address before the @.
        #[arg(long)]
        name: Option<String>,
    },
    /// Add a new key for signing tokens (OpenID Connect). It signs from now
    /// on; the previous keys stay published until their tokens have expired.
    RotateSigningKey,
    /// Create demonstration organizations and members (for trying Roster out).
    SeedDemo {
        /// How many organizations.
        #[arg(long, default_value_t = 2)]
        orgs: u32,
        /// Members per organization, besides its admin.
        #[arg(long, default_value_t = 5)]
        users: u32,
        /// The password of every demo account.
        #[arg(long, default_value = "roster demo password")]
        password: String,
    },
}
