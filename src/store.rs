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
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::calendar::diff::{DayChange, changed_days};
use crate::calendar::hours::HOURS_FILE;
use crate::calendar::{CalendarSet, CalendarSpec, DataError, DataSet, Origin};
use crate::deadline::{RuleBook, RuleOrigin, RuleSet};

pub mod history;

pub use history::{DEFAULT_HISTORY_MAX, History, HistoryError, Kept};
use history::{Inputs, LayerInput, Recipe, RuleInput};

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

/// One feed file the store holds: in force, or refused when the data were rebuilt.
#[derive(Clone, Debug, Serialize)]
pub struct FeedFileStatus {
    /// Its year.
    pub year: i32,
    /// Where it came from (credentials removed).
    pub url: String,
    /// The SHA-256 of its bytes, in hex.
    pub sha256: String,
    /// Whether it is in force; if not, `refused` says why.
    pub in_force: bool,
    /// Why the last rebuild refused it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// A file the feed offered and the checks refused.
#[derive(Clone, Debug, Serialize)]
pub struct FeedRefusal {
    /// Its year.
    pub year: i32,
    /// Why.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// What the feed did last, for `/v1/calendars` and `/metrics`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FeedStatus {
    /// The feed's base URL, credentials removed.
    pub url: Option<String>,
    /// The last attempt.
    pub last_tried: Option<DateTime<Utc>>,
    /// The last attempt that reached the feed and found nothing wrong.
    pub last_success: Option<DateTime<Utc>>,
    /// The last time a new file from the feed was put in force.
    pub last_accepted: Option<DateTime<Utc>>,
    /// One line per year fetched at the last attempt (`2027: accepted`, `2028: not published`).
    pub last_outcome: Vec<String>,
    /// Whether the last attempt reached the feed and found nothing wrong.
    pub healthy: bool,
    /// The feed files held, year by year: which is in force and which the checks refused.
    pub files: Vec<FeedFileStatus>,
    /// The last refusal of an offered file, year by year.
    pub refused: Vec<FeedRefusal>,
    /// Why the last accepted file could not be written to the state directory, if it could
    /// not: it is in force, but a restart without the feed would lose it.
    pub persist_error: Option<String>,
    /// How many accepted files could not be written to the state directory.
    pub persist_failures: u64,
}

/// What the operator's directory held at the last reload.
#[derive(Clone, Debug, Default, Serialize)]
pub struct OperatorStatus {
    /// `QIXIAN_HOLIDAYS_DIR` when that directory is set (the setting's name, never its path).
    pub dir: Option<String>,
    /// The files in force, relative to it.
    pub files: Vec<String>,
    /// Files refused, each with the reason, relative to it.
    pub refused: Vec<String>,
}

/// What the rules directory held at the last reload.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RulesStatus {
    /// `QIXIAN_RULES_DIR` when that directory is set (the setting's name, never its path).
    pub dir: Option<String>,
    /// The rule files in force, relative to it.
    pub files: Vec<String>,
    /// Files refused, each with its errors (file, rule, key), relative to it; a refused
    /// file's set keeps the version in force before, if any.
    pub refused: Vec<String>,
}

/// Everything in force at once — the calendars and the rules — with one version, so that a
/// request answers from one of each and its ETag names both.
#[derive(Debug)]
pub struct InForce {
    calendars: CalendarSet,
    rules: RuleBook,
    version: String,
}

