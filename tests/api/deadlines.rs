//! `POST /v1/deadlines` and `GET /v1/deadlines`: the three rules of rules/kizilsu.toml on each
//! calendar, each event form on both clocks, status before, on and after the due date, the
//! countersign consequence, ad hoc periods, explanation, `strict`, and the errors.
//!
//! Every expected date is counted by hand from holidays/cn/2025.json, 2026.json and
//! holidays/cn-xj/2025.json, 2026.json (see the comment beside it); the worked examples of
//! legal-periods.md are used where they fit. The start day is never counted; a working-day
//! period skips rest days and counts makeup days; a calendar-day period only rolls its last day
//! forward to a working day; the period ends at 24:00 of the due date on the counting clock.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, ok_json, spawn_app};

const CALENDARS: [&str; 3] = ["cn", "cn-xj", "cn-xj-kizilsu"];

async fn deadline(app: &TestApp, body: Value) -> Value {
    ok_json(app.post_deadline(&body).await).await
}

/// The due date of `rule` for `event` on each of [`CALENDARS`].
async fn due_dates(app: &TestApp, rule: &str, event: &str) -> Vec<String> {
    let mut dates = Vec::new();
    for calendar in CALENDARS {
        let answer = deadline(
            app,
            json!({"rule": rule, "event": event, "calendar": calendar}),
        )
        .await;
        assert_eq!(
            answer["calendar"], calendar,
            "expected the calendar asked for"
        );
        dates.push(answer["due_date"].as_str().unwrap_or_default().to_owned());
    }
    dates
}

// ---- each rule on each calendar -------------------------------------------------------------

#[tokio::test]
async fn meeting_issuance_skips_the_xinjiang_festival_of_sacrifice() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let dates = due_dates(&app, "meeting-issuance", "2025-06-04").await;

    // Assert — legal-periods.md's second worked example, from Wed 2025-06-04:
    // cn: 6/5 (1), 6/6 (2), 6/9 (3), 6/10 (4), 6/11 (5), 6/12 (6), Fri 6/13 (7).
    // cn-xj: 6/5 (1), 古尔邦节 6/6–6/10 off, 6/11 (2), 6/12 (3), 6/13 (4), 6/16 (5), 6/17 (6),
    // Wed 6/18 (7). Kizilsu has no days of its own, so it follows cn-xj.
    assert_eq!(
        dates,
        ["2025-06-13", "2025-06-18", "2025-06-18"],
        "expected cn, cn-xj, cn-xj-kizilsu due dates"
    );
}

#[tokio::test]
async fn meeting_issuance_counts_the_spring_festival_makeup_days() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let dates = due_dates(&app, "meeting-issuance", "2025-01-24").await;

    // Assert — the first worked example, from Fri 2025-01-24: Sun 1/26 makeup (1), 1/27 (2),
    // 1/28–2/4 春节 off, 2/5 (3), 2/6 (4), 2/7 (5), Sat 2/8 makeup (6), Mon 2/10 (7). Xinjiang
    // has no festival then.
    assert_eq!(
        dates,
        ["2025-02-10", "2025-02-10", "2025-02-10"],
        "expected Mon 2025-02-10 everywhere"
    );
}

#[tokio::test]
async fn meeting_issuance_answers_the_rule_unit_amount_and_citation() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = deadline(
        &app,
        json!({"rule": "meeting-issuance", "event": "2025-06-04", "calendar": "cn"}),
    )
    .await;

    // Assert: rules/kizilsu.toml, 第四十二条, 7 working days.
    assert_eq!(
        answer["rule"], "kizilsu/meeting-issuance",
        "expected the rule echoed"
    );
    assert_eq!(answer["unit"], "working_days", "expected working days");
    assert_eq!(answer["amount"], 7, "expected seven");
    assert_eq!(
        answer["event_date"], "2025-06-04",
        "expected the event's date"
    );
    assert_eq!(
        answer["timezone"], "Asia/Shanghai",
        "expected Beijing time by default"
    );
    assert_eq!(answer["provisional"], false, "expected 2025 published");
    assert_eq!(
        answer["citation"]["article"], "第四十二条",
        "expected the article"
    );
    assert!(
        answer["citation"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("会议结束后7个工作日内印发")),
        "expected the article's words, got {}",
        answer["citation"]
    );
    assert!(
        answer["citation"]["source"]
            .as_str()
            .is_some_and(|s| s.contains("克孜勒苏柯尔克孜自治州人民政府工作规则")),
        "expected the working rules as source, got {}",
        answer["citation"]
    );
}

#[tokio::test]
async fn approved_filing_rolls_a_last_day_on_rozi_festival_forward() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let dates = due_dates(&app, "approved-filing", "2025-03-01").await;

    // Assert — the third worked example: Sat 2025-03-01 + 30 days = Mon 3/31. cn: a working
    // day. cn-xj (and Kizilsu): 3/31 is 肉孜节 off, so Tue 4/1.
    assert_eq!(
        dates,
        ["2025-03-31", "2025-04-01", "2025-04-01"],
        "expected cn, cn-xj, cn-xj-kizilsu due dates"
    );
}

#[tokio::test]
async fn approved_filing_rolls_a_last_day_inside_national_day_past_the_break() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let dates = due_dates(&app, "approved-filing", "2025-09-01").await;

    // Assert — the fourth worked example: Mon 2025-09-01 + 30 = Wed 10/1, inside 国庆节、中秋节
    // 10/1–10/8, so Thu 10/9 on every calendar.
    assert_eq!(
        dates,
        ["2025-10-09", "2025-10-09", "2025-10-09"],
        "expected Thu 2025-10-09 everywhere"
    );
}

