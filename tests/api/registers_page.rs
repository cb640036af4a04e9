//! What the page's 台账 view reads of a register: each matter's state in words (`state_text`),
//! in the language asked for, as a deadline's status says it, so that the page shows the API's
//! words and never words a state itself.

use chrono::{Datelike, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app_with};

const ADMIN: &str = "register-page-test-admin-token";

/// A new register's id and key.
async fn register(app: &TestApp) -> (String, String) {
    let response = app
        .client
        .post(format!("{}/v1/admin/registers", app.address))
        .bearer_auth(ADMIN)
        .json(&json!({"name": "州政府办公室"}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::CREATED, "a register is made");
    let body: Value = response.json().await.expect("JSON");
    (
        body["id"].as_str().expect("an id").to_owned(),
        body["key"].as_str().expect("a key").to_owned(),
    )
}

#[tokio::test]
async fn a_matter_says_its_state_in_words_in_the_language_asked_for() {
    // Arrange: a matter whose period begins in 2099, so that today it has not begun, whatever
    // today is; its words are the status's for that state, as of today on Beijing time.
    let app = spawn_app_with(&[("QIXIAN_ADMIN_TOKEN", ADMIN)]).await;
    let (id, key) = register(&app).await;
    let matters = format!("{}/v1/registers/{id}/matters", app.address);
    let created = app
        .client
        .post(&matters)
        .bearer_auth(&key)
        .json(&json!({
            "subject": "调研报告",
            "period": {"unit": "working_days", "amount": 5, "event": "2099-01-05", "calendar": "cn"}
        }))
        .send()
        .await
        .expect("an answer");
    assert_eq!(created.status(), StatusCode::CREATED);
    let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();

    for (lang, expected) in [
        (
            "zh",
            format!(
                "截至{}年{}月{}日，尚未起算",
                today.year(),
                today.month(),
                today.day()
            ),
        ),
        ("en", format!("as of {today}, the period has not begun")),
    ] {
        // Act
        let list: Value = app
            .client
            .get(format!("{matters}?lang={lang}"))
            .bearer_auth(&key)
            .send()
            .await
            .expect("an answer")
            .json()
            .await
            .expect("JSON");

        // Assert
        let matter = &list["matters"][0];
        assert_eq!(matter["state"], "not_started", "2099 has not begun");
        assert_eq!(
            matter["state_text"], expected,
            "the state in words, in {lang}, as a status says it"
        );
    }
}