impl InForce {
    /// The calendars and the rules, under one version.
    pub fn new(calendars: CalendarSet, rules: RuleBook) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(calendars.version())
            .chain_update(rules.version())
            .finalize();
        InForce {
            version: hex(&digest[..8]),
            calendars,
            rules,
        }
    }

    /// The inputs that compile to it, with their bytes: what the history keeps of it.
    fn inputs(&self, data: &DataSet) -> Inputs {
        let hex_of = |sha: &[u8; 32]| hex(sha);
        let mut inputs = Inputs::default();
        for (layer, year, file) in data.files() {
            let input = LayerInput {
                layer: layer.to_owned(),
                year: Some(year),
                origin: file.origin.clone(),
                sha256: hex_of(&file.sha256),
            };
            inputs.layers.push((input, file.bytes.clone()));
        }
        for (layer, hours) in data.all_hours() {
            let input = LayerInput {
                layer: layer.to_owned(),
                year: None,
                origin: hours.origin.clone(),
                sha256: hex_of(&hours.sha256),
            };
            inputs.layers.push((input, hours.bytes.clone()));
        }
        for set in self.rules.sets() {
            let bytes: Arc<[u8]> = Arc::from(set.text.as_bytes());
            let input = RuleInput {
                set: set.id.clone(),
                shown: set.file.clone(),
                origin: set.origin.clone(),
                sha256: hex(&Sha256::digest(&bytes)),
            };
            inputs.rules.push((input, bytes));
        }
        inputs
    }

    /// The data version: a digest of every calendar and rule in force (`x-data-version`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The calendars.
    pub fn calendars(&self) -> &CalendarSet {
        &self.calendars
    }

    /// The rules.
    pub fn rules(&self) -> &RuleBook {
        &self.rules
    }
}

impl std::ops::Deref for InForce {
    type Target = CalendarSet;

    /// The calendars, which most requests use.
    fn deref(&self) -> &CalendarSet {
        &self.calendars
    }
}

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

impl AwaitedNotice {
    /// What it means, in `lang`.
    pub fn message(&self, lang: crate::text::Lang) -> String {
        lang.says().awaited_notice(
            self.year,
            &self.layer,
            &self.operator_file,
            self.layer == FEED_CALENDAR,
        )
    }
}

impl std::fmt::Display for AwaitedNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(crate::text::Lang::En))
    }
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
}

/// What a feed file did to the data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Offer {
    /// Checked, persisted and in force.
    Accepted,
    /// The same bytes are in force already.
    Unchanged,
}

/// A feed file the store holds.
#[derive(Clone, Debug)]
struct FeedFile {
    bytes: Vec<u8>,
    url: String,
    sha256: [u8; 32],
}

struct Sources {
    /// Accepted feed files by year.
    feed_files: BTreeMap<i32, FeedFile>,
    /// The files an operator withdrew, by year: the same bytes are not taken again.
    withdrawn: BTreeMap<i32, [u8; 32]>,
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
}

/// What changed in one calendar between a kept version and the one in force.
#[derive(Clone, Debug)]
pub struct Changes {
    /// The version asked about.
    pub since: String,
    /// The version in force.
    pub data_version: String,
    /// The versions from `since` to the one in force, in the order they came into force.
    pub versions: Vec<Kept>,
    /// Every day that differs, in date order.
    pub days: Vec<DayChange>,
}

/// What [`Store::on_change`] calls with the data before and after a change.
/// The third argument is when `new` came into force as the history keeps it (see
/// [`History::record`]): with the two versions, it names this change among all others, even
/// one that brings back a version that was in force before.
pub type ChangeHook = Box<dyn Fn(&InForce, &InForce, DateTime<Utc>) + Send + Sync>;

impl Store {
    /// Loads the embedded data, the feed files accepted before (from `state_dir`), and the
    /// operator's files, and compiles them; keeps the last [`DEFAULT_HISTORY_MAX`] versions in force.
    ///
    /// # Errors
    /// [`StoreError::StateDir`] when the state directory cannot be created; refused files are
    /// reported in the status and the log, not here.
    pub fn open(
        specs: Vec<CalendarSpec>,
        embedded: DataSet,
        operator_dir: Option<PathBuf>,
        state_dir: Option<PathBuf>,
        feed_url: Option<String>,
        rules_dir: Option<PathBuf>,
    ) -> Result<Self, StoreError> {
        Self::open_keeping(
            specs,
            embedded,
            operator_dir,
            state_dir,
            feed_url,
            rules_dir,
            DEFAULT_HISTORY_MAX,
        )
    }