#[tokio::test]
async fn approved_filing_in_2026_moves_for_the_festival_of_sacrifice_in_xinjiang_only() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let dates = due_dates(&app, "approved-filing", "2026-04-27").await;

    // Assert: Mon 2026-04-27 + 30 = Wed 5/27 (3 days to 4/30, 27 into May). cn: working.
    // cn-xj/2026.json: 古尔邦节 5/27–5/31 off, so Mon 6/1 (端午 is 6/19).
    assert_eq!(
        dates,
        ["2026-05-27", "2026-06-01", "2026-06-01"],
        "expected cn, cn-xj, cn-xj-kizilsu due dates"
    );
}

#[tokio::test]
async fn approved_filing_counts_every_day_and_rolls_only_a_rest_day() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let onto_sunday = deadline(
        &app,
        json!({"rule": "approved-filing", "event": "2026-02-06", "calendar": "cn"}),
    )
    .await;
    let onto_makeup = deadline(
        &app,
        json!({"rule": "approved-filing", "event": "2026-09-10", "calendar": "cn"}),
    )
    .await;

    // Assert
    // Fri 2/6 + 30 = Sun 3/8 (22 days to 2/28, 8 into March; 春节 in between counts): Mon 3/9.
    assert_eq!(
        onto_sunday["due_date"], "2026-03-09",
        "expected Sunday rolled to Monday"
    );
    assert_eq!(
        onto_sunday["unit"], "calendar_days",
        "expected calendar days"
    );
    assert_eq!(onto_sunday["amount"], 30, "expected thirty");
    assert_eq!(
        onto_sunday["citation"]["article"], "第四十九条",
        "expected the article"
    );
    // Thu 9/10 + 30 = Sat 10/10 (20 days to 9/30, 10 into October), a 国庆节 makeup working
    // day, so it stays.
    assert_eq!(
        onto_makeup["due_date"], "2026-10-10",
        "expected the makeup Saturday kept"
    );
}

#[tokio::test]
async fn countersign_reply_skips_rozi_festival_in_xinjiang() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let dates = due_dates(&app, "countersign-reply", "2026-03-18").await;

    // Assert, from Wed 2026-03-18:
    // cn: 3/19 (1), 3/20 (2), 3/23 (3), 3/24 (4), 3/25 (5), 3/26 (6), Fri 3/27 (7).
    // cn-xj: 3/19 (1), 肉孜节 3/20–3/22 off, 3/23 (2), 3/24 (3), 3/25 (4), 3/26 (5), 3/27 (6),
    // Mon 3/30 (7).
    assert_eq!(
        dates,
        ["2026-03-27", "2026-03-30", "2026-03-30"],
        "expected cn, cn-xj, cn-xj-kizilsu due dates"
    );
}

#[tokio::test]
async fn countersign_reply_over_national_day_ends_at_the_close_of_business() {
    // Arrange
    let app = spawn_app().await;

    // Act: the default calendar, the default clock.
    let answer = deadline(
        &app,
        json!({"rule": "countersign-reply", "event": "2026-09-30"}),
    )
    .await;

    // Assert: from Wed 9/30, 10/1–10/7 off, 10/8 (1), 10/9 (2), Sat 10/10 makeup (3),
    // 10/12 (4), 10/13 (5), 10/14 (6), Thu 10/15 (7). Xinjiang's winter hours (from 10/1:
    // 10:00–14:00, 15:30–19:30 Beijing time) close at 19:30 Beijing = 17:30 Urumqi.
    assert_eq!(
        answer["calendar"], "cn-xj-kizilsu",
        "expected the default calendar"
    );
    assert_eq!(answer["due_date"], "2026-10-15", "expected Thu 2026-10-15");
    assert_eq!(
        answer["due_at"], "2026-10-15T19:30:00+08:00",
        "expected the close of business of the due date in Beijing"
    );
    assert_eq!(answer["cutoff"], "close_of_business");
    assert_eq!(
        answer["due_at_by_zone"]["Asia/Shanghai"], "2026-10-15T19:30:00+08:00",
        "expected the same instant on the Beijing clock"
    );
    assert_eq!(
        answer["due_at_by_zone"]["Asia/Urumqi"], "2026-10-15T17:30:00+06:00",
        "expected the same instant on the Urumqi clock"
    );
    assert_eq!(
        answer["citation"]["article"], "第五十条",
        "expected the article"
    );
}

#[tokio::test]
async fn countersign_reply_takes_the_host_departments_own_days() {
    // Arrange
    let app = spawn_app().await;
    let with_days = |days: i64| json!({"rule": "countersign-reply", "event": "2026-09-30", "calendar": "cn", "days": days});

    // Act
    let three = deadline(&app, with_days(3)).await;
    let ten = deadline(&app, with_days(10)).await;

    // Assert, from Wed 9/30 over 国庆节:
    // 3: 10/8 (1), 10/9 (2), Sat 10/10 makeup (3).
    assert_eq!(
        three["due_date"], "2026-10-10",
        "expected the makeup Saturday"
    );
    assert_eq!(three["amount"], 3, "expected the caller's amount");
    // 10: … 10/15 (7), 10/16 (8), Mon 10/19 (9), Tue 10/20 (10).
    assert_eq!(ten["due_date"], "2026-10-20", "expected Tue 2026-10-20");
    assert_eq!(ten["amount"], 10, "expected the caller's amount");
    assert_eq!(
        ten["rule"], "kizilsu/countersign-reply",
        "expected the rule kept, by its full id"
    );
}

