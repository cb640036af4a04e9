//! Two replicas on one PostgreSQL (issue 27's Done-when): the binary started twice
//! ([`Process`]), both on the same `QIXIAN_DATABASE_URL` (a schema of the test's own), each
//! with a state directory of its own — they share nothing but the database and the operator's
//! directory, which a ConfigMap would give every replica. A change made on one (a reload, an
//! accepted feed file, a withdrawal) is answered by the other within one poll
//! (`QIXIAN_FOLLOW_SECS`), and every webhook delivery is made once, across a kill -9 of either
//! replica in the middle of a round. `#[ignore]`d: they need PostgreSQL
//! (`scripts/register-postgres.sh` runs them, `QIXIAN_TEST_DATABASE_URL`).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::feed::{next_year, notice};
use crate::helpers::{Process, TestApp, fresh_schema, ok_json, test_database_url};
use crate::webhooks::{expected_id, header, secret, verified_at, write_notice};

const TOKEN: &str = "replica-test-admin-token";

/// How often a replica follows the shared state without being told (`QIXIAN_FOLLOW_SECS`).
const FOLLOW_SECS: u64 = 2;

/// How long a follow may take beyond its poll: reading the version's inputs and compiling
/// them, in a debug build on a machine running other tests.
const MARGIN: Duration = Duration::from_secs(5);

/// One poll and the margin: the most a replica may take to answer with another's change.
fn one_poll() -> Duration {
    Duration::from_secs(FOLLOW_SECS) + MARGIN
}

