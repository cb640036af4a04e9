//! The law where it bites (issue 21), through the API: each rule's own cutoff, the forms its
//! statute allows, the text in force on the event's day, the words clerks search by, and
//! status sentences that never say 「已逾期0个工作日」. Dates are counted by hand from
//! `holidays/` in each test's comments.

use serde_json::Value;

use crate::helpers::{assert_problem, ok_json, spawn_app};

#[tokio::test]
async fn an_application_for_review_at_21_00_on_its_last_day_is_in_time_and_a_posted_one_too() {
    // Arrange — the audit's request. 6/15 + 60 days = Fri 8/14.
    let app = spawn_app().await;

    // Act
    let answer = ok_json(
        app.get(
            "/v1/deadlines?rule=national/admin-review-application&event=2026-06-15\
             &as_of=2026-08-14T21:00&explain=false&lang=zh",
        )
        .await,
    )
    .await;

    // Assert
    assert_eq!(answer["due_date"], "2026-08-14");
    assert_eq!(answer["due_at"], "2026-08-15T00:00:00+08:00", "24:00");
    assert_eq!(answer["cutoff"], "midnight");
    assert_eq!(answer["status"]["state"], "due_today", "{answer}");
    let basis = answer["cutoff_basis"].as_str().unwrap();
    assert!(
        basis.contains("交邮") && basis.contains("《民事诉讼法》第八十五条"),
        "{basis}"
    );
    assert_eq!(answer["citation"]["cutoff"], "midnight");
    assert_eq!(answer["citation"]["period_law"], "civil_procedure");
}

#[tokio::test]
async fn an_offices_own_duty_gives_its_target_and_the_laws_end() {
    // 第四十二条 from Mon 9/28: 9/29, 9/30, 10/8, 10/9, 10/10 (makeup), 10/12, 10/13 (7).
    let app = spawn_app().await;
    let answer = ok_json(
        app.get(
            "/v1/deadlines?rule=kizilsu/meeting-issuance&event=2026-09-28&explain=false&lang=zh",
        )
        .await,
    )
    .await;
    assert_eq!(answer["due_at"], "2026-10-13T19:30:00+08:00", "the target");
    assert_eq!(
        answer["legal_end_at"], "2026-10-14T00:00:00+08:00",
        "the law's end"
    );
    assert!(
        answer["cutoff_basis"]
            .as_str()
            .unwrap()
            .contains("内部目标"),
        "{answer}"
    );
}

#[tokio::test]
async fn an_agreed_date_or_paused_time_the_statute_does_not_allow_is_refused_by_name() {
    let app = spawn_app().await;
    let agreed = app
        .get(
            "/v1/deadlines?rule=national/admin-license-decision&event=2026-06-02&calendar=cn\
             &agreed_due=2026-12-31",
        )
        .await;
    assert_problem(
        agreed,
        400,
        "not-allowed-by-statute",
        &["national/admin-license-decision", "agreed_due", "extended"],
    )
    .await;
    let paused = app
        .get(
            "/v1/deadlines?rule=kizilsu/meeting-issuance&event=2026-06-02&calendar=cn\
             &paused=2026-06-08/2026-06-09",
        )
        .await;
    assert_problem(
        paused,
        400,
        "not-allowed-by-statute",
        &["kizilsu/meeting-issuance", "paused"],
    )
    .await;
}

#[tokio::test]
async fn the_text_in_force_on_the_events_day_is_counted() {
    let app = spawn_app().await;
    // 政府信息公开条例 (2007) 第二十四条: 15 working days from Fri 2018-06-01 (端午 6/16–6/18):
    // 6/4–6/8 (5), 6/11–6/15 (10), 6/19–6/22 (14), Mon 6/25 (15).
    let then = ok_json(
        app.get("/v1/deadlines?rule=national/gov-info-reply&event=2018-06-01&calendar=cn")
            .await,
    )
    .await;
    assert_eq!(then["due_date"], "2018-06-25", "not 2018-07-02");
    assert_eq!(then["amount"], 15);
    assert_eq!(then["citation"]["earlier_text"], true);
    assert_eq!(then["citation"]["in_force"], "2008-05-01");
    assert!(
        then["citation"]["text"]
            .as_str()
            .unwrap()
            .contains("15个工作日内予以答复"),
        "{then}"
    );
    // 行政处罚法 第六十条's 90 days did not exist before 2021-07-15.
    let before = app
        .get("/v1/deadlines?rule=national/admin-penalty-decision&event=2020-06-15&calendar=cn")
        .await;
    assert_problem(before, 422, "not-in-force", &["2021-07-15"]).await;
}