#[tokio::test]
async fn countersign_reply_accepts_the_longest_period_of_3650_days() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = deadline(
        &app,
        json!({"rule": "countersign-reply", "event": "2026-09-30", "days": 3650}),
    )
    .await;

    // Assert: some 14 years of working days, well into unpublished years but before 2100.
    assert_eq!(answer["amount"], 3650, "expected the upper bound accepted");
    assert_eq!(answer["provisional"], true, "expected a provisional answer");
}

#[tokio::test]
async fn countersign_reply_refuses_days_out_of_range_naming_them() {
    // Arrange
    let app = spawn_app().await;

    for days in [0, -1, 3651] {
        // Act
        let response = app
            .post_deadline(
                &json!({"rule": "countersign-reply", "event": "2026-09-30", "days": days}),
            )
            .await;

        // Assert
        assert_problem(
            response,
            400,
            "amount-out-of-range",
            &[&days.to_string(), "3650"],
        )
        .await;
    }
}

#[tokio::test]
async fn a_fixed_rule_refuses_days_naming_the_rule() {
    // Arrange
    let app = spawn_app().await;

    for rule in ["meeting-issuance", "approved-filing"] {
        // Act
        let response = app
            .post_deadline(&json!({"rule": rule, "event": "2026-09-30", "days": 5}))
            .await;

        // Assert
        assert_problem(response, 400, "days-not-allowed", &[rule]).await;
    }
}

// ---- event forms and clocks -----------------------------------------------------------------

#[tokio::test]
async fn an_instant_with_an_offset_is_counted_from_its_date_on_the_beijing_clock() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = deadline(
        &app,
        json!({
            "rule": "meeting-issuance",
            "event": "2026-10-09T01:30:00+08:00",
            "calendar": "cn-xj-kizilsu"
        }),
    )
    .await;

    // Assert: Fri 10/9 in Beijing. Sat 10/10 makeup (1), 10/12 (2), 10/13 (3), 10/14 (4),
    // 10/15 (5), 10/16 (6), Mon 10/19 (7).
    assert_eq!(
        answer["event_date"], "2026-10-09",
        "expected the Beijing date"
    );
    assert_eq!(answer["due_date"], "2026-10-19", "expected Mon 2026-10-19");
    assert_eq!(
        answer["due_at"], "2026-10-19T19:30:00+08:00",
        "expected the winter close of business, 19:30 Beijing"
    );
    assert_eq!(
        answer["due_at_by_zone"]["Asia/Urumqi"], "2026-10-19T17:30:00+06:00",
        "expected 17:30 Urumqi"
    );
}

#[tokio::test]
async fn an_instant_with_an_offset_is_counted_from_its_date_on_the_urumqi_clock() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = deadline(
        &app,
        json!({
            "rule": "meeting-issuance",
            "event": "2026-10-09T01:30:00+08:00",
            "calendar": "cn-xj-kizilsu",
            "timezone": "Asia/Urumqi"
        }),
    )
    .await;

    // Assert: 01:30 Beijing is 23:30 on Thu 10/8 in Urumqi. 10/9 (1), Sat 10/10 makeup (2),
    // 10/12 (3), 10/13 (4), 10/14 (5), 10/15 (6), Fri 10/16 (7).
    assert_eq!(
        answer["timezone"], "Asia/Urumqi",
        "expected the clock asked for"
    );
    assert_eq!(
        answer["event_date"], "2026-10-08",
        "expected the Urumqi date"
    );
    assert_eq!(answer["due_date"], "2026-10-16", "expected Fri 2026-10-16");
    assert_eq!(
        answer["due_at"], "2026-10-16T17:30:00+06:00",
        "expected the office's close, 19:30 Beijing, on the Urumqi clock"
    );
    assert_eq!(
        answer["due_at_by_zone"]["Asia/Urumqi"], "2026-10-16T17:30:00+06:00",
        "expected 17:30 on the Urumqi clock"
    );
    assert_eq!(
        answer["due_at_by_zone"]["Asia/Shanghai"], "2026-10-16T19:30:00+08:00",
        "expected 19:30 in Beijing"
    );
}

#[tokio::test]
async fn a_utc_instant_written_with_z_is_the_same_instant() {
    // Arrange
    let app = spawn_app().await;
    let body = |zone: &str| json!({"rule": "meeting-issuance", "event": "2026-10-08T17:30:00Z", "timezone": zone});

    // Act
    let beijing = deadline(&app, body("Asia/Shanghai")).await;
    let urumqi = deadline(&app, body("Asia/Urumqi")).await;

    // Assert: 17:30Z is 01:30 on 10/9 in Beijing and 23:30 on 10/8 in Urumqi, as above.
    assert_eq!(
        beijing["event_date"], "2026-10-09",
        "expected the Beijing date"
    );
    assert_eq!(beijing["due_date"], "2026-10-19", "expected Mon 2026-10-19");
    assert_eq!(
        urumqi["event_date"], "2026-10-08",
        "expected the Urumqi date"
    );
    assert_eq!(urumqi["due_date"], "2026-10-16", "expected Fri 2026-10-16");
}

