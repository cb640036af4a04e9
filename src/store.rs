//! The holiday data in force: the embedded files, the feed files accepted earlier (kept in the
//! state directory) and the operator's files, compiled and swapped in one step. A file that
//! fails the checks is refused, says why in the status, and the data stay as they were.
//!
//! Precedence, lowest first: embedded < feed < operator file (a local notice is the authority).
//! Every file is checked by one rule ([`DataSet::check`]) against the file it would replace: a
//! feed file against the embedded file of its year, an operator file against what the embedded
//! and feed files give — the same check when the feed offers a file and when the data are
//! rebuilt from the state directory, so a file accepted once is accepted again at a restart.
//!
//! Changes (a reload, a feed file, a withdrawal) are serialised by one lock, which only changes
//! take; requests read the data and the status from atomic snapshots and never wait for one.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::base::files::write_whole;
use crate::base::{hex, without_credentials};
use crate::calendar::diff::{DayChange, changed_days};
use crate::calendar::hours::HOURS_FILE;
use crate::calendar::{CalendarSet, CalendarSpec, DataError, DataSet, Origin};
use crate::deadline::{RuleBook, RuleOrigin, RuleSet};

mod fed;
mod files;
pub mod history;
mod in_force;
mod kept;
mod operator;
mod rules;
mod shared_state;
mod start_up;

use fed::FeedFile;
pub use fed::{FeedFileStatus, FeedRefusal, FeedStatus, Offer};
use files::{read_bounded, relative, year_files};
pub use history::{History, HistoryError, Kept};
use history::{Inputs, LayerInput, Recipe, Recorded, RuleInput};
pub use in_force::InForce;
pub use kept::Changes;
pub use operator::OperatorStatus;
pub use rules::RulesStatus;
use shared_state::FeedChange;
pub use shared_state::Follower;
use start_up::StartUpChange;

pub use crate::config::DEFAULT_HISTORY_MAX;

/// How many kept versions other than the one in force are held compiled at once. Every
/// compiled set covers the same fixed range of days, so each weighs about the same (a few
/// megabytes): the count is the weight, and the bound is strict — the oldest is dropped in the
/// same step that adds a new one (moka's cache evicted lazily, and 50 versions asked in a burst
/// were all held at once). Compiling one again takes about 13 ms.
pub const COMPILED_KEPT: usize = 2;

/// The largest holiday file read from disk or the feed; a year's notice is a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The feed's layer: holiday-cn publishes the national arrangement.
pub const FEED_CALENDAR: &str = "cn";

/// The store's status, read by requests without waiting.
#[derive(Clone, Debug, Default)]
struct Status {
    feed: FeedStatus,
    operator: OperatorStatus,
    rules: RulesStatus,
}

/// A yearly notice that the data lack for this year or the next, with no feed configured to
/// bring it: until an operator file or a new release does, that year's days are estimated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AwaitedNotice {
    /// The year.
    pub year: i32,
    /// The layer whose notice is missing.
    pub layer: String,
    /// The operator file that would bring it, relative to `QIXIAN_HOLIDAYS_DIR`.
    pub operator_file: String,
}

/// Why the store cannot be opened, or a change cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The state directory cannot be created.
    #[error("QIXIAN_STATE_DIR={dir} cannot be created")]
    StateDir {
        /// The directory.
        dir: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// No feed file of that year is held.
    #[error("no feed file of {0} is held")]
    NoFeedFile(i32),
    /// The shared database cannot record the change: it is not made.
    #[error("the shared database cannot record the change, which is not made")]
    Database(#[source] crate::registers::RegistersError),
}

#[derive(Clone)]
struct Sources {
    /// Accepted feed files by year.
    feed_files: BTreeMap<i32, FeedFile>,
    /// The files an operator withdrew, by year: the same bytes are not taken again.
    withdrawn: BTreeMap<i32, [u8; 32]>,
}

/// Where the store finds its files and how much history it keeps: the settings
/// `QIXIAN_HOLIDAYS_DIR`, `QIXIAN_STATE_DIR`, `QIXIAN_FEED_URL`, `QIXIAN_RULES_DIR` and
/// `QIXIAN_HISTORY_MAX`. The default has no directories and no feed (the embedded data only)
/// and keeps [`DEFAULT_HISTORY_MAX`] versions.
#[derive(Clone, Debug)]
pub struct StoreSettings {
    /// The operator's holiday files (`QIXIAN_HOLIDAYS_DIR`).
    pub operator_dir: Option<PathBuf>,
    /// Accepted feed files, withdrawals and the history (`QIXIAN_STATE_DIR`).
    pub state_dir: Option<PathBuf>,
    /// The feed's URL (`QIXIAN_FEED_URL`), shown without credentials in the status.
    pub feed_url: Option<String>,
    /// The operator's rule files (`QIXIAN_RULES_DIR`).
    pub rules_dir: Option<PathBuf>,
    /// How many versions the history keeps (`QIXIAN_HISTORY_MAX`).
    pub history_max: usize,
    /// The shared database (a `postgres://` `QIXIAN_DATABASE_URL`): when given, the history,
    /// the feed's files and withdrawals and the version in force live there, not in
    /// `state_dir`, and every change is recorded there before it is made.
    pub shared: Option<Arc<crate::shared::Shared>>,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            operator_dir: None,
            state_dir: None,
            feed_url: None,
            rules_dir: None,
            history_max: DEFAULT_HISTORY_MAX,
            shared: None,
        }
    }
}

