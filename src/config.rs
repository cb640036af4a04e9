//! Configuration: embedded defaults, each overridable by one `QIXIAN_*` environment variable.
//! An invalid value stops start-up with a message that names the variable.

use std::net::SocketAddr;
use std::path::PathBuf;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Readable lines (the default).
    Text,
    /// One JSON object per line.
    Json,
}

/// Which web origins may call the API from a browser (CORS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsOrigins {
    /// Any origin (`*`): the API is public and never takes credentials.
    Any,
    /// Only these origins, each `scheme://host[:port]` exactly as browsers send it.
    Only(Vec<String>),
}

/// Every setting of the service.
#[derive(Clone, Debug)]
pub struct Config {
    /// `QIXIAN_ADDR`: the address to listen on. Default `127.0.0.1:8080`; port 0 picks a free one.
    pub addr: SocketAddr,
    /// `QIXIAN_DEFAULT_CALENDAR`: the calendar used when a request names none.
    /// Default `cn-xj-kizilsu`.
    pub default_calendar: String,
    /// `QIXIAN_LOG_FORMAT`: `text` or `json`. Default `text`.
    pub log_format: LogFormat,
    /// `QIXIAN_WORKERS`: HTTP worker threads. Default: one per CPU.
    pub workers: Option<usize>,
    /// `QIXIAN_MAX_BATCH_ITEMS`: the most items one batch request may hold. Default 10000.
    pub max_batch_items: usize,
    /// `QIXIAN_MAX_CONCURRENT_BATCHES`: how many batches are read and answered at once; more
    /// wait their turn (within `QIXIAN_REQUEST_TIMEOUT_SECS`), holding only their connection.
    /// A turn also spans reading the body and sending the answer, so a few per core keep the
    /// cores busy (BENCHMARKS.md: 1 per core gave 44 batches/s, 4 per core 66). Default: 4 per
    /// CPU. The metrics `qixian_batches_waiting` and `qixian_batches_answering` show the queue.
    pub max_concurrent_batches: usize,
    /// `QIXIAN_MAX_BODY_BYTES`: the largest request body taken; larger ones get a 413.
    /// Default 2097152 (2 MiB).
    pub max_body_bytes: usize,
    /// `QIXIAN_MAX_QUERY_BYTES`: the longest query string taken; longer ones get a 414.
    /// Default 8192.
    pub max_query_bytes: usize,
    /// `QIXIAN_REQUEST_TIMEOUT_SECS`: how long one request may take before a 503. A batch's
    /// turn lasts as long, from when it is granted: an answer not read by then is cut off.
    /// Default 30.
    pub request_timeout_secs: usize,
    /// `QIXIAN_SHUTDOWN_TIMEOUT_SECS`: on SIGTERM, how long requests in flight may take to
    /// finish before the workers stop. Default 30.
    pub shutdown_timeout_secs: usize,
    /// `QIXIAN_HOLIDAYS_DIR`: a directory laid out like `holidays/` (`<calendar-id>/<year>.json`);
    /// a file there replaces the embedded file of the same calendar and year. Default: none.
    pub holidays_dir: Option<PathBuf>,
    /// `QIXIAN_STATE_DIR`: where accepted feed files are kept across restarts. Default: none
    /// (accepted files last until the process ends).
    pub state_dir: Option<PathBuf>,
    /// `QIXIAN_FEED_URL`: base URL serving holiday-cn's `<year>.json`. Default: none (no feed).
    pub feed_url: Option<String>,
    /// `QIXIAN_FEED_REFRESH_SECS`: seconds between feed polls. Default 21600 (6 hours).
    pub feed_refresh_secs: usize,
    /// `QIXIAN_FEED_TIMEOUT_SECS`: how long one feed request may take. Default 10.
    pub feed_timeout_secs: usize,
    /// `QIXIAN_ADMIN_TOKEN`: the bearer token of `POST /v1/admin/reload`; without one the route
    /// does not exist. Default: none.
    pub admin_token: Option<String>,
    /// `QIXIAN_CACHE_MAX_BYTES`: the response cache's size bound; 0 turns it off.
    /// Default 67108864 (64 MiB).
    pub cache_max_bytes: usize,
    /// `QIXIAN_CORS_ORIGINS`: the origins whose pages may call the API from a browser,
    /// comma-separated (`https://oa.example.gov.cn,https://addin.example.com`), or `*` for any.
    /// Credentials are never allowed. Default `*`.
    pub cors_origins: CorsOrigins,
}

