//! ETags and the response cache. Both are keyed by the normalised request and the data in
//! force, so a data change can never serve a stale answer: the old keys are simply never asked
//! for again, and moka's size bound lets them age out.

use actix_web::body::{BoxBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage, HttpResponse, web};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use super::params::Params;
use super::routes::{Clock, Endpoint, Policy};
use super::{AppState, Routed};
use crate::store::InForce;
use crate::text::Lang;

#[derive(Clone)]
struct Cached {
    content_type: Option<HeaderValue>,
    /// A download's file name (the workbook's).
    disposition: Option<HeaderValue>,
    body: Bytes,
}

/// What an entry costs beyond its key and body: the entry, its headers, the cache's own
/// bookkeeping and the allocator's rounding (measured: see BENCHMARKS.md).
const ENTRY_OVERHEAD: usize = 512;

/// The largest answer kept: bigger ones (ten years of days as JSON is 800 KB) are rare, cost
/// little to compute again, and would crowd out hundreds of small ones.
const MAX_ENTRY_BYTES: usize = 128 * 1024;

/// A bounded cache of rendered answers, weighed by what they hold; off when its bound is 0.
pub struct ResponseCache {
    cache: Option<moka::sync::Cache<String, Cached>>,
    max_entry: usize,
}

impl ResponseCache {
    /// A cache holding at most `max_bytes` of entries (keys, bodies and their overhead), none
    /// larger than a sixteenth of it or 128 KiB; 0 turns it off.
    pub fn new(max_bytes: usize) -> Self {
        ResponseCache {
            cache: (max_bytes > 0).then(|| {
                moka::sync::Cache::builder()
                    .max_capacity(max_bytes as u64)
                    .weigher(|k: &String, v: &Cached| {
                        (k.len() + v.body.len() + ENTRY_OVERHEAD)
                            .try_into()
                            .unwrap_or(u32::MAX)
                    })
                    .build()
            }),
            max_entry: (max_bytes / 16).min(MAX_ENTRY_BYTES),
        }
    }
}

/// What names an answer: the ETag always, and the key of the response cache for the answers
/// worth caching.
struct Identity {
    etag: HeaderValue,
    cache_key: Option<String>,
    /// Whether the answer names the address it was asked on: it then varies by it.
    by_origin: bool,
}

/// Whether a value names the moment it is asked (`today`, `now`), alone or as a part of it
/// (`paused=today/2027-01-10`, `now,2026-10-01`).
fn names_the_moment(value: &str) -> bool {
    // Word by word (a word is a run of ASCII letters and digits), without splitting.
    let bytes = value.as_bytes();
    let mut start = 0;
    for end in 0..=bytes.len() {
        if bytes.get(end).is_none_or(|b| !b.is_ascii_alphanumeric()) {
            let word = &bytes[start..end];
            if word.eq_ignore_ascii_case(b"today") || word.eq_ignore_ascii_case(b"now") {
                return true;
            }
            start = end + 1;
        }
    }
    false
}

/// Whether the answer to `path?query` depends on the moment it is asked, by its route's
/// [`Clock`]: such answers are neither cached nor given an ETag.
fn depends_on_the_clock(clock: Clock, path: &str, query: &Params) -> bool {
    let Clock::WhenAsked(unless) = clock else {
        return clock == Clock::Always;
    };
    let last = path.rfind('/').map_or(path, |slash| &path[slash + 1..]);
    names_the_moment(last)
        || query.pairs().any(|(_, value)| names_the_moment(value))
        || unless.is_some_and(|name| query.first(name).is_none())
}

