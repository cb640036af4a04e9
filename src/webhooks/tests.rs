use super::*;
use crate::calendar::spec::{EMBEDDED_SPECS, parse_specs};
use crate::calendar::{DataSet, Origin};
use crate::deadline::RuleBook;

/// Webhooks for `targets`, signed with the specification's example key, kept in memory or
/// in `shared`.
fn settings(
    targets: Vec<Target>,
    timeout: Duration,
    retry_base: Duration,
    shared: Option<Arc<Shared>>,
) -> WebhookSettings {
    WebhookSettings {
        targets,
        key: SigningKey::from_secret(&"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()).unwrap(),
        timeout,
        retry_base,
        state_dir: None,
        shared,
    }
}

fn in_force(calendars: CalendarSet) -> InForce {
    InForce::new(calendars, RuleBook::embedded())
}

/// The embedded data, with `file` put in as `calendar`'s file of `year`.
fn with_file(calendar: &str, year: i32, file: &serde_json::Value) -> CalendarSet {
    let specs = parse_specs(EMBEDDED_SPECS).unwrap();
    let spec = specs.iter().find(|s| s.id == calendar).unwrap();
    let mut data = DataSet::embedded().unwrap();
    data.insert_checked(
        spec,
        year,
        file.to_string().as_bytes(),
        Origin::OperatorFile {
            path: format!("{calendar}/{year}.json"),
        },
    )
    .unwrap();
    CalendarSet::compile(&specs, &data)
}

/// A 州庆 notice of 克州 for 2026: one Tuesday, 7/14, off.
fn kizilsu_2026() -> CalendarSet {
    with_file(
        "cn-xj-kizilsu",
        2026,
        &serde_json::json!({"year": 2026, "papers": ["test"], "days": [
            {"name": "州庆", "date": "2026-07-14", "isOffDay": true, "source": "test"}]}),
    )
}

/// The embedded data to 克州's 州庆, in force since 2026-11-29 08:30 in Beijing.
fn a_change() -> (InForce, InForce, DateTime<Utc>) {
    let at = DateTime::parse_from_rfc3339("2026-11-29T08:30:00+08:00")
        .unwrap()
        .with_timezone(&Utc);
    (
        in_force(CalendarSet::embedded().unwrap()),
        in_force(kizilsu_2026()),
        at,
    )
}

#[test]
fn a_prefecture_holiday_changes_one_day_of_one_calendar() {
    let (old, new) = (CalendarSet::embedded().unwrap(), kizilsu_2026());
    assert_eq!(
        diff_summary(&old, &new),
        (vec!["cn-xj-kizilsu".to_owned()], 1),
        "7/14 was a working Tuesday and is now 州庆; cn and cn-xj are untouched"
    );
    assert_eq!(
        diff_summary(&new, &old),
        (vec!["cn-xj-kizilsu".to_owned()], 1),
        "taking it back is the same one day"
    );
}

#[test]
fn a_day_that_changes_only_its_name_is_counted() {
    // 7/14 becomes 州庆 and 7/15 a named working day (a makeup day that falls on a weekday
    // changes the name and keeps the kind): two days.
    let (old, new) = (
        kizilsu_2026(),
        with_file(
            "cn-xj-kizilsu",
            2026,
            &serde_json::json!({"year": 2026, "papers": ["test"], "days": [
                {"name": "州庆", "date": "2026-07-14", "isOffDay": true, "source": "test"},
                {"name": "州庆", "date": "2026-07-15", "isOffDay": false, "source": "test"}]}),
        ),
    );
    let (calendars, changed) = diff_summary(&old, &new);
    assert_eq!(calendars, ["cn-xj-kizilsu"]);
    assert_eq!(changed, 1, "only 7/15 differs between the two, by its name");
}

#[test]
fn the_signature_is_the_specifications_example() {
    // The example of the Standard Webhooks specification and its reference libraries.
    let key = SigningKey::from_secret(&"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()).unwrap();
    assert_eq!(
        key.sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#
        ),
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    );
}

#[test]
fn a_malformed_secret_is_refused_without_being_shown() {
    let cases = [
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n",
            SecretError::Whitespace,
        ),
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", SecretError::Prefix),
        (
            "whsec_MfKQ9r8GKYqr!wjUPD8ILPZIo2LaLaSw",
            SecretError::NotBase64,
        ),
        ("whsec_c2hvcnQgc2VjcmV0", SecretError::Length(12)),
        // 65 bytes.
        (
            "whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=",
            SecretError::Length(65),
        ),
    ];
    for (secret, expected) in cases {
        let refused = SigningKey::from_secret(&secret.into())
            .map(|_| ())
            .expect_err(secret);
        assert_eq!(refused, expected, "{secret:?}");
        let said = refused.to_string();
        assert!(
            !said.contains(secret.trim().trim_start_matches("whsec_")),
            "the message does not show the secret: {said}"
        );
    }
    assert!(
        SigningKey::from_secret(&"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()).is_ok(),
        "24 bytes, the specification's example"
    );
    assert!(
        SigningKey::from_secret(
            &"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
                .trim_end_matches('=')
                .into()
        )
        .is_ok()
    );
    let debug = format!(
        "{:?}",
        SigningKey::from_secret(&"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()).unwrap()
    );
    assert!(
        !debug.contains("MfKQ"),
        "Debug does not show the key: {debug}"
    );
}

#[test]
fn the_event_says_what_changed_between_which_versions() {
    let (old, new, at) = a_change();
    let event = Event::calendar_changed(&old, &new, at);
    let body: serde_json::Value = serde_json::from_str(&event.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "type": "calendar.changed",
            "timestamp": "2026-11-29T00:30:00Z",
            "data_version": new.version(),
            "previous_version": old.version(),
            "calendars": ["cn-xj-kizilsu"],
            "changed_days": 1,
            "changes_url": format!("/v1/changes?since={}", old.version()),
        })
    );
    let expected_id = format!(
        "msg_{}",
        &hex(&Sha256::digest(format!(
            "calendar.changed:{}:{}:{}",
            old.version(),
            new.version(),
            at.timestamp_millis()
        )))[..32]
    );
    assert_eq!(event.id, expected_id);
    assert_eq!(
        Event::calendar_changed(&old, &new, at),
        event,
        "made later (or by another replica) from the history's time, the same change is the same event"
    );
}

