//! The database on SQLite in memory: what the API relies on, one behaviour at a time. The same
//! tests run on PostgreSQL through the API tests (`cargo test --test api -- --ignored register`).

use super::*;

fn matter(doc: &str) -> Matter {
    Matter {
        doc_number: doc.into(),
        subject: "事由".into(),
        period: Input {
            event: Some("2027-01-25".into()),
            unit: Some("working_days".into()),
            amount: Some(5),
            ..Input::default()
        },
        acknowledged_due: "2027-01-31".parse().ok(),
        ..Matter::default()
    }
}

async fn opened() -> (Registers, String) {
    let db = Registers::open(None, None).await.expect("in memory");
    let id = db
        .create_register("州政府办公室", "k1")
        .await
        .expect("created");
    (db, id)
}

/// The label of the key `offered` of register `id`, as the API would find it.
async fn label(db: &Registers, id: &str, offered: &str) -> Option<String> {
    db.holder(id, offered).await.unwrap().map(|h| h.label)
}

#[tokio::test]
async fn a_key_opens_its_own_register_only() {
    let (db, id) = opened().await;
    let other = db.create_register("县办", "k2").await.unwrap();
    assert_eq!(label(&db, &id, "k1").await.as_deref(), Some(FIRST_KEY));
    assert_eq!(label(&db, &id, "k2").await, None, "not its key");
    assert_eq!(label(&db, &other, "k1").await, None, "not its key");
    assert_eq!(label(&db, "nope", "k1").await, None, "no register");
}

#[tokio::test]
async fn a_revoked_key_opens_nothing_and_the_last_writing_key_stays() {
    let (db, id) = opened().await;
    db.add_key(&id, "王", "k-wang", false).await.unwrap();
    db.add_key(&id, "OA", "k-oa", true).await.unwrap();
    assert!(
        matches!(
            db.add_key(&id, "王", "k-other", false).await,
            Err(RegistersError::LabelTaken)
        ),
        "a label names one key"
    );
    let oa = db
        .holder(&id, "k-oa")
        .await
        .unwrap()
        .expect("the OA key opens");
    assert!(oa.read_only, "the OA key only reads");

    db.revoke_key(&id, "王").await.unwrap();
    assert_eq!(
        label(&db, &id, "k-wang").await,
        None,
        "revoked: opens nothing"
    );
    db.revoke_key(&id, "王")
        .await
        .expect("revoking twice changes nothing");
    assert!(
        matches!(
            db.revoke_key(&id, FIRST_KEY).await,
            Err(RegistersError::LastWritingKey)
        ),
        "the first key is the last that writes (the OA key only reads)"
    );
    db.revoke_key(&id, "OA")
        .await
        .expect("a read-only key may go");
    assert!(matches!(
        db.revoke_key(&id, "nobody").await,
        Err(RegistersError::NoSuchKey)
    ));
    let keys = db.keys(&id).await.unwrap();
    // Added within one millisecond, they are listed by label: `OA`, `first`, `王`.
    let mut states: Vec<(&str, bool)> = keys
        .iter()
        .map(|k| (k.label.as_str(), k.revoked_at.is_some()))
        .collect();
    states.sort_unstable();
    assert_eq!(states, [("OA", true), (FIRST_KEY, false), ("王", true)]);
    assert!(
        matches!(
            db.add_key(&id, "王", "k-new", false).await,
            Err(RegistersError::LabelTaken)
        ),
        "a revoked key's label is not given again"
    );
}

#[tokio::test]
async fn a_calendar_token_opens_only_the_calendar_and_only_until_replaced() {
    let (db, id) = opened().await;
    assert_eq!(
        db.calendar_holder(&id, "k1").await.unwrap(),
        None,
        "no token yet"
    );
    db.set_calendar_token(&id, "c1").await.unwrap();
    let (name, _) = db.calendar_holder(&id, "c1").await.unwrap().expect("opens");
    assert_eq!(name, "州政府办公室");
    assert_eq!(
        db.calendar_holder(&id, "k1").await.unwrap(),
        None,
        "a key is no token"
    );
    assert_eq!(label(&db, &id, "c1").await, None, "a token is no key");
    db.set_calendar_token(&id, "c2").await.unwrap();
    assert_eq!(
        db.calendar_holder(&id, "c1").await.unwrap(),
        None,
        "replaced"
    );
    db.clear_calendar_token(&id).await.unwrap();
    assert_eq!(
        db.calendar_holder(&id, "c2").await.unwrap(),
        None,
        "revoked"
    );
}

