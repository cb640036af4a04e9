//! A register's 台账 out and in (CSV, xlsx; an import all or nothing), its pages (`limit`,
//! `cursor`), the caps on a matter's texts, actions that change nothing, and a stored row that
//! no longer reads back. Every expected date is worked by hand in the comment beside it.

use reqwest::{Method, Response, StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, fresh_database, spawn_app_with, test_database_url};
use crate::registers::{ADMIN, app, countersign, json_of, register, send};

/// `POST …/matters/import` with `csv` as a `text/csv` body.
async fn import(app: &TestApp, id: &str, key: &str, csv: &str) -> Response {
    app.client
        .post(format!("{}/v1/registers/{id}/matters/import", app.address))
        .bearer_auth(key)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .expect("an answer")
}

/// `POST …/matters` with `body`.
async fn post_matter(app: &TestApp, id: &str, key: &str, body: &Value) -> Response {
    let path = format!("/v1/registers/{id}/matters");
    send(app, Method::POST, &path, Some(key), None, Some(body)).await
}

/// A new matter of register `id`.
async fn create(app: &TestApp, id: &str, key: &str, body: &Value) -> Value {
    let response = post_matter(app, id, key, body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "a matter is made");
    response.json().await.expect("JSON")
}

/// The answer's body as text, after checking its status and media type.
async fn text_of(response: Response, media: &str) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with(media), "{content_type}");
    response.text().await.expect("text")
}

/// The CSV's records, the header first.
fn records(csv: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes())
        .records()
        .map(|r| r.expect("a CSV row").iter().map(str::to_owned).collect())
        .collect()
}

/// Register `id`'s 台账 as CSV (`query` follows `format=csv`), as text.
async fn exported(app: &TestApp, id: &str, key: &str, query: &str) -> String {
    let path = format!("/v1/registers/{id}/matters?format=csv{query}");
    text_of(
        send(app, Method::GET, &path, Some(key), None, None).await,
        "text/csv",
    )
    .await
}

/// Register `id`'s list, as JSON.
async fn list(app: &TestApp, id: &str, key: &str, query: &str) -> Value {
    json_of(send(
        app,
        Method::GET,
        &format!("/v1/registers/{id}/matters{query}"),
        Some(key),
        None,
        None,
    ))
    .await
}

/// Register `id`'s history, as JSON.
async fn history(app: &TestApp, id: &str, key: &str, query: &str) -> Value {
    json_of(send(
        app,
        Method::GET,
        &format!("/v1/registers/{id}/history{query}"),
        Some(key),
        None,
        None,
    ))
    .await
}

