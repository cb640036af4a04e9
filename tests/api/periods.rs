//! The law's period forms over HTTP, and rule sets an operator writes and loads: each case
//! worked out by hand from the 2026 notice on `cn` (see `src/deadline/tests/forms.rs` for the
//! days: 中秋节 9/25–9/27 and 国庆节 10/1–10/7 off, Sun 9/20 and Sat 10/10 working; 清明节
//! 4/4–4/6 off; Sat 2/28 working).

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, ok_json, spawn_app, spawn_app_with};

async fn due(app: &TestApp, query: &[(&str, &str)]) -> Value {
    let mut query = query.to_vec();
    query.push(("calendar", "cn"));
    ok_json(app.get_deadline(&query).await).await
}

#[tokio::test]
async fn months_end_on_the_corresponding_day_or_the_months_last() {
    let app = spawn_app().await;
    let feb = due(
        &app,
        &[
            ("unit", "months"),
            ("amount", "1"),
            ("event", "2026-01-31"),
            ("lang", "zh"),
        ],
    )
    .await;
    assert_eq!(
        feb["due_date"], "2026-02-28",
        "February has no 31st: its last day, a working Saturday"
    );
    let last = feb["explanation"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(
        last["reason"].as_str().unwrap().contains("第二百零二条"),
        "the last day cites 民法典 第二百零二条: {last}"
    );
    let apr = due(
        &app,
        &[("unit", "months"), ("amount", "1"), ("event", "2026-03-31")],
    )
    .await;
    assert_eq!(apr["due_date"], "2026-04-30");
    let year = due(
        &app,
        &[("unit", "years"), ("amount", "1"), ("event", "2025-10-01")],
    )
    .await;
    assert_eq!(
        year["due_date"], "2026-10-08",
        "2026-10-01 is 国庆节: rolled to 10/8"
    );
}

#[tokio::test]
async fn a_backward_period_is_the_latest_day_to_act() {
    let app = spawn_app().await;
    // 会前5个工作日: 10/8, 9/30, 9/29, 9/28, 9/24 before a meeting on Fri 10/9.
    let five = due(
        &app,
        &[
            ("unit", "working_days"),
            ("amount", "5"),
            ("direction", "backward"),
            ("event", "2026-10-09"),
        ],
    )
    .await;
    assert_eq!(five["due_date"], "2026-09-24", "{five}");
    assert_eq!(five["direction"], "backward");
    // 10 calendar days before Sun 10/11 is 10/1, a holiday: moved earlier, to Wed 9/30.
    let ten = due(
        &app,
        &[
            ("unit", "calendar_days"),
            ("amount", "10"),
            ("direction", "backward"),
            ("event", "2026-10-11"),
            ("lang", "zh"),
        ],
    )
    .await;
    assert_eq!(ten["due_date"], "2026-09-30", "{ten}");
}

#[tokio::test]
async fn an_extended_period_adds_the_rules_extension() {
    let app = spawn_app().await;
    let query = [
        ("rule", "national/gov-info-reply"),
        ("event", "2026-09-01"),
        ("explain", "false"),
    ];
    let plain = due(&app, &query).await;
    assert_eq!(plain["due_date"], "2026-09-29");
    let mut extended = query.to_vec();
    extended.push(("extended", "true"));
    let long = due(&app, &extended).await;
    assert_eq!(
        long["due_date"], "2026-11-02",
        "20 + 20 working days: {long}"
    );
    assert_eq!(long["extension"]["amount"], 20);
    assert_eq!(long["rule"], "national/gov-info-reply");
    assert!(
        long["citation"]["source"]
            .as_str()
            .unwrap()
            .contains("政府信息公开条例"),
        "{long}"
    );
    assert_problem(
        app.get_deadline(&[
            ("rule", "meeting-issuance"),
            ("event", "2026-09-01"),
            ("extended", "true"),
        ])
        .await,
        400,
        "no-extension",
        &["meeting-issuance"],
    )
    .await;
}

#[tokio::test]
async fn paused_intervals_repeat_merge_and_resume_the_count() {
    let app = spawn_app().await;
    // 行政许可 20 working days from Mon 3/2 with 检测 3/9–3/18 not counted → Fri 4/10; given as
    // two touching intervals in the query string, and as a list in a JSON body.
    let repeated = due(
        &app,
        &[
            ("rule", "admin-license-decision"),
            ("event", "2026-03-02"),
            ("paused", "2026-03-13/2026-03-18"),
            ("paused", "2026-03-09/2026-03-12"),
            ("explain", "false"),
        ],
    )
    .await;
    assert_eq!(repeated["due_date"], "2026-04-10", "{repeated}");
    assert_eq!(
        repeated["paused"],
        json!([{"from": "2026-03-09", "to": "2026-03-18"}]),
        "touching intervals are one"
    );
    let body = json!({"rule": "admin-license-decision", "event": "2026-03-02", "calendar": "cn",
        "paused": ["2026-03-09/2026-03-18"], "explain": false});
    let posted = ok_json(app.post_json("/v1/deadlines", &body).await).await;
    assert_eq!(posted["due_date"], "2026-04-10");
    assert_problem(
        app.get_deadline(&[
            ("rule", "admin-license-decision"),
            ("event", "2026-03-02"),
            ("paused", "2026-03-18/2026-03-09"),
        ])
        .await,
        400,
        "invalid-parameter",
        &["2026-03-18/2026-03-09"],
    )
    .await;
    // Only `paused` repeats.
    let twice = app
        .get("/v1/deadlines?rule=countersign-reply&rule=meeting-issuance&event=2026-03-02")
        .await;
    assert_problem(twice, 400, "invalid-parameter", &["rule"]).await;
}

#[tokio::test]
async fn a_minimum_period_says_when_the_next_step_may_happen() {
    let app = spawn_app().await;
    let comment = due(
        &app,
        &[
            ("rule", "major-decision-public-comment"),
            ("event", "2026-09-01"),
            ("explain", "false"),
        ],
    )
    .await;
    assert_eq!(
        (
            &comment["due_date"],
            &comment["next_step"],
            &comment["bound"]
        ),
        (
            &json!("2026-10-08"),
            &json!("2026-10-09"),
            &json!("at_least")
        ),
        "{comment}"
    );
}

#[tokio::test]
async fn an_agreed_due_date_is_shown_beside_the_periods_own() {
    let app = spawn_app().await;
    let agreed = due(
        &app,
        &[
            ("rule", "countersign-reply"),
            ("event", "2026-09-30"),
            ("agreed_due", "2026-10-20"),
            ("agreed_by", "州发改委"),
            ("explain", "false"),
        ],
    )
    .await;
    assert_eq!(agreed["due_date"], "2026-10-20");
    assert_eq!(
        agreed["agreed"],
        json!({"due_date": "2026-10-20", "by": "州发改委", "period_due_date": "2026-10-15"})
    );
}

#[tokio::test]
async fn a_rules_own_form_is_not_changed_by_the_caller() {
    let app = spawn_app().await;
    let response = app
        .get_deadline(&[
            ("rule", "countersign-reply"),
            ("event", "2026-09-30"),
            ("direction", "backward"),
        ])
        .await;
    assert_problem(response, 400, "form-not-allowed", &["direction"]).await;
    let unknown = app
        .get_deadline(&[
            ("unit", "working_days"),
            ("amount", "5"),
            ("event", "2026-09-30"),
            ("bound", "most"),
        ])
        .await;
    assert_problem(unknown, 400, "invalid-parameter", &["bound"]).await;
}

const TOKEN: &str = "rules-test-admin-token";

/// An office's own rule set, as an operator writes one in `QIXIAN_RULES_DIR`.
pub const OFFICE: &str = r#"title = { zh = "州政府办公室收文办理时限", en = "The office's own time limits" }
source = "州政府办公室文件处理规定（测试）"

[[rule]]
id = "urgent-reply"
title = { zh = "急件3个工作日内回复", en = "Urgent documents are answered within 3 working days" }
article = "第五条"
text = "急件应当在3个工作日内办结回复。"
event = { zh = "收文", en = "receipt" }
unit = "working_days"
amount = 3
in_force = "2024-01-01"
cutoff = "office_target"
cutoff_basis = "本办公室自身办理的事项：法定期间截止于二十四时，以下班时间为内部目标"
"#;

async fn reload(app: &TestApp) -> Value {
    let response = app
        .client
        .request(Method::POST, format!("{}/v1/admin/reload", app.address))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("the reload is answered");
    ok_json(response).await
}

#[tokio::test]
async fn an_operators_rule_file_is_refused_naming_the_mistake_and_a_good_one_answers_after_reload()
{
    // Arrange: a file whose rule has a unit that does not exist.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("office.toml");
    std::fs::write(
        &file,
        OFFICE.replace("unit = \"working_days\"", "unit = \"weeks\""),
    )
    .unwrap();
    let app = spawn_app_with(&[
        ("QIXIAN_RULES_DIR", dir.path().to_str().unwrap()),
        ("QIXIAN_ADMIN_TOKEN", TOKEN),
    ])
    .await;

    // Assert: refused, naming the file, the rule and the key; the rule is not known.
    let book = ok_json(app.get_rules().await).await;
    let refused = book["status"]["refused"].to_string();
    assert!(
        refused.contains("office.toml")
            && refused.contains("urgent-reply")
            && refused.contains("unit"),
        "{refused}"
    );
    assert_problem(
        app.get_deadline(&[("rule", "office/urgent-reply"), ("event", "2026-09-30")])
            .await,
        400,
        "unknown-rule",
        &["office/urgent-reply"],
    )
    .await;

    // Act: the operator fixes the file and reloads, without a restart.
    std::fs::write(&file, OFFICE).unwrap();
    reload(&app).await;

    // Assert: 3 working days from Wed 9/30 on cn: 10/8, 10/9, Sat 10/10.
    let answer = due(
        &app,
        &[
            ("rule", "office/urgent-reply"),
            ("event", "2026-09-30"),
            ("explain", "false"),
        ],
    )
    .await;
    assert_eq!(answer["due_date"], "2026-10-10", "{answer}");
    let book = ok_json(app.get_rules().await).await;
    assert_eq!(book["status"]["files"], json!(["office.toml"]));
    assert_eq!(book["status"]["refused"], json!([]));
    assert_eq!(
        book["sets"][2]["origin"],
        json!({"kind": "operator_file", "path": "office.toml"})
    );

    // A later bad edit keeps the set in force and says why.
    std::fs::write(&file, OFFICE.replace("amount = 3", "amount = 0")).unwrap();
    reload(&app).await;
    let kept = due(
        &app,
        &[
            ("rule", "office/urgent-reply"),
            ("event", "2026-09-30"),
            ("explain", "false"),
        ],
    )
    .await;
    assert_eq!(
        kept["due_date"], "2026-10-10",
        "the version in force before stays"
    );
    let book = ok_json(app.get_rules().await).await;
    assert!(
        book["status"]["refused"].to_string().contains("amount"),
        "{book}"
    );
}

#[tokio::test]
async fn a_csv_batch_takes_the_forms_as_columns() {
    let app = spawn_app().await;
    let body = "rule,event,calendar,paused,extended,direction,unit,amount\r\n\
                admin-license-decision,2026-03-02,cn,2026-03-09/2026-03-12;2026-03-13/2026-03-18,,,,\r\n\
                gov-info-reply,2026-09-01,cn,,true,,,\r\n\
                ,2026-10-09,cn,,,backward,working_days,5\r\n";
    let response = app
        .request(
            Method::POST,
            "/v1/deadlines/batch",
            Some(body.as_bytes().to_vec()),
            Some("text/csv"),
        )
        .await;
    let text = response.text().await.unwrap();
    let due: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(8).unwrap_or_default())
        .collect();
    assert_eq!(due, ["2026-04-10", "2026-11-02", "2026-09-24"], "{text}");
}

