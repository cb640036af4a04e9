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

use chrono::{Datelike, Duration, NaiveDate};
use reqwest::{Response, header};
use serde_json::Value;

use crate::helpers::{TestApp, assert_problem, content_type, ok_json, spawn_app, spawn_app_with};

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
    assert_problem(
        app.get("/v1/calendars/cn/rest-days").await,
        400,
        "missing-parameter",
        &["year"],
    )
    .await;
    for route in ["rest-days", "workbook.xlsx"] {
        let path = |query: &str| format!("/v1/calendars/cn/{route}{query}");
        assert_problem(
            app.get(&path("?from_year=2026")).await,
            400,
            "missing-parameter",
            &["to_year"],
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
            "WORKDAY.INTL($F2,$L2,\"0000000\",rest_days),WORKDAY.INTL($F2+$L2-1,1,\"0000000\",rest_days)"
        ),
        "N working days, or the working day after day N-1, N looked up by the rule's label"
    );
    for name in [
        "rule_articles",
        "rule_working_days",
        "rule_amounts",
        "rule_in_force",
        "rule_extensions",
        "rule_agreed",
        "status_words",
    ] {
        assert!(
            book.contains(&format!("<definedName name=\"{name}\">'说明'!")),
            "{name} names a column of the notes' tables: {book}"
        );
    }
    assert!(
        !register.contains("_xlfn."),
        "no function outside the standard"
    );
    assert!(
        register.contains("<f>IF(OR($E501=\"\""),
        "formulas down to row 501"
    );
    let strings = &parts["xl/sharedStrings.xml"];
    for text in ["第四十九条", "按期办结", "逾期办结", "2027"] {
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
        parts["xl/worksheets/sheet3.xml"]
            .contains("<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\""),
        "the notes print so too"
    );
    assert!(
        parts["xl/workbook.xml"].contains("'Rest days'!$A$2:$A$122"),
        "121 rest days in 2026, named from row 2"
    );
    assert!(
        parts["xl/sharedStrings.xml"].contains("<t>overdue</t>"),
        "the status's words"
    );
    assert!(parts["xl/sharedStrings.xml"].contains("Due date"));
    assert!(
        parts["xl/sharedStrings.xml"].contains("lang=en"),
        "the path to refresh it"
    );
}

// ---- the workbook as a register (台账) -------------------------------------------------------

/// A cell of a worksheet part as saved: its formula, if any, and its value (a shared string
/// resolved), XML entities decoded.
#[derive(Debug, Default)]
struct Cell {
    formula: Option<String>,
    value: String,
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The text between `open`'s end and `close` in `text`, if `open` is in it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)?;
    let rest = &text[start..];
    let body = &rest[rest.find('>')? + 1..];
    Some(&body[..body.find(close)?])
}

/// The shared strings of an xlsx, in order.
fn shared_strings(parts: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    parts["xl/sharedStrings.xml"]
        .split("<si>")
        .skip(1)
        .map(|si| unescape(between(si, "<t", "</t>").unwrap_or_default()))
        .collect()
}

/// The cells of a worksheet part, by reference (`H5`).
fn cells(sheet: &str, strings: &[String]) -> std::collections::BTreeMap<String, Cell> {
    let mut cells = std::collections::BTreeMap::new();
    for piece in sheet.split("<c r=\"").skip(1) {
        let reference = &piece[..piece.find('"').expect("a reference")];
        let tag_end = piece.find('>').expect("the tag ends");
        if piece[..tag_end].ends_with('/') {
            cells.insert(reference.to_owned(), Cell::default());
            continue;
        }
        let body = &piece[tag_end + 1..piece.find("</c>").expect("the cell ends")];
        let formula = between(body, "<f", "</f>").map(unescape);
        let raw = between(body, "<v", "</v>")
            .map(unescape)
            .unwrap_or_default();
        let value = if piece[..tag_end].contains("t=\"s\"") {
            strings[raw.parse::<usize>().expect("a string's index")].clone()
        } else {
            raw
        };
        cells.insert(reference.to_owned(), Cell { formula, value });
    }
    cells
}

