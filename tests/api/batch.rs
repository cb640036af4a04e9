//! `POST /v1/deadlines/batch`: answers in order, each item on its own (a bad item never fails
//! the others), no explanation unless asked, the 10,000-item limit, and malformed batches.

use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_problem, assert_problem_document, ok_json, spawn_app, spawn_app_with,
};

fn results(answer: &Value) -> &Vec<Value> {
    answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("expected a results array, got {answer}"))
}

/// Checks that `item` succeeded with `due_date`.
fn assert_ok(item: &Value, due_date: &str, what: &str) {
    assert_eq!(item["ok"], true, "expected {what} to succeed, got {item}");
    assert!(
        item.get("error").is_none_or(Value::is_null),
        "expected no error beside a deadline for {what}, got {item}"
    );
    assert_eq!(
        item["deadline"]["due_date"], due_date,
        "expected {what} due {due_date}"
    );
}

/// Checks that `item` failed with the problem `status`/`code`, detail mentioning `mentions`.
fn assert_failed(item: &Value, status: u16, code: &str, mentions: &[&str]) {
    assert_eq!(item["ok"], false, "expected a failure ({code}), got {item}");
    assert!(
        item.get("deadline").is_none_or(Value::is_null),
        "expected no deadline beside an error, got {item}"
    );
    assert_problem_document(&item["error"], status, code, mentions);
}

#[tokio::test]
async fn a_batch_answers_every_item_in_order_and_bad_items_fail_alone() {
    // Arrange
    let app = spawn_app().await;
    let items = json!([
        // 0: worked example one, Mon 2025-02-10.
        {"rule": "meeting-issuance", "event": "2025-01-24", "calendar": "cn"},
        // 1: no 30 February.
        {"rule": "meeting-issuance", "event": "2026-02-30"},
        // 2: worked example three on cn-xj: 3/31 is 肉孜节, so Tue 2025-04-01.
        {"rule": "approved-filing", "event": "2025-03-01", "calendar": "cn-xj"},
        // 3: no such rule.
        {"rule": "annual-report", "event": "2025-03-01"},
        // 4: no such zone.
        {"rule": "meeting-issuance", "event": "2026-10-09T01:30:00+08:00", "timezone": "Mars/Olympus"},
        // 5: a fixed rule takes no days.
        {"rule": "meeting-issuance", "event": "2025-06-04", "days": 5},
        // 6: one day too long.
        {"rule": "countersign-reply", "event": "2026-09-30", "days": 3651},
        // 7: no event.
        {"rule": "countersign-reply"},
        // 8: due Thu 2026-10-15 (10/8, 10/9, Sat 10/10 makeup, 10/12–10/15); 10/16 and 10/19 past.
        {"rule": "countersign-reply", "event": "2026-09-30", "as_of": "2026-10-19"},
        // 9: not an object at all.
        "meeting-issuance 2026-10-09",
        // 10: a field no deadline has.
        {"rule": "meeting-issuance", "event": "2026-10-09", "colour": "red"},
        // 11: before the supported range.
        {"rule": "meeting-issuance", "event": "1999-12-31"},
        // 12: 23:30 on Thu 10/8 in Urumqi: 10/9, 10/10, 10/12–10/16, so Fri 2026-10-16.
        {"rule": "meeting-issuance", "event": "2026-10-09T01:30:00+08:00", "timezone": "Asia/Urumqi"},
        // 13: ad hoc, worked example one again: Mon 2025-02-10.
        {"event": "2025-01-24", "unit": "working_days", "amount": 7, "calendar": "cn"},
    ]);

    // Act
    let answer = ok_json(app.post_batch(&json!({"items": items})).await).await;

    // Assert
    let results = results(&answer);
    assert_eq!(results.len(), 14, "expected one result per item");
    assert_ok(&results[0], "2025-02-10", "item 0 (meeting-issuance, cn)");
    assert_failed(&results[1], 400, "invalid-event", &["2026-02-30"]);
    assert_ok(&results[2], "2025-04-01", "item 2 (approved-filing, cn-xj)");
    assert_failed(&results[3], 400, "unknown-rule", &["annual-report"]);
    assert_failed(&results[4], 400, "unknown-timezone", &["Mars/Olympus"]);
    assert_failed(&results[5], 400, "days-not-allowed", &["meeting-issuance"]);
    assert_failed(&results[6], 400, "amount-out-of-range", &["3651"]);
    assert_failed(&results[7], 400, "missing-parameter", &["event"]);
    assert_ok(
        &results[8],
        "2026-10-15",
        "item 8 (countersign-reply, overdue)",
    );
    assert_eq!(
        results[8]["deadline"]["status"]["consequence"], "deemed_no_objection",
        "expected the overdue countersign deemed no objection"
    );
    assert_eq!(
        results[8]["deadline"]["status"]["working_days_left"], -2,
        "expected two working days past"
    );
    assert_failed(&results[9], 400, "invalid-body", &[]);
    assert_failed(&results[10], 400, "invalid-body", &["colour"]);
    assert_failed(&results[11], 422, "out-of-range", &["1999-12-31"]);
    assert_ok(&results[12], "2026-10-16", "item 12 (Urumqi clock)");
    assert_eq!(
        results[12]["deadline"]["event_date"], "2026-10-08",
        "expected the Urumqi date of the event"
    );
    assert_ok(&results[13], "2025-02-10", "item 13 (ad hoc)");
    assert_eq!(
        results[13]["deadline"]["rule"],
        Value::Null,
        "expected an ad hoc item to have no rule"
    );
}

