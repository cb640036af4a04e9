//! The answers' language: Chinese unless the request asks otherwise (`lang=`, then
//! `Accept-Language`), English on request, the same codes and data in both, and caches that
//! keep the two apart. These tests use clients of their own: the harness's asks for English.
//!
//! The expected words are written here by hand, from the catalogues' wording and the holiday
//! files (国庆节 2026: 10-01 to 10-07 off, 10-10 a makeup Saturday; `holidays/cn/2026.json`).

use reqwest::{Client, Response, header};
use serde_json::Value;

use crate::helpers::spawn_app;

/// A client that sends no `Accept-Language`, or the one given.
fn client(accept_language: Option<&str>) -> Client {
    let mut headers = header::HeaderMap::new();
    if let Some(value) = accept_language {
        headers.insert(
            header::ACCEPT_LANGUAGE,
            header::HeaderValue::from_str(value).expect("a valid header"),
        );
    }
    Client::builder()
        .no_proxy()
        .default_headers(headers)
        .build()
        .expect("the client builds")
}

async fn get(address: &str, path: &str, accept_language: Option<&str>) -> Response {
    client(accept_language)
        .get(format!("{address}{path}"))
        .send()
        .await
        .expect("the request is sent")
}

/// The JSON answer to `GET path`, with no `Accept-Language`.
async fn answer(address: &str, path: &str) -> Value {
    get(address, path, None)
        .await
        .json()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn header_of(response: &Response, name: header::HeaderName) -> Vec<String> {
    response
        .headers()
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("ASCII").to_owned())
        .collect()
}

/// Whether `text` holds an English sentence: three or more words of Latin letters in a row,
/// separated by spaces alone. Machine words stand alone, or in lists that Chinese punctuation
/// separates (`参数 calendar`, `rule、event、calendar`).
fn english_sentence(text: &str) -> Option<String> {
    for segment in text.split(|c: char| !(c.is_ascii_alphabetic() || c == ' ')) {
        let words: Vec<&str> = segment.split(' ').filter(|w| !w.is_empty()).collect();
        if words.len() >= 3 && !segment.contains("  ") {
            return Some(words.join(" "));
        }
    }
    None
}

#[test]
fn an_english_sentence_is_found_and_machine_words_are_not() {
    assert!(english_sentence("parameter date: 2026-02-30 is not a calendar date").is_some());
    assert!(english_sentence("holiday, 国庆节 (National Day); not counted").is_none());
    assert!(english_sentence("not a working day").is_some());
    assert!(english_sentence("参数 date：2026-02-30 不是日历上存在的日期").is_none());
    assert!(english_sentence("字段有：rule、event、calendar、timezone").is_none());
    assert!(english_sentence("请以 Content-Type application/json 发送").is_none());
}

/// Every string of a JSON answer, with its path, except the fields that hold codes or data
/// and are the same in every language.
fn strings<'a>(value: &'a Value, path: String, out: &mut Vec<(String, &'a str)>) {
    const MACHINE: [&str; 8] = [
        "type", "code", "kind", "state", "unit", "id", "url", "papers",
    ];
    match value {
        Value::String(s) => out.push((path, s)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, format!("{path}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if !MACHINE.contains(&key.as_str()) {
                    strings(item, format!("{path}/{key}"), out);
                }
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn without_a_language_asked_for_a_problem_is_in_chinese_and_says_so() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = get(&app.address, "/v1/days/2026-02-30", None).await;

    // Assert
    assert_eq!(response.status(), 400, "expected a 400");
    assert_eq!(
        header_of(&response, header::CONTENT_LANGUAGE),
        ["zh-CN"],
        "expected Content-Language zh-CN"
    );
    assert!(
        header_of(&response, header::VARY)
            .iter()
            .any(|v| v.eq_ignore_ascii_case("accept-language")),
        "expected Vary: Accept-Language, the answer depends on it"
    );
    let problem: Value = response.json().await.expect("a problem document");
    assert_eq!(problem["code"], "invalid-parameter", "the code is the same");
    assert_eq!(
        problem["title"], "参数值无效",
        "expected the title in Chinese"
    );
    assert_eq!(
        problem["detail"], "参数 date：2026-02-30 不是日历上存在的日期",
        "expected the detail in Chinese, naming the value"
    );
}

#[tokio::test]
async fn lang_en_and_accept_language_en_answer_in_english() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let by_parameter = get(&app.address, "/v1/days/2026-02-30?lang=en", None).await;
    let by_header = get(&app.address, "/v1/days/2026-02-30", Some("en-GB,en;q=0.9")).await;

    // Assert
    assert_eq!(
        header_of(&by_parameter, header::CONTENT_LANGUAGE),
        ["en"],
        "expected Content-Language en"
    );
    assert!(
        !header_of(&by_parameter, header::VARY)
            .iter()
            .any(|v| v.eq_ignore_ascii_case("accept-language")),
        "lang= chose the language: the answer does not vary with the header"
    );
    for response in [by_parameter, by_header] {
        let problem: Value = response.json().await.expect("a problem document");
        assert_eq!(problem["title"], "A parameter is not valid", "{problem}");
        assert_eq!(
            problem["detail"], "parameter date: 2026-02-30 is not a calendar date",
            "expected the detail in English"
        );
    }
}

/// A name written percent-encoded is the same name (`l%61ng` is `lang`), as the route's own
/// parameters read it: before the query was read once, the language was looked for by its
/// plain spelling only, and such a request was answered in Chinese.
#[tokio::test]
async fn lang_written_percent_encoded_is_lang() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = get(&app.address, "/v1/days/2026-02-30?l%61ng=en", None).await;

    // Assert
    assert_eq!(
        header_of(&response, header::CONTENT_LANGUAGE),
        ["en"],
        "expected Content-Language en"
    );
    let problem: Value = response.json().await.expect("a problem document");
    assert_eq!(
        problem["detail"], "parameter date: 2026-02-30 is not a calendar date",
        "expected the detail in English"
    );
}

