//! The feed as a hostile or careless server can make it: bodies without a length, redirects to
//! other hosts, credentials in the URL, revalidation. A mock server on loopback (wiremock)
//! stands for the feed and says what it received.

use std::time::Duration;

use reqwest::header;
use serde_json::Value;
use wiremock::matchers::{header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{TestApp, ok_json, spawn_app_with};

const TOKEN: &str = "feed-transport-admin-token";

/// Starts the service on `feed_url` and waits for its start-up poll.
async fn spawn_on(feed_url: &str) -> TestApp {
    let state = tempfile::tempdir().expect("a directory").keep();
    let app = spawn_app_with(&[
        ("QIXIAN_FEED_URL", feed_url),
        ("QIXIAN_FEED_TIMEOUT_SECS", "2"),
        ("QIXIAN_STATE_DIR", state.to_str().expect("UTF-8")),
        ("QIXIAN_ADMIN_TOKEN", TOKEN),
    ])
    .await;
    for _ in 0..100 {
        if feed_status(&app).await["last_tried"].is_string() {
            return app;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the start-up poll did not finish within 5 s");
}

async fn feed_status(app: &TestApp) -> Value {
    ok_json(app.get_calendar("cn").await).await["feed"].clone()
}

async fn reload(app: &TestApp) -> Value {
    let response = app
        .client
        .post(format!("{}/v1/admin/reload", app.address))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("an answer");
    ok_json(response).await
}

fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .year()
}

#[tokio::test]
async fn a_body_without_a_length_is_read_only_up_to_the_limit() {
    // Arrange — a raw server: a chunked body that never ends (64 MiB, far past the 1 MiB
    // limit), counting what the service took before it stopped reading.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("an address");
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = sent.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head).await;
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .await;
                let chunk = vec![b' '; 64 * 1024];
                let frame = [
                    format!("{:x}\r\n", chunk.len()).into_bytes(),
                    chunk,
                    b"\r\n".to_vec(),
                ]
                .concat();
                for _ in 0..1024 {
                    if socket.write_all(&frame).await.is_err() {
                        return;
                    }
                    counted.fetch_add(frame.len(), std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });

    // Act
    let app = spawn_on(&format!("http://{address}/")).await;

    // Assert
    let status = feed_status(&app).await;
    let outcomes = status["last_outcome"].to_string();
    assert!(outcomes.contains("larger than 1048576 bytes"), "{status}");
    assert_eq!(app.get("/healthz").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let taken = sent.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        taken < 16 << 20,
        "the service stopped reading soon after the limit; the server wrote {taken} bytes"
    );
}

#[tokio::test]
async fn an_unchanged_file_is_revalidated_with_its_etag() {
    // Arrange — the feed has nothing for either year, and tags its answer.
    let feed = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header_exists("if-none-match"))
        .respond_with(ResponseTemplate::new(304))
        .with_priority(1)
        .mount(&feed)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"v1\"")
                .set_body_string(format!(
                    r#"{{"year": {}, "papers": [], "days": []}}"#,
                    this_year()
                )),
        )
        .with_priority(2)
        .mount(&feed)
        .await;
    let app = spawn_on(&feed.uri()).await;

    // Act
    reload(&app).await;

    // Assert — the second poll sent the tag back, and the feed's 304 was understood.
    let requests = feed.received_requests().await.expect("recorded");
    let revalidated = requests
        .iter()
        .filter(|r| r.url.path() == format!("/{}.json", this_year()))
        .filter(|r| {
            r.headers
                .get(header::IF_NONE_MATCH)
                .is_some_and(|v| v == "\"v1\"")
        })
        .count();
    assert_eq!(revalidated, 1, "the second poll of this year revalidated");
    let status = feed_status(&app).await;
    assert!(
        status["last_outcome"][0]
            .as_str()
            .is_some_and(|o| o.ends_with("not modified")),
        "{status}"
    );
}

#[tokio::test]
async fn credentials_in_the_feed_url_are_sent_to_the_feed_and_shown_nowhere() {
    // Arrange
    let feed = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&feed)
        .await;
    let with_credentials = feed
        .uri()
        .replace("http://", "http://feeduser7:s3cr3t-pass@");

    // Act
    let app = spawn_on(&format!("{with_credentials}/")).await;

    // Assert
    let requests = feed.received_requests().await.expect("recorded");
    assert!(
        requests.iter().all(|r| r
            .headers
            .get(header::AUTHORIZATION)
            .is_some_and(|v| v.as_bytes().starts_with(b"Basic "))),
        "the feed got the credentials as Basic authentication"
    );
    let shown = app.get_calendars().await.text().await.expect("a body");
    assert!(
        !shown.contains("s3cr3t"),
        "the status shows no password: {shown}"
    );
    assert!(!shown.contains("feeduser7"), "nor the user name");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    // Arrange — the feed sends every request to another server.
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&elsewhere)
        .await;
    let feed = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/stolen.json", elsewhere.uri())),
        )
        .mount(&feed)
        .await;
    let with_credentials = feed
        .uri()
        .replace("http://", "http://feeduser7:s3cr3t-pass@");

    // Act
    let app = spawn_on(&format!("{with_credentials}/")).await;

    // Assert
    let reached = elsewhere.received_requests().await.expect("recorded");
    assert!(
        reached.is_empty(),
        "nothing reached the other host: {reached:?}"
    );
    let status = feed_status(&app).await;
    assert!(
        status["last_outcome"]
            .to_string()
            .contains("another origin"),
        "{status}"
    );
}

#[tokio::test]
async fn a_redirect_within_the_feeds_own_origin_is_followed() {
    // Arrange — the feed moved its files under /mirror/.
    let feed = MockServer::start().await;
    let year = this_year();
    Mock::given(method("GET"))
        .and(path(format!("/{year}.json")))
        .respond_with(
            ResponseTemplate::new(301).insert_header("location", format!("/mirror/{year}.json")),
        )
        .mount(&feed)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/mirror/{year}.json")))
        .respond_with(ResponseTemplate::new(404))
        .mount(&feed)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&feed)
        .await;

    // Act
    let app = spawn_on(&feed.uri()).await;

    // Assert
    let followed = feed
        .received_requests()
        .await
        .expect("recorded")
        .iter()
        .any(|r| r.url.path() == format!("/mirror/{year}.json"));
    assert!(followed, "the redirect within the origin was followed");
    let status = feed_status(&app).await;
    assert!(
        status["last_outcome"][0]
            .as_str()
            .is_some_and(|o| o.ends_with("not published yet")),
        "{status}"
    );
}

#[tokio::test]
async fn a_feed_that_offers_no_notice_for_a_new_year_is_refused_and_the_status_says_why() {
    // Arrange — next year's file with one working day and nothing else.
    let year = this_year() + 1;
    let feed = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/{year}.json")))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"year": {year}, "days": [{{"name": "x", "date": "{year}-12-31", "isOffDay": false}}]}}"#
        )))
        .mount(&feed)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&feed)
        .await;

    // Act
    let app = spawn_on(&feed.uri()).await;

    // Assert
    let status = feed_status(&app).await;
    assert_eq!(status["refused"][0]["year"], year, "{status}");
    assert!(
        status["refused"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("元旦")),
        "{status}"
    );
    let day = ok_json(
        app.get_day(&format!("{year}-10-01"), &[("calendar", "cn")])
            .await,
    )
    .await;
    assert_eq!(day["estimated"], true, "the year stays estimated: {day}");
}
