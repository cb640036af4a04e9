//! The formats other than JSON: a bare value (`format=text` or `Accept: text/plain`) for
//! spreadsheets' `WEBSERVICE()`, CSV for list answers and for batch bodies, iCalendar for the
//! holiday feed and a deadline, and a 406 problem for a format a route does not offer.
//!
//! Expected values are counted from holidays/cn/2025.json and 2026.json: 国庆节 2026 is
//! 10/1–10/7 off with Sat 10/10 a makeup working day, so 7 working days from Wed 9/30 end on
//! Thu 10/15 (10/8, 10/9, 10/10, 10/12, 10/13, 10/14, 10/15). The 2026 notice lists 33 days off
//! and 6 makeup working days; the 2025 notice 28 and 5.

use reqwest::{Method, Response, header};

use crate::helpers::{TestApp, assert_problem, content_type, ok_json, spawn_app};

/// `GET path` with an `Accept` header.
async fn get_accepting(app: &TestApp, path: &str, accept: &str) -> Response {
    app.client
        .get(format!("{}{path}", app.address))
        .header(header::ACCEPT, accept)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path} should get an answer: {e}"))
}

/// The body of a `200 OK` answer of `expected_type`; panics with the body otherwise.
async fn ok_body(response: Response, expected_type: &str) -> String {
    let status = response.status();
    let actual_type = content_type(&response);
    let body = response.text().await.expect("the body is readable");
    assert_eq!(
        status.as_u16(),
        200,
        "expected 200 OK, got {status}: {body}"
    );
    assert_eq!(
        actual_type, expected_type,
        "expected content type {expected_type:?}, body {body:?}"
    );
    body
}

const TEXT: &str = "text/plain; charset=utf-8";
const CSV: &str = "text/csv; charset=utf-8";
const ICS: &str = "text/calendar; charset=utf-8";

/// The lines of a CSV or iCalendar body, checking that every line ends with CRLF.
fn crlf_lines(body: &str) -> Vec<&str> {
    assert!(body.ends_with("\r\n"), "expected a final CRLF in {body:?}");
    assert_eq!(
        body.matches('\n').count(),
        body.matches("\r\n").count(),
        "expected CRLF line ends only in {body:?}"
    );
    body.trim_end_matches("\r\n").split("\r\n").collect()
}

// ---- text: one value, nothing else ---------------------------------------------------------

#[tokio::test]
async fn format_text_answers_workdays_add_with_the_date_alone() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .get("/v1/workdays/add?start=2026-09-30&days=7&calendar=cn&format=text")
        .await;

    // Assert
    let body = ok_body(response, TEXT).await;
    assert_eq!(
        body, "2026-10-15",
        "expected Thu 2026-10-15 and nothing else"
    );
}

#[tokio::test]
async fn accept_text_plain_answers_workdays_count_with_the_number_alone() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = get_accepting(
        &app,
        "/v1/workdays/count?from=2026-09-28&to=2026-10-10&calendar=cn",
        "text/plain",
    )
    .await;

    // Assert — 9/28–9/30, then 10/8, 10/9 and the makeup Saturday 10/10.
    let body = ok_body(response, TEXT).await;
    assert_eq!(body, "6", "expected 6 and nothing else");
}

#[tokio::test]
async fn format_text_answers_a_day_with_1_when_working_and_0_when_not() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let makeup = app.get("/v1/days/2026-10-10?calendar=cn&format=text").await;
    let national_day = app.get("/v1/days/2026-10-01?calendar=cn&format=text").await;

    // Assert
    assert_eq!(
        ok_body(makeup, TEXT).await,
        "1",
        "expected the makeup Saturday 2026-10-10 to be working"
    );
    assert_eq!(
        ok_body(national_day, TEXT).await,
        "0",
        "expected 国庆节 2026-10-01 to be off"
    );
}

