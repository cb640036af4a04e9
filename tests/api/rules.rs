//! `GET /v1/rules` and `GET /v1/rules/{id}`: the three deadlines of rules/kizilsu.toml.

use serde_json::Value;

use crate::helpers::{assert_problem, ok_json, spawn_app};

#[tokio::test]
async fn the_rules_are_the_three_of_the_kizilsu_working_rules() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let rules = ok_json(app.get_rules().await).await;

    // Assert: rules/kizilsu.toml, in file order.
    let summary: Vec<(Value, Value, Value, Value)> = rules
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
        ("meeting-issuance", "working_days", 7, false),
        ("approved-filing", "calendar_days", 30, false),
        ("countersign-reply", "working_days", 7, true),
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
