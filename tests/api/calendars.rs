//! `GET /v1/calendars` and `GET /v1/calendars/{id}`: the three layers, their parents and zone,
//! and which years are published (holidays/calendars.json and the files under holidays/).

use serde_json::Value;

use crate::helpers::{assert_problem, ok_json, spawn_app};

/// The status the calendar gives `year` in its `years` list.
fn year_status(calendar: &Value, year: i64) -> String {
    let years = calendar["years"]
        .as_array()
        .unwrap_or_else(|| panic!("expected a years array, got {calendar}"));
    let entry = years
        .iter()
        .find(|y| y["year"] == year)
        .unwrap_or_else(|| panic!("expected year {year} in {}", calendar["id"]));
    entry["status"]
        .as_str()
        .unwrap_or_else(|| panic!("expected a status string for {year}, got {entry}"))
        .to_owned()
}

#[tokio::test]
async fn the_list_holds_the_three_layers_national_first() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let list = ok_json(app.get_calendars().await).await;

    // Assert
    let calendars = list.as_array().expect("expected a JSON array of calendars");
    let ids: Vec<&str> = calendars.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["cn", "cn-xj", "cn-xj-kizilsu"],
        "expected the national, Xinjiang and Kizilsu layers in that order"
    );
    let parents: Vec<&Value> = calendars.iter().map(|c| &c["parent"]).collect();
    assert_eq!(
        parents,
        [&Value::Null, &Value::from("cn"), &Value::from("cn-xj")],
        "expected cn to be the root, cn-xj on cn and cn-xj-kizilsu on cn-xj"
    );
    for calendar in calendars {
        assert_eq!(
            calendar["timezone"], "Asia/Shanghai",
            "expected every layer to keep office hours on Beijing time: {}",
            calendar["id"]
        );
        assert!(
            calendar["name"].as_str().is_some_and(|n| !n.is_empty()),
            "expected a name for {}",
            calendar["id"]
        );
    }
}

#[tokio::test]
async fn every_calendar_lists_each_supported_year_from_2000_to_2100() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let list = ok_json(app.get_calendars().await).await;

    // Assert
    for calendar in list.as_array().expect("expected an array") {
        let years: Vec<i64> = calendar["years"]
            .as_array()
            .expect("expected a years array")
            .iter()
            .filter_map(|y| y["year"].as_i64())
            .collect();
        assert_eq!(
            years,
            (2000..=2100).collect::<Vec<_>>(),
            "expected {} to list the 101 supported years in order",
            calendar["id"]
        );
    }
}

#[tokio::test]
async fn a_year_is_published_only_when_every_layer_has_its_notice() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let list = ok_json(app.get_calendars().await).await;

    // Assert
    let by_id = |id: &str| {
        list.as_array()
            .expect("expected an array")
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("expected calendar {id}"))
            .clone()
    };
    let (cn, xj, kz) = (by_id("cn"), by_id("cn-xj"), by_id("cn-xj-kizilsu"));
    // holidays/cn holds 2007.json to 2026.json.
    assert_eq!(year_status(&cn, 2006), "provisional", "cn has no 2006 file");
    assert_eq!(year_status(&cn, 2007), "published", "cn has 2007.json");
    assert_eq!(year_status(&cn, 2026), "published", "cn has 2026.json");
    assert_eq!(year_status(&cn, 2027), "provisional", "cn has no 2027 file");
    // cn-xj needs both 肉孜节 and 古尔邦节: 2013.json has only 肉孜节, 2019 has no file,
    // 2021.json has both.
    assert_eq!(year_status(&xj, 2013), "provisional", "2013 lacks 古尔邦节");
    assert_eq!(year_status(&xj, 2019), "provisional", "no cn-xj 2019 file");
    assert_eq!(year_status(&xj, 2021), "published", "both festivals known");
    assert_eq!(year_status(&xj, 2025), "published", "both festivals known");
    // Kizilsu publishes only now and then, so it follows cn-xj.
    for year in [2013, 2019, 2027] {
        assert_eq!(
            year_status(&kz, year),
            "provisional",
            "expected Kizilsu {year} provisional like cn-xj"
        );
    }
    for year in 2021..=2026 {
        assert_eq!(
            year_status(&kz, year),
            "published",
            "expected Kizilsu {year} published like cn-xj"
        );
    }
}