#[tokio::test]
async fn a_batch_item_explains_only_when_asked() {
    // Arrange
    let app = spawn_app().await;
    let items = json!([
        {"rule": "countersign-reply", "event": "2026-09-30"},
        {"rule": "countersign-reply", "event": "2026-09-30", "explain": true},
    ]);

    // Act
    let answer = ok_json(app.post_batch(&json!({"items": items})).await).await;

    // Assert
    let results = results(&answer);
    assert!(
        results[0]["deadline"]
            .get("explanation")
            .is_none_or(Value::is_null),
        "expected no explanation by default in a batch, got {}",
        results[0]
    );
    let steps = results[1]["deadline"]["explanation"]
        .as_array()
        .unwrap_or_else(|| panic!("expected an explanation when asked, got {}", results[1]));
    assert_eq!(steps.len(), 16, "expected the 16 days from 9/30 to 10/15");
}

#[tokio::test]
async fn a_batch_item_that_asks_for_its_explanation_is_the_single_answer() {
    // Arrange
    let app = spawn_app().await;
    let item = json!({
        "rule": "meeting-issuance",
        "event": "2026-10-09T01:30:00+08:00",
        "timezone": "Asia/Urumqi",
        "as_of": "2026-10-16",
        "explain": true
    });

    // Act
    let single = ok_json(app.post_deadline(&item).await).await;
    let answer = ok_json(app.post_batch(&json!({"items": [item]})).await).await;

    // Assert: due Fri 2026-10-16 on the Urumqi clock (see deadlines.rs).
    assert_eq!(single["due_date"], "2026-10-16", "expected Fri 2026-10-16");
    assert_eq!(
        results(&answer)[0]["deadline"],
        single,
        "expected the batch to answer an explained item as /v1/deadlines does"
    );
}

/// The fields of a brief batch item: the full answer's, less its sentences, zones, citation
/// and data version.
const BRIEF_FIELDS: [&str; 10] = [
    "rule",
    "calendar",
    "timezone",
    "event_date",
    "unit",
    "amount",
    "due_date",
    "due_at",
    "cutoff",
    "provisional",
];

