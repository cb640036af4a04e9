//! The deliveries not made yet: one per event and subscriber, kept in `QIXIAN_STATE_DIR/webhooks/`
//! when there is a state directory (they survive a restart, and any replica sharing the
//! directory can make them), else in memory.
//!
//! A delivery's file is named after the event and the subscriber (`<webhook-id>.<url key>.json`),
//! never after the replica: every replica that sees the same change names it the same, so a
//! directory holds it once. Files are written whole — a temporary file of a name no other
//! replica uses, fsync, then a link (a new delivery: it fails if the file is there already) or a
//! rename (an update) — and never changed in place. A replica *claims* a delivery before making
//! it by renaming its file to `<name>.<unix ms>.<nonce>.claim`: one rename of a file succeeds,
//! so two replicas never send the same delivery at once. A claim that outlives its replica (a
//! crash mid-delivery) is taken back once it is older than any delivery can take. A delivery
//! made leaves `<name>.sent` (its time) for a day, so that a replica that sees the same change
//! after another has told the subscriber does not tell it again.
//!
//! When the replicas share PostgreSQL instead, the deliveries are rows of its outbox
//! ([`super::outbox`]), claimed and settled in the database's transactions.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use super::delivery::{KeptDelivery, SENT_KEPT, Scan, Settle};
use super::outbox::Outbox;
use crate::base::files::{self, read_bounded, write_new, write_whole};

/// A temporary file older than this is a write that never finished.
const TEMPORARY_KEPT: Duration = Duration::from_secs(3600);

/// The largest delivery file read; an event's is well under a kilobyte.
const MAX_KEPT_BYTES: u64 = 256 * 1024;

/// A delivery taken by this replica: no other sends it until it is settled. Dropped unsettled
/// (the sender stopped mid-attempt), it is put back as it was — in the database, once its
/// lease ends ([`super::outbox`]).
pub(super) struct Claim {
    /// The delivery, as read when it was claimed.
    pub kept: KeptDelivery,
    file: Option<ClaimFile>,
    /// In the database: the claim's own mark on the row (`claimed_by`).
    mark: Option<String>,
}

struct ClaimFile {
    claimed: PathBuf,
    pending: PathBuf,
    settled: bool,
}

impl Drop for ClaimFile {
    fn drop(&mut self) {
        if !self.settled {
            let _ = fs::rename(&self.claimed, &self.pending);
        }
    }
}

/// A scan and its claims, for the unit tests.
#[cfg(test)]
struct Due {
    claims: Vec<Claim>,
    next_ms: Option<u64>,
    backlog: usize,
    unreadable: u64,
}

/// Where the deliveries are kept.
pub(super) enum Backlog {
    /// In this process only: lost at a restart.
    Memory(Mutex<BTreeMap<String, (KeptDelivery, bool)>>),
    /// In a directory, shared by the replicas that share it.
    Dir {
        /// `QIXIAN_STATE_DIR/webhooks`.
        path: PathBuf,
        /// A claim older than this was left by a replica that stopped mid-delivery.
        stale_claim: Duration,
    },
    /// In PostgreSQL's `webhook_outbox`, shared by the replicas that share the database.
    Database(Outbox),
}

/// A file of the directory, by its name.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Pending(String),
    Claimed { name: String, at_ms: u64 },
    Sent(String),
    Temporary,
}