#[tokio::test]
async fn a_local_date_time_without_offset_is_read_on_the_counting_clock() {
    // Arrange
    let app = spawn_app().await;
    let body = |event: &str, zone: &str| json!({"rule": "meeting-issuance", "event": event, "timezone": zone});

    // Act
    let beijing = deadline(&app, body("2026-10-09T01:30:00", "Asia/Shanghai")).await;
    let urumqi = deadline(&app, body("2026-10-09T01:30:00", "Asia/Urumqi")).await;
    let short = deadline(&app, body("2026-10-09T01:30", "Asia/Urumqi")).await;

    // Assert: 01:30 on 10/9 on each wall clock, so 10/9 on both and Mon 10/19 on both; only the
    // instant differs.
    assert_eq!(
        beijing["event_date"], "2026-10-09",
        "expected the wall-clock date"
    );
    assert_eq!(
        urumqi["event_date"], "2026-10-09",
        "expected the wall-clock date"
    );
    assert_eq!(beijing["due_date"], "2026-10-19", "expected Mon 2026-10-19");
    assert_eq!(urumqi["due_date"], "2026-10-19", "expected Mon 2026-10-19");
    assert_eq!(
        beijing["due_at"], "2026-10-19T19:30:00+08:00",
        "expected the close of business, 19:30 Beijing"
    );
    assert_eq!(
        urumqi["due_at"], "2026-10-19T17:30:00+06:00",
        "expected the same close of business, 17:30 on the Urumqi clock"
    );
    assert_eq!(
        short["due_date"], "2026-10-19",
        "expected HH:MM to read as HH:MM:00"
    );
}

#[tokio::test]
async fn a_bare_date_is_the_event_day_on_either_clock() {
    // Arrange
    let app = spawn_app().await;
    let body =
        |zone: &str| json!({"rule": "meeting-issuance", "event": "2026-10-09", "timezone": zone});

    // Act
    let beijing = deadline(&app, body("Asia/Shanghai")).await;
    let urumqi = deadline(&app, body("Asia/Urumqi")).await;

    // Assert: a civil date has no clock; from Fri 10/9, Mon 10/19 as above.
    assert_eq!(
        beijing["event_date"], "2026-10-09",
        "expected the date itself"
    );
    assert_eq!(
        urumqi["event_date"], "2026-10-09",
        "expected the date itself"
    );
    assert_eq!(beijing["due_date"], "2026-10-19", "expected Mon 2026-10-19");
    assert_eq!(urumqi["due_date"], "2026-10-19", "expected Mon 2026-10-19");
}

#[tokio::test]
async fn an_unknown_time_zone_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    for zone in ["Mars/Olympus", "Xinjiang Time"] {
        // Act
        let response = app
            .post_deadline(
                &json!({"rule": "meeting-issuance", "event": "2026-10-09", "timezone": zone}),
            )
            .await;

        // Assert
        assert_problem(response, 400, "unknown-timezone", &[zone]).await;
    }
}

// ---- status ---------------------------------------------------------------------------------

/// countersign-reply from Wed 2026-09-30 on the default calendar: due Thu 2026-10-15 (see
/// `countersign_reply_over_national_day_ends_at_the_close_of_business`).
async fn countersign_status(app: &TestApp, as_of: &str, zone: &str) -> Value {
    let answer = deadline(
        app,
        json!({
            "rule": "countersign-reply",
            "event": "2026-09-30",
            "as_of": as_of,
            "timezone": zone
        }),
    )
    .await;
    assert_eq!(answer["due_date"], "2026-10-15", "expected Thu 2026-10-15");
    answer["status"].clone()
}

#[tokio::test]
async fn before_the_due_date_a_deadline_is_pending_with_its_working_days_left() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let status = countersign_status(&app, "2026-10-09", "Asia/Shanghai").await;

    // Assert: after Fri 10/9, up to 10/15: Sat 10/10 makeup, 10/12, 10/13, 10/14, 10/15.
    assert_eq!(
        status["as_of_date"], "2026-10-09",
        "expected the day asked about"
    );
    assert_eq!(status["state"], "pending", "expected pending");
    assert_eq!(
        status["working_days_left"], 5,
        "expected five working days left"
    );
    assert_eq!(
        status["consequence"], "deemed_no_objection",
        "expected what silence will mean, shown while the period runs"
    );
}

#[tokio::test]
async fn on_the_due_date_a_deadline_is_due_today_with_none_left() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let status = countersign_status(&app, "2026-10-15", "Asia/Shanghai").await;

    // Assert
    assert_eq!(status["state"], "due_today", "expected due_today");
    assert_eq!(status["working_days_left"], 0, "expected zero left");
    assert_eq!(
        status["consequence"], "deemed_no_objection",
        "expected what silence will mean, shown while the period runs"
    );
}

#[tokio::test]
async fn after_the_due_date_a_silent_countersign_is_deemed_no_objection() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let status = countersign_status(&app, "2026-10-19", "Asia/Shanghai").await;

    // Assert: after 10/15, up to Mon 10/19: Fri 10/16 and 10/19 have passed.
    assert_eq!(status["state"], "overdue", "expected overdue");
    assert_eq!(
        status["working_days_left"], -2,
        "expected two working days past"
    );
    assert_eq!(
        status["consequence"], "deemed_no_objection",
        "expected 逾期不回复视为无不同意见"
    );
}

#[tokio::test]
async fn an_overdue_rule_without_a_consequence_says_none() {
    // Arrange
    let app = spawn_app().await;

    // Act: meeting-issuance from 9/30 is due 10/15 like countersign-reply, but has no on_lapse.
    let answer = deadline(
        &app,
        json!({"rule": "meeting-issuance", "event": "2026-09-30", "as_of": "2026-10-19"}),
    )
    .await;

    // Assert
    assert_eq!(answer["due_date"], "2026-10-15", "expected Thu 2026-10-15");
    assert_eq!(answer["status"]["state"], "overdue", "expected overdue");
    assert_eq!(
        answer["status"]["consequence"],
        Value::Null,
        "expected no consequence for meeting-issuance"
    );
}