/// A spreadsheet's serial number of a date (days since 1899-12-30).
fn serial_of(date: NaiveDate) -> String {
    (date - d("1899-12-30")).num_days().to_string()
}

#[tokio::test]
async fn the_bare_workbook_url_gives_this_year_and_the_next() {
    // Arrange
    let app = spawn_app().await;
    let year = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
        .year();

    // Act
    let response = app.get("/v1/calendars/cn-xj-kizilsu/workbook.xlsx").await;

    // Assert
    assert_eq!(
        response.status().as_u16(),
        200,
        "no years: this year and the next"
    );
    assert_eq!(content_type(&response), XLSX);
    assert_eq!(
        response.headers()[header::CONTENT_DISPOSITION],
        format!(
            "attachment; filename=\"qixian-cn-xj-kizilsu-{year}-{}.xlsx\"",
            year + 1
        )
        .as_str()
    );
}

/// The parts and the shared strings of Kizilsu's Chinese workbook for 2026 and 2027.
async fn kizilsu_zh(app: &TestApp) -> (std::collections::BTreeMap<String, String>, Vec<String>) {
    let (bytes, _) = workbook(app, "from_year=2026&to_year=2027&lang=zh").await;
    let parts = parts(&bytes);
    let strings = shared_strings(&parts);
    (parts, strings)
}

#[tokio::test]
async fn the_register_has_a_clerks_columns_no_example_rows_colours_a_filter_and_prints_on_a4() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let (parts, strings) = kizilsu_zh(&app).await;

    // Assert
    let register = &parts["xl/worksheets/sheet1.xml"];
    let cells = cells(register, &strings);
    let headers: Vec<&str> = "ABCDEFGHIJ"
        .chars()
        .map(|c| cells[&format!("{c}1")].value.as_str())
        .collect();
    assert_eq!(
        headers.join(" "),
        "文号 事由 来文单位 承办人 规则 起算日 延长/商定 截止日 办结日期 状态"
    );
    // No example rows: every row below the header is empty but for its formulas, and every
    // formula's saved value is the empty string.
    let mut formulas = 0;
    for (reference, cell) in &cells {
        if reference.ends_with('1') && reference.len() == 2 {
            continue;
        }
        match &cell.formula {
            Some(formula) => {
                formulas += 1;
                assert_eq!(cell.value, "", "{reference} ({formula}) is saved empty");
                assert!(
                    formula.len() <= 300,
                    "{reference}: {} characters",
                    formula.len()
                );
            }
            None => assert_eq!(cell.value, "", "{reference} holds nothing typed"),
        }
    }
    assert_eq!(
        formulas,
        500 * 9,
        "the due date, the status and seven helpers in 500 rows"
    );
    assert!(
        register.contains("<autoFilter ref=\"A1:J501\"/>"),
        "a filter over the register"
    );
    assert!(
        register.contains(
            "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
        ),
        "the header frozen"
    );
    // Overdue red, due within three working days amber, over the ten columns.
    assert!(
        register.contains("<conditionalFormatting sqref=\"A2:J501\">"),
        "{register}"
    );
    assert!(
        register.contains("<formula>$O2=10</formula>"),
        "overdue: the status's number 10"
    );
    assert!(
        register.contains(
            "<formula>AND(OR($O2=8,$O2=9),$H2&lt;=WORKDAY.INTL(TODAY(),3,\"0000000\",rest_days))</formula>"
        ),
        "pending or due today, within three working days"
    );
    let styles = &parts["xl/styles.xml"];
    assert!(
        styles.contains("FFFFC7CE") && styles.contains("FFFFEB9C"),
        "red and amber fills"
    );
    // Landscape A4, one page wide, the header on every page.
    assert!(
        register.contains("<pageSetUpPr fitToPage=\"1\"/>"),
        "fitted to the page"
    );
    assert!(
        register.contains("<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\""),
        "{}",
        &register[register.find("<pageSetup").unwrap_or(0)..][..120]
    );
    assert!(
        parts["xl/workbook.xml"]
            .contains("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">期限登记!$1:$1</definedName>"),
        "the header repeated: {}",
        parts["xl/workbook.xml"]
    );
    assert!(
        register.contains("<col min=\"11\" max=\"17\" width=\"0\" hidden=\"1\""),
        "the seven helper columns K to Q are hidden"
    );
}