#[tokio::test]
async fn format_text_answers_a_deadline_with_its_due_date_by_get_and_post() {
    // Arrange
    let app = spawn_app().await;
    let body = br#"{"rule": "countersign-reply", "event": "2026-09-30", "calendar": "cn"}"#;

    // Act
    let by_get = app
        .get("/v1/deadlines?rule=countersign-reply&event=2026-09-30&calendar=cn&format=text")
        .await;
    let by_post = app
        .request(
            Method::POST,
            "/v1/deadlines?format=text",
            Some(body.to_vec()),
            Some("application/json"),
        )
        .await;

    // Assert
    assert_eq!(
        ok_body(by_get, TEXT).await,
        "2026-10-15",
        "expected GET to answer the due date alone"
    );
    assert_eq!(
        ok_body(by_post, TEXT).await,
        "2026-10-15",
        "expected POST to answer the due date alone"
    );
}

#[tokio::test]
async fn the_format_parameter_wins_over_accept() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = get_accepting(
        &app,
        "/v1/workdays/add?start=2026-09-30&days=7&calendar=cn&format=json",
        "text/plain",
    )
    .await;

    // Assert
    let body = ok_json(response).await;
    assert_eq!(
        body["date"], "2026-10-15",
        "expected the JSON answer format=json asked for"
    );
}

#[tokio::test]
async fn an_error_stays_a_4xx_problem_when_text_is_asked_for() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .get("/v1/workdays/add?start=2026-02-30&days=7&format=text")
        .await;

    // Assert
    assert_problem(response, 400, "invalid-parameter", &["start", "2026-02-30"]).await;
}

#[tokio::test]
async fn a_negotiated_answer_says_it_varies_on_accept() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.get("/v1/days/2026-10-10?format=text").await;

    // Assert
    let vary = response
        .headers()
        .get(header::VARY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    assert!(
        vary.split(',').any(|v| v.trim() == "accept"),
        "expected Vary to name accept, got {vary:?}"
    );
}

// ---- 406 -----------------------------------------------------------------------------------

#[tokio::test]
async fn a_format_the_route_does_not_offer_is_a_406_problem_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let csv_of_one_value = app
        .get("/v1/workdays/add?start=2026-09-30&days=7&format=csv")
        .await;
    let unknown = app.get("/v1/days/2026-10-10?format=xml").await;
    let text_of_a_list = app
        .get("/v1/days?from=2026-10-01&to=2026-10-02&format=text")
        .await;

    // Assert
    assert_problem(
        csv_of_one_value,
        406,
        "not-acceptable",
        &["\"csv\"", "/v1/workdays/add", "json, text"],
    )
    .await;
    assert_problem(unknown, 406, "not-acceptable", &["\"xml\""]).await;
    assert_problem(
        text_of_a_list,
        406,
        "not-acceptable",
        &["\"text\"", "json, csv"],
    )
    .await;
}

#[tokio::test]
async fn an_accept_header_matching_nothing_offered_is_a_406_problem() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = get_accepting(&app, "/v1/days/2026-10-10", "text/csv").await;

    // Assert
    assert_problem(
        response,
        406,
        "not-acceptable",
        &["text/csv", "application/json, text/plain"],
    )
    .await;
}

#[tokio::test]
async fn an_accept_wildcard_gets_the_json_default() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = get_accepting(&app, "/v1/days/2026-10-10?calendar=cn", "*/*").await;

    // Assert
    let body = ok_json(response).await;
    assert_eq!(body["kind"], "makeup_workday", "expected the JSON day");
}

// ---- CSV lists -----------------------------------------------------------------------------

const DAY_HEADER: &str =
    "date,calendar,working,kind,name,provisional,estimated,layer,confidence,source";

