//! The Office add-in (`/addin/`): the files of `clients/office/` (Excel's and WPS's
//! `QIXIAN.*` custom functions), embedded in the binary and served beside the API, so that an
//! office has nothing else to host. Office loads add-ins only over HTTPS: the service serves
//! TLS itself with `QIXIAN_TLS_CERT` and `QIXIAN_TLS_KEY`, or sits behind a proxy that does.
//!
//! A manifest must name the absolute URLs of the add-in's files. The one in the repository
//! names a placeholder origin; `GET /addin/manifest.xml` answers it with the placeholder
//! replaced by the origin the request was made to (its scheme and `Host`, or what a trusted
//! proxy's `Forwarded`/`X-Forwarded-*` headers say), or by `QIXIAN_PUBLIC_ORIGIN`. So the manifest an office downloads names the
//! address it downloaded it from, with no setting to keep in step with the certificate's
//! name; a configured base URL would be one more thing to get wrong, and a template filled in
//! at build time could not know the host. `clients/office/make-manifest.py` still writes a
//! manifest by hand (with an Id of its own, for a second deployment).
//!
//! The files keep fixed names (the manifest and Excel name them so), so they are revalidated
//! by their ETag on every load rather than fingerprinted like the page's assets. Served with
//! the page: `QIXIAN_PAGE=off` removes both, as an API-only deployment wants neither.

use std::net::IpAddr;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};

use super::page::{Asset, attribute, etag, hash, no_such_file, respond};
use super::problem::ApiError;
use crate::base::is_host;
use crate::text::Invalid;

/// The add-in's files served as they are. `functions.html` loads `functions.js` by a relative
/// URL and Office.js from Microsoft's CDN.
const FILES: [Asset; 3] = [
    Asset {
        name: "functions.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../clients/office/functions.js"),
    },
    Asset {
        name: "functions.json",
        content_type: "application/json",
        body: include_bytes!("../../clients/office/functions.json"),
    },
    Asset {
        name: "functions.html",
        content_type: "text/html; charset=utf-8",
        body: include_bytes!("../../clients/office/functions.html"),
    },
];

/// The manifest as the repository holds it, naming [`PLACEHOLDER`].
const MANIFEST: &str = include_str!("../../clients/office/manifest.xml");

/// The origin `manifest.xml` names in the repository (and `make-manifest.py` replaces).
const PLACEHOLDER: &str = "https://qixian.example.internal:8443";

/// The headers an answer that names the origin asked depends on: a cache must keep one per
/// origin (the manifest's `Vary`, and the workbook's cache key).
pub const ORIGIN_HEADERS: [&str; 4] =
    ["host", "forwarded", "x-forwarded-host", "x-forwarded-proto"];

/// The manifest differs by the origin asked for: a cache must keep one per origin.
pub const MANIFEST_VARY: &str = "Host, Forwarded, X-Forwarded-Host, X-Forwarded-Proto";

/// The add-in as served: its files' validators, and where the manifest's origin comes from.
/// Built once at start-up.
pub struct Addin {
    etags: Vec<HeaderValue>,
    origins: Origins,
}

/// Where the service's own absolute addresses start (the manifest's, the workbook's notes'):
/// `QIXIAN_PUBLIC_ORIGIN`, else the origin a request was made to.
#[derive(Clone, Debug, Default)]
pub struct Origins {
    /// `QIXIAN_PUBLIC_ORIGIN`: the origin every answer names, whatever the request says.
    public_origin: Option<String>,
    /// `QIXIAN_TRUSTED_PROXIES`: the peers whose `Forwarded`/`X-Forwarded-*` headers are
    /// believed. From anyone else they are ignored: a client could otherwise have the service
    /// serve a manifest naming any origin (`proto=javascript` named `javascript://…`).
    trusted_proxies: Vec<IpAddr>,
}

