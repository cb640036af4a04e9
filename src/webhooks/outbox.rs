//! The deliveries not made yet, in PostgreSQL's `webhook_outbox` when replicas share the
//! database (issue 27): the transactional outbox. A change's deliveries are written in the
//! change's own transaction (by the store, from [`super::Webhooks::outbox_rows`]); every
//! replica's sender looks at the same rows, and claims one delivery just before its one
//! attempt with a single `UPDATE … FOR UPDATE SKIP LOCKED`, which one replica wins: the claim
//! is a lease (`claimed_until_ms`) and a mark of its own (`claimed_by`, a nonce made for this
//! claim alone). The attempt's outcome is kept only if the mark is still this claim's: a
//! replica whose lease ran out (it hung, or was killed) and whose delivery another replica
//! took over changes nothing when it comes back. Attempts and the time of the next live in
//! the row; a delivery made keeps its row, with `sent_ms`, for a day, so that a replica that
//! sees the same change later does not tell it again.
//!
//! A claim dropped unsettled (the sender stopped mid-attempt) is left to its lease, as a
//! killed replica's is: letting it go would be a statement run where the sender's task is
//! dropped — on the runtime's threads, which must not wait for the database — and the
//! attempt may have reached the subscriber, which the lease gives time to answer for.
//!
//! Times are the caller's (Unix ms, as in the directory). An attempt ends within the webhook
//! timeout and the lease is twice that and half a minute: a replica whose clock is ahead of
//! another's by less than the timeout and half a minute does not take its claims early.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::delivery::{KeptDelivery, SENT_KEPT, Scan, Settle};
use super::millis;
use crate::registers::RegistersError;
use crate::shared::{OutboxRow, Shared};

/// The key of the advisory lock the trims of the outbox take turns under, so that two
/// replicas trimming at once do not both drop the same excess ("qixian", "ob").
const TRIM_LOCK: i64 = 0x71_69_78_69_61_6e_6f_62;

/// A row of `webhook_outbox` as read: id, target, url, created, attempts, next attempt, body.
type Row = (String, String, String, i64, i64, i64, String);

const COLUMNS: &str = "id, target, url, created_ms, attempts, next_attempt_ms, body";

/// The outbox of the database `shared`.
pub(super) struct Outbox {
    shared: Arc<Shared>,
    /// How long a claim holds: a claim older than this was left by a replica that stopped.
    lease: Duration,
    /// The deliveries waiting when last counted: what the gauge shows while the database
    /// cannot be read.
    last_count: AtomicUsize,
}

fn ms(at: u64) -> i64 {
    i64::try_from(at).unwrap_or(i64::MAX)
}

fn unsigned(at: i64) -> u64 {
    u64::try_from(at).unwrap_or(0)
}

fn kept_of(row: Row) -> KeptDelivery {
    let (id, target, url, created_ms, attempts, next_attempt_ms, body) = row;
    KeptDelivery {
        id,
        target,
        url,
        created_ms: unsigned(created_ms),
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        next_attempt_ms: unsigned(next_attempt_ms),
        body,
    }
}

impl From<KeptDelivery> for OutboxRow {
    fn from(kept: KeptDelivery) -> Self {
        OutboxRow {
            id: kept.id,
            target: kept.target,
            url: kept.url,
            created_ms: ms(kept.created_ms),
            next_attempt_ms: ms(kept.next_attempt_ms),
            body: kept.body,
        }
    }
}

/// A delivery's name (`<id>.<target>`) as its key in the table.
pub(super) fn key(name: &str) -> Option<(String, String)> {
    let (id, target) = name.split_once('.')?;
    Some((id.to_owned(), target.to_owned()))
}

fn io_error(e: RegistersError) -> io::Error {
    io::Error::other(e)
}

impl Outbox {
    /// The outbox of `shared`, a claim holding for `lease`.
    pub fn new(shared: Arc<Shared>, lease: Duration) -> Self {
        Outbox {
            shared,
            lease,
            last_count: AtomicUsize::new(0),
        }
    }

