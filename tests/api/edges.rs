//! The places where a new user stumbles: a mistyped parameter, a spreadsheet that reads only
//! the text, a date written the Chinese way, a date-time without an offset, an OA export as a
//! batch. Each answer is either right or a problem that says what to do — never a silent
//! wrong date.

use reqwest::{Method, header};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, ok_json, query, spawn_app, spawn_app_with};

async fn text(response: reqwest::Response) -> String {
    let status = response.status();
    let body = response.text().await.expect("a body");
    assert_eq!(status, 200, "expected 200, got {status}: {body}");
    body
}

// ---- 1. parameters a route does not take ---------------------------------------------------

#[tokio::test]
async fn a_mistyped_parameter_is_a_400_naming_it_and_the_one_meant() {
    // Arrange — the mistakes seen: each was silently ignored, and the answer was wrong.
    let app = spawn_app().await;
    let cases = [
        (
            "/v1/days/2026-05-27?calender=cn&format=text",
            "calender",
            "calendar",
        ),
        (
            "/v1/deadlines?rule=countersign-reply&event=2026-10-08T23:30&timezon=Asia/Urumqi",
            "timezon",
            "timezone",
        ),
        (
            "/v1/deadlines?rule=countersign-reply&event=2026-09-30&asof=2026-10-19",
            "asof",
            "as_of",
        ),
        (
            "/v1/workdays/add?start=2026-09-30&days=7&formt=text",
            "formt",
            "format",
        ),
        (
            "/v1/workdays/add?start=2027-01-29&days=5&strickt=true",
            "strickt",
            "strict",
        ),
    ];
    for (path, given, meant) in cases {
        // Act
        let response = app.get(path).await;

        // Assert
        assert_problem(
            response,
            400,
            "unknown-parameter",
            &[
                &format!("parameter {given} is not known"),
                &format!("did you mean {meant}?"),
            ],
        )
        .await;
    }
}

#[tokio::test]
async fn every_route_refuses_a_parameter_it_does_not_take_but_takes_an_underscore() {
    // Arrange — one plain request per route, and the same with a cache-buster and a stranger.
    let app = spawn_app().await;
    let paths = [
        "/healthz",
        "/readyz",
        "/metrics",
        "/openapi.yaml",
        "/v1/calendars",
        "/v1/calendars/cn",
        "/v1/calendars/cn/days?year=2026",
        "/v1/calendars/cn/holidays.ics?year=2026",
        "/v1/days?from=2026-10-01&to=2026-10-02",
        "/v1/days/2026-10-01",
        "/v1/workdays/add?start=2026-10-01&days=1",
        "/v1/workdays/count?from=2026-10-01&to=2026-10-09",
        "/v1/rules",
        "/v1/rules/countersign-reply",
        "/v1/deadlines?rule=countersign-reply&event=2026-09-30",
    ];
    for path in paths {
        let joiner = if path.contains('?') { '&' } else { '?' };

        // Act
        let busted = app.get(&format!("{path}{joiner}_=1764400000123")).await;
        let stranger = app.get(&format!("{path}{joiner}colour=red")).await;

        // Assert
        assert_eq!(busted.status(), 200, "{path} with _= is answered");
        assert_problem(stranger, 400, "unknown-parameter", &["colour"]).await;
    }
}

#[tokio::test]
async fn a_query_is_read_whole_before_the_calendar_is_asked() {
    // Arrange — dates the calendar does not hold (422 out-of-range when asked), with a `strict`
    // that is no flag: the query is refused for it first, on every route that takes both.
    let app = spawn_app().await;
    let paths = [
        "/v1/days?from=1999-12-01&to=1999-12-31&strict=maybe",
        "/v1/days/1999-12-31?strict=maybe",
        "/v1/workdays/add?start=1999-12-31&days=1&strict=maybe",
        "/v1/workdays/count?from=1999-12-01&to=2000-01-31&strict=maybe",
    ];
    for path in paths {
        // Act
        let response = app.get(path).await;

        // Assert
        assert_problem(response, 400, "invalid-parameter", &["strict", "maybe"]).await;
    }
}