#[tokio::test]
async fn working_days_left_skip_the_rest_days_of_a_calendar_day_period() {
    // Arrange
    let app = spawn_app().await;
    let body = |as_of: &str| json!({"rule": "approved-filing", "event": "2025-09-01", "calendar": "cn", "as_of": as_of});

    // Act
    let during_break = deadline(&app, body("2025-10-01")).await;
    let after = deadline(&app, body("2025-10-13")).await;

    // Assert: due Thu 2025-10-09 (worked example four).
    // From 10/1: 10/2–10/8 are off, so only 10/9 is left.
    assert_eq!(
        during_break["status"]["state"], "pending",
        "expected pending"
    );
    assert_eq!(
        during_break["status"]["working_days_left"], 1,
        "expected one left"
    );
    // To Mon 10/13: Fri 10/10, Sat 10/11 (makeup) and 10/13 have passed.
    assert_eq!(after["status"]["state"], "overdue", "expected overdue");
    assert_eq!(
        after["status"]["working_days_left"], -3,
        "expected three past"
    );
    assert_eq!(
        after["status"]["consequence"],
        Value::Null,
        "expected no consequence for approved-filing"
    );
}

#[tokio::test]
async fn an_as_of_instant_is_read_on_the_counting_clock() {
    // Arrange
    let app = spawn_app().await;
    // 23:30 on 10/15 in Urumqi is 01:30 on 10/16 in Beijing.
    let as_of = "2026-10-15T23:30:00+06:00";

    // Act
    let beijing = countersign_status(&app, as_of, "Asia/Shanghai").await;
    let urumqi = countersign_status(&app, as_of, "Asia/Urumqi").await;

    // Assert
    assert_eq!(
        beijing["as_of_date"], "2026-10-16",
        "expected the Beijing date"
    );
    assert_eq!(beijing["state"], "overdue", "expected overdue in Beijing");
    assert_eq!(beijing["working_days_left"], -1, "expected Fri 10/16 past");
    assert_eq!(
        beijing["consequence"], "deemed_no_objection",
        "expected the lapse's consequence"
    );
    assert_eq!(
        urumqi["as_of_date"], "2026-10-15",
        "expected the Urumqi date"
    );
    // 23:30 Urumqi is after the office closed (17:30 Urumqi, 19:30 Beijing): overdue, on the
    // due day itself, so no working day has passed since.
    assert_eq!(
        urumqi["state"], "overdue",
        "expected overdue: the office has closed"
    );
    assert_eq!(urumqi["working_days_left"], 0, "the due day itself");
}

#[tokio::test]
async fn with_cutoff_midnight_the_due_day_lasts_until_24_00() {
    // Arrange
    let app = spawn_app().await;
    let as_of = "2026-10-15T23:30:00+06:00";

    // Act
    let answer = deadline(
        &app,
        json!({
            "rule": "countersign-reply",
            "event": "2026-09-30",
            "as_of": as_of,
            "timezone": "Asia/Urumqi",
            "cutoff": "midnight"
        }),
    )
    .await;

    // Assert: 24:00 on the Urumqi clock; 23:30 is still the due day.
    assert_eq!(answer["due_at"], "2026-10-16T00:00:00+06:00");
    assert_eq!(answer["cutoff"], "midnight");
    assert_eq!(answer["status"]["state"], "due_today");
}

#[tokio::test]
async fn an_unreadable_as_of_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .post_deadline(
            &json!({"rule": "countersign-reply", "event": "2026-09-30", "as_of": "2026-02-30"}),
        )
        .await;

    // Assert
    assert_problem(response, 400, "invalid-parameter", &["as_of", "2026-02-30"]).await;
}

// ---- explanation ----------------------------------------------------------------------------

#[tokio::test]
async fn a_single_deadline_explains_every_day_by_default() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = deadline(
        &app,
        json!({"rule": "countersign-reply", "event": "2026-09-30"}),
    )
    .await;

    // Assert: 9/30 to 10/15 is 16 days, the event day first and uncounted.
    let steps = answer["explanation"]
        .as_array()
        .unwrap_or_else(|| panic!("expected an explanation, got {answer}"));
    let dates: Vec<&str> = steps.iter().filter_map(|s| s["date"].as_str()).collect();
    assert_eq!(
        dates.len(),
        16,
        "expected one step per day from 9/30 to 10/15"
    );
    assert_eq!(dates[0], "2026-09-30", "expected the event day first");
    assert_eq!(
        steps[0]["counted"], false,
        "expected the event day not counted"
    );
    let step = |date: &str| {
        steps
            .iter()
            .find(|s| s["date"] == date)
            .unwrap_or_else(|| panic!("expected a step for {date}"))
    };
    assert_eq!(
        step("2026-10-01")["counted"],
        false,
        "expected 国庆节 not counted"
    );
    assert_eq!(step("2026-10-01")["kind"], "holiday", "expected a holiday");
    assert_eq!(
        step("2026-10-10")["counted"],
        true,
        "expected the makeup day counted"
    );
    assert_eq!(
        step("2026-10-10")["ordinal"],
        3,
        "expected 10/8, 10/9, then 10/10"
    );
    assert_eq!(
        step("2026-10-10")["kind"],
        "makeup_workday",
        "expected a makeup day"
    );
    assert_eq!(
        step("2026-10-11")["counted"],
        false,
        "expected Sunday not counted"
    );
    assert_eq!(
        step("2026-10-15")["ordinal"],
        7,
        "expected the due date seventh"
    );
}

