use super::*;
use crate::calendar::spec::{EMBEDDED_SPECS, parse_specs};
use chrono::NaiveDate;

fn store(operator: Option<PathBuf>, state: Option<PathBuf>) -> Store {
    let specs = parse_specs(EMBEDDED_SPECS).unwrap();
    Store::open(
        specs,
        DataSet::embedded().unwrap(),
        StoreSettings {
            operator_dir: operator,
            state_dir: state,
            ..StoreSettings::default()
        },
    )
    .unwrap()
}

/// An invented 2027 national notice shaped like the real ones.
const NOTICE_2027: &str = include_str!("../../tests/data/cn-2027-test-notice.json");
/// The real 2026 national notice.
const NOTICE_2026: &str = include_str!("../../holidays/cn/2026.json");

const ZHOUQING: &str = r#"{"year": 2026, "papers": ["克州 notice (test)"], "days": [
    {"name": "州庆", "date": "2026-07-14", "isOffDay": true, "source": "test"}]}"#;

/// Puts 州庆 2026 (7/14) in the operator's directory `dir`.
fn zhouqing_in(dir: &Path) {
    fs::create_dir_all(dir.join("cn-xj-kizilsu")).unwrap();
    fs::write(dir.join("cn-xj-kizilsu/2026.json"), ZHOUQING).unwrap();
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// `json` with each day transformed by `f`.
fn edited(json: &str, f: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let mut file: serde_json::Value = serde_json::from_str(json).unwrap();
    for day in file["days"].as_array_mut().unwrap() {
        f(day);
    }
    serde_json::to_vec(&file).unwrap()
}

#[test]
fn an_operator_file_changes_its_own_layer_and_those_below_only() {
    let dir = tempfile::tempdir().unwrap();
    zhouqing_in(dir.path());
    let store = store(Some(dir.path().to_owned()), None);
    let set = store.in_force();
    let date = d(2026, 7, 14);
    assert!(
        !set.get("cn-xj-kizilsu")
            .unwrap()
            .is_working_day(date)
            .unwrap(),
        "州庆 is off in Kizilsu"
    );
    assert!(
        set.get("cn-xj").unwrap().is_working_day(date).unwrap(),
        "Xinjiang still works"
    );
    assert_eq!(
        store.operator_status().files,
        ["cn-xj-kizilsu/2026.json"],
        "the file is reported in force, relative to the directory"
    );
}

#[test]
fn a_bad_operator_file_is_refused_and_the_rest_stays() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("cn")).unwrap();
    fs::create_dir_all(dir.path().join("nowhere")).unwrap();
    fs::write(
        dir.path().join("cn/2026.json"),
        r#"{"year": 2026, "days": []}"#,
    )
    .unwrap();
    let before = store(None, None).in_force().version().to_owned();
    let store = store(Some(dir.path().to_owned()), None);
    assert_eq!(store.in_force().version(), before, "nothing changed");
    let refused = store.operator_status().refused;
    assert_eq!(
        refused.len(),
        2,
        "the empty file and the unknown calendar: {refused:?}"
    );
    assert!(
        refused
            .iter()
            .all(|r| !r.contains(&*dir.path().to_string_lossy())),
        "paths are shown relative to the directory: {refused:?}"
    );
}

#[test]
fn operator_file_names_other_than_four_digit_years_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("cn-xj-kizilsu")).unwrap();
    for name in ["02026.json", "+2026.json", "2026 .json"] {
        fs::write(dir.path().join("cn-xj-kizilsu").join(name), ZHOUQING).unwrap();
    }
    let before = store(None, None).in_force().version().to_owned();
    let store = store(Some(dir.path().to_owned()), None);
    assert_eq!(store.in_force().version(), before, "none is read");
    let refused = store.operator_status().refused;
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert!(
        refused.iter().all(|r| r.contains("four digits")),
        "{refused:?}"
    );
}