#[tokio::test]
async fn ids_and_zone_names_are_read_in_any_case_and_an_unknown_one_names_the_closest() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let upper = ok_json(
        app.get_deadline(&[
            ("rule", "COUNTERSIGN-REPLY"),
            ("calendar", "CN-XJ"),
            ("timezone", "asia/urumqi"),
            ("event", "2026-09-30"),
            ("explain", "false"),
        ])
        .await,
    )
    .await;
    let near = app
        .get_day("2026-10-01", &[("calendar", "cn-xj-kizilsy")])
        .await;
    let zone = app
        .get_deadline(&[
            ("rule", "countersign-reply"),
            ("event", "2026-09-30"),
            ("timezone", "Asia/Urumchi"),
        ])
        .await;

    // Assert — the canonical names come back.
    assert_eq!(
        (&upper["rule"], &upper["calendar"], &upper["timezone"]),
        (
            &json!("kizilsu/countersign-reply"),
            &json!("cn-xj"),
            &json!("Asia/Urumqi")
        ),
        "{upper}"
    );
    assert_problem(
        near,
        400,
        "unknown-calendar",
        &["did you mean cn-xj-kizilsu?"],
    )
    .await;
    assert_problem(
        zone,
        400,
        "unknown-timezone",
        &["did you mean Asia/Urumqi?"],
    )
    .await;
}

// ---- 2. what a text answer carries ---------------------------------------------------------

#[tokio::test]
async fn field_puts_provisional_beside_a_date_in_a_spreadsheet_cell() {
    // Arrange — a countersign requested 2026-12-28 runs into 2027, not yet published.
    let app = spawn_app().await;
    let deadline = |extra: &[(&str, &str)]| {
        let mut pairs = vec![
            ("rule", "countersign-reply"),
            ("event", "2026-12-28"),
            ("format", "text"),
        ];
        pairs.extend_from_slice(extra);
        format!("/v1/deadlines?{}", query(&pairs))
    };

    // Act
    let date = text(app.get(&deadline(&[])).await).await;
    let provisional = text(app.get(&deadline(&[("field", "provisional")])).await).await;
    let state = text(
        app.get(&deadline(&[("field", "state"), ("as_of", "2027-01-04")]))
            .await,
    )
    .await;
    let left = text(
        app.get(&deadline(&[
            ("field", "working_days_left"),
            ("as_of", "2027-01-04"),
        ]))
        .await,
    )
    .await;
    let published = text(
        app.get(
            "/v1/deadlines?rule=countersign-reply&event=2026-09-30&format=text&field=provisional",
        )
        .await,
    )
    .await;

    // Assert — 12/29, 12/30, 12/31, then 2027: 1/1 is 元旦 (estimated), 1/4–1/7 → due 2027-01-07.
    assert_eq!(date, "2027-01-07", "the due date is the default");
    assert_eq!(provisional, "1", "2027 is not published");
    assert_eq!(published, "0", "a deadline inside 2026 is final");
    assert_eq!(state, "pending");
    assert_eq!(left, "3", "1/5, 1/6, 1/7 are left after 1/4");
}

#[tokio::test]
async fn field_is_refused_where_it_cannot_answer() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let no_as_of = app
        .get("/v1/deadlines?rule=countersign-reply&event=2026-09-30&format=text&field=state")
        .await;
    let json_answer = app
        .get("/v1/workdays/add?start=2026-09-30&days=7&format=json&field=provisional")
        .await;
    let implied = app
        .get("/v1/workdays/add?start=2026-09-30&days=7&field=provisional")
        .await;
    let unknown = app
        .get("/v1/workdays/add?start=2026-09-30&days=7&format=text&field=due_date")
        .await;

    // Assert
    assert_problem(no_as_of, 400, "invalid-parameter", &["state", "as_of"]).await;
    assert_problem(json_answer, 400, "invalid-parameter", &["format=text"]).await;
    assert_eq!(
        text(implied).await,
        "0",
        "field alone asks for the text answer"
    );
    assert_problem(unknown, 400, "invalid-parameter", &["date, provisional"]).await;
}

#[tokio::test]
async fn the_text_fields_of_a_day_and_of_the_workday_routes() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let name = text(
        app.get("/v1/days/2026-10-10?calendar=cn&format=text&field=name")
            .await,
    )
    .await;
    let kind = text(
        app.get("/v1/days/2026-10-10?calendar=cn&format=text&field=kind")
            .await,
    )
    .await;
    let estimated = text(
        app.get("/v1/days/2027-10-01?calendar=cn&format=text&field=estimated")
            .await,
    )
    .await;
    let add = text(
        app.get(
            "/v1/workdays/add?start=2027-01-29&days=5&calendar=cn&format=text&field=provisional",
        )
        .await,
    )
    .await;
    let count = text(
        app.get("/v1/workdays/count?from=2026-01-01&to=2026-12-31&calendar=cn&format=text&field=provisional")
            .await,
    )
    .await;

    // Assert
    assert_eq!((name.as_str(), kind.as_str()), ("国庆节", "makeup_workday"));
    assert_eq!(estimated, "1", "国庆节 2027 is estimated");
    assert_eq!(add, "1", "the count crosses into 2027");
    assert_eq!(count, "0", "2026 is published");
}