#[tokio::test]
async fn format_csv_lists_days_one_row_each_under_a_header() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .get("/v1/days?from=2026-09-30&to=2026-10-10&calendar=cn&format=csv")
        .await;

    // Assert
    let body = ok_body(response, CSV).await;
    assert!(
        !body.starts_with('\u{feff}'),
        "expected no byte order mark unless asked"
    );
    let lines = crlf_lines(&body);
    assert_eq!(lines[0], DAY_HEADER, "expected the header row first");
    assert_eq!(
        lines.len(),
        1 + 11,
        "expected a row for each of the 11 days"
    );
    assert_eq!(
        lines[1], "2026-09-30,cn,true,workday,,false,false,,,",
        "expected Wed 9/30 an ordinary working day"
    );
    assert_eq!(
        lines[2], "2026-10-01,cn,false,holiday,国庆节,false,false,cn,,",
        "expected 国庆节 off on 10/1"
    );
    assert_eq!(
        lines[11], "2026-10-10,cn,true,makeup_workday,国庆节,false,false,cn,,",
        "expected the makeup Saturday 10/10"
    );
}

#[tokio::test]
async fn accept_text_csv_lists_days_and_bom_true_adds_a_byte_order_mark() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = get_accepting(
        &app,
        "/v1/days?from=2026-10-01&to=2026-10-01&calendar=cn&bom=true",
        "text/csv",
    )
    .await;

    // Assert
    let body = ok_body(response, CSV).await;
    assert_eq!(
        body,
        format!("\u{feff}{DAY_HEADER}\r\n2026-10-01,cn,false,holiday,国庆节,false,false,cn,,\r\n"),
        "expected a BOM, the header and one row"
    );
}

#[tokio::test]
async fn a_calendars_days_of_a_year_are_its_days_off_and_makeup_days_in_json_and_csv() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let json = ok_json(app.get("/v1/calendars/cn/days?year=2026").await).await;
    let csv = ok_body(
        app.get("/v1/calendars/cn/days?year=2026&format=csv").await,
        CSV,
    )
    .await;

    // Assert
    let days = json["days"]
        .as_array()
        .unwrap_or_else(|| panic!("expected a days array, got {json}"));
    assert_eq!(days.len(), 39, "expected 33 days off and 6 makeup days");
    assert_eq!(
        (json["from_year"].as_i64(), json["to_year"].as_i64()),
        (Some(2026), Some(2026)),
        "expected the year echoed"
    );
    let lines = crlf_lines(&csv);
    assert_eq!(lines[0], DAY_HEADER, "expected the header row first");
    assert_eq!(lines.len(), 1 + 39, "expected a row per listed day");
    assert!(
        lines.contains(&"2026-10-10,cn,true,makeup_workday,国庆节,false,false,cn,,"),
        "expected the makeup Saturday 10/10 among {lines:?}"
    );
}

#[tokio::test]
async fn a_calendars_days_take_a_range_of_years_up_to_ten() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let two = ok_json(
        app.get("/v1/calendars/cn/days?from_year=2025&to_year=2026")
            .await,
    )
    .await;
    let eleven = app
        .get("/v1/calendars/cn/days?from_year=2020&to_year=2030")
        .await;
    let unknown = app.get("/v1/calendars/mars/days?year=2026").await;

    // Assert
    assert_eq!(
        two["days"].as_array().map(Vec::len),
        Some(33 + 39),
        "expected 2025's 33 listed days and 2026's 39"
    );
    assert_problem(
        eleven,
        400,
        "invalid-parameter",
        &["to_year", "11 years", "at most 10"],
    )
    .await;
    assert_problem(unknown, 404, "not-found", &["mars"]).await;
}

// ---- iCalendar -----------------------------------------------------------------------------

/// The iCalendar lines unfolded (RFC 5545 §3.1: CRLF followed by a space continues a line).
fn unfold(body: &str) -> String {
    body.replace("\r\n ", "")
}

async fn holidays_ics(app: &TestApp, query: &str) -> String {
    ok_body(
        app.get(&format!("/v1/calendars/cn/holidays.ics?{query}"))
            .await,
        ICS,
    )
    .await
}

