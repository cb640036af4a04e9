//! Builds the application once: data, state, listener, server.

use std::net::TcpListener;

use std::time::Duration;

use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, dev::Server, web};

use crate::calendar::CalendarSet;
use crate::config::Config;
use crate::deadline::RuleBook;
use crate::http::observe::{Limits, observe, problem_for_framework_errors};
use crate::http::{self, AppState};

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Compiles the calendars, checks the configuration against them, and binds the listener.
    ///
    /// # Errors
    /// A message when the data are unusable, the default calendar is unknown, or the address
    /// cannot be bound.
    pub fn build(config: Config) -> Result<Self, String> {
        let calendars = CalendarSet::embedded()?;
        calendars.get(&config.default_calendar).map_err(|e| {
            format!(
                "QIXIAN_DEFAULT_CALENDAR={:?} is not valid: {e}",
                config.default_calendar
            )
        })?;
        let mut state = AppState::new(
            calendars,
            RuleBook::embedded(),
            config.default_calendar.clone(),
        );
        state.max_batch_items = config.max_batch_items;
        let state = web::Data::new(state);
        let listener = TcpListener::bind(config.addr)
            .map_err(|e| format!("QIXIAN_ADDR={} cannot be bound: {e}", config.addr))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let limits = web::Data::new(Limits {
            max_query_bytes: config.max_query_bytes,
            request_timeout: Duration::from_secs(config.request_timeout_secs as u64),
        });
        let max_body = config.max_body_bytes;
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(limits.clone())
                .app_data(web::PayloadConfig::new(max_body))
                .configure(http::configure)
                .wrap(ErrorHandlers::new().default_handler(problem_for_framework_errors))
                .wrap(from_fn(observe))
        })
        .shutdown_timeout(config.shutdown_timeout_secs as u64);
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener).map_err(|e| e.to_string())?.run();
        Ok(Application { port, server })
    }

    /// The port the server listens on (useful when the configuration asked for port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server is stopped (SIGINT/SIGTERM finish requests in flight first).
    ///
    /// # Errors
    /// The server's I/O error.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