// ---- 4. the clock an event is read on ------------------------------------------------------

#[tokio::test]
async fn a_deadline_says_how_it_read_the_event() {
    // Arrange
    let app = spawn_app().await;
    let read = |event: &'static str, extra: &'static [(&'static str, &'static str)]| {
        let app = &app;
        async move {
            let mut pairs = vec![
                ("rule", "countersign-reply"),
                ("event", event),
                ("explain", "false"),
            ];
            pairs.extend_from_slice(extra);
            ok_json(app.get_deadline(&pairs).await).await
        }
    };

    // Act
    let offset = read("2026-10-08T23:30:00+06:00", &[]).await;
    let local = read("2026-10-08T23:30", &[]).await;
    let urumqi = read("2026-10-08T23:30", &[("event_timezone", "Asia/Urumqi")]).await;
    let date = read("2026-10-08", &[]).await;

    // Assert — 23:30 in Urumqi is 01:30 on the 9th in Beijing: a day later, so due a day later.
    assert_eq!(offset["event_read_as"], "+06:00");
    assert_eq!(offset["event_at"], "2026-10-09T01:30:00+08:00");
    assert_eq!(offset["event_date"], "2026-10-09");
    assert_eq!(
        local["event_read_as"], "Asia/Shanghai",
        "read on the counting clock"
    );
    assert_eq!(local["event_date"], "2026-10-08");
    assert_eq!(urumqi["event_read_as"], "Asia/Urumqi");
    assert_eq!(urumqi["event_at"], "2026-10-09T01:30:00+08:00");
    assert_eq!(
        (&urumqi["event_date"], &urumqi["due_date"]),
        (&json!("2026-10-09"), &json!("2026-10-19")),
        "from 10/9: 10/10 (makeup), 10/12–16, 10/19"
    );
    assert_eq!(local["due_date"], "2026-10-16", "from 10/8, a day earlier");
    assert_eq!(
        (&date["event_read_as"], &date["event_at"]),
        (&json!("date"), &Value::Null)
    );
}

// ---- 5. dates as Chinese spreadsheets write them -------------------------------------------

#[tokio::test]
async fn dates_written_with_slashes_or_single_digits_are_the_same_date_everywhere() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let mut forms: Vec<Value> = Vec::new();
    for start in ["2026-06-15", "2026/6/15", "2026/06/15", "2026-6-15"] {
        forms.push(ok_json(app.add_workdays(&[("start", start), ("days", "1")]).await).await);
    }
    let path = ok_json(app.get_day("2026-6-15", &[]).await).await;
    let body = ok_json(
        app.post_deadline(
            &json!({"rule": "countersign-reply", "event": "2026/9/30 18:00", "explain": false}),
        )
        .await,
    )
    .await;
    let csv = app
        .request(
            Method::POST,
            "/v1/deadlines/batch?format=json",
            Some(b"rule,event\ncountersign-reply,2026/9/30\n".to_vec()),
            Some("text/csv"),
        )
        .await;

    // Assert
    for answer in &forms {
        assert_eq!(
            (&answer["start"], &answer["date"]),
            (&json!("2026-06-15"), &json!("2026-06-16")),
            "every form is 2026-06-15: {answer}"
        );
    }
    assert_eq!(path["date"], "2026-06-15");
    assert_eq!(body["due_date"], "2026-10-15");
    let csv = ok_json(csv).await;
    assert_eq!(
        csv["results"][0]["deadline"]["due_date"], "2026-10-15",
        "{csv}"
    );
}

#[tokio::test]
async fn an_offset_whose_plus_became_a_space_says_write_percent_2b() {
    // Arrange — the + of +08:00 not encoded: a query string reads it as a space.
    let app = spawn_app().await;

    // Act
    let response = app
        .get("/v1/deadlines?rule=countersign-reply&event=2026-10-09T01:30:00+08:00")
        .await;

    // Assert
    assert_problem(response, 400, "invalid-event", &["%2B"]).await;
}

