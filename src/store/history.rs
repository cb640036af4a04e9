//! Every version of the data that has been in force, kept as the inputs that compile to it —
//! the holiday files and hours of every layer, and the rule sets — rather than as compiled
//! tables: a version is a list of inputs (a few kilobytes) over files kept once each by their
//! content hash, and it is compiled again when it is asked for.
//!
//! With a state directory, everything is written there, so that it outlives a restart and is
//! shared by the replicas that mount the same volume: inputs as `history/blobs/<sha256>`,
//! versions as `history/versions/<version>.json`. Both names are content hashes and every file
//! is written whole under a name of its own and renamed into place, so two writers never clash:
//! the same name always holds the same content (a version's file differs only in when it came
//! into force, and either writer's time is true). Without a state directory the same is kept in
//! memory, bounded the same way, and lost at a restart.
//!
//! With a shared database (a `postgres://` `QIXIAN_DATABASE_URL`) it is kept there instead, in
//! the transaction of the change that brings a version (see `shared_state`); the versions and
//! their recipes are held in memory for requests, and inputs are read only to compile a kept
//! version again.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::base::files::write_whole;
use crate::calendar::Origin;
use crate::deadline::RuleOrigin;

/// A file of another writer that is younger than this is never removed as unreferenced: it may
/// be an input whose version is still being written.
const GRACE: Duration = Duration::from_secs(600);

/// One holiday or hours file of a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerInput {
    /// The calendar layer.
    pub layer: String,
    /// The year; none for the layer's office hours.
    pub year: Option<i32>,
    /// Where it came from.
    pub origin: Origin,
    /// The SHA-256 of its bytes, in hex: the name it is kept under.
    pub sha256: String,
}

/// One rule set of a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInput {
    /// The set's id.
    pub set: String,
    /// Its file as the status shows it (`rules/kizilsu.toml`).
    pub shown: String,
    /// Where it came from.
    pub origin: RuleOrigin,
    /// The SHA-256 of its text, in hex.
    pub sha256: String,
}

/// A kept version: when it came into force and the inputs that compile to it, in the order
/// they were applied (a later file of the same layer and year replaces an earlier one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipe {
    /// The data version it compiles to.
    pub version: String,
    /// When it (last) came into force.
    pub since: DateTime<Utc>,
    /// The holiday and hours files.
    pub layers: Vec<LayerInput>,
    /// The rule sets.
    pub rules: Vec<RuleInput>,
}

/// A version and when it came into force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// The data version.
    pub data_version: String,
    /// When it came into force.
    pub since: DateTime<Utc>,
}

/// What recording a version did ([`History::record`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// When the version came into force as kept.
    pub since: DateTime<Utc>,
    /// The version that was the newest kept before, when this record made the version the
    /// newest: none when it was the newest already (a restart with the same data, or another
    /// replica that got there first) or when nothing was kept before (a first start).
    pub replaced: Option<String>,
}

impl Recorded {
    /// A version in force since `since` that replaced none as the newest kept: what a record
    /// that could not be written gives.
    pub fn replacing_none(since: DateTime<Utc>) -> Self {
        Recorded {
            since,
            replaced: None,
        }
    }
}

/// The inputs of a version with their bytes, as the store gathers them while it compiles.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// Holiday and hours files, with their bytes.
    pub layers: Vec<(LayerInput, Arc<[u8]>)>,
    /// Rule sets, with their text.
    pub rules: Vec<(RuleInput, Arc<[u8]>)>,
}

impl Inputs {
    /// The recipe of these inputs for `version`, in force from `since`.
    pub fn recipe(&self, version: &str, since: DateTime<Utc>) -> Recipe {
        Recipe {
            version: version.to_owned(),
            since,
            layers: self.layers.iter().map(|(i, _)| i.clone()).collect(),
            rules: self.rules.iter().map(|(i, _)| i.clone()).collect(),
        }
    }
}

/// Why a version cannot be answered from.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    /// It is not kept: never in force here, or pruned.
    #[error("data version {version} is not kept (the oldest kept is {oldest:?})")]
    NotKept {
        /// The version asked for.
        version: String,
        /// The oldest version kept.
        oldest: Option<String>,
    },
    /// Its inputs are kept but do not compile to it with this build (a release that compiles
    /// the same files differently), or one of them is missing or unreadable.
    #[error("data version {version} cannot be compiled again: {reason}")]
    Unusable {
        /// The version asked for.
        version: String,
        /// Why.
        reason: String,
    },
}

