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

use super::backlog::{KeptDelivery, SENT_KEPT, Scan, Settle};
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
fn key(name: &str) -> Option<(String, String)> {
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

#[cfg(test)]
pub(super) mod tests {
    use std::collections::BTreeSet;
    use std::sync::Mutex;

    use super::*;
    use crate::webhooks::backlog::Backlog;
    use crate::webhooks::now_ms;

    /// A schema of its own in the test database, dropped at the end: every test starts on an
    /// empty outbox (migrated by the first connection to it).
    pub(in crate::webhooks) struct Schema {
        admin: Shared,
        name: String,
        /// The test database's URL, in this schema.
        pub url: String,
    }

    impl Schema {
        pub(in crate::webhooks) fn new(test: &str) -> Self {
            let url = std::env::var("QIXIAN_TEST_DATABASE_URL").expect("QIXIAN_TEST_DATABASE_URL");
            let admin = Shared::connect(&url).unwrap().expect("a PostgreSQL URL");
            let name = format!("outbox_{test}_{}", std::process::id());
            let statements = [
                format!("DROP SCHEMA IF EXISTS {name} CASCADE"),
                format!("CREATE SCHEMA {name}"),
            ];
            admin
                .run(move |pool| {
                    Box::pin(async move {
                        for statement in statements {
                            sqlx::query(&statement).execute(&pool).await?;
                        }
                        Ok(())
                    })
                })
                .unwrap();
            let joint = if url.contains('?') { '&' } else { '?' };
            let url = format!("{url}{joint}options=-c%20search_path%3D{name}");
            Schema { admin, name, url }
        }

        /// A replica's connection to the schema.
        pub(in crate::webhooks) fn replica(&self) -> Arc<Shared> {
            Arc::new(
                Shared::connect(&self.url)
                    .unwrap()
                    .expect("a PostgreSQL URL"),
            )
        }
    }

    impl Drop for Schema {
        fn drop(&mut self) {
            let statement = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
            let _ = self.admin.run(move |pool| {
                Box::pin(async move {
                    sqlx::query(&statement).execute(&pool).await?;
                    Ok(())
                })
            });
        }
    }

    /// A row as read straight from the table: attempts, next attempt, claimed until, by
    /// whom, sent.
    type Seen = (i64, i64, i64, Option<String>, Option<i64>);

    fn row(shared: &Shared, name: &str) -> Option<Seen> {
        let (id, target) = key(name).unwrap();
        shared
            .run(move |pool| {
                Box::pin(async move {
                    Ok(sqlx::query_as(
                        "SELECT attempts, next_attempt_ms, claimed_until_ms, claimed_by, sent_ms
                         FROM webhook_outbox WHERE id = $1 AND target = $2",
                    )
                    .bind(id)
                    .bind(target)
                    .fetch_optional(&pool)
                    .await?)
                })
            })
            .unwrap()
    }

    fn kept(id: &str, created_ms: u64, next_attempt_ms: u64) -> KeptDelivery {
        KeptDelivery {
            id: format!("msg_{id}"),
            target: "0123456789abcdef".to_owned(),
            url: "http://127.0.0.1:9/hook".to_owned(),
            created_ms,
            attempts: 0,
            next_attempt_ms,
            body: r#"{"type":"calendar.changed"}"#.to_owned(),
        }
    }

    /// A first failure of `k` at `now`: tried again 5 s later.
    fn retry_in_5_s(k: &KeptDelivery, now: u64) -> Settle {
        Settle::Retry(KeptDelivery {
            attempts: 1,
            next_attempt_ms: now + 5_000,
            ..k.clone()
        })
    }

    /// Two replicas' backlogs on a fresh schema of the test `test`, a claim holding for
    /// `lease`; and the first's connection, to read rows.
    fn two(test: &str, lease: Duration) -> (Schema, Backlog, Backlog, Arc<Shared>) {
        let schema = Schema::new(test);
        let a = schema.replica();
        let b = schema.replica();
        (
            schema,
            Backlog::in_database(a.clone(), lease),
            Backlog::in_database(b, lease),
            a,
        )
    }

    const LEASE: Duration = Duration::from_secs(60);

    #[test]
    #[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
    fn a_delivery_added_by_two_replicas_is_kept_once_and_claimed_by_one() {
        let (_schema, a, b, _) = two("once", LEASE);
        let now = now_ms();
        let k = kept("aa", now, now);
        assert!(a.add(&k, 0).unwrap(), "the first replica keeps it");
        assert!(!b.add(&k, 0).unwrap(), "the second finds it kept");
        assert_eq!((a.len(), b.len()), (1, 1));
        let name = k.name();
        assert_eq!(a.scan(now).due, [name.as_str()]);
        assert_eq!(b.scan(now).due, [name.as_str()], "a scan claims nothing");
        let claim = a.claim(&name, now).expect("a claims it");
        assert_eq!(claim.kept, k, "the row as it was kept");
        assert!(b.claim(&name, now).is_none(), "b cannot while a holds it");
        assert!(a.claim(&name, now).is_none(), "nor can a twice");
        let meanwhile = b.scan(now + 1_000);
        assert!(meanwhile.due.is_empty());
        assert_eq!(meanwhile.backlog, 1, "being made, it still counts");
        assert_eq!(
            meanwhile.next_ms,
            Some(now + 60_000 + 1),
            "b looks again when a's lease has ended"
        );
        assert!(a.claim("no-dot", now).is_none(), "a name of no delivery");
    }

    #[test]
    #[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
    fn a_delivery_made_is_never_due_again_and_not_kept_again_for_a_day() {
        let (_schema, a, b, shared) = two("sent", LEASE);
        let now = now_ms();
        let day = 24 * 3_600_000;
        let k = kept("aa", now, now);
        a.add(&k, 0).unwrap();
        let claim = a.claim(&k.name(), now).unwrap();
        a.settle(claim, Settle::Delivered, now + 5).unwrap();
        assert_eq!(row(&shared, &k.name()).unwrap().4, Some(now as i64 + 5));
        let after = b.scan(now + 10);
        assert_eq!(
            (after.due.len(), after.backlog, after.next_ms),
            (0, 0, None)
        );
        assert_eq!(b.len(), 0, "made: no longer waiting");
        assert!(
            b.claim(&k.name(), now + 10).is_none(),
            "never claimed again"
        );
        assert!(
            !b.add(&k, 0).unwrap(),
            "b sees the same change: told already, within the day"
        );
        assert!(
            !b.add(&k, now - 1_000).unwrap(),
            "b has had the old data since before a told it"
        );
        assert!(
            b.add(&k, now + 1_000).unwrap(),
            "b has had the old data only since after: the change came back, and is told again"
        );
        assert_eq!(b.len(), 1);
        let claim = b.claim(&k.name(), now + 1_000).unwrap();
        b.settle(claim, Settle::Delivered, now + 1_000).unwrap();
        b.scan(now + 1_000 + day);
        assert!(
            row(&shared, &k.name()).is_some(),
            "the mark is kept a whole day"
        );
        b.scan(now + 1_001 + day);
        assert!(row(&shared, &k.name()).is_none(), "and then deleted");
    }

    #[test]
    #[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
    fn a_claim_left_by_a_stopped_replica_is_taken_back_when_its_lease_ends() {
        let (_schema, a, b, _) = two("lease", Duration::from_millis(500));
        let now = now_ms();
        let k = kept("aa", now, now);
        b.add(&k, 0).unwrap();
        let claim = a.claim(&k.name(), now).unwrap();
        // a is killed mid-attempt: its claim and its connection are gone, nothing settled.
        drop(claim);
        drop(a);
        assert!(
            b.claim(&k.name(), now + 500).is_none(),
            "the lease holds to its end"
        );
        assert_eq!(b.scan(now + 500).next_ms, Some(now + 501));
        assert_eq!(b.scan(now + 501).due, [k.name()]);
        let taken = b.claim(&k.name(), now + 501).expect("taken back");
        assert_eq!(taken.kept, k);
        b.settle(taken, Settle::Delivered, now + 600).unwrap();
        assert_eq!(b.len(), 0);
    }

    #[test]
    #[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
    fn a_late_settle_after_another_replica_took_over_changes_nothing() {
        let (_schema, a, b, shared) = two("late", Duration::from_millis(500));
        let now = now_ms();
        for (id, late) in [("aa", Settle::Delivered), ("bb", Settle::Drop)] {
            let k = kept(id, now, now);
            a.add(&k, 0).unwrap();
            let hung = a.claim(&k.name(), now).unwrap();
            let taken = b.claim(&k.name(), now + 501).expect("a's lease ran out");
            a.settle(hung, late, now + 600).unwrap();
            let (attempts, next, until, by, sent) = row(&shared, &k.name()).expect("still there");
            assert_eq!(
                (attempts, next, until, sent),
                (0, now as i64, now as i64 + 501 + 500, None),
                "a's outcome is not kept: b holds it"
            );
            assert!(by.is_some());
            b.settle(taken, Settle::Delivered, now + 700).unwrap();
            assert_eq!(row(&shared, &k.name()).unwrap().4, Some(now as i64 + 700));
        }
        // a's retry after b made it is not kept either.
        let k = kept("cc", now, now);
        a.add(&k, 0).unwrap();
        let hung = a.claim(&k.name(), now).unwrap();
        let taken = b.claim(&k.name(), now + 501).unwrap();
        b.settle(taken, Settle::Delivered, now + 550).unwrap();
        a.settle(hung, retry_in_5_s(&k, now), now + 600).unwrap();
        assert_eq!(
            row(&shared, &k.name()).unwrap(),
            (0, now as i64, 0, None, Some(now as i64 + 550))
        );
    }

    #[test]
    #[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
    fn a_retry_keeps_its_attempts_and_its_time_in_the_row() {
        let (_schema, a, b, shared) = two("retry", LEASE);
        let now = now_ms();
        let k = kept("aa", now, now);
        a.add(&k, 0).unwrap();
        let claim = a.claim(&k.name(), now).unwrap();
        a.settle(claim, retry_in_5_s(&k, now), now + 10).unwrap();
        assert_eq!(
            row(&shared, &k.name()).unwrap(),
            (1, now as i64 + 5_000, 0, None, None),
            "the attempt counted, the next due in 5 s, the claim let go"
        );
        let waiting = b.scan(now + 4_999);
        assert_eq!(
            (waiting.due.len(), waiting.next_ms, waiting.backlog),
            (0, Some(now + 5_000), 1)
        );
        assert!(b.claim(&k.name(), now + 4_999).is_none(), "not before");
        let again = b.claim(&k.name(), now + 5_000).expect("due at its time");
        assert_eq!(
            (again.kept.attempts, again.kept.next_attempt_ms),
            (1, now + 5_000)
        );
        b.settle(again, Settle::Drop, now + 5_010).unwrap();
        assert!(row(&shared, &k.name()).is_none(), "given up: deleted");
    }

    #[test]
    #[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
    fn the_oldest_waiting_deliveries_are_dropped_beyond_the_bound() {
        let (_schema, a, b, _) = two("trim", LEASE);
        let now = now_ms();
        for (id, created_ms) in [("aa", 300), ("bb", 100), ("cc", 200), ("dd", 400)] {
            a.add(&kept(id, created_ms, now), 0).unwrap();
        }
        assert!(b.trim(4).unwrap().is_empty(), "four fit in four");
        // bb, the oldest, is being made: it stays, and counts.
        let claim = a.claim("msg_bb.0123456789abcdef", now).unwrap();
        assert_eq!(
            b.trim(2).unwrap(),
            ["msg_cc.0123456789abcdef", "msg_aa.0123456789abcdef"],
            "four held, two too many: the two oldest waiting go, oldest first"
        );
        assert_eq!(a.len(), 2);
        assert!(b.trim(0).unwrap() == ["msg_dd.0123456789abcdef"]);
        a.settle(claim, Settle::Drop, now).unwrap();
        assert_eq!(a.len(), 0);
    }

    #[test]
    #[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
    fn eight_senders_on_two_replicas_claim_each_delivery_once() {
        let (_schema, a, b, _) = two("race", LEASE);
        let now = now_ms();
        let names: BTreeSet<String> = (0..200)
            .map(|i| {
                let k = kept(&format!("{i:04x}"), now, now);
                a.add(&k, 0).unwrap();
                k.name()
            })
            .collect();
        let (a, b) = (Arc::new(a), Arc::new(b));
        let claimed = Arc::new(Mutex::new(Vec::new()));
        let senders: Vec<_> = (0..8)
            .map(|i| {
                let backlog = if i % 2 == 0 { a.clone() } else { b.clone() };
                let claimed = claimed.clone();
                std::thread::spawn(move || {
                    loop {
                        let at = now_ms();
                        let scan = backlog.scan(at);
                        if scan.due.is_empty() {
                            break;
                        }
                        for name in scan.due {
                            if let Some(claim) = backlog.claim(&name, at) {
                                claimed.lock().unwrap().push(name);
                                backlog.settle(claim, Settle::Delivered, at).unwrap();
                            }
                        }
                    }
                })
            })
            .collect();
        for sender in senders {
            sender.join().unwrap();
        }
        let claimed = claimed.lock().unwrap();
        assert_eq!(claimed.len(), 200, "each claimed once, none twice");
        assert_eq!(claimed.iter().cloned().collect::<BTreeSet<_>>(), names);
        assert_eq!(a.len(), 0);
    }
}
