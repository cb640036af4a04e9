//! Prometheus metrics: requests by route and status, latency, the response cache, the feed,
//! the webhooks, and the data version in force.

use std::borrow::Cow;
use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, OnceLock};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::webhooks::WebhookMetrics;

/// The labels of a request counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The method, or `other`.
    pub method: &'static str,
    /// The route's pattern, or `unmatched`.
    pub route: Cow<'static, str>,
    /// The answer's status.
    pub status: u16,
}

/// The label of a latency histogram.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// The route's pattern, or `unmatched`.
    pub route: Cow<'static, str>,
}

/// The methods a route's counters are kept at hand for; others go through the family.
const METHODS: [&str; 4] = ["GET", "HEAD", "POST", "OPTIONS"];
/// The statuses a route's counters are kept at hand for.
const STATUSES: [u16; 14] = [
    200, 304, 400, 401, 404, 405, 406, 413, 414, 415, 422, 500, 503, 204,
];

/// One route's series, looked up once each: the first request with a method and status
/// creates the series (so that no series shows before it happens), later ones find it here.
struct RouteSeries {
    route: &'static str,
    latency: Histogram,
    counters: [[OnceLock<Counter>; STATUSES.len()]; METHODS.len()],
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
/// The label of the data version gauge.
pub struct VersionLabels {
    /// The version.
    pub version: String,
}

/// Every metric the service exports, registered once at start-up.
pub struct Metrics {
    registry: Registry,
    /// Requests by method, route and status.
    pub requests: Family<RequestLabels, Counter>,
    /// Time to the answer's head, by route.
    pub latency: Family<RouteLabels, Histogram>,
    /// Answers served from the response cache.
    pub cache_hits: Counter,
    /// Answers computed afresh.
    pub cache_misses: Counter,
    /// Batches waiting for a turn, and batches being read or answered.
    pub batches_waiting: Gauge,
    /// Batches holding a turn.
    pub batches_answering: Gauge,
    /// 1 while the last feed attempt succeeded (or no feed is configured), else 0.
    pub feed_up: Gauge,
    /// Unix time of the last accepted feed answer; 0 before any.
    pub feed_last_success: Gauge,
    /// Accepted feed files that could not be kept in the state directory, since start.
    pub feed_persist_failures: Gauge,
    /// Feed files held but refused by the last rebuild, and offers refused since start.
    pub feed_refused: Gauge,
    /// Kept data versions compiled again since start (`data_version=`, `since=`, rechecks).
    pub kept_compilations: Gauge,
    /// The webhooks' deliveries, failures, backlog and drops (registered whether or not any
    /// webhook is configured, so that the series always exist).
    pub webhooks: WebhookMetrics,
    /// The database as last probed (registered with the registers: see
    /// [`Metrics::register_database`]).
    pub database: DatabaseMetrics,
    data_version: Family<VersionLabels, Gauge>,
    current_version: Mutex<String>,
    routes: Vec<RouteSeries>,
}

impl Default for Metrics {
    fn default() -> Self {
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
        });
        let mut metrics = Metrics {
            routes: route_series(&latency),
            registry: Registry::with_prefix("qixian"),
            requests: Family::default(),
            latency,
            cache_hits: Counter::default(),
            cache_misses: Counter::default(),
            batches_waiting: Gauge::default(),
            batches_answering: Gauge::default(),
            feed_up: Gauge::default(),
            feed_last_success: Gauge::default(),
            feed_persist_failures: Gauge::default(),
            feed_refused: Gauge::default(),
            kept_compilations: Gauge::default(),
            webhooks: WebhookMetrics::default(),
            database: DatabaseMetrics::default(),
            data_version: Family::default(),
            current_version: Mutex::new(String::new()),
        };
        // In the order `/metrics` lists them.
        metrics.register_answers();
        metrics.register_data();
        register_webhooks(&mut metrics.registry, &metrics.webhooks);
        metrics.registry.register(
            "data_version",
            "The holiday data version in force (label), always 1",
            metrics.data_version.clone(),
        );
        metrics
    }
}

impl Metrics {
    /// Registers the series of the answers: requests, their latency, the response cache and
    /// the batches' turns.
    fn register_answers(&mut self) {
        self.registry.register(
            "http_requests",
            "HTTP requests by route and status",
            self.requests.clone(),
        );
        self.registry.register(
            "http_request_duration_seconds",
            "Time to the answer's head, by route (a streamed batch's body is sent after)",
            self.latency.clone(),
        );
        self.registry.register(
            "response_cache_hits",
            "Answers served from the response cache",
            self.cache_hits.clone(),
        );
        self.registry.register(
            "response_cache_misses",
            "Answers computed afresh",
            self.cache_misses.clone(),
        );
        self.registry.register(
            "batches_waiting",
            "Batches waiting for a turn (QIXIAN_MAX_CONCURRENT_BATCHES)",
            self.batches_waiting.clone(),
        );
        self.registry.register(
            "batches_answering",
            "Batches holding a turn: being read, computed or sent",
            self.batches_answering.clone(),
        );
    }