/// Asks `done` every 50 ms until it holds or `limit` has passed; how long it took to hold,
/// or `None`. The tests assert on it afterwards, so that a wait that ran out fails there.
async fn within(limit: Duration, mut done: impl AsyncFnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    loop {
        if done().await {
            return Some(start.elapsed());
        }
        if start.elapsed() >= limit {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What every replica is given: the database, the operator's directory, the admin token, the
/// follow interval and `more`. A replica adds its own state directory.
fn common(url: &str, holidays: &Path, more: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut settings = vec![
        ("QIXIAN_DATABASE_URL".to_owned(), url.to_owned()),
        (
            "QIXIAN_HOLIDAYS_DIR".to_owned(),
            holidays.to_str().expect("a UTF-8 path").to_owned(),
        ),
        ("QIXIAN_ADMIN_TOKEN".to_owned(), TOKEN.to_owned()),
        ("QIXIAN_FOLLOW_SECS".to_owned(), FOLLOW_SECS.to_string()),
    ];
    settings.extend(more.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    settings
}

/// The binary with `settings` and `state` as its own state directory, once it listens.
async fn start(settings: &[(String, String)], state: &Path) -> Process {
    let mut all: Vec<(&str, &OsStr)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), OsStr::new(v)))
        .collect();
    all.push(("QIXIAN_STATE_DIR", state.as_os_str()));
    Process::start(&all).await
}

/// `POST /v1/admin/reload`; the data version it put in force.
async fn reload(app: &TestApp) -> String {
    version_of(&ok_json(app.admin_reload(Some(TOKEN)).await).await)
}

/// The reload's answer: the data version it put in force.
fn version_of(answer: &Value) -> String {
    answer["data_version"]
        .as_str()
        .unwrap_or_else(|| panic!("the answer names the data version: {answer}"))
        .to_owned()
}

/// Waits at most one poll for `app` to answer with `version`; how long it took.
async fn follows(app: &TestApp, version: &str, who: &str) -> Duration {
    let mut last = String::new();
    let took = within(one_poll(), async || {
        last = app.data_version().await;
        last == version
    })
    .await;
    took.unwrap_or_else(|| {
        panic!(
            "{who}: expected to answer with {version} within one poll ({FOLLOW_SECS} s and {MARGIN:?}), still answers {last}"
        )
    })
}

/// 克州's 2027 notice as an operator writes it, with `days` off as 州庆 (none: no file).
fn write_kizilsu_2027(holidays: &Path, days: &[&str]) {
    let file = holidays.join("cn-xj-kizilsu/2027.json");
    if days.is_empty() {
        std::fs::remove_file(file).expect("the notice is removed");
        return;
    }
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let days: Vec<Value> = days
        .iter()
        .map(|d| json!({"name": "州庆", "date": d, "isOffDay": true, "source": "test"}))
        .collect();
    let notice = json!({"year": 2027, "papers": ["克州 notice (test)"], "days": days});
    std::fs::write(file, notice.to_string()).unwrap();
}

/// `date` on 克州's calendar as `app` answers it: whether it is worked, and its name.
async fn kizilsu(app: &TestApp, date: &str) -> (Value, Value) {
    let day = ok_json(app.get_day(date, &[("calendar", "cn-xj-kizilsu")]).await).await;
    (day["working"].clone(), day["name"].clone())
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn replicas_on_postgresql_follow_a_reload_made_on_either_within_one_poll() {
    // Arrange: July 2027 has no holiday, estimated or not: Wed 07-14 and Thu 07-15 are worked.
    let (_, url) = fresh_schema(&test_database_url()).await;
    let (holidays, state_a, state_b) = (temp_dir(), temp_dir(), temp_dir());
    let settings = common(&url, holidays.path(), &[]);
    let a = start(&settings, state_a.path()).await;
    let b = start(&settings, state_b.path()).await;
    let before = a.app.data_version().await;
    assert_eq!(
        b.app.data_version().await,
        before,
        "both start on the same data"
    );
    let worked = (json!(true), Value::Null);
    assert_eq!(kizilsu(&b.app, "2027-07-14").await, worked);

    // Act: the operator's 克州 2027 notice (州庆 on the 14th), reloaded on A only.
    write_kizilsu_2027(holidays.path(), &["2027-07-14"]);
    let after = reload(&a.app).await;
    let took = follows(&b.app, &after, "B, after A's reload").await;

    // Assert
    assert_ne!(after, before, "the notice changed the data");
    eprintln!("B followed A's reload in {took:?}");
    let zhouqing = (json!(false), json!("州庆"));
    assert_eq!(
        kizilsu(&b.app, "2027-07-14").await,
        zhouqing,
        "B answers the day the file changed as A does, without reading the file itself"
    );
    let since = [("since", before.as_str()), ("calendar", "cn-xj-kizilsu")];
    let on_a = ok_json(a.app.get_changes(&since).await).await;
    assert_eq!(
        ok_json(b.app.get_changes(&since).await).await,
        on_a,
        "B's history is A's: the same versions, in force since the same time, the same day"
    );
    assert_eq!(
        on_a["days"].as_array().map(Vec::len),
        Some(1),
        "one day changed: {on_a}"
    );

    // Act: the other way — the notice moved to the 15th, reloaded on B; then no notice at
    // all, reloaded on A: the data of the start again, whose version is older than the others.
    write_kizilsu_2027(holidays.path(), &["2027-07-15"]);
    let moved = reload(&b.app).await;
    let took_a = follows(&a.app, &moved, "A, after B's reload").await;
    let (on_14th, on_15th) = (
        kizilsu(&a.app, "2027-07-14").await,
        kizilsu(&a.app, "2027-07-15").await,
    );
    write_kizilsu_2027(holidays.path(), &[]);
    let back = reload(&a.app).await;
    let took_back = follows(&b.app, &back, "B, after A's reload back to the start").await;

    // Assert
    eprintln!("A followed B's reload in {took_a:?}; B followed the way back in {took_back:?}");
    assert_ne!(moved, after, "moving the day changed the data");
    assert_eq!(
        (on_14th, on_15th),
        (worked.clone(), zhouqing),
        "A answers B's change: 州庆 on the 15th, the 14th worked again"
    );
    assert_eq!(
        back, before,
        "without the notice, the data are those of the start"
    );
    assert_eq!(
        kizilsu(&b.app, "2027-07-15").await,
        worked,
        "B answers with the version in force again, though it was kept before the others"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn replicas_on_postgresql_follow_a_feed_file_and_its_withdrawal_within_one_poll() {
    // Arrange: a feed on loopback with a path for each replica, both answering 404 (not
    // published) until the test serves a file: B can have A's file only from the database.
    let year = next_year();
    let feed = MockServer::start().await;
    let (_, url) = fresh_schema(&test_database_url()).await;
    let (holidays, state_a, state_b) = (temp_dir(), temp_dir(), temp_dir());
    let feed_of = |replica: &str| format!("{}/{replica}/", feed.uri());
    let (feed_a, feed_b) = (feed_of("a"), feed_of("b"));
    let settings = |feed: &str| {
        common(
            &url,
            holidays.path(),
            &[("QIXIAN_FEED_URL", feed), ("QIXIAN_FEED_TIMEOUT_SECS", "1")],
        )
    };
    let a = start(&settings(&feed_a), state_a.path()).await;
    let b = start(&settings(&feed_b), state_b.path()).await;
    for (app, who) in [(&a.app, "A"), (&b.app, "B")] {
        let polled = within(one_poll(), async || {
            ok_json(app.get_calendar("cn").await).await["feed"]["last_tried"].is_string()
        })
        .await;
        assert!(polled.is_some(), "{who} polled the feed at start-up");
    }
    let before = a.app.data_version().await;
    assert_eq!(b.app.data_version().await, before);
    let published = notice(year);
    let sha256: String = Sha256::digest(published.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let serve = |replica: &'static str| {
        Mock::given(method("GET"))
            .and(path(format!("/{replica}/{year}.json")))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-type", "application/json")
                    .set_body_string(published.clone()),
            )
    };

    // Act: A's feed publishes next year; A polls it (the reload does).
    serve("a").mount(&feed).await;
    let accepted = reload(&a.app).await;
    let took = follows(&b.app, &accepted, "B, after A accepted a feed file").await;

    // Assert
    eprintln!("B followed A's feed file in {took:?}");
    assert_ne!(accepted, before, "the feed file changed the data");
    let ninth = b.app.october_ninth(year).await;
    assert_eq!(
        (&ninth["provisional"], &ninth["name"]),
        (&json!(false), &json!("国庆节")),
        "B serves the file its own feed never gave it: {ninth}"
    );
    let held = feed_files(&b.app, year).await;
    assert!(
        held.iter()
            .any(|f| f["sha256"] == sha256.as_str() && f["in_force"] == true),
        "B's status shows the file in force: {held:?}"
    );

    // Act: the operator withdraws it on A.
    let withdrawn = a
        .app
        .client
        .post(format!("{}/v1/admin/withdraw?year={year}", a.app.address))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("the withdrawal is answered");
    let withdrawn = version_of(&ok_json(withdrawn).await);
    let took = follows(&b.app, &withdrawn, "B, after A's withdrawal").await;

    // Assert: B stops serving it.
    eprintln!("B followed A's withdrawal in {took:?}");
    assert_eq!(withdrawn, before, "without the file, the data of the start");
    let ninth = b.app.october_ninth(year).await;
    assert_eq!(
        ninth["provisional"], true,
        "B no longer serves the withdrawn file: {ninth}"
    );
    let held = feed_files(&b.app, year).await;
    assert!(
        held.iter().all(|f| f["in_force"] != true),
        "B's status shows no file of {year} in force: {held:?}"
    );

    // Act: B's own feed now offers the same bytes, and A's still does.
    serve("b").mount(&feed).await;
    let offered_b = ok_json(b.app.admin_reload(Some(TOKEN)).await).await;
    let offered_a = reload(&a.app).await;

    // Assert: withdrawn for good, on the replica that did not withdraw it too.
    let outcome = offered_b["feed"]["last_outcome"].to_string();
    assert!(
        outcome.contains(&format!("{year}: refused")),
        "B refuses the withdrawn bytes its feed offers: {outcome}"
    );
    assert_eq!(
        (version_of(&offered_b), offered_a),
        (before.clone(), before),
        "neither replica takes the withdrawn file back"
    );
}

/// The feed files of `year` that `app`'s status lists.
async fn feed_files(app: &TestApp, year: i32) -> Vec<Value> {
    let calendar = ok_json(app.get_calendar("cn").await).await;
    calendar["feed"]["files"]
        .as_array()
        .unwrap_or_else(|| panic!("the status lists the feed files: {calendar}"))
        .iter()
        .filter(|f| f["year"] == year)
        .cloned()
        .collect()
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a directory")
}

/// A subscriber that accepts every connection, reads the request and never answers: each
/// attempt to it lasts until the service's timeout. Keeps each request's `webhook-id`.
fn hanging_subscriber() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port on loopback");
    let url = format!(
        "http://{}/hooks/hang",
        listener.local_addr().expect("its address")
    );
    let attempts: Arc<Mutex<Vec<String>>> = Arc::default();
    let kept = attempts.clone();
    std::thread::spawn(move || {
        for connection in listener.incoming().flatten() {
            let kept = kept.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(connection);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    if line == "\r\n" {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':')
                        && name.eq_ignore_ascii_case("webhook-id")
                    {
                        kept.lock().unwrap().push(value.trim().to_owned());
                    }
                    line.clear();
                }
                // Hold the connection, unanswered, until the service gives up on it.
                let _ = std::io::copy(&mut reader.take(u64::MAX), &mut std::io::sink());
            });
        }
    });
    (url, attempts)
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn replicas_on_postgresql_make_every_webhook_delivery_once_across_a_kill_9_of_either() {
    // Arrange: eight subscribers — seven answering at once, one that never answers (every
    // attempt times out after 1 s and is retried) — and two replicas on one database.
    let hook = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&hook)
        .await;
    let (hanging, hanging_attempts) = hanging_subscriber();
    let answering: Vec<String> = (1..=7).map(|n| format!("/hooks/{n}")).collect();
    let urls: Vec<String> = answering
        .iter()
        .map(|p| format!("{}{p}", hook.uri()))
        .chain([hanging.clone()])
        .collect();
    let (urls, secret) = (urls.join(","), secret());
    let (schema, url) = fresh_schema(&test_database_url()).await;
    let (holidays, state_a, state_b) = (temp_dir(), temp_dir(), temp_dir());
    let settings = common(
        &url,
        holidays.path(),
        &[
            ("QIXIAN_WEBHOOK_URLS", &urls),
            ("QIXIAN_WEBHOOK_SECRET", &secret),
            ("QIXIAN_WEBHOOK_TIMEOUT_SECS", "1"),
            ("QIXIAN_WEBHOOK_RETRY_BASE_MS", "100"),
        ],
    );
    let states = [&state_a, &state_b];
    let mut replicas = [
        Some(start(&settings, state_a.path()).await),
        Some(start(&settings, state_b.path()).await),
    ];
    let app = |replicas: &[Option<Process>; 2], n: usize| -> TestApp {
        let process = replicas[n].as_ref().expect("a replica running");
        TestApp {
            address: process.app.address.clone(),
            client: process.app.client.clone(),
        }
    };
    let mut versions = vec![app(&replicas, 0).data_version().await];
    assert_eq!(app(&replicas, 1).data_version().await, versions[0]);

    // What the outbox holds is read beside what the subscribers got.
    let pool = sqlx::postgres::PgPool::connect(&url)
        .await
        .expect("the test database");

    // Act: ten changes (州庆 of 2026 on July 11, 12, … 20), made on A and B in turn, each
    // followed by the other before the next. The replica that made change 3 (A) is killed -9
    // as soon as its reload is answered, while its sender makes that change's deliveries; the
    // one that made change 8 (B) as soon as the first of that change's deliveries arrives,
    // while the others are made. Each is started again on its own state directory.
    let mut kills = Vec::new();
    let mut in_flight = BTreeSet::new();
    for change in 1..=10_usize {
        let (maker, other) = if change % 2 == 1 { (0, 1) } else { (1, 0) };
        write_notice(holidays.path(), &[10 + u32::try_from(change).unwrap()]);
        let made = reload(&app(&replicas, maker)).await;
        assert!(!versions.contains(&made), "change {change} is new: {made}");
        let killed = match change {
            3 => true,
            8 => {
                let first = within(Duration::from_secs(10), async || {
                    first_of(&hook, &made).await
                })
                .await;
                assert!(first.is_some(), "change {change}'s deliveries start");
                true
            }
            _ => false,
        };
        if killed {
            replicas[maker].take().expect("running").kill();
            let told = hook.received_requests().await.unwrap_or_default();
            let of_this = told.iter().filter(|r| is_of(r, &made)).count();
            let claimed = claimed_unsettled(&pool, &schema, &hook.uri()).await;
            kills.push((change, of_this, claimed.len()));
            in_flight.extend(claimed);
        }
        follows(
            &app(&replicas, other),
            &made,
            &format!("the other replica, change {change}"),
        )
        .await;
        versions.push(made.clone());
        if killed {
            replicas[maker] = Some(start(&settings, states[maker].path()).await);
            assert_eq!(
                app(&replicas, maker).data_version().await,
                made,
                "the restarted replica starts on the version in force, making no change"
            );
        }
    }
    let (a, b) = (app(&replicas, 0), app(&replicas, 1));

    // The events' ids as each replica names them: the same on both.
    let mut ids = Vec::new();
    for pair in versions.windows(2) {
        let on_a = expected_id(&a, &pair[0], &pair[1]).await;
        assert_eq!(
            expected_id(&b, &pair[0], &pair[1]).await,
            on_a,
            "both replicas name the change {} → {} alike",
            pair[0],
            pair[1]
        );
        ids.push(on_a);
    }
    let expected: BTreeSet<(String, String)> = ids
        .iter()
        .flat_map(|id| answering.iter().map(move |p| (id.clone(), p.clone())))
        .collect();
    // Every delivery to the seven answering subscribers made — after a killed replica's
    // claims have lapsed (2 × 1 s + 30 s) — and settled in the outbox, so that what they have
    // then is what they get for good.
    let waiting =
        format!("SELECT COUNT(*) FROM {schema}.webhook_outbox WHERE sent_ms IS NULL AND url <> $1");
    let mut left = -1_i64;
    let settled = within(Duration::from_secs(150), async || {
        let received = delivered(&hook).await;
        left = sqlx::query_scalar(&waiting)
            .bind(&hanging)
            .fetch_one(&pool)
            .await
            .expect("the outbox reads");
        expected.iter().all(|pair| received.contains_key(pair)) && left == 0
    })
    .await;

    // Assert
    let told = hook.received_requests().await.unwrap_or_default();
    let received = delivered(&hook).await;
    eprintln!(
        "settled in {settled:?}; kills (change, its deliveries received when the kill was made, deliveries claimed and not settled then): {kills:?}; {} attempts to the hanging subscriber",
        hanging_attempts.lock().unwrap().len()
    );
    // A delivery a killed replica was making when it died — claimed, its outcome not kept —
    // may have reached its subscriber: it is made again once the claim lapses, and the
    // subscriber drops the repeat by its `webhook-id` (Standard Webhooks). That is the only
    // second sending there may be: one, of a delivery in flight at a kill.
    let twice: Vec<_> = received.iter().filter(|(_, n)| **n > 1).collect();
    let unexplained: Vec<_> = twice
        .iter()
        .filter(|(pair, n)| **n > 2 || !in_flight.contains(*pair))
        .collect();
    eprintln!(
        "sent twice: {} of {} deliveries {twice:?}; in flight at a kill: {}",
        twice.len(),
        expected.len(),
        in_flight.len()
    );
    assert!(
        unexplained.is_empty(),
        "delivered more than once, and not because a kill cut its attempt short: {unexplained:?}; in flight at the kills: {in_flight:?}"
    );
    let got: BTreeSet<(String, String)> = received.keys().cloned().collect();
    assert!(
        got == expected,
        "every event to every answering subscriber within 150 s ({left} waiting in the outbox), and no other event: missing {:?}, not of the ten changes {:?}",
        expected.difference(&got).collect::<Vec<_>>(),
        got.difference(&expected).collect::<Vec<_>>()
    );
    for request in &told {
        let body = verified_at(request);
        let n = ids
            .iter()
            .position(|id| id == header(request, "webhook-id"))
            .expect("a known id");
        assert_eq!(
            (&body["previous_version"], &body["data_version"]),
            (&json!(versions[n]), &json!(versions[n + 1])),
            "the event of change {}",
            n + 1
        );
    }
    let hanging_got = hanging_attempts.lock().unwrap().clone();
    assert!(
        !hanging_got.is_empty() && hanging_got.iter().all(|id| ids.contains(id)),
        "the hanging subscriber is tried, with the changes' events only: {hanging_got:?}"
    );
    let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT id, COUNT(*) FROM {schema}.webhook_outbox GROUP BY id ORDER BY id"
    ))
    .fetch_all(&pool)
    .await
    .expect("the outbox reads");
    let mut by_id: Vec<(String, i64)> = ids.iter().map(|id| (id.clone(), 8)).collect();
    by_id.sort();
    assert_eq!(
        rows, by_id,
        "the outbox holds one row per event and subscriber, the ten events' only"
    );
    for process in replicas.into_iter().flatten() {
        process.kill();
    }
}

