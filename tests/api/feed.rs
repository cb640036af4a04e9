//! The holiday data staying current: a local feed server (loopback, started by each test), the
//! operator's directory, the state directory, and the admin route.

use std::time::Duration;

use chrono::{Datelike, Utc};
use reqwest::{Method, header};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, ok_json, spawn_app, spawn_app_with};

const TOKEN: &str = "feed-test-admin-token";

/// What the feed (a mock server on loopback) answers for every `<year>.json`.
#[derive(Clone)]
enum Answer {
    Status(u16),
    Body(String),
    /// Longer than the service's feed timeout.
    Hang,
}

struct FakeFeed {
    url: String,
    server: wiremock::MockServer,
}

impl FakeFeed {
    /// From now on, every request is answered so.
    async fn set(&self, answer: Answer) {
        self.server.reset().await;
        mount(&self.server, answer).await;
    }
}

async fn mount(server: &wiremock::MockServer, answer: Answer) {
    let template = match answer {
        Answer::Status(code) => wiremock::ResponseTemplate::new(code),
        Answer::Body(body) => wiremock::ResponseTemplate::new(200)
            .insert_header("content-type", "application/json")
            .set_body_string(body),
        Answer::Hang => wiremock::ResponseTemplate::new(200)
            .set_body_string("{}")
            .set_delay(Duration::from_secs(5)),
    };
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(template)
        .mount(server)
        .await;
}

async fn start_feed(initial: Answer) -> FakeFeed {
    let server = wiremock::MockServer::start().await;
    mount(&server, initial).await;
    FakeFeed {
        url: format!("{}/", server.uri()),
        server,
    }
}

/// The year the feed is asked for besides this one: next year on Beijing time.
pub(crate) fn next_year() -> i32 {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).year() + 1
}

/// A national notice for `year`, shaped like a real one so that the feed's checks take it: the
/// days off as the projection estimates them, 春节 over eight days,
/// 国庆节 10/1–10/7 off, and 10/9 (whatever weekday) worked.
pub(crate) fn notice(year: i32) -> String {
    let mut off: std::collections::BTreeMap<chrono::NaiveDate, &str> =
        qixian::calendar::projection::national(year)
            .into_iter()
            .filter(|p| p.is_off_day)
            .map(|p| (p.date, p.name))
            .collect();
    let eve = off
        .iter()
        .find(|(_, name)| **name == "春节")
        .map(|(date, _)| *date)
        .expect("春节 is statutory");
    for n in 0..8 {
        off.entry(eve + chrono::Days::new(n)).or_insert("春节");
    }
    for d in 1..=7 {
        let date = chrono::NaiveDate::from_ymd_opt(year, 10, d).expect("a date");
        off.insert(date, "国庆节");
    }
    let mut days: Vec<Value> = off
        .iter()
        .map(|(date, name)| json!({"name": name, "date": date.to_string(), "isOffDay": true}))
        .collect();
    days.push(json!({"name": "国庆节", "date": format!("{year}-10-09"), "isOffDay": false}));
    json!({"year": year, "papers": ["test notice"], "days": days}).to_string()
}

