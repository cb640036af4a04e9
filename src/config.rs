//! Configuration: every setting is one `QIXIAN_*` environment variable, listed once in
//! [`SETTINGS`] with its default and what it does. The README's table and `qixian --help` are
//! made from that list (a test keeps the README's copy equal to it), and [`Config::from_lookup`]
//! reads each default from it, so a default lives in one place. An invalid value stops start-up
//! with a message that names the variable.

mod webhook;

pub use webhook::{SecretError, SigningKey, Target};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::base::without_credentials;

/// How many versions are kept unless `QIXIAN_HISTORY_MAX` says otherwise.
pub const DEFAULT_HISTORY_MAX: usize = 50;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Readable lines (the default); colours only on a terminal.
    Text,
    /// One JSON object per line.
    Json,
}

/// Which requests get an access log line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AccessLog {
    /// Every request.
    All,
    /// Requests answered with a 4xx or 5xx.
    Errors,
    /// Errors, and this fraction (0 to 1) of the other requests, chosen at random.
    Sample(f64),
    /// None.
    Off,
}

/// Which web origins may call the API from a browser (CORS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsOrigins {
    /// Any origin (`*`): the API is public and never takes credentials.
    Any,
    /// Only these origins, each `scheme://host[:port]` exactly as browsers send it.
    Only(Vec<String>),
}

/// The PEM files of the server's certificate chain and private key: with them the service
/// speaks HTTPS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// `QIXIAN_TLS_CERT`: the certificate chain, the server's own certificate first.
    pub cert: PathBuf,
    /// `QIXIAN_TLS_KEY`: its private key.
    pub key: PathBuf,
}

/// One setting: its variable, its default as the README shows it, and what it does.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    /// The environment variable.
    pub name: &'static str,
    /// The default, as a value (`30`) or in words (`one per CPU`, `none`).
    pub default: &'static str,
    /// What it does, in one sentence or two (Markdown).
    pub what: &'static str,
}

