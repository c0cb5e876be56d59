use std::process::ExitCode;

use clap::Parser;
use server::{Cli, Config};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    server::telemetry::init();
    let result = match Config::from_env() {
        Ok(config) => server::run(cli, config).await,
        Err(error) => Err(error.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("roster: {error}");
            ExitCode::FAILURE
        }
    }
}