#[tokio::test]
async fn explain_false_leaves_the_explanation_out() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = deadline(
        &app,
        json!({"rule": "countersign-reply", "event": "2026-09-30", "explain": false}),
    )
    .await;

    // Assert
    assert!(
        answer.get("explanation").is_none_or(Value::is_null),
        "expected no explanation, got {}",
        answer["explanation"]
    );
    assert_eq!(
        answer["due_date"], "2026-10-15",
        "expected the same due date"
    );
}

// ---- ad hoc periods -------------------------------------------------------------------------

#[tokio::test]
async fn an_ad_hoc_working_day_period_has_no_rule_and_no_citation() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = deadline(
        &app,
        json!({"event": "2025-01-24", "unit": "working_days", "amount": 7, "calendar": "cn"}),
    )
    .await;

    // Assert: the first worked example again: Mon 2025-02-10.
    assert_eq!(answer["due_date"], "2025-02-10", "expected Mon 2025-02-10");
    assert_eq!(answer["rule"], Value::Null, "expected no rule");
    assert_eq!(answer["citation"], Value::Null, "expected no citation");
    assert_eq!(
        answer["unit"], "working_days",
        "expected the unit asked for"
    );
    assert_eq!(answer["amount"], 7, "expected the amount asked for");
}

#[tokio::test]
async fn an_ad_hoc_calendar_day_period_rolls_like_the_statute_says() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = deadline(
        &app,
        json!({"event": "2025-03-01", "unit": "calendar_days", "amount": 30, "calendar": "cn-xj"}),
    )
    .await;

    // Assert: Mon 3/31 is 肉孜节 in Xinjiang, so Tue 4/1 (worked example three).
    assert_eq!(answer["due_date"], "2025-04-01", "expected Tue 2025-04-01");
    assert_eq!(
        answer["unit"], "calendar_days",
        "expected the unit asked for"
    );
}

#[tokio::test]
async fn an_incomplete_or_unknown_ad_hoc_period_is_a_400() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let no_amount = app
        .post_deadline(&json!({"event": "2025-03-01", "unit": "calendar_days"}))
        .await;
    let no_period = app.post_deadline(&json!({"event": "2025-03-01"})).await;
    let bad_unit = app
        .post_deadline(&json!({"event": "2025-03-01", "unit": "weeks", "amount": 2}))
        .await;
    let zero = app
        .post_deadline(&json!({"event": "2025-03-01", "unit": "working_days", "amount": 0}))
        .await;

    // Assert
    assert_problem(no_amount, 400, "missing-parameter", &[]).await;
    assert_problem(no_period, 400, "missing-parameter", &["rule"]).await;
    assert_problem(bad_unit, 400, "invalid-parameter", &["unit", "weeks"]).await;
    assert_problem(zero, 400, "amount-out-of-range", &["0"]).await;
}

#[tokio::test]
async fn a_rule_with_another_unit_is_a_400_naming_the_rule() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .post_deadline(
            &json!({"rule": "meeting-issuance", "event": "2025-03-01", "unit": "calendar_days"}),
        )
        .await;

    // Assert
    assert_problem(response, 400, "unit-not-allowed", &["meeting-issuance"]).await;
}

// ---- GET ------------------------------------------------------------------------------------

#[tokio::test]
async fn the_query_string_form_answers_as_the_json_form() {
    // Arrange
    let app = spawn_app().await;
    let fields = [
        ("rule", "countersign-reply"),
        ("event", "2026-10-09T01:30:00+08:00"),
        ("calendar", "cn-xj-kizilsu"),
        ("timezone", "Asia/Urumqi"),
        ("days", "3"),
        ("as_of", "2026-10-12"),
    ];
    let body = json!({
        "rule": "countersign-reply",
        "event": "2026-10-09T01:30:00+08:00",
        "calendar": "cn-xj-kizilsu",
        "timezone": "Asia/Urumqi",
        "days": 3,
        "as_of": "2026-10-12"
    });

    // Act
    let by_get = ok_json(app.get_deadline(&fields).await).await;
    let by_post = deadline(&app, body).await;

    // Assert: Thu 10/8 in Urumqi; 10/9 (1), Sat 10/10 makeup (2), Mon 10/12 (3).
    assert_eq!(by_get["due_date"], "2026-10-12", "expected Mon 2026-10-12");
    assert_eq!(by_get["status"]["state"], "due_today", "expected due today");
    assert_eq!(
        by_get, by_post,
        "expected GET and POST to give the same answer"
    );
}

#[tokio::test]
async fn the_query_string_form_names_a_bad_number() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let words = app
        .get_deadline(&[
            ("rule", "countersign-reply"),
            ("event", "2026-09-30"),
            ("days", "ten"),
        ])
        .await;
    let huge = app
        .get_deadline(&[
            ("rule", "countersign-reply"),
            ("event", "2026-09-30"),
            ("days", "99999999999999999999"),
        ])
        .await;

    // Assert
    assert_problem(words, 400, "invalid-parameter", &["days", "ten"]).await;
    assert_problem(
        huge,
        400,
        "invalid-parameter",
        &["days", "99999999999999999999", "too large"],
    )
    .await;
}

#[tokio::test]
async fn the_query_string_form_without_event_is_a_400() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.get_deadline(&[("rule", "meeting-issuance")]).await;

    // Assert
    assert_problem(response, 400, "missing-parameter", &["event"]).await;
}

// ---- provisional and range ------------------------------------------------------------------

