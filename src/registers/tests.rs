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
    let history = db.history(&id).await.unwrap();
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
