//! `GET /healthz`, `GET /openapi.yaml`, and what every route does with an unknown path or a
//! method it does not serve: a 404 or 405 problem.

use reqwest::{Method, header};

use crate::helpers::{assert_problem, content_type, ok_json, spawn_app, spawn_app_with};

#[tokio::test]
async fn health_check_answers_ok() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let body = ok_json(app.healthz().await).await;

    // Assert
    assert_eq!(body["status"], "ok", "expected {{\"status\": \"ok\"}}");
}

#[tokio::test]
async fn the_openapi_description_is_served_as_yaml() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.openapi().await;

    // Assert
    assert_eq!(response.status().as_u16(), 200, "expected 200 OK");
    let content_type = content_type(&response);
    assert!(
        content_type.starts_with("application/yaml"),
        "expected application/yaml, got {content_type:?}"
    );
    let body = response.text().await.expect("the body is readable");
    assert!(
        body.starts_with("openapi: 3."),
        "expected an OpenAPI 3 document, got {body:?}"
    );
}

#[tokio::test]
async fn the_openapi_description_names_every_route() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let body = app
        .openapi()
        .await
        .text()
        .await
        .expect("the body is readable");

    // Assert
    for path in [
        "/healthz",
        "/v1/calendars",
        "/v1/calendars/{id}",
        "/v1/days",
        "/v1/days/{date}",
        "/v1/workdays/add",
        "/v1/workdays/count",
        "/v1/rules",
        "/v1/deadlines",
        "/v1/deadlines/batch",
    ] {
        assert!(
            body.contains(&format!("{path}:")),
            "expected openapi.yaml to describe {path}"
        );
    }
}

#[tokio::test]
async fn an_unknown_route_is_a_404_problem_naming_the_path() {
    // Arrange
    let app = spawn_app().await;

    // `/` is the page unless QIXIAN_PAGE=off (tests/api/page.rs).
    for path in [
        "/v1/holidays",
        "/v2/days/2026-10-01",
        "/index.html",
        "/v1/workdays",
    ] {
        // Act
        let response = app.get(path).await;

        // Assert
        assert_problem(response, 404, "not-found", &[path]).await;
    }
}

#[tokio::test]
async fn a_method_a_route_does_not_serve_is_a_405_problem() {
    // Arrange
    let app = spawn_app().await;
    let cases = [
        (Method::POST, "/healthz"),
        (Method::POST, "/openapi.yaml"),
        (Method::DELETE, "/v1/calendars"),
        (Method::PUT, "/v1/calendars/cn"),
        (Method::POST, "/v1/days"),
        (Method::POST, "/v1/days/2026-10-01"),
        (Method::POST, "/v1/workdays/add"),
        (Method::DELETE, "/v1/workdays/count"),
        (Method::POST, "/v1/rules"),
        (Method::DELETE, "/v1/rules/meeting-issuance"),
        (Method::PUT, "/v1/deadlines"),
        (Method::GET, "/v1/deadlines/batch"),
    ];

    for (method, path) in cases {
        // Act
        let response = app.request(method.clone(), path, None, None).await;

        // Assert
        assert_problem(
            response,
            405,
            "method-not-allowed",
            &[method.as_str(), path],
        )
        .await;
    }
}

