//! The live holiday feed: a base URL serving holiday-cn's `<year>.json` (NateScarlet/holiday-cn,
//! or an office's mirror of it). This year's and next year's national files are fetched at
//! start-up and then periodically, with a timeout, `If-None-Match`, and backoff after failures.
//! The service never needs the feed to start or to serve: a failed fetch leaves the data as they
//! were and says so.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{Datelike, Utc};
use reqwest::{StatusCode, header};

use crate::base::{error_chain, without_credentials};
use crate::calendar::DataError;
use crate::store::{MAX_FILE_BYTES, Offer, Store};
use crate::time::BEIJING;

/// How the feed is reached.
#[derive(Clone, Debug)]
pub struct FeedConfig {
    /// The base URL serving `<year>.json`.
    pub base_url: String,
    /// How long one request may take.
    pub timeout: Duration,
    /// How long between polls.
    pub refresh: Duration,
}

/// Why the feed cannot be set up.
#[derive(Debug, thiserror::Error)]
#[error("the feed's HTTP client cannot be built")]
pub struct FeedError(#[source] reqwest::Error);

/// The shortest wait after a failure; it doubles with each further failure, up to `refresh`.
const FIRST_BACKOFF: Duration = Duration::from_secs(30);

/// The holiday feed: polls the base URL and offers what it finds to the store.
pub struct Feed {
    config: FeedConfig,
    client: reqwest::Client,
    store: Arc<Store>,
    etags: Mutex<HashMap<i32, String>>,
    /// Serialises polls, so that a reload and the timer never fetch at once.
    polling: tokio::sync::Mutex<()>,
}

/// What one fetch of one year did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new file is in force.
    Accepted,
    /// The feed answered 304.
    NotModified,
    /// The same bytes are in force already.
    Unchanged,
    /// The feed has no data for the year yet (404, or holiday-cn's empty placeholder).
    NotPublished,
    /// The file failed the checks; the data are as they were.
    Refused(String),
    /// The feed could not be reached or answered with an error.
    Unreachable(String),
}

impl Outcome {
    fn is_failure(&self) -> bool {
        matches!(self, Outcome::Refused(_) | Outcome::Unreachable(_))
    }

    fn describe(&self) -> String {
        match self {
            Outcome::Accepted => "accepted".to_owned(),
            Outcome::NotModified => "not modified".to_owned(),
            Outcome::Unchanged => "unchanged".to_owned(),
            Outcome::NotPublished => "not published yet".to_owned(),
            Outcome::Refused(why) => format!("refused: {why}"),
            Outcome::Unreachable(why) => format!("unreachable: {why}"),
        }
    }
}

