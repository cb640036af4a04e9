//! Webhook notifications: when the data in force change — a reload, an accepted feed file, a
//! withdrawal — every subscriber of `QIXIAN_WEBHOOK_URLS` is told with a `calendar.changed`
//! event, signed as the Standard Webhooks specification says (<https://www.standardwebhooks.com/>).
//!
//! The parts: [`diff_summary`] (which calendars changed, and how many days), [`Event`] (the
//! event's `webhook-id` and body), [`SigningKey`] (its `webhook-signature`), the backlog of
//! deliveries not made yet (kept in the state directory when there is one, so that they survive
//! a restart, or in PostgreSQL's outbox when replicas share it), and [`Webhooks`], which the
//! store tells of each change ([`Webhooks::notify`]) and whose background task makes the
//! deliveries, retrying failures with backoff for a day. There is no actix here: the HTTP
//! layer only shows the counters.

mod backlog;
mod delivery;
pub mod moved;
mod outbox;
#[cfg(test)]
pub(crate) mod outbox_tests;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::StreamExt;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::base::{error_chain, hex};
use crate::calendar::diff::count_changed_days;
use crate::calendar::{Calendar, CalendarSet};
pub use crate::config::{SecretError, SigningKey, Target};
use crate::shared::{OutboxRow, Shared};
use crate::store::InForce;
use backlog::Backlog;
use delivery::{KeptDelivery, Settle};

/// The one event there is: the data in force changed.
pub const EVENT_TYPE: &str = "calendar.changed";

/// How long after its event a delivery is tried; an attempt that fails after that gives it up.
pub const RETRY_FOR: Duration = Duration::from_secs(24 * 3600);

/// The longest wait between two attempts of one delivery.
pub const LONGEST_WAIT: Duration = Duration::from_secs(3600);

/// The most deliveries kept (events times subscribers): beyond it, the oldest waiting are
/// dropped, so that a subscriber down for a day while the data change often cannot fill the
/// memory or the disk. A change a day for three subscribers keeps under a hundred.
pub const MAX_BACKLOG: usize = 1000;

/// Deliveries attempted at once: one slow subscriber does not hold up the others.
const AT_ONCE: usize = 8;

/// The longest the sender sleeps without looking at the backlog: in a shared directory, other
/// replicas' deliveries (and claims left by replicas that stopped) are found within this.
const RESCAN: Duration = Duration::from_secs(60);

/// What the event says changed between the calendars of `old` and `new`: the calendars whose
/// compiled data differ (in `new`'s order, then any only `old` has) — days, office hours or
/// sources — and the number of days, over all of them, whose kind, name, provisional or
/// estimated status differ ([`count_changed_days`]). A change of the rule sets alone changes
/// neither: the event then says only that the data version moved.
///
/// # Example
/// ```
/// use qixian::calendar::CalendarSet;
/// use qixian::webhooks::diff_summary;
/// let set = CalendarSet::embedded().unwrap();
/// assert_eq!(diff_summary(&set, &set), (vec![], 0), "no change, nothing to tell");
/// ```
pub fn diff_summary(old: &CalendarSet, new: &CalendarSet) -> (Vec<String>, usize) {
    let differs = |calendar: &Calendar, other: &CalendarSet| {
        other
            .iter()
            .find(|c| c.id() == calendar.id())
            .is_none_or(|c| c.version() != calendar.version())
    };
    let calendars = new
        .iter()
        .filter(|c| differs(c, old))
        .chain(old.iter().filter(|c| new.iter().all(|n| n.id() != c.id())))
        .map(|c| c.id().to_owned())
        .collect();
    (calendars, count_changed_days(old, new))
}

/// The `webhook-id` of the change from the data version `previous` to `new` that came into
/// force at `at` (as the history keeps it): `msg_` and 32 hex digits of
/// SHA-256(`calendar.changed:<previous>:<new>:<at in Unix ms>`). Every replica sharing the
/// state directory reads the same time for the same change, so a subscriber told twice can
/// drop the second; data that flip A → B → A → B give each change its own id, because each
/// coming into force has its own time.
///
/// # Example
/// ```
/// use qixian::webhooks::event_id;
/// let at = chrono::DateTime::UNIX_EPOCH;
/// let later = at + chrono::Duration::seconds(60);
/// assert_eq!(event_id("aaaa", "bbbb", at), "msg_d47528f952627ba0f747ee8ada31eb5f");
/// assert_ne!(event_id("bbbb", "aaaa", at), event_id("aaaa", "bbbb", at), "a change back is another change");
/// assert_ne!(event_id("aaaa", "bbbb", later), event_id("aaaa", "bbbb", at), "and so is the same change made again");
/// ```
pub fn event_id(previous: &str, new: &str, at: DateTime<Utc>) -> String {
    let digest = Sha256::digest(format!(
        "{EVENT_TYPE}:{previous}:{new}:{}",
        at.timestamp_millis()
    ));
    format!("msg_{}", hex(&digest[..16]))
}

