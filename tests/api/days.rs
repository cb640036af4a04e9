//! `GET /v1/days/{date}` and `GET /v1/days?from=&to=`: what kind of day a date is on each
//! calendar, the default calendar, provisional years and `strict`, the supported range, and
//! the errors. Expected kinds are read from holidays/cn/*.json and holidays/cn-xj/*.json.

use serde_json::Value;

use crate::helpers::{assert_problem, ok_json, spawn_app};

/// `(date, kind)` of each day in a range answer.
fn kinds(range: &Value) -> Vec<(String, String)> {
    range["days"]
        .as_array()
        .unwrap_or_else(|| panic!("expected a days array, got {range}"))
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap_or_default().to_owned(),
                d["kind"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_day_written_as_a_clerk_writes_it_is_the_same_day() {
    // Arrange
    let app = spawn_app().await;

    for written in [
        "20261010",
        "2026.10.10",
        "2026年10月10日",
        "２０２６－１０－１０",
    ] {
        // Act: 2026-10-10 is a makeup Saturday of 国庆节.
        let day = ok_json(app.get_day(written, &[("calendar", "cn")]).await).await;

        // Assert
        assert_eq!(day["date"], "2026-10-10", "{written} is 2026-10-10");
        assert_eq!(day["kind"], "makeup_workday", "{written}: 班");
    }
}

#[tokio::test]
async fn a_makeup_saturday_is_a_working_day() {
    // Arrange
    let app = spawn_app().await;

    // Act: cn/2026.json lists Sat 2026-02-28 as 春节, isOffDay false.
    let day = ok_json(app.get_day("2026-02-28", &[("calendar", "cn")]).await).await;

    // Assert
    assert_eq!(day["date"], "2026-02-28", "expected the date asked for");
    assert_eq!(day["calendar"], "cn", "expected the calendar asked for");
    assert_eq!(
        day["working"], true,
        "expected a makeup Saturday to be worked"
    );
    assert_eq!(
        day["kind"], "makeup_workday",
        "expected kind makeup_workday"
    );
    assert_eq!(day["name"], "春节", "expected the holiday it was moved for");
    assert_eq!(day["provisional"], false, "expected 2026 to be published");
}

#[tokio::test]
async fn a_sunday_inside_national_day_is_a_holiday() {
    // Arrange
    let app = spawn_app().await;

    // Act: cn/2026.json gives 10-01 to 10-07 off as 国庆节; 10-04 is a Sunday.
    let day = ok_json(app.get_day("2026-10-04", &[("calendar", "cn")]).await).await;

    // Assert
    assert_eq!(day["working"], false, "expected a day off");
    assert_eq!(
        day["kind"], "holiday",
        "expected holiday, not weekend, inside the span"
    );
    assert_eq!(day["name"], "国庆节", "expected the holiday's name");
}

#[tokio::test]
async fn an_ordinary_sunday_is_a_weekend_without_a_name() {
    // Arrange
    let app = spawn_app().await;

    // Act: Sun 2026-10-11 is in no notice.
    let day = ok_json(app.get_day("2026-10-11", &[("calendar", "cn")]).await).await;

    // Assert
    assert_eq!(day["working"], false, "expected a rest day");
    assert_eq!(day["kind"], "weekend", "expected kind weekend");
    assert_eq!(day["name"], Value::Null, "expected no holiday name");
}

#[tokio::test]
async fn an_ordinary_friday_is_a_workday() {
    // Arrange
    let app = spawn_app().await;

    // Act: Fri 2026-10-09, the day after the National Day break, is in no notice.
    let day = ok_json(app.get_day("2026-10-09", &[("calendar", "cn")]).await).await;

    // Assert
    assert_eq!(day["working"], true, "expected a working day");
    assert_eq!(day["kind"], "workday", "expected kind workday");
    assert_eq!(day["name"], Value::Null, "expected no holiday name");
}

#[tokio::test]
async fn the_festivals_of_xinjiang_are_rest_days_only_on_its_calendars() {
    // Arrange
    let app = spawn_app().await;

    // Act: Mon 2025-06-09 is 古尔邦节 in cn-xj/2025.json (6/6–6/10), in no national notice.
    let cn = ok_json(app.get_day("2025-06-09", &[("calendar", "cn")]).await).await;
    let xj = ok_json(app.get_day("2025-06-09", &[("calendar", "cn-xj")]).await).await;
    let kz = ok_json(
        app.get_day("2025-06-09", &[("calendar", "cn-xj-kizilsu")])
            .await,
    )
    .await;

    // Assert
    assert_eq!(
        (&cn["kind"], &cn["working"]),
        (&Value::from("workday"), &Value::from(true)),
        "expected an ordinary Monday nationally"
    );
    for day in [&xj, &kz] {
        assert_eq!(
            day["kind"], "holiday",
            "expected 古尔邦节 off on {}",
            day["calendar"]
        );
        assert_eq!(
            day["working"], false,
            "expected a rest day on {}",
            day["calendar"]
        );
        assert_eq!(day["name"], "古尔邦节", "expected the festival's name");
    }
}

#[tokio::test]
async fn a_regional_notice_overrides_a_national_makeup_day() {
    // Arrange
    let app = spawn_app().await;

    // Act: Sun 2014-09-28 is a 国庆节 makeup day in cn/2014.json, but cn-xj/2014.json gives it
    // off for 古尔邦节.
    let cn = ok_json(app.get_day("2014-09-28", &[("calendar", "cn")]).await).await;
    let xj = ok_json(app.get_day("2014-09-28", &[("calendar", "cn-xj")]).await).await;

    // Assert
    assert_eq!(
        cn["kind"], "makeup_workday",
        "expected the national makeup day"
    );
    assert_eq!(cn["provisional"], false, "expected cn 2014 published");
    assert_eq!(xj["kind"], "holiday", "expected Xinjiang's day off to win");
    assert_eq!(xj["name"], "古尔邦节", "expected the regional festival");
    assert_eq!(
        xj["provisional"], true,
        "expected cn-xj 2014 provisional: its file lacks 肉孜节"
    );
}

#[tokio::test]
async fn the_default_calendar_is_kizilsu() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let day = ok_json(app.get_day("2025-06-09", &[]).await).await;

    // Assert
    assert_eq!(
        day["calendar"], "cn-xj-kizilsu",
        "expected cn-xj-kizilsu when no calendar is named"
    );
    assert_eq!(
        day["kind"], "holiday",
        "expected 古尔邦节 inherited from cn-xj/2025.json"
    );
}

#[tokio::test]
async fn a_day_in_an_unpublished_year_is_provisional() {
    // Arrange
    let app = spawn_app().await;

    // Act: there is no cn/2027.json. Wed 2027-03-10 is no statutory holiday (none falls in
    // March nationally), so whether the year is estimated or left to the weekend rule, it is an
    // ordinary workday.
    let day = ok_json(app.get_day("2027-03-10", &[("calendar", "cn")]).await).await;

    // Assert
    assert_eq!(day["provisional"], true, "expected 2027 to be provisional");
    assert_eq!(
        day["kind"], "workday",
        "expected a Wednesday in March to be a workday"
    );
}

#[tokio::test]
async fn strict_refuses_a_provisional_day_with_a_422() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .get_day("2027-03-10", &[("calendar", "cn"), ("strict", "true")])
        .await;

    // Assert
    assert_problem(response, 422, "provisional", &["strict"]).await;
}