#[tokio::test]
async fn the_holiday_feed_holds_one_all_day_event_per_day_off_and_makeup_day() {
    // Arrange
    let app = spawn_app().await;

    // Act
    // In Chinese, the feed's default language (this client otherwise asks for English).
    let body = holidays_ics(&app, "year=2026&lang=zh").await;

    // Assert
    let lines = crlf_lines(&body);
    assert_eq!(
        lines[0], "BEGIN:VCALENDAR",
        "expected the calendar to open first"
    );
    assert_eq!(
        lines.last().copied(),
        Some("END:VCALENDAR"),
        "expected the calendar to close last"
    );
    for line in &lines {
        assert!(
            line.len() <= 75,
            "expected lines folded at 75 octets, got {} in {line:?}",
            line.len()
        );
    }
    let text = unfold(&body);
    assert_eq!(
        text.matches("BEGIN:VEVENT\r\n").count(),
        39,
        "expected 33 days off and 6 makeup days"
    );
    assert_eq!(
        text.matches("END:VEVENT\r\n").count(),
        39,
        "expected every event closed"
    );
    assert!(
        text.contains(
            "UID:cn-20261001-holiday@qixian\r\nDTSTAMP:20000101T000000Z\r\n\
             DTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261002\r\n\
             SUMMARY:国庆节 放假\r\n"
        ),
        "expected 国庆节 10/1 as an all-day day off"
    );
    assert!(
        text.contains(
            "DTSTART;VALUE=DATE:20261010\r\nDTEND;VALUE=DATE:20261011\r\nSUMMARY:国庆节 调休上班\r\n"
        ),
        "expected the makeup Saturday 10/10 as 国庆节 调休上班"
    );
}

#[tokio::test]
async fn the_holiday_feed_is_byte_identical_across_requests_so_uids_are_stable() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let first = holidays_ics(&app, "year=2026").await;
    let second = holidays_ics(&app, "year=2026").await;

    // Assert
    assert_eq!(
        first, second,
        "expected identical data to give identical bytes"
    );
    let uids: Vec<&str> = first.lines().filter(|l| l.starts_with("UID:")).collect();
    let mut unique = uids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        uids.len(),
        "expected every UID unique: {uids:?}"
    );
}

#[tokio::test]
async fn the_holiday_feed_takes_a_range_of_years() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let body = holidays_ics(&app, "from_year=2025&to_year=2026").await;
    let too_many = app
        .get("/v1/calendars/cn/holidays.ics?from_year=2026&to_year=2036")
        .await;

    // Assert
    assert_eq!(
        body.matches("BEGIN:VEVENT\r\n").count(),
        33 + 39,
        "expected 2025's 33 listed days and 2026's 39"
    );
    assert_problem(
        too_many,
        400,
        "invalid-parameter",
        &["to_year", "at most 10"],
    )
    .await;
}

#[tokio::test]
async fn format_ics_answers_a_deadline_as_an_event_on_its_due_date_with_a_reminder() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let body = ok_body(
        app.get("/v1/deadlines?rule=countersign-reply&event=2026-09-30&calendar=cn&format=ics")
            .await,
        ICS,
    )
    .await;

    // Assert
    crlf_lines(&body);
    let text = unfold(&body);
    assert_eq!(
        text.matches("BEGIN:VEVENT\r\n").count(),
        1,
        "expected one event"
    );
    assert!(
        text.contains("UID:deadline-cn-countersign-reply-7-working_days-20260930@qixian\r\n"),
        "expected a UID made of the calendar, rule, period and event date, got {text}"
    );
    assert!(
        text.contains("DTSTART;VALUE=DATE:20261015\r\nDTEND;VALUE=DATE:20261016\r\n"),
        "expected an all-day event on Thu 2026-10-15"
    );
    assert!(
        text.contains("第五十条") && text.contains("逾期不回复视为无不同意见"),
        "expected the rule's article and text in the description"
    );
    assert!(
        text.contains("BEGIN:VALARM\r\nACTION:DISPLAY\r\n") && text.contains("TRIGGER:-PT15H\r\n"),
        "expected a reminder at 09:00 on Wed 10/14, 15 hours before the due day"
    );
}