/// The body, in the order a reader expects the fields.
#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    timestamp: String,
    data_version: &'a str,
    previous_version: &'a str,
    calendars: &'a [String],
    changed_days: usize,
    changes_url: String,
}

/// A `calendar.changed` event: its `webhook-id` and its JSON body, byte for byte as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The `webhook-id` ([`event_id`]).
    pub id: String,
    /// `{"type": "calendar.changed", "timestamp", "data_version", "previous_version",
    /// "calendars", "changed_days", "changes_url"}`.
    pub body: String,
}

impl Event {
    /// The event of the change from `old` to `new`, which came into force at `at` (the
    /// history's time, the same on every replica: so are the id and the body).
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::CalendarSet;
    /// use qixian::deadline::RuleBook;
    /// use qixian::store::InForce;
    /// use qixian::webhooks::Event;
    /// let set = InForce::new(CalendarSet::embedded().unwrap(), RuleBook::embedded());
    /// let event = Event::calendar_changed(&set, &set, chrono::DateTime::UNIX_EPOCH);
    /// let body: serde_json::Value = serde_json::from_str(&event.body).unwrap();
    /// assert_eq!(body["type"], "calendar.changed");
    /// assert_eq!(body["timestamp"], "1970-01-01T00:00:00Z");
    /// assert_eq!(body["changes_url"], format!("/v1/changes?since={}", set.version()));
    /// ```
    pub fn calendar_changed(old: &InForce, new: &InForce, at: DateTime<Utc>) -> Self {
        let (calendars, changed_days) = diff_summary(old.calendars(), new.calendars());
        let body = Body {
            kind: EVENT_TYPE,
            timestamp: at.to_rfc3339_opts(SecondsFormat::Secs, true),
            data_version: new.version(),
            previous_version: old.version(),
            calendars: &calendars,
            changed_days,
            changes_url: format!("/v1/changes?since={}", old.version()),
        };
        Event {
            id: event_id(old.version(), new.version(), at),
            body: serde_json::to_string(&body).expect("a body of strings and numbers serialises"),
        }
    }
}

/// The counters `/metrics` shows (registered with the others by `http::metrics`).
#[derive(Clone, Debug, Default)]
pub struct WebhookMetrics {
    /// Deliveries a subscriber took (answered 2xx).
    pub deliveries: Counter,
    /// Attempts that failed (an answer not 2xx, no answer, no connection).
    pub failures: Counter,
    /// Deliveries not made yet.
    pub backlog: Gauge,
    /// Deliveries given up: a day of failures, a subscriber no longer configured, a delivery
    /// that could not be kept, or the oldest when [`MAX_BACKLOG`] are waiting.
    pub dropped: Counter,
}

/// How the webhooks are set up.
#[derive(Debug)]
pub struct WebhookSettings {
    /// The subscribers (`QIXIAN_WEBHOOK_URLS`).
    pub targets: Vec<Target>,
    /// The signing key (`QIXIAN_WEBHOOK_SECRET`).
    pub key: SigningKey,
    /// How long one attempt may take (`QIXIAN_WEBHOOK_TIMEOUT_SECS`).
    pub timeout: Duration,
    /// The wait after the first failure, doubled after each further one up to
    /// [`LONGEST_WAIT`] (`QIXIAN_WEBHOOK_RETRY_BASE_MS`).
    pub retry_base: Duration,
    /// `QIXIAN_STATE_DIR`: deliveries are kept in its `webhooks/`; without it, in memory only.
    pub state_dir: Option<PathBuf>,
    /// The database replicas share (`QIXIAN_DATABASE_URL` naming PostgreSQL): when given,
    /// deliveries are its `webhook_outbox`'s rows, not the state directory's files.
    pub shared: Option<Arc<Shared>>,
}

