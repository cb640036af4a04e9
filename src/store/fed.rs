//! The feed's files: offered, checked, kept in the state directory, withdrawn, and shared
//! with the other replicas there; and the feed's status.

use super::*;

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

/// What a feed file did to the data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Offer {
    /// Checked, persisted and in force.
    Accepted,
    /// The same bytes are in force already.
    Unchanged,
    /// Checked, but not taken: the shared database cannot record it now (the reason says
    /// so). Nothing changed; the next poll offers it again.
    NotRecorded(String),
}

/// A feed file the store holds.
#[derive(Clone, Debug)]
pub(super) struct FeedFile {
    pub(super) bytes: Vec<u8>,
    pub(super) url: String,
    pub(super) sha256: [u8; 32],
}

impl Store {
    /// What the feed did last; never waits for a change in progress.
    pub fn feed_status(&self) -> FeedStatus {
        self.status.load().feed.clone()
    }

    /// Takes in what other replicas sharing the state directory decided since this one last
    /// looked — feed files they accepted, files an operator withdrew on one of them — and
    /// recompiles if that changes anything. Called at every feed poll, before the feed is
    /// asked (whose answer may be "unchanged" or 304, which would otherwise leave a withdrawn
    /// file in force here until a restart). With a shared database, the files, withdrawals
    /// and the version in force are those it holds (see [`Store::spawn_follower`], which
    /// calls this in the background). Says whether the data in force changed.
    pub fn follow_shared_state(&self) -> bool {
        if let Some(shared) = self.history.database() {
            return self.follow_database(shared);
        }
        let mut sources = self.lock();
        let changed = self.follow_shared(&mut sources);
        if changed {
            // Recorded in the state directory, which cannot refuse it.
            let _ = self.rebuild(&sources, FeedChange::None);
        }
        changed
    }

    /// Merges the state directory into `sources`; says whether anything changed. A withdrawal
    /// there removes the withdrawn file here; a file accepted there replaces this replica's of
    /// the same year. A file held here but not there stays (its write may have failed here,
    /// and the status says so).
    pub(super) fn follow_shared(&self, sources: &mut Sources) -> bool {
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
    /// (write, fsync, rename) and puts it in force. With a shared database it is recorded
    /// there with the version it brings, in one transaction, or not taken
    /// ([`Offer::NotRecorded`]).
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
        let file = FeedFile {
            bytes: bytes.to_vec(),
            url: without_credentials(url),
            sha256,
        };
        if self.history.database().is_some() {
            let mut next = sources.clone();
            next.feed_files.insert(year, file.clone());
            let recorded = self.rebuild(&next, FeedChange::Accept { year, file });
            let reason = match recorded {
                Ok(()) => {
                    *sources = next;
                    self.set_status(|status| status.feed.refused.retain(|r| r.year != year));
                    return Ok(Offer::Accepted);
                }
                Err(e) => {
                    tracing::error!(year, cause = %crate::base::error_chain(&e), "a feed file is not taken");
                    format!(
                        "not taken now: the database that replicas share cannot be reached to record it ({e}); it is offered again at the next poll"
                    )
                }
            };
            self.set_status(|status| {
                status.feed.refused.retain(|r| r.year != year);
                status.feed.refused.push(FeedRefusal {
                    year,
                    reason: reason.clone(),
                    at: Utc::now(),
                });
            });
            return Ok(Offer::NotRecorded(reason));
        }
        let persisted = match &self.state_dir {
            None => Ok(()),
            Some(dir) => write_whole(&dir.join(FEED_CALENDAR).join(format!("{year}.json")), bytes),
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
        sources.feed_files.insert(year, file);
        // Recorded in the state directory (or memory), which cannot refuse it.
        let _ = self.rebuild(&sources, FeedChange::None);
        Ok(Offer::Accepted)
    }

    /// Withdraws the feed file of `year`: it leaves the data and the state directory, and the
    /// same bytes are refused if the feed offers them again.
    ///
    /// With a shared database, the withdrawal and the version it brings are recorded there in
    /// one transaction first, and every replica follows.
    ///
    /// # Errors
    /// [`StoreError::NoFeedFile`] when no feed file of that year is held;
    /// [`StoreError::Database`] when the shared database cannot record it (nothing changes).
    pub fn withdraw_feed_file(&self, year: i32) -> Result<(), StoreError> {
        let mut sources = self.lock();
        if let Some(shared) = self.history.database() {
            // What other replicas did first: the file may have been withdrawn or replaced.
            let state = shared_state::read(shared, &self.history).map_err(StoreError::Database)?;
            sources.feed_files = state.files;
            sources.withdrawn = state.withdrawn;
        }
        let mut next = sources.clone();
        let file = next
            .feed_files
            .remove(&year)
            .ok_or(StoreError::NoFeedFile(year))?;
        next.withdrawn.insert(year, file.sha256);
        if self.history.database().is_some() {
            let sha256 = file.sha256;
            self.rebuild(&next, FeedChange::Withdraw { year, sha256 })?;
            *sources = next;
            tracing::warn!(year, sha256 = %hex(&sha256), "feed file withdrawn by an operator");
            return Ok(());
        }
        *sources = next;
        if let Some(dir) = &self.state_dir {
            let layer = dir.join(FEED_CALENDAR);
            let _ = fs::remove_file(layer.join(format!("{year}.json")));
            if let Err(e) = write_whole(
                &layer.join(format!("{year}.withdrawn")),
                hex(&file.sha256).as_bytes(),
            ) {
                tracing::error!(year, "a withdrawal could not be kept: {e}");
            }
        }
        tracing::warn!(year, sha256 = %hex(&file.sha256), "feed file withdrawn by an operator");
        let _ = self.rebuild(&sources, FeedChange::None);
        Ok(())
    }

    /// The one check of a feed file: against the embedded file of its year.
    pub(super) fn check_feed_file(&self, year: i32, bytes: &[u8]) -> Result<(), DataError> {
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
    pub(super) fn persisted(&self) -> (BTreeMap<i32, FeedFile>, BTreeMap<i32, [u8; 32]>) {
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
                .and_then(|h| crate::base::unhex32(h.trim()));
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
}

impl Store {
    /// Puts the accepted feed files in `data`, each checked against the embedded file of its
    /// year as when it was offered; says what became of each.
    pub(super) fn feed_layer(&self, data: &mut DataSet, sources: &Sources) -> Vec<FeedFileStatus> {
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
        files
    }
}