// ---- 6. batches from a real OA export ------------------------------------------------------

#[tokio::test]
async fn two_documents_with_the_same_rule_and_date_are_two_calendar_events() {
    // Arrange
    let app = spawn_app().await;
    let uid = |id: &'static str| {
        let app = &app;
        async move {
            let body = text(
                app.get(&format!(
                    "/v1/deadlines?rule=countersign-reply&event=2026-09-30&format=ics&{}",
                    query(&[("id", id)])
                ))
                .await,
            )
            .await;
            body.replace("\r\n ", "")
                .lines()
                .find_map(|l| l.strip_prefix("UID:").map(str::to_owned))
                .expect("a UID")
        }
    };

    // Act
    let (first, second) = (
        uid("克政办发〔2026〕12号").await,
        uid("克政办发〔2026〕13号").await,
    );

    // Assert
    assert_ne!(first, second, "each document is its own event");
    assert!(first.ends_with("@qixian"), "{first}");
}

#[tokio::test]
async fn a_csv_batch_with_as_of_answers_each_rows_status() {
    // Arrange
    let app = spawn_app().await;
    let body = "id,rule,event,as_of\r\nA,countersign-reply,2026-09-30,2026-10-19\r\nB,countersign-reply,2026-09-30,2026-10-09\r\n";

    // Act
    let response = app
        .request(
            Method::POST,
            "/v1/deadlines/batch",
            Some(body.as_bytes().to_vec()),
            Some("text/csv"),
        )
        .await;

    // Assert — due 2026-10-15: on 10/19 overdue by 10/16 and 10/19; on 10/9, 5 days left.
    let answer = text(response).await;
    let lines: Vec<&str> = answer.split("\r\n").collect();
    assert!(
        lines[0].ends_with(",error_code,error,state,working_days_left,consequence"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("1,A,true,"), "{}", lines[1]);
    assert!(
        lines[1].ends_with(",,,overdue,-2,deemed_no_objection"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].ends_with(",,,pending,5,deemed_no_objection"),
        "what silence will mean, while the period runs: {}",
        lines[2]
    );
}

#[tokio::test]
async fn a_batch_without_content_type_or_as_a_bare_array_is_told_what_to_send() {
    // Arrange
    let app = spawn_app().await;
    let items = br#"[{"rule": "countersign-reply", "event": "2026-09-30"}]"#.to_vec();

    // Act
    let untyped = app
        .request(
            Method::POST,
            "/v1/deadlines/batch",
            Some(items.clone()),
            None,
        )
        .await;
    let bare = app
        .request(
            Method::POST,
            "/v1/deadlines/batch",
            Some(items),
            Some("application/json"),
        )
        .await;
    let gzipped = app
        .client
        .post(format!("{}/v1/deadlines/batch", app.address))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_ENCODING, "gzip")
        .body(vec![0x1f, 0x8b, 8, 0])
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_problem(
        untyped,
        415,
        "unsupported-media-type",
        &["no Content-Type", "{\"items\""],
    )
    .await;
    assert_problem(
        bare,
        400,
        "invalid-body",
        &["bare JSON array", "{\"items\": [...]}"],
    )
    .await;
    assert_problem(
        gzipped,
        415,
        "unsupported-media-type",
        &["Content-Encoding"],
    )
    .await;
}

// ---- 12. small things users hit ------------------------------------------------------------

#[tokio::test]
async fn today_and_now_are_read_on_the_calendars_clock() {
    // Arrange
    let app = spawn_app().await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        .to_string();

    // Act
    let day = app.get_day("today", &[]).await;
    let etag = day.headers().get(header::ETAG).cloned();
    let day = ok_json(day).await;
    let add = ok_json(app.add_workdays(&[("start", "TODAY"), ("days", "0")]).await).await;
    let deadline = ok_json(
        app.get_deadline(&[
            ("rule", "countersign-reply"),
            ("event", "now"),
            ("as_of", "today"),
        ])
        .await,
    )
    .await;

    // Assert — compared with the date read just before (a run across midnight would differ).
    assert_eq!(day["date"], today.as_str());
    assert_eq!(add["start"], today.as_str());
    assert_eq!(deadline["event_date"], today.as_str());
    assert_eq!(deadline["status"]["as_of_date"], today.as_str());
    assert_eq!(etag, None, "an answer about today is not given an ETag");
}