#[tokio::test]
async fn a_deadline_into_an_unpublished_year_is_provisional_and_refused_when_strict() {
    // Arrange
    let app = spawn_app().await;
    let body = |strict: bool| json!({"rule": "countersign-reply", "event": "2026-12-28", "strict": strict});

    // Act
    let lenient = deadline(&app, body(false)).await;
    let strict = app.post_deadline(&body(true)).await;

    // Assert: from Mon 12/28: 12/29 (1), 12/30 (2), 12/31 (3); no 2027 file, so Fri 1/1 is
    // unsettled: by the weekend rule 1/1 (4) … Wed 1/6 (7); with 元旦 estimated, Thu 1/7.
    assert!(
        ["2027-01-06", "2027-01-07"].contains(&lenient["due_date"].as_str().unwrap_or_default()),
        "expected Wed 1/6 or Thu 1/7, got {}",
        lenient["due_date"]
    );
    assert_eq!(
        lenient["provisional"], true,
        "expected a provisional answer"
    );
    assert_problem(strict, 422, "provisional", &["strict"]).await;
}

#[tokio::test]
async fn strict_accepts_a_deadline_within_published_years() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = deadline(
        &app,
        json!({"rule": "countersign-reply", "event": "2026-09-30", "strict": true}),
    )
    .await;

    // Assert
    assert_eq!(answer["due_date"], "2026-10-15", "expected Thu 2026-10-15");
    assert_eq!(answer["provisional"], false, "expected a settled answer");
}

#[tokio::test]
async fn an_event_or_due_date_outside_the_supported_range_is_a_422() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let before = app
        .post_deadline(&json!({"rule": "meeting-issuance", "event": "1999-12-31"}))
        .await;
    // From Tue 2100-12-28 only 12/29, 12/30, 12/31 remain before the end of the range.
    let after = app
        .post_deadline(&json!({"rule": "meeting-issuance", "event": "2100-12-28"}))
        .await;

    // Assert
    assert_problem(before, 422, "out-of-range", &["1999-12-31"]).await;
    assert_problem(after, 422, "out-of-range", &["2100-12-28"]).await;
}

// ---- errors ---------------------------------------------------------------------------------

#[tokio::test]
async fn an_impossible_event_date_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    for event in [
        "2026-02-30",
        "2026-02-30T10:00:00+08:00",
        "2026-02-30T10:00:00",
    ] {
        // Act
        let response = app
            .post_deadline(&json!({"rule": "meeting-issuance", "event": event}))
            .await;

        // Assert
        assert_problem(
            response,
            400,
            "invalid-event",
            &["2026-02-30", "not a calendar date"],
        )
        .await;
    }
}

#[tokio::test]
async fn an_event_in_no_known_form_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    for event in ["yesterday", "2026-10-09T25:00:00+08:00", "09/10/2026"] {
        // Act
        let response = app
            .post_deadline(&json!({"rule": "meeting-issuance", "event": event}))
            .await;

        // Assert
        assert_problem(response, 400, "invalid-event", &[event]).await;
    }
}

#[tokio::test]
async fn a_missing_event_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .post_deadline(&json!({"rule": "meeting-issuance"}))
        .await;

    // Assert
    assert_problem(response, 400, "missing-parameter", &["event"]).await;
}

#[tokio::test]
async fn an_unknown_rule_is_a_400_naming_it_and_the_known_ones() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .post_deadline(&json!({"rule": "annual-report", "event": "2026-09-30"}))
        .await;

    // Assert
    assert_problem(
        response,
        400,
        "unknown-rule",
        &["annual-report", "meeting-issuance", "countersign-reply"],
    )
    .await;
}

#[tokio::test]
async fn an_unknown_calendar_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .post_deadline(
            &json!({"rule": "meeting-issuance", "event": "2026-09-30", "calendar": "cn-xz"}),
        )
        .await;

    // Assert
    assert_problem(response, 400, "unknown-calendar", &["cn-xz"]).await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_400() {
    // Arrange
    let app = spawn_app().await;

    for body in [
        &b"{\"rule\": \"meeting-issuance\", \"event\": "[..],
        b"",
        b"rule=meeting-issuance",
    ] {
        // Act
        let response = app
            .request(
                reqwest::Method::POST,
                "/v1/deadlines",
                Some(body.to_vec()),
                Some("application/json"),
            )
            .await;

        // Assert
        assert_problem(response, 400, "invalid-body", &[]).await;
    }
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_400_naming_what_is_wrong() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let unknown_field = app
        .post_deadline(&json!({"rule": "meeting-issuance", "event": "2026-09-30", "colour": "red"}))
        .await;
    let wrong_type = app
        .post_deadline(
            &json!({"rule": "countersign-reply", "event": "2026-09-30", "days": "seven"}),
        )
        .await;
    let array = app.post_deadline(&json!(["meeting-issuance"])).await;

    // Assert
    assert_problem(unknown_field, 400, "invalid-body", &["colour"]).await;
    assert_problem(wrong_type, 400, "invalid-body", &["seven"]).await;
    assert_problem(array, 400, "invalid-body", &[]).await;
}

#[tokio::test]
async fn days_and_amount_together_are_a_400() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .post_deadline(&json!({
            "rule": "countersign-reply",
            "event": "2026-09-30",
            "days": 3,
            "amount": 3
        }))
        .await;

    // Assert
    assert_problem(response, 400, "invalid-parameter", &["days", "amount"]).await;
}

#[tokio::test]
async fn an_instant_with_fractional_seconds_is_an_instant() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = deadline(
        &app,
        json!({
            "rule": "meeting-issuance",
            "event": "2026-10-08T23:30:00.250+06:00",
            "timezone": "Asia/Shanghai"
        }),
    )
    .await;

    // Assert: 23:30:00.25 on 10/8 in Urumqi is 01:30 on Fri 10/9 in Beijing: Mon 10/19.
    assert_eq!(
        answer["event_date"], "2026-10-09",
        "expected the Beijing date"
    );
    assert_eq!(answer["due_date"], "2026-10-19", "expected Mon 2026-10-19");
}

