use clap::Parser;

use cnode_emulator::config::Cli;
use cnode_emulator::startup::Emulator;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let settings = match Cli::parse().into_settings() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("cnode-emulator: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let emulator = match Emulator::bind(settings) {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("cnode-emulator: cannot listen: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let addr = emulator.local_addr();
    log::info!("cnode-emulator listening on http://{addr}/ (WSDL at http://{addr}/?wsdl)");
    if let Some(admin) = emulator.admin_addr() {
        log::info!("admin API on http://{admin}/__admin/");
    }
    match emulator.run_until_signal().await {
        Ok(()) => {
            log::info!("cnode-emulator stopped: every request answered, background work ended");
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cnode-emulator: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

// glibc's malloc spent about a sixth of each request's time in its own bookkeeping.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