#[test]
fn an_accepted_feed_file_survives_a_restart_without_the_feed() {
    let state = tempfile::tempdir().unwrap();
    let first = store(None, Some(state.path().to_owned()));
    let file = NOTICE_2027.as_bytes();
    assert_eq!(
        first.offer_feed_file(2027, file, "http://feed/2027.json"),
        Ok(Offer::Accepted)
    );
    assert_eq!(
        first.offer_feed_file(2027, file, "http://feed/2027.json"),
        Ok(Offer::Unchanged)
    );
    let again = store(None, Some(state.path().to_owned()));
    let set = again.in_force();
    let day = set.get("cn").unwrap().day(d(2027, 10, 6)).unwrap();
    assert_eq!(
        day.name,
        Some("国庆节"),
        "the persisted file is in force after a restart"
    );
    assert!(!day.provisional, "2027 is now published for cn");
    assert!(
        again.feed_status().files.iter().all(|f| f.in_force),
        "{:?}",
        again.feed_status().files
    );
}

// ---- a notice must look like a notice (the adversarial review's files) ----------------------

#[test]
fn a_file_for_a_new_year_without_its_statutory_holidays_is_refused() {
    let store = store(None, None);
    let before = store.in_force().version().to_owned();
    let one_entry =
        r#"{"year": 2027, "days": [{"name": "x", "date": "2027-12-31", "isOffDay": false}]}"#;
    let err = store
        .offer_feed_file(2027, one_entry.as_bytes(), "http://feed/2027.json")
        .unwrap_err();
    assert!(matches!(err, DataError::LacksStatutoryDay { .. }), "{err}");
    assert!(err.to_string().contains("2027-01-01 (元旦)"), "{err}");
    assert_eq!(store.in_force().version(), before, "2027 stays estimated");
    let refused = store.feed_status().refused;
    assert_eq!(refused.len(), 1, "the refusal is in the status");
    assert_eq!(refused[0].year, 2027);
}

#[test]
fn the_real_file_with_every_day_turned_into_a_working_day_is_refused() {
    let store = store(None, None);
    let flipped = edited(NOTICE_2026, |day| day["isOffDay"] = false.into());
    let err = store
        .offer_feed_file(2026, &flipped, "http://feed/2026.json")
        .unwrap_err();
    assert!(
        matches!(err, DataError::ChangesKinds { count: 33, .. }),
        "{err}"
    );
}

#[test]
fn the_real_file_with_forty_invented_holidays_is_refused() {
    let store = store(None, None);
    let mut file: serde_json::Value = serde_json::from_str(NOTICE_2026).unwrap();
    let days = file["days"].as_array_mut().unwrap();
    let mut added = 0;
    let mut date = d(2026, 3, 2);
    while added < 40 {
        let listed = days.iter().any(|x| x["date"] == date.to_string());
        if !listed && chrono::Datelike::weekday(&date).num_days_from_monday() < 5 {
            days.push(
                serde_json::json!({"name": "假日", "date": date.to_string(), "isOffDay": true}),
            );
            added += 1;
        }
        date = date.succ_opt().unwrap();
    }
    let err = store
        .offer_feed_file(
            2026,
            &serde_json::to_vec(&file).unwrap(),
            "http://feed/2026.json",
        )
        .unwrap_err();
    assert!(
        matches!(err, DataError::AddsTooMany { added: 40, .. }),
        "{err}"
    );
}

#[test]
fn a_revision_within_the_bounds_is_accepted() {
    // 2020's extension of 春节, in small: three working days of the real file become days off.
    let store = store(None, None);
    let extended = edited(NOTICE_2026, |day| {
        if day["date"] == "2026-02-28" || day["date"] == "2026-01-04" {
            day["isOffDay"] = true.into();
        }
    });
    assert_eq!(
        store.offer_feed_file(2026, &extended, "http://feed/2026.json"),
        Ok(Offer::Accepted)
    );
}

