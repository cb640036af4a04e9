//! The page for people (`/`): a few static files under `page/`, embedded in the binary and
//! served as they are. The page calls the public API like any other client; nothing here
//! computes a date.
//!
//! The assets are served under `/assets/<fingerprint>/<name>`, where the fingerprint is a hash
//! of all of them together, computed at start-up, so that each URL names one content forever
//! and can be cached for a year; `index.html` is rewritten to name them, and is itself
//! revalidated on every load (`no-cache` and its ETag). One fingerprint for the set, not one per
//! file, so that `app.js` can import `./text.js` by a plain relative URL.
//!
//! These routes are not part of the JSON API: they are not in [`super::routes`], take no
//! parameters of the API's and are not described in openapi.yaml.

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use super::problem::ApiError;
use crate::text::Missing;

/// One file embedded in the binary and served as it is: one the page loads besides
/// `index.html`, or one of the Office add-in's ([`super::addin`]).
pub(super) struct Asset {
    /// Its name in the URL.
    pub(super) name: &'static str,
    /// Its `Content-Type`.
    pub(super) content_type: &'static str,
    /// Its bytes.
    pub(super) body: &'static [u8],
}

/// The page's files, as `index.html` and the scripts name them. Adding one is adding a row here
/// and a reference in `index.html` or a script (a test checks every row is referenced).
const ASSETS: [Asset; 12] = [
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../page/app.js"),
    },
    Asset {
        name: "result.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../page/result.js"),
    },
    Asset {
        name: "reference.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../page/reference.js"),
    },
    Asset {
        name: "workdays.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../page/workdays.js"),
    },
    Asset {
        name: "register.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../page/register.js"),
    },
    Asset {
        name: "register-text.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../page/register-text.js"),
    },
    Asset {
        name: "register-text-en.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../page/register-text-en.js"),
    },
    Asset {
        name: "register.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../page/register.css"),
    },
    Asset {
        name: "text.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../page/text.js"),
    },
    Asset {
        name: "text-en.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../page/text-en.js"),
    },
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../page/app.css"),
    },
    Asset {
        name: "icon.svg",
        content_type: "image/svg+xml",
        body: include_bytes!("../../page/icon.svg"),
    },
];

const INDEX: &str = include_str!("../../page/index.html");

/// Where `index.html` says the service's default calendar goes (`content=""`).
const DEFAULT_CALENDAR_META: &str = r#"<meta name="qixian-default-calendar" content="">"#;

/// What the page may load and do: its own origin only, no inline script or style, never in a
/// frame (the page is meant to be opened, not embedded).
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'; object-src 'none'";

/// A year, the longest `max-age` HTTP caches are asked to honour.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The page as served: `index.html` rewritten for this build and configuration, and the
/// assets' fingerprint. Built once at start-up.
pub struct Page {
    fingerprint: String,
    index: Bytes,
    index_etag: HeaderValue,
    asset_etags: Vec<HeaderValue>,
}

/// The first 16 hex digits of the SHA-256 of `parts`, each length-prefixed.
pub(super) fn hash(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    crate::base::short_digest(&hasher.finalize())
}

pub(super) fn etag(digest: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{digest}\"")).expect("hex in quotes is a valid header value")
}

