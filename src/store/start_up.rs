//! The change of the data in force that a start-up makes, told once the hooks are there.
//!
//! [`Store::open`] compiles the data and records their version before anyone can register a
//! hook: when that version is a new newest one (a new release's embedded data, operator files
//! changed while the service was down; with PostgreSQL, the first replica to start with them),
//! the data in force changed as surely as by a reload, and subscribers must hear of it. The
//! store remembers the change, and [`Store::tell_start_up_change`] tells it as a reload would,
//! once `startup.rs` has registered the webhooks' hooks.

use super::*;

/// What [`Store::open`] remembers of a change it made: the version that was the newest kept
/// before, the data it put in force, and when they came into force as kept.
pub(super) struct StartUpChange {
    pub(super) previous: String,
    pub(super) new: Arc<InForce>,
    pub(super) since: DateTime<Utc>,
}

impl Store {
    /// Tells the hooks of the change of the data in force that [`Store::open`] made, if it made
    /// one — its record made a new newest version: in a state directory, the newest kept before
    /// was another; in the shared database, this replica wrote it (not another replica first) —
    /// exactly as a reload would tell it: with the shared database, the [`Store::on_record`]
    /// hooks' rows are written to the outbox (rows keyed by the versions and the time, so
    /// writing them again is harmless), then the [`Store::on_change`] hooks are called, with
    /// the previous version compiled again, the data put in force and when they came into
    /// force. Nothing after a first start (nothing kept before), in memory, when the version
    /// was the newest already, or at a second call.
    ///
    /// Call it once the hooks are registered. It compiles a kept version (about 13 ms) and
    /// may wait for the database: call it where blocking is allowed. A previous version that
    /// cannot be compiled again (pruned, or compiled by this build to another version) is
    /// logged, naming both versions, and nothing is told; with no hook registered, nothing is
    /// compiled. Says whether the hooks were told.
    pub fn tell_start_up_change(&self) -> bool {
        let Some(change) = self.start_up_lock().take() else {
            return false;
        };
        let (previous, data_version) = (change.previous.as_str(), change.new.version());
        let record_hooks = self
            .on_record
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let no_hooks = self
            .on_change
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty();
        if no_hooks && record_hooks.is_empty() {
            return false;
        }
        let old = match self.kept(previous) {
            Ok(old) => old,
            Err(e) => {
                tracing::warn!(
                    previous_version = previous,
                    data_version,
                    "the data in force changed at start-up and nobody is told: the previous version cannot be compiled again ({e})"
                );
                return false;
            }
        };
        if let Some(shared) = self.history.database() {
            let rows = record_hooks
                .iter()
                .flat_map(|hook| hook(&old, &change.new, change.since))
                .collect();
            if let Err(e) = shared_state::write_outbox(shared, rows) {
                tracing::error!(
                    cause = %crate::base::error_chain(&e),
                    previous_version = previous,
                    data_version,
                    "the deliveries of the change of the data in force made at start-up cannot be written to the shared outbox"
                );
            }
        }
        tracing::info!(
            previous_version = previous,
            data_version,
            "the data in force changed at start-up: told as a reload would be"
        );
        self.changed(&old, &change.new, change.since);
        true
    }

    pub(super) fn start_up_lock(&self) -> std::sync::MutexGuard<'_, Option<StartUpChange>> {
        self.start_up.lock().unwrap_or_else(|e| e.into_inner())
    }
}