#[tokio::test]
async fn the_explanation_cites_the_article_each_step_applies() {
    let app = spawn_app().await;
    let steps = |answer: &Value| -> Vec<String> {
        answer["explanation"]
            .as_array()
            .expect("explained")
            .iter()
            .map(|s| s["reason"].as_str().unwrap().to_owned())
            .collect()
    };
    let paused = due(
        &app,
        &[
            ("rule", "admin-license-decision"),
            ("event", "2026-03-02"),
            ("paused", "2026-03-09/2026-03-18"),
            ("lang", "zh"),
        ],
    )
    .await;
    assert!(
        steps(&paused)
            .iter()
            .any(|r| r.contains("不计入（《行政许可法》第四十五条）")),
        "{:?}",
        steps(&paused)
    );
    let extended = due(
        &app,
        &[
            ("rule", "gov-info-reply"),
            ("event", "2026-09-01"),
            ("extended", "true"),
            ("lang", "zh"),
        ],
    )
    .await;
    assert!(
        steps(&extended)
            .iter()
            .any(|r| r
                .starts_with("延长期限第1个工作日（政府信息公开条例第三十三条第二款、第三款）")),
        "{:?}",
        steps(&extended)
    );
}

/// A rule file refused at a reload keeps its set's version in force: the data are the same,
/// only the status changed. `/v1/rules` answered 304 to the old ETag then, hiding the refusal,
/// and the reload's answer said nothing of rules; and the status named the directory's path.
#[tokio::test]
async fn a_refused_rule_file_shows_in_the_reload_answer_and_changes_the_rules_etag() {
    // Arrange: a good file in force, and the ETag of the rules that say so.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("office.toml");
    std::fs::write(&file, OFFICE).unwrap();
    let app = spawn_app_with(&[
        ("QIXIAN_RULES_DIR", dir.path().to_str().unwrap()),
        ("QIXIAN_ADMIN_TOKEN", TOKEN),
    ])
    .await;
    let first = app.get_rules().await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let book = ok_json(first).await;
    assert_eq!(
        book["status"]["dir"], "QIXIAN_RULES_DIR",
        "the setting is named, not the path: {book}"
    );

    // Act: the operator breaks the file and reloads.
    std::fs::write(
        &file,
        OFFICE.replace("unit = \"working_days\"", "unit = \"weeks\""),
    )
    .unwrap();
    let reloaded = reload(&app).await;
    let again = app
        .client
        .get(format!("{}/v1/rules", app.address))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();

    // Assert
    assert!(
        reloaded["rules"]["refused"]
            .to_string()
            .contains("office.toml"),
        "the reload's answer reports the refused rule file: {reloaded}"
    );
    assert_eq!(again.status(), 200, "the old ETag no longer matches");
    let book = ok_json(again).await;
    assert!(
        book["status"]["refused"]
            .to_string()
            .contains("office.toml"),
        "and the answer shows the refusal: {book}"
    );
}
