//! Registers when the data change: matters counted into 2027 while it is provisional, then
//! 克州's 2027 notice loaded as an operator file — exactly the matters whose due date changed
//! are `moved`, each with the days that moved it, until acknowledged, and each register's
//! subscribers are told once (`register.matters_moved`). Then what a register must survive:
//! eight clients writing at once, and a kill -9 in the middle of writes. On SQLite here; on
//! PostgreSQL in the `#[ignore]`d tests that `scripts/register-postgres.sh` runs.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use wiremock::MockServer;

use crate::contract::{resolve, spec, undescribed};
use crate::helpers::{
    Process, TestApp, fresh_database, ok_json, spawn_app_with, test_database_url,
};
use crate::registers::{ADMIN, register, send};
use crate::webhooks::{receiver, secret, settled, verified};

/// 克州's 2027 notice as an operator writes it: 州庆 Wed 07-14 and Thu 07-15 off, Sun 07-18
/// worked in their stead. (July 2027: Thu 07-01, Mon 07-12, Fri 07-16, Mon 07-19; no national
/// or Xinjiang holiday falls in July, estimated or not.)
const ZHOUQING_2027: &str = r#"{"year": 2027, "papers": ["克州 notice (test)"], "days": [
    {"name": "州庆", "date": "2027-07-14", "isOffDay": true, "source": "test"},
    {"name": "州庆", "date": "2027-07-15", "isOffDay": true, "source": "test"},
    {"name": "州庆", "date": "2027-07-18", "isOffDay": false, "source": "test"}]}"#;

