//! The history of the data: every version kept in the state directory, what a new one changed
//! (`/v1/changes`), which stored deadlines it moved (`/v1/deadlines/recheck`), and answers as a
//! kept version gave them (`data_version=`).
//!
//! The story of every year: deadlines counted into 2027 before its notices are out
//! (provisional), then the prefecture's 2027 notice arrives as an operator file — 州庆, Wed
//! 2027-07-14, a day off in Kizilsu — and is reloaded.

use std::path::Path;

use serde_json::{Value, json};

use crate::helpers::{Running, TestApp, assert_problem, ok_json, spawn_running};

const TOKEN: &str = "history-test-admin-token";

/// Kizilsu's 2027 notice, as an operator writes it (holiday-cn's shape): one day off.
const ZHOUQING_2027: &str = r#"{"year": 2027, "papers": ["克州 notice (test)"], "days": [
    {"name": "州庆", "date": "2027-07-14", "isOffDay": true, "source": "test"}]}"#;

async fn spawn(state: &Path, holidays: &Path, extra: &[(&str, &str)]) -> Running {
    let mut settings = vec![
        ("QIXIAN_STATE_DIR", state.to_str().unwrap()),
        ("QIXIAN_HOLIDAYS_DIR", holidays.to_str().unwrap()),
        ("QIXIAN_ADMIN_TOKEN", TOKEN),
    ];
    settings.extend_from_slice(extra);
    spawn_running(&settings).await
}

fn write_operator_file(holidays: &Path, text: &str) {
    std::fs::create_dir_all(holidays.join("cn-xj-kizilsu")).unwrap();
    std::fs::write(holidays.join("cn-xj-kizilsu/2027.json"), text).unwrap();
}

async fn reload(app: &TestApp) -> String {
    let response = app.admin_reload(Some(TOKEN)).await;
    assert_eq!(response.status(), 200, "the reload is accepted");
    app.data_version().await
}

/// Four deadlines of 第五十条 (7 working days) and one of 第四十九条 (30 days), counted on the
/// prefecture's calendar before its 2027 notice, worked out by hand:
/// - A, from Mon 07-12: 13, 14, 15, 16, 19, 20, 21 → Wed 07-21; with 州庆 off, 13, 15, 16, 19,
///   20, 21, 22 → Thu 07-22, moved by 07-14;
/// - B, from Wed 07-14 itself (the event day is never counted): 15 … 23 either way;
/// - C, from Wed 06-30: 07-01 … 07-09, before 州庆: unmoved;
/// - D (30 days), from Mon 06-14: day 30 is Wed 07-14; once it is a day off, the period ends
///   on the next working day, Thu 07-15 — moved by 07-14.
const STORY: [(&str, &str, &str, &str, Option<&str>); 4] = [
    (
        "A",
        "countersign-reply",
        "2027-07-12",
        "2027-07-21",
        Some("2027-07-22"),
    ),
    ("B", "countersign-reply", "2027-07-14", "2027-07-23", None),
    ("C", "countersign-reply", "2027-06-30", "2027-07-09", None),
    (
        "D",
        "approved-filing",
        "2027-06-14",
        "2027-07-14",
        Some("2027-07-15"),
    ),
];

fn request(id: &str, rule: &str, event: &str) -> Value {
    json!({"id": id, "rule": rule, "event": event, "calendar": "cn-xj-kizilsu"})
}

