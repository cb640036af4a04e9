//! Office hours over HTTP: `/v1/hours/add`, `/v1/hours/count`, `/v1/office`, and the deadline's
//! close of business. Expected values are worked out by hand from holidays/cn-xj/hours.json
//! (winter from 10-01: 10:00–14:00, 15:30–19:30; summer from 05-01: 10:00–14:00, 16:00–20:00,
//! Beijing time) and the 2026 notices.

use serde_json::Value;

use crate::helpers::{assert_problem, spawn_app};

async fn json(app: &crate::helpers::TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("JSON")
}

#[tokio::test]
async fn office_time_is_added_across_the_midday_break_and_the_national_day_span() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let midday = json(&app, "/v1/hours/add?start=2026-10-12T13:00&hours=2").await;
    let national_day = json(&app, "/v1/hours/add?start=2026-09-30T19:00&hours=2").await;
    let text = app
        .get("/v1/hours/add?start=2026-10-09T19:00&hours=1&format=text")
        .await
        .text()
        .await
        .unwrap();

    // Assert: 13:00–14:00, then 15:30–16:30.
    assert_eq!(midday["end"], "2026-10-12T16:30:00+08:00");
    assert_eq!(
        midday["end_by_zone"]["Asia/Urumqi"],
        "2026-10-12T14:30:00+06:00"
    );
    // Wed 9/30 (summer) 19:00–20:00; 10/1–10/7 off; Thu 10/8 (winter) 10:00–11:00.
    assert_eq!(national_day["end"], "2026-10-08T11:00:00+08:00");
    // Fri 10/9 19:00–19:30, then the makeup Saturday 10/10 10:00–10:30.
    assert_eq!(text, "2026-10-10T10:30:00+08:00");
}

#[tokio::test]
async fn office_time_is_counted_and_negative_amounts_go_backwards() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let count = json(
        &app,
        "/v1/hours/count?from=2026-10-12T10:30&to=2026-10-12T15:45",
    )
    .await;
    let week = json(&app, "/v1/hours/count?from=2026-10-12&to=2026-10-19").await;
    let back = json(&app, "/v1/hours/add?start=2026-10-12T10:30&hours=-1").await;

    // Assert: 10:30–14:00 (210 min) and 15:30–15:45 (15 min).
    assert_eq!(
        (count["minutes"].as_i64(), count["hours"].as_f64()),
        (Some(225), Some(3.75))
    );
    // Mon–Fri, 8 hours each.
    assert_eq!(week["minutes"], 2400);
    // 10:00–10:30, then the makeup Saturday 19:00–19:30.
    assert_eq!(back["end"], "2026-10-10T19:00:00+08:00");
}

#[tokio::test]
async fn the_office_is_open_at_13_59_closed_at_14_00_and_opens_again_by_season() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let winter_1359 = json(&app, "/v1/office?at=2026-11-10T13:59").await;
    let winter_1400 = json(&app, "/v1/office?at=2026-11-10T14:00").await;
    let winter_1545 = json(&app, "/v1/office?at=2026-11-10T15:45").await;
    let summer_1545 = json(&app, "/v1/office?at=2026-06-10T15:45").await;
    let text = app
        .get("/v1/office?at=2026-06-10T13:59&format=text")
        .await
        .text()
        .await
        .unwrap();

    // Assert
    assert_eq!(winter_1359["open"], true);
    assert_eq!(winter_1359["interval"]["to"], "2026-11-10T14:00:00+08:00");
    assert_eq!(winter_1400["open"], false);
    assert_eq!(winter_1400["next_opening"], "2026-11-10T15:30:00+08:00");
    assert_eq!(
        winter_1545["open"], true,
        "winter afternoons start at 15:30"
    );
    assert_eq!(winter_1545["closes_at"], "2026-11-10T19:30:00+08:00");
    assert_eq!(
        summer_1545["open"], false,
        "summer afternoons start at 16:00"
    );
    assert_eq!(summer_1545["next_opening"], "2026-06-10T16:00:00+08:00");
    assert_eq!(text, "1");
}

