//! The data state replicas share in PostgreSQL (when `QIXIAN_DATABASE_URL` names it): the
//! history's versions and inputs (`data_versions`, `data_blobs`), the feed's accepted and
//! withdrawn files (`data_feed_files`, `data_withdrawals`) and the webhook deliveries a change
//! causes (`webhook_outbox`). A change is one transaction, serialised by an advisory lock;
//! the newest version by `since_us` is the one in force for every replica, which each follows
//! ([`Store::follow_shared_state`]) at every poll and when `NOTIFY qixian_data` says so.

use std::collections::BTreeSet;
use std::time::Duration;

use sqlx::AnyConnection;

use super::*;
use crate::registers::RegistersError;
use crate::shared::{OutboxRow, Shared};

/// The key of the advisory lock every change of the shared data state takes (not the
/// migrations' key): "qixian", then 27.
const CHANGE_LOCK: i64 = 0x7178_6961_6e27;

/// The channel a change is announced on, for the other replicas to follow at once.
pub const CHANNEL: &str = "qixian_data";

/// What a change does to the feed's files, in the transaction of the version it brings.
pub(super) enum FeedChange {
    /// Nothing (a reload).
    None,
    /// A feed file accepted.
    Accept { year: i32, file: FeedFile },
    /// A feed file withdrawn by an operator.
    Withdraw { year: i32, sha256: [u8; 32] },
}

/// The outbox rows of a change, given when it comes into force.
pub(super) type OutboxRows = Box<dyn FnOnce(DateTime<Utc>) -> Vec<OutboxRow> + Send>;

/// A change to record: the version (its recipe, in force from now), its inputs, what it does
/// to the feed's files and the deliveries it causes.
pub(super) struct Change {
    recipe: Recipe,
    blobs: Vec<(String, Vec<u8>)>,
    pub(super) feed: FeedChange,
    pub(super) outbox: Option<OutboxRows>,
}

impl Change {
    /// The version of `inputs`, coming into force at `now` (to the microsecond, as kept).
    pub(super) fn new(version: &str, inputs: &Inputs, now: DateTime<Utc>) -> Self {
        Change {
            recipe: inputs.recipe(version, at_micros(now.timestamp_micros())),
            blobs: history::all_blobs(inputs)
                .map(|(sha, bytes)| (sha, bytes.to_vec()))
                .collect(),
            feed: FeedChange::None,
            outbox: None,
        }
    }
}

/// The time `us` microseconds after the epoch.
fn at_micros(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}

/// What the database keeps of the history: every version with when it came into force, and
/// the recipes not held here before.
struct Listing {
    kept: Vec<(String, DateTime<Utc>)>,
    fresh: Vec<Recipe>,
}

/// The shared data state as read by a follow.
pub(super) struct State {
    pub(super) files: BTreeMap<i32, FeedFile>,
    pub(super) withdrawn: BTreeMap<i32, [u8; 32]>,
    /// The version in force for every replica, with when it came into force.
    pub(super) newest: Option<(String, DateTime<Utc>)>,
}

/// Records `change` in one transaction: the feed's files, then — unless the newest version
/// kept already is this one — its inputs, its version as the newest, the pruning beyond the
/// bound, the outbox rows; and `NOTIFY`. Returns when the version came into force as kept
/// (exactly, to the microsecond) and, if this transaction made it the newest, the version that
/// was newest before; and refreshes the versions `history` holds.
///
/// # Errors
/// The database's error: then nothing of the change is recorded.
pub(super) fn record(
    shared: &Shared,
    history: &History,
    change: Change,
) -> Result<Recorded, RegistersError> {
    let (max, held) = (history.max(), history.held());
    let (recorded, listing) = shared.run(move |pool| {
        Box::pin(async move {
            let mut tx = pool.begin().await?;
            let recorded = write(&mut tx, change, max).await?;
            let listing = list(&mut tx, &held).await?;
            tx.commit().await?;
            Ok((recorded, listing))
        })
    })?;
    history.refresh(&listing.kept, listing.fresh);
    Ok(recorded)
}

