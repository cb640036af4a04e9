//! `GET /v1/rules`, `/v1/rules/{id}` and `/v1/rules/{set}/{rule}`: the rule sets in force.

use serde_json::{Value, json};

use crate::helpers::{assert_problem, ok_json, spawn_app};

#[tokio::test]
async fn the_rule_sets_are_the_kizilsu_working_rules_and_the_national_statutes() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let book = ok_json(app.get_rules().await).await;

    // Assert: rules/kizilsu.toml, in file order, then rules/national.toml.
    let sets = book["sets"]
        .as_array()
        .expect("expected a list of rule sets");
    let ids: Vec<&str> = sets.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["kizilsu", "national"],
        "expected the two embedded sets"
    );
    let summary: Vec<(Value, Value, Value, Value)> = sets[0]["rules"]
        .as_array()
        .expect("expected an array of rules")
        .iter()
        .map(|r| {
            (
                r["id"].clone(),
                r["unit"].clone(),
                r["amount"].clone(),
                r["adjustable"].clone(),
            )
        })
        .collect();
    let expected: Vec<(Value, Value, Value, Value)> = [
        ("kizilsu/meeting-issuance", "working_days", 7, false),
        ("kizilsu/approved-filing", "calendar_days", 30, false),
        ("kizilsu/countersign-reply", "working_days", 7, true),
    ]
    .into_iter()
    .map(|(id, unit, amount, adjustable)| {
        (id.into(), unit.into(), amount.into(), adjustable.into())
    })
    .collect();
    assert_eq!(
        summary, expected,
        "expected (id, unit, amount, adjustable) of the three rules"
    );
    // 政府信息公开条例 第三十三条: 20 working days, extendable by at most 20.
    let national = sets[1]["rules"].as_array().expect("national rules");
    let info = national
        .iter()
        .find(|r| r["id"] == "national/gov-info-reply")
        .expect("the 政府信息公开 reply");
    assert_eq!(
        (&info["unit"], &info["amount"], &info["extension"]["amount"]),
        (&json!("working_days"), &json!(20), &json!(20)),
        "{info}"
    );
    assert_eq!(book["status"]["dir"], Value::Null, "no operator directory");
}

#[tokio::test]
async fn a_rule_is_found_by_its_set_and_id_and_by_its_own_id_alone() {
    let app = spawn_app().await;
    let full = ok_json(app.get("/v1/rules/national/admin-review-decision").await).await;
    let alone = ok_json(app.get_rule("admin-review-decision").await).await;
    assert_eq!(full, alone, "the same rule either way");
    assert_eq!(full["article"], "第六十二条第一款", "{full}");
    assert_eq!(
        full["extension"]["amount"], 30,
        "行政复议 may be extended by 30 days"
    );
    assert_problem(
        app.get("/v1/rules/kizilsu/gov-info-reply").await,
        404,
        "not-found",
        &["kizilsu/gov-info-reply"],
    )
    .await;
}

#[tokio::test]
async fn the_countersign_rule_says_what_silence_means() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let rule = ok_json(app.get_rule("countersign-reply").await).await;

    // Assert
    assert_eq!(rule["article"], "第五十条", "expected article 50");
    assert_eq!(
        rule["on_lapse"], "deemed_no_objection",
        "expected 逾期不回复视为无不同意见"
    );
    assert!(
        rule["text"]
            .as_str()
            .is_some_and(|t| t.contains("逾期不回复视为无不同意见")),
        "expected the article's words, got {}",
        rule["text"]
    );
}

#[tokio::test]
async fn an_unknown_rule_is_a_404_problem_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.get_rule("annual-report").await;

    // Assert
    assert_problem(response, 404, "not-found", &["annual-report"]).await;
}