/// Whether `name` is one this module makes: `msg_<hex>.<hex>`, nothing a path could use.
fn is_name(name: &str) -> bool {
    let mut parts = name.split('.');
    let (Some(id), Some(target), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    id.strip_prefix("msg_").is_some_and(hex) && hex(target)
}

fn entry(file_name: &str) -> Option<Entry> {
    if file_name.ends_with(".tmp") {
        return Some(Entry::Temporary);
    }
    if let Some(name) = file_name.strip_suffix(".json") {
        return is_name(name).then(|| Entry::Pending(name.to_owned()));
    }
    if let Some(name) = file_name.strip_suffix(".sent") {
        return is_name(name).then(|| Entry::Sent(name.to_owned()));
    }
    let rest = file_name.strip_suffix(".claim")?;
    let mut parts = rest.rsplitn(3, '.');
    let (_nonce, at, name) = (parts.next()?, parts.next()?, parts.next()?);
    let at_ms = at.parse().ok()?;
    is_name(name).then(|| Entry::Claimed {
        name: name.to_owned(),
        at_ms,
    })
}

/// A name for a file no other replica, and no other write of this one, will use.
fn nonce() -> String {
    format!("{:x}{:016x}", std::process::id(), fastrand::u64(..))
}

impl Backlog {
    /// Deliveries kept in memory only.
    pub fn in_memory() -> Self {
        Backlog::Memory(Mutex::new(BTreeMap::new()))
    }

    /// Deliveries kept in `path` (created if need be).
    ///
    /// # Errors
    /// When the directory cannot be created.
    pub fn in_dir(path: PathBuf, stale_claim: Duration) -> io::Result<Self> {
        fs::create_dir_all(&path)?;
        Ok(Backlog::Dir { path, stale_claim })
    }

    /// Deliveries kept in the outbox of the database `shared`, a claim holding for `lease`.
    pub fn in_database(shared: std::sync::Arc<crate::shared::Shared>, lease: Duration) -> Self {
        Backlog::Database(Outbox::new(shared, lease))
    }

    /// Whether the deliveries are the database's, written by the store in each change's
    /// transaction.
    pub fn is_shared(&self) -> bool {
        matches!(self, Backlog::Database(_))
    }

    fn memory(
        map: &Mutex<BTreeMap<String, (KeptDelivery, bool)>>,
    ) -> std::sync::MutexGuard<'_, BTreeMap<String, (KeptDelivery, bool)>> {
        map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps `kept`, unless the same delivery is kept already, or — in a directory or the
    /// database — was made at or after `since_ms` (by another replica: the same change, told
    /// already; the database keeps that a day too). Says whether it was kept.
    ///
    /// # Errors
    /// When the directory or the database cannot be read or written.
    pub fn add(&self, kept: &KeptDelivery, since_ms: u64) -> io::Result<bool> {
        let name = kept.name();
        let path = match self {
            Backlog::Memory(map) => {
                let mut map = Self::memory(map);
                if map.contains_key(&name) {
                    return Ok(false);
                }
                map.insert(name, (kept.clone(), false));
                return Ok(true);
            }
            Backlog::Dir { path, .. } => path,
            Backlog::Database(outbox) => return outbox.add(kept, since_ms, super::now_ms()),
        };
        // KeptDelivery or being made already (claimed) first, then the mark of one made: a replica
        // that makes it writes the mark before it lets go of the claim.
        let held = list(path)?.into_iter().any(|(e, _)| match e {
            Entry::Pending(n) | Entry::Claimed { name: n, .. } => n == name,
            _ => false,
        });
        if held {
            return Ok(false);
        }
        let sent = path.join(format!("{name}.sent"));
        if read_bounded(&sent, MAX_KEPT_BYTES)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|t| t.trim().parse::<u64>().ok())
            .is_some_and(|at| at >= since_ms)
        {
            return Ok(false);
        }
        let bytes = serde_json::to_vec(kept).map_err(io::Error::other)?;
        write_new(&path.join(format!("{name}.json")), &bytes)
    }

    /// Drops the oldest deliveries waiting (by their event's time; claimed ones are being made
    /// and stay) until at most `max` are kept, so that a subscriber down for long, with the
    /// data changing often, cannot fill the memory or the disk. Returns the names dropped.
    ///
    /// # Errors
    /// When the directory cannot be read.
    pub fn trim(&self, max: usize) -> io::Result<Vec<String>> {
        let path = match self {
            Backlog::Memory(map) => {
                let mut map = Self::memory(map);
                let excess = map.len().saturating_sub(max);
                let mut waiting: Vec<(u64, String)> = map
                    .iter()
                    .filter(|(_, (_, claimed))| !*claimed)
                    .map(|(name, (kept, _))| (kept.created_ms, name.clone()))
                    .collect();
                waiting.sort();
                waiting.truncate(excess);
                let dropped: Vec<String> = waiting.into_iter().map(|(_, name)| name).collect();
                for name in &dropped {
                    map.remove(name);
                }
                return Ok(dropped);
            }
            Backlog::Dir { path, .. } => path,
            Backlog::Database(outbox) => return outbox.trim(max, super::now_ms()),
        };
        let listing = list(path)?;
        let held = listing
            .iter()
            .filter(|(e, _)| matches!(e, Entry::Pending(_) | Entry::Claimed { .. }))
            .count();
        let excess = held.saturating_sub(max);
        if excess == 0 {
            return Ok(Vec::new());
        }
        // A file that cannot be read counts as the oldest: `due` sets it aside anyway.
        let mut waiting: Vec<(u64, String, PathBuf)> = listing
            .into_iter()
            .filter_map(|(e, file)| match e {
                Entry::Pending(name) => {
                    let created = read_kept(&file, &name).map_or(0, |k| k.created_ms);
                    Some((created, name, file))
                }
                _ => None,
            })
            .collect();
        waiting.sort();
        let mut dropped = Vec::new();
        for (_, name, file) in waiting.into_iter().take(excess) {
            // Gone meanwhile: claimed by another replica, which makes it.
            if fs::remove_file(&file).is_ok() {
                dropped.push(name);
            }
        }
        Ok(dropped)
    }

    /// How many deliveries are kept, claimed or not.
    pub fn len(&self) -> usize {
        match self {
            Backlog::Memory(map) => Self::memory(map).len(),
            Backlog::Dir { path, .. } => list(path)
                .map(|l| {
                    l.iter()
                        .filter(|(e, _)| matches!(e, Entry::Pending(_) | Entry::Claimed { .. }))
                        .count()
                })
                .unwrap_or(0),
            Backlog::Database(outbox) => outbox.len(),
        }
    }

    /// The deliveries due at `now_ms`, unclaimed. In a directory, also takes back claims left
    /// by replicas that stopped, and clears old marks and unfinished writes.
    pub fn scan(&self, now_ms: u64) -> Scan {
        let mut scan = Scan {
            due: Vec::new(),
            next_ms: None,
            backlog: 0,
            unreadable: 0,
        };
        let earliest = |next: Option<u64>, at: u64| Some(next.map_or(at, |n| n.min(at)));
        let (path, stale_claim) = match self {
            Backlog::Memory(map) => {
                let map = Self::memory(map);
                scan.backlog = map.len();
                for (name, (kept, _)) in map.iter().filter(|(_, (_, claimed))| !*claimed) {
                    if kept.next_attempt_ms <= now_ms {
                        scan.due.push(name.clone());
                    } else {
                        scan.next_ms = earliest(scan.next_ms, kept.next_attempt_ms);
                    }
                }
                return scan;
            }
            Backlog::Dir { path, stale_claim } => (path, *stale_claim),
            Backlog::Database(outbox) => return outbox.scan(now_ms),
        };
        let listing = match list(path) {
            Ok(listing) => listing,
            Err(e) => {
                tracing::error!(dir = %path.display(), "webhook deliveries cannot be read: {e}");
                return scan;
            }
        };
        let age_ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let mut pending = Vec::new();
        for (entry, file) in listing {
            match entry {
                Entry::Pending(name) => pending.push((name, file)),
                Entry::Claimed { name, at_ms } => {
                    if at_ms.saturating_add(age_ms(stale_claim)) < now_ms {
                        tracing::warn!(delivery = %name, "a webhook delivery claimed by a replica that stopped is taken back");
                        let back = path.join(format!("{name}.json"));
                        if fs::rename(&file, &back).is_ok() {
                            pending.push((name, back));
                            continue;
                        }
                    }
                    scan.backlog += 1;
                }
                Entry::Sent(_) => {
                    let at = read_bounded(&file, MAX_KEPT_BYTES)
                        .ok()
                        .and_then(|b| String::from_utf8(b).ok())
                        .and_then(|t| t.trim().parse::<u64>().ok());
                    if at.is_none_or(|at| at.saturating_add(age_ms(SENT_KEPT)) < now_ms) {
                        let _ = fs::remove_file(&file);
                    }
                }
                Entry::Temporary => {
                    let old = fs::metadata(&file)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .is_some_and(|age| age > TEMPORARY_KEPT);
                    if old {
                        let _ = fs::remove_file(&file);
                    }
                }
            }
        }
        for (name, file) in pending {
            let kept = match read_kept(&file, &name) {
                Ok(kept) => kept,
                Err(ReadError::Gone) => continue,
                Err(ReadError::Bad(why)) => {
                    tracing::error!(file = %file.display(), "a webhook delivery cannot be read and is set aside (.bad): {why}");
                    let _ = fs::rename(&file, path.join(format!("{name}.bad")));
                    scan.unreadable += 1;
                    continue;
                }
            };
            scan.backlog += 1;
            if kept.next_attempt_ms > now_ms {
                scan.next_ms = earliest(scan.next_ms, kept.next_attempt_ms);
                continue;
            }
            scan.due.push(name);
        }
        scan
    }

    /// Claims the delivery `name` for one attempt, if it is still waiting and due at `now_ms`
    /// (another replica may have claimed, made or rescheduled it since the scan). The claim's
    /// file is named with `now_ms`: it is as fresh as the attempt it covers, which ends within
    /// the webhook timeout, long before anyone takes the claim back as left behind.
    pub fn claim(&self, name: &str, now_ms: u64) -> Option<Claim> {
        let path = match self {
            Backlog::Memory(map) => {
                let mut map = Self::memory(map);
                let (kept, claimed) = map.get_mut(name)?;
                if *claimed || kept.next_attempt_ms > now_ms {
                    return None;
                }
                *claimed = true;
                return Some(Claim {
                    kept: kept.clone(),
                    file: None,
                    mark: None,
                });
            }
            Backlog::Dir { path, .. } => path,
            Backlog::Database(outbox) => {
                let (kept, mark) = outbox.claim(name, now_ms)?;
                return Some(Claim {
                    kept,
                    file: None,
                    mark: Some(mark),
                });
            }
        };
        if !is_name(name) {
            return None;
        }
        let file = path.join(format!("{name}.json"));
        let claimed = path.join(format!("{name}.{now_ms}.{}.claim", nonce()));
        match fs::rename(&file, &claimed) {
            Ok(()) => {}
            // Another replica claimed it first.
            Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::error!(file = %file.display(), "a webhook delivery cannot be claimed: {e}");
                return None;
            }
        }
        let mut claim = ClaimFile {
            claimed,
            pending: file,
            settled: false,
        };
        // Read again: another replica may have updated it between the scan and the claim
        // (the claim, dropped unsettled, puts it back).
        match read_kept(&claim.claimed, name) {
            Ok(kept) if kept.next_attempt_ms <= now_ms => Some(Claim {
                kept,
                file: Some(claim),
                mark: None,
            }),
            Ok(_) => None,
            Err(_) => {
                claim.settled = fs::remove_file(&claim.claimed).is_ok();
                None
            }
        }
    }

    /// Claims every delivery due at `now_ms` at once (the unit tests' shorthand for a scan and
    /// its claims).
    #[cfg(test)]
    fn due(&self, now_ms: u64) -> Due {
        let scan = self.scan(now_ms);
        Due {
            claims: scan
                .due
                .iter()
                .filter_map(|name| self.claim(name, now_ms))
                .collect(),
            next_ms: scan.next_ms,
            backlog: scan.backlog,
            unreadable: scan.unreadable,
        }
    }

    /// Records what became of a claimed delivery (in the database, only while the claim is
    /// still this replica's).
    ///
    /// # Errors
    /// When the directory cannot be written; the claim is then put back as it was. When the
    /// database cannot be written; the claim then holds until its lease ends.
    pub fn settle(&self, mut claim: Claim, how: Settle, now_ms: u64) -> io::Result<()> {
        if let (Backlog::Database(outbox), Some(mark)) = (self, &claim.mark) {
            return outbox.settle(&claim.kept, mark, how, now_ms).map(|_| ());
        }
        let name = claim.kept.name();
        let Some(file) = claim.file.as_mut() else {
            if let Backlog::Memory(map) = self {
                let mut map = Self::memory(map);
                match how {
                    Settle::Retry(kept) => {
                        map.insert(name, (kept, false));
                    }
                    Settle::Delivered | Settle::Drop => {
                        map.remove(&name);
                    }
                }
            }
            return Ok(());
        };
        let Backlog::Dir { path, .. } = self else {
            return Ok(());
        };
        match how {
            Settle::Delivered => {
                write_whole(
                    &path.join(format!("{name}.sent")),
                    now_ms.to_string().as_bytes(),
                )?;
            }
            Settle::Retry(kept) => {
                let bytes = serde_json::to_vec(&kept).map_err(io::Error::other)?;
                write_whole(&file.pending, &bytes)?;
            }
            Settle::Drop => {}
        }
        fs::remove_file(&file.claimed)?;
        file.settled = true;
        fs::File::open(path)?.sync_all()
    }
}

