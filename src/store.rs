//! The holiday data in force: the embedded files, the feed files accepted earlier (kept in the
//! state directory) and the operator's files, compiled off the request path and swapped in one
//! step. A file that fails the checks is refused and the data stay as they were.
//!
//! Precedence, lowest first: embedded < feed < operator file (a local notice is the authority).

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::calendar::{CalendarSet, CalendarSpec, DataError, DataSet, Origin};

/// The largest holiday file read from disk or the feed; a year's notice is a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// The feed's layer: holiday-cn publishes the national arrangement.
pub const FEED_CALENDAR: &str = "cn";

/// What the feed did last, for `/v1/calendars` and `/metrics`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FeedStatus {
    pub url: Option<String>,
    pub last_tried: Option<DateTime<Utc>>,
    /// The last attempt that reached the feed and found nothing wrong.
    pub last_success: Option<DateTime<Utc>>,
    /// The last time a new file from the feed was put in force.
    pub last_accepted: Option<DateTime<Utc>>,
    /// One line per year fetched at the last attempt (`2027: accepted`, `2028: not published`).
    pub last_outcome: Vec<String>,
    /// Whether the last attempt reached the feed and found nothing wrong.
    pub healthy: bool,
}

/// What the operator's directory held at the last reload.
#[derive(Clone, Debug, Default, Serialize)]
pub struct OperatorStatus {
    pub dir: Option<String>,
    pub files: Vec<String>,
    /// Files refused, each with the reason.
    pub refused: Vec<String>,
}

/// Why the store cannot be opened.
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

impl std::fmt::Display for AwaitedNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} has no notice of {} in the data and nothing configured will bring one: its days off are estimated and answers that depend on it are provisional until an operator file ({} under QIXIAN_HOLIDAYS_DIR) or a new release brings it",
            self.year, self.layer, self.operator_file
        )?;
        if self.layer == FEED_CALENDAR {
            f.write_str(", or a holiday feed is configured (QIXIAN_FEED_URL)")?;
        }
        Ok(())
    }
}

/// What a feed file did to the data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Offer {
    /// Checked, persisted and in force.
    Accepted,
    /// The same bytes are in force already.
    Unchanged,
}

struct Sources {
    /// Accepted feed files by year, with the URL each came from.
    feed_files: BTreeMap<i32, (Vec<u8>, String)>,
    /// The data set last compiled: what new files are checked against.
    data: DataSet,
    operator: OperatorStatus,
    feed: FeedStatus,
}

/// The data in force and where they came from.
pub struct Store {
    specs: Vec<CalendarSpec>,
    embedded: DataSet,
    operator_dir: Option<PathBuf>,
    state_dir: Option<PathBuf>,
    current: ArcSwap<CalendarSet>,
    sources: Mutex<Sources>,
    /// Bumped on every change of data or status, so that cached answers that show a status
    /// are never served stale.
    generation: AtomicU64,
}