#[tokio::test]
async fn the_national_calendar_has_no_hours_unless_the_request_brings_them() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let refused = app
        .get("/v1/hours/add?start=2026-10-12T13:00&hours=2&calendar=cn")
        .await;
    let given = json(
        &app,
        "/v1/hours/add?start=2026-10-12T13:00&hours=2&calendar=cn&office_hours=09:00-12:00,13:30-17:30",
    )
    .await;
    let bad = app
        .get("/v1/office?at=2026-10-12T13:00&office_hours=09:00-12:00,11:00-17:00")
        .await;

    // Assert
    assert_problem(refused, 422, "no-office-hours", &["cn", "office_hours"]).await;
    // 13:30–15:30.
    assert_eq!(given["end"], "2026-10-12T15:30:00+08:00");
    assert_problem(
        bad,
        400,
        "invalid-parameter",
        &["office_hours", "11:00-17:00", "09:00-12:00"],
    )
    .await;
}

#[tokio::test]
async fn a_deadline_ends_at_the_close_of_business_in_summer_and_says_why() {
    // Arrange: 第四十二条 from a meeting that ended Fri 2026-04-24: 4/27 (1), 4/28 (2), 4/29 (3),
    // 4/30 (4), 5/1–5/5 off, 5/6 (5), 5/7 (6), Fri 5/8 (7) — summer, closing at 20:00.
    let app = spawn_app().await;

    // Act
    let answer = json(
        &app,
        "/v1/deadlines?rule=meeting-issuance&event=2026-04-24T17:00",
    )
    .await;
    let midnight = json(
        &app,
        "/v1/deadlines?rule=meeting-issuance&event=2026-04-24T17:00&cutoff=midnight",
    )
    .await;
    let national = json(
        &app,
        "/v1/deadlines?rule=meeting-issuance&event=2026-04-24T17:00&calendar=cn",
    )
    .await;

    // Assert
    assert_eq!(answer["due_date"], "2026-05-08");
    assert_eq!(answer["due_at"], "2026-05-08T20:00:00+08:00");
    assert_eq!(answer["cutoff"], "close_of_business");
    let basis = answer["cutoff_basis"].as_str().unwrap();
    assert!(
        basis.contains("16:00-20:00")
            && basis.contains("art. 203")
            && basis.contains("carried over"),
        "{basis}"
    );
    assert_eq!(
        midnight["due_at"], "2026-05-09T00:00:00+08:00",
        "24:00, as asked"
    );
    assert_eq!(midnight["cutoff"], "midnight");
    assert_eq!(
        national["due_at"], "2026-05-09T00:00:00+08:00",
        "no national hours"
    );
    assert_eq!(national["cutoff"], "midnight");
}

#[tokio::test]
async fn a_period_in_working_hours_runs_from_the_event_instant() {
    // Arrange: 8 working hours from Fri 2026-10-09 17:00 (winter): 17:00–19:30 (2 h 30), the
    // makeup Saturday 10/10 10:00–14:00 (4 h) and 15:30–17:00 (1 h 30).
    let app = spawn_app().await;

    // Act
    let answer = json(
        &app,
        "/v1/deadlines?unit=working_hours&amount=8&event=2026-10-09T17:00&lang=en",
    )
    .await;

    // Assert
    assert_eq!(answer["due_at"], "2026-10-10T17:00:00+08:00");
    assert_eq!(answer["due_date"], "2026-10-10");
    assert_eq!(answer["cutoff"], "office_time");
    let steps = answer["explanation"].as_array().unwrap();
    assert_eq!(steps[0]["minutes"], 150, "{steps:?}");
    assert_eq!(steps[1]["minutes"], 330, "{steps:?}");
}