#[tokio::test]
async fn an_event_day_in_an_unpublished_year_does_not_make_the_deadline_provisional() {
    // Arrange
    let app = spawn_app().await;
    // Seven working days as 第四十二条 sets them, ad hoc: the working rules themselves apply
    // only from 2023-11-05.
    let body = json!({
        "unit": "working_days",
        "amount": 7,
        "event": "2020-12-31",
        "calendar": "cn-xj",
        "strict": true
    });

    // Act
    let answer = deadline(&app, body).await;

    // Assert: the event day is never counted, so whether cn-xj rested on Thu 2020-12-31 does
    // not matter. cn/2021.json: 元旦 1/1–1/3 off; then 1/4 (1), 1/5 (2), 1/6 (3), 1/7 (4),
    // 1/8 (5), 1/11 (6), Tue 1/12 (7); cn-xj/2021.json has both festivals, so 2021 is published.
    assert_eq!(answer["due_date"], "2021-01-12", "expected Tue 2021-01-12");
    assert_eq!(
        answer["provisional"], false,
        "expected no provisional day among the counted ones"
    );
}

#[tokio::test]
async fn a_deadline_inside_an_unpublished_year_still_skips_the_weekends() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = deadline(
        &app,
        json!({"rule": "countersign-reply", "event": "2027-03-01", "calendar": "cn"}),
    )
    .await;

    // Assert: no cn/2027.json, but early March holds no national holiday. From Mon 3/1:
    // 3/2 (1), 3/3 (2), 3/4 (3), 3/5 (4), 3/8 (5), 3/9 (6), Wed 3/10 (7).
    assert_eq!(answer["due_date"], "2027-03-10", "expected Wed 2027-03-10");
    assert_eq!(answer["provisional"], true, "expected a provisional answer");
}

#[tokio::test]
async fn a_deadline_done_on_time_says_so_and_an_event_ahead_has_not_started() {
    // 第五十条 from Wed 9/30: due Thu 10/15 at 19:30 (10/8, 10/9, 10/10, 10/12–10/15).
    let app = spawn_app().await;
    let done = ok_json(
        app.get(
            "/v1/deadlines?rule=countersign-reply&event=2026-09-30&completed_at=2026-10-15T17:00\
             &as_of=2026-11-30&explain=false&lang=zh",
        )
        .await,
    )
    .await;
    assert_eq!(done["status"]["state"], "completed_on_time", "{done}");
    assert_eq!(done["status"]["completed_on"], "2026-10-15");
    assert_eq!(done["status"]["text"], "已于2026年10月15日办结，按期办结");
    let ahead = ok_json(
        app.get(
            "/v1/deadlines?rule=countersign-reply&event=2026-12-14&as_of=2026-12-06\
             &explain=false&lang=zh",
        )
        .await,
    )
    .await;
    assert_eq!(ahead["status"]["state"], "not_started", "{ahead}");
    assert!(
        ahead["status"]["text"]
            .as_str()
            .unwrap()
            .starts_with("截至2026年12月6日，尚未起算"),
        "{ahead}"
    );
}

#[tokio::test]
async fn an_evening_on_xinjiang_time_that_is_the_next_day_in_beijing_offers_the_other_reading() {
    // Arrange: 第五十条 from 23:30 新疆时间 on Thu 10/8, which is 01:30 on Fri 10/9 in Beijing.
    let app = spawn_app().await;

    // Act
    let late = deadline(
        &app,
        json!({
            "rule": "countersign-reply",
            "event": "2026-10-08T23:30",
            "event_timezone": "Asia/Urumqi",
            "explain": false
        }),
    )
    .await;
    let same_day = deadline(
        &app,
        json!({
            "rule": "countersign-reply",
            "event": "2026-10-08T18:00",
            "event_timezone": "Asia/Urumqi",
            "explain": false
        }),
    )
    .await;

    // Assert: counted from 10/9, the 7 working days are 10/10 (班), 10/12–10/16 and 10/19;
    // from 10/8 as written they are 10/9, 10/10, 10/12–10/16.
    assert_eq!(
        late["event_date"], "2026-10-09",
        "the Beijing date is counted"
    );
    assert_eq!(late["due_date"], "2026-10-19");
    let other = &late["other_reading"];
    assert_eq!(other["event_date"], "2026-10-08", "the date as written");
    assert_eq!(
        other["due_date"], "2026-10-16",
        "counted from the date as written"
    );
    assert_eq!(
        other["note"],
        "the time entered falls on 2026-10-09 on the counting clock (Asia/Shanghai): the period is counted from 2026-10-09 and due on 2026-10-19; counted from the date entered, 2026-10-08, it would be due on 2026-10-16"
    );
    let zh = ok_json(
        app.get_deadline(&[
            ("rule", "countersign-reply"),
            ("event", "2026-10-08T23:30"),
            ("event_timezone", "Asia/Urumqi"),
            ("lang", "zh"),
        ])
        .await,
    )
    .await;
    assert_eq!(
        zh["other_reading"]["note"],
        "所填时间换算为北京时间是2026年10月9日，本结果按2026年10月9日起算，截止日期为2026年10月19日；如按所填日期2026年10月8日起算，截止日期为2026年10月16日"
    );
    assert!(
        same_day.get("other_reading").is_none(),
        "18:00 新疆时间 is 20:00 the same day in Beijing: nothing to say, {same_day}"
    );
}