#[tokio::test]
async fn metrics_count_requests_by_method_route_and_status_with_bounded_labels() {
    // Arrange
    let app = spawn_app().await;
    let add = "/v1/workdays/add?start=2026-09-30&days=7";
    app.get(add).await;
    app.get(add).await;
    app.get("/v1/rules/no-such-rule").await;
    app.get("/no/such/route").await;
    let made_up = Method::from_bytes(b"FROBNICATE").expect("a valid method token");
    app.request(made_up, "/v1/calendars", None, None).await;
    // Answers made before any resource runs: a cache hit, a 304, a 414.
    app.get("/v1/calendars").await;
    app.get("/v1/calendars").await;
    let count = "/v1/workdays/count?from=2026-10-01&to=2026-10-31";
    let etag = app.get(count).await.headers()[header::ETAG].clone();
    let revalidated = app
        .client
        .get(format!("{}{count}", app.address))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .expect("an answer");
    assert_eq!(revalidated.status(), 304, "expected the ETag to match");
    app.get(&format!("{add}&pad={}", "x".repeat(9_000))).await;

    // Act
    let text = app.get("/metrics").await.text().await.expect("a text body");

    // Assert
    for expected in [
        r#"qixian_http_requests_total{method="GET",route="/v1/workdays/add",status="200"} 2"#,
        r#"qixian_http_requests_total{method="GET",route="/v1/rules/{id}",status="404"} 1"#,
        r#"qixian_http_requests_total{method="GET",route="unmatched",status="404"} 1"#,
        r#"qixian_http_requests_total{method="other",route="/v1/calendars",status="405"} 1"#,
        r#"qixian_http_requests_total{method="GET",route="/v1/calendars",status="200"} 2"#,
        r#"qixian_http_requests_total{method="GET",route="/v1/workdays/count",status="304"} 1"#,
        r#"qixian_http_requests_total{method="GET",route="/v1/workdays/add",status="414"} 1"#,
        r#"qixian_http_request_duration_seconds_count{route="/v1/workdays/add"} 3"#,
    ] {
        assert!(
            text.lines().any(|line| line == expected),
            "expected the line {expected} in:\n{text}"
        );
    }
    assert!(
        !text.contains("FROBNICATE") && !text.contains("no/such"),
        "a label must never take a value the client made up:\n{text}"
    );
}

#[tokio::test]
async fn a_graceful_stop_lets_a_request_in_flight_finish() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    // Arrange: a server we hold the handle of, and a request whose body is half sent.
    let config = qixian::config::Config::from_lookup(|name| match name {
        "QIXIAN_ADDR" => Some("127.0.0.1:0".to_owned()),
        "QIXIAN_WORKERS" => Some("1".to_owned()),
        _ => None,
    })
    .expect("the test configuration is valid");
    let app = qixian::startup::Application::build(config).expect("the application builds");
    let (port, handle) = (app.port(), app.handle());
    let running = tokio::spawn(app.run_until_stopped());
    let body = br#"{"rule":"countersign-reply","event":"2026-09-30","explain":false}"#;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let head = format!(
        "POST /v1/deadlines?format=text HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..20]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    // Act: stop as SIGTERM does, then finish sending.
    let stopping = tokio::spawn(async move { handle.stop(true).await });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stream.write_all(&body[20..]).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();

    // Assert
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the request in flight is answered: {answer}"
    );
    assert!(
        answer.ends_with("2026-10-15"),
        "with its due date: {answer}"
    );
    stopping.await.unwrap();
    let stopped = tokio::time::timeout(std::time::Duration::from_secs(10), running).await;
    assert!(
        matches!(stopped, Ok(Ok(Ok(())))),
        "the server stops cleanly: {stopped:?}"
    );
}

/// `/readyz`'s `database` once the background probe has reported (within about 10 s).
async fn probed_database(app: &crate::helpers::TestApp) -> serde_json::Value {
    for _ in 0..100 {
        let ready = ok_json(app.get("/readyz").await).await;
        assert_eq!(
            ready["status"], "ready",
            "ready whatever the database: {ready}"
        );
        if !ready["database"]["checked_at"].is_null() {
            return ready["database"].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the database is probed within 10 s of start-up");
}

/// The line of `/metrics` that starts with `series `, without it.
async fn series(app: &crate::helpers::TestApp, series: &str) -> Option<String> {
    let text = app.get("/metrics").await.text().await.expect("a text body");
    text.lines()
        .find_map(|line| line.strip_prefix(&format!("{series} ")))
        .map(str::to_owned)
}

/// The registers' database in memory and in SQLite (a state directory): the probe reaches it,
/// reads the highest migration (4: `MIGRATIONS` ends at 4, the shared tables from 101 are
/// PostgreSQL's) and no outbox, which is kept in the directory, not in the database.
#[tokio::test]
async fn readiness_and_metrics_report_the_registers_database_without_postgresql() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let memory = spawn_app().await;
    let sqlite = spawn_app_with(&[("QIXIAN_STATE_DIR", dir.path().to_str().unwrap())]).await;
    for app in [&memory, &sqlite] {
        let database = probed_database(app).await;
        assert_eq!(database["reachable"], true, "{database}");
        assert_eq!(database["migration_version"], 4, "{database}");
        assert!(database["webhook_outbox_waiting"].is_null(), "{database}");
        assert_eq!(
            database["reached_at"], database["checked_at"],
            "the last probe was answered: {database}"
        );
        let took = database["probe_seconds"].as_f64().expect("probe_seconds");
        assert!((0.0..2.0).contains(&took), "within the timeout: {database}");
        assert_eq!(
            series(app, "qixian_database_up").await.as_deref(),
            Some("1")
        );
        assert_eq!(
            series(app, "qixian_database_migration_version")
                .await
                .as_deref(),
            Some("4")
        );
        assert!(series(app, "qixian_database_probe_seconds").await.is_some());
        assert_eq!(
            series(app, "qixian_webhook_outbox_waiting").await,
            None,
            "the outbox is in the database only with PostgreSQL"
        );
    }
}

/// A PostgreSQL that is not there (a closed port): the service is ready all the same and
/// answers the calendars; `/readyz` says the database is unreachable and was never reached,
/// `/metrics` says `qixian_database_up 0`.
#[tokio::test]
async fn readiness_stays_ready_when_the_registers_database_is_down() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let url = format!("postgres://qixian@127.0.0.1:{closed}/qixian");
    let app = spawn_app_with(&[("QIXIAN_DATABASE_URL", &url)]).await;

    let database = probed_database(&app).await;
    assert_eq!(database["reachable"], false, "{database}");
    for never in ["reached_at", "migration_version", "webhook_outbox_waiting"] {
        assert!(database[never].is_null(), "{never} unknown: {database}");
    }
    let ready = ok_json(app.get("/readyz").await).await;
    assert_eq!(ready["registers"]["migrated"], false, "{ready}");
    assert_eq!(
        series(&app, "qixian_database_up").await.as_deref(),
        Some("0")
    );
    ok_json(app.get("/v1/calendars").await).await;
}