/// Every (`webhook-id`, path) the answering subscribers got, and how many times.
async fn delivered(hook: &MockServer) -> BTreeMap<(String, String), usize> {
    let mut seen = BTreeMap::new();
    for request in hook.received_requests().await.unwrap_or_default() {
        *seen
            .entry((
                header(&request, "webhook-id").to_owned(),
                request.url.path().to_owned(),
            ))
            .or_insert(0) += 1;
    }
    seen
}

/// The deliveries to the answering subscribers at `hook` claimed and not settled: those a
/// replica killed now was making, and any the other one is, as (`webhook-id`, path).
async fn claimed_unsettled(
    pool: &sqlx::PgPool,
    schema: &str,
    hook: &str,
) -> BTreeSet<(String, String)> {
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_millis(),
    )
    .expect("in range");
    let rows: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT id, url FROM {schema}.webhook_outbox WHERE sent_ms IS NULL AND claimed_until_ms > $1"
    ))
    .bind(now_ms)
    .fetch_all(pool)
    .await
    .expect("the outbox reads");
    rows.into_iter()
        .filter_map(|(id, url)| Some((id, url.strip_prefix(hook)?.to_owned())))
        .collect()
}

/// Whether `request` tells of the change to `version`.
fn is_of(request: &Request, version: &str) -> bool {
    serde_json::from_slice::<Value>(&request.body).is_ok_and(|e| e["data_version"] == version)
}