/// A matter the story keeps: its 文号, its rule, its event, its calendar, its due date before
/// the notice, and after it (when it moves), with the days that moved it.
struct Case {
    doc: &'static str,
    rule: &'static str,
    event: &'static str,
    calendar: &'static str,
    before: &'static str,
    after: Option<(&'static str, &'static [&'static str])>,
}

/// Worked out by hand. 会签 (countersign-reply) is 7 working days after the event day; 备案
/// (approved-filing) 30 days, a last day on a rest day moving to the next working day.
/// - A, from Mon 07-12: 13, 14, 15, 16, 19, 20, 21 → Wed 07-21. With the notice: 13, (14, 15
///   off) 16, (Sat 17 off) Sun 18, 19, 20, 21, 22 → Thu 07-22, moved by 14, 15 and 18.
/// - B, from Fri 07-16: 19, 20, 21, 22, 23, 26, 27 → Tue 07-27. With the notice Sun 18 counts:
///   18, 19, 20, 21, 22, 23, 26 → Mon 07-26, earlier, moved by 18 alone (14 and 15 are before
///   its event).
/// - C, from Wed 06-30: 07-01, 02, 05 … 09 → Fri 07-09, before 州庆: unmoved.
/// - D, from Mon 07-19: 20 … 23, 26, 27, 28 → Wed 07-28, after 州庆: unmoved.
/// - E (30 days) from Mon 06-14: day 30 is Wed 07-14. With the notice 14 and 15 are off: Fri
///   07-16, moved by 14 and 15 (the Sunday after is past its end).
/// - G, A's period on the national calendar: a prefecture's notice does not touch it.
/// - H, from Mon 01-11: 12 … 15, 18, 19, 20 → Wed 01-20; and I, from Mon 11-08: 9 … 12, 15,
///   16, 17 → Wed 11-17: far from 州庆.
const CASES: [Case; 8] = [
    Case {
        doc: "克政办函〔2027〕1号",
        rule: "countersign-reply",
        event: "2027-07-12",
        calendar: "cn-xj-kizilsu",
        before: "2027-07-21",
        after: Some(("2027-07-22", &["2027-07-14", "2027-07-15", "2027-07-18"])),
    },
    Case {
        doc: "克政办函〔2027〕2号",
        rule: "countersign-reply",
        event: "2027-07-16",
        calendar: "cn-xj-kizilsu",
        before: "2027-07-27",
        after: Some(("2027-07-26", &["2027-07-18"])),
    },
    Case {
        doc: "克政办函〔2027〕3号",
        rule: "countersign-reply",
        event: "2027-06-30",
        calendar: "cn-xj-kizilsu",
        before: "2027-07-09",
        after: None,
    },
    Case {
        doc: "克政办函〔2027〕4号",
        rule: "countersign-reply",
        event: "2027-07-19",
        calendar: "cn-xj-kizilsu",
        before: "2027-07-28",
        after: None,
    },
    Case {
        doc: "克政办函〔2027〕5号",
        rule: "approved-filing",
        event: "2027-06-14",
        calendar: "cn-xj-kizilsu",
        before: "2027-07-14",
        after: Some(("2027-07-16", &["2027-07-14", "2027-07-15"])),
    },
    Case {
        doc: "克政办函〔2027〕7号",
        rule: "countersign-reply",
        event: "2027-07-12",
        calendar: "cn",
        before: "2027-07-21",
        after: None,
    },
    Case {
        doc: "克政办函〔2027〕8号",
        rule: "countersign-reply",
        event: "2027-01-11",
        calendar: "cn-xj-kizilsu",
        before: "2027-01-20",
        after: None,
    },
    Case {
        doc: "克政办函〔2027〕9号",
        rule: "countersign-reply",
        event: "2027-11-08",
        calendar: "cn-xj-kizilsu",
        before: "2027-11-17",
        after: None,
    },
];

fn body(doc: &str, rule: &str, event: &str, calendar: &str) -> Value {
    json!({
        "doc_number": doc,
        "subject": "会签意见",
        "sender": "州发改委",
        "handler": "王",
        "period": {"rule": rule, "event": event, "calendar": calendar}
    })
}

/// A new matter of register `id`; its answer.
async fn create(app: &TestApp, id: &str, key: &str, matter: &Value) -> Value {
    let path = format!("/v1/registers/{id}/matters");
    let response = send(app, Method::POST, &path, Some(key), None, Some(matter)).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{matter} is kept");
    response.json().await.expect("JSON")
}

/// The matters of register `id` the list shows with `query`, by 文号.
async fn listed(app: &TestApp, id: &str, key: &str, query: &str) -> Vec<Value> {
    let path = format!("/v1/registers/{id}/matters{query}");
    let response = send(app, Method::GET, &path, Some(key), None, None).await;
    let mut matters = ok_json(response).await["matters"]
        .as_array()
        .expect("a list")
        .clone();
    matters.sort_by_key(|m| m["doc_number"].as_str().unwrap_or_default().to_owned());
    matters
}

/// The 文号 of register `id`'s moved matters.
async fn moved_docs(app: &TestApp, id: &str, key: &str) -> Vec<Value> {
    listed(app, id, key, "?state=moved")
        .await
        .iter()
        .map(|m| m["doc_number"].clone())
        .collect()
}

/// A changed day as the API shows it: a working day of 2027 (provisional: the national notice
/// is not out; nothing estimated in July) that became 州庆's day off, or the Sunday worked.
fn day(date: &str) -> Value {
    let (was, is) = if date == "2027-07-18" {
        (
            json!({"working": false, "kind": "weekend", "name": null, "provisional": true, "estimated": false}),
            json!({"working": true, "kind": "makeup_workday", "name": "州庆", "provisional": true, "estimated": false}),
        )
    } else {
        (
            json!({"working": true, "kind": "workday", "name": null, "provisional": true, "estimated": false}),
            json!({"working": false, "kind": "holiday", "name": "州庆", "provisional": true, "estimated": false}),
        )
    };
    json!({"date": date, "old": was, "new": is})
}

/// The English sentence of a changed day (the tests' client asks for English).
fn day_text(date: &str) -> String {
    if date == "2027-07-18" {
        format!("{date} was a weekend and is now a makeup working day of 州庆")
    } else {
        format!("{date} was a working day and is now a holiday, 州庆")
    }
}

fn write_notice(holidays: &Path) {
    std::fs::create_dir_all(holidays.join("cn-xj-kizilsu")).unwrap();
    std::fs::write(holidays.join("cn-xj-kizilsu/2027.json"), ZHOUQING_2027).unwrap();
}

/// The whole story on the database `settings` name, told to `hook`.
async fn a_notice_moves_exactly_the_matters_it_changes(
    hook: &MockServer,
    settings: &[(&str, &str)],
) {
    // Arrange: two registers; the first keeps every case, and a done matter that would move
    // (A's period); the second one matter that moves (B's period) and one that does not.
    let holidays = tempfile::tempdir().unwrap();
    let (url, secret, dir) = (
        format!("{}/hooks/qixian", hook.uri()),
        secret(),
        holidays.path().to_str().unwrap().to_owned(),
    );
    let mut all = vec![
        ("QIXIAN_ADMIN_TOKEN", ADMIN),
        ("QIXIAN_HOLIDAYS_DIR", dir.as_str()),
        ("QIXIAN_WEBHOOK_URLS", url.as_str()),
        ("QIXIAN_WEBHOOK_SECRET", secret.as_str()),
        ("QIXIAN_WEBHOOK_RETRY_BASE_MS", "100"),
    ];
    all.extend_from_slice(settings);
    let app = spawn_app_with(&all).await;
    let (first, key) = register(&app, "州政府办公室").await;
    let (second, other_key) = register(&app, "阿图什市政府办公室").await;
    let mut ids = std::collections::HashMap::new();
    for case in &CASES {
        let made = create(
            &app,
            &first,
            &key,
            &body(case.doc, case.rule, case.event, case.calendar),
        )
        .await;
        assert_eq!(
            (
                &made["due_date"],
                &made["moved"],
                &made["provisional"],
                &made["moved_by"]
            ),
            (&json!(case.before), &json!(false), &json!(true), &json!([])),
            "{} before the notice: {made}",
            case.doc
        );
        ids.insert(case.doc, made["id"].as_str().unwrap().to_owned());
    }
    let old = app.data_version().await;
    let done = create(
        &app,
        &first,
        &key,
        &body(
            "克政办函〔2027〕6号",
            "countersign-reply",
            "2027-07-12",
            "cn-xj-kizilsu",
        ),
    )
    .await;
    let done_path = format!(
        "/v1/registers/{first}/matters/{}/complete",
        done["id"].as_str().unwrap()
    );
    assert_eq!(
        send(&app, Method::POST, &done_path, Some(&key), None, None)
            .await
            .status(),
        200
    );
    let j = create(
        &app,
        &second,
        &other_key,
        &body(
            "阿政办函〔2027〕1号",
            "countersign-reply",
            "2027-07-16",
            "cn-xj-kizilsu",
        ),
    )
    .await;
    create(
        &app,
        &second,
        &other_key,
        &body(
            "阿政办函〔2027〕2号",
            "countersign-reply",
            "2027-07-19",
            "cn-xj-kizilsu",
        ),
    )
    .await;
    assert_eq!(
        made_acknowledged(&done),
        old,
        "acknowledged on the data it was counted on"
    );

    let feed = calendar_feed(&app, &first, &key).await;
    let before = feed_dates(&app, &feed).await;
    assert_eq!(
        before.get(CASES[0].doc).map(|(_, d)| d.as_str()),
        Some("20270721"),
        "A in the calendar feed on its acknowledged date: {before:?}"
    );

    // Act: 克州's notice arrives.
    write_notice(holidays.path());
    let reloaded = ok_json(app.admin_reload(Some(ADMIN)).await).await;
    let new = reloaded["data_version"].as_str().unwrap().to_owned();

    // Assert: exactly A, B and E are moved, each with its days, in both registers' lists.
    assert_ne!(old, new, "the notice is a new version");
    let matters = listed(&app, &first, &key, "").await;
    assert_eq!(matters.len(), CASES.len() + 1, "every matter is listed");
    for case in &CASES {
        let m = matters
            .iter()
            .find(|m| m["doc_number"] == case.doc)
            .unwrap();
        let (due, days) = case.after.unwrap_or((case.before, &[]));
        let expected_days: Vec<Value> = days
            .iter()
            .map(|d| {
                let mut v = day(d);
                v["text"] = json!(day_text(d));
                v
            })
            .collect();
        assert_eq!(
            (
                &m["due_date"],
                &m["moved"],
                &m["moved_by"],
                &m["acknowledged_due"],
                &m["provisional"]
            ),
            (
                &json!(due),
                &json!(case.after.is_some()),
                &json!(expected_days),
                &json!(case.before),
                &json!(true)
            ),
            "{} after the notice: {m}",
            case.doc
        );
    }
    let moved: Vec<Value> = moved_docs(&app, &first, &key).await;
    assert_eq!(
        moved,
        [CASES[0].doc, CASES[1].doc, CASES[4].doc],
        "the open matters whose due date changed, and only they, are moved (the done one is done)"
    );
    // The calendar feed follows: each open matter's event (the same UID) on its new date;
    // the done one is not in it.
    let after = feed_dates(&app, &feed).await;
    for case in &CASES {
        let (due, _) = case.after.unwrap_or((case.before, &[]));
        assert_eq!(
            after.get(case.doc).map(|(_, d)| d.clone()),
            Some(due.replace('-', "")),
            "{} in the feed after the notice",
            case.doc
        );
        assert_eq!(
            after[case.doc].0, before[case.doc].0,
            "{}: the same event, moved",
            case.doc
        );
    }
    assert!(
        !after.contains_key("克政办函〔2027〕6号"),
        "done: not in the feed"
    );
    let moved_there: Vec<Value> = moved_docs(&app, &second, &other_key).await;
    assert_eq!(moved_there, ["阿政办函〔2027〕1号"], "the other register's");

    // Assert: each register is told once of its own moved matters, signed; no other event
    // but the change itself.
    let told = settled(hook, &[&app]).await;
    let bodies: Vec<Value> = told.iter().map(verified).collect();
    let of = |kind: &str| -> Vec<&Value> { bodies.iter().filter(|b| b["type"] == kind).collect() };
    assert_eq!(
        of("calendar.changed").len(),
        1,
        "the change itself, once: {bodies:?}"
    );
    let events = of("register.matters_moved");
    assert_eq!(
        events.len(),
        2,
        "one event per register with a moved matter: {events:?}"
    );
    let to_first = events
        .iter()
        .find(|e| e["register_id"] == first.as_str())
        .expect("the first register is told");
    let to_second = events
        .iter()
        .find(|e| e["register_id"] == second.as_str())
        .expect("the second register is told");
    let told_of = |event: &Value| -> Vec<(String, String, String, Vec<Value>)> {
        event["matters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["doc_number"].as_str().unwrap().to_owned(),
                    m["old_due_date"].as_str().unwrap().to_owned(),
                    m["new_due_date"].as_str().unwrap().to_owned(),
                    m["moved_by"].as_array().unwrap().clone(),
                )
            })
            .collect()
    };
    let expected: Vec<(String, String, String, Vec<Value>)> = [0, 1, 4]
        .iter()
        .map(|&i| {
            let case = &CASES[i];
            let (due, days) = case.after.unwrap();
            (
                case.doc.to_owned(),
                case.before.to_owned(),
                due.to_owned(),
                days.iter().map(|d| day(d)).collect(),
            )
        })
        .collect();
    assert_eq!(
        told_of(to_first),
        expected,
        "A, B and E, their dates and days: {to_first}"
    );
    assert_eq!(
        (
            &to_first["previous_version"],
            &to_first["data_version"],
            &to_first["part"],
            &to_first["parts"]
        ),
        (&json!(old), &json!(new), &json!(1), &json!(1)),
        "the change that moved them"
    );
    assert_eq!(
        to_first["matters"][0]["id"].as_str(),
        Some(ids[CASES[0].doc].as_str()),
        "each matter by its id"
    );
    assert_eq!(
        told_of(to_second),
        [(
            "阿政办函〔2027〕1号".to_owned(),
            "2027-07-27".to_owned(),
            "2027-07-26".to_owned(),
            vec![day("2027-07-18")]
        )],
        "the second register's own matter, and no other's: {to_second}"
    );
    assert_eq!(to_second["matters"][0]["id"], j["id"]);
    described(
        &events,
        "#/webhooks/register.matters_moved/post/requestBody/content/application~1json/schema",
    );
    described(
        &matters.iter().collect::<Vec<_>>(),
        "#/components/schemas/Matter",
    );