/// PostgreSQL at `QIXIAN_TEST_DATABASE_URL`: reached, migrated to the shared tables (101 or
/// later), and the outbox's waiting deliveries counted — three rows put there by the test
/// (due in the year 9999, so that no sender takes them) are among them.
#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/register-postgres.sh"]
async fn readiness_and_metrics_report_the_registers_database_on_postgresql() {
    let url = crate::helpers::fresh_database(&crate::helpers::test_database_url()).await;
    let app = spawn_app_with(&[("QIXIAN_DATABASE_URL", &url)]).await;
    let database = probed_database(&app).await;
    assert_eq!(database["reachable"], true, "{database}");
    let version = database["migration_version"].as_i64().expect("a version");
    assert!(
        version >= 101,
        "the shared tables' migration ran: {database}"
    );
    assert!(database["webhook_outbox_waiting"].is_i64(), "{database}");

    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&url)
        .await
        .expect("the test database");
    let id = format!("msg_readyz_{}", std::process::id());
    // Now, not 0: were the outbox full, its oldest rows would be dropped first.
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_millis(),
    )
    .expect("a time in range");
    for target in ["a", "b", "c"] {
        sqlx::query(
            "INSERT INTO webhook_outbox (id, target, url, created_ms, next_attempt_ms, body)
             VALUES ($1, $2, 'https://example.invalid/', $3, 253402300799000, '{}')",
        )
        .bind(&id)
        .bind(target)
        .bind(now_ms)
        .execute(&pool)
        .await
        .expect("an outbox row");
    }
    let mut counted = None;
    for _ in 0..150 {
        let ready = ok_json(app.get("/readyz").await).await;
        if ready["database"]["webhook_outbox_waiting"]
            .as_i64()
            .is_some_and(|n| n >= 3)
        {
            // `/metrics` shows the same probe (or a later one, which still counts the rows).
            counted = series(&app, "qixian_webhook_outbox_waiting").await;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    sqlx::query("DELETE FROM webhook_outbox WHERE id = $1")
        .bind(&id)
        .execute(&pool)
        .await
        .expect("the rows removed");
    let counted: i64 = counted
        .and_then(|v| v.parse().ok())
        .expect("a probe within 15 s counts the three rows, and /metrics shows it");
    assert!(
        counted >= 3,
        "the three rows counted in /metrics: {counted}"
    );
    assert_eq!(
        series(&app, "qixian_database_up").await.as_deref(),
        Some("1")
    );
    let migration: i64 = series(&app, "qixian_database_migration_version")
        .await
        .and_then(|v| v.parse().ok())
        .expect("qixian_database_migration_version");
    assert!(migration >= 101);
}
