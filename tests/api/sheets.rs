//! The spreadsheet exports: `GET /v1/calendars/{id}/rest-days` (every day offices do not work,
//! for `WORKDAY.INTL(start, n, "0000000", list)`) and `GET /v1/calendars/{id}/workbook.xlsx`
//! (a register whose formulas count on that list offline).
//!
//! Expected counts are worked out by hand from holidays/cn/2026.json and cn-xj/2026.json:
//! 2026 starts on a Thursday, so it has 104 Saturdays and Sundays; the national notice makes 6
//! of them working days and gives 19 weekdays off: 104 - 6 + 19 = 117 rest days. Xinjiang adds
//! 肉孜节 3/20 (Fri) and 古尔邦节 5/27–5/29 (Wed–Fri) on weekdays: 121. The WORKDAY.INTL
//! below is written here, as the spreadsheet function's documentation states it, not taken
//! from the service.

use std::collections::BTreeSet;
use std::io::Read as _;

use chrono::{Duration, NaiveDate};
use reqwest::{Response, header};
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem, content_type, ok_json, spawn_app};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn d(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

async fn ok_text(response: Response, expected_type: &str) -> String {
    let status = response.status();
    let actual = content_type(&response);
    let body = response.text().await.expect("the body is readable");
    assert_eq!(status.as_u16(), 200, "expected 200, got {status}: {body}");
    assert_eq!(actual, expected_type, "content type of {body:?}");
    body
}

/// The list of a JSON answer, as dates.
fn dates(answer: &Value) -> Vec<NaiveDate> {
    answer["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|day| d(day["date"].as_str().expect("a date")))
        .collect()
}

fn day<'a>(answer: &'a Value, date: &str) -> Option<&'a Value> {
    answer["days"]
        .as_array()
        .expect("days")
        .iter()
        .find(|day| day["date"] == date)
}

/// Kizilsu's rest-day list for `years` (a query such as `year=2026`), as a set of dates: the
/// `holidays` argument of `WORKDAY.INTL`.
async fn kizilsu_rest_days(app: &TestApp, years: &str) -> BTreeSet<NaiveDate> {
    let path = format!("/v1/calendars/cn-xj-kizilsu/rest-days?{years}");
    dates(&ok_json(app.get(&path).await).await)
        .into_iter()
        .collect()
}

/// `WORKDAY.INTL(start, n, "0000000", holidays)` for n ≥ 1 as the spreadsheets document it:
/// from `start`, step one day at a time, skip every day in `holidays` (no weekday is a
/// weekend under the mask), and stop on the n-th day not skipped.
fn workday_intl(start: NaiveDate, n: u32, holidays: &BTreeSet<NaiveDate>) -> NaiveDate {
    let (mut date, mut counted) = (start, 0);
    while counted < n {
        date += Duration::days(1);
        if !holidays.contains(&date) {
            counted += 1;
        }
    }
    date
}

// ---- the rest-day list -----------------------------------------------------------------------

#[tokio::test]
async fn the_national_rest_days_of_2026_leave_out_makeup_days_and_hold_every_day_off() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = ok_json(app.get("/v1/calendars/cn/rest-days?year=2026").await).await;

    // Assert
    assert_eq!(
        (
            &answer["calendar"],
            &answer["from_year"],
            &answer["to_year"]
        ),
        (&"cn".into(), &2026.into(), &2026.into())
    );
    assert_eq!(
        answer["days"].as_array().unwrap().len(),
        117,
        "104 - 6 + 19"
    );
    assert_eq!(
        answer["estimated_years"],
        serde_json::json!([]),
        "2026 is published"
    );
    assert_eq!(
        day(&answer, "2026-10-01"),
        Some(
            &serde_json::json!({"date": "2026-10-01", "kind": "holiday", "name": "国庆节", "estimated": false, "provisional": false})
        ),
        "国庆节 is a day off"
    );
    assert_eq!(
        day(&answer, "2026-10-11").map(|d| (&d["kind"], &d["name"])),
        Some((&"weekend".into(), &Value::Null)),
        "an ordinary Sunday"
    );
    for makeup in [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ] {
        assert_eq!(
            day(&answer, makeup),
            None,
            "{makeup} is a makeup working day"
        );
    }
    let listed = dates(&answer);
    assert!(listed.windows(2).all(|w| w[0] < w[1]), "in date order");
}