#[tokio::test]
async fn accept_language_picks_the_preferred_language_the_service_speaks() {
    // Arrange
    let app = spawn_app().await;
    let cases = [
        // (Accept-Language, expected Content-Language)
        ("fr, zh-CN;q=0.5, en;q=0.4", "zh-CN"),
        ("en;q=0.2, zh-Hans;q=0.8", "zh-CN"),
        ("fr", "zh-CN"),
        ("*", "zh-CN"),
        ("de, en-US;q=0.7", "en"),
        ("zh;q=0, en;q=0.1", "en"),
    ];

    for (accept, expected) in cases {
        // Act
        let response = get(&app.address, "/v1/rules/countersign-reply", Some(accept)).await;

        // Assert
        assert_eq!(
            header_of(&response, header::CONTENT_LANGUAGE),
            [expected],
            "Accept-Language: {accept}"
        );
    }
}

#[tokio::test]
async fn lang_names_a_language_the_service_speaks_or_is_refused() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let unknown = get(&app.address, "/v1/rules?lang=fr", None).await;
    let twice = get(&app.address, "/v1/rules?lang=zh&lang=en", None).await;

    // Assert
    let problem = crate::helpers::assert_problem(unknown, 400, "invalid-parameter", &[]).await;
    assert_eq!(
        problem["detail"], "参数 lang：\"fr\" 不是本服务使用的语言；可选 zh（中文）或 en（英文）",
        "expected the value and the choices named"
    );
    crate::helpers::assert_problem(twice, 400, "invalid-parameter", &["lang", "不止一次"]).await;
}

#[tokio::test]
async fn a_deadline_is_explained_in_chinese_as_an_official_document_would_put_it() {
    // Arrange
    let app = spawn_app().await;

    // Act: 第五十条, 7 working days from 2026-09-30 18:00 Beijing time.
    let answer = answer(
        &app.address,
        "/v1/deadlines?rule=countersign-reply&event=2026-09-30T18:00:00&as_of=2026-10-12",
    )
    .await;

    // Assert
    assert_eq!(answer["due_date"], "2026-10-15", "{answer}");
    assert_eq!(
        answer["title"], "部门之间征求意见或会签文件一般应在7个工作日内回复",
        "expected the rule's title in Chinese"
    );
    let step = |date: &str| {
        answer["explanation"]
            .as_array()
            .expect("an explanation")
            .iter()
            .find(|s| s["date"] == date)
            .unwrap_or_else(|| panic!("a step for {date}"))
            .clone()
    };
    // 9/30, a Wednesday: the event's day.
    assert_eq!(step("2026-09-30")["weekday"], "星期三");
    assert_eq!(
        step("2026-09-30")["reason"],
        "开始的当日，不计入，自下一日起算（《民法典》第二百零一条）；工作日"
    );
    // 10/1: 国庆节, not counted.
    assert_eq!(step("2026-10-01")["reason"], "节假日（国庆节），不计入");
    assert_eq!(step("2026-10-01")["name"], "国庆节");
    assert_eq!(step("2026-10-01")["kind"], "holiday", "the kind is a code");
    // 10/8 and 10/9 count 1 and 2; the makeup Saturday 10/10 is the third working day.
    // An ordinary working day is not said twice (「第1个工作日；工作日」).
    assert_eq!(step("2026-10-08")["reason"], "第1个工作日");
    assert_eq!(step("2026-10-10")["weekday"], "星期六");
    assert_eq!(
        step("2026-10-10")["reason"],
        "第3个工作日；调休上班日（国庆节）"
    );
    // 10/15 is the 7th: 10/8, 9, 10, 12, 13, 14, 15.
    assert_eq!(
        step("2026-10-15")["reason"],
        "第7个工作日；截止时间为停止业务活动的时间19:30（《民法典》第二百零三条第二款）"
    );
    // As of Monday 10/12: 10/13, 10/14, 10/15 are left.
    assert_eq!(answer["status"]["state"], "pending", "the state is a code");
    assert_eq!(
        answer["status"]["text"],
        "截至2026年10月12日，未到期，尚余3个工作日（含截止日当天）；逾期不回复视为无不同意见（《克孜勒苏柯尔克孜自治州人民政府工作规则》第五十条）",
        "expected the status in a sentence"
    );
}