/// What an office wrote of a matter and what the data make of it, without its id, version and
/// times of writing: what must survive a trip through the 台账.
fn essence(matter: &Value) -> Value {
    let fields = [
        "doc_number",
        "subject",
        "sender",
        "handler",
        "notes",
        "period",
        "completed_at",
        "acknowledged_due",
        "due_date",
        "due_at",
        "provisional",
        "state",
        "moved",
    ];
    fields
        .iter()
        .map(|f| ((*f).to_owned(), matter[*f].clone()))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

const HEADER_ZH: [&str; 22] = [
    "文号",
    "事由",
    "来文单位",
    "承办人",
    "规则",
    "起算日",
    "延长/商定",
    "截止日",
    "办结日期",
    "状态",
    "备注",
    "日历",
    "其他期限参数",
    "办结时间",
    "已确认截止日",
    "截止时间",
    "暂定",
    "剩余工作日",
    "已变动",
    "问题",
    "编号",
    "版本",
];

#[tokio::test]
async fn a_ledger_exported_and_imported_into_another_register_gives_the_same_matters() {
    a_ledgers_round_trip(&app().await).await;
}

/// Four matters exported from one register and imported into another: the same matters.
pub async fn a_ledgers_round_trip(app: &TestApp) {
    let (a, key_a) = register(app, "州政府办公室").await;
    let (b, key_b) = register(app, "阿图什市政府办公室").await;
    let mut first = countersign("克政办发〔2026〕1号");
    first["notes"] = json!("他说：\"尽快\"，并\n抄送, 州长 ");
    let bodies = [
        // 2026-10-15: see `countersign`.
        first,
        // 20 working days and 20 more from 2026-09-30 on cn: 10-08, 10-09, Saturday 10-10
        // (a makeup day) are 1-3, 10-12..16 4-8, 10-19..23 9-13, 10-26..30 14-18, 11-02..06
        // 19-23, 11-09..13 24-28, 11-16..20 29-33, 11-23..27 34-38, 11-30 39, 12-01 40.
        json!({"doc_number": "克政办发〔2026〕2号", "subject": "依申请公开", "handler": "李",
               "period": {"rule": "gov-info-reply", "event": "2026-09-30", "calendar": "cn",
                          "extended": true}}),
        // 10 calendar days from 2026-09-30, 10-02 and 10-03 paused: 10-01 is 1, 10-04..10-12
        // are 2-10; Monday 10-12 is a working day.
        json!({"doc_number": "-3", "subject": "调研", "sender": "=HYPERLINK(\"http://x\")",
               "period": {"unit": "calendar_days", "amount": 10, "event": "2026-09-30",
                          "calendar": "cn", "paused": ["2026-10-02/2026-10-03"]}}),
        // Agreed with the host department: 2026-10-20 replaces 2026-10-15.
        json!({"doc_number": "克政办发〔2026〕4号", "subject": "会签",
               "period": {"rule": "countersign-reply", "event": "2026-09-30",
                          "calendar": "cn-xj-kizilsu", "agreed_due": "2026-10-20",
                          "agreed_by": "州发改委办公室"}}),
    ];
    let mut ids = Vec::new();
    for body in &bodies {
        ids.push(create(app, &a, &key_a, body).await["id"].clone());
    }
    let done = send(
        app,
        Method::POST,
        &format!(
            "/v1/registers/{a}/matters/{}/complete",
            ids[2].as_str().unwrap()
        ),
        Some(&key_a),
        None,
        None,
    )
    .await;
    assert_eq!(done.status(), StatusCode::OK);

    // The test client asks for English unless told.
    let csv = exported(app, &a, &key_a, "&lang=zh").await;
    let rows = records(&csv);
    assert_eq!(
        rows[0], HEADER_ZH,
        "the workbook's columns, then the register's"
    );
    assert_eq!(rows.len(), 5, "a header and four matters");
    // By due date: 10-12, 10-15, 10-20, 12-01.
    let due: Vec<&str> = rows[1..].iter().map(|r| r[7].as_str()).collect();
    assert_eq!(
        due,
        ["2026-10-12", "2026-10-15", "2026-10-20", "2026-12-01"]
    );
    assert_eq!(
        rows[2][..10],
        [
            "克政办发〔2026〕1号",
            "会签意见",
            "州发改委",
            "王",
            "第五十条",
            "2026-09-30",
            "",
            "2026-10-15",
            "",
            "已逾期",
        ],
        "a rule by the workbook's label; overdue as asked after 2026-10-15"
    );
    assert_eq!(
        rows[2][10], "他说：\"尽快\"，并\n抄送, 州长 ",
        "the notes whole"
    );
    assert_eq!(rows[2][11], "cn-xj-kizilsu");
    assert_eq!(rows[2][12], "", "nothing more to say of the period");
    assert_eq!(rows[2][14], "2026-10-15", "acknowledged as created");
    assert_eq!(
        rows[1][2], "'=HYPERLINK(\"http://x\")",
        "a formula is not run"
    );
    assert_eq!(rows[1][0], "-3", "a number is left as it is");
    assert_eq!(rows[1][9], "逾期办结", "done after 2026-10-12");
    assert!(!rows[1][8].is_empty() && !rows[1][13].is_empty(), "done");
    assert_eq!(
        serde_json::from_str::<Value>(&rows[1][12]).unwrap(),
        json!({"unit": "calendar_days", "amount": 10, "paused": ["2026-10-02/2026-10-03"]}),
        "what the columns cannot say"
    );
    assert_eq!(
        rows[3][4..7],
        ["第五十条", "2026-09-30", "2026-10-20"],
        "an agreed date in 延长/商定"
    );
    assert_eq!(
        serde_json::from_str::<Value>(&rows[3][12]).unwrap(),
        json!({"agreed_by": "州发改委办公室"})
    );
    assert_eq!(
        rows[4][4..7],
        [
            "政府信息公开条例第三十三条第二款、第三款",
            "2026-09-30",
            "延长"
        ],
        "a statute's rule by its label; 延长"
    );

    let imported = import(app, &b, &key_b, &csv).await;
    assert_eq!(imported.status(), StatusCode::CREATED);
    let imported: Value = imported.json().await.unwrap();
    assert_eq!(imported["imported"], 4);
    let (from, to) = (
        list(app, &a, &key_a, "").await,
        list(app, &b, &key_b, "").await,
    );
    let essences = |list: &Value| -> Vec<Value> {
        list["matters"]
            .as_array()
            .unwrap()
            .iter()
            .map(essence)
            .collect()
    };
    assert_eq!(essences(&to), essences(&from), "the same matters");
    let changes = history(app, &b, &key_b, "").await;
    let actions: Vec<&str> = changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["imported"; 4], "each in the history");

    let english = exported(app, &a, &key_a, "&lang=en").await;
    assert_eq!(
        records(&english)[0][..10],
        [
            "Document",
            "Subject",
            "Sender",
            "Handler",
            "Rule",
            "Event date",
            "Extended/agreed",
            "Due date",
            "Completed",
            "Status"
        ],
        "the English workbook's columns"
    );
    let again = import(app, &b, &key_b, &english).await;
    assert_eq!(
        again.status(),
        StatusCode::CREATED,
        "English headers read too"
    );
    let both = list(app, &b, &key_b, "").await;
    assert_eq!(both["matters"].as_array().unwrap().len(), 8);

    let by_accept = app
        .client
        .get(format!("{}/v1/registers/{a}/matters?lang=zh", app.address))
        .bearer_auth(&key_a)
        .header(header::ACCEPT, "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(
        text_of(by_accept, "text/csv").await,
        csv,
        "Accept: text/csv"
    );
    let xlsx = send(
        app,
        Method::GET,
        &format!("/v1/registers/{a}/matters?format=xlsx"),
        Some(&key_a),
        None,
        None,
    )
    .await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert_eq!(
        xlsx.headers()[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = xlsx.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/sharedStrings.xml").expect("its texts"),
        &mut strings,
    )
    .unwrap();
    assert!(
        strings.contains("=HYPERLINK") && !strings.contains("'=HYPERLINK"),
        "a text cell, unguarded: a workbook's text is never a formula"
    );
    assert!(strings.contains("政府信息公开条例第三十三条第二款、第三款"));
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").expect("its sheet"),
        &mut sheet,
    )
    .unwrap();
    assert!(!sheet.contains("<f>"), "values, no formulas");
}

