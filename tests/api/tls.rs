//! HTTPS: with `QIXIAN_TLS_CERT` and `QIXIAN_TLS_KEY` the service listens with TLS on its
//! address, as Office add-ins require. The certificate is made here, for 127.0.0.1, and only a
//! client told to trust it gets an answer.

use qixian::config::Config;
use qixian::startup::Application;

/// A self-signed certificate for 127.0.0.1 and its key, written as PEM files.
struct Certificate {
    dir: tempfile::TempDir,
    pem: String,
}

impl Certificate {
    fn new() -> Self {
        let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])
            .expect("a certificate");
        let dir = tempfile::tempdir().expect("a directory");
        let pem = made.cert.pem();
        std::fs::write(dir.path().join("cert.pem"), &pem).expect("written");
        std::fs::write(dir.path().join("key.pem"), made.signing_key.serialize_pem())
            .expect("written");
        Certificate { dir, pem }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }
}

fn config(cert: &str, key: &str) -> Config {
    let (cert, key) = (cert.to_owned(), key.to_owned());
    Config::from_lookup(move |name| match name {
        "QIXIAN_ADDR" => Some("127.0.0.1:0".to_owned()),
        "QIXIAN_WORKERS" => Some("1".to_owned()),
        "QIXIAN_TLS_CERT" => Some(cert.clone()),
        "QIXIAN_TLS_KEY" => Some(key.clone()),
        _ => None,
    })
    .expect("the configuration is valid")
}

/// Starts the service with the certificate; returns its port.
fn spawn_https(certificate: &Certificate) -> u16 {
    let app = Application::build(config(
        &certificate.path("cert.pem"),
        &certificate.path("key.pem"),
    ))
    .expect("the application builds");
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    port
}

fn trusting(certificate: &Certificate) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .tls_certs_only([
            reqwest::Certificate::from_pem(certificate.pem.as_bytes()).expect("a PEM certificate")
        ])
        .build()
        .expect("a client")
}

#[tokio::test]
async fn with_a_certificate_and_its_key_the_service_answers_over_https() {
    // Arrange
    let certificate = Certificate::new();
    let port = spawn_https(&certificate);
    let client = trusting(&certificate);

    // Act
    let health = client
        .get(format!("https://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .expect("an answer over HTTPS");
    let due = client
        .get(format!(
            "https://127.0.0.1:{port}/v1/workdays/add?start=2026-09-30&days=7&calendar=cn&format=text"
        ))
        .send()
        .await
        .expect("an answer over HTTPS");

    // Assert
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(health.text().await.unwrap(), r#"{"status":"ok"}"#);
    assert_eq!(
        due.text().await.unwrap(),
        "2026-10-15",
        "the API as over HTTP"
    );
}

#[tokio::test]
async fn plain_http_and_a_client_that_does_not_trust_the_certificate_get_no_answer() {
    // Arrange
    let certificate = Certificate::new();
    let port = spawn_https(&certificate);
    let plain = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client");
    let other = trusting(&Certificate::new());

    // Act
    let over_http = plain
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await;
    let untrusted = other
        .get(format!("https://127.0.0.1:{port}/healthz"))
        .send()
        .await;

    // Assert
    assert!(
        over_http.is_err() || over_http.is_ok_and(|r| r.status().as_u16() != 200),
        "no answer over plain HTTP"
    );
    assert!(untrusted.is_err(), "another certificate is not this one");
}

#[tokio::test]
async fn a_missing_key_file_stops_start_up_naming_it() {
    // Arrange
    let certificate = Certificate::new();
    let missing = certificate.path("nowhere.pem");

    // Act
    let error = Application::build(config(&certificate.path("cert.pem"), &missing))
        .err()
        .expect("start-up refused");

    // Assert
    let text = qixian::base::error_chain(&error);
    assert!(
        text.contains("QIXIAN_TLS_KEY") && text.contains("nowhere.pem"),
        "the variable and the file are named: {text}"
    );
}

#[tokio::test]
async fn a_certificate_file_that_holds_none_stops_start_up_naming_it() {
    // Arrange
    let certificate = Certificate::new();
    std::fs::write(certificate.path("empty.pem"), "").expect("written");

    // Act
    let error = Application::build(config(
        &certificate.path("empty.pem"),
        &certificate.path("key.pem"),
    ))
    .err()
    .expect("start-up refused");

    // Assert
    let text = qixian::base::error_chain(&error);
    assert!(
        text.contains("QIXIAN_TLS_CERT") && text.contains("empty.pem"),
        "{text}"
    );
}

#[tokio::test]
async fn over_https_the_add_in_is_served_and_its_manifest_names_the_https_origin() {
    // Arrange
    let certificate = Certificate::new();
    let port = spawn_https(&certificate);
    let client = trusting(&certificate);
    let origin = format!("https://127.0.0.1:{port}");

    // Act
    let manifest = client
        .get(format!("{origin}/addin/manifest.xml"))
        .send()
        .await
        .expect("an answer over HTTPS");
    let script = client
        .get(format!("{origin}/addin/functions.js"))
        .send()
        .await
        .expect("an answer over HTTPS");

    // Assert
    assert_eq!(script.status().as_u16(), 200, "functions.js is served");
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        manifest.headers()["content-type"],
        "application/xml; charset=utf-8"
    );
    let body = manifest.text().await.expect("a body");
    assert!(
        body.contains(&format!(r#"DefaultValue="{origin}/addin/functions.js""#)),
        "the manifest names {origin}, which Excel loads the add-in from, got {body:.3000}"
    );
}