#[test]
fn data_that_flip_back_and_forth_give_every_change_its_own_id() {
    // Issue 22: A -> B -> A -> B gave events 3 and 4 the ids of 1 and 2, and a receiver that
    // drops repeats missed the real changes.
    let (a, b) = (
        in_force(CalendarSet::embedded().unwrap()),
        in_force(kizilsu_2026()),
    );
    let t = |s: i64| DateTime::UNIX_EPOCH + chrono::Duration::seconds(s);
    let ids = [
        Event::calendar_changed(&a, &b, t(1)).id,
        Event::calendar_changed(&b, &a, t(2)).id,
        Event::calendar_changed(&a, &b, t(3)).id,
        Event::calendar_changed(&b, &a, t(4)).id,
    ];
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 4, "four changes, four ids: {ids:?}");
}

#[test]
fn retries_wait_from_the_base_doubling_up_to_an_hour_less_up_to_a_quarter() {
    let base = Duration::from_secs(5);
    let waits: Vec<u64> = (1..=12)
        .map(|n| retry_wait(n, base, 0.0).as_secs())
        .collect();
    assert_eq!(
        waits,
        [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]
    );
    assert_eq!(retry_wait(u32::MAX, base, 0.0), LONGEST_WAIT);
    assert_eq!(
        retry_wait(1, base, 1.0),
        Duration::from_millis(3750),
        "the most jitter takes a quarter off"
    );
    assert_eq!(retry_wait(40, base, 1.0), Duration::from_secs(2700));
}

