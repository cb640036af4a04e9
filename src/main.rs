//! The `qixian` binary: read the configuration, start logging, build and run the server.

use qixian::config::Config;
use qixian::startup::Application;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("qixian: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    qixian::telemetry::init(config.log_format);
    let addr = config.addr;
    let app = match Application::build(config) {
        Ok(app) => app,
        Err(err) => {
            tracing::error!("{err}");
            return std::process::ExitCode::from(2);
        }
    };
    tracing::info!(%addr, port = app.port(), "qixian is serving");
    match app.run_until_stopped().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("server stopped: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