#[tokio::test]
async fn a_batch_item_without_explanation_is_the_single_answer_without_its_sentences() {
    // Arrange: a status, the other reading of a Urumqi wall-clock time and office hours' close
    // of business (cn-xj-kizilsu), so that every sentence the full answer has is at stake.
    let app = spawn_app().await;
    let item = json!({
        "rule": "countersign-reply",
        "event": "2026-10-08T23:30",
        "event_timezone": "Asia/Urumqi",
        "calendar": "cn-xj-kizilsu",
        "as_of": "2026-10-19",
        "explain": false
    });

    // Act
    let single = ok_json(app.post_deadline(&item).await).await;
    let answer = ok_json(app.post_batch(&json!({"items": [item]})).await).await;

    // Assert
    let brief = &results(&answer)[0]["deadline"];
    let mut expected: serde_json::Map<String, Value> = BRIEF_FIELDS
        .iter()
        .map(|&f| (f.to_owned(), single[f].clone()))
        .collect();
    let mut status = single["status"].clone();
    status.as_object_mut().map(|s| s.remove("text"));
    expected.insert("status".into(), status);
    // 23:30 on 10-08 in Urumqi is 01:30 on 10-09 in Beijing: the date as written is the
    // other reading.
    let mut other = single["other_reading"].clone();
    assert_eq!(
        other["event_date"], "2026-10-08",
        "expected the single answer to offer the date as written, got {single}"
    );
    other.as_object_mut().map(|o| o.remove("note"));
    expected.insert("other_reading".into(), other);
    assert_eq!(
        brief,
        &Value::Object(expected),
        "expected the brief item to be the single answer's dates, instant and status, \
         without sentences (single answer: {single})"
    );
    assert_eq!(
        answer["data_version"], single["data_version"],
        "expected the batch to state its data version once"
    );
}

#[tokio::test]
async fn a_brief_item_keeps_the_dates_a_rule_adds_agreed_next_step_original_and_the_laws_end() {
    // Arrange: one item for each date a rule adds to the due date, each worked out by hand in
    // the single answer's own tests (periods.rs, law.rs).
    let app = spawn_app().await;
    let items = [
        // 会签 from 9/30 due 10/15, agreed with 州发改委 for 10/20.
        (
            json!({"rule": "countersign-reply", "event": "2026-09-30",
                   "agreed_due": "2026-10-20", "agreed_by": "州发改委"}),
            "agreed",
            json!({"due_date": "2026-10-20", "by": "州发改委", "period_due_date": "2026-10-15"}),
        ),
        // At least 30 days of comment from 9/1: due 10/8, the next step from 10/9.
        (
            json!({"rule": "major-decision-public-comment", "event": "2026-09-01"}),
            "next_step",
            json!("2026-10-09"),
        ),
        // 20 working days from 9/1 end 9/29; extended by 20 more, 11/2.
        (
            json!({"rule": "national/gov-info-reply", "event": "2026-09-01", "extended": true}),
            "original_due_date",
            json!("2026-09-29"),
        ),
        // 第四十二条 from Mon 9/28: the office's target 10/13 at the close of business, the
        // law's end at 24:00 that day.
        (
            json!({"rule": "kizilsu/meeting-issuance", "event": "2026-09-28"}),
            "legal_end_at",
            json!("2026-10-14T00:00:00+08:00"),
        ),
    ];

    // Act
    let answer = ok_json(
        app.post_batch(
            &json!({"items": items.iter().map(|(item, _, _)| item).collect::<Vec<_>>()}),
        )
        .await,
    )
    .await;

    // Assert
    for ((item, field, expected), result) in items.iter().zip(results(&answer)) {
        let brief = &result["deadline"];
        assert_eq!(&brief[*field], expected, "{field} of {item}: {brief}");
        let single = ok_json(app.post_deadline(item).await).await;
        assert_eq!(
            brief[*field], single[*field],
            "{field} as /v1/deadlines says it"
        );
        assert_eq!(brief["due_date"], single["due_date"], "{item}");
        assert!(brief.get("citation").is_none(), "brief: {brief}");
    }
}

#[tokio::test]
async fn an_empty_batch_has_no_results() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let answer = ok_json(app.post_batch(&json!({"items": []})).await).await;

    // Assert
    assert!(
        results(&answer).is_empty(),
        "expected no results for no items"
    );
}

#[tokio::test]
async fn a_batch_of_exactly_10000_items_is_answered_in_full() {
    // Arrange: the smallest items there are, so that only their number is at stake; each fails
    // alone for want of an event.
    let app = spawn_app().await;
    let items = vec![json!({}); 10_000];

    // Act
    let answer = ok_json(app.post_batch(&json!({"items": items})).await).await;

    // Assert
    let results = results(&answer);
    assert_eq!(
        results.len(),
        10_000,
        "expected 10,000 results, the most allowed"
    );
    assert_failed(&results[9_999], 400, "missing-parameter", &["event"]);
}