/// Every setting, in the order the README lists them. The defaults here are the ones
/// [`Config::from_lookup`] applies; those in words are computed (`one per CPU`) or absent.
pub const SETTINGS: [Setting; 41] = [
    Setting {
        name: "QIXIAN_ADDR",
        default: "127.0.0.1:8080",
        what: "address to listen on (the container image sets `0.0.0.0:8080`); port 0 picks a free one",
    },
    Setting {
        name: "QIXIAN_TLS_CERT",
        default: "none",
        what: "PEM file of the server's certificate chain (its own certificate first); with `QIXIAN_TLS_KEY`, the service serves HTTPS (TLS 1.2 and 1.3) on `QIXIAN_ADDR` instead of HTTP, as Office add-ins require; set both or neither (or put a TLS-terminating reverse proxy in front)",
    },
    Setting {
        name: "QIXIAN_TLS_KEY",
        default: "none",
        what: "PEM file of that certificate's private key (PKCS#8, RSA or EC); read once at start-up",
    },
    Setting {
        name: "QIXIAN_DEFAULT_CALENDAR",
        default: "cn-xj-kizilsu",
        what: "the calendar of a request that names none",
    },
    Setting {
        name: "QIXIAN_LOG_FORMAT",
        default: "text",
        what: "`text` (readable lines, coloured only on a terminal) or `json` (one object per line); `RUST_LOG` filters",
    },
    Setting {
        name: "QIXIAN_ACCESS_LOG",
        default: "all",
        what: "which requests get a log line: `all`, `errors` (4xx and 5xx), `off`, or a fraction such as `0.01` (errors, and that share of the rest); lines are written by a background thread, so a request never waits for the disk",
    },
    Setting {
        name: "QIXIAN_WORKERS",
        default: "one per CPU",
        what: "HTTP worker threads",
    },
    Setting {
        name: "QIXIAN_MAX_BATCH_ITEMS",
        default: "10000",
        what: "most items in one batch (more: 413)",
    },
    Setting {
        name: "QIXIAN_MAX_CONCURRENT_BATCHES",
        default: "4 per CPU",
        what: "batches read and answered at once; others wait their turn (bounds their memory)",
    },
    Setting {
        name: "QIXIAN_MAX_BODY_BYTES",
        default: "2097152",
        what: "largest request body (more: 413)",
    },
    Setting {
        name: "QIXIAN_MAX_QUERY_BYTES",
        default: "8192",
        what: "longest query string (more: 414)",
    },
    Setting {
        name: "QIXIAN_REQUEST_TIMEOUT_SECS",
        default: "30",
        what: "how long a request may take (more: 503); also how long a batch's answer may take to be read once its turn is granted (then it is cut off)",
    },
    Setting {
        name: "QIXIAN_SHUTDOWN_TIMEOUT_SECS",
        default: "30",
        what: "on SIGTERM, how long requests in flight may take to finish",
    },
    Setting {
        name: "QIXIAN_HOLIDAYS_DIR",
        default: "none",
        what: "operator files, laid out like `holidays/`; each replaces the embedded file of its calendar and year",
    },
    Setting {
        name: "QIXIAN_RULES_DIR",
        default: "none",
        what: "operator rule sets, `<set>.toml` each (read at start and on reload); one named like an embedded set replaces it",
    },
    Setting {
        name: "QIXIAN_STATE_DIR",
        default: "none",
        what: "where accepted feed files, the history of the data (every version in force, `QIXIAN_HISTORY_MAX` of them) and webhook deliveries not made yet (`webhooks/`) are kept across restarts; replicas may share it on one volume; without it both are kept in memory only and lost at a restart",
    },
    Setting {
        name: "QIXIAN_DATABASE_URL",
        default: "none",
        what: "the registers' (督办台账) database: a `postgres://` URL (replicas share it; TLS with `?sslmode=verify-full&sslrootcert=FILE`, or `require`), or a `sqlite://` one; without it, `registers.db` in `QIXIAN_STATE_DIR`, or without that a database in memory, lost at a restart. Its migrations run at start",
    },
    Setting {
        name: "QIXIAN_HISTORY_MAX",
        default: "50",
        what: "how many versions of the data are kept for `data_version=`, `/v1/changes` and `/v1/deadlines/recheck`; the oldest beyond it are pruned and answer 410",
    },
    Setting {
        name: "QIXIAN_FOLLOW_SECS",
        default: "10",
        what: "with a `postgres://` `QIXIAN_DATABASE_URL`: seconds between looks at the data state replicas share there (a reload, an accepted feed file or a withdrawal on another replica); a change is also taken at once when the database announces it",
    },
    Setting {
        name: "QIXIAN_FEED_URL",
        default: "none",
        what: "base URL serving holiday-cn's `<year>.json` (NateScarlet/holiday-cn or a mirror); without it, next year's notice arrives only by an operator file or a new release",
    },
    Setting {
        name: "QIXIAN_FEED_REFRESH_SECS",
        default: "21600",
        what: "seconds between feed polls (sooner after a failure, from 30 s doubling)",
    },
    Setting {
        name: "QIXIAN_FEED_TIMEOUT_SECS",
        default: "10",
        what: "timeout of one feed request",
    },
    Setting {
        name: "QIXIAN_WEBHOOK_URLS",
        default: "none",
        what: "comma-separated `http(s)://` URLs told of every change of the data in force (a `calendar.changed` event, signed as Standard Webhooks says); credentials in a URL are sent as basic authentication and never shown",
    },
    Setting {
        name: "QIXIAN_WEBHOOK_SECRET",
        default: "none",
        what: "the Standard Webhooks signing secret, `whsec_` and the base64 of 24 to 64 random bytes (`whsec_$(openssl rand -base64 32)`); required with `QIXIAN_WEBHOOK_URLS`",
    },
    Setting {
        name: "QIXIAN_WEBHOOK_TIMEOUT_SECS",
        default: "15",
        what: "timeout of one webhook delivery (the specification recommends 15 to 30 s); anything but a 2xx answer in time is a failure, retried; `410 Gone` stops that delivery",
    },
    Setting {
        name: "QIXIAN_WEBHOOK_RETRY_BASE_MS",
        default: "5000",
        what: "wait after a failed delivery, doubling after each further failure up to an hour (less up to a quarter, at random), or longer if the answer's `Retry-After` asks; deliveries are tried for a day after their event, then dropped; at most 1000 wait (the oldest beyond are dropped)",
    },
    Setting {
        name: "QIXIAN_ADMIN_TOKEN",
        default: "none",
        what: "bearer token of `POST /v1/admin/reload` and `/v1/admin/withdraw`; without it the routes do not exist; a token with surrounding whitespace is refused",
    },
    Setting {
        name: "QIXIAN_CACHE_MAX_BYTES",
        default: "16777216",
        what: "size bound of the response cache (keys, answers and their overhead; no answer over 128 KiB is kept); `0` turns it off",
    },
    Setting {
        name: "QIXIAN_CORS_ORIGINS",
        default: "*",
        what: "allowed browser origins, comma-separated, or `*`; never credentials",
    },
    Setting {
        name: "QIXIAN_REGISTER_CORS_ORIGINS",
        default: "none",
        what: "browser origins, comma-separated, that may call the register routes (`/v1/registers/…`) from their pages; `*` is refused, as registers are not public. The service's own page (the same origin, or `QIXIAN_PUBLIC_ORIGIN`) needs none. `QIXIAN_CORS_ORIGINS` covers the other routes only",
    },
    Setting {
        name: "QIXIAN_REGISTER_RATE",
        default: "10",
        what: "requests a second each register key (or calendar token) may make on average, counted by each replica; beyond it and the burst, 429 with `Retry-After`",
    },
    Setting {
        name: "QIXIAN_REGISTER_BURST",
        default: "100",
        what: "requests each register key may make at once after a quiet spell (an import, the page's first load)",
    },
    Setting {
        name: "QIXIAN_BACKLOG",
        default: "1024",
        what: "connections the operating system queues before the service accepts them",
    },
    Setting {
        name: "QIXIAN_MAX_CONNECTIONS",
        default: "4096",
        what: "open connections in all, shared evenly among the workers (an idle one costs about 18 KiB); more wait in the backlog",
    },
    Setting {
        name: "QIXIAN_MAX_CONNECTIONS_PER_ADDRESS",
        default: "1024",
        what: "open connections from one client address; beyond it a new connection is closed at once, so one client cannot take the slots of `QIXIAN_MAX_CONNECTIONS` from the others. Behind an ingress or proxy every client shares its address: set at least its pool of upstream connections, and cap each client at the ingress (docs/integrations.md)",
    },
    Setting {
        name: "QIXIAN_FIRST_REQUEST_TIMEOUT_MS",
        default: "1000",
        what: "how long a new connection (once TLS is set up) may take to send its first request head; then it is closed (idle or trickling connections free their slot)",
    },
    Setting {
        name: "QIXIAN_TLS_HANDSHAKE_TIMEOUT_MS",
        default: "1000",
        what: "with TLS, how long a new connection may take to finish its handshake; then it is closed",
    },
    Setting {
        name: "QIXIAN_MAX_PENDING_HANDSHAKES",
        default: "2048",
        what: "with TLS, handshakes under way at once, in all (shared evenly among the workers); a worker stops accepting while its share is taken, so it is set far above what real clients need",
    },
    Setting {
        name: "QIXIAN_PAGE",
        default: "on",
        what: "`on`: the page for people at `/` (期限计算, 工作日计算, 日历, 规则, 台账) and the Excel add-in under `/addin/`; `off` for an API-only deployment (then both are 404s like any unknown path)",
    },
    Setting {
        name: "QIXIAN_PUBLIC_ORIGIN",
        default: "none",
        what: "the origin (`https://host[:port]`) the add-in's `manifest.xml` names; without it, the origin the request was made to (its `Host`, or a trusted proxy's forwarding headers)",
    },
    Setting {
        name: "QIXIAN_TRUSTED_PROXIES",
        default: "none",
        what: "IP addresses of the reverse proxies, comma-separated, whose `Forwarded`/`X-Forwarded-Host`/`X-Forwarded-Proto` headers say the origin `manifest.xml` names; from any other peer they are ignored",
    },
];

