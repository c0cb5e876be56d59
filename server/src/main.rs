use std::process::ExitCode;

use clap::Parser;
use server::{Cli, Config};

fn main() -> ExitCode {
    // Before any thread of the runtime exists.
    server::memory::return_large_blocks_to_the_system();
    let cli = Cli::parse();
    server::telemetry::init();
    let result = match (Config::from_env(), tokio::runtime::Runtime::new()) {
        (Ok(config), Ok(runtime)) => runtime.block_on(server::run(cli, config)),
        (Err(error), _) => Err(error.into()),
        (_, Err(error)) => {
            eprintln!("roster: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("roster: {error}");
            ExitCode::FAILURE
        }
    }
}