impl Feed {
    /// # Errors
    /// [`FeedError`] when the HTTP client cannot be built.
    pub fn new(config: FeedConfig, store: Arc<Store>) -> Result<Self, FeedError> {
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("qixian/", env!("CARGO_PKG_VERSION")))
            // Redirects are followed only within the feed's own origin (scheme, host and
            // port), so that credentials given in QIXIAN_FEED_URL never reach another host.
            .redirect(reqwest::redirect::Policy::custom(same_origin_only))
            .build()
            .map_err(FeedError)?;
        Ok(Feed {
            config,
            client,
            store,
            etags: Mutex::new(HashMap::new()),
            polling: tokio::sync::Mutex::new(()),
        })
    }

    fn url(&self, year: i32) -> String {
        format!("{}/{year}.json", self.config.base_url.trim_end_matches('/'))
    }

    /// The URL of `year`'s file as it may be shown or logged: without credentials.
    fn shown_url(&self, year: i32) -> String {
        without_credentials(&self.url(year))
    }

    /// Takes in what other replicas sharing the state directory accepted or withdrew, then
    /// fetches this year's and next year's files (years on Beijing time) once.
    pub async fn poll_once(&self) -> Vec<(i32, Outcome)> {
        let _one_at_a_time = self.polling.lock().await;
        // What other replicas accepted or withdrew first: the feed may answer "unchanged" or
        // 304 for a file withdrawn on another replica, and this one must not keep serving it.
        let store = self.store.clone();
        let _ = tokio::task::spawn_blocking(move || store.follow_shared_state()).await;
        let this_year = Utc::now().with_timezone(&BEIJING).year();
        let mut outcomes = Vec::new();
        for year in [this_year, this_year + 1] {
            let outcome = self.fetch(year).await;
            match &outcome {
                Outcome::Refused(_) | Outcome::Unreachable(_) => {
                    tracing::warn!(year, url = %self.shown_url(year), outcome = %outcome.describe(), "holiday feed")
                }
                _ => tracing::info!(year, outcome = %outcome.describe(), "holiday feed"),
            }
            outcomes.push((year, outcome));
        }
        let healthy = !outcomes.iter().any(|(_, o)| o.is_failure());
        let accepted = outcomes.iter().any(|(_, o)| *o == Outcome::Accepted);
        let lines = outcomes
            .iter()
            .map(|(y, o)| format!("{y}: {}", o.describe()))
            .collect();
        self.store.record_feed_attempt(lines, healthy, accepted);
        outcomes
    }

    async fn fetch(&self, year: i32) -> Outcome {
        let url = self.url(year);
        let mut request = self.client.get(&url);
        let etag = self
            .etags
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&year)
            .cloned();
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        let mut response = match request.send().await {
            Ok(response) => response,
            Err(e) => return Outcome::Unreachable(error_chain(&e.without_url())),
        };
        match response.status() {
            StatusCode::NOT_MODIFIED => return Outcome::NotModified,
            StatusCode::NOT_FOUND => return Outcome::NotPublished,
            s if !s.is_success() => return Outcome::Unreachable(format!("HTTP {s}")),
            _ => {}
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_FILE_BYTES)
        {
            return Outcome::Refused(format!("larger than {MAX_FILE_BYTES} bytes"));
        }
        let new_etag = response
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // Read piece by piece, and stop past the limit: a body without Content-Length (or with
        // a false one) cannot make the service hold more than the limit.
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if (bytes.len() + chunk.len()) as u64 > MAX_FILE_BYTES {
                        return Outcome::Refused(format!("larger than {MAX_FILE_BYTES} bytes"));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Outcome::Unreachable(error_chain(&e.without_url())),
            }
        }
        let store = self.store.clone();
        let shown = without_credentials(&url);
        // The checks, the write to the state directory and the compile run off the runtime.
        let offered =
            tokio::task::spawn_blocking(move || store.offer_feed_file(year, &bytes, &shown)).await;
        let Ok(offered) = offered else {
            return Outcome::Unreachable("the check of the file did not finish".to_owned());
        };
        let outcome = match offered {
            Ok(Offer::Accepted) => Outcome::Accepted,
            Ok(Offer::Unchanged) => Outcome::Unchanged,
            Ok(Offer::NotRecorded(reason)) => Outcome::Refused(reason),
            Err(DataError::Empty { .. }) => Outcome::NotPublished,
            Err(e) => Outcome::Refused(e.to_string()),
        };
        // Remember the ETag only for an answer that was taken as it is, so that a refused file
        // is fetched again (and refused again, visibly) rather than hidden behind a 304.
        if let (false, Some(etag)) = (outcome.is_failure(), new_etag) {
            self.etags
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(year, etag);
        }
        outcome
    }

    /// Polls now and then every `refresh`, sooner after a failure (30 s, doubling up to
    /// `refresh`), until the runtime stops.
    pub fn spawn(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut failures: u32 = 0;
            loop {
                let failed = self.poll_once().await.iter().any(|(_, o)| o.is_failure());
                failures = if failed {
                    failures.saturating_add(1)
                } else {
                    0
                };
                tokio::time::sleep(next_wait(failures, self.config.refresh)).await;
            }
        })
    }
}

/// Follows a redirect only to the origin the chain began at, at most five times.
fn same_origin_only(attempt: reqwest::redirect::Attempt<'_>) -> reqwest::redirect::Action {
    let first = attempt.previous().first();
    let same = first.is_some_and(|first| {
        first.scheme() == attempt.url().scheme()
            && first.host_str() == attempt.url().host_str()
            && first.port_or_known_default() == attempt.url().port_or_known_default()
    });
    if !same {
        attempt.error("the feed redirected to another origin; only its own is followed")
    } else if attempt.previous().len() > 5 {
        attempt.error("the feed redirected more than five times")
    } else {
        attempt.follow()
    }
}

/// How long to wait before the next poll after `failures` failures in a row.
fn next_wait(failures: u32, refresh: Duration) -> Duration {
    if failures == 0 {
        return refresh;
    }
    let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(16));
    FIRST_BACKOFF.saturating_mul(factor).min(refresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_doubling_up_to_the_refresh_interval() {
        let refresh = Duration::from_secs(21_600);
        assert_eq!(
            next_wait(0, refresh),
            refresh,
            "no failure: the regular interval"
        );
        assert_eq!(next_wait(1, refresh), Duration::from_secs(30));
        assert_eq!(next_wait(2, refresh), Duration::from_secs(60));
        assert_eq!(next_wait(10, refresh), Duration::from_secs(15_360));
        assert_eq!(
            next_wait(40, refresh),
            refresh,
            "never longer than the interval"
        );
    }
}