#[tokio::test]
async fn strict_accepts_a_day_of_a_published_year() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let day = ok_json(
        app.get_day("2026-10-01", &[("calendar", "cn"), ("strict", "true")])
            .await,
    )
    .await;

    // Assert
    assert_eq!(day["provisional"], false, "expected 2026 published");
    assert_eq!(day["kind"], "holiday", "expected 国庆节");
}

#[tokio::test]
async fn the_first_and_last_supported_days_are_answered() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let first = ok_json(app.get_day("2000-01-01", &[("calendar", "cn")]).await).await;
    let last = ok_json(app.get_day("2100-12-31", &[("calendar", "cn")]).await).await;

    // Assert: no file covers 2000 or 2100. Sat 2000-01-01 is a rest day (a weekend, or 元旦 if
    // the year is estimated); Fri 2100-12-31 is no holiday.
    assert_eq!(
        first["date"], "2000-01-01",
        "expected the first supported day"
    );
    assert_eq!(
        first["working"], false,
        "expected Sat 2000-01-01 a rest day"
    );
    assert_eq!(first["provisional"], true, "expected 2000 unpublished");
    assert_eq!(
        last["date"], "2100-12-31",
        "expected the last supported day"
    );
    assert_eq!(
        last["working"], true,
        "expected Fri 2100-12-31 a working day"
    );
    assert_eq!(last["provisional"], true, "expected 2100 unpublished");
}