    /// Keeps `kept` unless its row is there: waiting, being made, or made at or after
    /// `since_ms` and within a day (the same change, told already). A row made earlier is
    /// written over, and the delivery made again.
    pub fn add(&self, kept: &KeptDelivery, since_ms: u64, now_ms: u64) -> io::Result<bool> {
        let told_after = ms(since_ms.max(now_ms.saturating_sub(millis(SENT_KEPT))));
        let row = OutboxRow::from(kept.clone());
        let attempts = i64::from(kept.attempts);
        let added = self.shared.run(move |pool| {
            Box::pin(async move {
                let done = sqlx::query(
                    "INSERT INTO webhook_outbox (id, target, url, created_ms, attempts, next_attempt_ms, body)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (id, target) DO UPDATE SET url = EXCLUDED.url,
                         created_ms = EXCLUDED.created_ms, attempts = EXCLUDED.attempts,
                         next_attempt_ms = EXCLUDED.next_attempt_ms, body = EXCLUDED.body,
                         claimed_until_ms = 0, claimed_by = NULL, sent_ms = NULL
                     WHERE webhook_outbox.sent_ms < $8",
                )
                .bind(row.id)
                .bind(row.target)
                .bind(row.url)
                .bind(row.created_ms)
                .bind(attempts)
                .bind(row.next_attempt_ms)
                .bind(row.body)
                .bind(told_after)
                .execute(&pool)
                .await?;
                Ok(done.rows_affected() == 1)
            })
        });
        added.map_err(io_error)
    }