/// The PostgreSQL tests of `registers.rs`' kind: the 台账 out and in, a bad row, the pages,
/// on `QIXIAN_TEST_DATABASE_URL` (`scripts/register-postgres.sh`).
#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn a_register_on_postgresql_moves_its_ledger_out_and_in_and_walks_its_pages() {
    let url = fresh_database(&test_database_url()).await;
    let app = spawn_app_with(&[("QIXIAN_ADMIN_TOKEN", ADMIN), ("QIXIAN_DATABASE_URL", &url)]).await;
    a_ledgers_round_trip(&app).await;
    a_bad_row_imports_nothing(&app).await;
    a_walk_by_pages(&app).await;
}

#[tokio::test]
async fn the_export_guards_every_text_that_a_spreadsheet_would_run() {
    let app = app().await;
    let (id, key) = register(&app, "办").await;
    let mut body = countersign("@SUM(A1)");
    body["subject"] = json!("=1+1");
    body["handler"] = json!("+王");
    body["notes"] = json!("-2");
    create(&app, &id, &key, &body).await;
    let csv = exported(&app, &id, &key, "").await;
    let rows = records(&csv);
    assert_eq!(
        [&rows[1][0], &rows[1][1], &rows[1][3], &rows[1][10]],
        ["'@SUM(A1)", "'=1+1", "'+王", "-2"],
        "a formula gets a quote; a number does not"
    );
}