/// Writes `rows` into `webhook_outbox` in one transaction (a row already there is left as it
/// is, so writing the same rows again writes nothing).
///
/// # Errors
/// The database's error: then none is written.
pub(super) fn write_outbox(shared: &Shared, rows: Vec<OutboxRow>) -> Result<(), RegistersError> {
    shared.run(move |pool| {
        Box::pin(async move {
            let mut tx = pool.begin().await?;
            for row in rows {
                crate::shared::insert_outbox_row(&mut *tx, row).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    })
}

/// The transaction's statements (see [`record`]).
async fn write(
    conn: &mut AnyConnection,
    change: Change,
    max: usize,
) -> Result<Recorded, RegistersError> {
    let now = Utc::now().to_rfc3339();
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(CHANGE_LOCK)
        .execute(&mut *conn)
        .await?;
    let mut changed = false;
    match change.feed {
        FeedChange::None => {}
        FeedChange::Accept { year, file } => {
            sqlx::query(
                "INSERT INTO data_feed_files (year, sha256, url, bytes, accepted_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (year) DO UPDATE SET sha256 = excluded.sha256, url = excluded.url,
                 bytes = excluded.bytes, accepted_at = excluded.accepted_at",
            )
            .bind(i64::from(year))
            .bind(hex(&file.sha256))
            .bind(file.url)
            .bind(file.bytes)
            .bind(now.clone())
            .execute(&mut *conn)
            .await?;
            changed = true;
        }
        FeedChange::Withdraw { year, sha256 } => {
            sqlx::query("DELETE FROM data_feed_files WHERE year = $1")
                .bind(i64::from(year))
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO data_withdrawals (year, sha256, withdrawn_at) VALUES ($1, $2, $3)
                 ON CONFLICT (year) DO UPDATE SET sha256 = excluded.sha256,
                 withdrawn_at = excluded.withdrawn_at",
            )
            .bind(i64::from(year))
            .bind(hex(&sha256))
            .bind(now.clone())
            .execute(&mut *conn)
            .await?;
            changed = true;
        }
    }
    let newest: Option<(String, i64)> = sqlx::query_as(
        "SELECT version, since_us FROM data_versions ORDER BY since_us DESC, version DESC LIMIT 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    let (since_us, replaced) = match newest {
        // A restart, or another replica that got there first: its time stands.
        Some((version, since_us)) if version == change.recipe.version => (since_us, None),
        newest => {
            // Newest by `since_us` even when another replica's clock runs ahead.
            let now_us = change.recipe.since.timestamp_micros();
            let since_us = newest.as_ref().map_or(now_us, |(_, at)| now_us.max(at + 1));
            let mut recipe = change.recipe;
            recipe.since = at_micros(since_us);
            keep(&mut *conn, &recipe, change.blobs, since_us, &now).await?;
            prune(&mut *conn, max).await?;
            if let Some(rows) = change.outbox {
                for row in rows(recipe.since) {
                    crate::shared::insert_outbox_row(&mut *conn, row).await?;
                }
            }
            changed = true;
            (since_us, newest.map(|(version, _)| version))
        }
    };
    if changed {
        sqlx::query(&format!("NOTIFY {CHANNEL}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(Recorded {
        since: at_micros(since_us),
        replaced,
    })
}

/// Writes the inputs not kept yet and the version as the newest.
async fn keep(
    conn: &mut AnyConnection,
    recipe: &Recipe,
    blobs: Vec<(String, Vec<u8>)>,
    since_us: i64,
    now: &str,
) -> Result<(), RegistersError> {
    let present: BTreeSet<String> = sqlx::query_scalar("SELECT sha256 FROM data_blobs")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    let mut written = BTreeSet::new();
    for (sha256, bytes) in blobs {
        if present.contains(&sha256) || !written.insert(sha256.clone()) {
            continue;
        }
        sqlx::query(
            "INSERT INTO data_blobs (sha256, bytes, kept_at) VALUES ($1, $2, $3)
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(bytes)
        .bind(now.to_owned())
        .execute(&mut *conn)
        .await?;
    }
    let json = serde_json::to_string(recipe).map_err(|e| RegistersError::Corrupt(e.to_string()))?;
    sqlx::query(
        "INSERT INTO data_versions (version, since_us, recipe) VALUES ($1, $2, $3)
         ON CONFLICT (version) DO UPDATE SET since_us = excluded.since_us, recipe = excluded.recipe",
    )
    .bind(recipe.version.clone())
    .bind(since_us)
    .bind(json)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes the oldest versions beyond `max` (the newest is always kept), then the inputs no
/// kept version names.
async fn prune(conn: &mut AnyConnection, max: usize) -> Result<(), RegistersError> {
    let all: Vec<(String, String)> = sqlx::query_as(
        "SELECT version, recipe FROM data_versions ORDER BY since_us DESC, version DESC",
    )
    .fetch_all(&mut *conn)
    .await?;
    let (kept, gone) = all.split_at(all.len().min(max.max(1)));
    for (version, _) in gone {
        sqlx::query("DELETE FROM data_versions WHERE version = $1")
            .bind(version.clone())
            .execute(&mut *conn)
            .await?;
    }
    if !gone.is_empty() {
        let pruned: Vec<&str> = gone.iter().map(|(v, _)| v.as_str()).collect();
        tracing::info!(?pruned, "oldest data versions no longer kept");
    }
    let named: BTreeSet<String> = kept
        .iter()
        .filter_map(|(_, json)| serde_json::from_str::<Recipe>(json).ok())
        .flat_map(|r| history::names(&r).collect::<Vec<_>>())
        .collect();
    let blobs: Vec<String> = sqlx::query_scalar("SELECT sha256 FROM data_blobs")
        .fetch_all(&mut *conn)
        .await?;
    for sha256 in blobs.into_iter().filter(|s| !named.contains(s)) {
        sqlx::query("DELETE FROM data_blobs WHERE sha256 = $1")
            .bind(sha256)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The versions kept, and the recipes of those not in `held`.
async fn list(
    conn: &mut AnyConnection,
    held: &BTreeSet<String>,
) -> Result<Listing, RegistersError> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT version, since_us FROM data_versions")
        .fetch_all(&mut *conn)
        .await?;
    let mut fresh = Vec::new();
    for (version, since_us) in rows.iter().filter(|(v, _)| !held.contains(v)) {
        let json: String =
            sqlx::query_scalar("SELECT recipe FROM data_versions WHERE version = $1")
                .bind(version.clone())
                .fetch_one(&mut *conn)
                .await?;
        match serde_json::from_str::<Recipe>(&json) {
            Ok(mut recipe) if recipe.version == *version => {
                recipe.since = at_micros(*since_us);
                fresh.push(recipe);
            }
            Ok(_) => tracing::warn!(%version, "a kept version's recipe names another version"),
            Err(e) => tracing::warn!(%version, "a kept version is unreadable: {e}"),
        }
    }
    let kept = rows
        .into_iter()
        .map(|(version, since_us)| (version, at_micros(since_us)))
        .collect();
    Ok(Listing { kept, fresh })
}

/// Reads the shared data state — feed files, withdrawals, the version in force — and
/// refreshes the versions `history` holds.
///
/// # Errors
/// The database's error.
pub(super) fn read(shared: &Shared, history: &History) -> Result<State, RegistersError> {
    let held = history.held();
    let (files, withdrawn, listing) = shared.run(move |pool| {
        Box::pin(async move {
            let mut tx = pool.begin().await?;
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut *tx)
                .await?;
            let files: Vec<(i64, String, Vec<u8>)> =
                sqlx::query_as("SELECT year, url, bytes FROM data_feed_files")
                    .fetch_all(&mut *tx)
                    .await?;
            let withdrawn: Vec<(i64, String)> =
                sqlx::query_as("SELECT year, sha256 FROM data_withdrawals")
                    .fetch_all(&mut *tx)
                    .await?;
            let listing = list(&mut tx, &held).await?;
            tx.commit().await?;
            Ok((files, withdrawn, listing))
        })
    })?;
    let files = files
        .into_iter()
        .filter_map(|(year, url, bytes)| {
            let year = i32::try_from(year).ok()?;
            let sha256 = Sha256::digest(&bytes).into();
            Some((year, FeedFile { bytes, url, sha256 }))
        })
        .collect();
    let withdrawn = withdrawn
        .into_iter()
        .filter_map(|(year, sha)| Some((i32::try_from(year).ok()?, crate::base::unhex32(&sha)?)))
        .collect();
    let newest = listing
        .kept
        .iter()
        .max_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)))
        .cloned();
    history.refresh(&listing.kept, listing.fresh);
    Ok(State {
        files,
        withdrawn,
        newest,
    })
}

/// The bytes of the input kept under `sha256`, from the database.
pub(super) fn blob(shared: &Shared, sha256: &str) -> Result<Arc<[u8]>, String> {
    let key = sha256.to_owned();
    let found: Option<Vec<u8>> = shared
        .run(move |pool| {
            Box::pin(async move {
                Ok(
                    sqlx::query_scalar("SELECT bytes FROM data_blobs WHERE sha256 = $1")
                        .bind(key)
                        .fetch_optional(&pool)
                        .await?,
                )
            })
        })
        .map_err(|e| format!("input {sha256} cannot be read: {e}"))?;
    found
        .map(Arc::from)
        .ok_or_else(|| format!("input {sha256} is not kept"))
}

/// The follower's background task: stops (is aborted) when dropped.
#[derive(Debug)]
pub struct Follower(tokio::task::JoinHandle<()>);

impl Drop for Follower {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Store {
    /// Starts following the shared data state in the background, on the shared runtime:
    /// every `every`, and at once when a change is announced (`LISTEN qixian_data`, a
    /// connection of its own, made again whenever it is lost). None without a shared
    /// database. The follow itself runs on a blocking thread.
    pub fn spawn_follower(self: &Arc<Self>, every: Duration) -> Option<Follower> {
        let runtime = self.history.database()?.handle()?;
        let store = Arc::downgrade(self);
        let task = runtime.spawn(async move {
            let mut listener: Option<sqlx::postgres::PgListener> = None;
            loop {
                if listener.is_none() {
                    let connect = store
                        .upgrade()
                        .and_then(|s| s.history.database().map(|d| d.listener(CHANNEL)));
                    let Some(connect) = connect else { return };
                    listener = connect
                        .await
                        .inspect_err(|e| {
                            tracing::warn!("cannot listen for changes of the shared data: {e}")
                        })
                        .ok();
                }
                let lost = match listener.as_mut() {
                    Some(listening) => tokio::select! {
                        () = tokio::time::sleep(every) => false,
                        heard = listening.try_recv() => !matches!(heard, Ok(Some(_))),
                    },
                    None => {
                        tokio::time::sleep(every).await;
                        false
                    }
                };
                if lost {
                    listener = None;
                }
                let Some(following) = store.upgrade() else {
                    return;
                };
                let _ = tokio::task::spawn_blocking(move || following.follow_shared_state()).await;
            }
        });
        Some(Follower(task))
    }

    /// Follows the shared database: its feed files and withdrawals become this replica's
    /// sources, and its newest version, if it is not the one in force here, is compiled from
    /// its recipe and put in force (the change hooks are told, with its time as kept). A
    /// version this build compiles to another (a rolling update) is logged and not followed.
    /// Says whether the data in force changed.
    pub(super) fn follow_database(&self, shared: &Shared) -> bool {
        let mut sources = self.lock();
        let state = match read(shared, &self.history) {
            Ok(state) => state,
            Err(e) => {
                tracing::warn!(cause = %crate::base::error_chain(&e), "the shared data state cannot be read: the data in force stay");
                return false;
            }
        };
        // The feed's files and withdrawals, as years and digests.
        let held = |s: &Sources| {
            let files: Vec<(i32, [u8; 32])> =
                s.feed_files.iter().map(|(y, f)| (*y, f.sha256)).collect();
            (files, s.withdrawn.clone())
        };
        let before = held(&sources);
        sources.feed_files = state.files;
        sources.withdrawn = state.withdrawn;
        let current = self.in_force();
        let newest = state.newest.map(|(version, _)| version);
        if newest.as_deref().is_none_or(|v| v == current.version()) {
            // The same data: the feed's files may have changed beneath an operator's file.
            if held(&sources) != before {
                let files = self.feed_layer(&mut self.embedded.clone(), &sources);
                self.set_status(|status| status.feed.files = files);
            }
            return false;
        }
        let Some(newest) = newest else {
            return false;
        };
        let mut unfollowed = self.unfollowed.lock().unwrap_or_else(|e| e.into_inner());
        if unfollowed.as_deref() == Some(newest.as_str()) {
            return false;
        }
        let compiled = self
            .history
            .recipe(&newest)
            .and_then(|recipe| Ok((self.compile_inputs(&recipe)?, recipe.since)));
        let (set, since) = match compiled {
            Ok((set, since)) if set.version() == newest => (set, since),
            Ok((set, _)) => {
                // A rolling update: another build recorded it. Not tried again until another
                // version is newest.
                tracing::error!(
                    data_version = %newest,
                    "the version in force on the other replicas is not followed: this build compiles its inputs to {}",
                    set.version()
                );
                *unfollowed = Some(newest);
                return false;
            }
            Err(e) => {
                // Tried again at the next follow (the database may be back by then).
                tracing::error!("the version in force on the other replicas is not followed: {e}");
                return false;
            }
        };
        *unfollowed = None;
        let set = Arc::new(set);
        let previous = self.current.swap(set.clone());
        let files = self.feed_layer(&mut self.embedded.clone(), &sources);
        self.set_status(|status| status.feed.files = files);
        tracing::info!(
            data_version = set.version(),
            "data version in force on the other replicas followed"
        );
        self.changed(&previous, &set, since);
        true
    }
}