#[test]
fn a_delivery_is_tried_for_a_day_after_its_event_and_then_given_up() {
    let hour = 3_600_000;
    let kept = KeptDelivery {
        id: "msg_00".to_owned(),
        target: "00".to_owned(),
        url: "http://127.0.0.1/".to_owned(),
        created_ms: 1_000,
        attempts: 0,
        next_attempt_ms: 1_000,
        body: "{}".to_owned(),
    };
    let base = Duration::from_secs(5);
    let first = reschedule(&kept, 1_000, base, None, 0.0).unwrap();
    assert_eq!((first.attempts, first.next_attempt_ms), (1, 6_000));
    let late = KeptDelivery {
        attempts: 20,
        ..kept.clone()
    };
    let last = reschedule(&late, 1_000 + 23 * hour + 1_800_000, base, None, 0.0).unwrap();
    assert_eq!(
        last.next_attempt_ms,
        1_000 + 24 * hour,
        "the last attempt is at the end of the day, not an hour after it"
    );
    assert!(
        reschedule(&late, 1_000 + 24 * hour, base, None, 0.0).is_none(),
        "a failure at the end of the day gives the delivery up"
    );
}

#[test]
fn a_retry_after_in_seconds_is_waited_for_up_to_an_hour_and_never_past_the_day() {
    let header = |value: &str| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, value.parse().unwrap());
        retry_after(&headers)
    };
    assert_eq!(header("120"), Some(Duration::from_secs(120)));
    assert_eq!(header("86400"), Some(LONGEST_WAIT), "at most an hour");
    assert_eq!(
        header("Wed, 21 Oct 2026 07:28:00 GMT"),
        None,
        "a date is not read"
    );
    assert_eq!(header("-5"), None);
    assert_eq!(retry_after(&reqwest::header::HeaderMap::new()), None);

    let kept = KeptDelivery {
        id: "msg_00".to_owned(),
        target: "00".to_owned(),
        url: "http://127.0.0.1/".to_owned(),
        created_ms: 0,
        attempts: 0,
        next_attempt_ms: 0,
        body: "{}".to_owned(),
    };
    let base = Duration::from_secs(5);
    let asked = Some(Duration::from_secs(120));
    assert_eq!(
        reschedule(&kept, 1_000, base, asked, 0.0)
            .unwrap()
            .next_attempt_ms,
        121_000,
        "longer than the backoff's 5 s: the subscriber's wait"
    );
    assert_eq!(
        reschedule(&kept, 1_000, Duration::from_secs(600), asked, 0.0)
            .unwrap()
            .next_attempt_ms,
        601_000,
        "shorter: the backoff's"
    );
}

#[test]
fn a_subscriber_is_an_http_url_shown_without_its_credentials() {
    let target = Target::parse("https://qixian:s3cret@oa.example.gov.cn/hooks?x=1").unwrap();
    assert_eq!(target.to_string(), "https://oa.example.gov.cn/hooks?x=1");
    assert!(!format!("{target:?}").contains("s3cret"));
    assert_eq!(target.key().len(), 16);
    assert_ne!(
        target.key(),
        Target::parse("https://oa.example.gov.cn/hooks?x=1")
            .unwrap()
            .key(),
        "the credentials are part of which subscriber it is"
    );
    for bad in [
        "",
        "oa.example.gov.cn",
        "ftp://oa.example.gov.cn/",
        "http://",
    ] {
        assert!(Target::parse(bad).is_err(), "{bad:?} is refused");
    }
}

#[test]
fn no_change_of_version_tells_nobody() {
    let webhooks = Webhooks::new(
        settings(
            vec![Target::parse("http://127.0.0.1:9/").unwrap()],
            Duration::from_secs(1),
            Duration::from_secs(1),
            None,
        ),
        WebhookMetrics::default(),
    )
    .unwrap();
    let set = in_force(CalendarSet::embedded().unwrap());
    webhooks.notify(&set, &set, Utc::now());
    assert_eq!(webhooks.backlog.len(), 0);
    webhooks.notify(&set, &in_force(kizilsu_2026()), Utc::now());
    assert_eq!(webhooks.backlog.len(), 1, "one subscriber, one delivery");
    assert_eq!(webhooks.metrics.backlog.get(), 1, "the gauge says so");
}