#[tokio::test]
async fn a_day_outside_the_supported_range_is_a_422_naming_it() {
    // Arrange
    let app = spawn_app().await;

    for date in ["1999-12-31", "2101-01-01"] {
        // Act
        let response = app.get_day(date, &[]).await;

        // Assert
        assert_problem(response, 422, "out-of-range", &[date]).await;
    }
}

#[tokio::test]
async fn an_impossible_date_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.get_day("2026-02-30", &[]).await;

    // Assert
    assert_problem(
        response,
        400,
        "invalid-parameter",
        &["2026-02-30", "not a calendar date"],
    )
    .await;
}

#[tokio::test]
async fn a_date_in_no_year_month_day_form_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // `20261001`, `2026.9.30` and `2026年9月30日` are year, month, day as clerks write them,
    // and read; these are not.
    for date in ["30-9-2026", "tomorrow", "2026-9.30", "261001", "9月30日"] {
        // Act
        let response = app.get_day(date, &[]).await;

        // Assert
        assert_problem(response, 400, "invalid-parameter", &[date]).await;
    }
}

#[tokio::test]
async fn an_unknown_calendar_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.get_day("2026-10-01", &[("calendar", "cn-xz")]).await;

    // Assert
    assert_problem(response, 400, "unknown-calendar", &["cn-xz"]).await;
}

#[tokio::test]
async fn a_strict_flag_that_is_not_a_boolean_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.get_day("2026-10-01", &[("strict", "maybe")]).await;

    // Assert
    assert_problem(response, 400, "invalid-parameter", &["strict", "maybe"]).await;
}

#[tokio::test]
async fn a_range_lists_every_day_in_order_both_ends_included() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let range = ok_json(
        app.get_days(&[
            ("from", "2026-09-30"),
            ("to", "2026-10-11"),
            ("calendar", "cn"),
        ])
        .await,
    )
    .await;

    // Assert: cn/2026.json: 10-01..10-07 国庆节 off, Sat 10-10 worked; Sun 10-11 in no notice.
    let expected: Vec<(String, String)> = [
        ("2026-09-30", "workday"),
        ("2026-10-01", "holiday"),
        ("2026-10-02", "holiday"),
        ("2026-10-03", "holiday"),
        ("2026-10-04", "holiday"),
        ("2026-10-05", "holiday"),
        ("2026-10-06", "holiday"),
        ("2026-10-07", "holiday"),
        ("2026-10-08", "workday"),
        ("2026-10-09", "workday"),
        ("2026-10-10", "makeup_workday"),
        ("2026-10-11", "weekend"),
    ]
    .iter()
    .map(|(d, k)| ((*d).to_owned(), (*k).to_owned()))
    .collect();
    assert_eq!(range["calendar"], "cn", "expected the calendar asked for");
    assert_eq!(kinds(&range), expected, "expected the 12 days of the break");
}

#[tokio::test]
async fn a_range_of_one_day_lists_that_day() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let range = ok_json(
        app.get_days(&[("from", "2025-06-09"), ("to", "2025-06-09")])
            .await,
    )
    .await;

    // Assert: default calendar cn-xj-kizilsu, 古尔邦节 per cn-xj/2025.json.
    assert_eq!(
        kinds(&range),
        [("2025-06-09".to_owned(), "holiday".to_owned())],
        "expected the one day, a festival on the default calendar"
    );
    assert_eq!(
        range["calendar"], "cn-xj-kizilsu",
        "expected the default calendar"
    );
}

#[tokio::test]
async fn a_range_of_3700_days_is_listed_in_full() {
    // Arrange
    let app = spawn_app().await;

    // Act: 2020-01-01 + 3,653 days (ten years, three of them leap) = 2030-01-01; + 46 more
    // = 2030-02-16, the 3,700th day counting both ends.
    let range = ok_json(
        app.get_days(&[("from", "2020-01-01"), ("to", "2030-02-16")])
            .await,
    )
    .await;

    // Assert
    let days = range["days"].as_array().expect("expected a days array");
    assert_eq!(days.len(), 3700, "expected 3,700 days, the most allowed");
    assert_eq!(
        days[0]["date"], "2020-01-01",
        "expected the first day first"
    );
    assert_eq!(
        days[3699]["date"], "2030-02-16",
        "expected the last day last"
    );
}