#[tokio::test]
async fn a_clerk_finds_a_rule_by_the_words_the_office_uses() {
    let app = spawn_app().await;
    for (words, rule) in [
        ("会议纪要", "kizilsu/meeting-issuance"),
        ("会签", "kizilsu/countersign-reply"),
        ("规范性文件", "kizilsu/approved-filing"),
        ("依申请公开", "national/gov-info-reply"),
    ] {
        let found = ok_json(app.get(&format!("/v1/rules?q={words}")).await).await;
        let ids: Vec<String> = found["sets"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["rules"].as_array().unwrap().iter())
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(ids.contains(&rule.to_owned()), "{words}: {ids:?}");
        assert!(ids.len() < 10, "{words} narrows the list: {ids:?}");
    }
}

#[tokio::test]
async fn no_status_says_overdue_by_zero_working_days() {
    // The audit's case: 第五十条 with a date agreed on Sat 6/20 (端午节 6/19–6/21), judged on
    // Sun 6/21: one working day late at the least (Mon 6/22). And 第五十条 from Wed 9/30 on its
    // due day 10/15 after the 19:30 close: past the deadline's last moment.
    let app = spawn_app().await;
    let mut texts = Vec::new();
    for (path, want) in [
        (
            "/v1/deadlines?rule=kizilsu/countersign-reply&event=2026-06-02&calendar=cn-xj\
             &agreed_due=2026-06-20&as_of=2026-06-21&explain=false&lang=zh",
            "已逾期1个工作日",
        ),
        (
            "/v1/deadlines?rule=kizilsu/countersign-reply&event=2026-09-30&as_of=2026-10-15T20:00\
             &explain=false&lang=zh",
            "已过截止时间",
        ),
    ] {
        let answer: Value = ok_json(app.get(path).await).await;
        let text = answer["status"]["text"].as_str().unwrap().to_owned();
        assert!(text.contains(want), "{path}: {text}");
        texts.push(text);
    }
    // Every day and both sides of the close from the due day on, for three rules.
    for rule in [
        "kizilsu/countersign-reply",
        "kizilsu/approved-filing",
        "national/admin-review-application",
    ] {
        for day in 10..=25 {
            for time in ["09:00", "21:00"] {
                let path = format!(
                    "/v1/deadlines?rule={rule}&event=2026-09-30&as_of=2026-10-{day}T{time}\
                     &explain=false&lang=zh"
                );
                let answer: Value = ok_json(app.get(&path).await).await;
                texts.push(answer["status"]["text"].as_str().unwrap().to_owned());
            }
        }
    }
    for text in &texts {
        assert!(!text.contains("已逾期0个工作日"), "{text}");
    }
}

#[tokio::test]
async fn a_picker_lists_rules_briefly_and_a_rule_comes_whole_with_its_earlier_texts() {
    let app = spawn_app().await;
    let brief = ok_json(app.get("/v1/rules?brief=true&q=依申请公开").await).await;
    let first = &brief["sets"][0]["rules"][0];
    assert_eq!(first["id"], "national/gov-info-reply", "{brief}");
    assert!(first.get("text").is_none(), "named only: {first}");
    let list = ok_json(app.get("/v1/rules?q=依申请公开").await).await;
    let earlier = &list["sets"][0]["rules"][0]["earlier"][0];
    assert_eq!(earlier["in_force"], "2008-05-01");
    assert!(earlier.get("text").is_none(), "a list leaves the words out");
    let whole = ok_json(app.get("/v1/rules/national/gov-info-reply").await).await;
    assert!(
        whole["earlier"][0]["text"]
            .as_str()
            .unwrap()
            .contains("15个工作日内予以答复"),
        "{whole}"
    );
    assert_eq!(
        whole["earlier"][0]["source"]["repo"],
        "Theonefkguy/Chinese-Laws"
    );
}