    /// [`Store::open`], keeping at most `history_max` versions (`QIXIAN_HISTORY_MAX`).
    ///
    /// # Errors
    /// As [`Store::open`].
    pub fn open_keeping(
        specs: Vec<CalendarSpec>,
        embedded: DataSet,
        operator_dir: Option<PathBuf>,
        state_dir: Option<PathBuf>,
        feed_url: Option<String>,
        rules_dir: Option<PathBuf>,
        history_max: usize,
    ) -> Result<Self, StoreError> {
        let state_error = |dir: &PathBuf| {
            let dir = dir.clone();
            move |source| StoreError::StateDir { dir, source }
        };
        if let Some(dir) = &state_dir {
            fs::create_dir_all(dir.join(FEED_CALENDAR)).map_err(state_error(dir))?;
        }
        let history = match &state_dir {
            Some(dir) => History::open(Some(dir), history_max).map_err(state_error(dir))?,
            None => History::open(None, history_max).map_err(state_error(&PathBuf::new()))?,
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
        };
        {
            let mut sources = store.lock();
            let (files, withdrawn) = store.persisted();
            sources.feed_files = files;
            sources.withdrawn = withdrawn;
            store.rebuild(&mut sources);
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

    /// The data of `version`: the data in force if it is that version, else the kept version
    /// compiled again (a few recently asked for are held compiled). Compiling takes about
    /// 13 ms of CPU: the HTTP layer calls [`Store::kept_at_hand`] on its workers and this only
    /// off them.
    ///
    /// # Errors
    /// [`HistoryError::NotKept`] for a version that is not kept (never in force, or pruned),
    /// naming the oldest kept; [`HistoryError::Unusable`] when its inputs do not compile to it.
    pub fn kept(&self, version: &str) -> Result<Arc<InForce>, HistoryError> {
        if let Some(set) = self.kept_at_hand(version)? {
            return Ok(set);
        }
        let recipe = self.history.recipe(version)?;
        let set = Arc::new(self.compile(&recipe).inspect_err(|e| {
            // The reason names inputs and OS errors: the log's, never the caller's.
            tracing::warn!("{e}");
        })?);
        self.compilations.fetch_add(1, Ordering::Relaxed);
        let mut compiled = self.compiled_lock();
        if let Some(at) = compiled.iter().position(|s| s.version() == version) {
            // Compiled meanwhile by another request: keep one.
            return Ok(compiled[at].clone());
        }
        compiled.push(set.clone());
        if compiled.len() > COMPILED_KEPT {
            compiled.remove(0);
        }
        Ok(set)
    }

    /// The data of `version` when they are at hand — in force, or held compiled — without
    /// compiling anything: `Ok(None)` for a kept version that must be compiled again
    /// ([`Store::kept`]).
    ///
    /// # Errors
    /// [`HistoryError::NotKept`] for a version that is not kept.
    pub fn kept_at_hand(&self, version: &str) -> Result<Option<Arc<InForce>>, HistoryError> {
        let current = self.in_force();
        if current.version() == version {
            return Ok(Some(current));
        }
        // Kept first: a version pruned from the history is gone, even while held compiled.
        self.history.recipe(version)?;
        let mut compiled = self.compiled_lock();
        let Some(at) = compiled.iter().position(|s| s.version() == version) else {
            return Ok(None);
        };
        let set = compiled.remove(at);
        compiled.push(set.clone());
        Ok(Some(set))
    }

    /// How many times a kept version has been compiled again since the store opened.
    pub fn compilations(&self) -> u64 {
        self.compilations.load(Ordering::Relaxed)
    }

    /// How many kept versions are held compiled now (at most [`COMPILED_KEPT`]).
    pub fn compiled_held(&self) -> usize {
        self.compiled_lock().len()
    }

    fn compiled_lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<InForce>>> {
        self.compiled.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The versions kept, oldest first, each with when it came into force.
    pub fn versions(&self) -> Vec<Kept> {
        self.history.versions()
    }

    /// Whether the history is kept on disk (`QIXIAN_STATE_DIR`) rather than in memory only.
    pub fn history_is_durable(&self) -> bool {
        self.history.is_durable()
    }

    /// What changed in `calendar` between `old` (a kept version, from [`Store::kept`]) and
    /// `now` (the data a request holds): every day that differs, and the versions in between.
    /// A calendar that either version lacks changes nothing and lists no day.
    pub fn changes(&self, old: &InForce, now: &InForce, calendar: &str) -> Changes {
        let since = old.version();
        let days = match (old.get(calendar), now.get(calendar)) {
            (Ok(old), Ok(new)) => changed_days(old, new),
            _ => Vec::new(),
        };
        let kept = self.versions();
        let at = |v: &str| kept.iter().position(|k| k.data_version == v);
        let versions = match (at(since), at(now.version())) {
            (Some(from), Some(to)) if from <= to => kept[from..=to].to_vec(),
            (from, to) => from
                .into_iter()
                .chain(to)
                .map(|i| kept[i].clone())
                .collect(),
        };
        Changes {
            since: since.to_owned(),
            data_version: now.version().to_owned(),
            versions,
            days,
        }
    }

    /// Compiles a kept version from its inputs, and checks that they give that version.
    fn compile(&self, recipe: &Recipe) -> Result<InForce, HistoryError> {
        let unusable = |reason: String| HistoryError::Unusable {
            version: recipe.version.clone(),
            reason,
        };
        let mut data = DataSet::default();
        for input in &recipe.layers {
            let bytes = self.history.blob(&input.sha256).map_err(unusable)?;
            let origin = input.origin.clone();
            let inserted = match input.year {
                Some(year) => data
                    .insert(&input.layer, year, &bytes, origin)
                    .map_err(|e| e.to_string()),
                None => data
                    .insert_hours(&input.layer, &bytes, origin)
                    .map_err(|e| e.to_string()),
            };
            inserted.map_err(unusable)?;
        }
        let mut sets = Vec::with_capacity(recipe.rules.len());
        for input in &recipe.rules {
            let bytes = self.history.blob(&input.sha256).map_err(unusable)?;
            let text = std::str::from_utf8(&bytes).map_err(|e| unusable(e.to_string()))?;
            let set = RuleSet::parse(&input.set, &input.shown, text, input.origin.clone())
                .map_err(|e| unusable(e.to_string()))?;
            sets.push(set);
        }
        let set = InForce::new(
            CalendarSet::compile(&self.specs, &data),
            RuleBook::new(sets),
        );
        if set.version() != recipe.version {
            return Err(unusable(format!(
                "this build compiles its inputs to {}",
                set.version()
            )));
        }
        Ok(set)
    }

    /// What the rules directory held at the last reload; never waits.
    pub fn rules_status(&self) -> RulesStatus {
        self.status.load().rules.clone()
    }

    /// Changes whenever the data or their status change.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// What the feed did last; never waits for a change in progress.
    pub fn feed_status(&self) -> FeedStatus {
        self.status.load().feed.clone()
    }

    /// What the operator's directory held at the last reload; never waits.
    pub fn operator_status(&self) -> OperatorStatus {
        self.status.load().operator.clone()
    }

    /// The yearly notices that `today`'s year and the next lack and that nothing configured
    /// will bring: every layer's but the national one when a feed is configured (the feed
    /// serves only the national layer).
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::{DataSet, spec::{parse_specs, EMBEDDED_SPECS}};
    /// use qixian::store::Store;
    /// let store = Store::open(parse_specs(EMBEDDED_SPECS).unwrap(), DataSet::embedded().unwrap(), None, None, None, None).unwrap();
    /// let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    /// let awaited: Vec<_> = store.awaited_notices(today).into_iter().map(|a| (a.year, a.layer)).collect();
    /// assert_eq!(awaited, [(2027, "cn".to_owned()), (2027, "cn-xj".to_owned())]);
    /// ```
    pub fn awaited_notices(&self, today: chrono::NaiveDate) -> Vec<AwaitedNotice> {
        use chrono::Datelike;
        let set = self.in_force();
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
    /// (a reload of the operator's files or the rules, an accepted feed file, a withdrawal; not
    /// the first compile in [`Store::open`]),
    /// once the new data are in force. Changes are made one at a time, so hooks are called in
    /// order, from the thread making the change (a blocking one): a hook may write files but
    /// must not wait for the network.
    pub fn on_change(&self, hook: ChangeHook) {
        self.on_change
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(hook);
    }

    /// Calls the hooks, if the version changed.
    fn changed(&self, old: &InForce, new: &InForce, since: DateTime<Utc>) {
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

    /// Re-reads the operator's directory, and what other replicas put in the shared state
    /// directory (accepted feed files, withdrawals), and recompiles.
    pub fn reload_operator_files(&self) -> OperatorStatus {
        let mut sources = self.lock();
        self.follow_shared(&mut sources);
        self.rebuild(&mut sources);
        self.operator_status()
    }

    /// Takes in what other replicas sharing the state directory decided since this one last
    /// looked — feed files they accepted, files an operator withdrew on one of them — and
    /// recompiles if that changes anything. Called at every feed poll, before the feed is
    /// asked (whose answer may be "unchanged" or 304, which would otherwise leave a withdrawn
    /// file in force here until a restart). Says whether the data were rebuilt.
    pub fn follow_shared_state(&self) -> bool {
        let mut sources = self.lock();
        let changed = self.follow_shared(&mut sources);
        if changed {
            self.rebuild(&mut sources);
        }
        changed
    }

    /// Merges the state directory into `sources`; says whether anything changed. A withdrawal
    /// there removes the withdrawn file here; a file accepted there replaces this replica's of
    /// the same year. A file held here but not there stays (its write may have failed here,
    /// and the status says so).
    fn follow_shared(&self, sources: &mut Sources) -> bool {
        if self.state_dir.is_none() {
            return false;
        }
        let (files, withdrawn) = self.persisted();
        let mut changed = false;
        for (year, digest) in withdrawn {
            if sources.withdrawn.get(&year) != Some(&digest) {
                sources.withdrawn.insert(year, digest);
            }
            if sources
                .feed_files
                .get(&year)
                .is_some_and(|f| f.sha256 == digest)
            {
                sources.feed_files.remove(&year);
                tracing::warn!(year, sha256 = %hex(&digest), "feed file withdrawn on another replica: taken out here too");
                changed = true;
            }
        }
        for (year, file) in files {
            if sources.withdrawn.get(&year) == Some(&file.sha256) {
                continue;
            }
            if sources
                .feed_files
                .get(&year)
                .is_none_or(|f| f.sha256 != file.sha256)
            {
                sources.feed_files.insert(year, file);
                changed = true;
            }
        }
        changed
    }

    /// Records a feed attempt's outcome.
    pub fn record_feed_attempt(&self, outcome: Vec<String>, healthy: bool, accepted: bool) {
        let _one_change_at_a_time = self.lock();
        let now = Utc::now();
        self.set_status(|status| {
            let feed = &mut status.feed;
            feed.last_tried = Some(now);
            if healthy {
                feed.last_success = Some(now);
            }
            if accepted {
                feed.last_accepted = Some(now);
            }
            feed.last_outcome = outcome;
            feed.healthy = healthy;
        });
    }

    /// Checks a national file from the feed against the embedded file of its year (the same
    /// check as every rebuild makes), and if it passes, writes it to the state directory
    /// (write, fsync, rename) and puts it in force.
    ///
    /// # Errors
    /// The [`DataError`] that refused it; the data are then unchanged and the refusal is in
    /// the feed's status.
    pub fn offer_feed_file(&self, year: i32, bytes: &[u8], url: &str) -> Result<Offer, DataError> {
        let mut sources = self.lock();
        let sha256: [u8; 32] = Sha256::digest(bytes).into();
        if sources
            .feed_files
            .get(&year)
            .is_some_and(|f| f.sha256 == sha256)
        {
            return Ok(Offer::Unchanged);
        }
        let checked = if sources.withdrawn.get(&year) == Some(&sha256) {
            Err(DataError::Withdrawn {
                calendar: FEED_CALENDAR.to_owned(),
                year,
            })
        } else {
            self.check_feed_file(year, bytes)
        };
        if let Err(e) = checked {
            if !matches!(e, DataError::Empty { .. }) {
                let reason = e.to_string();
                self.set_status(|status| {
                    status.feed.refused.retain(|r| r.year != year);
                    status.feed.refused.push(FeedRefusal {
                        year,
                        reason,
                        at: Utc::now(),
                    });
                });
            }
            return Err(e);
        }
        let persisted = match &self.state_dir {
            None => Ok(()),
            Some(dir) => {
                write_durably(&dir.join(FEED_CALENDAR).join(format!("{year}.json")), bytes)
            }
        };
        self.set_status(|status| {
            status.feed.refused.retain(|r| r.year != year);
            match &persisted {
                Ok(()) => status.feed.persist_error = None,
                Err(e) => {
                    status.feed.persist_error = Some(format!(
                        "the file of {year} is in force but could not be kept in QIXIAN_STATE_DIR: {e}"
                    ));
                    status.feed.persist_failures += 1;
                }
            }
        });
        if let Err(e) = persisted {
            tracing::error!(year, "an accepted feed file could not be kept: {e}");
        }
        sources.feed_files.insert(
            year,
            FeedFile {
                bytes: bytes.to_vec(),
                url: without_credentials(url),
                sha256,
            },
        );
        self.rebuild(&mut sources);
        Ok(Offer::Accepted)
    }

    /// Withdraws the feed file of `year`: it leaves the data and the state directory, and the
    /// same bytes are refused if the feed offers them again.
    ///
    /// # Errors
    /// [`StoreError::NoFeedFile`] when no feed file of that year is held.
    pub fn withdraw_feed_file(&self, year: i32) -> Result<(), StoreError> {
        let mut sources = self.lock();
        let file = sources
            .feed_files
            .remove(&year)
            .ok_or(StoreError::NoFeedFile(year))?;
        sources.withdrawn.insert(year, file.sha256);
        if let Some(dir) = &self.state_dir {
            let layer = dir.join(FEED_CALENDAR);
            let _ = fs::remove_file(layer.join(format!("{year}.json")));
            if let Err(e) = write_durably(
                &layer.join(format!("{year}.withdrawn")),
                hex(&file.sha256).as_bytes(),
            ) {
                tracing::error!(year, "a withdrawal could not be kept: {e}");
            }
        }
        tracing::warn!(year, sha256 = %hex(&file.sha256), "feed file withdrawn by an operator");
        self.rebuild(&mut sources);
        Ok(())
    }

    /// The one check of a feed file: against the embedded file of its year.
    fn check_feed_file(&self, year: i32, bytes: &[u8]) -> Result<(), DataError> {
        let spec = self
            .spec(FEED_CALENDAR)
            .ok_or_else(|| DataError::Malformed {
                calendar: FEED_CALENDAR.to_owned(),
                year,
                reason: "the national calendar is not in the calendar list".to_owned(),
            })?;
        self.embedded.check(spec, year, bytes).map(|_| ())
    }

    /// Feed files accepted in an earlier run, and withdrawals, from the state directory.
    fn persisted(&self) -> (BTreeMap<i32, FeedFile>, BTreeMap<i32, [u8; 32]>) {
        let mut files = BTreeMap::new();
        let mut withdrawn = BTreeMap::new();
        let Some(dir) = &self.state_dir else {
            return (files, withdrawn);
        };
        let layer = dir.join(FEED_CALENDAR);
        let mut ignored = Vec::new();
        for (year, path) in year_files(&layer, "json", &mut ignored) {
            match read_bounded(&path) {
                Ok(bytes) => {
                    let sha256 = Sha256::digest(&bytes).into();
                    let url = format!("state:{FEED_CALENDAR}/{year}.json");
                    files.insert(year, FeedFile { bytes, url, sha256 });
                }
                Err(e) => tracing::warn!(path = %path.display(), "state file not read: {e}"),
            }
        }
        for (year, path) in year_files(&layer, "withdrawn", &mut ignored) {
            let digest = read_bounded(&path)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|h| unhex(h.trim()));
            if let Some(digest) = digest {
                withdrawn.insert(year, digest);
            }
        }
        // Partial files of a write that did not finish are removed, once they are too old to
        // be another replica's write in progress.
        for name in ignored.iter().filter(|n| n.ends_with(".tmp")) {
            history::remove_if_stale(&layer.join(name));
        }
        (files, withdrawn)
    }

    /// Compiles embedded + feed + operator files and swaps the result in.
    fn rebuild(&self, sources: &mut Sources) {
        let mut data = self.embedded.clone();
        let mut files = Vec::new();
        if let Some(spec) = self.spec(FEED_CALENDAR) {
            for (year, file) in &sources.feed_files {
                let origin = Origin::Feed {
                    url: file.url.clone(),
                };
                // Checked against the embedded file of its year, as when it was offered.
                let outcome = data.insert_checked(spec, *year, &file.bytes, origin);
                if let Err(e) = &outcome {
                    tracing::warn!(year, "feed file refused: {e}");
                }
                files.push(FeedFileStatus {
                    year: *year,
                    url: file.url.clone(),
                    sha256: hex(&file.sha256),
                    in_force: outcome.is_ok(),
                    refused: outcome.err().map(|e| e.to_string()),
                });
            }
        }
        let mut operator = OperatorStatus {
            // The setting, not the path: where the operator keeps files is none of a caller's
            // business (the log names the path at start-up).
            dir: self
                .operator_dir
                .as_ref()
                .map(|_| "QIXIAN_HOLIDAYS_DIR".to_owned()),
            ..OperatorStatus::default()
        };
        if let Some(dir) = &self.operator_dir {
            let (years, hours) = self.operator_files(dir, &mut operator.refused);
            // One operator file: read within bounds, put in force by `insert`, or refused.
            let mut take = |path: &Path, insert: &mut Insert<'_>| {
                let shown = relative(dir, path);
                let origin = Origin::OperatorFile {
                    path: shown.clone(),
                };
                let outcome =
                    read_bounded(path).and_then(|b| insert(&b, origin).map_err(|e| e.to_string()));
                match outcome {
                    Ok(()) => operator.files.push(shown),
                    Err(e) => {
                        tracing::warn!(path = %shown, "operator file refused: {e}");
                        operator.refused.push(format!("{shown}: {e}"));
                    }
                }
            };
            for (spec, path) in hours {
                take(&path, &mut |b, origin| {
                    Ok(data.insert_hours(&spec.id, b, origin)?)
                });
            }
            for (spec, year, path) in years {
                take(&path, &mut |b, origin| {
                    data.insert_checked(spec, year, b, origin)
                });
            }
        }
        let (rules, rules_status) = self.rule_sets();
        let set = InForce::new(CalendarSet::compile(&self.specs, &data), rules);
        tracing::info!(
            data_version = set.version(),
            "holiday data and rules compiled"
        );
        let now = Utc::now();
        let since = self
            .history
            .record(set.version(), &set.inputs(&data), now)
            .unwrap_or_else(|e| {
                tracing::error!(
                    data_version = set.version(),
                    "the version could not be kept: {e}"
                );
                now
            });
        let set = Arc::new(set);
        let previous = self.current.swap(set.clone());
        self.set_status(|status| {
            status.operator = operator;
            status.feed.files = files;
            status.rules = rules_status;
        });
        self.changed(&previous, &set, since);
    }

    /// The embedded rule sets and the operator's `<set>.toml` files. A refused file is
    /// reported; its set stays as it was in force (the operator's last good file, else the
    /// embedded one, else none).
    fn rule_sets(&self) -> (RuleBook, RulesStatus) {
        let mut status = RulesStatus {
            dir: self
                .rules_dir
                .as_ref()
                .map(|_| "QIXIAN_RULES_DIR".to_owned()),
            ..RulesStatus::default()
        };
        let mut sets: Vec<RuleSet> = RuleBook::embedded().sets().to_vec();
        let Some(dir) = &self.rules_dir else {
            return (RuleBook::new(sets), status);
        };
        let previous = self.in_force();
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                status.refused.push(format!(".: cannot be read: {e}"));
                return (RuleBook::new(previous.rules().sets().to_vec()), status);
            }
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for path in files {
            let shown = relative(dir, &path);
            let id = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            let origin = RuleOrigin::OperatorFile {
                path: shown.clone(),
            };
            let parsed = read_bounded(&path).and_then(|bytes| {
                let text = String::from_utf8(bytes).map_err(|_| "is not UTF-8".to_owned())?;
                RuleSet::parse(&id, &shown, &text, origin).map_err(|e| e.to_string())
            });
            match parsed {
                Ok(set) => {
                    status.files.push(shown);
                    sets.push(set);
                }
                Err(e) => {
                    let e = if e.starts_with(&shown) {
                        e
                    } else {
                        format!("{shown}: {e}")
                    };
                    tracing::warn!("rule file refused: {e}");
                    status.refused.push(e);
                    if let Some(kept) = previous.rules().set(&id) {
                        sets.push(kept.clone());
                    }
                }
            }
        }
        (RuleBook::new(sets), status)
    }

    /// `<dir>/<calendar-id>/<year>.json` and `<dir>/<calendar-id>/hours.json` for every known
    /// calendar; anything else is reported.
    #[allow(clippy::type_complexity)]
    fn operator_files(
        &self,
        dir: &Path,
        refused: &mut Vec<String>,
    ) -> (
        Vec<(&CalendarSpec, i32, PathBuf)>,
        Vec<(&CalendarSpec, PathBuf)>,
    ) {
        let mut files = Vec::new();
        let mut hours = Vec::new();
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                refused.push(format!(".: cannot be read: {e}"));
                return (files, hours);
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let id = entry.file_name().to_string_lossy().into_owned();
            if !path.is_dir() {
                continue;
            }
            let Some(spec) = self.spec(&id) else {
                refused.push(format!(
                    "{id}: {} is not a known calendar",
                    crate::time::quoted(&id)
                ));
                continue;
            };
            let mut ignored = Vec::new();
            for (year, file) in year_files(&path, "json", &mut ignored) {
                files.push((spec, year, file));
            }
            for name in ignored {
                if name == HOURS_FILE {
                    hours.push((spec, path.join(HOURS_FILE)));
                    continue;
                }
                refused.push(format!(
                    "{id}/{name}: not a <year>.json file (four digits, such as 2027.json) or {HOURS_FILE}"
                ));
            }
        }
        files.sort_by(|a, b| (&a.0.id, a.1).cmp(&(&b.0.id, b.1)));
        hours.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        (files, hours)
    }
}

/// Puts one file's bytes in force in a data set, or says why not.
type Insert<'a> = dyn FnMut(&[u8], Origin) -> Result<(), DataError> + 'a;

/// `url` without the user and password it may carry, to show or log it.
///
/// # Example
/// ```
/// use qixian::store::without_credentials;
/// assert_eq!(without_credentials("https://user:secret@feed.example/holidays/"), "https://feed.example/holidays/");
/// assert_eq!(without_credentials("not a url"), "not a url");
/// ```
pub fn without_credentials(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// `path` relative to `dir`, as the status shows it.
fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir).unwrap_or(path).display().to_string()
}

