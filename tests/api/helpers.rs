//! The harness: a real server on a random port, and a client with one method per route.
//!
//! Every test starts its own server (`spawn_app`), so tests share nothing and run in parallel.
//! The client asks for English (`Accept-Language: en`), so that the tests read the problems'
//! words as the English catalogue writes them; `tests/api/language.rs` tests the languages
//! themselves, Chinese (the default) first, with clients of its own.

use qixian::config::Config;
use qixian::startup::Application;
use reqwest::{Method, Response, StatusCode, header};
use serde_json::Value;

/// A running server and a client pointed at it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub address: String,
    pub client: reqwest::Client,
}

/// Starts the real application, configured as in production except for the address, and
/// returns once it listens.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// As [`spawn_app`], with some `QIXIAN_*` variables set (the address is always port 0).
pub async fn spawn_app_with(settings: &[(&str, &str)]) -> TestApp {
    spawn_running(settings).await.app
}

/// A server a test can stop, as SIGTERM stops it, to start another on the same directories.
pub struct Running {
    pub app: TestApp,
    handle: actix_web::dev::ServerHandle,
    running: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stops it as SIGTERM does, and waits until it has.
    pub async fn stop(self) {
        self.handle.stop(true).await;
        let stopped = tokio::time::timeout(std::time::Duration::from_secs(10), self.running).await;
        assert!(
            matches!(stopped, Ok(Ok(Ok(())))),
            "the server stops cleanly: {stopped:?}"
        );
    }
}

impl std::ops::Deref for Running {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// As [`spawn_app_with`], keeping the handle to stop it.
pub async fn spawn_running(settings: &[(&str, &str)]) -> Running {
    let settings: Vec<(String, String)> = settings
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let config = Config::from_lookup(|name| match name {
        "QIXIAN_ADDR" => Some("127.0.0.1:0".to_owned()),
        // One worker is plenty for one test and keeps the many parallel servers light.
        "QIXIAN_WORKERS" => Some("1".to_owned()),
        _ => settings
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            // The register suites write thousands of matters with one key as fast as they
            // can; the rate limit's own test (registers_access.rs) sets the production rate.
            .or_else(|| {
                matches!(name, "QIXIAN_REGISTER_RATE" | "QIXIAN_REGISTER_BURST")
                    .then(|| "1000000".to_owned())
            }),
    })
    .expect("the test configuration is valid");
    let app = Application::build(config).expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let running = tokio::spawn(app.run_until_stopped());
    let mut english = header::HeaderMap::new();
    english.insert(
        header::ACCEPT_LANGUAGE,
        header::HeaderValue::from_static("en"),
    );
    let client = reqwest::Client::builder()
        // The machine's proxy settings must not reroute requests to 127.0.0.1.
        .no_proxy()
        .default_headers(english)
        .build()
        .expect("the HTTP client builds");
    Running {
        app: TestApp { address, client },
        handle,
        running,
    }
}

/// The PostgreSQL the `#[ignore]`d tests run on (`scripts/register-postgres.sh` sets it).
pub fn test_database_url() -> String {
    std::env::var("QIXIAN_TEST_DATABASE_URL").expect("QIXIAN_TEST_DATABASE_URL is set")
}

/// A schema of its own in the database at `url`, made empty now (`schema_<pid>_<n>`), and the
/// URL that puts it first on the search path (`options=-c search_path=…`, after `?` or `&`),
/// in that order. Every PostgreSQL test takes one: servers on one database share the data in
/// force and follow it, so two tests on one schema would see each other's changes.
pub async fn fresh_schema(url: &str) -> (String, String) {
    use sqlx::Connection;
    static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let schema = format!("schema_{}_{n}", std::process::id());
    // The URL may hold a password: the messages name the schema, never the URL.
    let mut admin = sqlx::postgres::PgConnection::connect(url)
        .await
        .unwrap_or_else(|e| panic!("the test database answers ({schema}): {e}"));
    // A schema left by an earlier run whose process had the same id is dropped first.
    for statement in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("CREATE SCHEMA {schema}"),
    ] {
        sqlx::query(&statement)
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    admin.close().await.expect("the connection closes");
    let joint = if url.contains('?') { '&' } else { '?' };
    let in_schema = format!("{url}{joint}options=-c%20search_path%3D{schema}");
    (schema, in_schema)
}

/// [`fresh_schema`]'s URL alone.
pub async fn fresh_database(url: &str) -> String {
    fresh_schema(url).await.1
}

/// Encodes name/value pairs as a query string (`+`, `:` and the like escaped).
pub fn query(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).expect("pairs of strings always encode")
}