#[tokio::test]
async fn a_matter_reads_back_as_it_was_written() {
    let (db, id) = opened().await;
    let mut m = matter("克政办发〔2027〕1号");
    m.period.paused = vec!["2027-01-26/2027-01-27".into()];
    m.completed_at = DateTime::parse_from_rfc3339("2027-01-28T10:00:00+08:00").ok();
    let kept = db.insert(&id, m.clone(), FIRST_KEY).await.unwrap();
    assert_eq!(kept.version, 1);
    let read = db.get(&id, &kept.id).await.unwrap();
    assert_eq!(read.matter, m, "every field, the period whole");
    assert_eq!(db.list(&id).await.unwrap(), vec![read]);
    let other = db.create_register("县办", "k2").await.unwrap();
    assert!(matches!(
        db.get(&other, &kept.id).await,
        Err(RegistersError::NotFound)
    ));
}

#[tokio::test]
async fn an_update_from_a_stale_version_is_refused_and_every_change_is_in_the_history() {
    let (db, id) = opened().await;
    let kept = db.insert(&id, matter("A"), FIRST_KEY).await.unwrap();
    let edit = |notes: &'static str| {
        move |m: &Matter| {
            Ok::<_, RegistersError>(Matter {
                notes: notes.into(),
                ..m.clone()
            })
        }
    };
    let first = db
        .update(&id, &kept.id, Some(1), "updated", "clerk", edit("one"))
        .await
        .unwrap();
    assert_eq!(first.version, 2);
    let second = db
        .update(&id, &kept.id, Some(1), "updated", "other", edit("two"))
        .await;
    assert!(
        matches!(second, Err(RegistersError::Stale { current: 2 })),
        "{second:?}"
    );
    db.delete(&id, &kept.id, Some(2), "clerk").await.unwrap();
    assert!(matches!(
        db.get(&id, &kept.id).await,
        Err(RegistersError::NotFound)
    ));
    let (history, more) = db.history(&id, None, 100).await.unwrap();
    assert!(!more, "every change on one page");
    let seen: Vec<(i64, &str, &str, Vec<String>)> = history
        .iter()
        .map(|c| {
            (
                c.version,
                c.action.as_str(),
                c.by.as_str(),
                c.changed.clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (3, "deleted", "clerk", vec![]),
            (2, "updated", "clerk", vec!["notes".to_owned()]),
            (1, "created", FIRST_KEY, vec!["*".to_owned()]),
        ],
        "the latest first; the deleted matter kept"
    );
    assert_eq!(history[0].matter["notes"], "one", "as it stood");
}

#[tokio::test]
async fn two_writers_from_one_version_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let db = Registers::open(None, Some(dir.path())).await.unwrap();
    let id = db.create_register("办", "k").await.unwrap();
    let kept = db.insert(&id, matter("A"), FIRST_KEY).await.unwrap();
    let write = |notes: &'static str| {
        let (db, id, mid) = (db.clone(), id.clone(), kept.id.clone());
        tokio::spawn(async move {
            db.update(&id, &mid, Some(1), "updated", notes, |m| {
                Ok::<_, RegistersError>(Matter {
                    notes: notes.into(),
                    ..m.clone()
                })
            })
            .await
        })
    };
    let (a, b) = (write("a"), write("b"));
    let results = [a.await.unwrap(), b.await.unwrap()];
    let won = results.iter().filter(|r| r.is_ok()).count();
    let stale = results
        .iter()
        .filter(|r| matches!(r, Err(RegistersError::Stale { current: 2 })))
        .count();
    assert_eq!((won, stale), (1, 1), "{results:?}");
}

#[tokio::test]
async fn a_file_database_keeps_its_matters_across_openings() {
    let dir = tempfile::tempdir().unwrap();
    let db = Registers::open(None, Some(dir.path())).await.unwrap();
    let id = db.create_register("办", "k").await.unwrap();
    let kept = db.insert(&id, matter("A"), FIRST_KEY).await.unwrap();
    drop(db);
    let again = Registers::open(None, Some(dir.path())).await.unwrap();
    assert_eq!(
        again.get(&id, &kept.id).await.unwrap(),
        kept,
        "migrations run once"
    );
}

/// Two processes (here two pools) starting together on one new database file: both come up,
/// the migrations are applied once, and each sees the other's writes.
#[tokio::test]
async fn replicas_starting_together_migrate_once() {
    let dir = tempfile::tempdir().unwrap();
    let opened =
        futures_util::future::join_all((0..4).map(|_| Registers::open(None, Some(dir.path()))))
            .await;
    let dbs: Vec<Registers> = opened
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("every replica comes up");
    let id = dbs[0].create_register("办", "k").await.unwrap();
    let holder = dbs[3].holder(&id, "k").await.unwrap().expect("its key");
    assert_eq!(holder.label, FIRST_KEY);
    let pool = dbs[1].ready().await.unwrap();
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM register_migrations")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(applied, i64::try_from(MIGRATIONS.len()).unwrap());
}

#[tokio::test]
async fn a_change_that_changes_nothing_writes_no_version_and_no_history() {
    let (db, id) = opened().await;
    let kept = db.insert(&id, matter("A"), FIRST_KEY).await.unwrap();
    let same = db
        .update(&id, &kept.id, Some(1), "updated", "clerk", |m| {
            Ok::<_, RegistersError>(m.clone())
        })
        .await
        .unwrap();
    assert_eq!(same, kept, "as it was, version 1");
    let (history, _) = db.history(&id, None, 10).await.unwrap();
    assert_eq!(history.len(), 1, "only its creation");
}

