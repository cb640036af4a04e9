//! `GET /v1/workdays/add` (Excel WORKDAY: the start never counted, negative goes back, 0 rolls
//! to a working day) and `GET /v1/workdays/count` (NETWORKDAYS: closed, negative when reversed),
//! on each calendar, with provisional years, `strict`, and the errors. Expectations are counted
//! by hand from holidays/cn/2025.json, 2026.json and holidays/cn-xj/2025.json, 2026.json.

use crate::helpers::{assert_problem, ok_json, spawn_app};

#[tokio::test]
async fn adding_one_working_day_never_counts_the_start() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = ok_json(
        app.add_workdays(&[("start", "2026-09-30"), ("days", "1"), ("calendar", "cn")])
            .await,
    )
    .await;

    // Assert: Wed 9/30 is not counted; 10/1–10/7 are 国庆节; Thu 10/8 is the first.
    assert_eq!(
        answer["date"], "2026-10-08",
        "expected the day after the break"
    );
    assert_eq!(answer["start"], "2026-09-30", "expected the start echoed");
    assert_eq!(answer["days"], 1, "expected the days echoed");
    assert_eq!(answer["calendar"], "cn", "expected the calendar asked for");
    assert_eq!(answer["provisional"], false, "expected 2026 published");
}

#[tokio::test]
async fn a_makeup_saturday_counts_as_a_working_day() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = ok_json(
        app.add_workdays(&[("start", "2026-09-30"), ("days", "3"), ("calendar", "cn")])
            .await,
    )
    .await;

    // Assert: 10/8 (1), 10/9 (2), Sat 10/10 国庆节 makeup (3).
    assert_eq!(answer["date"], "2026-10-10", "expected the makeup Saturday");
}

#[tokio::test]
async fn seven_working_days_over_the_spring_festival_match_the_worked_example() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = ok_json(
        app.add_workdays(&[("start", "2025-01-24"), ("days", "7"), ("calendar", "cn")])
            .await,
    )
    .await;

    // Assert: Sun 1/26 makeup (1), 1/27 (2), 1/28–2/4 off, 2/5 (3), 2/6 (4), 2/7 (5),
    // Sat 2/8 makeup (6), Mon 2/10 (7) — legal-periods.md's first worked example.
    assert_eq!(answer["date"], "2025-02-10", "expected Mon 2025-02-10");
}

#[tokio::test]
async fn negative_days_count_backwards() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let three_back = ok_json(
        app.add_workdays(&[("start", "2026-10-12"), ("days", "-3"), ("calendar", "cn")])
            .await,
    )
    .await;
    let one_back = ok_json(
        app.add_workdays(&[("start", "2026-10-08"), ("days", "-1"), ("calendar", "cn")])
            .await,
    )
    .await;

    // Assert
    // From Mon 10/12: Sun 10/11 no, Sat 10/10 makeup (1), 10/9 (2), 10/8 (3).
    assert_eq!(
        three_back["date"], "2026-10-08",
        "expected three back to 10/8"
    );
    // From Thu 10/8: 10/7–10/1 are 国庆节, so Wed 9/30.
    assert_eq!(
        one_back["date"], "2026-09-30",
        "expected one back over the break"
    );
}

#[tokio::test]
async fn zero_days_is_the_start_or_the_next_working_day() {
    // Arrange
    let app = spawn_app().await;
    let zero_from = |start: &'static str| {
        let app = &app;
        async move {
            ok_json(
                app.add_workdays(&[("start", start), ("days", "0"), ("calendar", "cn")])
                    .await,
            )
            .await
        }
    };

    // Act
    let on_working_day = zero_from("2026-10-09").await;
    let on_holiday = zero_from("2026-10-03").await;
    let on_sunday = zero_from("2026-10-11").await;

    // Assert
    assert_eq!(
        on_working_day["date"], "2026-10-09",
        "expected Fri 10/9, a working day, itself"
    );
    assert_eq!(
        on_holiday["date"], "2026-10-08",
        "expected 10/3 (国庆节) to roll to Thu 10/8"
    );
    assert_eq!(
        on_sunday["date"], "2026-10-12",
        "expected Sun 10/11 to roll to Mon 10/12"
    );
}