#[tokio::test]
async fn roll_none_gives_excels_answer_for_zero_days_from_a_rest_day() {
    // Arrange — Sunday 2026-06-14.
    let app = spawn_app().await;

    // Act
    let ours = ok_json(
        app.add_workdays(&[("start", "2026-06-14"), ("days", "0"), ("calendar", "cn")])
            .await,
    )
    .await;
    let excel = ok_json(
        app.add_workdays(&[
            ("start", "2026-06-14"),
            ("days", "0"),
            ("calendar", "cn"),
            ("roll", "none"),
        ])
        .await,
    )
    .await;
    let one = ok_json(
        app.add_workdays(&[
            ("start", "2026-06-14"),
            ("days", "1"),
            ("calendar", "cn"),
            ("roll", "none"),
        ])
        .await,
    )
    .await;

    // Assert
    assert_eq!(ours["date"], "2026-06-15", "the next working day");
    assert_eq!(excel["date"], "2026-06-14", "the start unchanged");
    assert_eq!(one["date"], "2026-06-15", "roll changes only days=0");
}

#[tokio::test]
async fn a_mistyped_path_under_v1_lists_the_routes() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.get("/v1/workday/add?start=2026-09-30&days=7").await;

    // Assert
    assert_problem(
        response,
        404,
        "not-found",
        &["did you mean /v1/workdays/add?", "/v1/deadlines/batch"],
    )
    .await;
}

