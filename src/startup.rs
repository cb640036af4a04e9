//! Builds the application once: data, state, listener, server.

use std::net::TcpListener;

use std::time::Duration;

use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, dev::Server, web};

use std::sync::Arc;

use crate::calendar::DataSet;
use crate::calendar::spec::{EMBEDDED_SPECS, parse_specs};
use crate::config::{Config, CorsOrigins};
use crate::deadline::RuleBook;
use crate::feed::{Feed, FeedConfig};
use crate::http::cache::{ResponseCache, cache};
use crate::http::observe::{Limits, observe, problem_for_framework_errors};
use crate::http::{self, AppState};
use crate::store::Store;

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    feed: Option<Arc<Feed>>,
}

impl Application {
    /// Compiles the calendars, checks the configuration against them, and binds the listener.
    ///
    /// # Errors
    /// A message when the data are unusable, the default calendar is unknown, or the address
    /// cannot be bound.
    pub fn build(config: Config) -> Result<Self, String> {
        let specs = parse_specs(EMBEDDED_SPECS).map_err(|e| e.to_string())?;
        let embedded = DataSet::embedded().map_err(|e| e.to_string())?;
        let store = Arc::new(Store::open(
            specs,
            embedded,
            config.holidays_dir.clone(),
            config.state_dir.clone(),
            config.feed_url.clone(),
        )?);
        store
            .calendars()
            .get(&config.default_calendar)
            .map_err(|e| {
                format!(
                    "QIXIAN_DEFAULT_CALENDAR={:?} is not valid: {e}",
                    config.default_calendar
                )
            })?;
        let mut state = AppState::new(
            store.clone(),
            RuleBook::embedded(),
            config.default_calendar.clone(),
        );
        state.max_batch_items = config.max_batch_items;
        state.max_body_bytes = config.max_body_bytes;
        // A batch's turn lasts as long as a request may: the body, the work and the answer.
        state.batch_turns = http::turns::Turns::new(
            config.max_concurrent_batches,
            Duration::from_secs(config.request_timeout_secs as u64),
            state.metrics.batches_waiting.clone(),
            state.metrics.batches_answering.clone(),
        );
        state.admin_token = config.admin_token.clone();
        state.cache = ResponseCache::new(config.cache_max_bytes);
        if let Some(base_url) = &config.feed_url {
            let feed = Feed::new(
                FeedConfig {
                    base_url: base_url.clone(),
                    timeout: Duration::from_secs(config.feed_timeout_secs as u64),
                    refresh: Duration::from_secs(config.feed_refresh_secs as u64),
                },
                store,
            )?;
            state.feed = Some(Arc::new(feed));
        }
        let feed = state.feed.clone();
        let admin = state.admin_token.is_some();
        let state = web::Data::new(state);
        let listener = TcpListener::bind(config.addr)
            .map_err(|e| format!("QIXIAN_ADDR={} cannot be bound: {e}", config.addr))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let limits = web::Data::new(Limits {
            max_query_bytes: config.max_query_bytes,
            request_timeout: Duration::from_secs(config.request_timeout_secs as u64),
        });
        let max_body = config.max_body_bytes;
        let cors_origins = config.cors_origins.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(limits.clone())
                .app_data(web::PayloadConfig::new(max_body))
                .configure(http::configure)
                .configure(|cfg| {
                    if admin {
                        http::configure_admin(cfg);
                    }
                })
                .wrap(ErrorHandlers::new().default_handler(problem_for_framework_errors))
                .wrap(from_fn(cache))
                .wrap(from_fn(observe))
                .wrap(cors(&cors_origins))
                // Outside CORS too, for the preflights it refuses itself. Inside, above, so
                // that the other problem documents still get CORS's headers.
                .wrap(ErrorHandlers::new().default_handler(problem_for_framework_errors))
        })
        .shutdown_timeout(config.shutdown_timeout_secs as u64);
        if let Some(workers) = config.workers {
            server = server.workers(workers);
        }
        let server = server.listen(listener).map_err(|e| e.to_string())?.run();
        Ok(Application { port, server, feed })
    }

    /// A handle to stop the server: `stop(true)` stops accepting and lets the requests in
    /// flight finish, as SIGTERM does.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
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
        // The feed polls in the background; serving never waits for it.
        let poller = self.feed.map(Feed::spawn);
        let result = self.server.await;
        if let Some(poller) = poller {
            poller.abort();
        }
        result
    }
}

/// CORS for browser callers (Office.js add-ins, OA pages): the configured origins, GET and
/// POST with a JSON body, the caching and tracing headers readable, preflights cached a day.
/// Never credentials: the API has no cookies or sessions, and `*` must stay safe.
fn cors(origins: &CorsOrigins) -> actix_cors::Cors {
    use actix_web::http::{Method, header};
    let cors = match origins {
        CorsOrigins::Any => actix_cors::Cors::default()
            .allow_any_origin()
            .send_wildcard(),
        CorsOrigins::Only(list) => list
            .iter()
            .fold(actix_cors::Cors::default(), |cors, origin| {
                cors.allowed_origin(origin)
            }),
    };
    cors.allowed_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allowed_header(header::CONTENT_TYPE)
        .expose_headers([
            header::ETAG,
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("x-data-version"),
        ])
        .max_age(86_400)
}