#[tokio::test]
async fn a_2027_notice_shows_in_changes_recheck_and_answers_as_they_were() {
    // Arrange: deadlines counted into 2027, stored with their data version.
    let (state, holidays) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let app = spawn(state.path(), holidays.path(), &[]).await;
    let mut stored = Vec::new();
    let mut before = Vec::new();
    for (id, rule, event, due, _) in STORY {
        let response = app.post_deadline(&request(id, rule, event)).await;
        let body = response.bytes().await.unwrap();
        let answer: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            answer["due_date"], due,
            "{id} is due {due} before the notice"
        );
        assert_eq!(answer["provisional"], true, "{id}: 2027 is not published");
        stored.push(json!({
            "request": request(id, rule, event),
            "due_date": answer["due_date"],
            "due_at": answer["due_at"],
            "data_version": answer["data_version"],
        }));
        before.push(body);
    }
    let old = stored[0]["data_version"].as_str().unwrap().to_owned();
    let day_before = app
        .get("/v1/days/2027-07-14?calendar=cn-xj-kizilsu")
        .await
        .bytes()
        .await
        .unwrap();

    // Act: the prefecture's 2027 notice arrives.
    write_operator_file(holidays.path(), ZHOUQING_2027);
    let new = reload(&app).await;

    // Assert: changes lists exactly 州庆 — a Wednesday that was a working day; 2027 stays
    // provisional (the national and Xinjiang notices are still out), nothing is estimated.
    assert_ne!(old, new, "the notice makes a new version");
    let changes = ok_json(
        app.get_changes(&[("since", &old), ("calendar", "cn-xj-kizilsu")])
            .await,
    )
    .await;
    assert_eq!(
        changes["days"],
        json!([{
            "date": "2027-07-14",
            "old": {"working": true, "kind": "workday", "name": null, "provisional": true, "estimated": false},
            "new": {"working": false, "kind": "holiday", "name": "州庆", "provisional": true, "estimated": false},
        }]),
        "exactly the day the file changed, before and after"
    );
    let versions: Vec<&str> = changes["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["data_version"].as_str().unwrap())
        .collect();
    assert_eq!(
        versions,
        [old.as_str(), new.as_str()],
        "the versions in between"
    );
    let national = ok_json(
        app.get_changes(&[("since", &old), ("calendar", "cn")])
            .await,
    )
    .await;
    assert_eq!(
        national["days"],
        json!([]),
        "a prefecture's file changes no national day"
    );

    // Assert: recheck marks A and D, with the day that moved each.
    let rechecked = ok_json(app.post_recheck(&json!({"items": stored})).await).await;
    for (i, (id, _, _, due, moved)) in STORY.iter().enumerate() {
        let item = &rechecked["results"][i];
        assert_eq!(item["ok"], true, "{id}: {item}");
        assert_eq!(item["changed"], moved.is_some(), "{id} changed: {item}");
        assert_eq!(
            item["due_date"],
            moved.unwrap_or(due),
            "{id}'s new due date"
        );
        assert_eq!(
            item["data_version"],
            new.as_str(),
            "{id} is counted on the new data"
        );
        let by: Vec<&str> = item["moved_by"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["date"].as_str().unwrap())
            .collect();
        let expected: &[&str] = if moved.is_some() {
            &["2027-07-14"]
        } else {
            &[]
        };
        assert_eq!(by, expected, "{id} moved by");
    }

    // Assert: the old version answers as it did, byte for byte, and says it is not in force.
    for (i, (id, rule, event, _, _)) in STORY.iter().enumerate() {
        let response = app
            .request(
                reqwest::Method::POST,
                &format!("/v1/deadlines?data_version={old}"),
                Some(request(id, rule, event).to_string().into_bytes()),
                Some("application/json"),
            )
            .await;
        assert_eq!(
            response
                .headers()
                .get("x-data-in-force")
                .map(|v| v.to_str().unwrap()),
            Some("false"),
            "an answer under a kept version says so"
        );
        assert_eq!(
            response.bytes().await.unwrap(),
            before[i],
            "{id} as it was answered"
        );
    }
    let day_then = app
        .get(&format!(
            "/v1/days/2027-07-14?calendar=cn-xj-kizilsu&data_version={old}"
        ))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(day_then, day_before, "the day as it was answered");
    // The parameter's name written percent-encoded is the same name: the kept version is asked
    // for (it was answered from the data in force, the encoded name unseen by the cache step).
    let day_encoded = app
        .get(&format!(
            "/v1/days/2027-07-14?calendar=cn-xj-kizilsu&data%5Fversion={old}"
        ))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        day_encoded, day_before,
        "the day as it was answered, asked encoded"
    );
}

#[tokio::test]
async fn a_recheck_in_csv_marks_the_moved_rows_and_an_unkept_version_fails_alone() {
    // Arrange
    let (state, holidays) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let app = spawn(state.path(), holidays.path(), &[]).await;
    let old = app.data_version().await;
    write_operator_file(holidays.path(), ZHOUQING_2027);
    let new = reload(&app).await;
    let body = format!(
        "文号,rule,event,calendar,due_date,data_version\r\n\
         K-1,countersign-reply,2027-07-12,cn-xj-kizilsu,2027-07-21,{old}\r\n\
         K-2,countersign-reply,2027-06-30,cn-xj-kizilsu,2027-07-09,{old}\r\n\
         K-3,countersign-reply,2027-06-30,cn-xj-kizilsu,2027-07-09,0123456789abcdef\r\n"
    );

    // Act
    let response = app
        .request(
            reqwest::Method::POST,
            "/v1/deadlines/recheck",
            Some(body.into_bytes()),
            Some("text/csv"),
        )
        .await;

    // Assert
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "row,id,ok,changed,calendar,due_date,due_at,provisional,data_version,was_due_date,was_due_at,was_data_version,moved_by,error_code,error,文号"
    );
    assert_eq!(
        lines[1],
        format!(
            "1,,true,true,cn-xj-kizilsu,2027-07-22,2027-07-22T20:00:00+08:00,true,{new},2027-07-21,,{old},2027-07-14,,,K-1"
        ),
        "K-1 moved by 州庆"
    );
    assert_eq!(
        lines[2],
        format!(
            "2,,true,false,cn-xj-kizilsu,2027-07-09,2027-07-09T20:00:00+08:00,true,{new},2027-07-09,,{old},,,,K-2"
        ),
        "K-2 did not move"
    );
    assert!(
        lines[3].starts_with(&format!(
            "3,,false,,,,,,{new},2027-07-09,,0123456789abcdef,,version-gone,"
        )),
        "K-3's version is not kept: {}",
        lines[3]
    );
}

