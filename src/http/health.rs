//! The database as the operator sees it (`/readyz`, `/metrics`): whether it answered the last
//! probe and when, the migration it is at and, on PostgreSQL, the webhook outbox's backlog.
//!
//! A readiness probe must neither wait on the database nor fail because of it (the calendars
//! answer from memory while it is down), so the database is probed in the background, every
//! [`PROBE_EVERY`] with a [`PROBE_TIMEOUT`], and the handlers only read the last outcome.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use chrono::{DateTime, SecondsFormat, Utc};

use crate::registers::Registers;

/// How often the database is probed.
pub const PROBE_EVERY: Duration = Duration::from_secs(5);
/// How long one probe may take before the database counts as unreachable: well inside
/// [`PROBE_EVERY`], so that probes never pile up.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The last probe's outcome, as `/readyz` shows it under `database`.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Checked {
    /// Whether the last probe was answered; none before the first has ended.
    pub reachable: Option<bool>,
    /// When the last probe ended.
    #[serde(serialize_with = "rfc3339")]
    pub checked_at: Option<DateTime<Utc>>,
    /// How long the last probe took, in seconds.
    pub probe_seconds: Option<f64>,
    /// When a probe was last answered: the two figures below are as read then.
    #[serde(serialize_with = "rfc3339")]
    pub reached_at: Option<DateTime<Utc>>,
    /// The highest migration applied to the database.
    pub migration_version: Option<i64>,
    /// Webhook deliveries waiting in the database's outbox (PostgreSQL only).
    pub webhook_outbox_waiting: Option<i64>,
}

fn rfc3339<S: serde::Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::Millis, true)),
        None => s.serialize_none(),
    }
}

/// The database's health, kept up to date by a background task.
#[derive(Debug, Default)]
pub struct Database {
    last: ArcSwap<Checked>,
}

impl Database {
    /// Starts probing `registers`' database on the current tokio runtime (none: never probed,
    /// as in a benchmark's bare state). The task ends with the last handle on the result.
    pub fn watch(registers: Registers) -> Arc<Self> {
        let database = Arc::new(Database::default());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(probe_forever(Arc::downgrade(&database), registers));
        }
        database
    }

    /// The last probe's outcome.
    pub fn last(&self) -> Arc<Checked> {
        self.last.load_full()
    }

    /// Probes once and keeps the outcome; says in the log when the database goes away or
    /// comes back.
    async fn check(&self, registers: &Registers) {
        if !registers.is_migrated() {
            // The migrations run in a task of their own, so that the probe's timeout never
            // cuts one short (it would roll back and start again at every probe).
            let registers = registers.clone();
            tokio::spawn(async move { registers.ready().await.map(|_| ()) });
        }
        let started = Instant::now();
        let outcome = tokio::time::timeout(PROBE_TIMEOUT, registers.probe()).await;
        let took = started.elapsed().as_secs_f64();
        let now = Utc::now();
        let previous = self.last();
        let next = match outcome {
            Ok(Ok(probed)) => {
                if previous.reachable == Some(false) {
                    tracing::info!("the database answers again");
                }
                Checked {
                    reachable: Some(true),
                    checked_at: Some(now),
                    probe_seconds: Some(took),
                    reached_at: Some(now),
                    migration_version: Some(probed.migration_version),
                    webhook_outbox_waiting: probed.outbox_waiting,
                }
            }
            failed => {
                if previous.reachable != Some(false) {
                    let cause = match failed {
                        Ok(Err(e)) => crate::base::error_chain(&e),
                        _ => format!("no answer within {} s", PROBE_TIMEOUT.as_secs()),
                    };
                    tracing::warn!(%cause, "the database does not answer");
                }
                Checked {
                    reachable: Some(false),
                    checked_at: Some(now),
                    probe_seconds: Some(took),
                    ..Checked::clone(&previous)
                }
            }
        };
        self.last.store(Arc::new(next));
    }
}

/// Probes every [`PROBE_EVERY`] while anyone holds the result.
async fn probe_forever(database: Weak<Database>, registers: Registers) {
    let mut ticks = tokio::time::interval(PROBE_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(database) = database.upgrade() else {
            return;
        };
        database.check(&registers).await;
    }
}
