use clap::Parser;

use cnode_emulator::config::{Cli, LogFormat};
use cnode_emulator::startup::Emulator;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logs(cli.log_format);
    let settings = match cli.into_settings() {
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

/// Log lines on stderr, text or JSON, filtered by `RUST_LOG` (default `info`); `log` records
/// (actix's, the emulator's own) come through too.
fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
}

// glibc's malloc spent about a sixth of each request's time in its own bookkeeping.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