#[tokio::test]
async fn matters_kept_together_are_each_in_the_history_under_the_action_given() {
    let (db, id) = opened().await;
    let kept = db
        .insert_all(&id, vec![matter("A"), matter("B")], "imported", "clerk")
        .await
        .unwrap();
    assert_eq!(kept.len(), 2);
    let (history, more) = db.history(&id, None, 10).await.unwrap();
    assert!(!more);
    let mut seen: Vec<(&str, &str)> = history
        .iter()
        .map(|c| (c.action.as_str(), c.matter["doc_number"].as_str().unwrap()))
        .collect();
    seen.sort_unstable();
    assert_eq!(seen, [("imported", "A"), ("imported", "B")]);
}

#[tokio::test]
async fn the_history_comes_a_page_at_a_time_each_change_once() {
    let (db, id) = opened().await;
    let mut made = Vec::new();
    for doc in ["A", "B", "C", "D", "E"] {
        made.push(db.insert(&id, matter(doc), FIRST_KEY).await.unwrap().id);
    }
    let (mut seen, mut after) = (Vec::new(), None);
    let mut pages = 0;
    loop {
        let (page, more) = db.history(&id, after.as_ref(), 2).await.unwrap();
        pages += 1;
        assert!(page.len() <= 2, "at most the limit");
        seen.extend(page.iter().map(|c| c.matter_id.clone()));
        if !more {
            break;
        }
        after = page.last().map(HistoryAfter::from);
    }
    assert_eq!(pages, 3, "2 + 2 + 1");
    seen.sort();
    made.sort();
    assert_eq!(seen, made);
}

#[tokio::test]
async fn a_row_that_does_not_read_back_is_named_and_does_not_hide_the_others() {
    let (db, id) = opened().await;
    let good = db.insert(&id, matter("A"), FIRST_KEY).await.unwrap();
    let bad = db.insert(&id, matter("B"), FIRST_KEY).await.unwrap();
    sqlx::query("UPDATE matters SET completed_at = 'yesterday' WHERE id = $1")
        .bind(&bad.id)
        .execute(db.ready().await.unwrap())
        .await
        .unwrap();
    let rows = db.rows(&id).await.unwrap();
    assert_eq!(rows.len(), 2);
    let read: Vec<&Kept> = rows.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(read, [&good], "the other reads back");
    let unreadable = rows
        .iter()
        .find_map(|r| r.as_ref().err())
        .expect("one does not read back");
    assert_eq!(unreadable.id, bad.id);
    assert!(
        unreadable.why.contains("completed_at"),
        "{}",
        unreadable.why
    );
    assert_eq!(
        db.list(&id).await.unwrap(),
        vec![good],
        "list leaves it out"
    );
}

/// A replica keeps a register's matters as last read, and reads them again once another has
/// changed one (here two pools on one file, as two replicas on one state directory): a copy is
/// never served after a change, whoever made it.
#[tokio::test]
async fn a_replica_reads_the_matters_again_once_another_changed_them() {
    let dir = tempfile::tempdir().unwrap();
    let one = Registers::open(None, Some(dir.path())).await.unwrap();
    let other = Registers::open(None, Some(dir.path())).await.unwrap();
    let id = one.create_register("办", "k").await.unwrap();
    let a = one.insert(&id, matter("A"), FIRST_KEY).await.unwrap();
    let first = one.rows(&id).await.unwrap();
    assert!(
        Arc::ptr_eq(&first, &one.rows(&id).await.unwrap()),
        "unchanged: the copy"
    );
    let b = other.insert(&id, matter("B"), FIRST_KEY).await.unwrap();
    let docs = |rows: &Rows| -> Vec<String> {
        rows.iter()
            .map(|r| r.as_ref().unwrap().matter.doc_number.clone())
            .collect()
    };
    assert_eq!(
        docs(&one.rows(&id).await.unwrap()),
        ["A", "B"],
        "the other's insert"
    );
    other
        .update(&id, &a.id, None, "updated", "clerk", |m| {
            Ok::<_, RegistersError>(Matter {
                doc_number: "A2".into(),
                ..m.clone()
            })
        })
        .await
        .unwrap();
    assert_eq!(
        docs(&one.rows(&id).await.unwrap()),
        ["A2", "B"],
        "the other's update"
    );
    other.delete(&id, &b.id, None, "clerk").await.unwrap();
    assert_eq!(
        docs(&one.rows(&id).await.unwrap()),
        ["A2"],
        "the other's deletion"
    );
    other
        .insert_all(&id, vec![matter("C"), matter("D")], "imported", "clerk")
        .await
        .unwrap();
    assert_eq!(one.rows(&id).await.unwrap().len(), 3, "the other's import");
}