#[tokio::test]
async fn xinjiang_festivals_are_skipped_on_the_default_calendar_only() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let default = ok_json(
        app.add_workdays(&[("start", "2025-06-05"), ("days", "1")])
            .await,
    )
    .await;
    let cn = ok_json(
        app.add_workdays(&[("start", "2025-06-05"), ("days", "1"), ("calendar", "cn")])
            .await,
    )
    .await;

    // Assert
    assert_eq!(
        default["calendar"], "cn-xj-kizilsu",
        "expected the default calendar"
    );
    // cn-xj/2025.json: 古尔邦节 6/6–6/10 off, so from Thu 6/5 the next is Wed 6/11.
    assert_eq!(default["date"], "2025-06-11", "expected 古尔邦节 skipped");
    // Nationally Fri 6/6 is an ordinary working day.
    assert_eq!(cn["date"], "2025-06-06", "expected the next day nationally");
}

#[tokio::test]
async fn adding_into_an_unpublished_year_is_provisional_and_refused_when_strict() {
    // Arrange
    let app = spawn_app().await;
    let query = [("start", "2026-12-31"), ("days", "1"), ("calendar", "cn")];

    // Act
    let answer = ok_json(app.add_workdays(&query).await).await;
    let strict = app
        .add_workdays(&[query[0], query[1], query[2], ("strict", "true")])
        .await;

    // Assert: no cn/2027.json, so the day after Thu 2026-12-31 (Fri 1/1, or Mon 1/4 if 元旦 is
    // estimated) is not settled; only the flag is.
    assert!(
        ["2027-01-01", "2027-01-04"].contains(&answer["date"].as_str().unwrap_or_default()),
        "expected Fri 1/1 or Mon 1/4, got {}",
        answer["date"]
    );
    assert_eq!(answer["provisional"], true, "expected a provisional answer");
    assert_problem(strict, 422, "provisional", &[]).await;
}

#[tokio::test]
async fn adding_without_days_or_start_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let no_days = app.add_workdays(&[("start", "2026-10-09")]).await;
    let no_start = app.add_workdays(&[("days", "3")]).await;

    // Assert
    assert_problem(no_days, 400, "missing-parameter", &["days"]).await;
    assert_problem(no_start, 400, "missing-parameter", &["start"]).await;
}

#[tokio::test]
async fn a_non_numeric_days_is_a_400_naming_the_value() {
    // Arrange
    let app = spawn_app().await;

    for days in ["abc", "1.5", "seven"] {
        // Act
        let response = app
            .add_workdays(&[("start", "2026-10-09"), ("days", days)])
            .await;

        // Assert
        assert_problem(
            response,
            400,
            "invalid-parameter",
            &["days", days, "not an integer"],
        )
        .await;
    }
}

#[tokio::test]
async fn a_days_too_large_for_a_number_is_a_400_naming_the_value() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .add_workdays(&[("start", "2026-10-09"), ("days", "99999999999999999999")])
        .await;

    // Assert
    assert_problem(
        response,
        400,
        "invalid-parameter",
        &["days", "99999999999999999999", "too large"],
    )
    .await;
}

#[tokio::test]
async fn a_result_beyond_2100_is_a_422() {
    // Arrange
    let app = spawn_app().await;

    // Act: a million working days is some 3,800 years.
    let response = app
        .add_workdays(&[("start", "2026-10-09"), ("days", "1000000")])
        .await;

    // Assert
    assert_problem(response, 422, "out-of-range", &["1000000"]).await;
}

#[tokio::test]
async fn a_start_outside_the_supported_range_is_a_422() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .add_workdays(&[("start", "1999-12-31"), ("days", "1")])
        .await;

    // Assert
    assert_problem(response, 422, "out-of-range", &["1999-12-31"]).await;
}