impl Store {
    /// Loads the embedded data, the feed files accepted before (from `state_dir`), and the
    /// operator's files, and compiles them.
    ///
    /// # Errors
    /// [`StoreError::StateDir`] when the state directory cannot be created; refused files are
    /// reported in [`Store::operator_status`] and the log, not here.
    pub fn open(
        specs: Vec<CalendarSpec>,
        embedded: DataSet,
        operator_dir: Option<PathBuf>,
        state_dir: Option<PathBuf>,
        feed_url: Option<String>,
    ) -> Result<Self, StoreError> {
        if let Some(dir) = &state_dir {
            fs::create_dir_all(dir.join(FEED_CALENDAR)).map_err(|source| StoreError::StateDir {
                dir: dir.clone(),
                source,
            })?;
        }
        let initial = CalendarSet::compile(&specs, &embedded);
        let store = Store {
            specs,
            current: ArcSwap::from_pointee(initial),
            sources: Mutex::new(Sources {
                feed_files: BTreeMap::new(),
                data: embedded.clone(),
                operator: OperatorStatus::default(),
                feed: FeedStatus {
                    url: feed_url,
                    healthy: true,
                    ..FeedStatus::default()
                },
            }),
            embedded,
            operator_dir,
            state_dir,
            generation: AtomicU64::new(0),
        };
        {
            let mut sources = store.lock();
            sources.feed_files = store.persisted_feed_files();
        }
        store.reload_operator_files();
        Ok(store)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Sources> {
        self.sources.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The calendars in force; a request keeps this one version throughout.
    pub fn calendars(&self) -> Arc<CalendarSet> {
        self.current.load_full()
    }

    /// Changes whenever the data or their status change.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub fn feed_status(&self) -> FeedStatus {
        self.lock().feed.clone()
    }

    pub fn operator_status(&self) -> OperatorStatus {
        self.lock().operator.clone()
    }

    /// The yearly notices that `today`'s year and the next lack and that nothing configured
    /// will bring: every layer's but the national one when a feed is configured (the feed
    /// serves only the national layer).
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::{DataSet, spec::{parse_specs, EMBEDDED_SPECS}};
    /// use qixian::store::Store;
    /// let store = Store::open(parse_specs(EMBEDDED_SPECS).unwrap(), DataSet::embedded().unwrap(), None, None, None).unwrap();
    /// let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    /// let awaited: Vec<_> = store.awaited_notices(today).into_iter().map(|a| (a.year, a.layer)).collect();
    /// assert_eq!(awaited, [(2027, "cn".to_owned()), (2027, "cn-xj".to_owned())]);
    /// ```
    pub fn awaited_notices(&self, today: chrono::NaiveDate) -> Vec<AwaitedNotice> {
        use chrono::Datelike;
        let set = self.calendars();
        let by_feed = self.lock().feed.url.is_some();
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

    /// Re-reads the operator's directory and recompiles.
    pub fn reload_operator_files(&self) -> OperatorStatus {
        let mut sources = self.lock();
        self.rebuild(&mut sources);
        sources.operator.clone()
    }

    /// Records a feed attempt's outcome.
    pub fn record_feed_attempt(&self, outcome: Vec<String>, healthy: bool, accepted: bool) {
        let mut sources = self.lock();
        let now = Utc::now();
        sources.feed.last_tried = Some(now);
        if healthy {
            sources.feed.last_success = Some(now);
        }
        if accepted {
            sources.feed.last_accepted = Some(now);
        }
        sources.feed.last_outcome = outcome;
        sources.feed.healthy = healthy;
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Checks a national file from the feed against the data in force, and if it passes,
    /// writes it to the state directory (write, fsync, rename) and puts it in force.
    ///
    /// # Errors
    /// The [`DataError`] that refused it; the data are then unchanged.
    pub fn offer_feed_file(&self, year: i32, bytes: &[u8], url: &str) -> Result<Offer, DataError> {
        let mut sources = self.lock();
        if sources
            .feed_files
            .get(&year)
            .is_some_and(|(b, _)| b == bytes)
        {
            return Ok(Offer::Unchanged);
        }
        sources.data.check(FEED_CALENDAR, year, bytes)?;
        if let Some(dir) = &self.state_dir {
            let path = dir.join(FEED_CALENDAR).join(format!("{year}.json"));
            if let Err(e) = write_durably(&path, bytes) {
                // The data still go in force; only a restart without the feed would lose them.
                tracing::error!(path = %path.display(), "cannot persist an accepted feed file: {e}");
            }
        }
        sources
            .feed_files
            .insert(year, (bytes.to_vec(), url.to_owned()));
        self.rebuild(&mut sources);
        Ok(Offer::Accepted)
    }

    /// Feed files accepted in an earlier run, from the state directory.
    fn persisted_feed_files(&self) -> BTreeMap<i32, (Vec<u8>, String)> {
        let mut files = BTreeMap::new();
        let Some(dir) = &self.state_dir else {
            return files;
        };
        for (year, path) in year_files(&dir.join(FEED_CALENDAR)) {
            match read_bounded(&path) {
                Ok(bytes) => {
                    let url = format!("file://{}", path.display());
                    files.insert(year, (bytes, url));
                }
                Err(e) => tracing::warn!(path = %path.display(), "state file not read: {e}"),
            }
        }
        files
    }

    /// Compiles embedded + feed + operator files and swaps the result in.
    fn rebuild(&self, sources: &mut Sources) {
        let mut data = self.embedded.clone();
        for (year, (bytes, url)) in &sources.feed_files {
            let origin = Origin::Feed { url: url.clone() };
            if let Err(e) = data.insert_checked(FEED_CALENDAR, *year, bytes, origin) {
                tracing::warn!("feed file refused: {e}");
            }
        }
        let mut operator = OperatorStatus {
            dir: self.operator_dir.as_ref().map(|d| d.display().to_string()),
            ..OperatorStatus::default()
        };
        if let Some(dir) = &self.operator_dir {
            for (calendar, year, path) in self.operator_files(dir, &mut operator.refused) {
                let origin = Origin::OperatorFile {
                    path: path.display().to_string(),
                };
                let outcome = read_bounded(&path).and_then(|b| {
                    data.insert_checked(&calendar, year, &b, origin)
                        .map_err(|e| e.to_string())
                });
                match outcome {
                    Ok(()) => operator.files.push(path.display().to_string()),
                    Err(e) => {
                        tracing::warn!(path = %path.display(), "operator file refused: {e}");
                        operator.refused.push(format!("{}: {e}", path.display()));
                    }
                }
            }
        }
        let set = CalendarSet::compile(&self.specs, &data);
        tracing::info!(data_version = set.version(), "holiday data compiled");
        self.current.store(Arc::new(set));
        sources.data = data;
        sources.operator = operator;
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// `<dir>/<calendar-id>/<year>.json` for every known calendar; anything else is reported.
    fn operator_files(&self, dir: &Path, refused: &mut Vec<String>) -> Vec<(String, i32, PathBuf)> {
        let mut files = Vec::new();
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                refused.push(format!("{}: cannot be read: {e}", dir.display()));
                return files;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let id = entry.file_name().to_string_lossy().into_owned();
            if !path.is_dir() {
                continue;
            }
            if !self.specs.iter().any(|s| s.id == id) {
                refused.push(format!(
                    "{}: {id:?} is not a known calendar",
                    path.display()
                ));
                continue;
            }
            for (year, file) in year_files(&path) {
                files.push((id.clone(), year, file));
            }
        }
        files.sort();
        files
    }
}

/// `<year>.json` files in `dir`, by year.
fn year_files(dir: &Path) -> Vec<(i32, PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(i32, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            let year = path
                .file_name()?
                .to_str()?
                .strip_suffix(".json")?
                .parse()
                .ok()?;
            Some((year, path))
        })
        .collect();
    files.sort();
    files
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let len = fs::metadata(path).map_err(|e| e.to_string())?.len();
    if len > MAX_FILE_BYTES {
        return Err(format!(
            "{len} bytes is more than the {MAX_FILE_BYTES} a holiday file may have"
        ));
    }
    fs::read(path).map_err(|e| e.to_string())
}

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one whole:
/// write a temporary file, fsync it, rename it over, fsync the directory.
fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("json.tmp");
    let mut file = fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    fs::rename(&tmp, path)?;
    if let Some(parent) = path.parent() {
        fs::File::open(parent)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::spec::{EMBEDDED_SPECS, parse_specs};
    use chrono::NaiveDate;

    fn store(operator: Option<PathBuf>, state: Option<PathBuf>) -> Store {
        let specs = parse_specs(EMBEDDED_SPECS).unwrap();
        Store::open(specs, DataSet::embedded().unwrap(), operator, state, None).unwrap()
    }

    const ZHOUQING: &str = r#"{"year": 2026, "papers": ["克州 notice (test)"], "days": [
        {"name": "州庆", "date": "2026-07-14", "isOffDay": true, "source": "test"}]}"#;

