//! Webhooks: a receiver on loopback (wiremock) stands for the subscriber. A change is made as an
//! operator makes one — a file in `QIXIAN_HOLIDAYS_DIR`, then `POST /v1/admin/reload` — and the
//! tests check what the receiver got: the event once per change, signed as the Standard
//! Webhooks specification says (checked here with `hmac` from the raw body and headers, not
//! with the service's code), retried while the receiver fails, kept across a restart, and told
//! with the same `webhook-id` by every replica.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::helpers::{
    Process, Running, TestApp, fresh_schema, ok_json, spawn_running, test_database_url,
};

const TOKEN: &str = "webhook-test-admin-token";

/// The raw key the receiver and the service share; the service is given it as `whsec_` and
/// its base64.
const KEY: &[u8] = b"qixian webhook test key, 34 bytes!";

pub(crate) fn secret() -> String {
    format!("whsec_{}", STANDARD.encode(KEY))
}

/// A server started by the test, with the handle to stop it.
struct Replica(Running);

impl Replica {
    /// Starts the real application with the webhook on `receiver`, the operator's directory
    /// `holidays`, the admin token, quick retries (100 ms, doubling) and `more` settings.
    async fn start(receiver: &MockServer, holidays: &Path, more: &[(&str, &str)]) -> Self {
        let (url, secret, holidays) = (
            format!("{}/hooks/qixian", receiver.uri()),
            secret(),
            path_text(holidays),
        );
        let mut settings: Vec<(&str, &str)> = vec![
            ("QIXIAN_ADMIN_TOKEN", TOKEN),
            ("QIXIAN_HOLIDAYS_DIR", &holidays),
            ("QIXIAN_WEBHOOK_URLS", &url),
            ("QIXIAN_WEBHOOK_SECRET", &secret),
            ("QIXIAN_WEBHOOK_TIMEOUT_SECS", "2"),
            ("QIXIAN_WEBHOOK_RETRY_BASE_MS", "100"),
        ];
        settings.extend_from_slice(more);
        Replica(spawn_running(&settings).await)
    }

    /// Stops it as SIGTERM does, and waits until it has.
    async fn stop(self) {
        self.0.stop().await;
    }
}

impl std::ops::Deref for Replica {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.0
    }
}

/// What the tests ask a server, in-process or a process.
trait Server {
    /// `POST /v1/admin/reload`; the data version it put in force.
    async fn reload(&self) -> String;
    /// The value of the series `name` in `/metrics`.
    async fn metric(&self, name: &str) -> String;
    /// The webhooks' series: deliveries, failures, backlog, dropped.
    async fn webhook_counts(&self) -> [String; 4] {
        [
            self.metric("qixian_webhook_deliveries_total").await,
            self.metric("qixian_webhook_failures_total").await,
            self.metric("qixian_webhook_backlog").await,
            self.metric("qixian_webhook_dropped_total").await,
        ]
    }
}

impl Server for TestApp {
    /// `POST /v1/admin/reload`; the data version it put in force.
    async fn reload(&self) -> String {
        let response = self
            .client
            .post(format!("{}/v1/admin/reload", self.address))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("the reload is answered");
        ok_json(response).await["data_version"]
            .as_str()
            .expect("the reload names the data version")
            .to_owned()
    }

    /// The value of the series `name` in `/metrics`.
    async fn metric(&self, name: &str) -> String {
        let text = self.get("/metrics").await.text().await.expect("a body");
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name} ")))
            .unwrap_or_else(|| panic!("/metrics shows {name}:\n{text}"))
            .to_owned()
    }
}

fn path_text(path: &Path) -> String {
    path.to_str().expect("a UTF-8 path").to_owned()
}