/// The data in force and where they came from.
pub struct Store {
    specs: Vec<CalendarSpec>,
    embedded: DataSet,
    operator_dir: Option<PathBuf>,
    state_dir: Option<PathBuf>,
    rules_dir: Option<PathBuf>,
    current: ArcSwap<InForce>,
    status: ArcSwap<Status>,
    /// Taken by changes only, never by a request.
    sources: Mutex<Sources>,
    /// Bumped on every change of data or status, so that cached answers that show a status
    /// are never served stale.
    generation: AtomicU64,
    /// Told of every change of the data in force: see [`Store::on_change`].
    on_change: Mutex<Vec<ChangeHook>>,
    /// Every version that has been in force, as the inputs that compile to it.
    history: History,
    /// Kept versions asked for lately, compiled, the most recent last; never more than
    /// [`COMPILED_KEPT`].
    compiled: Mutex<Vec<Arc<InForce>>>,
    /// How many times a kept version was compiled again (for tests and `/metrics`).
    compilations: AtomicU64,
    /// Called in the transaction that records a change in the shared database.
    on_record: Mutex<Vec<Arc<OutboxHook>>>,
    /// The newest version of the shared database this build could not compile to itself:
    /// not tried again until another is newest.
    unfollowed: Mutex<Option<String>>,
    /// The change of the data in force that [`Store::open`] made, until
    /// [`Store::tell_start_up_change`] tells it.
    start_up: Mutex<Option<StartUpChange>>,
}

/// A compile of the sources, before it is put in force.
struct Compiled {
    set: Arc<InForce>,
    inputs: Inputs,
    files: Vec<FeedFileStatus>,
    operator: OperatorStatus,
    rules: RulesStatus,
}

/// What [`Store::on_change`] calls with the data before and after a change.
/// The third argument is when `new` came into force as the history keeps it (see
/// [`History::record`]): with the two versions, it names this change among all others, even
/// one that brings back a version that was in force before.
pub type ChangeHook = Box<dyn Fn(&Arc<InForce>, &Arc<InForce>, DateTime<Utc>) + Send + Sync>;

/// Gives the outbox rows of a change of the data in force from `old` to `new`, in force since
/// the time given: with PostgreSQL, called inside the change's transaction (so it must not
/// block or fail), and its rows written there (see [`crate::shared::OutboxRow`]).
pub type OutboxHook =
    Box<dyn Fn(&InForce, &InForce, DateTime<Utc>) -> Vec<crate::shared::OutboxRow> + Send + Sync>;