/// `text` with the characters that matter in an HTML or XML attribute escaped.
pub(super) fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl Page {
    /// The page for a service whose default calendar is `default_calendar`: the fingerprint of
    /// the assets, and `index.html` naming them by it and carrying the default calendar (which
    /// the API's answers only name once a request has been made).
    pub fn new(default_calendar: &str) -> Self {
        let parts: Vec<&[u8]> = ASSETS
            .iter()
            .flat_map(|a| [a.name.as_bytes(), a.body])
            .collect();
        let fingerprint = hash(&parts);
        let mut index = INDEX.replace(
            DEFAULT_CALENDAR_META,
            &format!(
                r#"<meta name="qixian-default-calendar" content="{}">"#,
                attribute(default_calendar)
            ),
        );
        for asset in &ASSETS {
            // Relative URLs, so that the page also works behind a proxy under a path prefix.
            for attr in ["href", "src"] {
                index = index.replace(
                    &format!(r#"{attr}="{}""#, asset.name),
                    &format!(r#"{attr}="assets/{fingerprint}/{}""#, asset.name),
                );
            }
        }
        let index_etag = etag(&hash(&[index.as_bytes()]));
        Page {
            asset_etags: ASSETS.iter().map(|a| etag(&hash(&[a.body]))).collect(),
            fingerprint,
            index: Bytes::from(index),
            index_etag,
        }
    }
}

/// Whether the request's `If-None-Match` names `etag` (or is `*`).
fn not_modified(req: &HttpRequest, etag: &HeaderValue) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/").as_bytes() == etag.as_bytes())
}

/// `body` with its validator, caching policy and `extra` headers, or a 304 with the same
/// headers when the caller has it already.
pub(super) fn respond(
    req: &HttpRequest,
    etag: &HeaderValue,
    cache_control: &'static str,
    content_type: &'static str,
    body: Bytes,
    extra: &[(header::HeaderName, &'static str)],
) -> HttpResponse {
    let fresh = not_modified(req, etag);
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::ETAG, etag.clone()))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    for (name, value) in extra {
        res.insert_header((name.clone(), *value));
    }
    if fresh {
        res.finish()
    } else {
        res.content_type(content_type).body(body)
    }
}

/// `GET /`: the page, revalidated on every load.
pub async fn index(req: HttpRequest, page: web::Data<Page>) -> HttpResponse {
    respond(
        &req,
        &page.index_etag,
        "no-cache",
        "text/html; charset=utf-8",
        page.index.clone(),
        &[
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
    )
}

/// The 404 for a file that is not among those served, like any unknown path's.
pub(super) fn no_such_file(req: &HttpRequest) -> ApiError {
    ApiError::NotFound(Missing::Route {
        route: format!("{} {}", req.method(), crate::time::shorten(req.path())),
        near: None,
        routes: None,
    })
}

/// `GET /assets/{fingerprint}/{name}`: an asset of this build, cached for good. Another
/// fingerprint (a page from an older or newer build) or name is a 404: serving today's file
/// under yesterday's URL would let caches keep the wrong one for a year.
pub async fn asset(
    req: HttpRequest,
    page: web::Data<Page>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (fingerprint, name) = path.into_inner();
    let found = ASSETS
        .iter()
        .zip(&page.asset_etags)
        .find(|(a, _)| a.name == name)
        .filter(|_| fingerprint == page.fingerprint);
    let Some((asset, etag)) = found else {
        return Err(no_such_file(&req));
    };
    Ok(respond(
        &req,
        etag,
        IMMUTABLE,
        asset.content_type,
        Bytes::from_static(asset.body),
        &[],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_named_by_its_fingerprinted_url_and_none_by_its_bare_name() {
        let page = Page::new("cn-xj-kizilsu");
        let index = std::str::from_utf8(&page.index).expect("UTF-8");
        let scripts: Vec<&str> = ASSETS
            .iter()
            .filter(|a| a.name.ends_with(".js"))
            .map(|a| std::str::from_utf8(a.body).expect("UTF-8"))
            .collect();
        for asset in &ASSETS {
            let fingerprinted = format!("\"assets/{}/{}\"", page.fingerprint, asset.name);
            let imported = format!("\"./{}\"", asset.name);
            assert!(
                index.contains(&fingerprinted) || scripts.iter().any(|s| s.contains(&imported)),
                "index.html names {fingerprinted} or a script loads {imported}"
            );
            for attr in ["href", "src"] {
                assert!(
                    !index.contains(&format!("{attr}=\"{}\"", asset.name)),
                    "index.html has no bare {attr}=\"{}\" left",
                    asset.name
                );
            }
        }
    }

    #[test]
    fn the_index_carries_the_default_calendar_escaped() {
        let page = Page::new("cn\"<x>");
        let index = std::str::from_utf8(&page.index).expect("UTF-8");
        assert!(
            index.contains(r#"<meta name="qixian-default-calendar" content="cn&quot;&lt;x&gt;">"#),
            "the default calendar is in the meta element, escaped"
        );
    }

    #[test]
    fn the_fingerprint_changes_with_any_asset_and_the_etag_with_the_configuration() {
        let a = Page::new("cn");
        let b = Page::new("cn-xj");
        assert_eq!(a.fingerprint, b.fingerprint, "the assets are the same");
        assert_ne!(
            a.index_etag, b.index_etag,
            "the index differs by its default"
        );
        assert_eq!(a.fingerprint.len(), 16);
        assert!(a.fingerprint.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn the_page_loads_no_script_from_elsewhere_and_no_inline_script() {
        let index = INDEX.to_ascii_lowercase();
        assert!(
            !index.contains("http://") && !index.contains("https://") && !index.contains("//"),
            "index.html names no other host"
        );
        for tag in index.split("<script").skip(1) {
            let head = &tag[..tag.find('>').expect("a closed tag")];
            assert!(
                head.contains("src="),
                "every script is a file: <script{head}>"
            );
        }
        assert!(!index.contains("<style"), "no inline style element");
        assert!(!index.contains(" style="), "no style attribute");
    }
}