    // Act: the first matter is acknowledged.
    let path = format!(
        "/v1/registers/{first}/matters/{}/acknowledge",
        ids[CASES[0].doc]
    );
    let acknowledged = ok_json(send(&app, Method::POST, &path, Some(&key), None, None).await).await;

    // Assert: it is no longer moved; the others are; nothing more is told.
    assert_eq!(
        (
            &acknowledged["moved"],
            &acknowledged["moved_by"],
            &acknowledged["acknowledged_due"],
            &acknowledged["acknowledged_version"]
        ),
        (&json!(false), &json!([]), &json!("2027-07-22"), &json!(new)),
        "acknowledged: {acknowledged}"
    );
    let moved: Vec<Value> = moved_docs(&app, &first, &key).await;
    assert_eq!(
        moved,
        [CASES[1].doc, CASES[4].doc],
        "B and E are still moved"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        settled(hook, &[&app]).await.len(),
        told.len(),
        "every event delivered once, and an acknowledgement tells nothing"
    );
}

/// The register's calendar feed address (a token made for it).
async fn calendar_feed(app: &TestApp, register: &str, key: &str) -> String {
    let path = format!("/v1/registers/{register}/calendar-token");
    let made = send(app, Method::POST, &path, Some(key), None, None).await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    made["url"].as_str().unwrap().to_owned()
}