/// The request as the cache sees it: data version, status generation (for the answers that
/// show it), today's date (for the answers that depend on it), path, query, the Accept
/// header (which picks the format) and the language chosen (from `lang=` or
/// `Accept-Language`); what each route's answers depend on is its entry's [`Policy`]. For the
/// answers kept in the cache the query is normalised (pairs sorted), which raises the hit
/// rate, and the key is kept as a string, so two requests share an entry only when they are
/// the same request. Elsewhere the key only names the ETag: its parts are hashed as they are,
/// without building anything. `None` for a query that does not parse or an answer that
/// depends on the moment.
fn identify(
    req: &ServiceRequest,
    policy: Policy,
    version: &str,
    generation: u64,
    today: impl FnOnce() -> NaiveDate,
) -> Option<Identity> {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .map_or(&b""[..], |v| v.as_bytes());
    if Params::look(req.request(), |query| {
        depends_on_the_clock(policy.clock, req.path(), query)
    }) {
        return None;
    }
    let lang = req
        .extensions()
        .get::<Lang>()
        .copied()
        .unwrap_or_default()
        .code();
    let generation = if policy.status { generation } else { 0 };
    // Days since 0001-01-01; 0 for the answers that do not depend on the date.
    let day = if policy.clock == Clock::Today {
        today().num_days_from_ce()
    } else {
        0
    };
    // The address asked on, for the answers that name it: as the request gives it, which
    // names the same answer whenever it names the same address.
    let origin = if policy.origin {
        super::addin::ORIGIN_HEADERS
            .iter()
            .map(|name| {
                req.headers()
                    .get(*name)
                    .map_or(&b""[..], |v| v.as_bytes())
                    .escape_ascii()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        String::new()
    };
    if !policy.cached {
        let digest = digest(&[
            origin.as_bytes(),
            version.as_bytes(),
            &generation.to_le_bytes(),
            &day.to_le_bytes(),
            req.path().as_bytes(),
            req.query_string().as_bytes(),
            accept,
            lang.as_bytes(),
        ]);
        return Some(Identity {
            etag: etag_of(digest),
            cache_key: None,
            by_origin: policy.origin,
        });
    }
    let query = Params::look(req.request(), |query| {
        let mut pairs: Vec<(&str, &str)> = query.pairs().collect();
        pairs.sort_unstable();
        serde_urlencoded::to_string(&pairs).ok()
    })?;
    let key = format!(
        "{version}:{generation}:{day}:{lang}:{}?{query}#{}@{origin}",
        req.path(),
        String::from_utf8_lossy(accept)
    );
    Some(Identity {
        etag: etag_of(digest(&[key.as_bytes()])),
        cache_key: Some(key),
        by_origin: policy.origin,
    })
}

/// A 64-bit digest of `parts` (each length-prefixed, so that no two lists of parts give the
/// same input): XXH3, whose output is fixed by its specification, so that every replica — of
/// this build or a later one — gives the same ETag for the same request and data.
fn digest(parts: &[&[u8]]) -> u64 {
    // The length-prefixed parts laid out once and hashed in one call (a call per part cost
    // more), on the stack when they fit, as most do.
    const SMALL: usize = 512;
    let length = parts.iter().map(|p| 8 + p.len()).sum::<usize>();
    let (mut small, mut large) = ([0u8; SMALL], Vec::new());
    let input: &mut [u8] = if length <= SMALL {
        &mut small[..length]
    } else {
        large.resize(length, 0);
        &mut large
    };
    let mut at = 0;
    for part in parts {
        input[at..at + 8].copy_from_slice(&(part.len() as u64).to_le_bytes());
        input[at + 8..at + 8 + part.len()].copy_from_slice(part);
        at += 8 + part.len();
    }
    xxhash_rust::xxh3::xxh3_64(input)
}

/// An ETag from a 64-bit digest: 16 hex digits in quotes.
fn etag_of(digest: u64) -> HeaderValue {
    let mut tag = [b'"'; 18];
    for (i, slot) in tag[1..17].iter_mut().enumerate() {
        *slot = b"0123456789abcdef"[(digest >> (60 - 4 * i) & 0xf) as usize];
    }
    HeaderValue::from_bytes(&tag).expect("hex in quotes is a valid header value")
}

fn matches_etag(req: &ServiceRequest, etag: &HeaderValue) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        // `*` is not honoured here: whether a representation exists (or the request fails)
        // is known only after the handler runs, and HTTP says to ignore the condition then.
        .any(|tag| tag.trim_start_matches("W/").as_bytes() == etag.as_bytes())
}

/// The header that names the data version an answer was made from (exposed to browsers by
/// the CORS layer).
pub const DATA_VERSION: header::HeaderName = header::HeaderName::from_static("x-data-version");

/// The data version as a header value (a hex digest, so always a valid one), made once per
/// worker and version rather than once per request.
pub(super) fn version_header(set: &Arc<InForce>) -> HeaderValue {
    use std::cell::RefCell;
    use std::sync::Weak;
    thread_local! {
        static LAST: RefCell<(Weak<InForce>, Option<HeaderValue>)> =
            const { RefCell::new((Weak::new(), None)) };
    }
    LAST.with_borrow_mut(|(last, value)| match value {
        Some(value) if std::ptr::eq(last.as_ptr(), Arc::as_ptr(set)) => value.clone(),
        _ => {
            let made = HeaderValue::from_str(set.version()).expect("hex is a valid header value");
            *last = Arc::downgrade(set);
            *value = Some(made.clone());
            made
        }
    })
}

/// The kept version a request asks for (`data_version=`), on the routes that take it (on any
/// other, the parameter is refused by name, as any unknown one).
fn asked_version(req: &ServiceRequest, endpoint: &Endpoint) -> Option<String> {
    let takes = endpoint
        .query(req.method())
        .is_some_and(|q| q.params.iter().any(|p| p.name == "data_version"));
    let asked = || {
        Params::look(req.request(), |q| {
            q.first("data_version").map(str::to_owned)
        })
    };
    takes.then(asked).flatten()
}

/// The cache middleware: one snapshot of the data per request, the ETag and `x-data-version` made from it, `If-None-Match` answered, and the answers worth keeping kept.
/// What each route gets is its entry's [`Policy`]; a path no route serves gets only the header.
pub async fn cache(
    req: ServiceRequest,
    next: &impl Routed,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let endpoint = super::routes::endpoint_of(req.path()).unwrap_or(&UNROUTED);
    let get = req.method() == Method::GET || req.method() == Method::HEAD;
    let plan = Plan::of(endpoint, get);
    if plan.version_after {
        return answer_then_version(req, next, &state).await;
    }
    // One version for the whole request: the handler answers from the snapshot taken here,
    // and the ETag and x-data-version name it. `data_version=` asks for a kept version.
    let (set, in_force) = match take_snapshot(&state, &req, endpoint).await {
        Ok(taken) => taken,
        Err((unkept, set)) => {
            req.extensions_mut().insert(unkept);
            let mut res = next.call(req).await?.map_into_boxed_body();
            res.headers_mut().insert(DATA_VERSION, version_header(&set));
            return Ok(res);
        }
    };
    let version = version_header(&set);
    let identity = plan
        .etag
        .then(|| {
            let generation = state.store.generation();
            identify(
                &req,
                endpoint.policy,
                set.version(),
                generation,
                super::calendars::today,
            )
        })
        .flatten();
    if plan.snapshot {
        // Only the answers made from the data take the snapshot (a map entry to allocate).
        req.extensions_mut().insert(super::Snapshot {
            set,
            is_current: in_force,
        });
    }
    let Some(identity) = identity else {
        return answer_unnamed(req, next, version, in_force, endpoint.policy.private).await;
    };
    let mut res = answer_identified(req, next, &state, &identity.etag, identity.cache_key).await?;
    mark_kept(&mut res, in_force);
    res.headers_mut().insert(DATA_VERSION, version);
    name_identity(&mut res, identity.etag, identity.by_origin);
    Ok(res)
}

/// The answer to a request without an ETag, naming its data's `version`; a private one (a
/// register's: its matters, a key shown once) is for its holder alone, and kept by no cache.
async fn answer_unnamed(
    req: ServiceRequest,
    next: &impl Routed,
    version: HeaderValue,
    in_force: bool,
    private: bool,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let mut res = next.call(req).await?.map_into_boxed_body();
    res.headers_mut().insert(DATA_VERSION, version);
    if private {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    mark_kept(&mut res, in_force);
    Ok(res)
}

/// A change of the data: the version is read after the answer, so that a reload's answer
/// names the version it put in force.
async fn answer_then_version(
    req: ServiceRequest,
    next: &impl Routed,
    state: &AppState,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let mut res = next.call(req).await?.map_into_boxed_body();
    res.headers_mut()
        .insert(DATA_VERSION, version_header(&state.snapshot()));
    Ok(res)
}

/// The entry of a path no route serves: nothing but `x-data-version`.
const UNROUTED: Endpoint = Endpoint {
    path: "",
    get: None,
    post: None,
    delete: None,
    policy: super::routes::PLAIN,
};

/// What the cache layer does with one request, from its route's policy and its method alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Plan {
    /// `x-data-version` read after the answer (a change of the data), nothing else done.
    version_after: bool,
    /// The handler is given the snapshot the header names.
    snapshot: bool,
    /// The answer is named by an ETag (and may be kept, by its policy).
    etag: bool,
}

impl Plan {
    /// The plan for a GET (or HEAD) to `endpoint` when `get`, else for another method: its
    /// policy decides, whatever its path.
    fn of(endpoint: &Endpoint, get: bool) -> Plan {
        let policy = endpoint.policy;
        let version_after = !get && policy.changes_data;
        Plan {
            version_after,
            snapshot: policy.snapshot && !version_after,
            etag: get && policy.etag && !version_after,
        }
    }
}

/// An answer with an ETag names it on `200` and `304`, with the request headers it varies by
/// when it depends on the address it was asked at.
fn name_identity(res: &mut ServiceResponse<BoxBody>, etag: HeaderValue, by_origin: bool) {
    if res.status() == StatusCode::OK || res.status() == StatusCode::NOT_MODIFIED {
        res.headers_mut().insert(header::ETAG, etag);
        if by_origin {
            res.headers_mut().append(
                header::VARY,
                HeaderValue::from_static(super::addin::MANIFEST_VARY),
            );
        }
    }
}

/// The answer to a request that has an ETag: `304` when `If-None-Match` names it, else the
/// answer kept under `cache_key`, else the handler's (kept when worth keeping).
async fn answer_identified(
    req: ServiceRequest,
    next: &impl Routed,
    state: &AppState,
    etag: &HeaderValue,
    cache_key: Option<String>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if matches_etag(&req, etag) {
        let not_modified = HttpResponse::NotModified()
            .insert_header((header::VARY, "accept"))
            .finish();
        return Ok(req.into_response(not_modified));
    }
    let (Some(store), Some(key)) = (state.cache.cache.as_ref(), cache_key) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if let Some(hit) = store.get(&key) {
        state.metrics.cache_hits.inc();
        return Ok(req.into_response(answer_kept(hit)));
    }
    state.metrics.cache_misses.inc();
    let res = next.call(req).await?;
    keep(res.map_into_boxed_body(), store, key, state.cache.max_entry).await
}

/// The data a request is answered from and whether they are the version in force: the
/// version in force, or the kept version `data_version=` asks for. When that one cannot be
/// had, why (for the handler to refuse with), and the version in force (for the header).
async fn take_snapshot(
    state: &AppState,
    req: &ServiceRequest,
    endpoint: &Endpoint,
) -> Result<(Arc<InForce>, bool), (super::Unkept, Arc<InForce>)> {
    let set = state.snapshot();
    let Some(asked) = asked_version(req, endpoint) else {
        return Ok((set, true));
    };
    match super::offload::kept(state, &asked).await {
        Ok(kept) => {
            let in_force = kept.version() == set.version();
            Ok((kept, in_force))
        }
        Err(e) => {
            let unkept = match e {
                super::ApiError::Gone(e) => super::Unkept::Gone(e),
                super::ApiError::Timeout(slow) => super::Unkept::Busy(slow),
                other => {
                    tracing::error!(cause = %other, "a kept version was not compiled");
                    super::Unkept::Busy(crate::text::Slow::Busy {
                        work: crate::text::Heavy::Compile,
                        retry_after: super::offload::RETRY_AFTER_SECS,
                    })
                }
            };
            Err((unkept, set))
        }
    }
}

/// Says that an answer was made from a kept version, not the one in force.
fn mark_kept(res: &mut ServiceResponse<BoxBody>, in_force: bool) {
    if !in_force {
        res.headers_mut().insert(
            header::HeaderName::from_static("x-data-in-force"),
            HeaderValue::from_static("false"),
        );
    }
}

/// A kept answer, given again.
fn answer_kept(hit: Cached) -> HttpResponse {
    let mut answer = HttpResponse::Ok();
    answer.insert_header((header::VARY, "accept"));
    if let Some(content_type) = hit.content_type {
        answer.insert_header((header::CONTENT_TYPE, content_type));
    }
    if let Some(disposition) = hit.disposition {
        answer.insert_header((header::CONTENT_DISPOSITION, disposition));
    }
    answer.body(hit.body)
}

/// A handler's answer, kept under `key` when it is a 200 of at most `max_entry` bytes.
async fn keep(
    res: ServiceResponse<BoxBody>,
    store: &moka::sync::Cache<String, Cached>,
    key: String,
    max_entry: usize,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if res.status() != StatusCode::OK {
        return Ok(res);
    }
    let content_type = res.headers().get(header::CONTENT_TYPE).cloned();
    let disposition = res.headers().get(header::CONTENT_DISPOSITION).cloned();
    let (http_req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let body = to_bytes(body)
        .await
        .map_err(actix_web::error::ErrorInternalServerError)?;
    if body.len() <= max_entry {
        store.insert(
            key,
            Cached {
                content_type,
                disposition,
                body: body.clone(),
            },
        );
    }
    let response = head.set_body(BoxBody::new(body));
    Ok(ServiceResponse::new(http_req, response))
}

#[cfg(test)]
mod tests {
    use super::etag_of;

    #[test]
    fn the_digest_is_xxh3_of_the_length_prefixed_parts() {
        // Fixed by XXH3's specification: a change of toolchain or crate version that changed
        // it would change every ETag, and this test would say so.
        assert_eq!(super::digest(&[b"a", b"bc"]), super::digest(&[b"a", b"bc"]));
        assert_ne!(super::digest(&[b"ab", b"c"]), super::digest(&[b"a", b"bc"]));
        assert_eq!(
            super::digest(&[]),
            0x2d06_8005_38d3_94c2,
            "XXH3-64 of no input"
        );
    }

    /// Parts that fit on the stack and longer ones are digested alike: XXH3-64 of the same
    /// length-prefixed bytes.
    #[test]
    fn short_and_long_inputs_are_digested_alike() {
        for size in [0, 3, 200, 495, 496, 497, 4000] {
            let part = vec![b'x'; size];
            let parts: [&[u8]; 2] = [b"version", &part];
            let mut whole = Vec::new();
            for p in parts {
                whole.extend_from_slice(&(p.len() as u64).to_le_bytes());
                whole.extend_from_slice(p);
            }
            assert_eq!(
                super::digest(&parts),
                xxhash_rust::xxh3::xxh3_64(&whole),
                "parts of {size} and 7 bytes"
            );
        }
    }

    fn identity_on(uri: &str, today: &str) -> Option<super::Identity> {
        let req = actix_web::test::TestRequest::get()
            .uri(uri)
            .to_srv_request();
        let today = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d").expect("a date");
        let policy = crate::http::routes::endpoint_of(req.path())
            .expect("a route")
            .policy;
        super::identify(&req, policy, "0123456789abcdef", 7, || today)
    }

    /// Across Beijing midnight, `/v1/calendars` kept last year's awaited notices under the
    /// same ETag (clients got 304). Its route says it depends on today: the date is in its key.
    #[test]
    fn the_calendars_answer_is_named_by_today_s_date() {
        let before = identity_on("/v1/calendars", "2026-12-31").expect("identified");
        let after = identity_on("/v1/calendars", "2027-01-01").expect("identified");
        let again = identity_on("/v1/calendars", "2027-01-01").expect("identified");
        assert_ne!(before.etag, after.etag, "a new day, a new ETag");
        assert_ne!(before.cache_key, after.cache_key, "and a new cache key");
        assert_eq!(after.etag, again.etag, "the same day, the same ETag");
        let days = |d| identity_on("/v1/days?from=2026-01-01&to=2026-01-31", d).expect("id");
        assert_eq!(
            days("2026-12-31").etag,
            days("2027-01-01").etag,
            "a fixed range does not depend on the date"
        );
    }

    /// `paused=today/2027-01-10` kept yesterday's due date: `today` inside a value depends on
    /// the clock as much as `today` alone.
    #[test]
    fn a_value_naming_today_anywhere_is_neither_cached_nor_tagged() {
        for uri in [
            "/v1/deadlines?event=2026-12-01&days=30&paused=today/2027-01-10",
            "/v1/deadlines?event=2026-12-01&days=30&as_of=TODAY",
            "/v1/days/today",
            "/v1/office",
        ] {
            assert!(
                identity_on(uri, "2027-01-01").is_none(),
                "{uri} depends on the clock"
            );
        }
        for uri in [
            "/v1/deadlines?event=2026-12-01&days=30&id=nowhere",
            "/v1/office?at=2026-12-01T10:00:00%2B08:00",
        ] {
            assert!(identity_on(uri, "2027-01-01").is_some(), "{uri} does not");
        }
    }

    /// `/v1/rules` answered 304 after a rule file was refused: its ETag now names the status
    /// generation, as the calendars' does.
    #[test]
    fn the_rules_answer_is_named_by_the_status_generation() {
        let req = actix_web::test::TestRequest::get()
            .uri("/v1/rules")
            .to_srv_request();
        let today = || chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date");
        let policy = crate::http::routes::RULES.policy;
        let first = super::identify(&req, policy, "0123456789abcdef", 1, today).expect("id");
        let second = super::identify(&req, policy, "0123456789abcdef", 2, today).expect("id");
        assert_ne!(first.etag, second.etag, "a status change changes the ETag");
    }

    /// The cache layer's treatment is the route entry's policy: an entry under `/v1/admin/`
    /// that says nothing gets nothing, and one outside `/v1/` whose policy says its answers
    /// come from the data gets the snapshot and the ETag. Were the plan guessed from the path
    /// again, both would fail.
    #[test]
    fn a_request_is_treated_as_its_route_s_entry_says_whatever_its_path() {
        use crate::http::routes::{Endpoint, HEALTHZ, Policy};
        let saying = |path, policy| Endpoint {
            path,
            policy,
            ..HEALTHZ
        };
        let nothing = Policy {
            snapshot: false,
            etag: false,
            changes_data: false,
            ..HEALTHZ.policy
        };
        let from_data = Policy {
            snapshot: true,
            etag: true,
            ..nothing
        };
        let none = super::Plan {
            version_after: false,
            snapshot: false,
            etag: false,
        };
        for get in [true, false] {
            assert_eq!(
                super::Plan::of(&saying("/v1/admin/probe", nothing), get),
                none,
                "an entry that says nothing gets nothing (GET: {get})"
            );
        }
        assert_eq!(
            super::Plan::of(&saying("/probe", from_data), true),
            super::Plan {
                snapshot: true,
                etag: true,
                ..none
            },
            "an entry from the data gets the snapshot and the ETag"
        );
        let changing = Policy {
            changes_data: true,
            ..from_data
        };
        assert_eq!(
            super::Plan::of(&saying("/probe", changing), false),
            super::Plan {
                version_after: true,
                ..none
            },
            "a change of the data reads the version after the answer, and nothing else"
        );
        assert_eq!(
            super::Plan::of(&saying("/probe", changing), true),
            super::Plan {
                snapshot: true,
                etag: true,
                ..none
            },
            "its GET is an answer like any other"
        );
        assert_eq!(
            super::Plan::of(&saying("/v1/days", nothing), true),
            none,
            "even under /v1/"
        );
    }

    #[test]
    fn an_etag_is_the_digest_in_16_lowercase_hex_digits_in_quotes() {
        for (digest, expected) in [
            (0, "\"0000000000000000\""),
            (0x0123_4567_89ab_cdef, "\"0123456789abcdef\""),
            (u64::MAX, "\"ffffffffffffffff\""),
        ] {
            assert_eq!(etag_of(digest), expected, "the ETag of {digest:#x}");
        }
    }

    /// The framework's next step, as the cache step calls the ones inside it.
    struct AsRouted<B>(actix_web::middleware::Next<B>);

    impl<B: actix_web::body::MessageBody + 'static> crate::http::Routed for AsRouted<B> {
        type Body = B;

        fn call(
            &self,
            req: actix_web::dev::ServiceRequest,
        ) -> impl Future<Output = Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>>
        {
            self.0.call(req)
        }
    }

    /// A reload between the cache layer and the handler: the body, its `x-data-version` and
    /// its ETag must all name the version the cache layer took. Before the layer handed its
    /// snapshot to the handler, the handler took its own and answered from the newer data.
    #[actix_rt::test]
    async fn a_reload_during_a_request_does_not_mix_versions() {
        use std::sync::Arc;

        use actix_web::{App, HttpResponse, middleware::from_fn, test, web};

        use crate::calendar::DataSet;
        use crate::calendar::spec::{EMBEDDED_SPECS, parse_specs};
        use crate::config::Config;
        use crate::http::{AppState, Snapshot};
        use crate::store::{Store, StoreSettings};

        let dir = tempfile::tempdir().expect("a directory");
        let layer = dir.path().join("cn-xj-kizilsu");
        std::fs::create_dir_all(&layer).expect("the layer's directory");
        let write = move |day: u32| {
            let file = format!(
                r#"{{"year": 2026, "days": [{{"name": "州庆", "date": "2026-07-{day:02}", "isOffDay": true}}]}}"#
            );
            std::fs::write(layer.join("2026.json"), file).expect("written");
        };
        let write_first = write.clone();
        write_first(1);
        let store = Arc::new(
            Store::open(
                parse_specs(EMBEDDED_SPECS).expect("specs"),
                DataSet::embedded().expect("data"),
                StoreSettings {
                    operator_dir: Some(dir.path().to_owned()),
                    ..StoreSettings::default()
                },
            )
            .expect("a store"),
        );
        let before = store.in_force().version().to_owned();
        let config = Config::from_lookup(|_| None).expect("defaults");
        let state = web::Data::new(AppState::new(&config, store.clone(), None));
        let reloading = store.clone();
        let app = test::init_service(
            App::new()
                .app_data(state)
                // A path of the table, whose entry says its answers are made from the data.
                .route(
                    "/v1/rules/{id}",
                    web::get().to(|data: Snapshot| async move {
                        HttpResponse::Ok().body(data.set.version().to_owned())
                    }),
                )
                // Inside the cache layer, before the handler: the data change in between.
                .wrap(from_fn(
                    move |req: actix_web::dev::ServiceRequest,
                          next: actix_web::middleware::Next<_>| {
                        write(2);
                        reloading.reload_operator_files();
                        next.call(req)
                    },
                ))
                .wrap(from_fn(|req, next| async move {
                    super::cache(req, &AsRouted(next)).await
                })),
        )
        .await;

        let response = test::call_service(
            &app,
            test::TestRequest::get().uri("/v1/rules/probe").to_request(),
        )
        .await;

        let header = response.headers().get(super::DATA_VERSION).cloned();
        let body = test::read_body(response).await;
        assert_ne!(
            store.in_force().version(),
            before,
            "the reload changed the data"
        );
        assert_eq!(
            String::from_utf8_lossy(&body),
            before,
            "the body is the version taken first"
        );
        assert_eq!(
            header.as_ref().and_then(|h| h.to_str().ok()),
            Some(before.as_str()),
            "the header names the same version"
        );
    }
}