/// An operator's directory with 克州's notice of 2026 giving `days` (of July) off as 州庆.
pub(crate) fn write_notice(holidays: &Path, days: &[u32]) {
    let file = holidays.join("cn-xj-kizilsu/2026.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let days: Vec<Value> = days
        .iter()
        .map(|d| json!({"name": "州庆", "date": format!("2026-07-{d}"), "isOffDay": true, "source": "test"}))
        .collect();
    let notice = json!({"year": 2026, "papers": ["克州 notice (test)"], "days": days});
    std::fs::write(file, notice.to_string()).unwrap();
}

/// A receiver answering every POST with `status`.
pub(crate) async fn receiver(status: u16) -> MockServer {
    let server = MockServer::start().await;
    answer(&server, status).await;
    server
}

async fn answer(server: &MockServer, status: u16) {
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status))
        .mount(server)
        .await;
}

/// The requests the receiver got, once it has got at least `n` (within 10 s).
pub(crate) async fn received(server: &MockServer, n: usize) -> Vec<Request> {
    for _ in 0..200 {
        let got = server.received_requests().await.unwrap_or_default();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = server.received_requests().await.unwrap_or_default();
    panic!(
        "expected {n} webhook requests within 10 s, got {}",
        got.len()
    );
}

/// Asks `done` every 20 ms until it holds, for at most 10 s; whether it came to hold. The
/// tests assert what they waited for afterwards, so that a wait that ran out fails there.
pub(crate) async fn eventually(mut done: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..500 {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done().await
}

/// The requests the receiver got once none of `replicas` has a delivery left to make: each
/// one's `qixian_webhook_backlog` is 0. The gauge counts the deliveries waiting for a retry and
/// those being made, and is set after a round's attempts are settled, so a request still to
/// come keeps it above 0: what the receiver has then is what it gets for good.
pub(crate) async fn settled(server: &MockServer, replicas: &[&TestApp]) -> Vec<Request> {
    eventually(async || {
        for replica in replicas {
            if replica.metric("qixian_webhook_backlog").await != "0" {
                return false;
            }
        }
        true
    })
    .await;
    server.received_requests().await.unwrap_or_default()
}

/// The deliveries kept in the shared `state` directory that a replica will still make:
/// waiting (`.json`) or being made (`.claim`), each as its file's name and content.
fn kept_deliveries(state: &Path) -> Vec<(String, Value)> {
    webhook_files(state)
        .into_iter()
        .filter(|name| name.ends_with(".json") || name.ends_with(".claim"))
        .filter_map(|name| {
            // A claim settled since the listing is gone: nothing left to make.
            let bytes = std::fs::read(state.join("webhooks").join(&name)).ok()?;
            let delivery = serde_json::from_slice(&bytes).expect("a kept delivery is JSON");
            Some((name, delivery))
        })
        .collect()
}

/// Waits until the replicas sharing `state` have no delivery left to make, but those to the
/// subscribers `endless` says will never take theirs: the directory keeps each delivery until
/// it is settled (a `.sent` mark replaces it only after the subscriber answered), so what the
/// receiver has then is what it gets for good.
async fn settled_in(state: &Path, endless: impl Fn(&str) -> bool) {
    eventually(async || {
        kept_deliveries(state)
            .iter()
            .all(|(_, delivery)| delivery["url"].as_str().is_some_and(&endless))
    })
    .await;
}

pub(crate) fn header<'a>(request: &'a Request, name: &str) -> &'a str {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("the request has a {name} header"))
}

/// The id of the change from `previous` to `new` as `app` made it: from the two versions and
/// when `new` came into force, as its history (`/v1/changes`) says — so that a change back
/// and forth gets an id of its own each time.
pub(crate) async fn expected_id(app: &TestApp, previous: &str, new: &str) -> String {
    let changes = ok_json(app.get(&format!("/v1/changes?since={previous}")).await).await;
    let since = changes["versions"]
        .as_array()
        .expect("the changes list the versions")
        .iter()
        .rev()
        .find(|v| v["data_version"] == new)
        .and_then(|v| v["since"].as_str())
        .unwrap_or_else(|| panic!("{new} is in the history: {changes}"));
    let since = chrono::DateTime::parse_from_rfc3339(since).expect("a time");
    let digest = Sha256::digest(
        format!(
            "calendar.changed:{previous}:{new}:{}",
            since.timestamp_millis()
        )
        .as_bytes(),
    );
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("msg_{}", &hex[..32])
}

