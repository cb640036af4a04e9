//! What every backlog keeps and answers — a delivery, what became of an attempt, what one
//! look found — whether in memory, in a directory ([`super::backlog`]) or in PostgreSQL's outbox
//! ([`super::outbox`]).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How long a `.sent` mark is kept: a replica that sees a change a day after another replica
/// told the subscribers of it tells them again (with the same `webhook-id`).
pub(super) const SENT_KEPT: Duration = Duration::from_secs(24 * 3600);

/// One delivery to make: an event for one subscriber, and how far its attempts have gone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptDelivery {
    /// The event's `webhook-id` (the same on every replica for the same change).
    pub id: String,
    /// The subscriber's key: a digest of its URL (the URL may carry credentials, which are
    /// never written to disk).
    pub target: String,
    /// The subscriber's URL without credentials, for the log.
    pub url: String,
    /// When the event was made, in Unix milliseconds; attempts stop a day after.
    pub created_ms: u64,
    /// Attempts that failed so far.
    pub attempts: u32,
    /// When the next attempt is due, in Unix milliseconds.
    pub next_attempt_ms: u64,
    /// The body, byte for byte as every attempt sends it.
    pub body: String,
}

impl KeptDelivery {
    /// Its name in the directory and in memory: the event and the subscriber.
    pub fn name(&self) -> String {
        format!("{}.{}", self.id, self.target)
    }
}

/// What became of an attempt.
pub(super) enum Settle {
    /// The subscriber took it: forget it (and mark it sent).
    Delivered,
    /// Try again, as the new state says.
    Retry(KeptDelivery),
    /// Give it up.
    Drop,
}

/// What one look at the backlog found.
pub(super) struct Scan {
    /// The names of the deliveries due now, not claimed: each is claimed with
    /// [`super::backlog::Backlog::claim`] just before its attempt, so that a claim is never held while other
    /// attempts run (a replica would take it back as left behind, and send it again).
    pub due: Vec<String>,
    /// When the next delivery not yet due is, in Unix milliseconds.
    pub next_ms: Option<u64>,
    /// The deliveries kept, claimed or not.
    pub backlog: usize,
    /// Files that could not be read as deliveries (set aside as `.bad`).
    pub unreadable: u64,
}