#[tokio::test]
async fn a_bad_row_among_good_ones_imports_nothing_and_names_its_row_and_column() {
    a_bad_row_imports_nothing(&app().await).await;
}

/// A 台账 with bad rows among good ones: nothing imported, each bad row named.
pub async fn a_bad_row_imports_nothing(app: &TestApp) {
    let (id, key) = register(app, "办").await;
    let csv = "文号,事由,规则,起算日,延长/商定,日历\r\n\
               1号,甲,第五十条,2026-09-30,,cn-xj-kizilsu\r\n\
               2号,乙,第五十条,2026-13-45,,cn-xj-kizilsu\r\n\
               3号,丙,第五十条,2026-09-30,xyz,cn-xj-kizilsu\r\n\
               4号,丁,第五十条,2026-09-30,,cn-xj-kizilsu\r\n";
    let refused = assert_problem(
        import(app, &id, &key, csv).await,
        422,
        "invalid-rows",
        &["2"],
    )
    .await;
    let errors: Vec<(u64, &str)> = refused["errors"]
        .as_array()
        .expect("each row")
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [(3, "起算日"), (4, "延长/商定")],
        "rows as a spreadsheet numbers them, the header row 1"
    );
    assert!(
        refused["errors"][1]["detail"]
            .as_str()
            .unwrap()
            .contains("xyz"),
        "{refused}"
    );
    assert_eq!(
        list(app, &id, &key, "").await["matters"],
        json!([]),
        "nothing half-imported"
    );
    assert_eq!(history(app, &id, &key, "").await["changes"], json!([]));

    let in_english = app
        .client
        .post(format!(
            "{}/v1/registers/{id}/matters/import?lang=en",
            app.address
        ))
        .bearer_auth(&key)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let in_english = assert_problem(in_english, 422, "invalid-rows", &["row 3"]).await;
    assert!(
        in_english["errors"][1]["detail"]
            .as_str()
            .unwrap()
            .contains("neither"),
        "{in_english}"
    );

    let without_bad_rows: String = csv
        .lines()
        .filter(|l| !l.starts_with("2号") && !l.starts_with("3号"))
        .map(|l| format!("{l}\n"))
        .chain([",,,,,\r\n".to_owned()])
        .collect();
    let imported = import(app, &id, &key, &without_bad_rows).await;
    assert_eq!(
        imported.status(),
        StatusCode::CREATED,
        "an empty row is none"
    );
    let imported: Value = imported.json().await.unwrap();
    assert_eq!(imported["imported"], 2, "1号 and 4号");

    let unknown = import(app, &id, &key, "文号,事由,期限\r\n1号,甲,7\r\n").await;
    let unknown = assert_problem(unknown, 422, "invalid-rows", &["期限"]).await;
    assert_eq!(unknown["errors"][0]["row"], 1, "the header");
    let wide = import(app, &id, &key, "文号,事由\r\n1号,甲,多出\r\n").await;
    let wide = assert_problem(wide, 422, "invalid-rows", &[]).await;
    assert_eq!(wide["errors"][0]["row"], 2);
    let latin1 = app
        .client
        .post(format!("{}/v1/registers/{id}/matters/import", app.address))
        .bearer_auth(&key)
        .header(header::CONTENT_TYPE, "text/csv")
        .body(b"\xce\xc4\xba\xc5\r\n1\r\n".to_vec())
        .send()
        .await
        .unwrap();
    assert_problem(latin1, 400, "invalid-body", &["UTF-8"]).await;
    let as_json = app
        .client
        .post(format!("{}/v1/registers/{id}/matters/import", app.address))
        .bearer_auth(&key)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(as_json, 415, "unsupported-media-type", &[]).await;
}

#[tokio::test]
async fn limit_and_cursor_walk_every_matter_exactly_once_in_due_order() {
    a_walk_by_pages(&app().await).await;
}