#[tokio::test]
async fn a_range_of_3701_days_is_a_400() {
    // Arrange
    let app = spawn_app().await;

    // Act: one day more than the 3,700 above.
    let response = app
        .get_days(&[("from", "2020-01-01"), ("to", "2030-02-17")])
        .await;

    // Assert
    assert_problem(response, 400, "invalid-parameter", &["3701", "3700"]).await;
}

#[tokio::test]
async fn a_range_that_ends_before_it_starts_is_a_400() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .get_days(&[("from", "2026-10-11"), ("to", "2026-10-01")])
        .await;

    // Assert
    assert_problem(
        response,
        400,
        "invalid-parameter",
        &["to", "2026-10-01", "2026-10-11"],
    )
    .await;
}

#[tokio::test]
async fn a_range_without_from_or_to_is_a_400_naming_the_missing_one() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let no_from = app.get_days(&[("to", "2026-10-01")]).await;
    let no_to = app.get_days(&[("from", "2026-10-01")]).await;

    // Assert
    assert_problem(no_from, 400, "missing-parameter", &["from"]).await;
    assert_problem(no_to, 400, "missing-parameter", &["to"]).await;
}

#[tokio::test]
async fn a_range_with_an_impossible_date_is_a_400_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .get_days(&[("from", "2026-02-30"), ("to", "2026-03-02")])
        .await;

    // Assert
    assert_problem(response, 400, "invalid-parameter", &["from", "2026-02-30"]).await;
}

#[tokio::test]
async fn a_range_into_an_unpublished_year_is_provisional_and_refused_when_strict() {
    // Arrange
    let app = spawn_app().await;
    let span = [
        ("from", "2026-12-30"),
        ("to", "2027-01-02"),
        ("calendar", "cn"),
    ];

    // Act
    let range = ok_json(app.get_days(&span).await).await;
    let strict = app
        .get_days(&[span[0], span[1], span[2], ("strict", "true")])
        .await;

    // Assert
    let provisional: Vec<bool> = range["days"]
        .as_array()
        .expect("expected a days array")
        .iter()
        .map(|d| d["provisional"] == true)
        .collect();
    assert_eq!(
        provisional,
        [false, false, true, true],
        "expected only the 2027 days provisional"
    );
    assert_problem(strict, 422, "provisional", &[]).await;
}

#[tokio::test]
async fn a_range_past_the_supported_end_is_a_422() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .get_days(&[("from", "2100-12-30"), ("to", "2101-01-02")])
        .await;

    // Assert
    assert_problem(response, 422, "out-of-range", &["2101-01-02"]).await;
}

#[tokio::test]
async fn the_next_break_from_a_day_gives_its_days_off_statutory_days_and_makeup_days() {
    // 国办发明电〔2025〕7号: 春节 2/15–2/23 off (9 days), Sat 2/14 and Sat 2/28 worked; the
    // 2024 办法's statutory days are 除夕 2/16 and 初一–初三 2/17–2/19.
    let app = spawn_app().await;
    let answer = ok_json(
        app.get("/v1/holidays/next?calendar=cn&from=2026-02-01")
            .await,
    )
    .await;
    let next = &answer["next"];
    assert_eq!(next["name"], "春节", "{answer}");
    assert_eq!(
        (
            next["first_day"].as_str(),
            next["last_day"].as_str(),
            next["days"].as_u64()
        ),
        (Some("2026-02-15"), Some("2026-02-23"), Some(9))
    );
    assert_eq!(
        next["statutory_days"],
        serde_json::json!(["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19"])
    );
    assert_eq!(
        next["makeup_days"],
        serde_json::json!(["2026-02-14", "2026-02-28"])
    );
    assert_eq!(next["estimated"], false);
    // From inside 国庆节 the break itself: 10/1–10/7, with Sun 9/20 and Sat 10/10 worked.
    let inside = ok_json(
        app.get("/v1/holidays/next?calendar=cn&from=2026-10-03")
            .await,
    )
    .await;
    assert_eq!(inside["next"]["first_day"], "2026-10-01", "{inside}");
    assert_eq!(
        inside["next"]["makeup_days"],
        serde_json::json!(["2026-09-20", "2026-10-10"])
    );
    let bad = app.get("/v1/holidays/next?from=2026-02-30").await;
    assert_problem(bad, 400, "invalid-parameter", &["from"]).await;
}