#[tokio::test]
async fn an_impossible_start_or_unknown_calendar_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let impossible = app
        .add_workdays(&[("start", "2026-02-30"), ("days", "1")])
        .await;
    let unknown = app
        .add_workdays(&[
            ("start", "2026-10-09"),
            ("days", "1"),
            ("calendar", "cn-xz"),
        ])
        .await;

    // Assert
    assert_problem(
        impossible,
        400,
        "invalid-parameter",
        &["start", "2026-02-30"],
    )
    .await;
    assert_problem(unknown, 400, "unknown-calendar", &["cn-xz"]).await;
}

#[tokio::test]
async fn a_parameter_given_twice_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .add_workdays(&[("start", "2026-10-09"), ("days", "1"), ("days", "2")])
        .await;

    // Assert
    assert_problem(
        response,
        400,
        "invalid-parameter",
        &["days", "more than once"],
    )
    .await;
}

#[tokio::test]
async fn counting_is_closed_at_both_ends() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = ok_json(
        app.count_workdays(&[
            ("from", "2026-09-28"),
            ("to", "2026-10-11"),
            ("calendar", "cn"),
        ])
        .await,
    )
    .await;

    // Assert: Mon 9/28, 9/29, 9/30 (3); 10/1–10/7 off; 10/8, 10/9, Sat 10/10 makeup (6);
    // Sun 10/11 off.
    assert_eq!(answer["working_days"], 6, "expected six working days");
    assert_eq!(answer["from"], "2026-09-28", "expected from echoed");
    assert_eq!(answer["to"], "2026-10-11", "expected to echoed");
    assert_eq!(answer["calendar"], "cn", "expected the calendar asked for");
    assert_eq!(answer["provisional"], false, "expected 2026 published");
}

#[tokio::test]
async fn counting_a_reversed_range_is_negative() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = ok_json(
        app.count_workdays(&[
            ("from", "2026-10-11"),
            ("to", "2026-09-28"),
            ("calendar", "cn"),
        ])
        .await,
    )
    .await;

    // Assert: the same six days as above, signed.
    assert_eq!(answer["working_days"], -6, "expected minus six");
}

#[tokio::test]
async fn counting_a_single_day_gives_one_or_zero() {
    // Arrange
    let app = spawn_app().await;
    let count_one = |date: &'static str| {
        let app = &app;
        async move {
            ok_json(
                app.count_workdays(&[("from", date), ("to", date), ("calendar", "cn")])
                    .await,
            )
            .await
        }
    };

    // Act
    let makeup = count_one("2026-10-10").await;
    let holiday = count_one("2026-10-01").await;

    // Assert
    assert_eq!(
        makeup["working_days"], 1,
        "expected the makeup Saturday to count one"
    );
    assert_eq!(holiday["working_days"], 0, "expected 国庆节 to count none");
}

#[tokio::test]
async fn counting_over_the_festival_of_sacrifice_differs_between_the_nation_and_xinjiang() {
    // Arrange
    let app = spawn_app().await;
    let span = [("from", "2025-06-02"), ("to", "2025-06-13")];

    // Act
    let cn = ok_json(
        app.count_workdays(&[span[0], span[1], ("calendar", "cn")])
            .await,
    )
    .await;
    let xj = ok_json(
        app.count_workdays(&[span[0], span[1], ("calendar", "cn-xj")])
            .await,
    )
    .await;
    let default = ok_json(app.count_workdays(&span).await).await;

    // Assert
    // cn: Mon 6/2 is 端午节 off; 6/3–6/6 (4) and 6/9–6/13 (5).
    assert_eq!(cn["working_days"], 9, "expected nine nationally");
    // cn-xj: also 6/6, 6/9, 6/10 off for 古尔邦节.
    assert_eq!(xj["working_days"], 6, "expected six in Xinjiang");
    assert_eq!(
        default["working_days"], 6,
        "expected Kizilsu to follow Xinjiang"
    );
    assert_eq!(
        default["calendar"], "cn-xj-kizilsu",
        "expected the default calendar"
    );
}