/// The default of `name` as [`SETTINGS`] lists it.
fn default_of(name: &str) -> &'static str {
    SETTINGS
        .iter()
        .find(|s| s.name == name)
        .map_or("", |s| s.default)
}

/// The README's table of settings, made from [`SETTINGS`].
pub fn settings_table() -> String {
    let mut table = String::from("| variable | default | what it does |\n| --- | --- | --- |\n");
    for s in SETTINGS {
        let default = match s.default {
            "none" | "one per CPU" | "4 per CPU" => s.default.to_owned(),
            value => format!("`{value}`"),
        };
        table.push_str(&format!("| `{}` | {default} | {} |\n", s.name, s.what));
    }
    table
}

/// Every setting of the service.
#[derive(Clone, Debug)]
pub struct Config {
    /// `QIXIAN_ADDR`.
    pub addr: SocketAddr,
    /// `QIXIAN_TLS_CERT` and `QIXIAN_TLS_KEY`: HTTPS when given, plain HTTP otherwise.
    pub tls: Option<TlsFiles>,
    /// `QIXIAN_DEFAULT_CALENDAR`.
    pub default_calendar: String,
    /// `QIXIAN_LOG_FORMAT`.
    pub log_format: LogFormat,
    /// `QIXIAN_ACCESS_LOG`.
    pub access_log: AccessLog,
    /// `QIXIAN_WORKERS`, one per CPU unless given.
    pub workers: usize,
    /// `QIXIAN_MAX_BATCH_ITEMS`.
    pub max_batch_items: usize,
    /// `QIXIAN_MAX_CONCURRENT_BATCHES`. A turn spans reading the body, the work and sending
    /// the answer, so a few per core keep the cores busy (BENCHMARKS.md: 1 per core gave 44
    /// batches/s, 4 per core 66).
    pub max_concurrent_batches: usize,
    /// `QIXIAN_MAX_BODY_BYTES`.
    pub max_body_bytes: usize,
    /// `QIXIAN_MAX_QUERY_BYTES`.
    pub max_query_bytes: usize,
    /// `QIXIAN_REQUEST_TIMEOUT_SECS`.
    pub request_timeout: Duration,
    /// `QIXIAN_SHUTDOWN_TIMEOUT_SECS`.
    pub shutdown_timeout: Duration,
    /// `QIXIAN_HOLIDAYS_DIR`.
    pub holidays_dir: Option<PathBuf>,
    /// `QIXIAN_RULES_DIR`.
    pub rules_dir: Option<PathBuf>,
    /// `QIXIAN_STATE_DIR`.
    pub state_dir: Option<PathBuf>,
    /// `QIXIAN_DATABASE_URL`: a secret, since it may hold a password.
    pub database_url: Option<SecretString>,
    /// `QIXIAN_HISTORY_MAX`.
    pub history_max: usize,
    /// `QIXIAN_FEED_URL`.
    pub feed_url: Option<String>,
    /// `QIXIAN_FEED_REFRESH_SECS`.
    pub feed_refresh: Duration,
    /// `QIXIAN_FOLLOW_SECS`.
    pub follow_every: Duration,
    /// `QIXIAN_FEED_TIMEOUT_SECS`.
    pub feed_timeout: Duration,
    /// `QIXIAN_WEBHOOK_URLS`: the webhooks' subscribers, none unless given.
    pub webhook_urls: Vec<Target>,
    /// `QIXIAN_WEBHOOK_SECRET`, checked to be a Standard Webhooks secret.
    pub webhook_secret: Option<SecretString>,
    /// `QIXIAN_WEBHOOK_TIMEOUT_SECS`.
    pub webhook_timeout: Duration,
    /// `QIXIAN_WEBHOOK_RETRY_BASE_MS`.
    pub webhook_retry_base: Duration,
    /// `QIXIAN_ADMIN_TOKEN`.
    pub admin_token: Option<SecretString>,
    /// `QIXIAN_CACHE_MAX_BYTES`.
    pub cache_max_bytes: usize,
    /// `QIXIAN_CORS_ORIGINS`.
    pub cors_origins: CorsOrigins,
    /// `QIXIAN_REGISTER_CORS_ORIGINS`: the origins whose pages may call the register routes.
    pub register_cors_origins: Vec<String>,
    /// `QIXIAN_REGISTER_RATE`: requests a second per register key.
    pub register_rate: usize,
    /// `QIXIAN_REGISTER_BURST`: requests at once per register key.
    pub register_burst: usize,
    /// `QIXIAN_BACKLOG`.
    pub backlog: u32,
    /// `QIXIAN_MAX_CONNECTIONS`.
    pub max_connections: usize,
    /// `QIXIAN_MAX_CONNECTIONS_PER_ADDRESS`.
    pub max_connections_per_address: usize,
    /// `QIXIAN_FIRST_REQUEST_TIMEOUT_MS`.
    pub first_request_timeout: Duration,
    /// `QIXIAN_TLS_HANDSHAKE_TIMEOUT_MS`.
    pub tls_handshake_timeout: Duration,
    /// `QIXIAN_MAX_PENDING_HANDSHAKES`.
    pub max_pending_handshakes: usize,
    /// `QIXIAN_PAGE`: whether `/` serves the page and `/addin/` the Excel add-in.
    pub page: bool,
    /// `QIXIAN_PUBLIC_ORIGIN`: the origin the add-in's manifest names, if fixed.
    pub public_origin: Option<String>,
    /// `QIXIAN_TRUSTED_PROXIES`: the peers whose forwarding headers are believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// A setting with a value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{name}={value:?} is not valid: {reason}")]
pub struct ConfigError {
    /// The variable.
    pub name: &'static str,
    /// Its value (never a secret's: see [`Config::from_lookup`]).
    pub value: String,
    /// What is wrong.
    pub reason: String,
}

impl Config {
    /// The configuration from the process environment.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first variable whose value is unusable.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The configuration from any lookup of variable names (tests pass a map). A variable
    /// set to the empty string is the same as one not set.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first variable whose value is unusable.
    ///
    /// # Example
    /// ```
    /// use qixian::config::Config;
    /// let config = Config::from_lookup(|name| (name == "QIXIAN_REQUEST_TIMEOUT_SECS").then(|| "5".into())).unwrap();
    /// assert_eq!(config.request_timeout.as_secs(), 5);
    /// assert!(Config::from_lookup(|name| (name == "QIXIAN_ADDR").then(|| "localhost".into())).is_err());
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env { lookup: &lookup };
        let given = |name: &str| env.given(name);
        let setting = |name: &'static str| env.setting(name);
        let number = |name: &'static str, fallback: usize| env.number(name, fallback);
        let positive = |name: &'static str, fallback: usize| env.positive(name, fallback);
        let seconds = |name: &'static str| env.seconds(name);
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);