#[tokio::test]
async fn the_register_prints_from_the_header_to_the_last_row_a_clerk_filled_not_its_500_rows() {
    // Arrange: the register's typed columns are 文号 … 延长/商定 (A–G) and 办结日期 (I); 截止日
    // (H) and 状态 (J) hold formulas in every row. The print area is A1 and as many rows as the
    // number of the last row with anything in A–G or I (1: the header alone), ten columns wide,
    // looked for in the 10,000 rows under the header (twenty times the 500 with formulas).
    let app = spawn_app().await;
    let typed = |columns: &str| {
        format!("SUMPRODUCT(MAX((1-ISBLANK('期限登记'!{columns}))*ROW('期限登记'!{columns})))")
    };
    let area = format!(
        "OFFSET('期限登记'!$A$1,0,0,MAX(1,{},{}),10)",
        typed("$A$2:$G$10001"),
        typed("$I$2:$I$10001")
    );

    // Act
    let (parts, _) = kizilsu_zh(&app).await;

    // Assert
    let book = &parts["xl/workbook.xml"];
    assert!(
        book.contains(&format!(
            "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">{area}</definedName>"
        )),
        "the register's print area follows its filled rows: {book}"
    );
    assert!(
        !book.contains("$A$1:$J$501</definedName><definedName name=\"_xlnm.Print_Titles\""),
        "not the fixed 500 rows: {book}"
    );
    assert!(
        book.contains(
            "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">期限登记!$1:$1</definedName>"
        ),
        "the header still on every page: {book}"
    );
    assert!(
        book.contains(
            "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">期限登记!$A$1:$J$501</definedName>"
        ),
        "the filter still over the 500 rows: {book}"
    );
    assert_eq!(
        book.matches("_xlnm.Print_Area").count(),
        1,
        "only the register has a print area"
    );
}