#[tokio::test]
async fn a_batch_of_more_than_10000_items_is_a_413_problem() {
    // Arrange
    let app = spawn_app().await;
    let items = vec![json!({}); 10_001];

    // Act
    let response = app.post_batch(&json!({"items": items})).await;

    // Assert
    assert_problem(response, 413, "too-large", &["10001", "10000"]).await;
}

#[tokio::test]
async fn a_batch_of_10000_ordinary_items_is_answered_in_full() {
    // Arrange: the same deadline 10,000 times: from Fri 10/9 on Beijing time, Mon 2026-10-19.
    let app = spawn_app().await;
    let item = json!({
        "rule": "meeting-issuance",
        "event": "2026-10-09T01:30:00+08:00",
        "calendar": "cn-xj-kizilsu"
    });
    let items = vec![item; 10_000];

    // Act
    let answer = ok_json(app.post_batch(&json!({"items": items})).await).await;

    // Assert
    let results = results(&answer);
    assert_eq!(
        results.len(),
        10_000,
        "expected 10,000 results, the most allowed"
    );
    assert_ok(&results[9_999], "2026-10-19", "the last item");
}

#[tokio::test]
async fn a_batch_of_more_than_10000_ordinary_items_is_a_413_problem() {
    // Arrange
    let app = spawn_app().await;
    let item = json!({
        "rule": "meeting-issuance",
        "event": "2026-10-09T01:30:00+08:00",
        "calendar": "cn-xj-kizilsu"
    });
    let items = vec![item; 10_001];

    // Act
    let response = app.post_batch(&json!({"items": items})).await;

    // Assert
    assert_problem(response, 413, "too-large", &["10001", "10000"]).await;
}

#[tokio::test]
async fn a_malformed_batch_is_a_400() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let not_json = app
        .request(
            reqwest::Method::POST,
            "/v1/deadlines/batch",
            Some(b"{\"items\": [".to_vec()),
            Some("application/json"),
        )
        .await;
    let no_items = app.post_batch(&json!({})).await;
    let items_not_a_list = app.post_batch(&json!({"items": "all of them"})).await;
    let a_bare_list = app
        .post_batch(&json!([{"rule": "meeting-issuance", "event": "2026-10-09"}]))
        .await;

    // Assert
    assert_problem(not_json, 400, "invalid-body", &[]).await;
    assert_problem(no_items, 400, "invalid-body", &["items"]).await;
    assert_problem(items_not_a_list, 400, "invalid-body", &[]).await;
    assert_problem(a_bare_list, 400, "invalid-body", &[]).await;
}

/// `n` items, all `countersign-reply` from `event`.
fn countersign_items(event: &str, n: usize) -> Value {
    json!({"items": vec![json!({"rule": "countersign-reply", "event": event}); n]})
}

#[tokio::test]
async fn batches_beyond_the_concurrent_limit_wait_their_turn_and_each_gets_its_own_answer() {
    // Arrange: one turn, four batches at once, each with its own event (due dates from
    // legal-periods.md's 国庆 example and plain weeks).
    let app = spawn_app_with(&[("QIXIAN_MAX_CONCURRENT_BATCHES", "1")]).await;
    let cases = [
        ("2026-09-30", "2026-10-15"),
        ("2026-03-02", "2026-03-11"),
        ("2026-06-01", "2026-06-10"),
        ("2026-11-02", "2026-11-11"),
    ];

    // Act
    let answers = futures_util::future::join_all(cases.iter().map(|(event, _)| {
        let body = countersign_items(event, 2_000);
        let app = &app;
        async move { ok_json(app.post_batch(&body).await).await }
    }))
    .await;

    // Assert
    for ((event, due), answer) in cases.iter().zip(&answers) {
        let results = results(answer);
        assert_eq!(results.len(), 2_000, "expected every item from {event}");
        for item in [&results[0], &results[1_999]] {
            assert_ok(item, due, &format!("an item from {event}"));
        }
    }
}

