//! CORS, for browser callers such as Office.js custom functions: preflights for GET and POST
//! with JSON, the headers of an actual request, never credentials, and `QIXIAN_CORS_ORIGINS`
//! restricting who may call.

use qixian::config::{Config, CorsOrigins};
use reqwest::{Method, Response, header};

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};

const ORIGIN: &str = "https://addin.example.com";

/// A preflight from `origin` for a `method` request with a JSON body.
async fn preflight(app: &TestApp, path: &str, origin: &str, method: &str) -> Response {
    app.client
        .request(Method::OPTIONS, format!("{}{path}", app.address))
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, method)
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .send()
        .await
        .unwrap_or_else(|e| panic!("OPTIONS {path} should get an answer: {e}"))
}

/// A JSON POST of a deadline from `origin`.
async fn post_from(app: &TestApp, origin: &str) -> Response {
    app.client
        .post(format!("{}/v1/deadlines", app.address))
        .header(header::ORIGIN, origin)
        .header(header::CONTENT_TYPE, "application/json")
        .body(r#"{"rule": "countersign-reply", "event": "2026-09-30", "calendar": "cn"}"#)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST /v1/deadlines should get an answer: {e}"))
}

fn header_of(response: &Response, name: header::HeaderName) -> Option<&str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

fn names_in(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or("")
        .split(',')
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect()
}

#[tokio::test]
async fn a_preflight_for_a_json_post_is_allowed_from_any_origin_by_default() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = preflight(&app, "/v1/deadlines", ORIGIN, "POST").await;

    // Assert
    assert!(
        response.status().is_success(),
        "expected a successful preflight, got {}",
        response.status()
    );
    assert_eq!(
        header_of(&response, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("*"),
        "expected any origin allowed"
    );
    let methods = names_in(header_of(&response, header::ACCESS_CONTROL_ALLOW_METHODS));
    for method in ["get", "post"] {
        assert!(
            methods.iter().any(|m| m == method),
            "expected {method} allowed, got {methods:?}"
        );
    }
    assert_eq!(
        names_in(header_of(&response, header::ACCESS_CONTROL_ALLOW_HEADERS)),
        ["content-type"],
        "expected the content-type header allowed"
    );
    assert_eq!(
        header_of(&response, header::ACCESS_CONTROL_MAX_AGE),
        Some("86400"),
        "expected preflights cached for a day"
    );
    assert_eq!(
        header_of(&response, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        None,
        "expected credentials never allowed"
    );
}

#[tokio::test]
async fn a_preflight_for_a_get_is_allowed_too() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = preflight(&app, "/v1/workdays/add", ORIGIN, "GET").await;

    // Assert
    assert!(
        response.status().is_success(),
        "expected a successful preflight, got {}",
        response.status()
    );
    assert_eq!(
        header_of(&response, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("*"),
        "expected any origin allowed"
    );
}

#[tokio::test]
async fn an_actual_request_exposes_the_caching_and_tracing_headers() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = post_from(&app, ORIGIN).await;

    // Assert
    assert_eq!(response.status().as_u16(), 200, "expected the deadline");
    assert_eq!(
        header_of(&response, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("*"),
        "expected any origin allowed"
    );
    let exposed = names_in(header_of(&response, header::ACCESS_CONTROL_EXPOSE_HEADERS));
    for name in ["etag", "x-request-id", "x-data-version"] {
        assert!(
            exposed.iter().any(|e| e == name),
            "expected {name} exposed, got {exposed:?}"
        );
    }
    assert_eq!(
        header_of(&response, header::ACCESS_CONTROL_ALLOW_CREDENTIALS),
        None,
        "expected credentials never allowed"
    );
}

#[tokio::test]
async fn a_restricted_list_allows_its_origins_and_no_other() {
    // Arrange
    let app = spawn_app_with(&[(
        "QIXIAN_CORS_ORIGINS",
        "https://oa.example.gov.cn, https://addin.example.com",
    )])
    .await;
    let stranger = "https://evil.example.net";

    // Act
    let allowed = post_from(&app, ORIGIN).await;
    let refused = post_from(&app, stranger).await;
    let refused_preflight = preflight(&app, "/v1/deadlines", stranger, "POST").await;

    // Assert
    assert_eq!(
        header_of(&allowed, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some(ORIGIN),
        "expected a listed origin echoed back"
    );
    assert_eq!(
        header_of(&refused, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        None,
        "expected no Access-Control-Allow-Origin for an unlisted origin, so the browser blocks it"
    );
    assert!(
        !refused_preflight.status().is_success(),
        "expected the unlisted origin's preflight refused, got {}",
        refused_preflight.status()
    );
    assert_eq!(
        header_of(&refused_preflight, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        None,
        "expected no Access-Control-Allow-Origin on the refused preflight"
    );
    // Like every refusal, a problem document saying what was wrong (for curl and the logs;
    // a browser shows its own message).
    assert_problem(
        refused_preflight,
        400,
        "bad-request",
        &["Origin is not allowed"],
    )
    .await;
    let wrong_method = preflight(&app, "/v1/deadlines", ORIGIN, "DELETE").await;
    assert_problem(wrong_method, 400, "bad-request", &["method is not allowed"]).await;
}

#[test]
fn cors_origins_default_to_any_and_refuse_an_origin_with_a_path() {
    // Arrange
    let setting = |value: &'static str| {
        move |name: &str| (name == "QIXIAN_CORS_ORIGINS").then(|| value.to_owned())
    };

    // Act
    let default = Config::from_lookup(|_| None).map(|c| c.cors_origins);
    let listed = Config::from_lookup(setting("https://a.example, http://127.0.0.1:8000"))
        .map(|c| c.cors_origins);
    let with_path = Config::from_lookup(setting("https://a.example/")).map(|c| c.cors_origins);

    // Assert
    assert_eq!(
        default.ok(),
        Some(CorsOrigins::Any),
        "expected * by default"
    );
    assert_eq!(
        listed.ok(),
        Some(CorsOrigins::Only(vec![
            "https://a.example".to_owned(),
            "http://127.0.0.1:8000".to_owned()
        ])),
        "expected both origins, trimmed"
    );
    let err = with_path.expect_err("expected a trailing slash refused");
    assert!(
        err.to_string().starts_with("QIXIAN_CORS_ORIGINS=") && err.to_string().contains("no path"),
        "expected the error to name the variable and the reason, got {err}"
    );
}