        let addr_text = setting("QIXIAN_ADDR");
        let addr = addr_text.parse().map_err(|_| {
            error(
                "QIXIAN_ADDR",
                &addr_text,
                "expected host:port with an IP address, such as 0.0.0.0:8080",
            )
        })?;
        // Read in this order: of several unusable settings, the first here is the one named.
        let tls = tls(&env)?;
        let log_format = log_format(&env)?;
        let access_log = access_log(&env)?;
        let page = page(&env)?;
        let public_origin = public_origin_of(&env)?;
        let trusted_proxies = trusted_proxies(&env)?;
        let feed_url = feed_url(&env)?;
        let webhook_urls = webhook_urls(given("QIXIAN_WEBHOOK_URLS").as_deref())?;
        let webhook_secret = webhook_secret(&env, &webhook_urls)?;
        let admin_token = admin_token(&env)?;
        Ok(Config {
            addr,
            tls,
            default_calendar: setting("QIXIAN_DEFAULT_CALENDAR"),
            log_format,
            access_log,
            workers: positive("QIXIAN_WORKERS", cpus)?,
            max_batch_items: number("QIXIAN_MAX_BATCH_ITEMS", 10_000)?,
            max_concurrent_batches: positive("QIXIAN_MAX_CONCURRENT_BATCHES", 4 * cpus)?,
            max_body_bytes: number("QIXIAN_MAX_BODY_BYTES", 2 << 20)?,
            max_query_bytes: number("QIXIAN_MAX_QUERY_BYTES", 8192)?,
            request_timeout: seconds("QIXIAN_REQUEST_TIMEOUT_SECS")?,
            shutdown_timeout: Duration::from_secs(
                number("QIXIAN_SHUTDOWN_TIMEOUT_SECS", 30)? as u64
            ),
            holidays_dir: given("QIXIAN_HOLIDAYS_DIR").map(PathBuf::from),
            rules_dir: given("QIXIAN_RULES_DIR").map(PathBuf::from),
            state_dir: given("QIXIAN_STATE_DIR").map(PathBuf::from),
            database_url: given("QIXIAN_DATABASE_URL").map(SecretString::from),
            history_max: positive("QIXIAN_HISTORY_MAX", DEFAULT_HISTORY_MAX)?,
            feed_url,
            feed_refresh: seconds("QIXIAN_FEED_REFRESH_SECS")?,
            follow_every: seconds("QIXIAN_FOLLOW_SECS")?,
            feed_timeout: seconds("QIXIAN_FEED_TIMEOUT_SECS")?,
            webhook_urls,
            webhook_secret,
            webhook_timeout: seconds("QIXIAN_WEBHOOK_TIMEOUT_SECS")?,
            webhook_retry_base: Duration::from_millis(positive(
                "QIXIAN_WEBHOOK_RETRY_BASE_MS",
                5000,
            )? as u64),
            admin_token,
            cache_max_bytes: number("QIXIAN_CACHE_MAX_BYTES", 16 << 20)?,
            cors_origins: cors_origins(&setting("QIXIAN_CORS_ORIGINS"))?,
            register_cors_origins: register_cors_origins(&env)?,
            register_rate: positive("QIXIAN_REGISTER_RATE", 10)?,
            register_burst: positive("QIXIAN_REGISTER_BURST", 100)?,
            backlog: u32::try_from(positive("QIXIAN_BACKLOG", 1024)?)
                .map_err(|_| error("QIXIAN_BACKLOG", "", "must fit in 32 bits"))?,
            max_connections: positive("QIXIAN_MAX_CONNECTIONS", 4096)?,
            max_connections_per_address: positive("QIXIAN_MAX_CONNECTIONS_PER_ADDRESS", 1024)?,
            first_request_timeout: Duration::from_millis(positive(
                "QIXIAN_FIRST_REQUEST_TIMEOUT_MS",
                1000,
            )? as u64),
            tls_handshake_timeout: Duration::from_millis(positive(
                "QIXIAN_TLS_HANDSHAKE_TIMEOUT_MS",
                1000,
            )? as u64),
            max_pending_handshakes: positive("QIXIAN_MAX_PENDING_HANDSHAKES", 2048)?,
            page,
            public_origin,
            trusted_proxies,
        })
    }
}