#[test]
fn names_and_sources_that_are_not_plain_text_are_refused() {
    let store = store(None, None);
    for (field, value) in [
        ("name", "=HYPERLINK(\"http://x\")"),
        ("name", "国庆\u{7}节"),
        ("name", ""),
        ("source", "@SUM(A1)"),
    ] {
        let bad = edited(NOTICE_2026, |day| {
            if day["date"] == "2026-10-01" {
                day[field] = value.into();
            }
        });
        let err = store
            .offer_feed_file(2026, &bad, "http://feed/2026.json")
            .unwrap_err();
        assert!(
            matches!(err, DataError::NotPlainText { .. }),
            "{field} {value:?}: {err}"
        );
    }
}

#[test]
fn every_embedded_national_file_would_pass_as_a_new_year() {
    // The rules for a year with no notice in force hold for every real notice since 2007.
    let specs = parse_specs(EMBEDDED_SPECS).unwrap();
    let embedded = DataSet::embedded().unwrap();
    for (year, file) in embedded.layer("cn") {
        let check = crate::calendar::notice::check(&specs[0], year, &file.file, None);
        assert_eq!(check, Ok(()), "cn/{year}");
    }
    for (year, file) in embedded.layer("cn-xj") {
        let published = ["肉孜节", "古尔邦节"]
            .iter()
            .all(|n| file.file.names().any(|m| m.contains(n)));
        if published {
            let check = crate::calendar::notice::check(&specs[1], year, &file.file, None);
            assert_eq!(check, Ok(()), "cn-xj/{year}");
        }
    }
}

// ---- one check in both places --------------------------------------------------------------

#[test]
fn what_an_offer_accepts_a_restart_keeps_in_force_whatever_the_operator_files() {
    // An operator file for cn/2026 sits above the feed; the feed's file is checked against the
    // embedded file of its year both when offered and when the data are rebuilt.
    let operator = tempfile::tempdir().unwrap();
    fs::create_dir_all(operator.path().join("cn")).unwrap();
    let local = edited(NOTICE_2026, |day| {
        if day["date"] == "2026-01-04" {
            day["isOffDay"] = true.into();
        }
    });
    fs::write(operator.path().join("cn/2026.json"), &local).unwrap();
    let state = tempfile::tempdir().unwrap();
    let offers: [(&str, Vec<u8>); 3] = [
        ("the real file", NOTICE_2026.as_bytes().to_vec()),
        (
            "a small revision",
            edited(NOTICE_2026, |day| {
                if day["date"] == "2026-02-28" {
                    day["isOffDay"] = true.into();
                }
            }),
        ),
        (
            "every day flipped",
            edited(NOTICE_2026, |day| day["isOffDay"] = false.into()),
        ),
    ];
    for (what, bytes) in offers {
        let first = store(
            Some(operator.path().to_owned()),
            Some(state.path().to_owned()),
        );
        let offered = first.offer_feed_file(2026, &bytes, "http://feed/2026.json");
        let again = store(
            Some(operator.path().to_owned()),
            Some(state.path().to_owned()),
        );
        let in_force = again
            .feed_status()
            .files
            .iter()
            .any(|f| f.year == 2026 && f.in_force && f.sha256 == hex(&Sha256::digest(&bytes)));
        assert_eq!(
            offered.is_ok(),
            in_force,
            "{what}: the offer said {offered:?}, the restart {:?}",
            again.feed_status().files
        );
    }
}

// ---- withdrawal ----------------------------------------------------------------------------

#[test]
fn an_operator_can_withdraw_an_accepted_feed_file_for_good() {
    let state = tempfile::tempdir().unwrap();
    let store1 = store(None, Some(state.path().to_owned()));
    let estimated = store1.in_force().version().to_owned();
    store1
        .offer_feed_file(2027, NOTICE_2027.as_bytes(), "http://feed/2027.json")
        .unwrap();
    assert_ne!(store1.in_force().version(), estimated);

    store1.withdraw_feed_file(2027).unwrap();

    assert_eq!(
        store1.in_force().version(),
        estimated,
        "2027 is estimated again"
    );
    assert!(
        !state.path().join("cn/2027.json").exists(),
        "the state file is gone"
    );
    let again = store1.offer_feed_file(2027, NOTICE_2027.as_bytes(), "http://feed/2027.json");
    assert!(
        matches!(again, Err(DataError::Withdrawn { .. })),
        "{again:?}"
    );
    let restarted = store(None, Some(state.path().to_owned()));
    assert_eq!(
        restarted.in_force().version(),
        estimated,
        "a restart keeps it withdrawn"
    );
    assert!(matches!(
        restarted.offer_feed_file(2027, NOTICE_2027.as_bytes(), "http://feed/2027.json"),
        Err(DataError::Withdrawn { .. })
    ));
    assert!(matches!(
        restarted.withdraw_feed_file(2028),
        Err(StoreError::NoFeedFile(2028))
    ));
}

