//! The Office add-in under `/addin/`: its files with their content types, and a manifest that
//! names the origin it was asked from (tests/api/tls.rs asks over HTTPS); off with the page.

use reqwest::{StatusCode, header};

use crate::helpers::{assert_problem, content_type, spawn_app, spawn_app_with};

#[tokio::test]
async fn the_manifest_and_the_functions_are_served_with_their_content_types() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let manifest = app.get("/addin/manifest.xml").await;
    let script = app.get("/addin/functions.js").await;
    let metadata = app.get("/addin/functions.json").await;
    let page = app.get("/addin/functions.html").await;

    // Assert
    for (name, response, expected) in [
        ("manifest.xml", &manifest, "application/xml; charset=utf-8"),
        ("functions.js", &script, "text/javascript; charset=utf-8"),
        ("functions.json", &metadata, "application/json"),
        ("functions.html", &page, "text/html; charset=utf-8"),
    ] {
        assert_eq!(response.status(), StatusCode::OK, "{name} is served");
        assert_eq!(content_type(response), expected, "{name}'s content type");
    }
    let script = script.text().await.expect("a body");
    assert!(
        script.contains("QIXIAN_API_BASE") && script.contains("CustomFunctions"),
        "functions.js is the add-in's script, got {:.200}",
        script
    );
}

#[tokio::test]
async fn the_manifest_names_the_origin_it_is_served_from_and_no_placeholder() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let manifest = app.get("/addin/manifest.xml").await;

    // Assert
    let vary = manifest.headers().get(header::VARY).cloned();
    assert!(
        vary.is_some_and(|v| v.as_bytes().starts_with(b"Host")),
        "the manifest varies by Host"
    );
    let body = manifest.text().await.expect("a body");
    for file in ["functions.js", "functions.json", "functions.html"] {
        let url = format!("{}/addin/{file}", app.address);
        assert!(
            body.contains(&url),
            "the manifest names {url}, got {body:.3000}"
        );
    }
    assert!(
        !body.contains("qixian.example.internal"),
        "the placeholder host is replaced"
    );
}

#[tokio::test]
async fn behind_a_tls_proxy_the_manifest_names_the_proxys_https_origin() {
    // Arrange: the proxy (here the test, on loopback) is trusted.
    let app = spawn_app_with(&[("QIXIAN_TRUSTED_PROXIES", "127.0.0.1,::1")]).await;

    // Act
    let manifest = app
        .client
        .get(format!("{}/addin/manifest.xml", app.address))
        .header("X-Forwarded-Proto", "https")
        .header("X-Forwarded-Host", "qixian.kz.example")
        .send()
        .await
        .expect("an answer");

    // Assert
    let body = manifest.text().await.expect("a body");
    assert!(
        body.contains(r#"DefaultValue="https://qixian.kz.example/addin/functions.js""#),
        "the manifest names the origin the proxy was asked for, got {body:.3000}"
    );
}

#[tokio::test]
async fn an_unknown_file_is_a_404_and_the_page_switch_removes_the_add_in() {
    // Arrange
    let app = spawn_app().await;
    let off = spawn_app_with(&[("QIXIAN_PAGE", "off")]).await;

    // Act
    let unknown = app.get("/addin/make-manifest.py").await;
    let removed = off.get("/addin/manifest.xml").await;

    // Assert
    assert_problem(unknown, 404, "not-found", &["/addin/make-manifest.py"]).await;
    assert_problem(removed, 404, "not-found", &["/addin/manifest.xml"]).await;
}

/// `manifest.xml` echoed any client's `X-Forwarded-*` (`proto=javascript` gave
/// `javascript://…`): from a peer that is not a trusted proxy they are ignored; from a trusted
/// one, a scheme other than http or https is a 400 naming the header.
#[tokio::test]
async fn forwarding_headers_from_an_untrusted_peer_are_ignored_and_a_bad_scheme_is_refused() {
    // Arrange
    let untrusted = spawn_app().await;
    let trusted = spawn_app_with(&[("QIXIAN_TRUSTED_PROXIES", "127.0.0.1,::1")]).await;
    let forwarded = |app: &crate::helpers::TestApp, proto: &str| {
        app.client
            .get(format!("{}/addin/manifest.xml", app.address))
            .header("X-Forwarded-Proto", proto.to_owned())
            .header("X-Forwarded-Host", "evil.example")
            .send()
    };

    // Act
    let ignored = forwarded(&untrusted, "javascript")
        .await
        .expect("an answer");
    let refused = forwarded(&trusted, "javascript").await.expect("an answer");

    // Assert
    let body = ignored.text().await.expect("a body");
    assert!(
        !body.contains("evil.example") && !body.contains("javascript:"),
        "an untrusted peer's forwarding headers are ignored, got {body:.3000}"
    );
    assert_problem(
        refused,
        400,
        "invalid-parameter",
        &["X-Forwarded-Proto", "javascript"],
    )
    .await;
}