/// The environment as the settings read it: a value set to the empty string is not set.
struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Env<'_> {
    /// The value set, if any.
    fn given(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|v| !v.is_empty())
    }

    /// The value set, else the default in [`SETTINGS`].
    fn setting(&self, name: &'static str) -> String {
        self.given(name)
            .unwrap_or_else(|| default_of(name).to_owned())
    }

    /// A whole number, else the default in [`SETTINGS`] (`fallback` where that is no number).
    fn number(&self, name: &'static str, fallback: usize) -> Result<usize, ConfigError> {
        match self.given(name) {
            None => Ok(default_of(name).parse().unwrap_or(fallback)),
            Some(value) => value
                .trim()
                .parse::<usize>()
                .map_err(|e| error(name, &value, &e.to_string())),
        }
    }

    /// As [`Env::number`], at least 1.
    fn positive(&self, name: &'static str, fallback: usize) -> Result<usize, ConfigError> {
        match self.number(name, fallback)? {
            0 => Err(error(name, "0", "must be at least 1")),
            n => Ok(n),
        }
    }

    /// A positive number of seconds.
    fn seconds(&self, name: &'static str) -> Result<Duration, ConfigError> {
        self.positive(name, 1)
            .map(|s| Duration::from_secs(s as u64))
    }
}