#[tokio::test]
async fn a_client_that_hangs_up_mid_answer_gives_its_turn_back() {
    // Arrange: one turn, which would otherwise be kept for its whole 20 s.
    let app = spawn_app_with(&[
        ("QIXIAN_MAX_CONCURRENT_BATCHES", "1"),
        ("QIXIAN_REQUEST_TIMEOUT_SECS", "20"),
    ])
    .await;
    let body = serde_json::to_vec(&countersign_items("2026-09-30", 10_000)).unwrap();

    // Act: a raw connection asks for a 4 MB answer, reads its start, and hangs up.
    drop(start_raw_batch(&app, &body).await);
    let given_back = metric_shows(&app, "qixian_batches_answering 0").await;

    // Assert
    assert!(
        given_back,
        "expected the turn given back once the client hung up"
    );
    let answer = ok_json(app.post_batch(&countersign_items("2026-09-30", 10)).await).await;
    assert_ok(
        &results(&answer)[9],
        "2026-10-15",
        "the next batch's last item",
    );
}

#[tokio::test]
async fn a_batch_waits_for_a_turn_and_a_client_that_stops_reading_loses_its_turn_in_time() {
    // Arrange: one turn of at most 3 s. A raw client asks for a long answer (explanations:
    // megabytes, more than the sockets hold), reads its start, and then stops reading but
    // stays connected.
    let app = spawn_app_with(&[
        ("QIXIAN_MAX_CONCURRENT_BATCHES", "1"),
        ("QIXIAN_REQUEST_TIMEOUT_SECS", "3"),
    ])
    .await;
    let item = json!({"rule": "countersign-reply", "event": "2026-09-30", "explain": true});
    let body = serde_json::to_vec(&json!({"items": vec![item; 10_000]})).unwrap();
    let stalled = start_raw_batch(&app, &body).await;
    // Sent a while later, so that its own 3 s outlast the stalled client's turn.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let next = tokio::spawn({
        let (client, url) = (
            app.client.clone(),
            format!("{}/v1/deadlines/batch", app.address),
        );
        let small = countersign_items("2026-09-30", 10);
        async move { client.post(url).json(&small).send().await }
    });

    // Act: watch it wait, then get its answer.
    let seen_waiting = metric_shows(&app, "qixian_batches_waiting 1").await;
    let answer = ok_json(next.await.unwrap().expect("answered")).await;

    // Assert
    assert!(
        seen_waiting,
        "expected the second batch waiting while the first held the turn"
    );
    assert_ok(
        &results(&answer)[9],
        "2026-10-15",
        "the waiting batch's last item",
    );
    drop(stalled);
}