impl Addin {
    /// The add-in of this build, its manifest naming `public_origin` when one is given, else
    /// the origin asked (through a proxy's headers only from `trusted_proxies`).
    pub fn new(public_origin: Option<String>, trusted_proxies: Vec<IpAddr>) -> Self {
        Addin {
            etags: FILES.iter().map(|f| etag(&hash(&[f.body]))).collect(),
            origins: Origins::new(public_origin, trusted_proxies),
        }
    }

    /// The origin the manifest names for `req`.
    fn origin(&self, req: &HttpRequest) -> Result<String, ApiError> {
        self.origins.of(req)
    }
}

impl Origins {
    /// `public_origin` when one is given, else the origin asked (through a proxy's headers
    /// only from `trusted_proxies`).
    pub fn new(public_origin: Option<String>, trusted_proxies: Vec<IpAddr>) -> Self {
        Origins {
            public_origin,
            trusted_proxies,
        }
    }

    /// The origin for `req`: `https://host:port`.
    ///
    /// # Errors
    /// [`ApiError::InvalidParameter`] naming the header whose scheme or host is not one of an
    /// http or https origin.
    pub fn of(&self, req: &HttpRequest) -> Result<String, ApiError> {
        if let Some(origin) = &self.public_origin {
            return Ok(origin.clone());
        }
        let trusted = req
            .peer_addr()
            .is_some_and(|peer| self.trusted_proxies.contains(&peer.ip()));
        let (scheme, host, from) = if trusted {
            let info = req.connection_info();
            let from = if req.headers().contains_key(header::FORWARDED) {
                "Forwarded"
            } else {
                "X-Forwarded-Host"
            };
            (info.scheme().to_owned(), info.host().to_owned(), from)
        } else {
            let scheme = if req.app_config().secure() {
                "https"
            } else {
                "http"
            };
            let host = req
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
                .or_else(|| req.uri().authority().map(|a| a.to_string()))
                .unwrap_or_else(|| req.app_config().host().to_owned());
            (scheme.to_owned(), host, "Host")
        };
        let invalid = |name: &str, value: &str| ApiError::InvalidParameter {
            name: name.to_owned(),
            why: Invalid::Origin {
                value: crate::time::quoted(value),
            },
        };
        if scheme != "http" && scheme != "https" {
            let name = if from == "Host" {
                "Host"
            } else {
                "X-Forwarded-Proto"
            };
            return Err(invalid(name, &scheme));
        }
        if !is_host(&host) {
            return Err(invalid(from, &host));
        }
        Ok(format!("{scheme}://{host}"))
    }
}

impl Default for Addin {
    fn default() -> Self {
        Self::new(None, Vec::new())
    }
}

/// The manifest naming `origin` (`https://host:port`, escaped for an XML attribute) wherever
/// the repository's names the placeholder.
fn manifest_for(origin: &str) -> String {
    MANIFEST.replace(PLACEHOLDER, &attribute(origin))
}