#[tokio::test]
async fn xinjiang_festivals_are_rest_days_and_an_unpublished_year_is_named() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = ok_json(
        app.get("/v1/calendars/cn-xj-kizilsu/rest-days?from_year=2026&to_year=2027")
            .await,
    )
    .await;

    // Assert
    let in_2026 = dates(&answer)
        .into_iter()
        .filter(|d| *d <= self::d("2026-12-31"))
        .count();
    assert_eq!(in_2026, 121, "117 + 4 festival weekdays");
    assert_eq!(day(&answer, "2026-05-27").unwrap()["name"], "古尔邦节");
    assert_eq!(day(&answer, "2026-03-20").unwrap()["name"], "肉孜节");
    assert_eq!(answer["estimated_years"], serde_json::json!([2027]));
    let new_year = day(&answer, "2027-01-01").expect("元旦 2027");
    assert_eq!(
        (&new_year["estimated"], &new_year["provisional"]),
        (&true.into(), &true.into()),
        "an estimated day of an unpublished year"
    );
}

#[tokio::test]
async fn the_list_as_csv_starts_with_the_date_and_as_text_is_one_date_a_line() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let csv = ok_text(
        app.get("/v1/calendars/cn/rest-days?year=2026&format=csv")
            .await,
        "text/csv; charset=utf-8",
    )
    .await;
    let text = ok_text(
        app.get("/v1/calendars/cn-xj-kizilsu/rest-days?year=2026&format=text")
            .await,
        "text/plain; charset=utf-8",
    )
    .await;

    // Assert
    let rows: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(rows[0], "date,kind,name,estimated,provisional");
    assert_eq!(rows[1], "2026-01-01,holiday,元旦,false,false");
    assert!(
        rows.contains(&"2026-10-11,weekend,,false,false"),
        "a Sunday row"
    );
    assert_eq!(rows.len(), 1 + 117, "a header and 117 rows");
    assert!(
        text.ends_with('\n') && !text.contains('\r'),
        "LF-ended lines"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 121, "121 rest days in Kizilsu");
    assert_eq!(lines[0], "2026-01-01");
    assert!(lines.contains(&"2026-05-27"), "古尔邦节");
}

#[tokio::test]
async fn workday_intl_over_the_list_gives_what_workdays_add_gives() {
    // Arrange
    let app = spawn_app().await;
    let holidays = kizilsu_rest_days(&app, "from_year=2026&to_year=2027").await;

    // Act and assert: every event from 2026-09-01 to 2026-10-31 (国庆节, the makeup
    // Saturday 10/10) and from 2026-05-20 to 2026-06-10 (古尔邦节), 1 and 7 working days.
    let mut events: Vec<NaiveDate> = d("2026-09-01")
        .iter_days()
        .take_while(|e| *e <= d("2026-10-31"))
        .collect();
    events.extend(
        d("2026-05-20")
            .iter_days()
            .take_while(|e| *e <= d("2026-06-10")),
    );
    for event in events {
        for n in [1, 7] {
            let expected = workday_intl(event, n, &holidays);
            let got = ok_text(
                app.add_workdays(&[
                    ("start", &event.to_string()),
                    ("days", &n.to_string()),
                    ("format", "text"),
                ])
                .await,
                "text/plain; charset=utf-8",
            )
            .await;
            assert_eq!(
                got,
                expected.to_string(),
                "WORKDAY.INTL({event}, {n}) on the list"
            );
        }
    }
}