#[tokio::test]
async fn one_calendar_is_answered_with_its_layer_and_years() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let kz = ok_json(app.get_calendar("cn-xj-kizilsu").await).await;

    // Assert
    assert_eq!(kz["id"], "cn-xj-kizilsu", "expected the calendar asked for");
    assert_eq!(kz["parent"], "cn-xj", "expected Kizilsu to sit on Xinjiang");
    assert_eq!(kz["timezone"], "Asia/Shanghai", "expected Beijing time");
    assert_eq!(
        year_status(&kz, 2026),
        "published",
        "expected 2026 published (cn and cn-xj files exist)"
    );
}

#[tokio::test]
async fn the_list_and_the_single_answer_agree() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let list = ok_json(app.get_calendars().await).await;
    let one = ok_json(app.get_calendar("cn-xj").await).await;

    // Assert
    let from_list = list
        .as_array()
        .expect("expected an array")
        .iter()
        .find(|c| c["id"] == "cn-xj")
        .expect("expected cn-xj in the list");
    assert_eq!(
        &one, from_list,
        "expected /v1/calendars/cn-xj to be the list's cn-xj entry"
    );
}

#[tokio::test]
async fn an_unknown_calendar_is_a_404_problem_naming_it() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.get_calendar("cn-xz").await;

    // Assert
    assert_problem(response, 404, "not-found", &["cn-xz"]).await;
}

/// The `outlook` line the calendar gives `year`, if any.
fn outlook(calendar: &Value, year: i64) -> Option<String> {
    calendar["years"]
        .as_array()
        .and_then(|years| years.iter().find(|y| y["year"] == year))
        .and_then(|y| y["outlook"].as_str())
        .map(str::to_owned)
}

#[tokio::test]
async fn an_unpublished_year_says_the_system_lacks_its_notice_and_what_the_projection_scored() {
    // Arrange: the backtest's figures, summed here from its per-year misses.
    let data = qixian::calendar::DataSet::embedded().expect("embedded data");
    let misses: Vec<usize> = (2008..=2026)
        .map(|y| {
            qixian::calendar::backtest::national(&data, y)
                .expect("published")
                .len()
        })
        .collect();
    let mean = format!("{:.2}", misses.iter().sum::<usize>() as f64 / 19.0);
    let exact = misses.iter().filter(|n| **n == 0).count();
    let app = spawn_app().await;

    // Act
    let zh = ok_json(app.get("/v1/calendars?lang=zh").await).await;
    let en = ok_json(app.get("/v1/calendars?lang=en").await).await;

    // Assert
    let of = |list: &Value, id: &str| {
        list.as_array()
            .and_then(|l| l.iter().find(|c| c["id"] == id))
            .cloned()
            .unwrap_or_else(|| panic!("expected calendar {id}"))
    };
    assert_eq!(outlook(&of(&zh, "cn"), 2026), None, "2026 is published");
    let cn = outlook(&of(&zh, "cn"), 2027).expect("2027 is estimated");
    assert!(
        cn.starts_with("2027年：本系统尚未收录该年国务院的放假安排通知"),
        "says what the system holds, not what the State Council did: {cn}"
    );
    assert!(
        cn.contains("其中春节的调休尚难确定"),
        "春节 2027 has a runner-up arrangement: {cn}"
    );
    assert!(
        cn.contains(&format!(
            "平均每年{mean}个工作日与通知不符（19年中{exact}年完全相符"
        )),
        "quotes the backtest ({mean}, {exact} exact): {cn}"
    );
    let xj = outlook(&of(&zh, "cn-xj"), 2027).expect("2027 is estimated");
    assert!(
        xj.contains("国务院和自治区的放假安排通知") && xj.contains("肉孜节"),
        "肉孜节 2027 may be 03-09 or 03-10: {xj}"
    );
    assert_eq!(
        outlook(&of(&zh, "cn"), 2030),
        None,
        "only this year and next, the years a notice is awaited for"
    );
    let en_cn = outlook(&of(&en, "cn"), 2027).expect("2027 is estimated");
    assert!(
        en_cn.starts_with("2027: this system lacks the State Council's holiday notice")
            && en_cn.contains(&format!(
                "Backtest 2008–2026: {mean} wrong working-day statuses a year"
            )),
        "the same line in English: {en_cn}"
    );
}
