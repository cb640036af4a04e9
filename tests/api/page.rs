//! The page for people at `/`: served with its CSP and revalidated by its ETag; its assets
//! under a fingerprinted URL, cached for good; off with `QIXIAN_PAGE=off`.

use reqwest::{Method, StatusCode, header};

use crate::helpers::{assert_problem, spawn_app, spawn_app_with};

/// The URLs of the page's assets, as `index.html` names them.
fn asset_urls(index: &str) -> Vec<String> {
    index
        .split('"')
        .filter(|part| part.starts_with("assets/"))
        .map(|part| format!("/{part}"))
        .collect()
}

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> String {
    response
        .headers()
        .get(&name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn the_page_is_html_with_its_csp_revalidated_by_its_etag() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.get("/").await;

    // Assert
    assert_eq!(response.status(), StatusCode::OK, "GET / serves the page");
    assert_eq!(
        header_of(&response, header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache");
    let csp = header_of(&response, header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"),
        "the page's CSP allows only its own origin and no inline script, got {csp:?}"
    );
    let etag = header_of(&response, header::ETAG);
    assert!(
        etag.starts_with('"') && etag.len() > 2,
        "an ETag, got {etag:?}"
    );
    let body = response.text().await.expect("the body is readable");
    assert!(body.contains("期限计算"), "the page is in Chinese");
    assert!(
        body.contains(r#"<meta name="qixian-default-calendar" content="cn-xj-kizilsu">"#),
        "the page names the service's default calendar"
    );

    let again = app
        .client
        .get(format!("{}/", app.address))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .expect("an answer");
    assert_eq!(
        again.status(),
        StatusCode::NOT_MODIFIED,
        "If-None-Match with the page's ETag is a 304"
    );
    assert_eq!(
        header_of(&again, header::ETAG),
        etag,
        "the 304 names the ETag"
    );
}

#[tokio::test]
async fn the_page_names_the_configured_default_calendar() {
    let app = spawn_app_with(&[("QIXIAN_DEFAULT_CALENDAR", "cn")]).await;

    let body = app.get("/").await.text().await.expect("the body");

    assert!(
        body.contains(r#"<meta name="qixian-default-calendar" content="cn">"#),
        "the page's default calendar is the service's, got {body:.600}"
    );
}

#[tokio::test]
async fn an_asset_at_its_fingerprinted_url_is_cached_for_good() {
    // Arrange
    let app = spawn_app().await;
    let index = app.get("/").await.text().await.expect("the page");
    let urls = asset_urls(&index);
    assert!(
        urls.iter().any(|u| u.ends_with("/app.js")) && urls.iter().any(|u| u.ends_with("/app.css")),
        "the page names its script and style sheet under /assets/, got {urls:?}"
    );

    for url in urls {
        // Act
        let response = app.get(&url).await;

        // Assert
        assert_eq!(response.status(), StatusCode::OK, "GET {url}");
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "public, max-age=31536000, immutable",
            "{url} is cached for a year"
        );
        let content_type = header_of(&response, header::CONTENT_TYPE);
        let expected = match url.rsplit('.').next() {
            Some("js") => "text/javascript",
            Some("css") => "text/css",
            Some("svg") => "image/svg+xml",
            other => panic!("an asset of an unexpected kind: {other:?}"),
        };
        assert!(
            content_type.starts_with(expected),
            "{url} is {expected}, got {content_type:?}"
        );
        let etag = header_of(&response, header::ETAG);
        let again = app
            .client
            .get(format!("{}{url}", app.address))
            .header(header::IF_NONE_MATCH, &etag)
            .send()
            .await
            .expect("an answer");
        assert_eq!(
            again.status(),
            StatusCode::NOT_MODIFIED,
            "{url} revalidates"
        );
    }
}

#[tokio::test]
async fn the_script_imports_only_files_of_its_own_fingerprint() {
    let app = spawn_app().await;
    let index = app.get("/").await.text().await.expect("the page");
    let script = asset_urls(&index)
        .into_iter()
        .find(|u| u.ends_with("/app.js"))
        .expect("the page names app.js");
    let dir = script.trim_end_matches("app.js");

    let body = app.get(&script).await.text().await.expect("app.js");

    for import in body
        .lines()
        .filter_map(|l| l.strip_prefix("import "))
        .filter_map(|l| l.split('"').nth(1))
    {
        let url = format!("{dir}{}", import.trim_start_matches("./"));
        assert_eq!(
            app.get(&url).await.status(),
            StatusCode::OK,
            "app.js imports {import}, served at {url}"
        );
    }
}

#[tokio::test]
async fn an_asset_under_another_fingerprint_or_name_is_a_404_problem() {
    // Arrange
    let app = spawn_app().await;
    let index = app.get("/").await.text().await.expect("the page");
    let script = asset_urls(&index)
        .into_iter()
        .find(|u| u.ends_with("/app.js"))
        .expect("the page names app.js");
    let wrong_hash = "/assets/0123456789abcdef/app.js";
    let wrong_name = script.replace("app.js", "nothing.js");

    for path in [wrong_hash, wrong_name.as_str(), "/assets/app.js"] {
        // Act
        let response = app.get(path).await;

        // Assert
        assert_problem(response, 404, "not-found", &[]).await;
    }
}

#[tokio::test]
async fn the_page_answers_only_get_and_head() {
    let app = spawn_app().await;

    let head = app.request(Method::HEAD, "/", None, None).await;
    let post = app.request(Method::POST, "/", None, None).await;

    assert_eq!(head.status(), StatusCode::OK, "HEAD / is answered");
    assert_eq!(header_of(&post, header::ALLOW), "GET, HEAD");
    assert_problem(post, 405, "method-not-allowed", &["POST", "/"]).await;
}

#[tokio::test]
async fn with_the_page_off_the_root_is_a_404_problem_and_the_api_still_answers() {
    // Arrange
    let app = spawn_app_with(&[("QIXIAN_PAGE", "off")]).await;

    // Act
    let root = app.get("/").await;
    let healthz = app.healthz().await;

    // Assert
    assert_problem(root, 404, "not-found", &["/"]).await;
    assert_eq!(healthz.status(), StatusCode::OK, "the API is still served");
}

/// The keys of a words module (`text.js`, `text-en.js`): each entry of `WORDS` starts a line
/// with two spaces and its name, bare or quoted, and a colon.
fn word_keys(module: &str) -> std::collections::BTreeSet<String> {
    module
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| !l.starts_with(' ') && !l.starts_with("//"))
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, _)| k.trim_matches('"').to_owned())
        })
        .filter(|k| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
        .collect()
}