#[tokio::test]
async fn workday_intl_over_the_list_gives_the_countersign_reply_due_over_national_day() {
    // Arrange: holidays/cn/2026.json has 10/1–10/7 off and Sun 9/20 and Sat 10/10 worked.
    let app = spawn_app().await;
    let holidays = kizilsu_rest_days(&app, "year=2026").await;

    // Act
    let deadline = ok_json(
        app.get_deadline(&[
            ("rule", "countersign-reply"),
            ("event", "2026-09-30"),
            ("calendar", "cn-xj-kizilsu"),
        ])
        .await,
    )
    .await;

    // Assert: Thu 10/8 (1), Fri 10/9 (2), Sat 10/10 (3), Mon 10/12 to Thu 10/15 (4 to 7).
    let off: Vec<NaiveDate> = d("2026-10-01").iter_days().take(7).collect();
    assert!(
        off.iter().all(|day| holidays.contains(day)),
        "10/1–10/7 off"
    );
    for makeup in ["2026-09-20", "2026-10-10"] {
        assert!(!holidays.contains(&d(makeup)), "{makeup} is worked");
    }
    assert!(holidays.contains(&d("2026-10-11")), "an ordinary Sunday");
    let by_hand = workday_intl(d("2026-09-30"), 7, &holidays);
    assert_eq!(
        by_hand,
        d("2026-10-15"),
        "WORKDAY.INTL(2026-09-30, 7, \"0000000\", list)"
    );
    assert_eq!(deadline["due_date"], by_hand.to_string(), "{deadline}");
}

#[tokio::test]
async fn bad_years_a_bad_calendar_and_a_format_not_offered_are_problems() {
    // Arrange
    let app = spawn_app().await;

    // Act and assert
    for route in ["rest-days", "workbook.xlsx"] {
        let path = |query: &str| format!("/v1/calendars/cn/{route}{query}");
        assert_problem(
            app.get(&path("")).await,
            400,
            "missing-parameter",
            &["year"],
        )
        .await;
        assert_problem(
            app.get(&path("?from_year=2021&to_year=2031")).await,
            400,
            "invalid-parameter",
            &["to_year", "at most 10"],
        )
        .await;
        assert_problem(
            app.get(&path("?year=1999")).await,
            400,
            "invalid-parameter",
            &["1999"],
        )
        .await;
        assert_problem(
            app.get(&path("?year=2026&format=ics")).await,
            406,
            "not-acceptable",
            &["ics"],
        )
        .await;
        assert_problem(
            app.get(&format!("/v1/calendars/cn-xz/{route}?year=2026"))
                .await,
            404,
            "not-found",
            &["cn-xz"],
        )
        .await;
        assert_problem(
            app.get(&path("?year=2026&calender=cn")).await,
            400,
            "unknown-parameter",
            &["calender"],
        )
        .await;
    }
}

// ---- the workbook ----------------------------------------------------------------------------

/// The parts of an xlsx answer (a zip archive), by name, as text.
fn parts(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx file is a zip archive");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("a part");
            let mut text = String::new();
            file.read_to_string(&mut text).expect("a text part");
            let name = file.name().expect("a UTF-8 name").to_string();
            (name, text)
        })
        .collect()
}

async fn workbook(app: &TestApp, query: &str) -> (Vec<u8>, header::HeaderMap) {
    let response = app
        .get(&format!(
            "/v1/calendars/cn-xj-kizilsu/workbook.xlsx?{query}"
        ))
        .await;
    assert_eq!(response.status().as_u16(), 200, "the workbook of {query}");
    assert_eq!(content_type(&response), XLSX);
    let headers = response.headers().clone();
    (response.bytes().await.expect("the body").to_vec(), headers)
}