/// A setting with a value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{name}={value:?} is not valid: {reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
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

    /// The configuration from any lookup of variable names (tests pass a map).
    ///
    /// # Errors
    /// [`ConfigError`] naming the first variable whose value is unusable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let setting =
            |name: &'static str, default: &str| lookup(name).unwrap_or_else(|| default.to_owned());
        let parsed = |name: &'static str, default: &str| -> Result<_, ConfigError> {
            let value = setting(name, default);
            value.parse::<usize>().map_err(|e| ConfigError {
                name,
                reason: e.to_string(),
                value,
            })
        };
        let addr_text = setting("QIXIAN_ADDR", "127.0.0.1:8080");
        let addr = addr_text.parse().map_err(|_| ConfigError {
            name: "QIXIAN_ADDR",
            value: addr_text.clone(),
            reason: "expected host:port with an IP address, such as 0.0.0.0:8080".to_owned(),
        })?;
        let log_format = match setting("QIXIAN_LOG_FORMAT", "text").as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(ConfigError {
                    name: "QIXIAN_LOG_FORMAT",
                    value: other.to_owned(),
                    reason: "expected text or json".to_owned(),
                });
            }
        };
        let workers = match lookup("QIXIAN_WORKERS") {
            None => None,
            Some(_) => Some(parsed("QIXIAN_WORKERS", "")?).filter(|&n| n > 0),
        };
        Ok(Config {
            addr,
            default_calendar: setting("QIXIAN_DEFAULT_CALENDAR", "cn-xj-kizilsu"),
            log_format,
            workers,
            max_batch_items: parsed("QIXIAN_MAX_BATCH_ITEMS", "10000")?,
            max_concurrent_batches: positive(
                parsed(
                    "QIXIAN_MAX_CONCURRENT_BATCHES",
                    &(4 * std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
                        .to_string(),
                )?,
                "QIXIAN_MAX_CONCURRENT_BATCHES",
            )?,
            max_body_bytes: parsed("QIXIAN_MAX_BODY_BYTES", "2097152")?,
            max_query_bytes: parsed("QIXIAN_MAX_QUERY_BYTES", "8192")?,
            request_timeout_secs: positive(
                parsed("QIXIAN_REQUEST_TIMEOUT_SECS", "30")?,
                "QIXIAN_REQUEST_TIMEOUT_SECS",
            )?,
            shutdown_timeout_secs: parsed("QIXIAN_SHUTDOWN_TIMEOUT_SECS", "30")?,
            holidays_dir: lookup("QIXIAN_HOLIDAYS_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            state_dir: lookup("QIXIAN_STATE_DIR")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            feed_url: match lookup("QIXIAN_FEED_URL").filter(|v| !v.is_empty()) {
                Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
                    return Err(ConfigError {
                        name: "QIXIAN_FEED_URL",
                        value: url,
                        reason: "expected an http:// or https:// base URL".to_owned(),
                    });
                }
                url => url,
            },
            feed_refresh_secs: positive(
                parsed("QIXIAN_FEED_REFRESH_SECS", "21600")?,
                "QIXIAN_FEED_REFRESH_SECS",
            )?,
            feed_timeout_secs: positive(
                parsed("QIXIAN_FEED_TIMEOUT_SECS", "10")?,
                "QIXIAN_FEED_TIMEOUT_SECS",
            )?,
            admin_token: lookup("QIXIAN_ADMIN_TOKEN").filter(|v| !v.is_empty()),
            cache_max_bytes: parsed("QIXIAN_CACHE_MAX_BYTES", "67108864")?,
            cors_origins: cors_origins(&setting("QIXIAN_CORS_ORIGINS", "*"))?,
        })
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

fn positive(value: usize, name: &'static str) -> Result<usize, ConfigError> {
    if value == 0 {
        return Err(ConfigError {
            name,
            value: "0".to_owned(),
            reason: "must be at least 1".to_owned(),
        });
    }
    Ok(value)
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
        let cpus = std::thread::available_parallelism().unwrap().get();
        assert_eq!(
            config.max_concurrent_batches,
            4 * cpus,
            "4 batch turns per CPU"
        );
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
    }
}