    #[test]
    fn an_operator_file_changes_its_own_layer_and_those_below_only() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("cn-xj-kizilsu")).unwrap();
        fs::write(dir.path().join("cn-xj-kizilsu/2026.json"), ZHOUQING).unwrap();
        let store = store(Some(dir.path().to_owned()), None);
        let set = store.calendars();
        let date = NaiveDate::from_ymd_opt(2026, 7, 14).unwrap();
        assert!(
            !set.get("cn-xj-kizilsu")
                .unwrap()
                .is_working_day(date)
                .unwrap(),
            "州庆 is off in Kizilsu"
        );
        assert!(
            set.get("cn-xj").unwrap().is_working_day(date).unwrap(),
            "Xinjiang still works"
        );
        assert_eq!(
            store.operator_status().files.len(),
            1,
            "the file is reported in force"
        );
    }

    #[test]
    fn a_bad_operator_file_is_refused_and_the_rest_stays() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("cn")).unwrap();
        fs::create_dir_all(dir.path().join("nowhere")).unwrap();
        fs::write(
            dir.path().join("cn/2026.json"),
            r#"{"year": 2026, "days": []}"#,
        )
        .unwrap();
        let before = store(None, None).calendars().version().to_owned();
        let store = store(Some(dir.path().to_owned()), None);
        assert_eq!(store.calendars().version(), before, "nothing changed");
        let refused = store.operator_status().refused;
        assert_eq!(
            refused.len(),
            2,
            "the empty file and the unknown calendar: {refused:?}"
        );
    }

    #[test]
    fn an_accepted_feed_file_survives_a_restart_without_the_feed() {
        let state = tempfile::tempdir().unwrap();
        let file = r#"{"year": 2027, "days": [{"name": "国庆节", "date": "2027-10-08", "isOffDay": true}]}"#.as_bytes();
        let first = store(None, Some(state.path().to_owned()));
        assert_eq!(
            first.offer_feed_file(2027, file, "http://feed/2027.json"),
            Ok(Offer::Accepted)
        );
        assert_eq!(
            first.offer_feed_file(2027, file, "http://feed/2027.json"),
            Ok(Offer::Unchanged)
        );
        let again = store(None, Some(state.path().to_owned()));
        let set = again.calendars();
        let day = set
            .get("cn")
            .unwrap()
            .day(NaiveDate::from_ymd_opt(2027, 10, 8).unwrap())
            .unwrap();
        assert_eq!(
            day.name,
            Some("国庆节"),
            "the persisted file is in force after a restart"
        );
        assert!(!day.provisional, "2027 is now published for cn");
    }

    #[test]
    fn a_feed_file_that_drops_published_days_is_refused() {
        let store = store(None, None);
        let thin =
            r#"{"year": 2026, "days": [{"name": "元旦", "date": "2026-01-01", "isOffDay": true}]}"#
                .as_bytes();
        let before = store.calendars().version().to_owned();
        let err = store
            .offer_feed_file(2026, thin, "http://feed/2026.json")
            .unwrap_err();
        assert!(matches!(err, DataError::DropsPublishedDays { .. }), "{err}");
        assert_eq!(
            store.calendars().version(),
            before,
            "the data are as they were"
        );
    }
}