enum ReadError {
    /// Claimed or settled by another replica meanwhile.
    Gone,
    Bad(String),
}

fn read_kept(file: &Path, name: &str) -> Result<KeptDelivery, ReadError> {
    let bytes = read_bounded(file, MAX_KEPT_BYTES).map_err(|e| match e {
        files::ReadError::Io(e) if e.kind() == io::ErrorKind::NotFound => ReadError::Gone,
        e => ReadError::Bad(e.to_string()),
    })?;
    let kept: KeptDelivery =
        serde_json::from_slice(&bytes).map_err(|e| ReadError::Bad(e.to_string()))?;
    if kept.name() != name {
        return Err(ReadError::Bad(format!(
            "it holds the delivery {}, not {name}",
            kept.name()
        )));
    }
    Ok(kept)
}

/// The files of `dir` this module knows, by kind.
fn list(dir: &Path) -> io::Result<Vec<(Entry, PathBuf)>> {
    let mut files = Vec::new();
    for item in fs::read_dir(dir)? {
        let item = item?;
        let file_name = item.file_name();
        if let Some(entry) = file_name.to_str().and_then(entry) {
            files.push((entry, item.path()));
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(id: &str, next_attempt_ms: u64) -> KeptDelivery {
        KeptDelivery {
            id: format!("msg_{id}"),
            target: "0123456789abcdef".to_owned(),
            url: "http://127.0.0.1:9/hook".to_owned(),
            created_ms: 1_000,
            attempts: 0,
            next_attempt_ms,
            body: r#"{"type":"calendar.changed"}"#.to_owned(),
        }
    }

    fn in_dir(dir: &Path) -> Backlog {
        Backlog::in_dir(dir.to_owned(), Duration::from_secs(60)).unwrap()
    }

    #[test]
    fn file_names_are_read_back_as_what_they_are() {
        assert_eq!(
            entry("msg_ab12.0123456789abcdef.json"),
            Some(Entry::Pending("msg_ab12.0123456789abcdef".to_owned()))
        );
        assert_eq!(
            entry("msg_ab12.0123456789abcdef.1700000000000.1f2e.claim"),
            Some(Entry::Claimed {
                name: "msg_ab12.0123456789abcdef".to_owned(),
                at_ms: 1_700_000_000_000
            })
        );
        assert_eq!(
            entry("msg_ab12.0123456789abcdef.json.77.tmp"),
            Some(Entry::Temporary)
        );
        for other in [
            "README",
            "../x.json",
            "msg_zz.0123.json",
            "msg_ab.cd.ef.json",
            "a.sent",
        ] {
            assert_eq!(entry(other), None, "{other} is not a delivery's file");
        }
    }

    #[test]
    fn the_same_delivery_is_kept_once_in_memory_and_in_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        for backlog in [Backlog::in_memory(), in_dir(dir.path())] {
            assert!(backlog.add(&kept("aa", 0), 0).unwrap(), "the first is kept");
            assert!(
                !backlog.add(&kept("aa", 5), 0).unwrap(),
                "the same event for the same subscriber is not kept twice"
            );
            assert!(backlog.add(&kept("bb", 0), 0).unwrap(), "another event is");
            assert_eq!(backlog.len(), 2);
        }
    }

    #[test]
    fn a_due_delivery_is_claimed_once_and_a_retry_waits_its_turn() {
        let dir = tempfile::tempdir().unwrap();
        for backlog in [Backlog::in_memory(), in_dir(dir.path())] {
            backlog.add(&kept("aa", 100), 0).unwrap();
            let early = backlog.due(50);
            assert!(early.claims.is_empty(), "not due before its time");
            assert_eq!((early.next_ms, early.backlog), (Some(100), 1));

            let mut first = backlog.due(100);
            assert_eq!(first.claims.len(), 1, "due at its time");
            assert!(
                backlog.due(100).claims.is_empty(),
                "a claimed delivery is not claimed again"
            );
            let claim = first.claims.remove(0);
            let mut again = claim.kept.clone();
            again.attempts = 1;
            again.next_attempt_ms = 200;
            backlog.settle(claim, Settle::Retry(again), 100).unwrap();
            let retry = backlog.due(150);
            assert_eq!(
                (retry.claims.len(), retry.next_ms, retry.backlog),
                (0, Some(200), 1),
                "the retry waits"
            );
            let mut now = backlog.due(200);
            assert_eq!(now.claims[0].kept.attempts, 1, "the retry's state was kept");
            backlog
                .settle(now.claims.remove(0), Settle::Delivered, 200)
                .unwrap();
            assert_eq!(backlog.len(), 0, "made: forgotten");
        }
    }

    #[test]
    fn a_claim_dropped_unsettled_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let backlog = in_dir(dir.path());
        backlog.add(&kept("aa", 0), 0).unwrap();
        let due = backlog.due(10);
        assert_eq!(due.claims.len(), 1);
        drop(due);
        assert_eq!(
            backlog.due(20).claims.len(),
            1,
            "a sender stopped mid-attempt leaves the delivery to be made"
        );
    }

    #[test]
    fn a_stale_claim_of_a_stopped_replica_is_taken_back() {
        let dir = tempfile::tempdir().unwrap();
        let backlog = in_dir(dir.path());
        let k = kept("aa", 0);
        let body = serde_json::to_vec(&k).unwrap();
        let left = dir.path().join(format!("{}.1000.dead.claim", k.name()));
        fs::write(&left, body).unwrap();
        assert!(
            backlog.due(30_000).claims.is_empty(),
            "a young claim belongs to a replica at work"
        );
        assert_eq!(
            backlog.due(61_001 + 1000).claims.len(),
            1,
            "an old one is taken back and made"
        );
    }

    #[test]
    fn a_delivery_made_by_one_replica_is_not_kept_again_by_another_that_sees_the_same_change() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (in_dir(dir.path()), in_dir(dir.path()));
        a.add(&kept("aa", 0), 0).unwrap();
        let mut due = a.due(1_000);
        a.settle(due.claims.remove(0), Settle::Delivered, 1_000)
            .unwrap();
        assert!(
            !b.add(&kept("aa", 0), 500).unwrap(),
            "b has had the old data since 500: a told the subscriber of this change at 1000"
        );
        assert!(
            b.add(&kept("aa", 0), 2_000).unwrap(),
            "b has had the old data only since 2000: the change came back, and is told again"
        );
    }

    #[test]
    fn the_oldest_waiting_deliveries_are_dropped_beyond_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        for backlog in [Backlog::in_memory(), in_dir(dir.path())] {
            for (id, created_ms) in [("aa", 300), ("bb", 100), ("cc", 200), ("dd", 400)] {
                let mut k = kept(id, 1_000);
                k.created_ms = created_ms;
                backlog.add(&k, 0).unwrap();
            }
            assert!(backlog.trim(4).unwrap().is_empty(), "four fit in four");
            assert_eq!(
                backlog.trim(2).unwrap(),
                ["msg_bb.0123456789abcdef", "msg_cc.0123456789abcdef"],
                "the two oldest events go"
            );
            assert_eq!(backlog.len(), 2);
            let mut due = backlog.due(1_000);
            assert_eq!(due.claims.len(), 2);
            assert_eq!(
                backlog.trim(0).unwrap(),
                Vec::<String>::new(),
                "deliveries being made are not dropped"
            );
            for claim in due.claims.drain(..) {
                backlog.settle(claim, Settle::Drop, 1_000).unwrap();
            }
            assert_eq!(backlog.len(), 0);
        }
    }

    #[test]
    fn a_claim_made_at_its_attempt_is_not_taken_back_while_earlier_attempts_hang() {
        // Issue 22: a round claimed every due delivery at its start; behind a hanging
        // subscriber the last claims grew older than the stale age while still waiting their
        // turn, and the other replica took them back and sent them too.
        let dir = tempfile::tempdir().unwrap();
        let (mine, other) = (in_dir(dir.path()), in_dir(dir.path()));
        mine.add(&kept("aa", 0), 0).unwrap();
        let scan = mine.scan(0);
        assert_eq!(
            scan.due,
            ["msg_aa.0123456789abcdef"],
            "due, not claimed yet"
        );
        assert_eq!(other.scan(0).due.len(), 1, "a scan claims nothing");
        // The attempt's turn comes long after the scan (earlier attempts hung).
        let late = 600_000;
        let claim = mine
            .claim(&scan.due[0], late)
            .expect("claimed at its attempt");
        assert!(other.claim(&scan.due[0], late).is_none(), "claimed once");
        let meanwhile = other.scan(late + 1_000);
        assert!(
            meanwhile.due.is_empty() && meanwhile.backlog == 1,
            "a claim as old as its attempt is not taken back"
        );
        mine.settle(claim, Settle::Delivered, late + 2_000).unwrap();
        assert_eq!(other.scan(late + 3_000).due.len(), 0, "made once");
    }

    #[test]
    fn an_unreadable_file_is_set_aside_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let backlog = in_dir(dir.path());
        fs::write(
            dir.path().join("msg_aa.0123456789abcdef.json"),
            b"{not json",
        )
        .unwrap();
        let due = backlog.due(0);
        assert_eq!((due.claims.len(), due.unreadable), (0, 1));
        assert!(dir.path().join("msg_aa.0123456789abcdef.bad").exists());
        assert_eq!(backlog.len(), 0);
    }
}