/// The refusal of `name`'s `value`, saying why.
fn error(name: &'static str, value: &str, reason: &str) -> ConfigError {
    ConfigError {
        name,
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

/// `QIXIAN_TLS_CERT` and `QIXIAN_TLS_KEY`: both or neither.
fn tls(env: &Env<'_>) -> Result<Option<TlsFiles>, ConfigError> {
    let given = |name: &str| env.given(name);
    Ok(match (given("QIXIAN_TLS_CERT"), given("QIXIAN_TLS_KEY")) {
        (None, None) => None,
        (Some(cert), Some(key)) => Some(TlsFiles {
            cert: PathBuf::from(cert),
            key: PathBuf::from(key),
        }),
        (Some(cert), None) => {
            return Err(error(
                "QIXIAN_TLS_CERT",
                &cert,
                "QIXIAN_TLS_KEY is not set: HTTPS needs both QIXIAN_TLS_CERT and QIXIAN_TLS_KEY (neither serves plain HTTP)",
            ));
        }
        (None, Some(key)) => {
            return Err(error(
                "QIXIAN_TLS_KEY",
                &key,
                "QIXIAN_TLS_CERT is not set: HTTPS needs both QIXIAN_TLS_CERT and QIXIAN_TLS_KEY (neither serves plain HTTP)",
            ));
        }
    })
}

/// `QIXIAN_LOG_FORMAT`.
fn log_format(env: &Env<'_>) -> Result<LogFormat, ConfigError> {
    Ok(match env.setting("QIXIAN_LOG_FORMAT").as_str() {
        "text" => LogFormat::Text,
        "json" => LogFormat::Json,
        other => return Err(error("QIXIAN_LOG_FORMAT", other, "expected text or json")),
    })
}

/// `QIXIAN_ACCESS_LOG`.
fn access_log(env: &Env<'_>) -> Result<AccessLog, ConfigError> {
    Ok(match env.setting("QIXIAN_ACCESS_LOG").as_str() {
        "all" => AccessLog::All,
        "errors" => AccessLog::Errors,
        "off" => AccessLog::Off,
        other => match other.parse::<f64>() {
            Ok(share) if (0.0..=1.0).contains(&share) => AccessLog::Sample(share),
            _ => {
                return Err(error(
                    "QIXIAN_ACCESS_LOG",
                    other,
                    "expected all, errors, off, or a fraction from 0 to 1 such as 0.01",
                ));
            }
        },
    })
}

/// `QIXIAN_PAGE`.
fn page(env: &Env<'_>) -> Result<bool, ConfigError> {
    Ok(match env.setting("QIXIAN_PAGE").as_str() {
        "on" => true,
        "off" => false,
        other => return Err(error("QIXIAN_PAGE", other, "expected on or off")),
    })
}

/// `QIXIAN_PUBLIC_ORIGIN`, when set.
fn public_origin_of(env: &Env<'_>) -> Result<Option<String>, ConfigError> {
    Ok(match env.given("QIXIAN_PUBLIC_ORIGIN") {
        Some(origin) => Some(public_origin(&origin).ok_or_else(|| {
            error(
                "QIXIAN_PUBLIC_ORIGIN",
                &origin,
                "expected http:// or https:// and a host[:port], with no path",
            )
        })?),
        None => None,
    })
}

/// `QIXIAN_TRUSTED_PROXIES`: IP addresses separated by commas.
fn trusted_proxies(env: &Env<'_>) -> Result<Vec<std::net::IpAddr>, ConfigError> {
    let mut trusted_proxies = Vec::new();
    if let Some(list) = env.given("QIXIAN_TRUSTED_PROXIES") {
        for ip in list.split(',').map(str::trim).filter(|ip| !ip.is_empty()) {
            trusted_proxies.push(ip.parse().map_err(|_| {
                error(
                    "QIXIAN_TRUSTED_PROXIES",
                    &list,
                    "expected IP addresses separated by commas",
                )
            })?);
        }
    }
    Ok(trusted_proxies)
}

/// `QIXIAN_FEED_URL`, when set: an http(s) base URL.
fn feed_url(env: &Env<'_>) -> Result<Option<String>, ConfigError> {
    Ok(match env.given("QIXIAN_FEED_URL") {
        Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
            return Err(error(
                "QIXIAN_FEED_URL",
                &url,
                "expected an http:// or https:// base URL",
            ));
        }
        url => url,
    })
}

/// `QIXIAN_WEBHOOK_SECRET`: required with subscribers, checked without being shown.
fn webhook_secret(
    env: &Env<'_>,
    webhook_urls: &[Target],
) -> Result<Option<SecretString>, ConfigError> {
    Ok(match env.given("QIXIAN_WEBHOOK_SECRET") {
        None if !webhook_urls.is_empty() => {
            return Err(error(
                "QIXIAN_WEBHOOK_SECRET",
                "",
                "QIXIAN_WEBHOOK_URLS is set, and every event is signed: set a secret, such as whsec_$(openssl rand -base64 32), and give it to the subscribers",
            ));
        }
        None => None,
        Some(secret) => {
            let secret = SecretString::from(secret);
            SigningKey::from_secret(&secret)
                .map_err(|e| error("QIXIAN_WEBHOOK_SECRET", "(not shown)", &e.to_string()))?;
            Some(secret)
        }
    })
}

/// `QIXIAN_ADMIN_TOKEN`, when set: long, and without whitespace around it.
fn admin_token(env: &Env<'_>) -> Result<Option<SecretString>, ConfigError> {
    Ok(match env.given("QIXIAN_ADMIN_TOKEN") {
        None => None,
        Some(token) if token.trim() != token => {
            return Err(error(
                "QIXIAN_ADMIN_TOKEN",
                "(not shown)",
                "the token begins or ends with whitespace (a file written with `echo` ends with a newline); remove it",
            ));
        }
        Some(token) if token.len() < 16 => {
            return Err(error(
                "QIXIAN_ADMIN_TOKEN",
                "(not shown)",
                "the token is shorter than 16 characters; use a long random one (openssl rand -hex 32)",
            ));
        }
        Some(token) => Some(SecretString::from(token)),
    })
}

/// Parses `QIXIAN_WEBHOOK_URLS`: http(s) URLs separated by commas, each once. A URL that is
/// refused is shown without its credentials.
fn webhook_urls(value: Option<&str>) -> Result<Vec<Target>, ConfigError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let error = |url: &str, reason: String| ConfigError {
        name: "QIXIAN_WEBHOOK_URLS",
        value: without_credentials(url),
        reason,
    };
    let mut targets: Vec<Target> = Vec::new();
    for url in value.split(',').map(str::trim).filter(|u| !u.is_empty()) {
        let target = Target::parse(url).map_err(|why| error(url, why))?;
        if targets.iter().any(|t| t.key() == target.key()) {
            return Err(error(url, "the URL is listed twice".to_owned()));
        }
        targets.push(target);
    }
    if targets.is_empty() {
        return Err(error(
            value,
            "expected one or more http:// or https:// URLs separated by commas".to_owned(),
        ));
    }
    Ok(targets)
}

/// `QIXIAN_PUBLIC_ORIGIN` without a final slash, when it is `http(s)://host[:port]`.
fn public_origin(value: &str) -> Option<String> {
    let value = value.trim().trim_end_matches('/');
    let host = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))?;
    crate::base::is_host(host).then(|| value.to_owned())
}

/// `QIXIAN_REGISTER_CORS_ORIGINS`: origins separated by commas, as `QIXIAN_CORS_ORIGINS`
/// takes them, but never `*` (a register is not public); none when not set.
fn register_cors_origins(env: &Env<'_>) -> Result<Vec<String>, ConfigError> {
    const NAME: &str = "QIXIAN_REGISTER_CORS_ORIGINS";
    let Some(value) = env.given(NAME) else {
        return Ok(Vec::new());
    };
    match cors_origins(&value) {
        Ok(CorsOrigins::Only(origins)) => Ok(origins),
        Ok(CorsOrigins::Any) => Err(error(
            NAME,
            &value,
            "registers are not public: list the origins of the pages that may call them",
        )),
        Err(e) => Err(ConfigError { name: NAME, ..e }),
    }
}

