//! The PostgreSQL outbox's tests: two replicas' backlogs on one fresh schema each.

use std::collections::BTreeSet;
use std::sync::Mutex;

use super::delivery::{KeptDelivery, Settle};
use super::outbox::key;
use std::sync::Arc;
use std::time::Duration;

use crate::shared::Shared;
pub(crate) use crate::shared::testing::Schema;
use crate::webhooks::backlog::Backlog;
use crate::webhooks::now_ms;

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
    let schema = Schema::new(&format!("outbox_{test}"));
    let a = schema.connect();
    let b = schema.connect();
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