    /// Registers the series of the data: the feed's and the kept versions' compilations, all
    /// gauges.
    fn register_data(&mut self) {
        for (name, help, gauge) in [
            (
                "feed_up",
                "1 if the last holiday feed attempt succeeded or no feed is set",
                &self.feed_up,
            ),
            (
                "feed_last_success_timestamp_seconds",
                "Unix time of the last successful holiday feed fetch",
                &self.feed_last_success,
            ),
            (
                "feed_persist_failures",
                "Accepted feed files that could not be written to QIXIAN_STATE_DIR since start (in force, but lost at a restart without the feed)",
                &self.feed_persist_failures,
            ),
            (
                "feed_refused_files",
                "Feed files refused by the checks: offers refused and held files the last rebuild refused, by year",
                &self.feed_refused,
            ),
            (
                "kept_compilations",
                "Kept data versions compiled again since start, one at a time off the request threads (data_version=, since=, rechecks)",
                &self.kept_compilations,
            ),
        ] {
            self.registry.register(name, help, gauge.clone());
        }
    }
}

/// The database's series, set from its last probe ([`super::health`]) when `/metrics` is read.
#[derive(Clone, Debug, Default)]
pub struct DatabaseMetrics {
    /// 1 while the last probe was answered, else 0.
    pub up: Gauge,
    /// How long the last probe took.
    pub probe_seconds: Gauge<f64, AtomicU64>,
    /// The highest migration applied, as last read.
    pub migration_version: Gauge,
    /// Webhook deliveries waiting in the outbox, as last read (PostgreSQL only).
    pub outbox_waiting: Gauge,
}

impl DatabaseMetrics {
    /// Shows `checked`.
    pub fn set(&self, checked: &super::health::Checked) {
        self.up.set(i64::from(checked.reachable == Some(true)));
        self.probe_seconds.set(checked.probe_seconds.unwrap_or(0.0));
        self.migration_version
            .set(checked.migration_version.unwrap_or(0));
        self.outbox_waiting
            .set(checked.webhook_outbox_waiting.unwrap_or(0));
    }
}

impl Metrics {
    /// Registers the database's series: the outbox's only with PostgreSQL, where the outbox is
    /// in the database.
    pub fn register_database(&mut self, postgres: bool) {
        let up = format!(
            "1 if the database answered the last probe (every {} s, {} s at most), else 0",
            super::health::PROBE_EVERY.as_secs(),
            super::health::PROBE_TIMEOUT.as_secs()
        );
        let outbox = (
            "webhook_outbox_waiting",
            "Webhook deliveries waiting in the database's outbox, every replica's, as last read",
            &self.database.outbox_waiting,
        );
        for (name, help, gauge) in [
            ("database_up", up.as_str(), &self.database.up),
            (
                "database_migration_version",
                "The highest migration applied to the database (register_migrations), as last read",
                &self.database.migration_version,
            ),
        ]
        .into_iter()
        .chain(postgres.then_some(outbox))
        {
            self.registry.register(name, help, gauge.clone());
        }
        self.registry.register(
            "database_probe_seconds",
            "How long the last probe of the database took",
            self.database.probe_seconds.clone(),
        );
    }
}

/// Registers the webhook deliveries' series.
fn register_webhooks(registry: &mut Registry, webhooks: &WebhookMetrics) {
    registry.register(
        "webhook_deliveries",
        "Webhook deliveries a subscriber took (answered 2xx)",
        webhooks.deliveries.clone(),
    );
    registry.register(
        "webhook_failures",
        "Webhook delivery attempts that failed (not 2xx, no answer, no connection); each is retried",
        webhooks.failures.clone(),
    );
    registry.register(
        "webhook_backlog",
        "Webhook deliveries not made yet (with a shared QIXIAN_STATE_DIR, every replica's)",
        webhooks.backlog.clone(),
    );
    registry.register(
        "webhook_dropped",
        "Webhook deliveries given up: a day of failures, a subscriber no longer configured, one that could not be kept, or the oldest when 1000 are waiting",
        webhooks.dropped.clone(),
    );
}

/// Each route's series, and one for the requests no route matched, made once so that a
/// request finds its own without hashing.
fn route_series(latency: &Family<RouteLabels, Histogram>) -> Vec<RouteSeries> {
    super::routes::ALL
        .iter()
        .map(|e| e.path)
        .chain(["unmatched"])
        .map(|route| RouteSeries {
            route,
            latency: latency
                .get_or_create(&RouteLabels {
                    route: Cow::Borrowed(route),
                })
                .clone(),
            counters: Default::default(),
        })
        .collect()
}

impl Metrics {
    /// Counts a request to `route` and records how long it took to its answer's head. The
    /// routes of the table, and the common methods and statuses, are found without hashing.
    pub fn record(&self, route: &str, method: &'static str, status: u16, seconds: f64) {
        let series = self
            .routes
            .iter()
            .find(|r| std::ptr::eq(r.route, route) || r.route == route);
        let (Some(series), Some(m), Some(s)) = (
            series,
            METHODS.iter().position(|x| *x == method),
            STATUSES.iter().position(|x| *x == status),
        ) else {
            let route: Cow<'static, str> = Cow::Owned(route.to_owned());
            self.requests
                .get_or_create(&RequestLabels {
                    method,
                    route: route.clone(),
                    status,
                })
                .inc();
            self.latency
                .get_or_create(&RouteLabels { route })
                .observe(seconds);
            return;
        };
        series.counters[m][s]
            .get_or_init(|| {
                self.requests
                    .get_or_create(&RequestLabels {
                        method,
                        route: Cow::Borrowed(series.route),
                        status,
                    })
                    .clone()
            })
            .inc();
        series.latency.observe(seconds);
    }

    /// Records which data version is in force.
    pub fn set_data_version(&self, version: &str) {
        let mut current = self
            .current_version
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if *current != version {
            self.data_version.remove(&VersionLabels {
                version: current.clone(),
            });
            self.data_version
                .get_or_create(&VersionLabels {
                    version: version.to_owned(),
                })
                .set(1);
            *current = version.to_owned();
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
