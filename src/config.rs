//! Configuration: embedded defaults, each overridable by one `QIXIAN_*` environment variable.
//! An invalid value stops start-up with a message that names the variable.

use std::net::SocketAddr;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Readable lines (the default).
    Text,
    /// One JSON object per line.
    Json,
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
    /// `QIXIAN_MAX_BODY_BYTES`: the largest request body taken; larger ones get a 413.
    /// Default 2097152 (2 MiB).
    pub max_body_bytes: usize,
    /// `QIXIAN_MAX_QUERY_BYTES`: the longest query string taken; longer ones get a 414.
    /// Default 8192.
    pub max_query_bytes: usize,
    /// `QIXIAN_REQUEST_TIMEOUT_SECS`: how long one request may take before a 503. Default 30.
    pub request_timeout_secs: usize,
    /// `QIXIAN_SHUTDOWN_TIMEOUT_SECS`: on SIGTERM, how long requests in flight may take to
    /// finish before the workers stop. Default 30.
    pub shutdown_timeout_secs: usize,
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
            max_body_bytes: parsed("QIXIAN_MAX_BODY_BYTES", "2097152")?,
            max_query_bytes: parsed("QIXIAN_MAX_QUERY_BYTES", "8192")?,
            request_timeout_secs: positive(
                parsed("QIXIAN_REQUEST_TIMEOUT_SECS", "30")?,
                "QIXIAN_REQUEST_TIMEOUT_SECS",
            )?,
            shutdown_timeout_secs: parsed("QIXIAN_SHUTDOWN_TIMEOUT_SECS", "30")?,
        })
    }
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
    }
}