// ---- files that are not files, and disks that fail ----------------------------------------

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_in_the_operators_directory_is_refused_without_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let layer = dir.path().join("cn-xj-kizilsu");
    fs::create_dir_all(&layer).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(layer.join("2026.json"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "a FIFO is made");
    std::os::unix::fs::symlink("/dev/zero", layer.join("2027.json")).unwrap();
    let (done, waiting) = std::sync::mpsc::channel();
    let path = dir.path().to_owned();
    std::thread::spawn(move || {
        let store = store(Some(path), None);
        let _ = done.send(store.operator_status().refused);
    });
    let refused = waiting
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("start-up does not hang on a FIFO");
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(
        refused.iter().all(|r| r.contains("not a regular file")),
        "{refused:?}"
    );
}

#[test]
fn a_file_that_cannot_be_kept_is_in_force_says_so_and_leaves_no_partial_file() {
    let state = tempfile::tempdir().unwrap();
    let store = store(None, Some(state.path().to_owned()));
    // The rename cannot put the file where a directory is.
    fs::create_dir_all(state.path().join("cn/2027.json")).unwrap();

    let offered = store.offer_feed_file(2027, NOTICE_2027.as_bytes(), "http://feed/2027.json");

    assert_eq!(
        offered,
        Ok(Offer::Accepted),
        "the data are in force all the same"
    );
    let status = store.feed_status();
    assert_eq!(status.persist_failures, 1);
    assert!(
        status
            .persist_error
            .as_deref()
            .is_some_and(|e| e.contains("2027")),
        "{status:?}"
    );
    let left: Vec<_> = fs::read_dir(state.path().join("cn"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "no partial file is left: {left:?}");
}

#[test]
fn the_status_is_read_while_a_change_holds_the_lock() {
    let store = Arc::new(store(None, None));
    let holding = store.lock();
    let (done, waiting) = std::sync::mpsc::channel();
    let reader = store.clone();
    std::thread::spawn(move || {
        let _ = done.send((
            reader.feed_status().healthy,
            reader.operator_status().files.len(),
        ));
    });
    let read = waiting.recv_timeout(std::time::Duration::from_secs(5));
    drop(holding);
    assert_eq!(read, Ok((true, 0)), "a request never waits for a change");
}

/// Makes `count` versions in force one after another (州庆 on a different July day each), and
/// returns them, oldest first.
fn versions_in_force(store: &Store, dir: &Path, count: u32) -> Vec<String> {
    fs::create_dir_all(dir.join("cn-xj-kizilsu")).unwrap();
    (1..=count)
        .map(|day| {
            let file = ZHOUQING.replace("2026-07-14", &format!("2026-07-{day:02}"));
            fs::write(dir.join("cn-xj-kizilsu/2026.json"), file).unwrap();
            store.reload_operator_files();
            store.in_force().version().to_owned()
        })
        .collect()
}

/// Fifty versions asked for in a burst were all held compiled at once (moka evicts lazily):
/// 20 MB became 120 MB. The bound is strict: never more than COMPILED_KEPT, at any moment.
#[test]
fn never_more_than_the_bound_of_kept_versions_are_held_compiled() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(Some(dir.path().to_owned()), None);
    let versions = versions_in_force(&store, dir.path(), 6);
    for version in &versions[..5] {
        store.kept(version).unwrap();
        assert!(
            store.compiled_held() <= COMPILED_KEPT,
            "{} held compiled after asking for {version}; at most {COMPILED_KEPT}",
            store.compiled_held()
        );
    }
    let compiled = store.compilations();
    store.kept(&versions[4]).unwrap();
    assert_eq!(
        store.compilations(),
        compiled,
        "the last asked for is at hand"
    );
    assert!(
        store.kept_at_hand(&versions[0]).unwrap().is_none(),
        "the oldest asked for is no longer held"
    );
    assert!(
        store.kept_at_hand(&versions[5]).unwrap().is_some(),
        "the version in force is always at hand"
    );
}