/// Writes `rows` as the store's change transaction does (a row there already stays).
fn write_outbox(shared: &Arc<Shared>, rows: Vec<OutboxRow>) {
    shared
        .run(move |pool| {
            Box::pin(async move {
                for row in rows {
                    crate::shared::insert_outbox_row(&pool, row).await?;
                }
                Ok(())
            })
        })
        .unwrap();
}

/// Two replicas' senders on one PostgreSQL outbox, three subscribers, ten changes each
/// recorded by one replica and followed by the other: every subscriber gets every change
/// once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn two_replicas_sending_from_one_outbox_tell_each_subscriber_each_change_once() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let schema = tokio::task::spawn_blocking(|| outbox_tests::Schema::new("outbox_senders"))
        .await
        .unwrap();
    let mut subscribers = Vec::new();
    for _ in 0..3 {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
        subscribers.push(server);
    }
    let targets: Vec<Target> = subscribers
        .iter()
        .map(|s| Target::parse(&format!("{}/hook", s.uri())).unwrap())
        .collect();
    let replicas: Vec<(Arc<Webhooks>, Arc<Shared>)> = (0..2)
        .map(|_| {
            let shared = schema.connect();
            let webhooks = Webhooks::new(
                settings(
                    targets.clone(),
                    Duration::from_secs(5),
                    Duration::from_millis(100),
                    Some(shared.clone()),
                ),
                WebhookMetrics::default(),
            )
            .unwrap();
            (Arc::new(webhooks), shared)
        })
        .collect();
    let (old, new) = (
        Arc::new(in_force(CalendarSet::embedded().unwrap())),
        Arc::new(in_force(kizilsu_2026())),
    );
    let at = DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let changes: Vec<DateTime<Utc>> = (0..10).map(|i| at + chrono::Duration::seconds(i)).collect();
    let ids: std::collections::BTreeSet<String> = changes
        .iter()
        .map(|since| Event::calendar_changed(&old, &new, *since).id)
        .collect();
    assert_eq!(ids.len(), 10);
    // Each change: recorded by replica i % 2 (its rows in its transaction, then its hook),
    // then followed by the other (the same rows again, then its hook). The first before the
    // senders start, the others while they send.
    let record = |changes: Vec<(usize, DateTime<Utc>)>| {
        let replicas = replicas.clone();
        let (old, new) = (old.clone(), new.clone());
        tokio::task::spawn_blocking(move || {
            let mut first_rows = Vec::new();
            for (i, since) in changes {
                for turn in [i % 2, 1 - i % 2] {
                    let (webhooks, shared) = &replicas[turn];
                    let rows = webhooks.outbox_rows(&old, &new, since);
                    assert_eq!(rows.len(), 3, "one row per subscriber");
                    if turn == i % 2 {
                        first_rows.extend(rows.clone());
                    }
                    write_outbox(shared, rows);
                    webhooks.notify(&old, &new, since);
                }
            }
            first_rows
        })
    };
    let mut changes: Vec<(usize, DateTime<Utc>)> = changes.into_iter().enumerate().collect();
    let rest = changes.split_off(1);
    let recorded = record(changes).await.unwrap();
    for (webhooks, _) in &replicas {
        assert_eq!(
            webhooks.metrics.backlog.get(),
            3,
            "the gauge counts the shared outbox: the first change's three deliveries"
        );
    }
    let senders: Vec<_> = replicas.iter().map(|(w, _)| w.clone().spawn()).collect();
    record(rest).await.unwrap();
    let other = replicas[1].0.outbox_rows(&old, &new, at);
    assert_eq!(
        other
            .iter()
            .map(|r| (&r.id, &r.target, &r.url, &r.body))
            .collect::<Vec<_>>(),
        recorded[..3]
            .iter()
            .map(|r| (&r.id, &r.target, &r.url, &r.body))
            .collect::<Vec<_>>(),
        "the replica that follows a change gives the same rows as the one that recorded it"
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut all = true;
        for server in &subscribers {
            all &= server.received_requests().await.unwrap().len() >= 10;
        }
        if all || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Room for any second delivery to arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    for server in &subscribers {
        let got: Vec<String> = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| {
                r.headers
                    .get("webhook-id")
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(got.len(), 10, "ten changes, ten deliveries: {got:?}");
        assert_eq!(
            got.into_iter().collect::<std::collections::BTreeSet<_>>(),
            ids,
            "each change once"
        );
    }
    let left = {
        let webhooks = replicas[0].0.clone();
        tokio::task::spawn_blocking(move || webhooks.backlog.len())
            .await
            .unwrap()
    };
    assert_eq!(left, 0, "nothing waits in the outbox");
    let delivered: u64 = replicas
        .iter()
        .map(|(w, _)| w.metrics.deliveries.get())
        .sum();
    assert_eq!(
        delivered, 30,
        "the two senders made the thirty between them"
    );
    for sender in senders {
        sender.abort();
    }
    drop(replicas);
    tokio::task::spawn_blocking(move || drop(schema))
        .await
        .unwrap();
}

#[test]
fn a_change_gives_one_outbox_row_per_subscriber_with_the_events_id_and_body() {
    let targets = [
        "https://qixian:s3cret@oa.example.gov.cn/hooks",
        "http://127.0.0.1:9/other",
    ]
    .map(|url| Target::parse(url).unwrap());
    let webhooks = Webhooks::new(
        settings(
            targets.to_vec(),
            Duration::from_secs(1),
            Duration::from_secs(1),
            None,
        ),
        WebhookMetrics::default(),
    )
    .unwrap();
    let (old, new, at) = a_change();
    assert!(
        webhooks.outbox_rows(&new, &new, at).is_empty(),
        "no change of version, nothing to tell"
    );
    let before = now_ms();
    let rows = webhooks.outbox_rows(&old, &new, at);
    let event = Event::calendar_changed(&old, &new, at);
    assert_eq!(rows.len(), 2, "one per subscriber");
    for (row, target) in rows.iter().zip(&targets) {
        assert_eq!((&row.id, &row.body), (&event.id, &event.body));
        assert_eq!(row.target, target.key());
        assert!(
            !row.url.contains("s3cret"),
            "never the credentials: {}",
            row.url
        );
        assert_eq!(row.next_attempt_ms, row.created_ms, "due at once");
        assert!(row.created_ms >= i64::try_from(before).unwrap());
    }
    assert_eq!(rows[0].url, "https://oa.example.gov.cn/hooks");
    assert_eq!(
        webhooks.backlog.len(),
        0,
        "the rows are the store's to write"
    );
}

/// With the database, the change's transaction writes the deliveries: `notify` keeps none
/// of its own, and the gauge counts the outbox.
#[test]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
fn with_the_database_notify_keeps_nothing_itself() {
    let schema = outbox_tests::Schema::new("outbox_notify");
    let shared = schema.connect();
    let webhooks = Webhooks::new(
        settings(
            vec![Target::parse("http://127.0.0.1:9/").unwrap()],
            Duration::from_secs(1),
            Duration::from_secs(1),
            Some(shared.clone()),
        ),
        WebhookMetrics::default(),
    )
    .unwrap();
    let (old, new) = (
        in_force(CalendarSet::embedded().unwrap()),
        in_force(kizilsu_2026()),
    );
    let at = Utc::now();
    webhooks.notify(&old, &new, at);
    assert_eq!(webhooks.backlog.len(), 0, "nothing kept by notify");
    assert_eq!(webhooks.metrics.backlog.get(), 0);
    write_outbox(&shared, webhooks.outbox_rows(&old, &new, at));
    webhooks.notify(&old, &new, at);
    assert_eq!(
        webhooks.metrics.backlog.get(),
        1,
        "the gauge reads the table"
    );
}