/// `<year>.<extension>` files in `dir` — the year in exactly four digits — by year. Names that
/// end so but are no such year (`02025.json`, `+2028.json`), and partial writes (`*.tmp`), go
/// to `ignored`; other files (a README) are left alone.
fn year_files(dir: &Path, extension: &str, ignored: &mut Vec<String>) -> Vec<(i32, PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let suffix = format!(".{extension}");
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        match name.strip_suffix(&suffix) {
            Some(stem) if stem.len() == 4 && stem.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(year) = stem.parse::<i32>() {
                    files.push((year, entry.path()));
                }
            }
            Some(_) => ignored.push(name),
            None if name.ends_with(".tmp") => ignored.push(name),
            None => {}
        }
    }
    files.sort();
    files.dedup_by_key(|f| f.0);
    ignored.sort();
    ignored.dedup();
    files
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`]. A FIFO, a device or a socket is refused
/// without being read (it is opened without blocking), and no more than the limit and one byte
/// is ever read, whatever the file says its size is.
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("is not a regular file".to_owned());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "is larger than the {MAX_FILE_BYTES} bytes a holiday file may have"
        ));
    }
    Ok(bytes)
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one whole, and
/// two replicas writing at once never share a temporary file ([`history::write_whole`]).
fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    history::write_whole(path, bytes)
}

/// `bytes` in lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests;