/// Starts the service on the feed and waits for its start-up poll, so that the test's own
/// reloads are the only polls that see what the test serves next.
async fn spawn_with_feed(feed: &FakeFeed, state_dir: &str) -> TestApp {
    let app = spawn_with_feed_unsettled(feed, state_dir).await;
    for _ in 0..100 {
        let calendars = ok_json(app.get_calendar("cn").await).await;
        if calendars["feed"]["last_tried"].is_string() {
            return app;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the start-up poll of the feed did not finish within 5 s");
}

async fn spawn_with_feed_unsettled(feed: &FakeFeed, state_dir: &str) -> TestApp {
    spawn_app_with(&[
        ("QIXIAN_FEED_URL", &feed.url),
        ("QIXIAN_FEED_TIMEOUT_SECS", "1"),
        ("QIXIAN_STATE_DIR", state_dir),
        ("QIXIAN_ADMIN_TOKEN", TOKEN),
    ])
    .await
}

impl TestApp {
    pub(crate) async fn october_ninth(&self, year: i32) -> Value {
        let from = format!("{year}-10-01");
        let to = format!("{year}-10-09");
        let days = ok_json(
            self.get_days(&[("from", &from), ("to", &to), ("calendar", "cn")])
                .await,
        )
        .await;
        days["days"][8].clone()
    }
}

#[tokio::test]
async fn a_newly_published_year_changes_answers_even_ones_cached_before_it() {
    // Arrange: the feed has nothing yet; ask once so the answer is cached.
    let feed = start_feed(Answer::Status(404)).await;
    let state = tempfile::tempdir().unwrap();
    let app = spawn_with_feed(&feed, state.path().to_str().unwrap()).await;
    let year = next_year();
    let before = app.october_ninth(year).await;
    assert_eq!(
        before["provisional"], true,
        "next year is unpublished: {before}"
    );
    let cached = app.october_ninth(year).await;
    assert_eq!(
        before, cached,
        "the second answer (from the cache) is the same"
    );

    // Act: the notice is published; the admin reload polls the feed now.
    feed.set(Answer::Body(notice(year))).await;
    let reload = ok_json(app.admin_reload(Some(TOKEN)).await).await;

    // Assert
    let outcome = reload["feed"]["last_outcome"].to_string();
    assert!(
        outcome.contains(&format!("{year}: accepted")),
        "the feed file is accepted: {outcome}"
    );
    let after = app.october_ninth(year).await;
    let ninth = chrono::NaiveDate::from_ymd_opt(year, 10, 9).unwrap();
    let weekend = matches!(ninth.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
    let kind = if weekend { "makeup_workday" } else { "workday" };
    assert_eq!(after["kind"], kind, "10/9 worked by the notice: {after}");
    assert_eq!(
        after["working"], true,
        "the notice makes 10/9 a working day: {after}"
    );
    assert_eq!(after["name"], "国庆节", "named by the notice: {after}");
    assert_eq!(
        after["estimated"], false,
        "published, not estimated: {after}"
    );
    let calendars = ok_json(app.get_calendar("cn").await).await;
    let listed = calendars["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == year)
        .unwrap()
        .clone();
    assert_eq!(
        listed["status"], "published",
        "{year} is now published: {listed}"
    );
    assert_eq!(
        listed["sources"][0]["origin"]["kind"], "feed",
        "and says where it came from: {listed}"
    );
    assert!(
        calendars["feed"]["last_accepted"].is_string(),
        "the feed's last acceptance is shown"
    );
}

#[tokio::test]
async fn garbage_empty_out_of_year_missing_and_slow_feeds_leave_the_data_as_they_were() {
    let feed = start_feed(Answer::Status(404)).await;
    let state = tempfile::tempdir().unwrap();
    let app = spawn_with_feed(&feed, state.path().to_str().unwrap()).await;
    let year = next_year();
    let version = app.data_version().await;
    let cases = [
        ("garbage", Answer::Body("<html>not json</html>".to_owned()), "refused"),
        ("an empty file", Answer::Body(json!({"year": year, "papers": [], "days": []}).to_string()), "not published"),
        (
            "out-of-year dates",
            Answer::Body(json!({"year": year, "days": [{"name": "x", "date": "1999-05-01", "isOffDay": true}]}).to_string()),
            "refused",
        ),
        ("a 404", Answer::Status(404), "not published"),
        ("a 500", Answer::Status(500), "unreachable"),
        ("a timeout", Answer::Hang, "unreachable"),
    ];
    for (what, answer, expected) in cases {
        feed.set(answer).await;
        let reload = ok_json(app.admin_reload(Some(TOKEN)).await).await;
        let outcome = reload["feed"]["last_outcome"].to_string();
        assert!(
            outcome.contains(expected),
            "{what}: expected {expected:?} in {outcome}"
        );
        assert_eq!(
            app.data_version().await,
            version,
            "{what} leaves the data as they were"
        );
        let day = app.october_ninth(year).await;
        assert_eq!(
            day["provisional"], true,
            "{what}: next year is still unpublished"
        );
    }
}

#[tokio::test]
async fn a_restart_without_the_feed_keeps_the_accepted_data() {
    let year = next_year();
    let feed = start_feed(Answer::Body(notice(year))).await;
    let state = tempfile::tempdir().unwrap();
    let first = spawn_with_feed(&feed, state.path().to_str().unwrap()).await;
    ok_json(first.admin_reload(Some(TOKEN)).await).await;
    assert_eq!(
        first.october_ninth(year).await["name"],
        "国庆节",
        "accepted from the feed"
    );

    let restarted = spawn_app_with(&[("QIXIAN_STATE_DIR", state.path().to_str().unwrap())]).await;

    let day = restarted.october_ninth(year).await;
    assert_eq!(
        day["name"], "国庆节",
        "the state directory kept the feed's file: {day}"
    );
    assert_eq!(day["provisional"], false, "{year} stays published: {day}");
}

#[tokio::test]
async fn an_operator_file_changes_kizilsu_and_not_xinjiang() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("cn-xj-kizilsu")).unwrap();
    let notice = json!({"year": 2026, "papers": ["克州 notice (test)"], "days": [
        {"name": "州庆", "date": "2026-07-14", "isOffDay": true, "source": "test notice"}]});
    std::fs::write(
        dir.path().join("cn-xj-kizilsu/2026.json"),
        notice.to_string(),
    )
    .unwrap();

    let app = spawn_app_with(&[("QIXIAN_HOLIDAYS_DIR", dir.path().to_str().unwrap())]).await;

    let kizilsu = ok_json(
        app.get_day("2026-07-14", &[("calendar", "cn-xj-kizilsu")])
            .await,
    )
    .await;
    assert_eq!(
        (kizilsu["working"].clone(), kizilsu["name"].clone()),
        (json!(false), json!("州庆")),
        "{kizilsu}"
    );
    let xinjiang = ok_json(app.get_day("2026-07-14", &[("calendar", "cn-xj")]).await).await;
    assert_eq!(
        xinjiang["working"], true,
        "Xinjiang is not touched: {xinjiang}"
    );
    // 7/14/2026 is a Tuesday: three working days (7/13, 7/15, 7/16 … ) shift by one.
    let due = ok_json(
        app.add_workdays(&[("start", "2026-07-13"), ("days", "1")])
            .await,
    )
    .await;
    assert_eq!(
        due["date"], "2026-07-15",
        "州庆 is skipped on the default calendar: {due}"
    );
}

#[tokio::test]
async fn a_reload_that_changes_the_data_answers_with_the_new_version_in_body_and_header() {
    // Arrange: an operator file, changed after start-up.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cn-xj-kizilsu/2026.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let notice = |day: u32| {
        json!({"year": 2026, "papers": ["克州 notice (test)"], "days": [
            {"name": "州庆", "date": format!("2026-07-{day}"), "isOffDay": true, "source": "test"}]})
        .to_string()
    };
    std::fs::write(&file, notice(14)).unwrap();
    let app = spawn_app_with(&[
        ("QIXIAN_HOLIDAYS_DIR", dir.path().to_str().unwrap()),
        ("QIXIAN_ADMIN_TOKEN", TOKEN),
    ])
    .await;
    let before = app.data_version().await;
    std::fs::write(&file, notice(15)).unwrap();

    // Act
    let response = app.admin_reload(Some(TOKEN)).await;

    // Assert
    let header = response
        .headers()
        .get("x-data-version")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = ok_json(response).await;
    assert_ne!(
        body["data_version"],
        before.as_str(),
        "the data changed: {body}"
    );
    assert_eq!(
        header.as_deref(),
        body["data_version"].as_str(),
        "the header names the version the reload put in force, as the body does"
    );
}

#[tokio::test]
async fn the_admin_route_refuses_a_missing_or_wrong_token_and_is_absent_without_one() {
    let feed = start_feed(Answer::Status(404)).await;
    let state = tempfile::tempdir().unwrap();
    let app = spawn_with_feed(&feed, state.path().to_str().unwrap()).await;
    let refused = app.admin_reload(None).await;
    let challenge = refused.headers().get(header::WWW_AUTHENTICATE).cloned();
    assert_eq!(
        challenge.as_ref().and_then(|v| v.to_str().ok()),
        Some("Bearer realm=\"qixian\""),
        "a 401 names the Bearer scheme"
    );
    assert_problem(refused, 401, "unauthorized", &[]).await;
    assert_problem(
        app.admin_reload(Some("wrong")).await,
        401,
        "unauthorized",
        &[],
    )
    .await;
    assert_eq!(
        app.admin_reload(Some(TOKEN)).await.status(),
        200,
        "the right token reloads"
    );

    let without = spawn_app().await;
    let response = without
        .request(Method::POST, "/v1/admin/reload", None, None)
        .await;
    assert_eq!(response.status(), 404, "no token configured: no route");
}

#[tokio::test]
async fn every_answer_carries_an_etag_that_revalidates() {
    let app = spawn_app().await;
    let path = "/v1/deadlines?rule=countersign-reply&event=2026-09-30";
    let first = app.get(path).await;
    let etag = first.headers().get(header::ETAG).expect("an ETag").clone();
    let again = app
        .client
        .get(format!("{}{path}", app.address))
        .header(header::IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        304,
        "a matching If-None-Match is answered 304"
    );
    let other = app.get("/v1/workdays/add?start=2026-09-30&days=1").await;
    assert_ne!(
        other.headers().get(header::ETAG),
        Some(&etag),
        "another request, another ETag"
    );
    assert!(
        other.headers().get("x-data-version").is_some(),
        "the data version is on every answer"
    );
    let any = app
        .client
        .get(format!("{}/v1/deadlines?rule=nope&event=x", app.address))
        .header(header::IF_NONE_MATCH, "*")
        .send()
        .await
        .unwrap();
    assert_eq!(
        any.status(),
        400,
        "If-None-Match: * never hides an error behind a 304"
    );
}

// ---- caches that hold ----------------------------------------------------------------------

#[tokio::test]
async fn idle_feed_polls_keep_every_etag_but_those_of_the_status() {
    // Arrange — a feed in an outage: every poll fails, and the status it shows changes.
    let feed = start_feed(Answer::Status(503)).await;
    let state = tempfile::tempdir().expect("a temporary directory");
    let app = spawn_with_feed(&feed, state.path().to_str().expect("UTF-8")).await;
    let path = "/v1/deadlines?rule=countersign-reply&event=2026-09-30";
    let etag_of = |response: &reqwest::Response| {
        response
            .headers()
            .get(header::ETAG)
            .expect("an ETag")
            .to_str()
            .expect("ASCII")
            .to_owned()
    };
    let first = etag_of(&app.get(path).await);
    let status_before = etag_of(&app.get_calendar("cn").await);

    // Act — three polls that change nothing but the feed's status.
    for _ in 0..3 {
        assert_eq!(app.admin_reload(Some(TOKEN)).await.status(), 200);
    }
    let after = app.get(path).await;
    let again = app
        .client
        .get(format!("{}{path}", app.address))
        .header(header::IF_NONE_MATCH, &first)
        .send()
        .await
        .expect("an answer");
    let status_after = etag_of(&app.get_calendar("cn").await);

    // Assert
    assert_eq!(
        etag_of(&after),
        first,
        "the deadline's ETag holds across idle polls"
    );
    assert_eq!(again.status(), 304, "and revalidates");
    assert_ne!(
        status_after, status_before,
        "the status page shows the polls"
    );
}

#[tokio::test]
async fn answers_that_the_cache_does_not_keep_still_say_they_vary_on_accept() {
    // Arrange — the cache turned off, so that every answer is computed.
    let app = spawn_app_with(&[
        ("QIXIAN_CACHE_MAX_BYTES", "0"),
        ("QIXIAN_ADMIN_TOKEN", TOKEN),
    ])
    .await;

    // Act
    let answers = [
        app.get_calendars().await,
        app.get_calendar("cn").await,
        app.get_rules().await,
        app.get_rule("countersign-reply").await,
        app.admin_reload(Some(TOKEN)).await,
    ];

    // Assert
    for response in answers {
        let vary = response
            .headers()
            .get(header::VARY)
            .map(|v| v.to_str().unwrap_or("").to_ascii_lowercase())
            .unwrap_or_default();
        assert!(
            vary.split(',').any(|v| v.trim() == "accept"),
            "{} says Vary: accept, got {vary:?}",
            response.url()
        );
    }
}

#[tokio::test]
async fn answers_are_the_same_with_the_response_cache_on_and_off() {
    // Arrange — the same service with and without its cache, and a sample of the requests the
    // cache keeps, drawn with a fixed seed so that a failure can be repeated.
    let cached = spawn_app().await;
    let uncached = spawn_app_with(&[("QIXIAN_CACHE_MAX_BYTES", "0")]).await;
    let mut rng = fastrand::Rng::with_seed(20_261_129);
    let calendars = ["cn", "cn-xj", "cn-xj-kizilsu"];
    let mut paths = Vec::new();
    for _ in 0..60 {
        let calendar = calendars[rng.usize(..calendars.len())];
        let from = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
            + chrono::Days::new(rng.u64(..3000));
        let to = from + chrono::Days::new(rng.u64(..60));
        let year = 2015 + rng.i32(0..14);
        paths.push(match rng.u8(..6) {
            0 => format!("/v1/days?from={from}&to={to}&calendar={calendar}"),
            1 => format!("/v1/days?from={from}&to={to}&calendar={calendar}&format=csv"),
            2 => format!("/v1/calendars/{calendar}/days?year={year}"),
            3 => format!("/v1/calendars/{calendar}/holidays.ics?year={year}"),
            // The working rules apply from 2023-11-05 (六十八、「本规则自发布之日起施行」).
            4 => format!(
                "/v1/deadlines?rule=countersign-reply&event={}&calendar={calendar}&as_of={to}",
                from.max(chrono::NaiveDate::from_ymd_opt(2023, 11, 5).unwrap())
            ),
            _ => format!(
                "/v1/deadlines?unit=calendar_days&amount={}&event={from}&format=ics",
                1 + rng.u32(..90)
            ),
        });
    }

    for path in paths {
        // Act — twice from the cached service (the second a hit), once from the other.
        let first = cached.get(&path).await;
        let hit = cached.get(&path).await;
        let plain = uncached.get(&path).await;

        // Assert
        let read = |r: reqwest::Response| async move {
            let status = r.status();
            let kind = r.headers().get(header::CONTENT_TYPE).cloned();
            (status, kind, r.bytes().await.expect("a body"))
        };
        let (first, hit, plain) = (read(first).await, read(hit).await, read(plain).await);
        assert_eq!(first.0, 200, "{path}");
        assert_eq!(first, hit, "{path}: a cache hit is the answer itself");
        assert_eq!(first, plain, "{path}: the cache changes nothing");
    }
}

#[tokio::test]
async fn a_withdrawal_on_one_replica_is_followed_by_the_other_at_its_next_poll() {
    // Arrange: issue 22 — two replicas on one state directory, both serving next year's file
    // from the feed, the second polling every second. The feed keeps offering the same file.
    let year = next_year();
    let feed = start_feed(Answer::Body(notice(year))).await;
    let state = tempfile::tempdir().expect("a directory");
    let state_dir = state.path().to_str().expect("UTF-8").to_owned();
    let first = spawn_with_feed(&feed, &state_dir).await;
    let second = spawn_app_with(&[
        ("QIXIAN_FEED_URL", &feed.url),
        ("QIXIAN_FEED_TIMEOUT_SECS", "1"),
        ("QIXIAN_FEED_REFRESH_SECS", "1"),
        ("QIXIAN_STATE_DIR", &state_dir),
        ("QIXIAN_ADMIN_TOKEN", TOKEN),
    ])
    .await;
    for app in [&first, &second] {
        assert_eq!(
            app.october_ninth(year).await["provisional"],
            false,
            "the feed's file is in force before"
        );
    }

    // Act
    let withdrawn = first
        .client
        .post(format!("{}/v1/admin/withdraw?year={year}", first.address))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("the withdrawal is answered");
    let withdrawn = ok_json(withdrawn).await;

    // Assert: the answer says when the others follow, and the second follows within a poll.
    assert_eq!(withdrawn["other_replicas"], "next_poll", "{withdrawn}");
    assert_eq!(first.october_ninth(year).await["provisional"], true);
    let mut followed = false;
    for _ in 0..30 {
        if second.october_ninth(year).await["provisional"] == true {
            followed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        followed,
        "the second replica stops serving the withdrawn file within one poll (1 s; waited 3 s)"
    );
}