#[tokio::test]
async fn the_notes_examples_carry_the_apis_due_dates_and_statuses_as_saved_values() {
    // Arrange: by hand from holidays/cn/2026.json (10/1–10/7 off, Sat 10/10 worked):
    // 第五十条's 7 working days from 9/30 end on 10/15; 政府信息公开条例's 20 and 20 more end
    // on 12/1 (10/8, 10/9, 10/10, then five a week to 11/27 make 38, 11/30 and 12/1).
    let app = spawn_app().await;

    // Act
    let (parts, strings) = kizilsu_zh(&app).await;

    // Assert
    let notes = cells(&parts["xl/worksheets/sheet3.xml"], &strings);
    let examples: Vec<u32> = (1..400)
        .filter(|row| {
            notes
                .get(&format!("A{row}"))
                .is_some_and(|c| c.value.starts_with("示例"))
        })
        .collect();
    assert_eq!(examples.len(), 3, "three examples");
    let value = |column: char, row: u32| {
        notes
            .get(&format!("{column}{row}"))
            .map(|c| c.value.clone())
            .unwrap_or_default()
    };
    let shown: Vec<(String, String, String, String, String, String)> = examples
        .iter()
        .map(|&row| {
            (
                value('E', row),
                value('F', row),
                value('G', row),
                value('H', row),
                value('I', row),
                value('J', row),
            )
        })
        .collect();
    let s = |date: &str| serial_of(d(date));
    let expected = [
        (
            "第五十条",
            "countersign-reply",
            "",
            "2026-10-15",
            "2026-10-15",
            "按期办结",
        ),
        (
            "第五十条",
            "countersign-reply",
            "2026-10-22",
            "2026-10-22",
            "2026-10-18",
            "按期办结",
        ),
        (
            "政府信息公开条例第三十三条第二款、第三款",
            "national/gov-info-reply",
            "延长",
            "2026-12-01",
            "2026-12-02",
            "逾期办结",
        ),
    ];
    for ((label, rule, adjustment, due, done, status), shown) in expected.iter().zip(&shown) {
        let adjustment_shown = if adjustment.starts_with("20") {
            s(adjustment)
        } else {
            (*adjustment).to_owned()
        };
        assert_eq!(
            shown,
            &(
                (*label).to_owned(),
                s("2026-09-30"),
                adjustment_shown,
                s(due),
                s(done),
                (*status).to_owned()
            ),
            "{label} {adjustment}"
        );
        // The API says the same.
        let mut query = vec![
            ("rule", *rule),
            ("event", "2026-09-30"),
            ("calendar", "cn-xj-kizilsu"),
            ("completed_at", *done),
            ("explain", "false"),
        ];
        match *adjustment {
            "" => {}
            "延长" => query.push(("extended", "true")),
            date => query.push(("agreed_due", date)),
        }
        let answer = ok_json(app.get_deadline(&query).await).await;
        assert_eq!(answer["due_date"], *due, "{answer}");
        let state = if *status == "按期办结" {
            "completed_on_time"
        } else {
            "completed_late"
        };
        assert_eq!(answer["status"]["state"], state, "{answer}");
        assert_eq!(answer["provisional"], false, "{answer}");
    }
    for &row in &examples {
        for column in "HJKLMNOPQ".chars() {
            let cell = &notes[&format!("{column}{row}")];
            assert!(
                cell.formula.is_some() && !cell.value.is_empty(),
                "{column}{row} is a formula with its value: {cell:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_notes_say_where_to_download_it_again_in_a_clerks_words() {
    // Arrange
    let app = spawn_app().await;

    // Act: asked under another name, as a proxy or a DNS name would.
    let (bytes, _) = workbook(&app, "from_year=2026&to_year=2027&lang=zh").await;
    let other = app
        .client
        .get(format!(
            "{}/v1/calendars/cn-xj-kizilsu/workbook.xlsx?from_year=2026&to_year=2027&lang=zh",
            app.address
        ))
        .header(header::HOST, "qixian.kz.example:8443")
        .send()
        .await
        .expect("an answer");
    assert_eq!(other.status().as_u16(), 200);
    let vary: Vec<&str> = other
        .headers()
        .get_all(header::VARY)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let vary = vary.join(", ");
    let other = other.bytes().await.expect("the body").to_vec();

    // Assert
    let strings = shared_strings(&parts(&bytes)).join("\n");
    let origin = app.address.clone();
    for address in [
        format!("{origin}/#calendar?calendar=cn-xj-kizilsu&year=2026"),
        format!("{origin}/v1/calendars/cn-xj-kizilsu/workbook.xlsx?from_year=2026&to_year=2027"),
    ] {
        assert!(strings.contains(&address), "{address} in {strings}");
    }
    assert!(
        strings.contains("本系统尚未收录2027年放假安排通知"),
        "what the system holds, not what the State Council did"
    );
    assert!(strings.contains("管理员"), "whom to ask");
    assert!(strings.contains("暂定："), "what 暂定 means");
    for code in ["GET ", "rest_days", "x-data-version"] {
        assert!(!strings.contains(code), "no {code} for a clerk");
    }
    let other = shared_strings(&parts(&other)).join("\n");
    assert!(
        other.contains("http://qixian.kz.example:8443/#calendar?calendar=cn-xj-kizilsu&year=2026"),
        "the address it was asked on, not a cached one: {other}"
    );
    assert!(vary.contains("Host"), "{vary}");
}

#[tokio::test]
async fn a_configured_public_origin_is_the_address_named_and_without_the_page_only_the_workbooks() {
    // Arrange
    let app = spawn_app_with(&[
        ("QIXIAN_PUBLIC_ORIGIN", "https://qixian.kz.example"),
        ("QIXIAN_PAGE", "off"),
    ])
    .await;

    // Act
    let (parts, strings) = kizilsu_zh(&app).await;

    // Assert
    let strings = strings.join("\n");
    assert!(
        strings.contains(
            "https://qixian.kz.example/v1/calendars/cn-xj-kizilsu/workbook.xlsx?from_year=2026&to_year=2027"
        ),
        "the public origin, whatever the Host: {strings}"
    );
    assert!(!strings.contains("#calendar"), "no page to send people to");
    assert!(!strings.contains(&app.address), "not the address asked on");
    assert!(parts.contains_key("xl/worksheets/sheet3.xml"));
}