impl TestApp {
    /// `GET path` (path may carry its own query string, sent as it is).
    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path, None, None).await
    }

    /// Any method, any body, any content type: for the inputs the typed methods cannot make.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        content_type: Option<&str>,
    ) -> Response {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.address));
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path} should get an answer: {e}"))
    }

    fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
        if pairs.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", query(pairs))
        }
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(
            Method::POST,
            path,
            Some(serde_json::to_vec(body).expect("a JSON value serialises")),
            Some("application/json"),
        )
        .await
    }

    /// `POST /v1/admin/reload`, with `token` as the bearer token if given.
    pub async fn admin_reload(&self, token: Option<&str>) -> Response {
        let mut request = self
            .client
            .post(format!("{}/v1/admin/reload", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("the reload request is answered")
    }

    /// The data version in force (`x-data-version`).
    pub async fn data_version(&self) -> String {
        let response = self.get("/v1/calendars").await;
        response
            .headers()
            .get("x-data-version")
            .and_then(|v| v.to_str().ok())
            .expect("every answer names its data version")
            .to_owned()
    }

    /// `GET /v1/changes`.
    pub async fn get_changes(&self, query: &[(&str, &str)]) -> Response {
        self.get(&format!("/v1/changes?{}", self::query(query)))
            .await
    }

    /// `POST /v1/deadlines/recheck` with a JSON body.
    pub async fn post_recheck(&self, body: &Value) -> Response {
        self.post_json("/v1/deadlines/recheck", body).await
    }

    pub async fn healthz(&self) -> Response {
        self.get("/healthz").await
    }

    /// `GET /openapi.yaml`.
    pub async fn openapi(&self) -> Response {
        self.get("/openapi.yaml").await
    }

    /// `GET /v1/calendars`.
    pub async fn get_calendars(&self) -> Response {
        self.get("/v1/calendars").await
    }

    /// `GET /v1/calendars/{id}`.
    pub async fn get_calendar(&self, id: &str) -> Response {
        self.get(&format!("/v1/calendars/{id}")).await
    }

    /// `GET /v1/days/{date}?…`.
    pub async fn get_day(&self, date: &str, query: &[(&str, &str)]) -> Response {
        self.get(&Self::with_query(&format!("/v1/days/{date}"), query))
            .await
    }

    /// `GET /v1/days?from=&to=…`.
    pub async fn get_days(&self, query: &[(&str, &str)]) -> Response {
        self.get(&Self::with_query("/v1/days", query)).await
    }

    /// `GET /v1/workdays/add?start=&days=…`.
    pub async fn add_workdays(&self, query: &[(&str, &str)]) -> Response {
        self.get(&Self::with_query("/v1/workdays/add", query)).await
    }

    /// `GET /v1/workdays/count?from=&to=…`.
    pub async fn count_workdays(&self, query: &[(&str, &str)]) -> Response {
        self.get(&Self::with_query("/v1/workdays/count", query))
            .await
    }

    /// `GET /v1/rules`.
    pub async fn get_rules(&self) -> Response {
        self.get("/v1/rules").await
    }

    /// `GET /v1/rules/{id}`.
    pub async fn get_rule(&self, id: &str) -> Response {
        self.get(&format!("/v1/rules/{id}")).await
    }

    /// `GET /v1/deadlines?…`.
    pub async fn get_deadline(&self, query: &[(&str, &str)]) -> Response {
        self.get(&Self::with_query("/v1/deadlines", query)).await
    }

    /// `POST /v1/deadlines` with a JSON body.
    pub async fn post_deadline(&self, body: &Value) -> Response {
        self.post_json("/v1/deadlines", body).await
    }

    /// `POST /v1/deadlines/batch` with a JSON body.
    pub async fn post_batch(&self, body: &Value) -> Response {
        self.post_json("/v1/deadlines/batch", body).await
    }
}

/// The JSON body of a `200 OK` answer; panics with the body when the status is another.
pub async fn ok_json(response: Response) -> Value {
    let status = response.status();
    let content_type = content_type(&response);
    let body = response.text().await.expect("the body is readable");
    assert_eq!(
        status,
        StatusCode::OK,
        "expected 200 OK, got {status} with body {body}"
    );
    assert!(
        content_type.starts_with("application/json"),
        "expected a JSON answer, got content type {content_type:?}"
    );
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("expected JSON, got {body:?}: {e}"))
}