/// `GET /addin/{name}`: one of the add-in's files, or the manifest naming the origin asked.
pub async fn file(
    req: HttpRequest,
    addin: web::Data<Addin>,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    if name == "manifest.xml" {
        let origin = addin.origin(&req)?;
        let body = manifest_for(&origin);
        let tag = etag(&hash(&[body.as_bytes()]));
        return Ok(respond(
            &req,
            &tag,
            "no-cache",
            "application/xml; charset=utf-8",
            Bytes::from(body),
            &[(header::VARY, MANIFEST_VARY)],
        ));
    }
    let (file, tag) = FILES
        .iter()
        .zip(&addin.etags)
        .find(|(f, _)| f.name == name)
        .ok_or_else(|| no_such_file(&req))?;
    Ok(respond(
        &req,
        tag,
        "no-cache",
        file.content_type,
        Bytes::from_static(file.body),
        &[],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_varies_by_the_headers_its_origin_is_read_from() {
        let varied: Vec<String> = MANIFEST_VARY
            .split(", ")
            .map(str::to_ascii_lowercase)
            .collect();
        assert_eq!(varied, ORIGIN_HEADERS);
    }

    #[test]
    fn the_repository_manifest_names_the_placeholder_for_every_file_it_loads() {
        for file in &FILES {
            assert!(
                MANIFEST.contains(&format!("{PLACEHOLDER}/addin/{}", file.name)),
                "manifest.xml names {PLACEHOLDER}/addin/{}",
                file.name
            );
        }
    }

    #[test]
    fn the_served_manifest_names_the_origin_asked_and_no_placeholder() {
        let served = manifest_for("https://qixian.kz.example:8443");
        assert!(!served.contains(PLACEHOLDER), "no placeholder is left");
        assert!(
            served
                .contains(r#"DefaultValue="https://qixian.kz.example:8443/addin/functions.html""#),
            "the page is on the origin asked"
        );
    }

    #[test]
    fn only_host_syntax_is_a_host() {
        for host in [
            "qixian.kz.example",
            "qixian.kz.example:8443",
            "10.0.0.1:80",
            "[::1]:8443",
            "[::1]",
        ] {
            assert!(is_host(host), "{host} is a host");
        }
        for host in [
            "",
            "x\"/><evil",
            "evil.example/path",
            "a b",
            "host:99999",
            "host:",
            "::1",
            "user@host",
            "javascript:alert(1)",
        ] {
            assert!(!is_host(host), "{host:?} is not a host");
        }
    }

    /// `manifest.xml` named any origin a client's `X-Forwarded-*` headers said
    /// (`proto=javascript` gave `javascript://…`): now only a trusted proxy's are read, and
    /// then only an http or https origin.
    #[actix_rt::test]
    async fn forwarding_headers_count_only_from_trusted_proxies_and_only_for_http_origins() {
        use actix_web::test::TestRequest;
        let peer: std::net::SocketAddr = "10.1.2.3:5000".parse().unwrap();
        let forwarded = |r: TestRequest| {
            r.peer_addr(peer)
                .insert_header(("Host", "qixian.internal:8080"))
                .insert_header(("X-Forwarded-Host", "evil.example"))
                .insert_header(("X-Forwarded-Proto", "https"))
                .to_http_request()
        };
        let untrusted = Addin::default();
        let trusted = Addin::new(None, vec![peer.ip()]);
        let fixed = Addin::new(Some("https://qixian.kz.example".to_owned()), Vec::new());

        assert_eq!(
            untrusted.origin(&forwarded(TestRequest::get())).unwrap(),
            "http://qixian.internal:8080",
            "an untrusted peer's forwarding headers are ignored"
        );
        assert_eq!(
            trusted.origin(&forwarded(TestRequest::get())).unwrap(),
            "https://evil.example",
            "a trusted proxy's are read"
        );
        assert_eq!(
            fixed.origin(&forwarded(TestRequest::get())).unwrap(),
            "https://qixian.kz.example",
            "QIXIAN_PUBLIC_ORIGIN wins"
        );
        let javascript = TestRequest::get()
            .peer_addr(peer)
            .insert_header(("X-Forwarded-Proto", "javascript"))
            .insert_header(("X-Forwarded-Host", "x"))
            .to_http_request();
        let refused = trusted.origin(&javascript).expect_err("refused");
        assert_eq!(refused.problem(crate::text::Lang::En).status, 400, "a 400");
        assert!(
            refused
                .detail(crate::text::Lang::En)
                .contains("X-Forwarded-Proto"),
            "naming the header: {}",
            refused.detail(crate::text::Lang::En)
        );
        let bad_host = TestRequest::get()
            .insert_header(("Host", "x\"/><evil"))
            .to_http_request();
        assert!(
            untrusted.origin(&bad_host).is_err(),
            "a Host that is no host is refused"
        );
    }

    #[test]
    fn a_hostile_host_cannot_break_the_xml() {
        let served = manifest_for(r#"https://x"/><evil a=""#);
        assert!(!served.contains("<evil"), "the host is escaped");
        assert!(
            served.contains("https://x&quot;/&gt;&lt;evil"),
            "and kept, escaped"
        );
    }
}