/// A change as a hook is told of it: old version, new version, since.
pub(super) type Told = (String, String, DateTime<Utc>);

/// The changes a store's hooks are told of.
pub(super) fn told(store: &Store) -> Arc<Mutex<Vec<Told>>> {
    let told = Arc::new(Mutex::new(Vec::new()));
    let telling = told.clone();
    store.on_change(Box::new(move |old, new, since| {
        telling
            .lock()
            .unwrap()
            .push((old.version().to_owned(), new.version().to_owned(), since));
    }));
    told
}

/// Issue 27's leftover: the first compile in `Store::open` recorded a new version before any
/// hook was registered, and subscribers never heard of a start-up's change.
#[test]
fn a_start_up_with_other_data_than_the_last_kept_tells_the_hooks_once() {
    // Arrange: a first start with no operator file, on a fresh state directory.
    let (operator, state) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let open = || {
        store(
            Some(operator.path().to_owned()),
            Some(state.path().to_owned()),
        )
    };
    let first = open();
    let first_told = told(&first);
    let first_tells = first.tell_start_up_change();
    let before = first.in_force().version().to_owned();
    drop(first);

    // Act: 州庆 written while the service is down; started again, then once more as it is.
    zhouqing_in(operator.path());
    let second = open();
    let second_told = told(&second);
    let second_tells = second.tell_start_up_change();
    let second_tells_again = second.tell_start_up_change();
    let after = second.versions().pop().unwrap();
    drop(second);
    let third = open();
    let third_told = told(&third);
    let third_tells = third.tell_start_up_change();

    // Assert
    assert!(!first_tells, "nothing was kept before the first start");
    assert!(first_told.lock().unwrap().is_empty());
    assert_ne!(after.data_version, before, "州庆 makes another version");
    assert!(second_tells, "the restart changed the data in force");
    assert!(!second_tells_again, "told once");
    assert_eq!(
        *second_told.lock().unwrap(),
        [(before, after.data_version.clone(), after.since)],
        "told as a reload would: the first start's version to the new one, at its time as kept"
    );
    assert!(!third_tells, "the same data as the newest kept: no change");
    assert!(third_told.lock().unwrap().is_empty());
}

#[test]
fn a_start_up_in_memory_has_no_earlier_version_and_tells_nothing() {
    let operator = tempfile::tempdir().unwrap();
    zhouqing_in(operator.path());
    let store = store(Some(operator.path().to_owned()), None);
    let told = told(&store);
    assert!(!store.tell_start_up_change());
    assert!(told.lock().unwrap().is_empty());
}

#[test]
fn a_start_up_whose_previous_version_is_pruned_tells_nothing() {
    // Arrange: one version kept at most, so the new one's record prunes the previous.
    let (operator, state) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let open = || {
        Store::open(
            parse_specs(EMBEDDED_SPECS).unwrap(),
            DataSet::embedded().unwrap(),
            StoreSettings {
                operator_dir: Some(operator.path().to_owned()),
                state_dir: Some(state.path().to_owned()),
                history_max: 1,
                ..StoreSettings::default()
            },
        )
        .unwrap()
    };
    let before = open().in_force().version().to_owned();
    zhouqing_in(operator.path());

    // Act
    let store = open();
    let told = told(&store);
    let tells = store.tell_start_up_change();

    // Assert
    assert!(
        matches!(store.kept(&before), Err(HistoryError::NotKept { .. })),
        "the previous version is pruned"
    );
    assert!(
        !tells,
        "a change from a version that cannot be compiled is not told"
    );
    assert!(told.lock().unwrap().is_empty());
}