#[tokio::test]
async fn the_workbook_names_its_list_and_counts_each_rule_with_workday_intl() {
    // Arrange
    let app = spawn_app().await;
    let rest = ok_json(
        app.get("/v1/calendars/cn-xj-kizilsu/rest-days?from_year=2026&to_year=2027")
            .await,
    )
    .await;
    let listed = rest["days"].as_array().unwrap().len();

    // Act
    let (bytes, headers) = workbook(&app, "from_year=2026&to_year=2027&lang=zh").await;

    // Assert
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"qixian-cn-xj-kizilsu-2026-2027.xlsx\""
    );
    let parts = parts(&bytes);
    let book = &parts["xl/workbook.xml"];
    for sheet in ["期限登记", "休息日", "说明"] {
        assert!(
            book.contains(&format!("<sheet name=\"{sheet}\"")),
            "sheet {sheet}: {book}"
        );
    }
    assert!(
        book.contains(&format!(
            "<definedName name=\"rest_days\">'休息日'!$A$2:$A${}</definedName>",
            listed + 1
        )),
        "the list's {listed} dates named rest_days: {book}"
    );
    // WORKDAY.INTL is in ISO/IEC 29500 itself: stored as it is written, without the _xlfn.
    // prefix of Excel's later functions.
    let register = &parts["xl/worksheets/sheet1.xml"];
    assert!(
        register.contains(
            "WORKDAY.INTL($C2,INDEX(rule_amounts,MATCH($B2,rule_articles,0)),\"0000000\",rest_days)"
        ),
        "N working days, N looked up by the rule's article"
    );
    assert!(
        register.contains(
            "WORKDAY.INTL($C2+INDEX(rule_amounts,MATCH($B2,rule_articles,0))-1,1,\"0000000\",rest_days)"
        ),
        "N days, the last rolled forward"
    );
    for name in [
        "rule_articles",
        "rule_working_days",
        "rule_amounts",
        "rule_in_force",
    ] {
        assert!(
            book.contains(&format!("<definedName name=\"{name}\">'说明'!")),
            "{name} names a column of the notes' rules table: {book}"
        );
    }
    assert!(
        !register.contains("_xlfn."),
        "no function outside the standard"
    );
    assert!(
        register.contains("<f>IF(OR($B501=\"\""),
        "formulas down to row 501"
    );
    let strings = &parts["xl/sharedStrings.xml"];
    for text in [
        "文号",
        "规则",
        "起算日",
        "截止日",
        "状态",
        "第四十九条",
        "2027",
    ] {
        assert!(strings.contains(text), "{text} in the workbook's strings");
    }
    let version = headers["x-data-version"].to_str().unwrap();
    assert!(
        strings.contains(version),
        "the notes give the answer's data version {version}"
    );
    assert!(
        parts["docProps/core.xml"].contains("2000-01-01T00:00:00Z"),
        "a fixed creation time: {}",
        parts["docProps/core.xml"]
    );
    for (name, text) in &parts {
        let formulas = name.starts_with("xl/worksheets/") && text.contains("WEBSERVICE");
        let external = name.contains("externalLink") || name.contains("connections");
        assert!(!formulas && !external, "{name} needs no network");
    }
}

#[tokio::test]
async fn the_same_data_give_the_same_workbook_and_its_etag_holds() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let (first, headers) = workbook(&app, "year=2026").await;
    let (second, _) = workbook(&app, "year=2026").await;
    let etag = headers[header::ETAG].clone();
    let again = app
        .client
        .get(format!(
            "{}/v1/calendars/cn-xj-kizilsu/workbook.xlsx?year=2026",
            app.address
        ))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .expect("an answer");

    // Assert
    assert_eq!(first, second, "byte for byte");
    assert_eq!(
        again.status().as_u16(),
        304,
        "the ETag names the same bytes"
    );
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"qixian-cn-xj-kizilsu-2026.xlsx\""
    );
}

#[tokio::test]
async fn a_cached_workbook_keeps_its_file_name() {
    // Arrange: the second answer comes from the response cache.
    let app = spawn_app().await;
    workbook(&app, "year=2025").await;

    // Act
    let (_, headers) = workbook(&app, "year=2025").await;

    // Assert
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"qixian-cn-xj-kizilsu-2025.xlsx\""
    );
}

#[tokio::test]
async fn the_workbook_speaks_english_when_asked() {
    // Arrange
    let app = spawn_app().await;

    // Act: the test client asks for English.
    let (bytes, headers) = workbook(&app, "year=2026").await;

    // Assert
    assert_eq!(headers[header::CONTENT_LANGUAGE], "en");
    let parts = parts(&bytes);
    for sheet in ["Deadlines", "Rest days", "Notes"] {
        assert!(
            parts["xl/workbook.xml"].contains(&format!("<sheet name=\"{sheet}\"")),
            "sheet {sheet}"
        );
    }
    assert!(
        parts["xl/workbook.xml"].contains("'Rest days'!$A$2:$A$122"),
        "121 rest days in 2026, named from row 2"
    );
    assert!(
        parts["xl/worksheets/sheet1.xml"].contains("\"overdue\""),
        "the status formula's words"
    );
    assert!(parts["xl/sharedStrings.xml"].contains("Due date"));
    assert!(
        parts["xl/sharedStrings.xml"].contains("lang=en"),
        "the path to refresh it"
    );
}
