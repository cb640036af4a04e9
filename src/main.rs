//! The `qixian` binary: read the configuration, start logging, build and run the server.

use qixian::config::{Config, settings_table};
use qixian::startup::Application;

const USAGE: &str = "\
qixian (期限) — working days and official deadlines on China's holiday calendars

Usage: qixian [--help | --version]

Serves the HTTP API (see /openapi.yaml) with the holiday data compiled in. Every setting is
an environment variable:
";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match std::env::args().nth(1).as_deref() {
        None => {}
        Some("--help" | "-h") => {
            print!("{USAGE}\n{}", settings_table());
            return std::process::ExitCode::SUCCESS;
        }
        Some("--version" | "-V") => {
            println!("qixian {}", env!("CARGO_PKG_VERSION"));
            return std::process::ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("qixian: unknown argument {other:?}; try qixian --help");
            return std::process::ExitCode::from(2);
        }
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("qixian: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    let _log = qixian::telemetry::init(config.log_format);
    let addr = config.addr;
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let app = match Application::build(config) {
        Ok(app) => app,
        Err(err) => {
            tracing::error!("{}", qixian::base::error_chain(&err));
            return std::process::ExitCode::from(2);
        }
    };
    tracing::info!(%addr, port = app.port(), scheme, "qixian is serving");
    match app.run_until_stopped().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("server stopped: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