#[test]
fn help_and_version_print_and_exit() {
    let binary = env!("CARGO_BIN_EXE_qixian");
    let run = |flag: &str| {
        let out = std::process::Command::new(binary)
            .arg(flag)
            // An address that cannot be bound: a start-up would fail, not serve.
            .env("QIXIAN_ADDR", "256.0.0.1:1")
            .output()
            .expect("the binary runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (status, help) = run("--help");
    assert_eq!(status, Some(0), "{help}");
    assert!(
        help.contains("QIXIAN_FEED_URL"),
        "the settings are listed: {help}"
    );
    let (status, version) = run("--version");
    assert_eq!(status, Some(0));
    assert_eq!(
        version.trim(),
        format!("qixian {}", env!("CARGO_PKG_VERSION"))
    );
    let (status, _) = run("--serve");
    assert_eq!(status, Some(2), "an unknown argument is refused");
}

// ---- 2. next year's notice -----------------------------------------------------------------

#[tokio::test]
async fn readiness_warns_of_the_notices_nothing_configured_will_bring() {
    // Arrange
    let app = spawn_app().await;
    let with_feed = spawn_app_with(&[("QIXIAN_FEED_URL", "http://127.0.0.1:9/")]).await;

    // Act
    let ready = ok_json(app.get("/readyz").await).await;
    let fed = ok_json(with_feed.get("/readyz").await).await;
    let calendars = ok_json(app.get_calendars().await).await;

    // Assert — whatever today is: each warning is for this year or the next, and names a layer
    // whose notice for that year is missing.
    let this_year = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y")
        .to_string()
        .parse::<i64>()
        .expect("a year");
    let awaited = ready["awaiting_notices"].as_array().expect("a list");
    let national = calendars
        .as_array()
        .and_then(|list| list.iter().find(|c| c["id"] == "cn"))
        .expect("cn");
    for notice in awaited {
        let year = notice["year"].as_i64().expect("a year");
        assert!(year == this_year || year == this_year + 1, "{notice}");
        assert!(
            notice["message"]
                .as_str()
                .is_some_and(|m| m.contains("provisional")),
            "{notice}"
        );
        if notice["layer"] == "cn" {
            let status = &national["years"][(year - 2000) as usize];
            assert_eq!(status["awaiting"], json!(["cn"]), "{status}");
        }
    }
    assert!(
        fed["awaiting_notices"]
            .as_array()
            .expect("a list")
            .iter()
            .all(|n| n["layer"] != "cn"),
        "a feed brings the national notice: {fed}"
    );
    // 2027's national notice is not embedded: until this test runs in 2028, it is awaited.
    if this_year <= 2027 {
        assert!(
            awaited
                .iter()
                .any(|n| n["year"] == 2027 && n["layer"] == "cn"),
            "{ready}"
        );
        assert!(
            national["awaiting_notices"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
        );
    }
}

#[test]
fn logs_written_to_a_pipe_have_no_colour_codes_and_one_access_line_per_request() {
    use std::io::{BufRead, BufReader, Read, Write};
    // Arrange — the binary with its output on a pipe, as under systemd or Kubernetes.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qixian"))
        .env("QIXIAN_ADDR", "127.0.0.1:0")
        .env("QIXIAN_LOG_FORMAT", "text")
        .env("QIXIAN_WORKERS", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut out = BufReader::new(child.stdout.take().expect("its output"));
    let mut first = String::new();
    let port = loop {
        first.clear();
        assert!(
            out.read_line(&mut first).expect("a line") > 0,
            "the server said where it serves"
        );
        if let Some(port) = first.split("port=").nth(1) {
            break port.split_whitespace().next().expect("a port").to_owned();
        }
    };

    // Act — one request over a plain socket, then stop.
    let mut socket = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).expect("connects");
    socket
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("sent");
    let mut answer = String::new();
    socket.read_to_string(&mut answer).expect("an answer");
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().expect("stopped");
    child.wait().expect("reaped");
    let mut rest = String::new();
    out.read_to_string(&mut rest)
        .expect("the rest of the output");

    // Assert
    let all = format!("{first}{rest}");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(!all.contains('\u{1b}'), "no escape codes in {all:?}");
    let access: Vec<&str> = all
        .lines()
        .filter(|l| l.contains("qixian::access"))
        .collect();
    assert_eq!(access.len(), 1, "{all}");
    assert!(
        access[0].contains("path=/healthz status=200"),
        "{}",
        access[0]
    );
}

#[tokio::test]
async fn an_encoded_body_is_refused_on_every_route_before_it_is_read() {
    // Arrange — a gzip bomb would be inflated whole by a framework that decoded bodies.
    let app = spawn_app().await;

    // Act
    let response = app
        .client
        .post(format!("{}/v1/deadlines", app.address))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_ENCODING, "gzip")
        .body(vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0])
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_problem(
        response,
        415,
        "unsupported-media-type",
        &["Content-Encoding \"gzip\""],
    )
    .await;
}

/// openapi.yaml bounds the texts a deadline echoes (`id`, `agreed_by`) at 256 characters;
/// the contract fuzzer found a register accepting longer ones, and `/v1/deadlines` did too. A
/// text of 256 characters (Chinese ones counted as one each) is taken; one more is refused,
/// naming the field, from the query string and from a body alike.
#[tokio::test]
async fn an_echoed_text_longer_than_256_characters_is_refused_naming_it() {
    let app = spawn_app().await;
    let at_most = "文".repeat(256);
    let too_long = "文".repeat(257);
    for field in ["id", "agreed_by"] {
        let request = |text: &str| {
            json!({
                "rule": "countersign-reply",
                "event": "2027-03-01",
                "agreed_due": "2027-03-05",
                field: text,
            })
        };
        let taken = app.post_deadline(&request(&at_most)).await;
        assert_eq!(taken.status(), 200, "{field} of 256 characters is taken");
        let refused = app.post_deadline(&request(&too_long)).await;
        assert_problem(refused, 400, "invalid-parameter", &[field, "256"]).await;
        let path = format!(
            "/v1/deadlines?{}",
            query(&[
                ("rule", "countersign-reply"),
                ("event", "2027-03-01"),
                ("agreed_due", "2027-03-05"),
                (field, &too_long),
            ])
        );
        assert_problem(app.get(&path).await, 400, "invalid-parameter", &[field]).await;
    }
}

/// A clerk's 6点 is six in the morning or in the evening: the deadline is refused, saying how
/// to write either, rather than counted from 06:00 — which would move nothing here, but a
/// deadline in hours would be off by twelve of them.
#[tokio::test]
async fn a_bare_six_oclock_is_refused_saying_morning_or_evening() {
    let app = spawn_app().await;
    let path = format!(
        "/v1/deadlines?{}",
        query(&[("rule", "countersign-reply"), ("event", "2026-09-30 6点")])
    );
    assert_problem(
        app.get(&path).await,
        400,
        "invalid-event",
        &["上午6点", "下午6点", "18点"],
    )
    .await;
    let evening = format!(
        "/v1/deadlines?{}",
        query(&[
            ("rule", "countersign-reply"),
            ("event", "2026-09-30 下午6点")
        ])
    );
    let answer = ok_json(app.get(&evening).await).await;
    assert_eq!(answer["event_at"], "2026-09-30T18:00:00+08:00");
}