/// The answer's `Content-Type`, or `""`.
pub fn content_type(response: &Response) -> String {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// Checks that `response` is an RFC 9457 problem with `status` and `code`, whose detail
/// mentions every one of `mentions`, and returns the problem document.
pub async fn assert_problem(
    response: Response,
    status: u16,
    code: &str,
    mentions: &[&str],
) -> Value {
    let actual = response.status();
    let content_type = content_type(&response);
    let body = response.text().await.expect("the body is readable");
    assert_eq!(
        actual.as_u16(),
        status,
        "expected status {status} ({code}), got {actual} with body {body}"
    );
    assert_eq!(
        content_type, "application/problem+json",
        "expected an application/problem+json answer, body {body}"
    );
    let problem: Value = serde_json::from_str(&body)
        .unwrap_or_else(|e| panic!("expected a JSON problem document, got {body:?}: {e}"));
    assert_problem_document(&problem, status, code, mentions);
    problem
}

/// Checks a problem document that came inside another answer (a batch item's `error`).
pub fn assert_problem_document(problem: &Value, status: u16, code: &str, mentions: &[&str]) {
    assert_eq!(
        problem["status"], status,
        "expected problem status {status}, got {problem}"
    );
    assert_eq!(
        problem["code"], code,
        "expected problem code {code:?}, got {problem}"
    );
    assert_eq!(
        problem["type"],
        format!("urn:qixian:problem:{code}"),
        "expected the problem type to carry the code, got {problem}"
    );
    assert!(
        problem["title"].as_str().is_some_and(|t| !t.is_empty()),
        "expected a non-empty title, got {problem}"
    );
    let detail = problem["detail"]
        .as_str()
        .unwrap_or_else(|| panic!("expected a string detail, got {problem}"));
    for mention in mentions {
        assert!(
            detail.contains(mention),
            "expected the detail to mention {mention:?}, got {detail:?}"
        );
    }
}

/// The `qixian` binary, run as a process the test can kill.
pub struct Process {
    child: std::process::Child,
    pub app: TestApp,
}

impl Process {
    /// Starts the binary on port 0 with one worker, text logs and `settings`, and waits until
    /// it says its port.
    pub async fn start(settings: &[(&str, &std::ffi::OsStr)]) -> Self {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qixian"))
            .env("QIXIAN_ADDR", "127.0.0.1:0")
            .env("QIXIAN_WORKERS", "1")
            .env("QIXIAN_LOG_FORMAT", "text")
            // As the in-process servers: the register suites write as fast as they can.
            .env("QIXIAN_REGISTER_RATE", "1000000")
            .env("QIXIAN_REGISTER_BURST", "1000000")
            .envs(settings.iter().copied())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let out = child.stdout.take().expect("its output");
        let port = tokio::task::spawn_blocking(move || {
            let mut out = BufReader::new(out);
            let mut line = String::new();
            let port = loop {
                line.clear();
                assert!(
                    out.read_line(&mut line).expect("a line") > 0,
                    "the server said where it serves"
                );
                if let Some(port) = line.split("port=").nth(1) {
                    break port.split_whitespace().next().expect("a port").to_owned();
                }
            };
            // Keep reading, so that the process never blocks on a full pipe.
            std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
            port
        })
        .await
        .expect("the port is read");
        let client = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("the HTTP client builds");
        Process {
            child,
            app: TestApp {
                address: format!("http://127.0.0.1:{port}"),
                client,
            },
        }
    }

    /// SIGKILL: nothing runs after it.
    pub fn kill(mut self) {
        self.child.kill().expect("killed");
        self.child.wait().expect("reaped");
    }
}

/// A process still running when its test ends (passed or failed) is killed: left running, it
/// would hold the test run's output open and its port and state directory in use.
impl Drop for Process {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
