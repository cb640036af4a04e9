//! Access to a register: its keys (added, read-only, revoked), its calendar token and feed,
//! the rate of each key, CORS for its routes, and no key or token in the logs.

use reqwest::{Method, Response, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, fresh_database, spawn_app_with, test_database_url};
use crate::registers::{ADMIN, app, register};

/// A request to a register route with `key` as its bearer key when given.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<&Value>,
) -> Response {
    crate::registers::send(app, method, path, key, None, body).await
}

/// A new key of register `id`, added with `key`: the key shown once.
async fn add_key(app: &TestApp, id: &str, key: &str, label: &str, read_only: bool) -> String {
    let response = send(
        app,
        Method::POST,
        &format!("/v1/registers/{id}/keys"),
        Some(key),
        Some(&json!({ "label": label, "read_only": read_only })),
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "key {label} is added"
    );
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "private, no-store",
        "a key shown once is kept by no cache"
    );
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["label"], label);
    assert_eq!(body["read_only"], read_only);
    let new = body["key"].as_str().expect("the key").to_owned();
    assert!(new.starts_with("qxr_"), "a key: {new}");
    new
}

/// The calendar token of register `id`, made with `key`: the token and the feed's path.
async fn calendar_token(app: &TestApp, id: &str, key: &str) -> (String, String) {
    let response = send(
        app,
        Method::POST,
        &format!("/v1/registers/{id}/calendar-token"),
        Some(key),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED, "a calendar token");
    let body: Value = response.json().await.expect("JSON");
    let token = body["token"].as_str().expect("a token").to_owned();
    assert!(token.starts_with("qxc_"), "a calendar token: {token}");
    assert_eq!(
        body["url"],
        format!("/v1/registers/{id}/calendar.ics?token={token}")
    );
    (token, body["url"].as_str().expect("a url").to_owned())
}

/// A matter of 7 working days from `event`, counted on the national calendar.
fn matter(doc: &str, subject: &str, event: &str) -> Value {
    json!({
        "doc_number": doc,
        "subject": subject,
        "sender": "州发改委",
        "handler": "王",
        "period": {"event": event, "unit": "working_days", "amount": 7, "calendar": "cn"}
    })
}