/// Whether one of the change to `version`'s deliveries has arrived, asked every millisecond
/// for at most 100 ms (so that the caller acts within a few milliseconds of its arrival).
async fn first_of(hook: &MockServer, version: &str) -> bool {
    for _ in 0..100 {
        let told = hook.received_requests().await.unwrap_or_default();
        if told.iter().any(|r| is_of(r, version)) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    false
}

/// A door between replicas and the database that the test can shut: every connection through
/// it is cut at once, and new ones are closed as soon as they are made, until it opens again.
struct Door {
    port: u16,
    open: Arc<std::sync::atomic::AtomicBool>,
    through: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Door {
    /// A door on loopback to `upstream` (`host:port`), open.
    async fn to(upstream: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port on loopback");
        let port = listener.local_addr().expect("its address").port();
        let open = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let through: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let (is_open, kept) = (open.clone(), through.clone());
        tokio::spawn(async move {
            while let Ok((mut inside, _)) = listener.accept().await {
                if !is_open.load(std::sync::atomic::Ordering::SeqCst) {
                    continue;
                }
                let upstream = upstream.clone();
                kept.lock().unwrap().push(tokio::spawn(async move {
                    if let Ok(mut outside) = tokio::net::TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inside, &mut outside).await;
                    }
                }));
            }
        });
        Door {
            port,
            open,
            through,
        }
    }

    /// Cuts every connection through the door and closes every new one.
    fn shut(&self) {
        self.open.store(false, std::sync::atomic::Ordering::SeqCst);
        for connection in self.through.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    fn open(&self) {
        self.open.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn replicas_on_postgresql_keep_answering_while_the_database_is_away_and_change_nothing_unrecorded()
 {
    // Arrange: A reaches the database through a door the test shuts, B directly.
    let (schema, url) = fresh_schema(&test_database_url()).await;
    let mut through = reqwest::Url::parse(&url).expect("a URL");
    let upstream = format!(
        "{}:{}",
        through.host_str().expect("a host"),
        through.port().unwrap_or(5432)
    );
    let door = Door::to(upstream).await;
    through.set_port(Some(door.port)).expect("a port");
    let (holidays, state_a, state_b) = (temp_dir(), temp_dir(), temp_dir());
    let a = start(
        &common(through.as_str(), holidays.path(), &[]),
        state_a.path(),
    )
    .await;
    let b = start(&common(&url, holidays.path(), &[]), state_b.path()).await;
    let before = a.app.data_version().await;
    assert_eq!(b.app.data_version().await, before);
    let pool = sqlx::postgres::PgPool::connect(&url)
        .await
        .expect("the test database");
    let in_force = format!(
        "SELECT version FROM {schema}.data_versions ORDER BY since_us DESC, version DESC LIMIT 1"
    );

    // Act: the database goes away for A; the operator's notice is reloaded on A.
    door.shut();
    write_kizilsu_2027(holidays.path(), &["2027-07-14"]);
    let refused = a.app.admin_reload(Some(TOKEN)).await;

    // Assert: refused, nothing changed anywhere, and A still answers from memory.
    crate::helpers::assert_problem(refused, 503, "database-unavailable", &["本次更改未生效"]).await;
    let recorded: String = sqlx::query_scalar(&in_force)
        .fetch_one(&pool)
        .await
        .expect("the versions read");
    assert_eq!(
        recorded, before,
        "nothing recorded: the version in force is the start's"
    );
    assert_eq!(
        a.app.data_version().await,
        before,
        "A keeps the data in force: a change not recorded is not made"
    );
    let worked = (json!(true), Value::Null);
    assert_eq!(
        kizilsu(&a.app, "2027-07-14").await,
        worked,
        "A answers reads"
    );

    // Act: B, which reaches the database, makes the change; then A's database comes back.
    let after = reload(&b.app).await;
    assert_eq!(
        a.app.data_version().await,
        before,
        "A, cut off, answers with what it has"
    );
    door.open();
    let took = within(one_poll() + Duration::from_secs(5), async || {
        a.app.data_version().await == after
    })
    .await;

    // Assert: A follows once the database is back (its connections made anew).
    eprintln!("A followed once its database was back in {took:?}");
    assert!(
        took.is_some(),
        "A answers with B's change once the database is back: still {}",
        a.app.data_version().await
    );
    assert_eq!(
        kizilsu(&a.app, "2027-07-14").await,
        (json!(false), json!("州庆"))
    );
}