#[tokio::test]
async fn a_whole_published_year_counts_as_the_notices_say() {
    // Arrange
    let app = spawn_app().await;
    let year = [("from", "2026-01-01"), ("to", "2026-12-31")];

    // Act
    let cn = ok_json(
        app.count_workdays(&[year[0], year[1], ("calendar", "cn")])
            .await,
    )
    .await;
    let xj = ok_json(
        app.count_workdays(&[year[0], year[1], ("calendar", "cn-xj")])
            .await,
    )
    .await;

    // Assert
    // 2026 starts on a Thursday: 52 weeks + 1 day = 261 weekdays. Weekdays off in
    // cn/2026.json: 元旦 1/1–1/2 (2), 春节 2/16–2/20 and 2/23 (6), 清明 4/6 (1), 劳动 5/1, 5/4,
    // 5/5 (3), 端午 6/19 (1), 中秋 9/25 (1), 国庆 10/1, 10/2, 10/5–10/7 (5): 19. Makeup
    // weekends: 1/4, 2/14, 2/28, 5/9, 9/20, 10/10: 6. 261 − 19 + 6 = 248.
    assert_eq!(
        cn["working_days"], 248,
        "expected 248 national working days"
    );
    // cn-xj/2026.json adds weekdays off: 肉孜节 Fri 3/20 (1), 古尔邦节 5/27–5/29 (3).
    assert_eq!(xj["working_days"], 244, "expected 248 − 4 in Xinjiang");
}

#[tokio::test]
async fn counting_into_an_unpublished_year_is_provisional_and_refused_when_strict() {
    // Arrange
    let app = spawn_app().await;
    let span = [
        ("from", "2026-12-28"),
        ("to", "2027-01-08"),
        ("calendar", "cn"),
    ];

    // Act
    let answer = ok_json(app.count_workdays(&span).await).await;
    let strict = app
        .count_workdays(&[span[0], span[1], span[2], ("strict", "true")])
        .await;

    // Assert: 12/28–12/31 (4) and 1/4–1/8 (5) work; Fri 1/1 is unsettled (no 2027 file): the
    // weekend rule alone counts it, an estimated 元旦 does not. So 9 or 10.
    let count = answer["working_days"].as_i64().unwrap_or_default();
    assert!(
        count == 9 || count == 10,
        "expected nine or ten working days, got {count}"
    );
    assert_eq!(answer["provisional"], true, "expected a provisional count");
    assert_problem(strict, 422, "provisional", &[]).await;
}

#[tokio::test]
async fn counting_with_a_missing_or_impossible_end_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let missing = app.count_workdays(&[("from", "2026-10-01")]).await;
    let impossible = app
        .count_workdays(&[("from", "2026-10-01"), ("to", "2026-02-30")])
        .await;

    // Assert
    assert_problem(missing, 400, "missing-parameter", &["to"]).await;
    assert_problem(impossible, 400, "invalid-parameter", &["to", "2026-02-30"]).await;
}

#[tokio::test]
async fn counting_outside_the_supported_range_is_a_422() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .count_workdays(&[("from", "1999-12-01"), ("to", "2000-01-31")])
        .await;

    // Assert
    assert_problem(response, 422, "out-of-range", &["1999-12-01"]).await;
}

#[tokio::test]
async fn an_uncounted_start_in_an_unpublished_year_does_not_make_the_answer_provisional() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = ok_json(
        app.add_workdays(&[
            ("start", "2020-12-31"),
            ("days", "1"),
            ("calendar", "cn-xj"),
            ("strict", "true"),
        ])
        .await,
    )
    .await;

    // Assert: cn/2021.json gives 元旦 1/1–1/3 off, so Mon 2021-01-04; cn-xj 2021 is published.
    assert_eq!(answer["date"], "2021-01-04", "expected Mon 2021-01-04");
    assert_eq!(answer["provisional"], false, "expected a settled answer");
}