/// Each event of the feed at `url` by the 文号 in its title: its UID and its DTSTART date.
async fn feed_dates(
    app: &TestApp,
    url: &str,
) -> std::collections::HashMap<String, (String, String)> {
    // In Chinese, as a clerk's calendar asks: the title is 【文号】截止：事由.
    let ics = app
        .client
        .get(format!("{}{url}", app.address))
        .header(reqwest::header::ACCEPT_LANGUAGE, "zh")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Folded lines (RFC 5545 3.1) joined again before reading.
    let ics = ics.replace("\r\n ", "");
    ics.split("BEGIN:VEVENT")
        .skip(1)
        .map(|event| {
            let field = |name: &str| {
                event
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .unwrap_or_default()
                    .to_owned()
            };
            let summary = field("SUMMARY:");
            let doc = summary
                .split_once('【')
                .and_then(|(_, rest)| rest.split_once('】'))
                .map(|(doc, _)| doc.to_owned())
                .unwrap_or_default();
            (doc, (field("UID:"), field("DTSTART;VALUE=DATE:")))
        })
        .collect()
}

/// Checks that `values` have the fields of openapi.yaml's schema at `pointer`, and no other;
/// every required one included.
fn described(values: &[&Value], pointer: &str) {
    let spec = spec();
    let schema = spec
        .pointer(pointer.trim_start_matches('#'))
        .expect("the schema");
    let required = &resolve(&spec, schema)["required"];
    for value in values {
        let mut missing = Vec::new();
        undescribed(&spec, schema, value, "", &mut missing);
        assert_eq!(
            missing,
            Vec::<String>::new(),
            "fields openapi.yaml lacks at {pointer}"
        );
        for field in required.as_array().expect("required fields") {
            let field = field.as_str().unwrap();
            assert!(value.get(field).is_some(), "{field} is sent: {value}");
        }
    }
}