    /// Drops the oldest deliveries waiting and not claimed until at most `max` wait; returns
    /// their names, oldest first.
    pub fn trim(&self, max: usize, now_ms: u64) -> io::Result<Vec<String>> {
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        let now = ms(now_ms);
        let dropped = self.shared.run(move |pool| {
            Box::pin(async move {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(TRIM_LOCK)
                    .execute(&mut *tx)
                    .await?;
                let dropped: Vec<(i64, String, String)> = sqlx::query_as(
                    "DELETE FROM webhook_outbox WHERE (id, target) IN (
                         SELECT id, target FROM webhook_outbox
                         WHERE sent_ms IS NULL AND claimed_until_ms < $1
                         ORDER BY created_ms, id, target
                         LIMIT (SELECT GREATEST(COUNT(*) - $2, 0) FROM webhook_outbox
                                WHERE sent_ms IS NULL)
                         FOR UPDATE SKIP LOCKED)
                     RETURNING created_ms, id, target",
                )
                .bind(now)
                .bind(max)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(dropped)
            })
        });
        let mut dropped = dropped.map_err(io_error)?;
        dropped.sort();
        Ok(dropped
            .into_iter()
            .map(|(_, id, target)| format!("{id}.{target}"))
            .collect())
    }

    /// How many deliveries wait, claimed or not (as last counted, if the database cannot be
    /// read now).
    pub fn len(&self) -> usize {
        let counted = self.shared.run(|pool| {
            Box::pin(async move {
                let n: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM webhook_outbox WHERE sent_ms IS NULL")
                        .fetch_one(&pool)
                        .await?;
                Ok(n)
            })
        });
        match counted {
            Ok(n) => self.counted(n),
            Err(e) => {
                tracing::error!("the webhook outbox cannot be counted: {e}");
                self.last_count.load(Ordering::Relaxed)
            }
        }
    }

    fn counted(&self, n: i64) -> usize {
        let n = usize::try_from(n).unwrap_or(0);
        self.last_count.store(n, Ordering::Relaxed);
        n
    }

    /// The deliveries due at `now_ms` and not claimed, when the next is due (or a claim's
    /// lease ends: a replica that stopped left it), and how many wait. Deletes the marks of
    /// deliveries made more than a day ago.
    pub fn scan(&self, now_ms: u64) -> Scan {
        let now = ms(now_ms);
        let sent_before = ms(now_ms.saturating_sub(millis(SENT_KEPT)));
        let looked = self.shared.run(move |pool| {
            Box::pin(async move {
                sqlx::query("DELETE FROM webhook_outbox WHERE sent_ms < $1")
                    .bind(sent_before)
                    .execute(&pool)
                    .await?;
                let waiting: Vec<(String, String, i64, i64)> = sqlx::query_as(
                    "SELECT id, target, next_attempt_ms, claimed_until_ms FROM webhook_outbox
                     WHERE sent_ms IS NULL ORDER BY next_attempt_ms, id, target",
                )
                .fetch_all(&pool)
                .await?;
                Ok(waiting)
            })
        });
        let mut scan = Scan {
            due: Vec::new(),
            next_ms: None,
            backlog: 0,
            unreadable: 0,
        };
        let waiting = match looked {
            Ok(waiting) => waiting,
            Err(e) => {
                tracing::error!("the webhook outbox cannot be read: {e}");
                scan.backlog = self.last_count.load(Ordering::Relaxed);
                return scan;
            }
        };
        scan.backlog = self.counted(i64::try_from(waiting.len()).unwrap_or(i64::MAX));
        for (id, target, next_attempt_ms, claimed_until_ms) in waiting {
            let at = next_attempt_ms.max(claimed_until_ms.saturating_add(1));
            if at <= now {
                scan.due.push(format!("{id}.{target}"));
            } else {
                let at = unsigned(at);
                scan.next_ms = Some(scan.next_ms.map_or(at, |n| n.min(at)));
            }
        }
        scan
    }

    /// Claims the delivery `name` for one attempt at `now_ms`, if it still waits, is due and
    /// no replica holds it: one statement, which one replica wins. Gives the delivery and
    /// the claim's mark.
    pub fn claim(&self, name: &str, now_ms: u64) -> Option<(KeptDelivery, String)> {
        let (id, target) = key(name)?;
        let nonce = format!(
            "{:x}.{:016x}{:016x}",
            std::process::id(),
            fastrand::u64(..),
            fastrand::u64(..)
        );
        let (now, until) = (ms(now_ms), ms(now_ms.saturating_add(millis(self.lease))));
        let mark = nonce.clone();
        let claimed = self.shared.run(move |pool| {
            Box::pin(async move {
                let row: Option<Row> = sqlx::query_as(&format!(
                    "UPDATE webhook_outbox SET claimed_until_ms = $1, claimed_by = $2
                     WHERE (id, target) = (
                         SELECT id, target FROM webhook_outbox
                         WHERE id = $3 AND target = $4 AND sent_ms IS NULL
                           AND next_attempt_ms <= $5 AND claimed_until_ms < $5
                         FOR UPDATE SKIP LOCKED)
                     RETURNING {COLUMNS}"
                ))
                .bind(until)
                .bind(mark)
                .bind(id)
                .bind(target)
                .bind(now)
                .fetch_optional(&pool)
                .await?;
                Ok(row)
            })
        });
        match claimed {
            Ok(row) => row.map(|row| (kept_of(row), nonce)),
            Err(e) => {
                tracing::error!(delivery = %name, "a webhook delivery cannot be claimed: {e}");
                None
            }
        }
    }

    /// Keeps what became of the delivery `kept`, claimed with `nonce`, if the claim is still
    /// this one's: a claim whose lease ran out and that another replica took over is theirs
    /// to settle. Says whether it was kept.
    pub fn settle(
        &self,
        kept: &KeptDelivery,
        nonce: &str,
        how: Settle,
        now_ms: u64,
    ) -> io::Result<bool> {
        let (id, target, mark) = (kept.id.clone(), kept.target.clone(), nonce.to_owned());
        let now = ms(now_ms);
        let settled = self.shared.run(move |pool| {
            Box::pin(async move {
                let query = match how {
                    Settle::Delivered => sqlx::query(
                        "UPDATE webhook_outbox SET sent_ms = $4, claimed_until_ms = 0, claimed_by = NULL
                         WHERE id = $1 AND target = $2 AND claimed_by = $3",
                    )
                    .bind(id)
                    .bind(target)
                    .bind(mark)
                    .bind(now),
                    Settle::Retry(next) => sqlx::query(
                        "UPDATE webhook_outbox SET attempts = $4, next_attempt_ms = $5,
                             claimed_until_ms = 0, claimed_by = NULL
                         WHERE id = $1 AND target = $2 AND claimed_by = $3",
                    )
                    .bind(id)
                    .bind(target)
                    .bind(mark)
                    .bind(i64::from(next.attempts))
                    .bind(ms(next.next_attempt_ms)),
                    Settle::Drop => sqlx::query(
                        "DELETE FROM webhook_outbox WHERE id = $1 AND target = $2 AND claimed_by = $3",
                    )
                    .bind(id)
                    .bind(target)
                    .bind(mark),
                };
                Ok(query.execute(&pool).await?.rows_affected() == 1)
            })
        });
        let kept_now = settled.map_err(io_error)?;
        if !kept_now {
            tracing::warn!(webhook_id = %kept.id, url = %kept.url, "a webhook delivery's claim ran out and another replica took it over: this attempt's outcome is not kept");
        }
        Ok(kept_now)
    }
}