#[tokio::test]
async fn the_deadline_reminder_falls_on_the_last_working_day_before_the_due_date() {
    // Arrange
    let app = spawn_app().await;

    // Act — due Thu 2026-10-08, the first working day after 国庆节; the last before is Wed 9/30.
    let body = ok_body(
        app.get("/v1/deadlines?unit=working_days&amount=1&event=2026-09-30&calendar=cn&format=ics")
            .await,
        ICS,
    )
    .await;

    // Assert — 8 days before 00:00 of 10/8, less 9 hours: 09:00 on 9/30.
    let text = unfold(&body);
    assert!(
        text.contains("DTSTART;VALUE=DATE:20261008\r\n"),
        "expected the due date 2026-10-08, got {text}"
    );
    assert!(
        text.contains("TRIGGER:-P7DT15H\r\n"),
        "expected the reminder at 09:00 on 2026-09-30, got {text}"
    );
}

// ---- CSV batches ---------------------------------------------------------------------------

const BATCH_HEADER: &str = "row,id,ok,rule,calendar,event_date,unit,amount,due_date,due_at,provisional,data_version,error_code,error";

#[tokio::test]
async fn a_csv_batch_is_answered_one_csv_row_per_input_row_and_a_bad_row_fails_alone() {
    // Arrange
    let app = spawn_app().await;
    let body = "rule,event,calendar\r\n\
                meeting-issuance,2025-01-24,cn\r\n\
                meeting-issuance,2026-02-30,cn\r\n\
                countersign-reply,2026-09-30,cn\r\n";

    // Act
    let response = app
        .request(
            Method::POST,
            "/v1/deadlines/batch",
            Some(body.as_bytes().to_vec()),
            Some("text/csv"),
        )
        .await;

    // Assert — every row names the data version it was counted on.
    let v = app.data_version().await;
    let answer = ok_body(response, CSV).await;
    let lines = crlf_lines(&answer);
    assert_eq!(
        lines,
        [
            BATCH_HEADER.to_owned(),
            format!(
                "1,,true,kizilsu/meeting-issuance,cn,2025-01-24,working_days,7,2025-02-10,2025-02-11T00:00:00+08:00,false,{v},,"
            ),
            format!("2,,false,,,,,,,,,{v},invalid-event,event 2026-02-30 is not a calendar date"),
            format!(
                "3,,true,kizilsu/countersign-reply,cn,2026-09-30,working_days,7,2026-10-15,2026-10-16T00:00:00+08:00,false,{v},,"
            ),
        ],
        "expected rows 1 and 3 due, row 2's error in its error column"
    );
}

#[tokio::test]
async fn a_csv_batch_of_a_header_alone_is_answered_with_the_header_alone() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .request(
            Method::POST,
            "/v1/deadlines/batch?bom=true",
            Some(b"rule,event\r\n".to_vec()),
            Some("text/csv"),
        )
        .await;

    // Assert
    let answer = ok_body(response, CSV).await;
    assert_eq!(
        answer,
        format!("\u{feff}{BATCH_HEADER}\r\n"),
        "expected the byte order mark and the header row, and nothing else"
    );
}

#[tokio::test]
async fn a_csv_batch_takes_excels_byte_order_mark_short_rows_and_empty_cells() {
    // Arrange
    let app = spawn_app().await;
    let body = "\u{feff}rule,event,calendar,days\nmeeting-issuance,2025-06-04,cn-xj\n\
                countersign-reply,2026-09-30,,10\ncountersign-reply,2026-09-30\n";

    // Act
    let response = app
        .request(
            Method::POST,
            "/v1/deadlines/batch?format=json",
            Some(body.as_bytes().to_vec()),
            Some("text/csv; charset=utf-8"),
        )
        .await;

    // Assert — 古尔邦节 on cn-xj; 10 working days on the default calendar; the row missing
    // its last cells takes the default too.
    let answer = ok_json(response).await;
    let due: Vec<&str> = answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("expected results, got {answer}"))
        .iter()
        .map(|r| r["deadline"]["due_date"].as_str().unwrap_or("error"))
        .collect();
    assert_eq!(
        due,
        ["2025-06-18", "2026-10-20", "2026-10-15"],
        "expected each row's due date in JSON, as format=json asked"
    );
}

