//! Builds the application once: data, state, listener, server.

pub mod memory;
pub mod peers;
pub mod tls;

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::ErrorHandlers;
use actix_web::{App, HttpServer, web};
use secrecy::ExposeSecret;

use crate::calendar::spec::{EMBEDDED_SPECS, SpecError, parse_specs};
use crate::calendar::{CalendarError, DataError, DataSet};
use crate::config::{Config, CorsOrigins};
use crate::feed::{Feed, FeedConfig, FeedError};
use crate::http::observe::{Limits, Observe, problem_for_framework_errors};
use crate::http::{self, AppState};
use crate::registers::Registers;
use crate::shared::Shared;
use crate::store::{Follower, Store, StoreError, StoreSettings};
use crate::webhooks::{SigningKey, WebhookError, WebhookSettings, Webhooks};

/// Why the application cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The embedded calendar list is broken (a build that the tests would have refused).
    #[error("the calendar list is not valid")]
    Specs(#[source] SpecError),
    /// An embedded holiday file is broken (likewise).
    #[error("the embedded holiday data are not valid")]
    Data(#[source] DataError),
    /// The data store cannot be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// `QIXIAN_DEFAULT_CALENDAR` names no calendar.
    #[error("QIXIAN_DEFAULT_CALENDAR={id:?} is not valid")]
    DefaultCalendar {
        /// The id configured.
        id: String,
        /// Why.
        #[source]
        source: CalendarError,
    },
    /// The feed's HTTP client cannot be built.
    #[error(transparent)]
    Feed(#[from] FeedError),
    /// The TLS files cannot be used.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// The webhooks cannot be set up.
    #[error(transparent)]
    Webhooks(#[from] WebhookError),
    /// `QIXIAN_DATABASE_URL` names no database the service speaks (the URL, which may hold
    /// a password, is not repeated, nor sqlx's error, which may quote it).
    #[error("QIXIAN_DATABASE_URL is not a postgres:// or sqlite:// URL the service can use")]
    DatabaseUrl,
    /// The shared state's runtime cannot be started.
    #[error("the runtime of the state replicas share cannot be started")]
    SharedRuntime(#[source] std::io::Error),
    /// The address cannot be bound.
    #[error("QIXIAN_ADDR={addr} cannot be bound")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// What every worker's [`App`] is built from.
#[derive(Clone)]
pub struct Parts {
    state: web::Data<AppState>,
    limits: web::Data<Limits>,
    max_body: usize,
    cors: CorsOrigins,
    /// `QIXIAN_REGISTER_CORS_ORIGINS`.
    register_cors: Vec<String>,
    /// `QIXIAN_PUBLIC_ORIGIN`.
    own_origin: Option<String>,
    /// The page for people and the Office add-in, unless `QIXIAN_PAGE=off`.
    page: Option<(web::Data<http::page::Page>, web::Data<http::addin::Addin>)>,
}

impl Parts {
    /// The parts for `config`, over `state`.
    pub fn new(config: &Config, state: AppState) -> Self {
        Parts {
            state: web::Data::new(state),
            limits: web::Data::new(Limits {
                max_query_bytes: config.max_query_bytes,
                request_timeout: config.request_timeout,
                access_log: config.access_log,
            }),
            max_body: config.max_body_bytes,
            cors: config.cors_origins.clone(),
            register_cors: config.register_cors_origins.clone(),
            own_origin: config.public_origin.clone(),
            page: config.page.then(|| {
                (
                    web::Data::new(http::page::Page::new(&config.default_calendar)),
                    web::Data::new(http::addin::Addin::new(
                        config.public_origin.clone(),
                        config.trusted_proxies.clone(),
                    )),
                )
            }),
        }
    }
}

/// The application as every worker serves it: the routes and the middleware around them. Also
/// what the in-process benchmark (`benches/http.rs`) calls, without a socket.
pub fn app(
    parts: &Parts,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody + use<>>,
        Error = actix_web::Error,
        InitError = (),
    > + use<>,
> {
    let admin = parts.state.has_admin();
    let page = parts.page.clone();
    App::new()
        .app_data(parts.state.clone())
        .app_data(parts.limits.clone())
        .app_data(web::PayloadConfig::new(parts.max_body))
        .configure(http::configure)
        .configure(|cfg| {
            if admin {
                http::configure_admin(cfg);
            }
            if let Some((page, addin)) = page {
                http::configure_page(cfg, page, addin);
            }
        })
        .wrap(ErrorHandlers::new().default_handler(problem_for_framework_errors))
        .wrap(Observe)
        .wrap(http::cors::WithOrigin {
            public: cors(&parts.cors),
            registers: register_cors(&parts.register_cors),
            own: parts.own_origin.clone(),
        })
        // Outside CORS too, for the preflights it refuses itself. Inside, above, so that the
        // other problem documents still get CORS's headers.
        .wrap(ErrorHandlers::new().default_handler(problem_for_framework_errors))
}

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    feed: Option<Arc<Feed>>,
    webhooks: Option<Arc<Webhooks>>,
    /// The state replicas share in PostgreSQL, when `QIXIAN_DATABASE_URL` names it.
    shared: Option<Arc<Shared>>,
    /// Follows the data state other replicas record there; stops when dropped.
    _follower: Option<Follower>,
}

impl Application {
    /// Compiles the calendars, checks the configuration against them, and binds the listener.
    ///
    /// # Errors
    /// [`StartupError`] when the data are unusable, the default calendar is unknown, or the
    /// address cannot be bound.
    pub fn build(config: Config) -> Result<Self, StartupError> {
        let specs = parse_specs(EMBEDDED_SPECS).map_err(StartupError::Specs)?;
        let embedded = DataSet::embedded().map_err(StartupError::Data)?;
        let shared = shared(&config)?;
        let store = Arc::new(Store::open(
            specs,
            embedded,
            StoreSettings {
                operator_dir: config.holidays_dir.clone(),
                state_dir: config.state_dir.clone(),
                feed_url: config.feed_url.clone(),
                rules_dir: config.rules_dir.clone(),
                history_max: config.history_max,
                shared: shared.clone(),
            },
        )?);
        let follower = store.spawn_follower(config.follow_every);
        store
            .in_force()
            .get(&config.default_calendar)
            .map_err(|source| StartupError::DefaultCalendar {
                id: config.default_calendar.clone(),
                source,
            })?;
        let today = chrono::Utc::now()
            .with_timezone(&crate::time::BEIJING)
            .date_naive();
        for awaited in store.awaited_notices(&store.in_force(), today) {
            tracing::warn!(year = awaited.year, layer = %awaited.layer, "{awaited}");
        }
        let feed = config
            .feed_url
            .as_ref()
            .map(|base_url| {
                Feed::new(
                    FeedConfig {
                        base_url: base_url.clone(),
                        timeout: config.feed_timeout,
                        refresh: config.feed_refresh,
                    },
                    store.clone(),
                )
                .map(Arc::new)
            })
            .transpose()?;
        // Read before anything starts, so that a bad file stops start-up naming it.
        let tls = config.tls.as_ref().map(tls::server_config).transpose()?;
        let registers = Registers::connect(
            config.database_url.as_ref().map(|u| u.expose_secret()),
            config.state_dir.as_deref(),
        )
        .map_err(|_| StartupError::DatabaseUrl)?;
        if registers.kind() == crate::registers::Kind::Memory {
            tracing::warn!(
                "the registers are kept in memory: matters written are lost at a restart (set QIXIAN_STATE_DIR or QIXIAN_DATABASE_URL to keep them)"
            );
        }
        // The migrations run now, in the background: a database that is down does not stop
        // the service, whose register routes answer 503 until it is reached.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let registers = registers.clone();
            runtime.spawn(async move {
                if let Err(e) = registers.ready().await {
                    tracing::error!(cause = %crate::base::error_chain(&e), "registers' database");
                }
            });
        }
        let state =
            AppState::new(&config, store.clone(), feed.clone()).with_registers(registers.clone());
        let webhooks = webhooks(&config, &store, &state, registers, shared.clone())?;
        // The data Store::open put in force may be a new version (a new release, files changed
        // while the service was down): told now that the hooks are there.
        store.tell_start_up_change();
        let parts = Parts::new(&config, state);
        // actix counts connections per worker; the setting bounds them all, whatever the
        // number of CPUs, so that its memory fits the deployment's limit.
        let peers = peers::PerAddress::new(config.max_connections_per_address);
        // A connection that sends nothing, or trickles its head, holds a slot only for the
        // first-request timeout; one address holds at most its cap of slots; a handshake that
        // never comes holds a pending-handshake slot for its timeout, and there are far more
        // of those than clients need (DESIGN.md, "Connections under attack").
        let server = HttpServer::new(move || app(&parts))
            .workers(config.workers)
            .backlog(config.backlog)
            .max_connections(config.max_connections.div_ceil(config.workers))
            .max_connection_rate(config.max_pending_handshakes.div_ceil(config.workers))
            .tls_handshake_timeout(config.tls_handshake_timeout)
            .client_request_timeout(config.first_request_timeout)
            .on_connect(move |io, extensions| peers.on_connect(io, extensions))
            .shutdown_timeout(config.shutdown_timeout.as_secs());
        let bind = |source| StartupError::Bind {
            addr: config.addr,
            source,
        };
        let server = match tls {
            None => server.bind(config.addr),
            Some(tls) => server.bind_rustls_0_23(config.addr, tls),
        }
        .map_err(bind)?;
        let port = server.addrs().first().map_or(0, |a| a.port());
        Ok(Application {
            port,
            server: server.run(),
            feed,
            webhooks,
            shared,
            _follower: follower,
        })
    }

    /// The state replicas share in PostgreSQL, when `QIXIAN_DATABASE_URL` names it.
    pub fn shared(&self) -> Option<&Arc<Shared>> {
        self.shared.as_ref()
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
        // So do the webhooks; deliveries kept by an earlier run are made first.
        let sender = self.webhooks.map(Webhooks::spawn);
        let trimmer = tokio::spawn(memory::trim_periodically());
        let result = self.server.await;
        if let Some(poller) = poller {
            poller.abort();
        }
        if let Some(sender) = sender {
            sender.abort();
        }
        trimmer.abort();
        result
    }
}

/// The state replicas share, when `QIXIAN_DATABASE_URL` names PostgreSQL; its connection is
/// made when first used, so a database that is down does not stop start-up.
fn shared(config: &Config) -> Result<Option<Arc<Shared>>, StartupError> {
    let Some(url) = &config.database_url else {
        return Ok(None);
    };
    let shared = Shared::connect(url.expose_secret()).map_err(|e| match e {
        crate::shared::SharedError::Runtime(source) => StartupError::SharedRuntime(source),
        crate::shared::SharedError::Database(_) => StartupError::DatabaseUrl,
    })?;
    Ok(shared.map(Arc::new))
}

/// The webhooks, when `QIXIAN_WEBHOOK_URLS` names subscribers: told of every change the store
/// makes, counting in `/metrics`' series.
fn webhooks(
    config: &Config,
    store: &Store,
    state: &AppState,
    registers: Registers,
    shared: Option<Arc<Shared>>,
) -> Result<Option<Arc<Webhooks>>, StartupError> {
    let Some(secret) = config
        .webhook_secret
        .as_ref()
        .filter(|_| !config.webhook_urls.is_empty())
    else {
        return Ok(None);
    };
    // The configuration checked the secret; a failure here is the same refusal.
    let key = SigningKey::from_secret(secret)
        .map_err(|e| StartupError::Webhooks(WebhookError::Secret(e)))?;
    let webhooks = Arc::new(Webhooks::new(
        WebhookSettings {
            targets: config.webhook_urls.clone(),
            key,
            timeout: config.webhook_timeout,
            retry_base: config.webhook_retry_base,
            state_dir: config.state_dir.clone(),
            shared: shared.clone(),
        },
        state.webhook_metrics(),
    )?);
    // With PostgreSQL, a change's deliveries are written in the transaction that records it
    // (the transactional outbox); `notify` below then only wakes the sender.
    if shared.is_some() {
        let rows = webhooks.clone();
        store.on_record(Box::new(move |old, new, since| {
            rows.outbox_rows(old, new, since)
        }));
    }
    let told = webhooks.clone();
    store.on_change(Box::new(move |old, new, since| {
        told.notify(old, new, since);
    }));
    // Then each register's matters the change moved, read from the database on the runtime
    // (the change is made on a blocking thread, which must not wait for it).
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        let (told, calendar) = (webhooks.clone(), config.default_calendar.clone());
        store.on_change(Box::new(move |old, new, since| {
            let moved = told.clone().tell_moved(
                registers.clone(),
                old.clone(),
                new.clone(),
                since,
                calendar.clone(),
            );
            runtime.spawn(moved);
        }));
    }
    Ok(Some(webhooks))
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
            http::cache::DATA_VERSION,
        ])
        .max_age(86_400)
}

/// CORS for the register routes: only the configured origins (none by default), with the
/// key's `Authorization` and `If-Match`, GET, POST and DELETE; never credentials (a key is a
/// header, not a cookie). A request from another origin is refused (400), not answered
/// without the headers.
fn register_cors(origins: &[String]) -> actix_cors::Cors {
    use actix_web::http::{Method, header};
    origins
        .iter()
        .fold(actix_cors::Cors::default(), |cors, origin| {
            cors.allowed_origin(origin)
        })
        // Refused outright, not only left without CORS headers for the browser to block.
        .block_on_origin_mismatch(true)
        .allowed_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
            http::cache::DATA_VERSION,
        ])
        .max_age(86_400)
}