#[tokio::test]
async fn two_servers_on_one_state_directory_share_the_history_across_restarts() {
    // Arrange: two replicas on one state directory; only the first has the operator file.
    let state = tempfile::tempdir().unwrap();
    let (holidays, none) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = spawn(state.path(), holidays.path(), &[]).await;
    let second = spawn(state.path(), none.path(), &[]).await;
    let old = first.data_version().await;
    assert_eq!(
        second.data_version().await,
        old,
        "the same data, the same version"
    );

    // Act
    write_operator_file(holidays.path(), ZHOUQING_2027);
    let new = reload(&first).await;

    // Assert: the second answers under the first's new version, and what it changed.
    let add = &[
        ("start", "2027-07-12"),
        ("days", "3"),
        ("calendar", "cn-xj-kizilsu"),
        ("data_version", new.as_str()),
    ];
    let response = second.add_workdays(add).await;
    assert_eq!(
        response
            .headers()
            .get("x-data-in-force")
            .map(|v| v.to_str().unwrap()),
        Some("false")
    );
    let answer = ok_json(response).await;
    assert_eq!(
        answer["date"], "2027-07-16",
        "13, 15, 16: 州庆 skipped under the new version"
    );
    assert_eq!(answer["data_version"], new.as_str());
    let changes = ok_json(
        second
            .get_changes(&[("since", &new), ("calendar", "cn-xj-kizilsu")])
            .await,
    )
    .await;
    assert_eq!(changes["days"][0]["date"], "2027-07-14", "{changes}");
    assert_eq!(
        changes["days"][0]["new"]["kind"], "workday",
        "the second still has no 州庆"
    );

    // Act: both stop, one starts again, then a third version with a history of two.
    first.stop().await;
    second.stop().await;
    let restarted = spawn(
        state.path(),
        holidays.path(),
        &[("QIXIAN_HISTORY_MAX", "2")],
    )
    .await;
    assert_eq!(
        restarted.data_version().await,
        new,
        "the file is read again"
    );
    let kept = ok_json(restarted.get_changes(&[("since", &old)]).await).await;
    assert_eq!(kept["since"], old.as_str(), "the restart keeps the history");
    write_operator_file(
        holidays.path(),
        &ZHOUQING_2027.replace("2027-07-14", "2027-07-15"),
    );
    let third = reload(&restarted).await;

    // Assert: the oldest is pruned and answers 410, naming the oldest kept.
    assert_ne!(third, new);
    assert_problem(
        restarted
            .add_workdays(&[
                ("start", "2027-07-12"),
                ("days", "3"),
                ("data_version", &old),
            ])
            .await,
        410,
        "version-gone",
        &[old.as_str(), new.as_str()],
    )
    .await;
    assert_problem(
        restarted.get_changes(&[("since", &old)]).await,
        410,
        "version-gone",
        &[new.as_str()],
    )
    .await;
}

#[tokio::test]
async fn a_data_version_is_refused_by_name_where_not_taken_and_410_where_not_kept() {
    // Arrange
    let app = crate::helpers::spawn_app().await;

    // Act and assert
    assert_problem(
        app.get("/v1/rules?data_version=0123456789abcdef").await,
        400,
        "unknown-parameter",
        &["data_version"],
    )
    .await;
    assert_problem(
        app.get("/v1/days/2026-10-01?data_version=../../etc/passwd")
            .await,
        410,
        "version-gone",
        &["../../etc/passwd", &app.data_version().await],
    )
    .await;
    assert_problem(
        app.get_changes(&[("calendar", "cn")]).await,
        400,
        "missing-parameter",
        &["since"],
    )
    .await;
}