impl Store {
    /// Loads the embedded data, the feed files accepted before (from the state directory),
    /// and the operator's files, and compiles them, as `settings` say.
    ///
    /// # Errors
    /// [`StoreError::StateDir`] when the state directory cannot be created; refused files are
    /// reported in the status and the log, not here.
    pub fn open(
        specs: Vec<CalendarSpec>,
        embedded: DataSet,
        settings: StoreSettings,
    ) -> Result<Self, StoreError> {
        let StoreSettings {
            operator_dir,
            state_dir,
            feed_url,
            rules_dir,
            history_max,
            shared,
        } = settings;
        let state_error = |dir: &PathBuf| {
            let dir = dir.clone();
            move |source| StoreError::StateDir { dir, source }
        };
        if let Some(dir) = &state_dir {
            fs::create_dir_all(dir.join(FEED_CALENDAR)).map_err(state_error(dir))?;
        }
        let history = match (&shared, &state_dir) {
            (Some(shared), _) => History::shared(shared.clone(), history_max),
            (None, Some(dir)) => History::open(Some(dir), history_max).map_err(state_error(dir))?,
            (None, None) => {
                History::open(None, history_max).map_err(state_error(&PathBuf::new()))?
            }
        };
        let initial = InForce::new(
            CalendarSet::compile(&specs, &embedded),
            RuleBook::embedded(),
        );
        let store = Store {
            specs,
            current: ArcSwap::from_pointee(initial),
            status: ArcSwap::from_pointee(Status {
                feed: FeedStatus {
                    url: feed_url.as_deref().map(without_credentials),
                    healthy: true,
                    ..FeedStatus::default()
                },
                operator: OperatorStatus::default(),
                rules: RulesStatus::default(),
            }),
            sources: Mutex::new(Sources {
                feed_files: BTreeMap::new(),
                withdrawn: BTreeMap::new(),
            }),
            embedded,
            operator_dir,
            state_dir,
            rules_dir,
            generation: AtomicU64::new(0),
            on_change: Mutex::new(Vec::new()),
            history,
            compiled: Mutex::new(Vec::with_capacity(COMPILED_KEPT + 1)),
            compilations: AtomicU64::new(0),
            on_record: Mutex::new(Vec::new()),
            unfollowed: Mutex::new(None),
            start_up: Mutex::new(None),
        };
        {
            let mut sources = store.lock();
            let mut reached = true;
            let (files, withdrawn) = match store.history.database() {
                None => store.persisted(),
                Some(shared) => match shared_state::read(shared, &store.history) {
                    Ok(state) => (state.files, state.withdrawn),
                    Err(e) => {
                        tracing::error!(cause = %crate::base::error_chain(&e), "the shared database cannot be reached: the data in force are the embedded and operator files until it is, then those it holds");
                        reached = false;
                        (BTreeMap::new(), BTreeMap::new())
                    }
                },
            };
            sources.feed_files = files;
            sources.withdrawn = withdrawn;
            let compiled = store.compile_sources(&sources);
            // Not tried again at once when the database was just found down (start-up would
            // wait for it twice); the follower takes what it holds once it is back.
            let recorded = match reached {
                true => store.record(&compiled, FeedChange::None),
                false => Ok(Recorded::replacing_none(Utc::now())),
            };
            let recorded = recorded.unwrap_or_else(|e| {
                tracing::error!(cause = %crate::base::error_chain(&e), data_version = compiled.set.version(), "the version in force could not be recorded");
                Recorded::replacing_none(Utc::now())
            });
            // The hooks are not registered yet: told later, by tell_start_up_change.
            if let Some(previous) = recorded.replaced {
                *store.start_up_lock() = Some(StartUpChange {
                    previous,
                    new: compiled.set.clone(),
                    since: recorded.since,
                });
            }
            store.put_in_force(compiled, recorded.since);
        }
        Ok(store)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Sources> {
        self.sources.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn spec(&self, id: &str) -> Option<&CalendarSpec> {
        self.specs.iter().find(|s| s.id == id)
    }

    /// Changes the status, and the generation with it.
    fn set_status(&self, change: impl FnOnce(&mut Status)) {
        let mut status = Status::clone(&self.status.load());
        change(&mut status);
        self.status.store(Arc::new(status));
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The calendars and rules in force; a request keeps this one version throughout.
    pub fn in_force(&self) -> Arc<InForce> {
        self.current.load_full()
    }

    /// Changes whenever the data or their status change.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The yearly notices that `today`'s year and the next lack in `set` (the data a request
    /// holds, so that the answer names the same data throughout) and that nothing configured
    /// will bring: every layer's but the national one when a feed is configured (the feed
    /// serves only the national layer).
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::{DataSet, spec::{parse_specs, EMBEDDED_SPECS}};
    /// use qixian::store::Store;
    /// let store = Store::open(parse_specs(EMBEDDED_SPECS).unwrap(), DataSet::embedded().unwrap(), Default::default()).unwrap();
    /// let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    /// let awaited: Vec<_> = store.awaited_notices(&store.in_force(), today).into_iter().map(|a| (a.year, a.layer)).collect();
    /// assert_eq!(awaited, [(2027, "cn".to_owned()), (2027, "cn-xj".to_owned())]);
    /// ```
    pub fn awaited_notices(&self, set: &InForce, today: chrono::NaiveDate) -> Vec<AwaitedNotice> {
        use chrono::Datelike;
        let by_feed = self.status.load().feed.url.is_some();
        let mut awaited: Vec<AwaitedNotice> = Vec::new();
        for calendar in set.iter() {
            for year in [today.year(), today.year() + 1] {
                let layers = calendar
                    .year(year)
                    .map(|y| y.awaiting.clone())
                    .unwrap_or_default();
                for layer in layers {
                    let fed = by_feed && layer == FEED_CALENDAR;
                    if fed || awaited.iter().any(|a| a.year == year && a.layer == layer) {
                        continue;
                    }
                    awaited.push(AwaitedNotice {
                        year,
                        operator_file: format!("{layer}/{year}.json"),
                        layer,
                    });
                }
            }
        }
        awaited.sort_by(|a, b| (a.year, &a.layer).cmp(&(b.year, &b.layer)));
        awaited
    }

    /// Calls `hook(old, new)` after every change that gives the data in force a new version
    /// (a reload of the operator's files or the rules, an accepted feed file, a withdrawal, a
    /// version another replica recorded), once the new data are in force. The first compile in
    /// [`Store::open`], made before any hook is registered, is told later, by
    /// [`Store::tell_start_up_change`]. Changes are made one at a time, so hooks are called in
    /// order, from the thread making the change (a blocking one): a hook may write files but
    /// must not wait for the network.
    pub fn on_change(&self, hook: ChangeHook) {
        self.on_change
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(hook);
    }

    /// Calls `hook(old, new, since)` in the transaction that records a change of the data in
    /// force in the shared database (a `postgres://` `QIXIAN_DATABASE_URL`), and writes the
    /// rows it gives into `webhook_outbox` there (a row already there is left as it is): the
    /// deliveries a change causes are recorded with it, or not at all. Not called without a
    /// shared database, nor for a change another replica recorded first. The change that
    /// [`Store::open`] recorded is given to it later, outside that transaction, by
    /// [`Store::tell_start_up_change`].
    pub fn on_record(&self, hook: OutboxHook) {
        self.on_record
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Arc::new(hook));
    }

    /// Calls the hooks, if the version changed.
    fn changed(&self, old: &Arc<InForce>, new: &Arc<InForce>, since: DateTime<Utc>) {
        if old.version() == new.version() {
            return;
        }
        for hook in self
            .on_change
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            hook(old, new, since);
        }
    }

    /// Compiles embedded + feed + operator files, records the version (with what `feed`
    /// does, in the shared database) and swaps it in.
    ///
    /// # Errors
    /// [`StoreError::Database`] when the shared database cannot record it: nothing changes.
    fn rebuild(&self, sources: &Sources, feed: FeedChange) -> Result<(), StoreError> {
        let compiled = self.compile_sources(sources);
        let recorded = self.record(&compiled, feed)?;
        self.put_in_force(compiled, recorded.since);
        Ok(())
    }

    fn compile_sources(&self, sources: &Sources) -> Compiled {
        let mut data = self.embedded.clone();
        let files = self.feed_layer(&mut data, sources);
        let operator = self.operator_layer(&mut data);
        let (rules, rules_status) = self.rule_sets();
        let set = InForce::new(CalendarSet::compile(&self.specs, &data), rules);
        tracing::info!(
            data_version = set.version(),
            "holiday data and rules compiled"
        );
        Compiled {
            inputs: set.inputs(&data),
            set: Arc::new(set),
            files,
            operator,
            rules: rules_status,
        }
    }

    /// Keeps the version compiled in the history; returns when it came into force as kept, and
    /// the version it replaced as the newest, if it did. In the shared database, the change's
    /// outbox rows are written in the same transaction.
    ///
    /// # Errors
    /// [`StoreError::Database`] when the shared database cannot record it; a state directory
    /// that cannot is logged, and the data go in force all the same.
    fn record(&self, compiled: &Compiled, feed: FeedChange) -> Result<Recorded, StoreError> {
        let now = Utc::now();
        let version = compiled.set.version();
        let Some(shared) = self.history.database() else {
            return Ok(self
                .history
                .record(version, &compiled.inputs, now)
                .unwrap_or_else(|e| {
                    tracing::error!(data_version = version, "the version could not be kept: {e}");
                    Recorded::replacing_none(now)
                }));
        };
        let mut change = shared_state::Change::new(version, &compiled.inputs, now);
        change.feed = feed;
        let hooks = self
            .on_record
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let (old, new) = (self.in_force(), compiled.set.clone());
        if !hooks.is_empty() && old.version() != new.version() {
            change.outbox = Some(Box::new(move |since| {
                hooks
                    .iter()
                    .flat_map(|hook| hook(&old, &new, since))
                    .collect()
            }));
        }
        shared_state::record(shared, &self.history, change).map_err(StoreError::Database)
    }

    /// Swaps the compiled data in, sets the status and tells the hooks.
    fn put_in_force(&self, compiled: Compiled, since: DateTime<Utc>) {
        let previous = self.current.swap(compiled.set.clone());
        self.set_status(|status| {
            status.operator = compiled.operator;
            status.feed.files = compiled.files;
            status.rules = compiled.rules;
        });
        self.changed(&previous, &compiled.set, since);
    }
}

#[cfg(test)]
mod shared_tests;
#[cfg(test)]
mod tests;