/// Seven matters walked three at a time, and their history four at a time.
pub async fn a_walk_by_pages(app: &TestApp) {
    let (id, key) = register(app, "办").await;
    // One working day from each event on cn: the next working day. 11-06 (Fri) → 11-09 (Mon),
    // 11-02 → 11-03, 11-04 → 11-05, 11-03 → 11-04, 11-05 → 11-06.
    let events = [
        "2026-11-06",
        "2026-11-02",
        "2026-11-04",
        "2026-11-02",
        "2026-11-03",
        "2026-11-05",
        "2026-11-04",
    ];
    let mut made = Vec::new();
    for (n, event) in events.iter().enumerate() {
        let body = json!({"doc_number": format!("{n}号"),
            "period": {"unit": "working_days", "amount": 1, "event": event, "calendar": "cn"}});
        made.push(
            create(app, &id, &key, &body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let mut walked = Vec::new();
    let mut due = Vec::new();
    let mut query = "?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let page = list(app, &id, &key, &query).await;
        pages += 1;
        for m in page["matters"].as_array().unwrap() {
            walked.push(m["id"].as_str().unwrap().to_owned());
            due.push(m["due_date"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, 3, "3 + 3 + 1");
    assert_eq!(
        due,
        [
            "2026-11-03",
            "2026-11-03",
            "2026-11-04",
            "2026-11-05",
            "2026-11-05",
            "2026-11-06",
            "2026-11-09"
        ],
        "by due date"
    );
    let whole: Vec<String> = list(app, &id, &key, "").await["matters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(walked, whole, "the pages are the list");
    let mut sorted = walked.clone();
    sorted.sort();
    made.sort();
    assert_eq!(sorted, made, "every matter exactly once");

    let mut changes = Vec::new();
    let mut query = "?limit=4".to_owned();
    loop {
        let page = history(app, &id, &key, &query).await;
        changes.extend(
            page["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["matter_id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit=4&cursor={cursor}"),
            None => break,
        }
    }
    changes.sort();
    assert_eq!(changes, made, "every change once, over two pages");

    for (query, name) in [
        ("?limit=0", "limit"),
        ("?limit=1001", "limit"),
        ("?cursor=not-a-cursor", "cursor"),
        // base64url of `{}`: not a list's key.
        ("?cursor=e30", "cursor"),
        ("?format=csv&limit=2", "limit"),
    ] {
        let refused = send(
            app,
            Method::GET,
            &format!("/v1/registers/{id}/matters{query}"),
            Some(&key),
            None,
            None,
        )
        .await;
        assert_problem(refused, 400, "invalid-parameter", &[name]).await;
    }
}

#[tokio::test]
async fn a_sheet_saved_from_the_offline_workbook_imports_as_it_is() {
    let app = app().await;
    let (id, key) = register(&app, "办").await;
    // The workbook's register sheet saved as CSV by a spreadsheet: its hidden helper columns
    // come along, dates are written 2026/9/30, the rows below the last are empty.
    let csv = "文号,事由,来文单位,承办人,规则,起算日,延长/商定,截止日,办结日期,状态,\
               （计算用）规则序号,（计算用）期限长度,（计算用）本期截止日,（计算用）填写问题,\
               （计算用）状态序号,（计算用）本期暂定,（计算用）暂定,日历\r\n\
               1号,会签,州发改委,王,第五十条,2026/9/30,2026/10/20,2026/10/20,2026/10/19,按期办结,\
               3,7,2026/10/15,0,11,FALSE,FALSE,cn-xj-kizilsu\r\n\
               ,,,,,,,,,,,,,,,,,\r\n";
    let imported = import(&app, &id, &key, csv).await;
    assert_eq!(imported.status(), StatusCode::CREATED);
    let matter = &list(&app, &id, &key, "").await["matters"][0];
    // Agreed 2026-10-20 (its own 2026-10-15, see `countersign`); done 10-19, in time.
    assert_eq!(matter["due_date"], "2026-10-20");
    assert_eq!(matter["state"], "completed_on_time");
    assert_eq!(
        matter["period"]["rule"], "countersign-reply",
        "the label's rule"
    );
    assert_eq!(
        matter["completed_at"], "2026-10-19T12:00:00+08:00",
        "a date alone: noon, Beijing time"
    );
}

#[tokio::test]
async fn a_matters_texts_are_capped_and_the_refusal_names_the_field() {
    let app = app().await;
    let (id, key) = register(&app, "办").await;
    let mut body = countersign("1号");
    body["subject"] = json!("事".repeat(500));
    create(&app, &id, &key, &body).await;
    body["subject"] = json!("事".repeat(501));
    let long = post_matter(&app, &id, &key, &body).await;
    assert_problem(long, 422, "field-too-long", &["subject", "500"]).await;
    let mut body = countersign(&"号".repeat(101));
    body["notes"] = json!("x".repeat(2000));
    let long = post_matter(&app, &id, &key, &body).await;
    assert_problem(long, 422, "field-too-long", &["doc_number", "100"]).await;

    let csv = format!(
        "文号,承办人,规则,起算日,日历\r\n1号,{},第五十条,2026-09-30,cn-xj-kizilsu\r\n",
        "王".repeat(101)
    );
    let refused = assert_problem(
        import(&app, &id, &key, &csv).await,
        422,
        "invalid-rows",
        &[],
    )
    .await;
    assert_eq!(refused["errors"][0]["row"], 2);
    assert_eq!(refused["errors"][0]["column"], "承办人");
}

#[tokio::test]
async fn completing_a_done_matter_or_reopening_an_open_one_changes_nothing_and_writes_no_history() {
    let app = app().await;
    let (id, key) = register(&app, "办").await;
    let matter = create(&app, &id, &key, &countersign("1号")).await;
    let path = format!(
        "/v1/registers/{id}/matters/{}",
        matter["id"].as_str().unwrap()
    );
    let act = |action: &'static str| {
        let path = format!("{path}/{action}");
        let key = key.clone();
        let app = &app;
        async move { json_of(send(app, Method::POST, &path, Some(&key), None, None)).await }
    };
    let done = act("complete").await;
    assert_eq!(done["version"], 2);
    let again = act("complete").await;
    assert_eq!(again, done, "the matter as it is");
    let open = act("reopen").await;
    assert_eq!(open["version"], 3);
    let again = act("reopen").await;
    assert_eq!(again["version"], 3);
    let acknowledged = act("acknowledge").await;
    assert_eq!(acknowledged["version"], 3, "it had not moved");
    let actions: Vec<String> = history(&app, &id, &key, "").await["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["reopened", "completed", "created"]);

    let with_body = send(
        &app,
        Method::POST,
        &format!("{path}/complete"),
        Some(&key),
        None,
        Some(&json!({"completed_at": "2026-10-01"})),
    )
    .await;
    assert_problem(with_body, 400, "invalid-body", &[]).await;
    let read = json_of(send(&app, Method::GET, &path, Some(&key), None, None)).await;
    assert_eq!(read["completed_at"], Value::Null, "nothing done");
}

#[tokio::test]
async fn a_stored_matter_that_no_longer_reads_back_is_named_and_the_others_are_listed() {
    let state = tempfile::tempdir().unwrap();
    let dir = state.path().to_str().unwrap();
    let app = spawn_app_with(&[("QIXIAN_ADMIN_TOKEN", ADMIN), ("QIXIAN_STATE_DIR", dir)]).await;
    let (id, key) = register(&app, "办").await;
    let good = create(&app, &id, &key, &countersign("1号")).await;
    let bad = create(&app, &id, &key, &countersign("2号")).await;
    // Another program writes what this one cannot read.
    sqlx::any::install_default_drivers();
    let url = format!(
        "sqlite://{}",
        state.path().join("registers.db").to_str().unwrap()
    );
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    sqlx::query("UPDATE matters SET period = '{' WHERE id = $1")
        .bind(bad["id"].as_str().unwrap())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let listed = list(&app, &id, &key, "").await;
    let ids: Vec<&Value> = listed["matters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["id"])
        .collect();
    assert_eq!(ids, [&good["id"]], "the one that reads back");
    assert_eq!(listed["unreadable"][0]["id"], bad["id"], "{listed}");
    assert!(listed["unreadable"][0]["problem"].is_string());
    let csv = exported(&app, &id, &key, "").await;
    let rows = records(&csv);
    assert_eq!(rows.len(), 3, "both matters in the export");
    assert_eq!(rows[2][20], bad["id"].as_str().unwrap(), "named by its id");
    assert!(!rows[2][19].is_empty(), "with its problem");
}
