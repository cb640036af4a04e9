//! `GET /healthz`, `GET /openapi.yaml`, and what every route does with an unknown path or a
//! method it does not serve: a 404 or 405 problem.

use reqwest::{Method, header};

use crate::helpers::{assert_problem, content_type, ok_json, spawn_app};

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