#[tokio::test]
async fn the_same_deadline_in_english_keeps_every_code_and_date() {
    // Arrange
    let app = spawn_app().await;
    let path = "/v1/deadlines?rule=countersign-reply&event=2026-09-30T18:00:00&as_of=2026-10-16";

    // Act
    let zh = answer(&app.address, path).await;
    let en = answer(&app.address, &format!("{path}&lang=en")).await;

    // Assert
    for field in [
        "due_date",
        "due_at",
        "unit",
        "amount",
        "provisional",
        "citation",
    ] {
        assert_eq!(
            zh[field], en[field],
            "{field} does not change with the language"
        );
    }
    assert_eq!(
        en["title"],
        "A department asked for its views or countersignature replies within 7 working days"
    );
    let holiday = &en["explanation"][1];
    assert_eq!(holiday["date"], "2026-10-01");
    assert_eq!(holiday["weekday"], "Thu");
    assert_eq!(
        holiday["reason"],
        "holiday, 国庆节 (National Day); not a working day, not counted"
    );
    // Overdue on Friday 10/16 by one working day, and the rule's consequence applies.
    assert_eq!(en["status"]["state"], "overdue");
    assert_eq!(en["status"]["consequence"], "deemed_no_objection");
    assert_eq!(
        en["status"]["text"],
        "as of 2026-10-16, overdue by 1 working day; no reply within the period is deemed to be no objection (《克孜勒苏柯尔克孜自治州人民政府工作规则》第五十条)"
    );
    assert_eq!(
        zh["status"]["text"],
        "截至2026年10月16日，已逾期1个工作日；逾期不回复视为无不同意见（《克孜勒苏柯尔克孜自治州人民政府工作规则》第五十条）"
    );
}