/// Checks that `request` is a signed event of the change from `previous` to `new` as `app`
/// made it (its `webhook-id`), with `changed_days` days changed.
async fn assert_tells(
    request: &Request,
    app: &TestApp,
    previous: &str,
    new: &str,
    changed_days: usize,
) {
    let body = verified(request);
    assert_eq!(
        header(request, "webhook-id"),
        expected_id(app, previous, new).await
    );
    assert_eq!(
        (
            &body["previous_version"],
            &body["data_version"],
            &body["changed_days"]
        ),
        (&json!(previous), &json!(new), &json!(changed_days)),
        "the change from {previous} to {new}: {body}"
    );
}

/// [`verified`], for a subscriber at any path.
pub(crate) fn verified_at(request: &Request) -> Value {
    let mut at_qixian = request.clone();
    at_qixian.url.set_path("/hooks/qixian");
    verified(&at_qixian)
}

/// Checks `request` as a Standard Webhooks receiver does: the three headers, a timestamp
/// within five minutes, and `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{raw body}")).
/// Returns the body.
pub(crate) fn verified(request: &Request) -> Value {
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/hooks/qixian");
    assert_eq!(header(request, "content-type"), "application/json");
    let id = header(request, "webhook-id");
    let timestamp = header(request, "webhook-timestamp");
    let sent_at: i64 = timestamp.parse().expect("the timestamp is Unix seconds");
    let now = chrono::Utc::now().timestamp();
    assert!(
        (now - sent_at).abs() <= 300,
        "signed now, not at the event: {sent_at} vs {now}"
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY).expect("any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(&request.body);
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    let signatures = header(request, "webhook-signature");
    assert!(
        signatures.split(' ').any(|s| s == expected),
        "the signature {signatures} is {expected}"
    );
    serde_json::from_slice(&request.body).expect("the body is JSON")
}

fn webhook_files(state: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(state.join("webhooks"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn temp_dir() -> PathBuf {
    tempfile::tempdir().expect("a directory").keep()
}

#[tokio::test]
async fn each_change_is_told_once_signed_as_standard_webhooks_says() {
    // Arrange
    let hook = receiver(204).await;
    let holidays = temp_dir();
    let replica = Replica::start(&hook, &holidays, &[]).await;
    let first = replica.data_version().await;

    // Act: 州庆 on Tuesday 7/14/2026, then nothing new, then 州庆 moved to Wednesday 7/15.
    write_notice(&holidays, &[14]);
    let second = replica.reload().await;
    let told = received(&hook, 1).await;
    let unchanged = replica.reload().await;
    write_notice(&holidays, &[15]);
    let third = replica.reload().await;
    let told_again = received(&hook, 2).await;

    // Assert
    assert_ne!(first, second, "the notice changed the data");
    assert_eq!(
        unchanged, second,
        "a reload that finds nothing new changes nothing"
    );
    let body = verified(&told[0]);
    assert_eq!(
        header(&told[0], "webhook-id"),
        expected_id(&replica, &first, &second).await
    );
    let timestamp = body["timestamp"].as_str().expect("a timestamp");
    assert!(
        chrono::DateTime::parse_from_rfc3339(timestamp).is_ok(),
        "the event's time is RFC 3339: {timestamp}"
    );
    assert_eq!(
        body,
        json!({
            "type": "calendar.changed",
            "timestamp": timestamp,
            "data_version": second,
            "previous_version": first,
            "calendars": ["cn-xj-kizilsu"],
            "changed_days": 1,
            "changes_url": format!("/v1/changes?since={first}"),
        }),
        "one working day of 克州 became 州庆; the national and Xinjiang calendars are untouched"
    );
    assert_eq!(
        told_again.len(),
        2,
        "one event per change, none for the idle reload"
    );
    // 7/14 is worked again and 7/15 is off: two days.
    assert_tells(&told_again[1], &replica, &second, &third, 2).await;
    assert_eq!(
        settled(&hook, &[&replica]).await.len(),
        2,
        "no event is told twice"
    );
    assert_eq!(replica.webhook_counts().await, ["2", "0", "0", "0"]);
}

#[tokio::test]
async fn a_failing_receiver_gets_the_event_again_until_it_takes_it() {
    // Arrange: the receiver fails twice (500), then takes the event.
    let hook = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&hook)
        .await;
    answer(&hook, 200).await;
    let holidays = temp_dir();
    let replica = Replica::start(&hook, &holidays, &[]).await;
    let before = replica.data_version().await;

    // Act
    write_notice(&holidays, &[14]);
    let after = replica.reload().await;
    let attempts = received(&hook, 3).await;

    // Assert
    for attempt in &attempts {
        let body = verified(attempt);
        assert_eq!(
            header(attempt, "webhook-id"),
            expected_id(&replica, &before, &after).await
        );
        assert_eq!(body["data_version"], after.as_str());
    }
    assert!(
        attempts.windows(2).all(|w| w[0].body == w[1].body),
        "every attempt sends the same bytes"
    );
    assert_eq!(
        settled(&hook, &[&replica]).await.len(),
        3,
        "taken on the third attempt, and not sent again"
    );
    assert_eq!(replica.webhook_counts().await, ["1", "2", "0", "0"]);
}

#[tokio::test]
async fn an_event_kept_in_the_state_directory_is_delivered_after_a_restart() {
    // Arrange: the receiver is down (503) while the first server makes the change.
    let hook = receiver(503).await;
    let (holidays, state) = (temp_dir(), temp_dir());
    let state_setting = [("QIXIAN_STATE_DIR", path_text(&state))];
    let settings: Vec<(&str, &str)> = state_setting
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let first = Replica::start(&hook, &holidays, &settings).await;
    let before = first.data_version().await;
    write_notice(&holidays, &[14]);
    let after = first.reload().await;
    received(&hook, 1).await;
    assert_eq!(first.metric("qixian_webhook_backlog").await, "1");

    // Act: stop it before the event is delivered, bring the receiver up, start again.
    first.stop().await;
    // An attempt cut short puts its claim back; one that had its answer writes it back.
    eventually(async || {
        kept_deliveries(&state)
            .iter()
            .all(|(name, _)| name.ends_with(".json"))
    })
    .await;
    let kept = webhook_files(&state);
    hook.reset().await;
    answer(&hook, 200).await;
    let second = Replica::start(&hook, &holidays, &settings).await;
    let told = received(&hook, 1).await;

    // Assert
    assert_eq!(kept.len(), 1, "one delivery kept, not claimed: {kept:?}");
    assert!(kept[0].ends_with(".json"), "{kept:?}");
    assert_eq!(
        second.data_version().await,
        after,
        "the restart reads the same operator file"
    );
    let body = verified(&told[0]);
    assert_eq!(
        header(&told[0], "webhook-id"),
        expected_id(&second, &before, &after).await
    );
    assert_eq!(
        (&body["previous_version"], &body["data_version"]),
        (&json!(before), &json!(after)),
        "the event of the change the first server made"
    );
    assert_eq!(settled(&hook, &[&second]).await.len(), 1);
    assert_eq!(second.webhook_counts().await, ["1", "0", "0", "0"]);
    let left = webhook_files(&state);
    assert!(
        left.iter().all(|f| f.ends_with(".sent")),
        "nothing left to deliver, only the mark of what was: {left:?}"
    );
    second.stop().await;
}

/// Issue 27's leftover: a start-up whose data differ from the last version kept (a new
/// release's, or an operator's file changed while the service was down) changed the data in
/// force, and no subscriber was told, because the start-up recorded it before the webhooks
/// were there.
#[tokio::test]
async fn a_restart_with_changed_data_tells_the_change_once_and_a_restart_without_tells_nothing() {
    // Arrange: a first start on a fresh state directory, with no operator file.
    let hook = receiver(200).await;
    let (holidays, state) = (temp_dir(), temp_dir());
    let state_setting = path_text(&state);
    let settings = [("QIXIAN_STATE_DIR", state_setting.as_str())];
    let first = Replica::start(&hook, &holidays, &settings).await;
    let before = first.data_version().await;
    let told_at_first_start = settled(&hook, &[&first]).await.len();
    first.stop().await;

    // Act: 州庆 on Tuesday 7/14/2026 written while it is down; started again, twice.
    write_notice(&holidays, &[14]);
    let second = Replica::start(&hook, &holidays, &settings).await;
    let after = second.data_version().await;
    let told = received(&hook, 1).await;
    let id = expected_id(&second, &before, &after).await;
    settled(&hook, &[&second]).await;
    second.stop().await;
    let third = Replica::start(&hook, &holidays, &settings).await;
    // A start-up keeps its delivery before it listens, so a delivery of this one would hold
    // the backlog above 0 until made; and a retry base (100 ms) more, to be sure.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let told_in_all = settled(&hook, &[&third]).await;

    // Assert
    assert_eq!(told_at_first_start, 0, "nothing was kept before: no change");
    assert_ne!(before, after, "the notice changed the data");
    let body = verified(&told[0]);
    assert_eq!(header(&told[0], "webhook-id"), id);
    assert_eq!(
        body,
        json!({
            "type": "calendar.changed",
            "timestamp": body["timestamp"],
            "data_version": after,
            "previous_version": before,
            "calendars": ["cn-xj-kizilsu"],
            "changed_days": 1,
            "changes_url": format!("/v1/changes?since={before}"),
        }),
        "the first server's version to the second's: one working day of 克州 became 州庆"
    );
    assert_eq!(
        third.data_version().await,
        after,
        "the third start has the same data"
    );
    assert_eq!(
        told_in_all.len(),
        1,
        "the restart with nothing changed tells nothing"
    );
    assert_eq!(third.webhook_counts().await, ["0", "0", "0", "0"]);
    third.stop().await;
}

/// The same on PostgreSQL: the replica that records the new version at its start (another
/// operator's directory than the first replica's, as a ConfigMap not updated everywhere yet
/// gives) writes its deliveries to the shared outbox, once; one that starts later on the same
/// data writes nothing.
// Threads of its own for the servers' tasks: a start waits for the database on the test's
// thread, while the replica started before may be migrating its registers under the lock the
// migrations share, on a task of the test's runtime (one thread: they would wait for each other).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn a_replica_starting_with_changed_data_on_postgresql_tells_the_change_once() {
    // Arrange: A on a fresh schema with no operator file; B's directory has 州庆 7/14/2026.
    let hook = receiver(200).await;
    let (_, url) = fresh_schema(&test_database_url()).await;
    let outbox = sqlx::postgres::PgPool::connect(&url)
        .await
        .expect("the test database");
    let rows = async || -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM webhook_outbox")
            .fetch_one(&outbox)
            .await
            .expect("the outbox is read")
    };
    let (holidays_a, holidays_b) = (temp_dir(), temp_dir());
    write_notice(&holidays_b, &[14]);
    let shared = [
        ("QIXIAN_DATABASE_URL", url.as_str()),
        ("QIXIAN_FOLLOW_SECS", "1"),
    ];
    let a = Replica::start(&hook, &holidays_a, &shared).await;
    let before = a.data_version().await;
    let rows_at_first_start = rows().await;

    // Act: B starts with 州庆, then C as B.
    let b = Replica::start(&hook, &holidays_b, &shared).await;
    let after = b.data_version().await;
    let rows_after_b = rows().await;
    let told = received(&hook, 1).await;
    let a_follows = eventually(async || a.data_version().await == after).await;
    let c = Replica::start(&hook, &holidays_b, &shared).await;
    let rows_after_c = rows().await;
    // Two follows and a retry base more: time for a repeat to show, if there were one.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let told_in_all = hook.received_requests().await.unwrap_or_default();

    // Assert
    assert_eq!(
        rows_at_first_start, 0,
        "nothing was kept before A: no change"
    );
    assert_ne!(before, after, "the notice changed the data");
    assert_eq!(
        rows_after_b, 1,
        "B's start-up wrote one delivery: one subscriber"
    );
    // A's version to B's: one working day of 克州 became 州庆.
    assert_tells(&told[0], &b, &before, &after, 1).await;
    assert!(a_follows, "A follows B's version");
    assert_eq!(c.data_version().await, after);
    assert_eq!(rows_after_c, 1, "C found B's version the newest: no row");
    assert_eq!(told_in_all.len(), 1, "told once, by one replica");
}

/// Two servers on `receiver` sharing the operator's directory and a state directory (returned
/// in that order).
async fn two_sharing_a_state_directory(
    receiver: &MockServer,
) -> (Replica, Replica, PathBuf, PathBuf) {
    let (holidays, state) = (temp_dir(), temp_dir());
    let state_setting = path_text(&state);
    let settings = [("QIXIAN_STATE_DIR", state_setting.as_str())];
    let a = Replica::start(receiver, &holidays, &settings).await;
    let b = Replica::start(receiver, &holidays, &settings).await;
    (a, b, holidays, state)
}

#[tokio::test]
async fn two_replicas_with_a_hanging_subscriber_make_every_delivery_exactly_once() {
    // Arrange: issue 22 — two replicas on one state directory, eight subscribers of which one
    // hangs past the timeout on every attempt; 67 of 80 deliveries arrived twice.
    let hook = MockServer::start().await;
    Mock::given(method("POST"))
        .and(wiremock::matchers::path("/hooks/hang"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .with_priority(1)
        .mount(&hook)
        .await;
    answer(&hook, 200).await;
    let urls: Vec<String> = (1..=7)
        .map(|n| format!("{}/hooks/{n}", hook.uri()))
        .chain([format!("{}/hooks/hang", hook.uri())])
        .collect();
    let (urls, secret) = (urls.join(","), secret());
    let (holidays, state) = (temp_dir(), temp_dir());
    let (holidays_setting, state_setting) = (path_text(&holidays), path_text(&state));
    let settings = [
        ("QIXIAN_ADMIN_TOKEN", TOKEN),
        ("QIXIAN_HOLIDAYS_DIR", holidays_setting.as_str()),
        ("QIXIAN_STATE_DIR", state_setting.as_str()),
        ("QIXIAN_WEBHOOK_URLS", urls.as_str()),
        ("QIXIAN_WEBHOOK_SECRET", secret.as_str()),
        ("QIXIAN_WEBHOOK_TIMEOUT_SECS", "1"),
        ("QIXIAN_WEBHOOK_RETRY_BASE_MS", "100"),
    ];
    let a = spawn_running(&settings).await;
    let b = spawn_running(&settings).await;

    // Act: ten changes, each seen by both replicas.
    for day in 11..=20 {
        write_notice(&holidays, &[day]);
        let made = a.reload().await;
        assert_eq!(b.reload().await, made, "both replicas made change {day}");
    }
    let healthy = |r: &Request| r.url.path() != "/hooks/hang";
    for _ in 0..300 {
        let got = hook.received_requests().await.unwrap_or_default();
        if got.iter().filter(|r| healthy(r)).count() >= 70 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let hanging = format!("{}/hooks/hang", hook.uri());
    settled_in(&state, |url| url == hanging).await;

    // Assert: every (event, subscriber) once, none twice, none missing.
    let told = hook.received_requests().await.unwrap_or_default();
    let mut seen = std::collections::BTreeMap::new();
    for request in told.iter().filter(|r| healthy(r)) {
        verified_at(request);
        *seen
            .entry((
                header(request, "webhook-id").to_owned(),
                request.url.path().to_owned(),
            ))
            .or_insert(0) += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    assert_eq!(
        seen.len(),
        70,
        "ten events to seven subscribers that answer"
    );
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn two_replicas_on_one_state_directory_tell_a_change_once() {
    // Arrange: two servers sharing the operator's and the state directory.
    let hook = receiver(200).await;
    let (a, b, holidays, state) = two_sharing_a_state_directory(&hook).await;
    let before = a.data_version().await;

    // Act: the operator reloads one replica, then the other.
    write_notice(&holidays, &[14]);
    let after_a = a.reload().await;
    received(&hook, 1).await;
    let after_b = b.reload().await;
    settled_in(&state, |_| false).await;

    // Assert
    assert_eq!(after_a, after_b, "both replicas made the same change");
    let told = hook.received_requests().await.unwrap();
    assert_eq!(
        told.len(),
        1,
        "the second replica finds the change told already"
    );
    verified(&told[0]);
    assert_eq!(
        header(&told[0], "webhook-id"),
        expected_id(&a, &before, &after_a).await
    );
    assert_eq!(b.metric("qixian_webhook_deliveries_total").await, "0");
}

#[tokio::test]
async fn two_replicas_on_one_state_directory_deliver_once_what_both_kept_while_the_receiver_was_down()
 {
    // Arrange: the receiver fails while both replicas make the change.
    let hook = receiver(500).await;
    let (a, b, holidays, state) = two_sharing_a_state_directory(&hook).await;
    let before = a.data_version().await;
    write_notice(&holidays, &[14]);
    let after = a.reload().await;
    assert_eq!(b.reload().await, after);
    let failed = received(&hook, 2).await;

    // Act: the receiver comes back.
    hook.reset().await;
    answer(&hook, 200).await;
    received(&hook, 1).await;
    settled_in(&state, |_| false).await;

    // Assert
    let id = expected_id(&a, &before, &after).await;
    assert!(
        failed.iter().all(|r| header(r, "webhook-id") == id),
        "every attempt, whichever replica made it, carries the one id"
    );
    let told = hook.received_requests().await.unwrap();
    assert_eq!(told.len(), 1, "one delivery once the receiver takes it");
    verified(&told[0]);
    let listed = webhook_files(&state);
    assert_eq!(
        listed.iter().filter(|f| f.ends_with(".json")).count(),
        0,
        "nothing left: {listed:?}"
    );
}

#[tokio::test]
async fn replicas_that_do_not_share_a_directory_each_name_the_change_by_their_own_history() {
    // Arrange: two servers with nothing shared but the operator's files (memory only).
    let hook = receiver(200).await;
    let holidays = temp_dir();
    let a = Replica::start(&hook, &holidays, &[]).await;
    let b = Replica::start(&hook, &holidays, &[]).await;
    let before = a.data_version().await;

    // Act
    write_notice(&holidays, &[14]);
    let after = a.reload().await;
    assert_eq!(b.reload().await, after);
    let told = received(&hook, 2).await;

    // Assert: each told the receiver the same change, named by when it came into force in
    // its own history (one id per change needs the shared directory the deployment has).
    let mut ids: Vec<&str> = told.iter().map(|r| header(r, "webhook-id")).collect();
    ids.sort_unstable();
    let mut expected = [
        expected_id(&a, &before, &after).await,
        expected_id(&b, &before, &after).await,
    ];
    expected.sort_unstable();
    assert_eq!(ids, expected, "each replica's id is its own history's");
    let bodies: Vec<Value> = told.iter().map(verified).collect();
    assert_eq!(bodies[0]["data_version"], bodies[1]["data_version"]);
    assert_eq!(bodies[0]["changed_days"], bodies[1]["changed_days"]);
}

#[tokio::test]
async fn data_that_flip_back_and_forth_give_every_change_its_own_id() {
    // Arrange: issue 22 — A -> B -> A -> B gave events 3 and 4 the ids of 1 and 2, and a
    // receiver that drops repeats (as the README tells it to) missed the real changes.
    let hook = receiver(200).await;
    let (holidays, state) = (temp_dir(), temp_dir());
    let state_setting = path_text(&state);
    let replica = Replica::start(&hook, &holidays, &[("QIXIAN_STATE_DIR", &state_setting)]).await;

    // Act: four reloads, two versions in turn.
    let mut versions = vec![replica.data_version().await];
    for days in [[14], [15], [14], [15]] {
        write_notice(&holidays, &days);
        versions.push(replica.reload().await);
    }
    let told = received(&hook, 4).await;

    // Assert
    assert_eq!(versions[1], versions[3], "A again");
    assert_eq!(versions[2], versions[4], "B again");
    let ids: std::collections::BTreeSet<&str> =
        told.iter().map(|r| header(r, "webhook-id")).collect();
    assert_eq!(ids.len(), 4, "four changes, four ids: {ids:?}");
    let last = expected_id(&replica, &versions[3], &versions[4]).await;
    assert!(ids.contains(last.as_str()), "{last} in {ids:?}");
}

#[tokio::test]
async fn a_new_rule_set_changes_the_data_in_force_and_is_told_with_no_calendar_changed() {
    // Arrange
    let hook = receiver(200).await;
    let (holidays, rules) = (temp_dir(), temp_dir());
    let rules_setting = path_text(&rules);
    let replica = Replica::start(&hook, &holidays, &[("QIXIAN_RULES_DIR", &rules_setting)]).await;
    let before = replica.data_version().await;

    // Act
    // A rule set of the operator's own: a change of the data in force that no calendar shares.
    std::fs::write(rules.join("office.toml"), crate::periods::OFFICE).unwrap();
    let after = replica.reload().await;
    let told = received(&hook, 1).await;

    // Assert
    assert_ne!(before, after, "the rules are part of the data version");
    let body = verified(&told[0]);
    assert_eq!(
        header(&told[0], "webhook-id"),
        expected_id(&replica, &before, &after).await
    );
    assert_eq!(
        (
            &body["previous_version"],
            &body["data_version"],
            &body["calendars"],
            &body["changed_days"]
        ),
        (&json!(before), &json!(after), &json!([]), &json!(0)),
        "no calendar's day changed"
    );
}

/// Starts the binary as [`Replica::start`] starts the application, with `state` as its
/// state directory, and waits until it says its port.
async fn start_process(receiver: &MockServer, holidays: &Path, state: &Path) -> Process {
    let (url, secret) = (format!("{}/hooks/qixian", receiver.uri()), secret());
    Process::start(&[
        ("QIXIAN_ADMIN_TOKEN", TOKEN.as_ref()),
        ("QIXIAN_HOLIDAYS_DIR", holidays.as_os_str()),
        ("QIXIAN_STATE_DIR", state.as_os_str()),
        ("QIXIAN_WEBHOOK_URLS", url.as_ref()),
        ("QIXIAN_WEBHOOK_SECRET", secret.as_ref()),
        ("QIXIAN_WEBHOOK_TIMEOUT_SECS", "2".as_ref()),
        // The first retry comes 2.25 to 3 s after the failure: time to kill the process
        // while the delivery waits, not while it is being made.
        ("QIXIAN_WEBHOOK_RETRY_BASE_MS", "3000".as_ref()),
    ])
    .await
}

#[tokio::test]
async fn an_event_is_delivered_after_the_server_is_killed_before_delivering_it_and_started_again() {
    // Arrange: the receiver fails while the first process makes the change.
    let hook = receiver(503).await;
    let (holidays, state) = (temp_dir(), temp_dir());
    let first = start_process(&hook, &holidays, &state).await;
    let before = first.app.data_version().await;
    write_notice(&holidays, &[14]);
    let after = first.app.reload().await;
    received(&hook, 1).await;
    // The failure is written back before the next attempt, seconds away.
    eventually(async || {
        let kept = kept_deliveries(&state);
        kept.len() == 1 && kept[0].0.ends_with(".json") && kept[0].1["attempts"] == 1
    })
    .await;
    let kept = webhook_files(&state);

    // Act: kill it, bring the receiver up, start the binary again on the same directories.
    first.kill();
    hook.reset().await;
    answer(&hook, 200).await;
    let second = start_process(&hook, &holidays, &state).await;
    let told = received(&hook, 1).await;

    // Assert
    assert!(
        kept.len() == 1 && kept[0].ends_with(".json"),
        "one delivery waiting, not being made, when the process was killed: {kept:?}"
    );
    let body = verified(&told[0]);
    assert_eq!(
        header(&told[0], "webhook-id"),
        expected_id(&second.app, &before, &after).await
    );
    assert_eq!(
        (&body["previous_version"], &body["data_version"]),
        (&json!(before), &json!(after)),
        "the event of the change the killed process made"
    );
    assert_eq!(
        settled(&hook, &[&second.app]).await.len(),
        1,
        "delivered once"
    );
    assert_eq!(second.app.webhook_counts().await, ["1", "0", "0", "0"]);
    second.kill();
}