fn made_acknowledged(matter: &Value) -> String {
    matter["acknowledged_version"]
        .as_str()
        .expect("the version it was acknowledged on")
        .to_owned()
}

#[tokio::test]
async fn a_register_notice_moves_exactly_the_matters_it_changes_and_tells_each_register_once() {
    let hook = receiver(200).await;
    a_notice_moves_exactly_the_matters_it_changes(&hook, &[]).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn a_register_on_postgresql_notice_moves_exactly_the_matters_it_changes() {
    let url = fresh_database(&test_database_url()).await;
    let hook = receiver(200).await;
    a_notice_moves_exactly_the_matters_it_changes(&hook, &[("QIXIAN_DATABASE_URL", &url)]).await;
}

/// A matter acknowledged on a version the history no longer keeps (two versions kept: the
/// first is pruned by the second change) names no day and says why; one acknowledged on a
/// kept version names the days since that version, not since the first.
#[tokio::test]
async fn a_register_matter_acknowledged_on_a_version_no_longer_kept_says_its_days_cannot_be_named()
{
    let holidays = tempfile::tempdir().unwrap();
    let dir = holidays.path().to_str().unwrap().to_owned();
    let app = spawn_app_with(&[
        ("QIXIAN_ADMIN_TOKEN", ADMIN),
        ("QIXIAN_HOLIDAYS_DIR", &dir),
        ("QIXIAN_HISTORY_MAX", "2"),
    ])
    .await;
    let (id, key) = register(&app, "办").await;
    let zhouqing = |days: &[&str]| {
        let days: Vec<Value> = days
            .iter()
            .map(|d| json!({"name": "州庆", "date": d, "isOffDay": true, "source": "test"}))
            .collect();
        json!({"year": 2027, "papers": ["克州 notice (test)"], "days": days}).to_string()
    };
    // From Mon 07-12, 7 working days: 13 … 16, 19, 20, 21 → Wed 07-21.
    let first = create(
        &app,
        &id,
        &key,
        &body("1号", "countersign-reply", "2027-07-12", "cn-xj-kizilsu"),
    )
    .await;
    let v0 = made_acknowledged(&first);
    std::fs::create_dir_all(holidays.path().join("cn-xj-kizilsu")).unwrap();
    let file = holidays.path().join("cn-xj-kizilsu/2027.json");
    std::fs::write(&file, zhouqing(&["2027-07-14"])).unwrap();
    ok_json(app.admin_reload(Some(ADMIN)).await).await;
    // On the first notice (14 off): 13, 15, 16, 19 … 22 → Thu 07-22, acknowledged so.
    let second = create(
        &app,
        &id,
        &key,
        &body("2号", "countersign-reply", "2027-07-12", "cn-xj-kizilsu"),
    )
    .await;
    assert_eq!(second["due_date"], "2027-07-22");

    // Act: the notice adds 15: both are due Fri 07-23 (13, 16, 19 … 23).
    std::fs::write(&file, zhouqing(&["2027-07-14", "2027-07-15"])).unwrap();
    ok_json(app.admin_reload(Some(ADMIN)).await).await;

    // Assert
    let matters = listed(&app, &id, &key, "").await;
    let first = &matters[0];
    assert_eq!(
        (&first["due_date"], &first["moved"], &first["moved_by"]),
        (&json!("2027-07-23"), &json!(true), &Value::Null),
        "moved, its days unknown: {first}"
    );
    let why = first["moved_by_unknown"].as_str().expect("why");
    assert!(
        why.contains(&v0) && why.contains("no longer kept"),
        "it names the version no longer kept: {why}"
    );
    let second = &matters[1];
    let mut expected = day("2027-07-15");
    expected["text"] = json!(day_text("2027-07-15"));
    assert_eq!(
        (
            &second["due_date"],
            &second["moved"],
            &second["moved_by"],
            &second["moved_by_unknown"]
        ),
        (
            &json!("2027-07-23"),
            &json!(true),
            &json!([expected]),
            &Value::Null
        ),
        "moved by the day the second notice changed, not 14: {second}"
    );
}

/// Eight clients write 1,000 matters each into one register at once: every write is answered
/// 201, and every one is in the database, whole.
async fn eight_clients_lose_no_write(app: &TestApp, database: (Option<&str>, Option<&Path>)) {
    const CLIENTS: usize = 8;
    const EACH: usize = 1_000;
    let (id, key) = register(app, "并发").await;
    let path = format!("/v1/registers/{id}/matters");
    let clients = (0..CLIENTS).map(|c| {
        let (app, path, key) = (
            TestApp {
                address: app.address.clone(),
                client: app.client.clone(),
            },
            path.clone(),
            key.clone(),
        );
        tokio::spawn(async move {
            let mut kept = Vec::with_capacity(EACH);
            for i in 0..EACH {
                let doc = format!("并发〔2026〕{c}-{i}号");
                let matter = body(&doc, "countersign-reply", "2026-09-30", "cn-xj-kizilsu");
                let response =
                    send(&app, Method::POST, &path, Some(&key), None, Some(&matter)).await;
                assert_eq!(response.status(), StatusCode::CREATED, "{doc} is kept");
                let made: Value = response.json().await.expect("JSON");
                kept.push((made["id"].as_str().unwrap().to_owned(), doc));
            }
            kept
        })
    });
    let mut written = BTreeSet::new();
    for client in clients.collect::<Vec<_>>() {
        written.extend(client.await.expect("a client finishes"));
    }
    assert_eq!(
        written.len(),
        CLIENTS * EACH,
        "every write answered with its own id"
    );

    let db = qixian::registers::Registers::open(database.0, database.1)
        .await
        .expect("the database opens");
    let stored: BTreeSet<(String, String)> = db
        .open_matters()
        .await
        .expect("every matter reads back")
        .into_iter()
        .filter(|(register, _)| *register == id)
        .map(|(_, kept)| (kept.id, kept.matter.doc_number))
        .collect();
    assert_eq!(stored.len(), written.len(), "as many kept as answered");
    assert!(stored == written, "each answered write is kept as written");
}

#[tokio::test]
async fn a_register_written_by_eight_clients_at_once_loses_no_write_on_sqlite() {
    let state = tempfile::tempdir().unwrap();
    let app = spawn_app_with(&[
        ("QIXIAN_ADMIN_TOKEN", ADMIN),
        ("QIXIAN_STATE_DIR", state.path().to_str().unwrap()),
    ])
    .await;
    eight_clients_lose_no_write(&app, (None, Some(state.path()))).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn a_register_on_postgresql_written_by_eight_clients_at_once_loses_no_write() {
    let url = fresh_database(&test_database_url()).await;
    let app = spawn_app_with(&[("QIXIAN_ADMIN_TOKEN", ADMIN), ("QIXIAN_DATABASE_URL", &url)]).await;
    eight_clients_lose_no_write(&app, (Some(&url), None)).await;
}

#[tokio::test]
async fn a_register_killed_in_the_middle_of_writes_keeps_every_write_it_answered() {
    // Arrange: the binary on a state directory, four clients writing.
    let state = tempfile::tempdir().unwrap();
    let first = Process::start(&[
        ("QIXIAN_ADMIN_TOKEN", ADMIN.as_ref()),
        ("QIXIAN_STATE_DIR", state.path().as_os_str()),
    ])
    .await;
    let (id, key) = register(&first.app, "办").await;
    let path = format!("/v1/registers/{id}/matters");
    let answered: Arc<Mutex<Vec<Value>>> = Arc::default();
    let writers: Vec<_> = (0..4)
        .map(|c| {
            let (app, path, key, answered) = (
                TestApp {
                    address: first.app.address.clone(),
                    client: first.app.client.clone(),
                },
                path.clone(),
                key.clone(),
                answered.clone(),
            );
            tokio::spawn(async move {
                for i in 0.. {
                    let mut matter = body(
                        &format!("〔2026〕{c}-{i}号"),
                        "countersign-reply",
                        "2026-09-30",
                        "cn-xj-kizilsu",
                    );
                    matter["notes"] = json!("办".repeat(500));
                    let request = app
                        .client
                        .post(format!("{}{path}", app.address))
                        .bearer_auth(&key)
                        .json(&matter);
                    let Ok(response) = request.send().await else {
                        return;
                    };
                    if response.status() != StatusCode::CREATED {
                        return;
                    }
                    let Ok(made) = response.json::<Value>().await else {
                        return;
                    };
                    answered.lock().unwrap().push(made);
                }
            })
        })
        .collect();

    // Act: kill -9 once a few hundred writes are answered, while the writers still write.
    for _ in 0..1000 {
        if answered.lock().unwrap().len() >= 300 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    first.kill();
    for writer in writers {
        writer
            .await
            .expect("a writer stops when the server is gone");
    }
    let answered = answered.lock().unwrap().clone();
    let second = Process::start(&[
        ("QIXIAN_ADMIN_TOKEN", ADMIN.as_ref()),
        ("QIXIAN_STATE_DIR", state.path().as_os_str()),
    ])
    .await;

    // Assert: every write answered 2xx is there and reads back whole.
    assert!(
        answered.len() >= 300,
        "the writes went on until the kill: {}",
        answered.len()
    );
    for made in &answered {
        let path = format!("{path}/{}", made["id"].as_str().unwrap());
        let now =
            ok_json(send(&second.app, Method::GET, &path, Some(&key), None, None).await).await;
        assert_eq!(
            now, *made,
            "{} reads back after the kill as it was answered",
            made["doc_number"]
        );
    }
    let db = qixian::registers::Registers::open(None, Some(state.path()))
        .await
        .expect("the database opens");
    let kept = db.open_matters().await.expect("every row reads back whole");
    assert!(
        kept.len() >= answered.len(),
        "no answered write lost: {} kept, {} answered",
        kept.len(),
        answered.len()
    );
    second.kill();
}