/// Parses `QIXIAN_CORS_ORIGINS`: `*`, or origins separated by commas.
fn cors_origins(value: &str) -> Result<CorsOrigins, ConfigError> {
    if value.trim() == "*" {
        return Ok(CorsOrigins::Any);
    }
    let error = |reason: String| ConfigError {
        name: "QIXIAN_CORS_ORIGINS",
        value: value.to_owned(),
        reason,
    };
    let mut origins = Vec::new();
    for origin in value.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        // A browser's Origin is scheme://host[:port], nothing after: a trailing slash or a path
        // would never match, so it is refused here rather than failing silently.
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        match rest {
            Some(host) if !host.is_empty() && !host.contains(['/', '?', '#', ' ', '*']) => {
                origins.push(origin.to_owned());
            }
            _ => {
                return Err(error(format!(
                    "origin {origin:?} is not scheme://host[:port] with no path, \
                     such as https://oa.example.gov.cn"
                )));
            }
        }
    }
    if origins.is_empty() {
        return Err(error("expected * or at least one origin".to_owned()));
    }
    Ok(CorsOrigins::Only(origins))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(config.default_calendar, "cn-xj-kizilsu");
        assert_eq!(config.log_format, LogFormat::Text);
        assert_eq!(config.access_log, AccessLog::All);
        assert_eq!(config.request_timeout, Duration::from_secs(30));
        assert_eq!(config.max_body_bytes, 2 << 20);
        assert!(config.page, "the page is on unless turned off");
        let cpus = std::thread::available_parallelism().unwrap().get();
        assert_eq!(
            config.max_concurrent_batches,
            4 * cpus,
            "4 batch turns per CPU"
        );
    }

    #[test]
    fn every_numeric_default_in_the_table_is_the_one_applied() {
        let config = Config::from_lookup(|_| None).unwrap();
        let applied = [
            ("QIXIAN_MAX_BATCH_ITEMS", config.max_batch_items as u64),
            ("QIXIAN_HISTORY_MAX", config.history_max as u64),
            ("QIXIAN_MAX_BODY_BYTES", config.max_body_bytes as u64),
            ("QIXIAN_MAX_QUERY_BYTES", config.max_query_bytes as u64),
            (
                "QIXIAN_REQUEST_TIMEOUT_SECS",
                config.request_timeout.as_secs(),
            ),
            (
                "QIXIAN_SHUTDOWN_TIMEOUT_SECS",
                config.shutdown_timeout.as_secs(),
            ),
            ("QIXIAN_FEED_REFRESH_SECS", config.feed_refresh.as_secs()),
            ("QIXIAN_FOLLOW_SECS", config.follow_every.as_secs()),
            ("QIXIAN_FEED_TIMEOUT_SECS", config.feed_timeout.as_secs()),
            (
                "QIXIAN_WEBHOOK_TIMEOUT_SECS",
                config.webhook_timeout.as_secs(),
            ),
            (
                "QIXIAN_WEBHOOK_RETRY_BASE_MS",
                config.webhook_retry_base.as_millis() as u64,
            ),
            ("QIXIAN_CACHE_MAX_BYTES", config.cache_max_bytes as u64),
            ("QIXIAN_BACKLOG", u64::from(config.backlog)),
            ("QIXIAN_MAX_CONNECTIONS", config.max_connections as u64),
            (
                "QIXIAN_MAX_CONNECTIONS_PER_ADDRESS",
                config.max_connections_per_address as u64,
            ),
            (
                "QIXIAN_FIRST_REQUEST_TIMEOUT_MS",
                config.first_request_timeout.as_millis() as u64,
            ),
            (
                "QIXIAN_TLS_HANDSHAKE_TIMEOUT_MS",
                config.tls_handshake_timeout.as_millis() as u64,
            ),
            (
                "QIXIAN_MAX_PENDING_HANDSHAKES",
                config.max_pending_handshakes as u64,
            ),
        ];
        for (name, value) in applied {
            assert_eq!(default_of(name).parse::<u64>().ok(), Some(value), "{name}");
        }
    }

    #[test]
    fn an_invalid_value_names_its_variable() {
        let err = Config::from_lookup(|n| (n == "QIXIAN_ADDR").then(|| "localhost".to_owned()))
            .unwrap_err();
        assert_eq!(err.name, "QIXIAN_ADDR", "{err}");
        let err = Config::from_lookup(|n| (n == "QIXIAN_LOG_FORMAT").then(|| "xml".to_owned()))
            .unwrap_err();
        assert!(
            err.to_string().starts_with("QIXIAN_LOG_FORMAT=\"xml\""),
            "{err}"
        );
        let err =
            Config::from_lookup(|n| (n == "QIXIAN_MAX_CONCURRENT_BATCHES").then(|| "0".to_owned()))
                .unwrap_err();
        assert_eq!(err.name, "QIXIAN_MAX_CONCURRENT_BATCHES", "{err}");
        let err =
            Config::from_lookup(|n| (n == "QIXIAN_PAGE").then(|| "yes".to_owned())).unwrap_err();
        assert_eq!(err.name, "QIXIAN_PAGE", "{err}");
    }

    #[test]
    fn tls_takes_both_files_or_neither_and_one_alone_names_the_other() {
        let with = |pairs: &'static [(&'static str, &'static str)]| {
            Config::from_lookup(move |n| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == n)
                    .map(|(_, v)| (*v).to_owned())
            })
        };
        assert_eq!(with(&[]).unwrap().tls, None, "plain HTTP by default");
        assert_eq!(
            with(&[
                ("QIXIAN_TLS_CERT", "/etc/qixian/cert.pem"),
                ("QIXIAN_TLS_KEY", "/etc/qixian/key.pem")
            ])
            .unwrap()
            .tls,
            Some(TlsFiles {
                cert: PathBuf::from("/etc/qixian/cert.pem"),
                key: PathBuf::from("/etc/qixian/key.pem"),
            })
        );
        let err = with(&[("QIXIAN_TLS_CERT", "/etc/qixian/cert.pem")]).unwrap_err();
        assert_eq!(err.name, "QIXIAN_TLS_CERT", "{err}");
        assert!(
            err.to_string().contains("QIXIAN_TLS_KEY is not set"),
            "{err}"
        );
        let err = with(&[("QIXIAN_TLS_KEY", "/etc/qixian/key.pem")]).unwrap_err();
        assert_eq!(err.name, "QIXIAN_TLS_KEY", "{err}");
        assert!(
            err.to_string().contains("QIXIAN_TLS_CERT is not set"),
            "{err}"
        );
        assert_eq!(
            with(&[("QIXIAN_TLS_CERT", ""), ("QIXIAN_TLS_KEY", "")])
                .unwrap()
                .tls,
            None,
            "empty is unset"
        );
    }

    #[test]
    fn a_token_with_a_trailing_newline_is_refused_without_showing_it() {
        let err = Config::from_lookup(|n| {
            (n == "QIXIAN_ADMIN_TOKEN").then(|| "0123456789abcdef-secret\n".to_owned())
        })
        .unwrap_err();
        assert_eq!(err.name, "QIXIAN_ADMIN_TOKEN");
        assert!(err.to_string().contains("newline"), "{err}");
        assert!(
            !err.to_string().contains("secret"),
            "the token is not shown: {err}"
        );
    }

    #[test]
    fn webhook_urls_need_a_well_formed_secret_and_are_refused_without_their_credentials() {
        let lookup = |urls: &'static str, secret: Option<&'static str>| {
            move |n: &str| match n {
                "QIXIAN_WEBHOOK_URLS" => Some(urls.to_owned()),
                "QIXIAN_WEBHOOK_SECRET" => secret.map(str::to_owned),
                _ => None,
            }
        };
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let config = Config::from_lookup(lookup(
            "https://a.example/hook, http://user:pw@b.example:8080/x",
            Some(secret),
        ))
        .unwrap();
        let shown: Vec<String> = config
            .webhook_urls
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(shown, ["https://a.example/hook", "http://b.example:8080/x"]);
        assert!(
            !format!("{config:?}").contains(secret) && !format!("{config:?}").contains("pw@"),
            "Debug shows neither the secret nor the credentials"
        );

        let err = Config::from_lookup(lookup("https://a.example/hook", None)).unwrap_err();
        assert_eq!(
            err.name, "QIXIAN_WEBHOOK_SECRET",
            "required with URLs: {err}"
        );
        let err = Config::from_lookup(lookup(
            "https://a.example/hook",
            Some("whsec_not base64 at all, and long enough to be a secret"),
        ))
        .unwrap_err();
        assert_eq!(err.name, "QIXIAN_WEBHOOK_SECRET");
        assert!(err.to_string().contains("base64"), "{err}");
        assert!(!err.to_string().contains("long enough"), "not shown: {err}");

        let err =
            Config::from_lookup(lookup("ftp://user:pw@a.example/hook", Some(secret))).unwrap_err();
        assert_eq!(err.name, "QIXIAN_WEBHOOK_URLS");
        assert!(
            err.to_string().contains("ftp://a.example/hook") && !err.to_string().contains("pw"),
            "the URL is named without its credentials: {err}"
        );
        let err = Config::from_lookup(lookup(
            "https://a.example/hook,https://a.example/hook",
            Some(secret),
        ))
        .unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
        let err = Config::from_lookup(lookup(" , ", Some(secret))).unwrap_err();
        assert_eq!(err.name, "QIXIAN_WEBHOOK_URLS", "{err}");
    }

    /// The README's table of settings is [`settings_table`]'s, between its markers;
    /// `QIXIAN_BLESS=1` rewrites it.
    #[test]
    fn the_readme_lists_every_setting_as_the_code_does() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).expect("README.md is readable");
        let begin = readme
            .find("<!-- settings:")
            .and_then(|i| readme[i..].find("-->\n").map(|j| i + j + 4))
            .expect("the README marks where its settings table begins");
        let end = readme
            .find("<!-- settings end -->")
            .expect("the README marks where its settings table ends");
        let table = settings_table();
        if std::env::var_os("QIXIAN_BLESS").is_some() {
            let blessed = format!("{}{table}{}", &readme[..begin], &readme[end..]);
            std::fs::write(path, blessed).expect("README.md is writable");
            return;
        }
        assert_eq!(
            &readme[begin..end],
            table,
            "README.md's settings table differs from SETTINGS (QIXIAN_BLESS=1 rewrites it)"
        );
    }

    #[test]
    fn register_origins_default_to_none_and_refuse_any() {
        let read = |value: &'static str| {
            Config::from_lookup(|name| {
                (name == "QIXIAN_REGISTER_CORS_ORIGINS").then(|| value.to_owned())
            })
        };
        assert_eq!(
            read("").unwrap().register_cors_origins,
            Vec::<String>::new()
        );
        assert_eq!(
            read("https://oa.example.gov.cn")
                .unwrap()
                .register_cors_origins,
            ["https://oa.example.gov.cn"]
        );
        for refused in ["*", "https://oa.example.gov.cn/path"] {
            let e = read(refused).expect_err("refused");
            assert_eq!(e.name, "QIXIAN_REGISTER_CORS_ORIGINS", "{refused}");
        }
    }

    #[test]
    fn cors_origins_default_to_any_and_refuse_an_origin_with_a_path() {
        assert_eq!(cors_origins("*").unwrap(), CorsOrigins::Any);
        assert!(cors_origins("https://oa.example.gov.cn/").is_err());
        assert_eq!(
            cors_origins("https://a.example, http://b.example:8080").unwrap(),
            CorsOrigins::Only(vec![
                "https://a.example".to_owned(),
                "http://b.example:8080".to_owned()
            ])
        );
    }
}