/// The page's scripts that ask for its words.
const SCRIPTS: [&str; 5] = [
    "app.js",
    "result.js",
    "reference.js",
    "workdays.js",
    "register.js",
];

/// The page's served files by name: index.html, and each asset and module it loads.
async fn served_page(app: &crate::helpers::TestApp) -> std::collections::BTreeMap<String, String> {
    let index = app.get("/").await.text().await.expect("the page");
    let script = asset_urls(&index)
        .into_iter()
        .find(|u| u.ends_with("/app.js"))
        .expect("the page names app.js");
    let dir = script.trim_end_matches("app.js").to_owned();
    let mut files = std::collections::BTreeMap::from([("index.html".to_owned(), index)]);
    let words = [
        "text.js",
        "text-en.js",
        "register-text.js",
        "register-text-en.js",
    ];
    for name in SCRIPTS.iter().chain(&words).chain(&["register.css"]) {
        let response = app.get(&format!("{dir}{name}")).await;
        assert_eq!(response.status(), StatusCode::OK, "{name} is served");
        files.insert((*name).to_owned(), response.text().await.expect(name));
    }
    files
}

#[tokio::test]
async fn every_word_the_views_ask_for_is_in_both_languages_the_register_tabs_included() {
    // Arrange
    let app = spawn_app().await;
    let files = served_page(&app).await;
    // The page's words, and the 台账 view's own (loaded with it), in each language.
    let zh: std::collections::BTreeSet<String> = word_keys(&files["text.js"])
        .into_iter()
        .chain(word_keys(&files["register-text.js"]))
        .collect();
    let en: std::collections::BTreeSet<String> = word_keys(&files["text-en.js"])
        .into_iter()
        .chain(word_keys(&files["register-text-en.js"]))
        .collect();

    // Act: the keys index.html names (data-t, data-t-label) and the scripts ask t() for.
    let mut asked = std::collections::BTreeSet::new();
    for part in files["index.html"].split("data-t").skip(1) {
        if let Some(key) = part
            .strip_prefix("=\"")
            .or_else(|| part.strip_prefix("-label=\""))
            .and_then(|rest| rest.split('"').next())
        {
            asked.insert(key.to_owned());
        }
    }
    for name in SCRIPTS {
        let text = &files[name];
        for (at, _) in text.match_indices("t(\"") {
            // `t(` itself, not the end of another name (`get(`, `split(`).
            let before = text[..at].chars().next_back().unwrap_or(' ');
            if before.is_alphanumeric() || before == '_' || before == '.' {
                continue;
            }
            let key = text[at + 3..].split('"').next().unwrap_or_default();
            asked.insert(key.to_owned());
        }
    }
    // The register's tabs are the list's `state=` choices, worded per choice (`tab_<state>`).
    for state in ["open", "due_soon", "overdue", "moved", "done"] {
        asked.insert(format!("tab_{state}"));
        assert!(
            files["register.js"].contains(&format!("\"{state}\"")),
            "register.js has the tab {state}"
        );
    }

    // Assert
    assert_eq!(
        zh, en,
        "text.js and text-en.js, register-text.js and register-text-en.js have the same keys"
    );
    let missing: Vec<&String> = asked.iter().filter(|k| !zh.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "every word asked for is in both languages; missing: {missing:?}"
    );
    for key in [
        "navRegister",
        "registerTitle",
        "tab_due_soon",
        "complete",
        "acknowledge",
        "addToRegister",
        "copyAddress",
    ] {
        assert!(asked.contains(key), "the 台账 view asks for {key}");
    }
}

#[tokio::test]
async fn every_module_and_style_sheet_loaded_when_a_view_needs_it_is_served() {
    let app = spawn_app().await;
    let files = served_page(&app).await;
    let lazily: Vec<&str> = ["app.js", "register.js"]
        .iter()
        .flat_map(|name| files[*name].split("import(\"./").skip(1))
        .filter_map(|part| part.split('"').next())
        .collect();
    assert!(
        ["register.js", "result.js", "workdays.js"]
            .iter()
            .all(|name| lazily.contains(name)),
        "app.js loads the views' modules when first needed, got {lazily:?}"
    );
    assert!(
        lazily.contains(&"register-text.js") && lazily.contains(&"register-text-en.js"),
        "register.js loads its words in the page's language, got {lazily:?}"
    );
    assert!(
        files["register.js"].contains("\"./register.css\""),
        "register.js loads its style sheet"
    );
    for name in lazily {
        assert!(files.contains_key(name), "{name} is served");
    }
}