/// Whether `text` can be a data version: 16 lower-case hex digits. Checked before anything is
/// read, so that a version is never a path.
pub fn is_version(text: &str) -> bool {
    text.len() == 16 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Where versions and inputs are kept.
enum Shelf {
    Memory(Mutex<Memory>),
    Disk(PathBuf),
    /// PostgreSQL (`data_versions`, `data_blobs`): the recipes as last written or read there
    /// are held here, for requests to read without waiting; inputs are read from the database
    /// only when a kept version is compiled, off the threads that serve requests.
    Shared {
        shared: Arc<crate::shared::Shared>,
        recipes: Mutex<BTreeMap<String, Recipe>>,
    },
}

#[derive(Default)]
struct Memory {
    recipes: BTreeMap<String, Recipe>,
    blobs: HashMap<String, Arc<[u8]>>,
}

/// The versions kept, at most `max` of them.
pub struct History {
    shelf: Shelf,
    max: usize,
    /// The list of versions on disk, with the time the versions directory was last changed
    /// when it was read: a directory changes its time whenever a file enters or leaves it, so
    /// the list is read again only then (a batch naming many versions that are not kept would
    /// otherwise read every version's file for each of them).
    listed: Mutex<Option<(SystemTime, Vec<Kept>)>>,
}

impl History {
    /// The history in `state_dir` (created if need be), or in memory without one.
    ///
    /// # Errors
    /// The I/O error when the directories cannot be created.
    pub fn open(state_dir: Option<&Path>, max: usize) -> std::io::Result<Self> {
        let shelf = match state_dir {
            None => Shelf::Memory(Mutex::new(Memory::default())),
            Some(dir) => {
                let dir = dir.join("history");
                fs::create_dir_all(dir.join("versions"))?;
                fs::create_dir_all(dir.join("blobs"))?;
                Shelf::Disk(dir)
            }
        };
        Ok(History {
            shelf,
            max: max.max(1),
            listed: Mutex::new(None),
        })
    }

    /// The history in the shared database; nothing is read until [`History::refresh`].
    pub(super) fn shared(shared: Arc<crate::shared::Shared>, max: usize) -> Self {
        History {
            shelf: Shelf::Shared {
                shared,
                recipes: Mutex::new(BTreeMap::new()),
            },
            max: max.max(1),
            listed: Mutex::new(None),
        }
    }

    /// The shared database, when the history is kept there.
    pub(super) fn database(&self) -> Option<&Arc<crate::shared::Shared>> {
        match &self.shelf {
            Shelf::Shared { shared, .. } => Some(shared),
            _ => None,
        }
    }

    /// How many versions are kept at most.
    pub(super) fn max(&self) -> usize {
        self.max
    }

    /// The versions whose recipes are held (in the shared database's case).
    pub(super) fn held(&self) -> BTreeSet<String> {
        match &self.shelf {
            Shelf::Shared { recipes, .. } => lock(recipes).keys().cloned().collect(),
            _ => BTreeSet::new(),
        }
    }

    /// Replaces the versions held by those the shared database keeps: `kept` lists every
    /// one with when it came into force; `fresh` are the recipes not held before.
    pub(super) fn refresh(&self, kept: &[(String, DateTime<Utc>)], fresh: Vec<Recipe>) {
        let Shelf::Shared { recipes, .. } = &self.shelf else {
            return;
        };
        let mut recipes = lock(recipes);
        for recipe in fresh {
            recipes.insert(recipe.version.clone(), recipe);
        }
        let since: BTreeMap<&str, DateTime<Utc>> =
            kept.iter().map(|(v, at)| (v.as_str(), *at)).collect();
        recipes.retain(|version, recipe| match since.get(version.as_str()) {
            Some(at) => {
                recipe.since = *at;
                true
            }
            None => false,
        });
    }

    /// Whether the history outlives the process.
    pub fn is_durable(&self) -> bool {
        matches!(self.shelf, Shelf::Disk(_) | Shelf::Shared { .. })
    }

    /// Records that the version of `inputs` came into force at `now`, unless it is the newest
    /// kept already (a restart, or another replica that got there first); then prunes the
    /// oldest beyond the bound. Returns when the version came into force as kept: `now`, or
    /// the time the replica that got there first wrote. That time names this coming into
    /// force among all others of the same version (a change back and forth brings a version
    /// into force again, at another time), the same on every replica sharing the directory.
    /// Says too which version was the newest before, if this record replaced it.
    ///
    /// # Errors
    /// The I/O error that kept it from being written; the data stay in force all the same.
    pub fn record(
        &self,
        version: &str,
        inputs: &Inputs,
        now: DateTime<Utc>,
    ) -> std::io::Result<Recorded> {
        // In the shared database, the transaction decides what is newest.
        let newest = match self.shelf {
            Shelf::Shared { .. } => None,
            _ => self.versions().pop(),
        };
        if let Some(newest) = &newest
            && newest.data_version == version
        {
            return Ok(Recorded::replacing_none(newest.since));
        }
        let recipe = inputs.recipe(version, now);
        let mut since = now;
        match &self.shelf {
            Shelf::Memory(memory) => {
                let mut memory = lock(memory);
                for (input, bytes) in all_blobs(inputs) {
                    memory.blobs.entry(input).or_insert_with(|| bytes.clone());
                }
                memory.recipes.insert(version.to_owned(), recipe);
            }
            Shelf::Shared { shared, .. } => {
                let change = super::shared_state::Change::new(version, inputs, now);
                return super::shared_state::record(shared, self, change)
                    .map_err(std::io::Error::other);
            }
            Shelf::Disk(dir) => {
                // Inputs first, then the version that names them: a reader that finds a
                // version finds its inputs.
                for (sha256, bytes) in all_blobs(inputs) {
                    let path = dir.join("blobs").join(&sha256);
                    if !path.exists() {
                        write_whole(&path, bytes)?;
                    }
                }
                let json = serde_json::to_vec_pretty(&recipe).map_err(std::io::Error::other)?;
                let path = dir.join("versions").join(format!("{version}.json"));
                write_whole(&path, &json)?;
                // Two replicas making the same change at once both write; the file read back
                // is the one every reader sees from now on.
                since = read_recipe(&path).map_or(now, |r| r.since);
            }
        }
        self.prune(version);
        *self.listed.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(Recorded {
            since,
            replaced: newest.map(|k| k.data_version),
        })
    }

    /// The versions kept, oldest first (by when each came into force).
    pub fn versions(&self) -> Vec<Kept> {
        let Shelf::Disk(dir) = &self.shelf else {
            return self.read_versions();
        };
        let changed = fs::metadata(dir.join("versions")).and_then(|m| m.modified());
        let mut listed = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        if let (Ok(at), Some((seen, kept))) = (&changed, listed.as_ref())
            && at == seen
        {
            return kept.clone();
        }
        let kept = self.read_versions();
        // A time is trusted only once it is a second old: a change within the same tick of the
        // file system's clock would leave it as it was.
        let settled = |at: &SystemTime| {
            SystemTime::now()
                .duration_since(*at)
                .is_ok_and(|age| age > Duration::from_secs(1))
        };
        *listed = changed.ok().filter(settled).map(|at| (at, kept.clone()));
        kept
    }

    fn read_versions(&self) -> Vec<Kept> {
        // Held recipes are read where they are held, not cloned (a few dozen inputs each):
        // `/v1/changes` and every 410 list the versions.
        let kept_of = |r: &Recipe| Kept {
            data_version: r.version.clone(),
            since: r.since,
        };
        let mut kept: Vec<Kept> = match &self.shelf {
            Shelf::Memory(memory) => lock(memory).recipes.values().map(kept_of).collect(),
            Shelf::Shared { recipes, .. } => lock(recipes).values().map(kept_of).collect(),
            Shelf::Disk(_) => self.recipes().iter().map(kept_of).collect(),
        };
        kept.sort_by(|a, b| (a.since, &a.data_version).cmp(&(b.since, &b.data_version)));
        kept
    }

    /// The recipe of `version`.
    ///
    /// # Errors
    /// [`HistoryError::NotKept`] when it is not kept (or is not a version at all).
    pub fn recipe(&self, version: &str) -> Result<Recipe, HistoryError> {
        let found = is_version(version)
            .then(|| match &self.shelf {
                Shelf::Memory(memory) => lock(memory).recipes.get(version).cloned(),
                Shelf::Shared { recipes, .. } => lock(recipes).get(version).cloned(),
                Shelf::Disk(dir) => {
                    read_recipe(&dir.join("versions").join(format!("{version}.json")))
                }
            })
            .flatten();
        found.ok_or_else(|| self.not_kept(version))
    }

    /// The error for a version that is not kept, naming the oldest that is.
    pub fn not_kept(&self, version: &str) -> HistoryError {
        HistoryError::NotKept {
            version: version.to_owned(),
            oldest: self.versions().first().map(|k| k.data_version.clone()),
        }
    }

    /// The bytes of the input kept under `sha256`.
    ///
    /// # Errors
    /// A sentence saying why it cannot be read.
    pub fn blob(&self, sha256: &str) -> Result<Arc<[u8]>, String> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("{sha256} is not a SHA-256"));
        }
        match &self.shelf {
            Shelf::Memory(memory) => lock(memory)
                .blobs
                .get(sha256)
                .cloned()
                .ok_or_else(|| format!("input {sha256} is not kept")),
            Shelf::Shared { shared, .. } => super::shared_state::blob(shared, sha256),
            Shelf::Disk(dir) => fs::read(dir.join("blobs").join(sha256))
                .map(Arc::from)
                .map_err(|e| format!("input {sha256} cannot be read: {e}")),
        }
    }

    fn recipes(&self) -> Vec<Recipe> {
        match &self.shelf {
            Shelf::Memory(memory) => lock(memory).recipes.values().cloned().collect(),
            Shelf::Shared { recipes, .. } => lock(recipes).values().cloned().collect(),
            Shelf::Disk(dir) => fs::read_dir(dir.join("versions"))
                .map(|entries| {
                    entries
                        .flatten()
                        .map(|e| e.path())
                        .filter(|p| {
                            p.file_stem()
                                .and_then(|s| s.to_str())
                                .is_some_and(is_version)
                                && p.extension().is_some_and(|e| e == "json")
                        })
                        .filter_map(|p| read_recipe(&p))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Removes the oldest versions beyond the bound (never `current`), then the inputs no kept
    /// version names.
    fn prune(&self, current: &str) {
        let kept = self.versions();
        let excess = kept.len().saturating_sub(self.max);
        let gone: Vec<&str> = kept
            .iter()
            .map(|k| k.data_version.as_str())
            .filter(|v| *v != current)
            .take(excess)
            .collect();
        match &self.shelf {
            Shelf::Memory(memory) => {
                let mut memory = lock(memory);
                for version in gone {
                    memory.recipes.remove(version);
                }
                let named: BTreeSet<String> = memory.recipes.values().flat_map(names).collect();
                memory.blobs.retain(|sha, _| named.contains(sha));
            }
            // Pruned in the transaction that records a version.
            Shelf::Shared { .. } => {}
            Shelf::Disk(dir) => {
                for version in &gone {
                    let _ = fs::remove_file(dir.join("versions").join(format!("{version}.json")));
                }
                if !gone.is_empty() {
                    tracing::info!(pruned = ?gone, "oldest data versions no longer kept");
                }
                let named: BTreeSet<String> = self.recipes().iter().flat_map(names).collect();
                sweep(&dir.join("blobs"), |name| named.contains(name));
                sweep(&dir.join("versions"), |name| name.ends_with(".json"));
            }
        }
    }
}

/// The inputs a recipe names.
pub(super) fn names(recipe: &Recipe) -> impl Iterator<Item = String> + '_ {
    let layers = recipe.layers.iter().map(|i| i.sha256.clone());
    layers.chain(recipe.rules.iter().map(|i| i.sha256.clone()))
}

pub(super) fn all_blobs(inputs: &Inputs) -> impl Iterator<Item = (String, &Arc<[u8]>)> {
    let layers = inputs.layers.iter().map(|(i, b)| (i.sha256.clone(), b));
    layers.chain(inputs.rules.iter().map(|(i, b)| (i.sha256.clone(), b)))
}

/// Removes the files of `dir` that `keep` refuses and that are older than [`GRACE`] (another
/// writer's temporary file or fresh input may be younger).
fn sweep(dir: &Path, keep: impl Fn(&str) -> bool) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if keep(&name) {
            continue;
        }
        remove_if_stale(&entry.path());
    }
}