#[tokio::test]
async fn a_stored_deadline_without_its_due_date_or_version_fails_alone() {
    // Arrange
    let app = crate::helpers::spawn_app().await;
    let version = app.data_version().await;
    let event = json!({"rule": "countersign-reply", "event": "2026-09-30", "calendar": "cn"});

    // Act
    let answer = ok_json(
        app.post_recheck(&json!({"items": [
            {"request": event, "data_version": version},
            {"request": event, "due_date": "2026-10-15"},
            {"request": event, "due_date": "2026-10-15", "data_version": version, "extra": 1},
            {"request": event, "due_date": "2026-10-15", "due_at": "2026-10-16", "data_version": version},
            {"request": event, "due_date": "2026-10-15", "data_version": version},
        ]}))
        .await,
    )
    .await;

    // Assert
    let codes: Vec<&str> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["error"]["code"].as_str().unwrap_or("ok"))
        .collect();
    assert_eq!(
        codes,
        [
            "missing-parameter",
            "missing-parameter",
            "invalid-body",
            "invalid-parameter",
            "ok"
        ],
        "each bad item fails alone: {answer}"
    );
    assert_eq!(
        answer["results"][4]["changed"], false,
        "the same data, the same due date"
    );
}

/// Makes `count` versions in force, one per reload (州庆 on a different July day each); their
/// versions, oldest first.
async fn versions(app: &TestApp, holidays: &Path, count: u32) -> Vec<String> {
    let mut versions = Vec::new();
    for day in 1..=count {
        write_operator_file(
            holidays,
            &ZHOUQING_2027.replace("2027-07-14", &format!("2027-07-{day:02}")),
        );
        versions.push(reload(app).await);
    }
    versions
}

/// The kept versions compiled again since start, from `/metrics`.
async fn compilations(app: &TestApp) -> u64 {
    let text = app.get("/metrics").await.text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("qixian_kept_compilations "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("/metrics shows qixian_kept_compilations: {text}"))
}

/// One 24 KB recheck naming 50 kept versions × 3 calendars compiled 150 times on one worker
/// (1.8 s) and took the server from 20 to 120 MB. A recheck now compiles each version it
/// names once, and names at most 8 besides the one in force.
#[tokio::test]
async fn a_recheck_compiles_each_version_once_and_names_at_most_eight() {
    // Arrange
    let (state, holidays) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let running = spawn(state.path(), holidays.path(), &[]).await;
    let app = &running.app;
    let kept = versions(app, holidays.path(), 10).await;
    let item = |version: &str, calendar: &str| {
        json!({"request": {"rule": "countersign-reply", "event": "2027-07-12", "calendar": calendar},
               "due_date": "2027-07-21", "data_version": version})
    };
    // Three versions, each in three calendars, interleaved as an attacker would.
    let mut three = Vec::new();
    for calendar in ["cn", "cn-xj", "cn-xj-kizilsu"] {
        for version in &kept[..3] {
            three.push(item(version, calendar));
        }
    }
    let nine: Vec<Value> = kept[..9].iter().map(|v| item(v, "cn")).collect();

    // Act
    let before = compilations(app).await;
    let answer = ok_json(app.post_recheck(&json!({"items": three})).await).await;
    let compiled = compilations(app).await - before;
    let refused = app.post_recheck(&json!({"items": nine})).await;

    // Assert
    assert!(
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["ok"] == true),
        "every item is answered: {answer}"
    );
    assert_eq!(compiled, 3, "three versions named, three compiled");
    assert_problem(refused, 413, "too-large", &["9", "8"]).await;
}

/// A kept version whose stored inputs cannot be read answered 410 with the blob's hash and the
/// OS error (and so the state directory's layout): the detail is now a fixed text, the cause
/// goes to the log.
#[tokio::test]
async fn a_version_that_cannot_be_compiled_again_says_so_without_paths_hashes_or_os_errors() {
    // Arrange: two versions, then every stored input of the first lost.
    let (state, holidays) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let running = spawn(state.path(), holidays.path(), &[]).await;
    let app = &running.app;
    let kept = versions(app, holidays.path(), 2).await;
    for blob in std::fs::read_dir(state.path().join("history/blobs")).unwrap() {
        std::fs::remove_file(blob.unwrap().path()).unwrap();
    }

    // Act
    let gone = app
        .add_workdays(&[
            ("start", "2027-07-12"),
            ("days", "3"),
            ("data_version", &kept[0]),
        ])
        .await;

    // Assert
    let problem = assert_problem(gone, 410, "version-gone", &[kept[0].as_str()]).await;
    let detail = problem["detail"].as_str().unwrap();
    let hex64 = detail
        .split(|c: char| !c.is_ascii_hexdigit())
        .any(|word| word.len() == 64);
    assert!(
        !detail.contains("os error") && !detail.contains(state.path().to_str().unwrap()) && !hex64,
        "no OS error, path or hash: {detail}"
    );
}