pub async fn every_key_that_is_not_a_writing_key_of_the_register_is_refused_a_write(app: &TestApp) {
    let (id, key) = register(app, "州政府办公室").await;
    let (_, other_key) = register(app, "阿图什市政府办公室").await;
    let matters = format!("/v1/registers/{id}/matters");
    let reader = add_key(app, &id, &key, "档案室", true).await;
    let clerk = add_key(app, &id, &key, "王", false).await;
    let created = send(
        app,
        Method::POST,
        &matters,
        Some(&clerk),
        Some(&matter("克政办发〔2026〕88号", "会签意见", "2026-09-30")),
    )
    .await;
    assert_eq!(
        created.status(),
        StatusCode::CREATED,
        "a writing key writes"
    );
    let created: Value = created.json().await.expect("JSON");
    let one = format!("{matters}/{}", created["id"].as_str().expect("an id"));

    // No key: 401.
    let none = send(app, Method::GET, &matters, None, None).await;
    assert_problem(none, 401, "unauthorized", &["key"]).await;
    // Another register's key: 403.
    let wrong = send(app, Method::GET, &matters, Some(&other_key), None).await;
    let wrong = assert_problem(wrong, 403, "forbidden", &[]).await;

    // A read-only key reads, and is refused every write with 403.
    let read = send(app, Method::GET, &matters, Some(&reader), None).await;
    assert_eq!(read.status(), StatusCode::OK, "a read-only key reads");
    let keys = send(
        app,
        Method::GET,
        &format!("/v1/registers/{id}/keys"),
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(keys.status(), StatusCode::OK, "and lists the keys");
    let listed: Value = keys.json().await.expect("JSON");
    let labels: Vec<(&str, bool)> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|k| {
            (
                k["label"].as_str().expect("a label"),
                k["read_only"] == true,
            )
        })
        .collect();
    assert_eq!(labels.len(), 3, "{listed}");
    for expected in [("first", false), ("档案室", true), ("王", false)] {
        assert!(labels.contains(&expected), "{expected:?} in {listed}");
    }
    assert!(
        !listed.to_string().contains(&clerk) && !listed.to_string().contains("qxr_"),
        "the list shows no key: {listed}"
    );
    let writes: [(Method, String, Option<Value>); 8] = [
        (
            Method::POST,
            matters.clone(),
            Some(matter("x", "新事项", "2026-09-30")),
        ),
        (
            Method::POST,
            one.clone(),
            Some(matter("x", "改过的事由", "2026-09-30")),
        ),
        (Method::POST, format!("{one}/complete"), None),
        (Method::POST, format!("{one}/delete"), None),
        (
            Method::POST,
            format!("/v1/registers/{id}/keys"),
            Some(json!({"label": "新"})),
        ),
        (
            Method::DELETE,
            format!("/v1/registers/{id}/keys/%E7%8E%8B"),
            None,
        ),
        (
            Method::POST,
            format!("/v1/registers/{id}/calendar-token"),
            None,
        ),
        (
            Method::DELETE,
            format!("/v1/registers/{id}/calendar-token"),
            None,
        ),
    ];
    for (method, path, body) in &writes {
        let refused = send(app, method.clone(), path, Some(&reader), body.as_ref()).await;
        assert_problem(refused, 403, "forbidden", &["only reads"]).await;
    }
    let still = send(app, Method::GET, &one, Some(&key), None).await;
    let still: Value = still.json().await.expect("JSON");
    assert_eq!(
        (still["version"].as_i64(), still["subject"].as_str()),
        (Some(1), Some("会签意见")),
        "nothing a read-only key sent was written"
    );

    // A revoked key: the same answer as another register's key.
    let revoked = send(
        app,
        Method::DELETE,
        &format!("/v1/registers/{id}/keys/%E7%8E%8B"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(
        revoked.status(),
        StatusCode::NO_CONTENT,
        "王's key is revoked"
    );
    let after = send(app, Method::GET, &matters, Some(&clerk), None).await;
    let after = assert_problem(after, 403, "forbidden", &[]).await;
    assert_eq!(
        after, wrong,
        "a revoked key is as a key that is not the register's"
    );
    let listed: Value = send(
        app,
        Method::GET,
        &format!("/v1/registers/{id}/keys"),
        Some(&key),
        None,
    )
    .await
    .json()
    .await
    .expect("JSON");
    let wang = listed
        .as_array()
        .expect("a list")
        .iter()
        .find(|k| k["label"] == "王")
        .expect("王 is listed");
    assert!(wang["revoked_at"].is_string(), "revoked, and when: {wang}");
    let again = send(
        app,
        Method::POST,
        &format!("/v1/registers/{id}/keys"),
        Some(&key),
        Some(&json!({"label": "王"})),
    )
    .await;
    assert_problem(again, 409, "conflict", &["label"]).await;
}

pub async fn the_last_writing_key_stays_and_a_key_may_revoke_itself_when_another_writes(
    app: &TestApp,
) {
    let (id, key) = register(app, "州政府办公室").await;
    let _reader = add_key(app, &id, &key, "档案室", true).await;
    let first = format!("/v1/registers/{id}/keys/first");

    let last = send(app, Method::DELETE, &first, Some(&key), None).await;
    assert_problem(last, 409, "conflict", &["last key that writes"]).await;
    let successor = add_key(app, &id, &key, "办公室主任", false).await;
    let itself = send(app, Method::DELETE, &first, Some(&key), None).await;
    assert_eq!(
        itself.status(),
        StatusCode::NO_CONTENT,
        "a key revokes itself"
    );
    let gone = send(
        app,
        Method::GET,
        &format!("/v1/registers/{id}/matters"),
        Some(&key),
        None,
    )
    .await;
    assert_problem(gone, 403, "forbidden", &[]).await;
    let none = send(
        app,
        Method::DELETE,
        &format!("/v1/registers/{id}/keys/nobody"),
        Some(&successor),
        None,
    )
    .await;
    assert_problem(none, 404, "not-found", &["label"]).await;
    let bad = send(
        app,
        Method::POST,
        &format!("/v1/registers/{id}/keys"),
        Some(&successor),
        Some(&json!({"label": "a/b"})),
    )
    .await;
    assert_problem(bad, 400, "invalid-body", &["label"]).await;
    let bad = send(
        app,
        Method::POST,
        &format!("/v1/registers/{id}/keys"),
        Some(&successor),
        Some(&json!({"label": "x", "admin": true})),
    )
    .await;
    assert_problem(bad, 400, "invalid-body", &["label"]).await;
}

pub async fn the_calendar_token_opens_the_feed_alone_and_no_key_opens_the_feed(app: &TestApp) {
    let (id, key) = register(app, "州政府办公室").await;
    let (other, other_key) = register(app, "县办").await;
    let (token, url) = calendar_token(app, &id, &key).await;
    let (other_token, _) = calendar_token(app, &other, &other_key).await;
    let matters = format!("/v1/registers/{id}/matters");

    let feed = send(app, Method::GET, &url, None, None).await;
    assert_eq!(feed.status(), StatusCode::OK, "the token opens the feed");
    // The token on the API: no key there, whether as the bearer or as `token=`.
    let as_bearer = send(app, Method::GET, &matters, Some(&token), None).await;
    assert_problem(as_bearer, 403, "forbidden", &[]).await;
    let as_query = send(
        app,
        Method::GET,
        &format!("{matters}?token={token}"),
        None,
        None,
    )
    .await;
    let as_query = assert_problem(as_query, 400, "unknown-parameter", &["token"]).await;
    assert!(
        !as_query.to_string().contains(&token),
        "the token is not repeated: {as_query}"
    );
    let write = send(
        app,
        Method::POST,
        &format!("/v1/registers/{id}/calendar-token"),
        Some(&token),
        None,
    )
    .await;
    assert_problem(write, 403, "forbidden", &[]).await;
    // A key in the feed's address, another register's token, another register: one answer.
    let calendar = |id: &str, token: &str| format!("/v1/registers/{id}/calendar.ics?token={token}");
    let with_key = send(app, Method::GET, &calendar(&id, &key), None, None).await;
    let with_key = assert_problem(with_key, 403, "forbidden", &["calendar"]).await;
    let crossed = send(app, Method::GET, &calendar(&id, &other_token), None, None).await;
    assert_eq!(
        assert_problem(crossed, 403, "forbidden", &[]).await,
        with_key
    );
    let nowhere = send(app, Method::GET, &calendar("nosuch", &token), None, None).await;
    assert_eq!(
        assert_problem(nowhere, 403, "forbidden", &[]).await,
        with_key
    );
    assert!(
        !with_key.to_string().contains(&key),
        "no key in an answer: {with_key}"
    );
    let without = send(
        app,
        Method::GET,
        &format!("/v1/registers/{id}/calendar.ics"),
        Some(&key),
        None,
    )
    .await;
    assert_problem(without, 400, "missing-parameter", &["token"]).await;

    // A new token replaces the old; a revoked one opens nothing; the key is untouched.
    let (renewed, renewed_url) = calendar_token(app, &id, &key).await;
    let old = send(app, Method::GET, &url, None, None).await;
    assert_problem(old, 403, "forbidden", &[]).await;
    assert_eq!(
        send(app, Method::GET, &renewed_url, None, None)
            .await
            .status(),
        StatusCode::OK
    );
    let revoked = send(
        app,
        Method::DELETE,
        &format!("/v1/registers/{id}/calendar-token"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let after = send(app, Method::GET, &calendar(&id, &renewed), None, None).await;
    assert_problem(after, 403, "forbidden", &[]).await;
    assert_eq!(
        send(app, Method::GET, &matters, Some(&key), None)
            .await
            .status(),
        StatusCode::OK,
        "the key still opens the register"
    );
}

/// The lines of an iCalendar text, unfolded.
fn unfolded(text: &str) -> Vec<String> {
    text.replace("\r\n ", "")
        .split("\r\n")
        .map(str::to_owned)
        .collect()
}

pub async fn the_feed_shows_each_open_matter_on_its_due_date_and_follows_its_changes(
    app: &TestApp,
) {
    let (id, key) = register(app, "州政府办公室").await;
    let matters = format!("/v1/registers/{id}/matters");
    let add = |body: Value| {
        let (app, matters, key) = (app, matters.clone(), key.clone());
        async move {
            let response = send(app, Method::POST, &matters, Some(&key), Some(&body)).await;
            assert_eq!(response.status(), StatusCode::CREATED, "a matter is kept");
            response.json::<Value>().await.expect("JSON")
        }
    };
    // 7 working days from Wed 2026-09-30 on the national calendar: 10-01..10-07 are 国庆's
    // days off (holidays/cn/2026.json) and Saturday 10-10 a makeup working day, so 10-08 (Thu)
    // 1, 10-09 2, 10-10 3, 10-12..10-15 (Mon-Thu) 4-7: due Thursday 2026-10-15, at its end,
    // 24:00 Beijing time.
    let countersign = add(matter("克政办发〔2026〕88号", "会签意见", "2026-09-30")).await;
    assert_eq!(countersign["due_date"], "2026-10-15");
    assert_eq!(countersign["due_at"], "2026-10-16T00:00:00+08:00");
    // Across 2027's 国庆, whose notice is not in: provisional.
    let provisional = add(matter("克政办发〔2027〕5号", "年度总结", "2027-09-29")).await;
    assert_eq!(provisional["provisional"], true, "{provisional}");
    let done = add(matter("克政办发〔2026〕1号", "已办结的事项", "2026-09-30")).await;
    let done_id = done["id"].as_str().expect("an id");
    let completed = send(
        app,
        Method::POST,
        &format!("{matters}/{done_id}/complete"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(completed.status(), StatusCode::OK);
    let (_, url) = calendar_token(app, &id, &key).await;

    // Act
    let response = send(app, Method::GET, &format!("{url}&lang=zh"), None, None).await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8"
    );
    assert_eq!(
        response.headers()[header::CACHE_CONTROL],
        "private, no-store"
    );
    let text = response.text().await.expect("text");
    assert!(
        text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"),
        "{text}"
    );
    for line in text.split_terminator("\r\n") {
        assert!(!line.contains('\n'), "CRLF alone ends a line: {line:?}");
        assert!(line.len() <= 75, "folded at 75 octets: {line:?}");
    }
    let lines = unfolded(&text);
    assert!(
        lines.contains(&"X-WR-CALNAME:州政府办公室 督办台账".to_owned()),
        "{text}"
    );
    assert_eq!(
        lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(),
        2,
        "the two open matters: {text}"
    );
    assert!(
        !text.contains("已办结的事项"),
        "a completed matter is not shown"
    );
    let uid = format!(
        "UID:matter-{id}-{}@qixian",
        countersign["id"].as_str().expect("an id")
    );
    let at = lines
        .iter()
        .position(|l| *l == uid)
        .expect("the countersign's event");
    let event: Vec<&str> = lines[at..]
        .iter()
        .take_while(|l| *l != "END:VEVENT")
        .map(String::as_str)
        .collect();
    for expected in [
        "SEQUENCE:1000",
        "DTSTART;VALUE=DATE:20261015",
        "DTEND;VALUE=DATE:20261016",
        "SUMMARY:【克政办发〔2026〕88号】截止：会签意见",
        "DESCRIPTION:文号：克政办发〔2026〕88号\\n事由：会签意见\\n来文单位：州发改委\\n承办人：王\\n截止：北京时间2026年10月15日24:00",
        // The reminder a single deadline's event has: 09:00 of the working day before (Wed
        // 10-14), 15 hours before the due day's 00:00.
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT15H",
    ] {
        assert!(event.contains(&expected), "{expected} in {event:#?}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l == "SUMMARY:【克政办发〔2027〕5号】截止：年度总结（暂定）"),
        "a provisional due date is marked: {text}"
    );

    // A changed subject: the same event (its UID), a later sequence.
    let one = format!("{matters}/{}", countersign["id"].as_str().expect("an id"));
    let edited = send(
        app,
        Method::POST,
        &one,
        Some(&key),
        Some(&matter(
            "克政办发〔2026〕88号",
            "会签意见（修改）",
            "2026-09-30",
        )),
    )
    .await;
    assert_eq!(edited.status(), StatusCode::OK);
    let again = unfolded(
        &send(app, Method::GET, &url, None, None)
            .await
            .text()
            .await
            .expect("text"),
    );
    let at = again
        .iter()
        .position(|l| *l == uid)
        .expect("the same event");
    let event: Vec<&str> = again[at..]
        .iter()
        .take_while(|l| *l != "END:VEVENT")
        .map(String::as_str)
        .collect();
    assert!(event.contains(&"SEQUENCE:2000"), "{event:#?}");
}

#[tokio::test]
async fn a_register_on_sqlite_every_key_that_is_not_a_writing_key_of_the_register_is_refused_a_write()
 {
    every_key_that_is_not_a_writing_key_of_the_register_is_refused_a_write(&app().await).await;
}

#[tokio::test]
async fn a_register_on_sqlite_the_last_writing_key_stays_and_a_key_may_revoke_itself_when_another_writes()
 {
    the_last_writing_key_stays_and_a_key_may_revoke_itself_when_another_writes(&app().await).await;
}

#[tokio::test]
async fn a_register_on_sqlite_the_calendar_token_opens_the_feed_alone_and_no_key_opens_the_feed() {
    the_calendar_token_opens_the_feed_alone_and_no_key_opens_the_feed(&app().await).await;
}

#[tokio::test]
async fn a_register_on_sqlite_the_feed_shows_each_open_matter_on_its_due_date_and_follows_its_changes()
 {
    the_feed_shows_each_open_matter_on_its_due_date_and_follows_its_changes(&app().await).await;
}

/// The same on PostgreSQL at `QIXIAN_TEST_DATABASE_URL` (migration 2 included), one after the
/// other on one server (each makes registers of its own).
#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn a_register_on_postgresql_keeps_its_keys_and_calendar_token() {
    let url = fresh_database(&test_database_url()).await;
    let app = spawn_app_with(&[("QIXIAN_ADMIN_TOKEN", ADMIN), ("QIXIAN_DATABASE_URL", &url)]).await;
    every_key_that_is_not_a_writing_key_of_the_register_is_refused_a_write(&app).await;
    the_last_writing_key_stays_and_a_key_may_revoke_itself_when_another_writes(&app).await;
    the_calendar_token_opens_the_feed_alone_and_no_key_opens_the_feed(&app).await;
    the_feed_shows_each_open_matter_on_its_due_date_and_follows_its_changes(&app).await;
}

#[tokio::test]
async fn a_key_over_its_rate_is_answered_429_with_retry_after_and_others_are_not_held() {
    // One a second, three at once.
    let app = spawn_app_with(&[
        ("QIXIAN_ADMIN_TOKEN", ADMIN),
        ("QIXIAN_REGISTER_RATE", "1"),
        ("QIXIAN_REGISTER_BURST", "3"),
    ])
    .await;
    let (id, key) = register(&app, "州政府办公室").await;
    let matters = format!("/v1/registers/{id}/matters");
    // The key added is the first of the burst of `key`.
    let other = add_key(&app, &id, &key, "王", false).await;
    for n in 2..=3 {
        let ok = send(&app, Method::GET, &matters, Some(&key), None).await;
        assert_eq!(ok.status(), StatusCode::OK, "request {n} of the burst");
    }

    let over = send(&app, Method::GET, &matters, Some(&key), None).await;

    assert_eq!(
        over.headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()),
        Some("1"),
        "one request a second: the next in a second"
    );
    assert_problem(over, 429, "too-many-requests", &["1 s"]).await;
    let others = send(&app, Method::GET, &matters, Some(&other), None).await;
    assert_eq!(
        others.status(),
        StatusCode::OK,
        "another key has its own bucket"
    );
}

#[tokio::test]
async fn register_routes_answer_browsers_of_configured_origins_only() {
    const OA: &str = "https://oa.example.gov.cn";
    let app = spawn_app_with(&[
        ("QIXIAN_ADMIN_TOKEN", ADMIN),
        ("QIXIAN_REGISTER_CORS_ORIGINS", OA),
    ])
    .await;
    let (id, key) = register(&app, "州政府办公室").await;
    let matters = format!("{}/v1/registers/{id}/matters", app.address);
    let from = |origin: &str| {
        app.client
            .get(&matters)
            .bearer_auth(&key)
            .header(header::ORIGIN, origin)
    };
    let allow_origin = |r: &Response| {
        r.headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(|v| v.to_str().expect("text").to_owned())
    };

    let allowed = from(OA).send().await.expect("an answer");
    assert_eq!(allowed.status(), StatusCode::OK);
    assert_eq!(allow_origin(&allowed).as_deref(), Some(OA));
    let preflight = app
        .client
        .request(Method::OPTIONS, &matters)
        .header(header::ORIGIN, OA)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization, content-type",
        )
        .send()
        .await
        .expect("an answer");
    assert_eq!(
        preflight.status(),
        StatusCode::OK,
        "the OA page may send its key"
    );
    assert_eq!(allow_origin(&preflight).as_deref(), Some(OA));

    // An origin the public API allows (`*`) is refused on a register's routes.
    let denied = from("https://elsewhere.example")
        .send()
        .await
        .expect("an answer");
    assert_eq!(allow_origin(&denied), None);
    assert_problem(denied, 400, "bad-request", &["Origin is not allowed"]).await;
    let public = app
        .client
        .get(format!("{}/v1/calendars", app.address))
        .header(header::ORIGIN, "https://elsewhere.example")
        .send()
        .await
        .expect("an answer");
    assert_eq!(
        allow_origin(&public).as_deref(),
        Some("*"),
        "the public routes keep theirs"
    );

    // The service's own page: its POST carries its own origin, which is no cross-origin call.
    let own = app
        .client
        .post(&matters)
        .bearer_auth(&key)
        .header(header::ORIGIN, &app.address)
        .json(&matter("克政办发〔2026〕88号", "会签意见", "2026-09-30"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(own.status(), StatusCode::CREATED, "the same origin writes");
}

#[tokio::test]
async fn no_key_or_token_appears_in_the_logs() {
    use std::io::{BufRead, BufReader, Read};
    // Arrange — the binary, every request logged and every event down to debug.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qixian"))
        .env("QIXIAN_ADDR", "127.0.0.1:0")
        .env("QIXIAN_LOG_FORMAT", "text")
        .env("QIXIAN_ACCESS_LOG", "all")
        .env("QIXIAN_WORKERS", "1")
        .env("QIXIAN_ADMIN_TOKEN", ADMIN)
        .env("QIXIAN_REGISTER_RATE", "1")
        .env("QIXIAN_REGISTER_BURST", "5")
        .env("RUST_LOG", "debug")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut out = BufReader::new(child.stdout.take().expect("its output"));
    let mut first = String::new();
    let port = loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).expect("a line") > 0,
            "the server says where: {first}"
        );
        first.push_str(&line);
        if let Some(port) = line.split("port=").nth(1) {
            break port.split_whitespace().next().expect("a port").to_owned();
        }
    };
    let app = TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("a client"),
    };

    // Act — keys and tokens in every place a request can carry them, refused and accepted.
    let (id, key) = register(&app, "州政府办公室").await;
    let clerk = add_key(&app, &id, &key, "王", true).await;
    let (token, url) = calendar_token(&app, &id, &key).await;
    let matters = format!("/v1/registers/{id}/matters");
    let written = matter("x", "会签意见", "2026-09-30");
    for (who, body) in [(&key, &written), (&clerk, &written)] {
        let _ = send(&app, Method::POST, &matters, Some(who), Some(body)).await;
    }
    let asked: [(String, Option<&str>); 7] = [
        (url.clone(), None),
        (format!("{url}&token={token}"), None),
        (format!("/v1/registers/{id}/calendar.ics?token={key}"), None),
        (format!("{matters}?token={token}"), Some(&key)),
        (format!("{matters}?q={key}"), Some(&token)),
        (format!("/v1/registers/{key}/matters"), Some(&key)),
        (format!("/v1/nosuch?token={token}"), None),
    ];
    for (path, bearer) in &asked {
        let _ = send(&app, Method::GET, path, *bearer, None).await;
    }
    for _ in 0..8 {
        let _ = send(&app, Method::GET, &matters, Some(&key), None).await;
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().expect("stopped");
    child.wait().expect("reaped");
    let mut rest = String::new();
    out.read_to_string(&mut rest)
        .expect("the rest of the output");
    let mut errors = String::new();
    child
        .stderr
        .take()
        .expect("its errors")
        .read_to_string(&mut errors)
        .expect("the error output");

    // Assert
    let all = format!("{first}{rest}{errors}");
    assert!(
        all.contains("qixian::access"),
        "the requests were logged: {all}"
    );
    assert!(
        all.contains("status=429"),
        "the rate was passed and logged: {all}"
    );
    for (what, secret) in [
        ("the key", &key),
        ("the clerk's key", &clerk),
        ("the calendar token", &token),
        ("the admin token", &ADMIN.to_owned()),
    ] {
        // Half of one is enough to give it away.
        let half = &secret[..secret.len() / 2];
        assert!(!all.contains(half), "{what} appears in the logs:\n{all}");
    }
}