/// Whether `/metrics` shows `line` within about a second.
async fn metric_shows(app: &TestApp, line: &str) -> bool {
    for _ in 0..20 {
        let metrics = app.get("/metrics").await.text().await.unwrap();
        if metrics.lines().any(|l| l == line) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

/// A raw connection that posts `body` as a batch and reads the first KiB of the answer, which
/// must be a 200; what happens to the rest is the caller's to decide.
async fn start_raw_batch(app: &TestApp, body: &[u8]) -> tokio::net::TcpStream {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    let head = format!(
        "POST /v1/deadlines/batch HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .await
        .expect("sends the head");
    stream.write_all(body).await.expect("sends the batch");
    let mut start = [0u8; 1024];
    stream
        .read_exact(&mut start)
        .await
        .expect("reads the answer's start");
    assert!(
        start.starts_with(b"HTTP/1.1 200"),
        "expected a 200, got {}",
        String::from_utf8_lossy(&start)
    );
    stream
}

#[tokio::test]
async fn a_client_that_stops_reading_loses_its_turn_after_a_few_seconds_not_the_request_timeout() {
    // Arrange: one turn, and a request timeout far longer than the stall limit (5 s).
    let app = spawn_app_with(&[
        ("QIXIAN_MAX_CONCURRENT_BATCHES", "1"),
        ("QIXIAN_REQUEST_TIMEOUT_SECS", "60"),
    ])
    .await;
    let item = json!({"rule": "countersign-reply", "event": "2026-09-30", "explain": true});
    let body = serde_json::to_vec(&json!({"items": vec![item; 10_000]})).unwrap();
    let stalled = start_raw_batch(&app, &body).await;
    let started = std::time::Instant::now();

    // Act: another batch, which must wait for the stalled one's turn.
    let answer = app.post_batch(&countersign_items("2026-09-30", 10)).await;

    // Assert
    let waited = started.elapsed();
    let answer = ok_json(answer).await;
    assert_ok(
        &results(&answer)[9],
        "2026-10-15",
        "the waiting batch's last item",
    );
    assert!(
        waited < std::time::Duration::from_secs(20),
        "the stalled answer gave its turn back after the stall limit, not the request timeout: {waited:?}"
    );
    assert!(
        metric_shows(&app, "qixian_batches_answering 0").await,
        "nothing holds a turn once both are done"
    );
    drop(stalled);
}

#[tokio::test]
async fn one_client_address_takes_at_most_a_quarter_of_the_turns() {
    // Arrange: four turns, so one per client address; the first client stalls in its one.
    let app = spawn_app_with(&[
        ("QIXIAN_MAX_CONCURRENT_BATCHES", "4"),
        ("QIXIAN_REQUEST_TIMEOUT_SECS", "60"),
    ])
    .await;
    let item = json!({"rule": "countersign-reply", "event": "2026-09-30", "explain": true});
    let body = serde_json::to_vec(&json!({"items": vec![item; 10_000]})).unwrap();
    let stalled = start_raw_batch(&app, &body).await;
    let other = reqwest::Client::builder()
        .no_proxy()
        .local_address(Some("127.0.0.2".parse().expect("an address")))
        .build()
        .expect("a client from another loopback address");
    let url = format!("{}/v1/deadlines/batch", app.address);

    // Act: the same address waits; another address is served at once.
    let same = tokio::spawn({
        let (client, url) = (app.client.clone(), url.clone());
        async move {
            let started = std::time::Instant::now();
            let answer = client
                .post(url)
                .json(&countersign_items("2026-09-30", 10))
                .send()
                .await;
            (answer, started.elapsed())
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let started = std::time::Instant::now();
    let served = other
        .post(&url)
        .json(&countersign_items("2026-09-30", 10))
        .send()
        .await
        .expect("an answer");
    let other_took = started.elapsed();
    let (same, same_took) = same.await.expect("the task ends");

    // Assert
    assert_eq!(served.status(), 200);
    assert!(
        other_took < std::time::Duration::from_secs(2),
        "{other_took:?}"
    );
    assert_eq!(same.expect("an answer").status(), 200);
    assert!(
        same_took >= std::time::Duration::from_secs(3),
        "the same address waited for its own turn (the stall limit): {same_took:?}"
    );
    drop(stalled);
}

#[tokio::test]
async fn a_batch_still_waiting_when_the_request_timeout_runs_out_is_a_503_problem() {
    // Arrange: one turn, held by a client that stops reading; a request timeout of 1 s.
    let app = spawn_app_with(&[
        ("QIXIAN_MAX_CONCURRENT_BATCHES", "1"),
        ("QIXIAN_REQUEST_TIMEOUT_SECS", "1"),
    ])
    .await;
    let item = json!({"rule": "countersign-reply", "event": "2026-09-30", "explain": true});
    let body = serde_json::to_vec(&json!({"items": vec![item; 10_000]})).unwrap();
    let stalled = start_raw_batch(&app, &body).await;
    // A second client that will stall too, next in the queue: it holds the turn from when the
    // first one's time is up (1 s) for another second.
    let next = tokio::spawn({
        let (address, body) = (app.address.clone(), body.clone());
        async move {
            let app = TestApp {
                address,
                client: reqwest::Client::new(),
            };
            start_raw_batch(&app, &body).await
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    // Act — a third batch, whose 1 s runs out while the second holds the turn.
    let response = app.post_batch(&countersign_items("2026-09-30", 10)).await;

    // Assert
    assert_problem(response, 503, "timeout", &["longer than 1 s"]).await;
    drop(stalled);
    drop(next.await);
}
