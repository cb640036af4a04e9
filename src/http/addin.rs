//! The Office add-in (`/addin/`): the files of `clients/office/` (Excel's and WPS's
//! `QIXIAN.*` custom functions), embedded in the binary and served beside the API, so that an
//! office has nothing else to host. Office loads add-ins only over HTTPS: the service serves
//! TLS itself with `QIXIAN_TLS_CERT` and `QIXIAN_TLS_KEY`, or sits behind a proxy that does.
//!
//! A manifest must name the absolute URLs of the add-in's files. The one in the repository
//! names a placeholder origin; `GET /addin/manifest.xml` answers it with the placeholder
//! replaced by the origin the request was made to (its scheme and `Host`, or what a proxy's
//! `Forwarded`/`X-Forwarded-*` headers say). So the manifest an office downloads names the
//! address it downloaded it from, with no setting to keep in step with the certificate's
//! name; a configured base URL would be one more thing to get wrong, and a template filled in
//! at build time could not know the host. `clients/office/make-manifest.py` still writes a
//! manifest by hand (with an Id of its own, for a second deployment).
//!
//! The files keep fixed names (the manifest and Excel name them so), so they are revalidated
//! by their ETag on every load rather than fingerprinted like the page's assets. Served with
//! the page: `QIXIAN_PAGE=off` removes both, as an API-only deployment wants neither.

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};

use super::page::{Asset, attribute, etag, hash, no_such_file, respond};
use super::problem::ApiError;

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

/// The manifest differs by the origin asked for: a cache must keep one per origin.
const MANIFEST_VARY: &str = "Host, Forwarded, X-Forwarded-Host, X-Forwarded-Proto";

/// The add-in as served: its files' validators. Built once at start-up.
pub struct Addin {
    etags: Vec<HeaderValue>,
}

impl Addin {
    /// The add-in of this build.
    pub fn new() -> Self {
        Addin {
            etags: FILES.iter().map(|f| etag(&hash(&[f.body]))).collect(),
        }
    }
}

impl Default for Addin {
    fn default() -> Self {
        Self::new()
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
        let origin = {
            let info = req.connection_info();
            format!("{}://{}", info.scheme(), info.host())
        };
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
    fn a_hostile_host_cannot_break_the_xml() {
        let served = manifest_for(r#"https://x"/><evil a=""#);
        assert!(!served.contains("<evil"), "the host is escaped");
        assert!(
            served.contains("https://x&quot;/&gt;&lt;evil"),
            "and kept, escaped"
        );
    }
}