/// Why the webhooks cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// `QIXIAN_WEBHOOK_SECRET` is not a Standard Webhooks secret.
    #[error("QIXIAN_WEBHOOK_SECRET is not valid")]
    Secret(#[source] SecretError),
    /// The HTTP client cannot be built.
    #[error("the webhooks' HTTP client cannot be built")]
    Client(#[source] reqwest::Error),
    /// The directory of kept deliveries cannot be created.
    #[error("{dir} cannot be created to keep webhook deliveries")]
    StateDir {
        /// The directory.
        dir: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// Why an attempt did not deliver.
enum Failure {
    /// The subscriber is no longer in `QIXIAN_WEBHOOK_URLS` (a delivery kept from before a
    /// restart).
    Unsubscribed,
    /// `410 Gone`: the subscriber wants no more of it.
    Gone,
    /// An answer not 2xx, or none; the wait the answer asked for (`Retry-After`), if any.
    Failed(String, Option<Duration>),
}

/// The webhooks: told of every change by the store, they keep a delivery per subscriber and
/// make them in the background.
pub struct Webhooks {
    targets: Vec<Target>,
    key: SigningKey,
    client: reqwest::Client,
    retry_base: Duration,
    backlog: Arc<Backlog>,
    metrics: WebhookMetrics,
    wake: tokio::sync::Notify,
    /// Since when (Unix ms) this replica has had the data in force: a delivery of the next
    /// change that another replica made after that is the same change, told already.
    in_force_since: Mutex<u64>,
}

impl Webhooks {
    /// The webhooks of `settings`, counting in `metrics`. Deliveries kept in the state directory
    /// by an earlier run are made once [`Webhooks::spawn`] runs.
    ///
    /// # Errors
    /// [`WebhookError`] when the HTTP client cannot be built or the directory created.
    pub fn new(settings: WebhookSettings, metrics: WebhookMetrics) -> Result<Self, WebhookError> {
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("qixian/", env!("CARGO_PKG_VERSION")))
            // A redirect is an answer that is not 2xx: the subscriber's URL is the one
            // configured, and its credentials go nowhere else.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(WebhookError::Client)?;
        // A claim older than two attempts and half a minute was left by a replica that
        // stopped mid-delivery.
        let stale_claim = settings.timeout.saturating_mul(2) + Duration::from_secs(30);
        let backlog = match (settings.shared, settings.state_dir) {
            // The sender's first look counts the outbox: start-up does not wait for the
            // database here.
            (Some(shared), _) => Backlog::in_database(shared, stale_claim),
            (None, None) => Backlog::in_memory(),
            (None, Some(dir)) => {
                let dir = dir.join("webhooks");
                Backlog::in_dir(dir.clone(), stale_claim)
                    .map_err(|source| WebhookError::StateDir { dir, source })?
            }
        };
        if !backlog.is_shared() {
            metrics.backlog.set(backlog.len() as i64);
        }
        Ok(Webhooks {
            targets: settings.targets,
            key: settings.key,
            client,
            retry_base: settings.retry_base,
            backlog: Arc::new(backlog),
            metrics,
            wake: tokio::sync::Notify::new(),
            in_force_since: Mutex::new(now_ms()),
        })
    }

    /// Tells every subscriber that the data in force changed from `old` to `new`, in force
    /// since `in_force_since` (nothing when the versions are the same): keeps one delivery
    /// each — written to the state directory before this returns, when there is one — and
    /// wakes the sender. With the database, the change's transaction wrote the deliveries
    /// already ([`Webhooks::outbox_rows`]): this only keeps the outbox under [`MAX_BACKLOG`]
    /// and wakes the sender. Never waits for the network; it reads the two sets (a few
    /// milliseconds) and may write files or rows, so call it where blocking is allowed, as
    /// the store's changes are made.
    pub fn notify(&self, old: &InForce, new: &InForce, in_force_since: DateTime<Utc>) {
        if old.version() == new.version() {
            return;
        }
        if self.backlog.is_shared() {
            tracing::info!(
                webhook_id = %event_id(old.version(), new.version(), in_force_since),
                previous_version = old.version(),
                data_version = new.version(),
                subscribers = self.targets.len(),
                "the data changed: the webhooks' subscribers will be told (from the shared outbox)"
            );
            self.trimmed();
            return;
        }
        let now = now_ms();
        let since = std::mem::replace(
            &mut *self
                .in_force_since
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
            now,
        );
        let event = Event::calendar_changed(old, new, in_force_since);
        tracing::info!(
            webhook_id = %event.id,
            previous_version = old.version(),
            data_version = new.version(),
            subscribers = self.targets.len(),
            "the data changed: the webhooks' subscribers will be told"
        );
        self.keep(&event, now, since);
    }

    /// The rows the change from `old` to `new`, in force since `since`, writes into the
    /// shared outbox in its own transaction: one delivery of its `calendar.changed` event per
    /// subscriber, due now (none when the versions are the same). Every replica that records
    /// or follows the same change gives the same ids and bodies; the first rows written are
    /// the ones kept.
    pub fn outbox_rows(
        &self,
        old: &InForce,
        new: &InForce,
        since: DateTime<Utc>,
    ) -> Vec<OutboxRow> {
        if old.version() == new.version() {
            return Vec::new();
        }
        let event = Event::calendar_changed(old, new, since);
        self.deliveries(&event, now_ms())
            .map(OutboxRow::from)
            .collect()
    }

    /// One delivery of `event` per subscriber, made and due at `now` (Unix ms).
    fn deliveries<'a>(
        &'a self,
        event: &'a Event,
        now: u64,
    ) -> impl Iterator<Item = KeptDelivery> + 'a {
        self.targets.iter().map(move |target| KeptDelivery {
            id: event.id.clone(),
            target: target.key.clone(),
            url: target.to_string(),
            created_ms: now,
            attempts: 0,
            next_attempt_ms: now,
            body: event.body.clone(),
        })
    }

    /// Keeps one delivery of `event` per subscriber, made at `now` (Unix ms) — unless the same
    /// delivery is kept already or, in a directory or the database, was made at or after
    /// `since` — and wakes the sender.
    fn keep(&self, event: &Event, now: u64, since: u64) {
        for kept in self.deliveries(event, now) {
            match self.backlog.add(&kept, since) {
                Ok(true) => {}
                Ok(false) => tracing::info!(
                    webhook_id = %event.id,
                    url = %kept.url,
                    "this change is being told or was told already (by another replica)"
                ),
                Err(e) => {
                    self.metrics.dropped.inc();
                    tracing::error!(
                        webhook_id = %event.id,
                        url = %kept.url,
                        "a webhook delivery cannot be kept, and is dropped: {e}"
                    );
                }
            }
        }
        self.trimmed();
    }

    /// Drops the oldest deliveries beyond [`MAX_BACKLOG`], sets the gauge and wakes the
    /// sender.
    fn trimmed(&self) {
        match self.backlog.trim(MAX_BACKLOG) {
            Ok(dropped) => {
                for name in &dropped {
                    tracing::error!(delivery = %name, "a webhook delivery is dropped: {MAX_BACKLOG} are waiting, and it is the oldest");
                }
                self.metrics.dropped.inc_by(dropped.len() as u64);
            }
            Err(e) => tracing::error!(
                "the webhook deliveries cannot be counted to keep them under {MAX_BACKLOG}: {e}"
            ),
        }
        self.metrics.backlog.set(self.backlog.len() as i64);
        self.wake.notify_one();
    }

    /// Makes the deliveries in the background, until the runtime stops or the task is aborted
    /// (a delivery in flight is then left to be made, by the next start or another replica).
    pub fn spawn(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                let wait = self.deliver_due().await;
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = self.wake.notified() => {}
                }
            }
        })
    }

    /// Makes every delivery due now, at most [`AT_ONCE`] at a time, and says how long to wait
    /// before the next look. Each delivery is claimed just before its attempt and settled just
    /// after it: a claim covers one attempt, never the wait behind a hanging subscriber's other
    /// attempts, so another replica never finds it old enough to take back while it is sent.
    async fn deliver_due(&self) -> Duration {
        let now = now_ms();
        let backlog = self.backlog.clone();
        let Ok(scan) = tokio::task::spawn_blocking(move || backlog.scan(now)).await else {
            return RESCAN;
        };
        self.metrics.backlog.set(scan.backlog as i64);
        self.metrics.dropped.inc_by(scan.unreadable);
        if scan.due.is_empty() {
            let until_next = scan
                .next_ms
                .map_or(RESCAN, |at| Duration::from_millis(at.saturating_sub(now)));
            return until_next.clamp(Duration::from_millis(10), RESCAN);
        }
        futures_util::stream::iter(scan.due)
            .for_each_concurrent(AT_ONCE, |name| self.attempt(name))
            .await;
        let backlog = self.backlog.clone();
        if let Ok(left) = tokio::task::spawn_blocking(move || backlog.len()).await {
            self.metrics.backlog.set(left as i64);
        }
        // A retry may be due at once (its day is over): look again now.
        Duration::ZERO
    }

    /// One attempt of the delivery `name`: claimed now (unless another replica has it, or
    /// made it, since the scan), sent, and its outcome kept before the claim is let go.
    async fn attempt(&self, name: String) {
        let backlog = self.backlog.clone();
        let claimed = tokio::task::spawn_blocking(move || backlog.claim(&name, now_ms())).await;
        let Ok(Some(claim)) = claimed else {
            return;
        };
        let outcome = self.send(&claim.kept).await;
        let how = self.settle(&claim.kept, outcome);
        let backlog = self.backlog.clone();
        let _ = tokio::task::spawn_blocking(move || {
            let name = claim.kept.name();
            if let Err(e) = backlog.settle(claim, how, now_ms()) {
                tracing::error!(delivery = %name, "a webhook delivery's outcome cannot be kept: {e}");
            }
        })
        .await;
    }

    /// Counts and logs an attempt's outcome, and says what becomes of the delivery.
    fn settle(&self, kept: &KeptDelivery, outcome: Result<(), Failure>) -> Settle {
        match outcome {
            Ok(()) => {
                self.metrics.deliveries.inc();
                tracing::info!(webhook_id = %kept.id, url = %kept.url, attempt = kept.attempts + 1, "webhook delivered");
                Settle::Delivered
            }
            Err(Failure::Unsubscribed) => {
                self.metrics.dropped.inc();
                tracing::warn!(webhook_id = %kept.id, url = %kept.url, "a kept webhook delivery is dropped: its URL is no longer in QIXIAN_WEBHOOK_URLS");
                Settle::Drop
            }
            Err(Failure::Gone) => {
                self.metrics.dropped.inc();
                tracing::warn!(webhook_id = %kept.id, url = %kept.url, "the subscriber answered 410 Gone: this delivery stops (the next change is sent all the same)");
                Settle::Drop
            }
            Err(Failure::Failed(why, asked)) => {
                self.metrics.failures.inc();
                match reschedule(kept, now_ms(), self.retry_base, asked, fastrand::f64()) {
                    Some(next) => {
                        let wait_ms = next.next_attempt_ms.saturating_sub(now_ms());
                        tracing::warn!(webhook_id = %kept.id, url = %kept.url, attempt = next.attempts, retry_in_ms = wait_ms, "webhook not delivered: {why}");
                        Settle::Retry(next)
                    }
                    None => {
                        self.metrics.dropped.inc();
                        tracing::error!(webhook_id = %kept.id, url = %kept.url, attempts = kept.attempts + 1, "webhook given up after a day of failures: {why}");
                        Settle::Drop
                    }
                }
            }
        }
    }

    /// One attempt: POST the body, signed now.
    async fn send(&self, kept: &KeptDelivery) -> Result<(), Failure> {
        let target = self
            .targets
            .iter()
            .find(|t| t.key == kept.target)
            .ok_or(Failure::Unsubscribed)?;
        let timestamp = Utc::now().timestamp();
        let signature = self.key.sign(&kept.id, timestamp, &kept.body);
        let sent = self
            .client
            .post(target.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &kept.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(kept.body.clone())
            .send()
            .await;
        match sent {
            Ok(answer) if answer.status().is_success() => Ok(()),
            Ok(answer) if answer.status() == reqwest::StatusCode::GONE => Err(Failure::Gone),
            Ok(answer) => Err(Failure::Failed(
                format!("HTTP {}", answer.status()),
                retry_after(answer.headers()),
            )),
            Err(e) => Err(Failure::Failed(error_chain(&e.without_url()), None)),
        }
    }
}