/// Removes `path` if it is older than `GRACE` (ten minutes): a partial write that did not finish, and
/// not another replica's write in progress.
pub fn remove_if_stale(path: &Path) {
    let old = fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > GRACE);
    if old {
        let _ = fs::remove_file(path);
    }
}

fn read_recipe(path: &Path) -> Option<Recipe> {
    let bytes = fs::read(path).ok()?;
    serde_json::from_slice(&bytes)
        .inspect_err(
            |e| tracing::warn!(path = %path.display(), "a kept version is unreadable: {e}"),
        )
        .ok()
}

fn lock<T>(held: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    held.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(text: &str) -> Inputs {
        use sha2::{Digest, Sha256};
        let bytes: Arc<[u8]> = Arc::from(text.as_bytes());
        let sha256 = crate::base::hex(&Sha256::digest(&bytes));
        Inputs {
            layers: vec![(
                LayerInput {
                    layer: "cn".to_owned(),
                    year: Some(2027),
                    origin: Origin::Embedded,
                    sha256,
                },
                bytes,
            )],
            rules: Vec::new(),
        }
    }

    fn at(second: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + second, 0).unwrap()
    }

    #[test]
    fn the_oldest_versions_beyond_the_bound_are_pruned_with_their_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::open(Some(dir.path()), 2).unwrap();
        for (i, v) in ["000000000000000a", "000000000000000b", "000000000000000c"]
            .iter()
            .enumerate()
        {
            history.record(v, &inputs(v), at(i as i64)).unwrap();
        }
        let kept: Vec<String> = history
            .versions()
            .into_iter()
            .map(|k| k.data_version)
            .collect();
        assert_eq!(
            kept,
            ["000000000000000b", "000000000000000c"],
            "a is pruned"
        );
        assert_eq!(
            history.recipe("000000000000000a"),
            Err(HistoryError::NotKept {
                version: "000000000000000a".to_owned(),
                oldest: Some("000000000000000b".to_owned())
            }),
            "a pruned version names the oldest kept"
        );
        let again = History::open(Some(dir.path()), 2).unwrap();
        assert_eq!(again.versions().len(), 2, "kept across a restart");
    }

    #[test]
    fn a_version_is_never_a_path() {
        let history = History::open(None, 5).unwrap();
        for asked in ["../../etc/passwd", "0123456789ABCDEF", "", "0123"] {
            assert!(
                matches!(history.recipe(asked), Err(HistoryError::NotKept { .. })),
                "{asked:?} is refused before anything is read"
            );
        }
    }

    #[test]
    fn the_newest_version_recorded_again_keeps_its_time() {
        let history = History::open(None, 5).unwrap();
        let v = "00000000000000aa";
        history.record(v, &inputs("x"), at(0)).unwrap();
        history.record(v, &inputs("x"), at(9)).unwrap();
        assert_eq!(
            history.versions()[0].since,
            at(0),
            "a restart is not a new version"
        );
    }

    #[test]
    fn a_record_names_the_newest_version_it_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::open(Some(dir.path()), 5).unwrap();
        let (a, b) = ("00000000000000aa", "00000000000000bb");
        let first = history.record(a, &inputs("a"), at(0)).unwrap();
        let again = history.record(a, &inputs("a"), at(5)).unwrap();
        let other = history.record(b, &inputs("b"), at(9)).unwrap();
        let back = history.record(a, &inputs("a"), at(12)).unwrap();
        assert_eq!(
            first,
            Recorded::replacing_none(at(0)),
            "nothing kept before"
        );
        assert_eq!(
            again,
            Recorded::replacing_none(at(0)),
            "a restart replaces nothing"
        );
        assert_eq!(
            other,
            Recorded {
                since: at(9),
                replaced: Some(a.to_owned())
            }
        );
        assert_eq!(
            back,
            Recorded {
                since: at(12),
                replaced: Some(b.to_owned())
            },
            "a version in force before comes back, at a time of its own"
        );
    }
}