#[tokio::test]
async fn a_csv_batch_carries_the_callers_own_columns_through_unchanged() {
    // Arrange — an OA export: a document number and a title beside the request fields.
    let app = spawn_app().await;
    let body = "文号,rule,event,标题,id\r\n\
                克政办发〔2026〕12号,countersign-reply,2026-09-30,\"关于征求意见的函, 急\",D-12\r\n\
                克政办发〔2026〕13号,countersign-reply,2026-02-30,会签,D-13\r\n";

    // Act
    let response = app
        .request(
            Method::POST,
            "/v1/deadlines/batch",
            Some(body.as_bytes().to_vec()),
            Some("text/csv"),
        )
        .await;

    // Assert — the caller's columns come last, in their own order and words; the id is echoed.
    let v = app.data_version().await;
    let answer = ok_body(response, CSV).await;
    let lines = crlf_lines(&answer);
    assert_eq!(
        lines,
        [
            format!("{BATCH_HEADER},文号,标题"),
            format!(
                "1,D-12,true,kizilsu/countersign-reply,cn-xj-kizilsu,2026-09-30,working_days,7,2026-10-15,2026-10-15T19:30:00+08:00,false,{v},,,克政办发〔2026〕12号,\"关于征求意见的函, 急\""
            ),
            format!(
                "2,D-13,false,,,,,,,,,{v},invalid-event,event 2026-02-30 is not a calendar date,克政办发〔2026〕13号,会签"
            ),
        ],
        "expected each row with the caller's columns carried through"
    );
}

#[tokio::test]
async fn a_csv_batch_naming_no_request_field_is_a_400_problem_listing_them() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .request(
            Method::POST,
            "/v1/deadlines/batch",
            Some(b"title,number\nx,1\n".to_vec()),
            Some("text/csv"),
        )
        .await;

    // Assert
    assert_problem(
        response,
        400,
        "invalid-body",
        &["no CSV column", "rule, event"],
    )
    .await;
}

#[tokio::test]
async fn a_json_batch_is_answered_in_csv_when_asked() {
    // Arrange
    let app = spawn_app().await;
    let body = br#"{"items": [{"rule": "meeting-issuance", "event": "2025-01-24", "calendar": "cn"}, {"rule": "annual-report", "event": "2025-03-01"}]}"#;

    // Act
    let response = app
        .request(
            Method::POST,
            "/v1/deadlines/batch?format=csv",
            Some(body.to_vec()),
            Some("application/json"),
        )
        .await;

    // Assert
    let answer = ok_body(response, CSV).await;
    let lines = crlf_lines(&answer);
    assert_eq!(lines[0], BATCH_HEADER, "expected the header row first");
    assert!(
        lines[1].starts_with(
            "1,,true,kizilsu/meeting-issuance,cn,2025-01-24,working_days,7,2025-02-10,"
        ),
        "expected item 1 due 2025-02-10, got {:?}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(&format!(
            "2,,false,,,,,,,,,{},unknown-rule,",
            app.data_version().await
        )),
        "expected item 2 to fail with unknown-rule, got {:?}",
        lines[2]
    );
}

#[tokio::test]
async fn an_empty_csv_batch_is_a_400_problem_asking_for_the_header_row() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .request(
            Method::POST,
            "/v1/deadlines/batch",
            Some(Vec::new()),
            Some("text/csv"),
        )
        .await;

    // Assert
    assert_problem(response, 400, "invalid-body", &["empty", "first row"]).await;
}