/// The wait after the `failures`-th failure in a row: `base`, doubled after each further
/// failure, at most [`LONGEST_WAIT`], less up to a quarter by `jitter` (0 to 1, drawn at
/// random) so that replicas and subscribers do not retry in step.
fn retry_wait(failures: u32, base: Duration, jitter: f64) -> Duration {
    let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(31));
    let wait = base.saturating_mul(factor).min(LONGEST_WAIT);
    wait.mul_f64(1.0 - jitter.clamp(0.0, 1.0) / 4.0)
}

/// The wait a `Retry-After` header asks for, in seconds (a date is not read), at most
/// [`LONGEST_WAIT`].
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds).min(LONGEST_WAIT))
}

/// The delivery after a failed attempt at `now_ms`: due again after [`retry_wait`] or the wait
/// the subscriber `asked` for, whichever is longer, but never later than [`RETRY_FOR`] after its
/// event (a last attempt then); `None` once that is past.
fn reschedule(
    kept: &KeptDelivery,
    now_ms: u64,
    base: Duration,
    asked: Option<Duration>,
    jitter: f64,
) -> Option<KeptDelivery> {
    let horizon = kept.created_ms.saturating_add(millis(RETRY_FOR));
    if now_ms >= horizon {
        return None;
    }
    let mut next = kept.clone();
    next.attempts = kept.attempts.saturating_add(1);
    let wait = retry_wait(next.attempts, base, jitter).max(asked.unwrap_or_default());
    next.next_attempt_ms = now_ms.saturating_add(millis(wait)).min(horizon);
    Some(next)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, millis)
}

#[cfg(test)]
mod tests;