#[tokio::test]
async fn a_calendar_day_period_ending_on_a_holiday_cites_article_203_in_both_languages() {
    // Arrange: 第四十九条, 30 days from 2026-09-01. Day 30 is 10/1 (29 days in 9/2–9/30),
    // a holiday; 10/1–10/7 are off, so the period ends on Thursday 10/8.
    let app = spawn_app().await;
    let path = "/v1/deadlines?rule=approved-filing&event=2026-09-01";

    // Act
    let zh = answer(&app.address, path).await;
    let en = answer(&app.address, &format!("{path}&lang=en")).await;

    // Assert
    assert_eq!(zh["due_date"], "2026-10-08");
    let reason = |answer: &Value, date: &str| {
        answer["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["date"] == date)
            .unwrap()["reason"]
            .clone()
    };
    assert_eq!(reason(&zh, "2026-10-01"), "第30日；节假日（国庆节）");
    assert_eq!(
        reason(&zh, "2026-10-02"),
        "节假日（国庆节）；最后一日为法定休假日，顺延至休假日结束的次日（《民法典》第二百零三条）"
    );
    assert_eq!(
        reason(&zh, "2026-10-08"),
        "工作日；期间最后一日为法定休假日，顺延至休假日结束的次日，即本日（《民法典》第二百零三条）；截止时间为停止业务活动的时间19:30（《民法典》第二百零三条第二款）"
    );
    assert_eq!(
        reason(&en, "2026-10-08"),
        "working day; the period's last day fell on a rest day and moves to the day after the rest days, this day (Civil Code art. 203); the period ends when business stops, at 19:30 (Civil Code art. 203(2))"
    );
}

#[tokio::test]
async fn no_answer_in_chinese_holds_an_english_sentence() {
    // Arrange: answers, and problems of every family, asked with no language (Chinese).
    let app = spawn_app().await;
    let paths = [
        "/v1/deadlines?rule=countersign-reply&event=2027-09-30&as_of=2027-10-20",
        "/v1/deadlines?unit=working_days&amount=10&event=2026-09-30",
        "/v1/rules",
        "/v1/calendars",
        "/v1/calendars/cn-xj",
        "/v1/calendars/cn-xj/days?year=2027",
        "/v1/days?from=2027-05-01&to=2027-05-31&calendar=cn-xj",
        "/v1/workdays/add?start=2026-09-30&days=7",
        "/readyz",
        "/v1/days/2026-13-01",
        "/v1/days/2026-06-01?calender=cn",
        "/v1/days/2026-06-01?calendar=cn-xz",
        "/v1/days/2099-06-01?strict=true",
        "/v1/days/2101-01-01",
        "/v1/days?from=2026-06-01&to=2026-01-01",
        "/v1/deadlines?rule=countersign-replay&event=2026-09-30",
        "/v1/deadlines?rule=countersign-reply&event=2026-09-30T25:00",
        "/v1/deadlines?rule=countersign-reply&event=2026-09-30T01:30:00 08:00",
        "/v1/deadlines?rule=countersign-reply&event=2026-09-30&timezone=Asia/Urumchi",
        "/v1/deadlines?rule=meeting-issuance&event=2026-09-30&days=3",
        "/v1/deadlines?unit=weeks&amount=3&event=2026-09-30",
        "/v1/deadlines?event=2026-09-30",
        "/v1/deadlines?rule=countersign-reply&event=2026-09-30&format=xml",
        "/v1/deadlines?rule=countersign-reply&event=2026-09-30&field=state",
        "/v1/workdays/add?start=2026-09-30&days=seven",
        "/v1/workdays/add?start=2026-09-30&days=1&days=2",
        "/v1/calendars/cn/days?from_year=2020&to_year=2031",
        "/v1/calendars/mars",
        "/v1/rules/nothing",
        "/v1/dayz/2026-06-01",
    ];

    for path in paths {
        // Act
        let response = get(&app.address, path, None).await;

        // Assert
        assert_eq!(
            header_of(&response, header::CONTENT_LANGUAGE),
            ["zh-CN"],
            "{path}"
        );
        let body: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut found = Vec::new();
        strings(&body, String::new(), &mut found);
        for (at, text) in found {
            assert!(
                english_sentence(text).is_none(),
                "{path}: {at} holds English: {text:?}"
            );
        }
    }
}

#[tokio::test]
async fn no_problem_of_a_batch_in_chinese_holds_an_english_sentence() {
    // Arrange
    let app = spawn_app().await;
    let bodies: [(&str, &[u8]); 5] = [
        ("application/json", br#"[{"rule": "countersign-reply"}]"#),
        (
            "application/json",
            br#"{"items": [{"rule": 7}, {"calender": "cn"}, {"event": "2026-09-30"}]}"#,
        ),
        ("application/json", br#"{"items": [{"rule": "#),
        ("text/csv", b"title,number\nx,1\n"),
        ("application/xml", b"<items/>"),
    ];

    for (content_type, body) in bodies {
        // Act
        let response = client(None)
            .post(format!("{}/v1/deadlines/batch", app.address))
            .header(header::CONTENT_TYPE, content_type)
            .body(body.to_vec())
            .send()
            .await
            .expect("sent");

        // Assert
        let text = response.text().await.expect("a body");
        let body: Value = serde_json::from_str(&text).expect("JSON");
        let mut found = Vec::new();
        strings(&body, String::new(), &mut found);
        assert!(!found.is_empty(), "{text}");
        for (at, text) in found {
            assert!(
                english_sentence(text).is_none(),
                "{content_type}: {at} holds English: {text:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_cache_keeps_each_language_apart() {
    // Arrange
    let app = spawn_app().await;
    let path = "/v1/deadlines?rule=countersign-reply&event=2026-09-30";

    // Act: the same URL, Chinese, English, Chinese again.
    let first = get(&app.address, path, None).await;
    let first_tag = header_of(&first, header::ETAG);
    let first_body = first.text().await.unwrap();
    let english = get(&app.address, path, Some("en")).await;
    let english_tag = header_of(&english, header::ETAG);
    let english_body = english.text().await.unwrap();
    let again = get(&app.address, path, Some("zh-CN")).await;
    let again_tag = header_of(&again, header::ETAG);
    let again_body = again.text().await.unwrap();

    // Assert
    assert_ne!(first_body, english_body, "two languages, two bodies");
    assert_ne!(first_tag, english_tag, "two languages, two ETags");
    assert_eq!(first_body, again_body, "the Chinese answer again");
    assert_eq!(first_tag, again_tag, "the Chinese ETag again");
    assert!(english_body.contains("National Day"), "{english_body}");
}

#[tokio::test]
async fn the_holiday_feed_speaks_english_on_request() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let body = get(
        &app.address,
        "/v1/calendars/cn/holidays.ics?year=2026&lang=en",
        None,
    )
    .await
    .text()
    .await
    .unwrap();

    // Assert
    let unfolded = body.replace("\r\n ", "");
    assert!(
        unfolded.contains("SUMMARY:国庆节 (National Day): day off\r\n"),
        "{unfolded}"
    );
    assert!(
        unfolded.contains("SUMMARY:国庆节 (National Day): makeup working day\r\n"),
        "{unfolded}"
    );
}
