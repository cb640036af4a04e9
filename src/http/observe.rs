//! The middleware around every request: a request id, limits on the query string and on time,
//! one log line, and the request metrics. Framework errors (a body over the limit, a
//! malformed header) are turned into problem documents here too.

use std::borrow::Cow;
use std::future::{Future, Ready, ready};
use std::rc::Rc;
use std::task::Poll;
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, Transform, forward_ready};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{Error, HttpMessage, ResponseError, web};
use futures_util::future::LocalBoxFuture;

use super::params::Params;
use super::problem::ApiError;
use super::routes::Endpoint;
use super::{AppState, Routed};
use crate::config::AccessLog;
use crate::text::{Cross, Invalid, Lang, Limit, Media, Slow};

/// The method as a metric label. Any method outside HTTP's own is "other", so that a client
/// making methods up cannot make the label set grow without bound.
fn method_label(method: &actix_web::http::Method) -> &'static str {
    match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "DELETE" => "DELETE",
        "PATCH" => "PATCH",
        "OPTIONS" => "OPTIONS",
        "CONNECT" => "CONNECT",
        "TRACE" => "TRACE",
        _ => "other",
    }
}

/// The route pattern that answered, as a metric label. The resource that ran says which,
/// without building a string; an answer made before any resource ran (a cache hit, a `304`,
/// a `414`) is matched again by path. Only registered patterns or "unmatched" come out, so
/// the label set is bounded.
fn route_label(req: &actix_web::HttpRequest) -> Cow<'static, str> {
    match req.app_data::<&'static Endpoint>() {
        Some(endpoint) => Cow::Borrowed(endpoint.path),
        None => req
            .match_pattern()
            .map_or(Cow::Borrowed("unmatched"), Cow::Owned),
    }
}

/// The limits the middleware enforces.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The longest query string taken.
    pub max_query_bytes: usize,
    /// How long a request may take.
    pub request_timeout: Duration,
    /// Which requests get a log line.
    pub access_log: AccessLog,
}

/// The request id's header, as a name made once (looking a header up by a `&str` parses the
/// name on every request).
const REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-request-id");

/// A caller's own request id is kept when it is short and plain; otherwise one is made. As a
/// header value, so that it is made once and shared by the answer and the log line.
fn request_id(req: &ServiceRequest) -> HeaderValue {
    req.headers()
        .get(REQUEST_ID)
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .filter(|v| {
            v.as_bytes()
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
        })
        .cloned()
        .unwrap_or_else(new_request_id)
}

/// A new request id: a random UUID (version 4) from a thread-local generator, which needs no
/// system call. An id only has to be unique enough to find a log line, not unguessable.
fn new_request_id() -> HeaderValue {
    let bytes = fastrand::u128(..).to_le_bytes();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut text);
    HeaderValue::from_bytes(&text).expect("a UUID is a valid header value")
}

/// Whether a request answered with `status` gets an access log line.
fn logged(policy: AccessLog, status: u16) -> bool {
    match policy {
        AccessLog::All => true,
        AccessLog::Off => false,
        AccessLog::Errors => status >= 400,
        AccessLog::Sample(share) => status >= 400 || fastrand::f64() < share,
    }
}

/// The middleware around every route: [`observe`], with the cache step inside it, as one
/// future per request.
pub struct Observe;

impl<S, B> Transform<S, ServiceRequest> for Observe
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = Error;
    type Transform = Observed<S>;
    type InitError = ();
    type Future = Ready<Result<Observed<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(Observed {
            inner: Rc::new(service),
        }))
    }
}

/// The service [`Observe`] makes.
pub struct Observed<S> {
    inner: Rc<S>,
}

impl<S, B> Service<ServiceRequest> for Observed<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<BoxBody>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<ServiceResponse<BoxBody>, Error>>;

    forward_ready!(inner);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        Box::pin(observe(req, self.inner.clone()))
    }
}

/// The observing middleware: a request id, the query and time limits, a 415 for encoded bodies, the metrics and the access line.
pub async fn observe(
    req: ServiceRequest,
    next: Rc<impl Routed>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let id = request_id(&req);
    let method = method_label(req.method());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let limits = req.app_data::<web::Data<Limits>>().map(|l| *l.get_ref());
    let policy = limits.map_or(AccessLog::All, |l| l.access_log);
    // The path is copied only for a log line that may be written; no clone of the request may
    // live across the call, as the router needs it unshared.
    // A key or token pasted into the path is cut out (the query string is never logged).
    let path =
        (policy != AccessLog::Off).then(|| crate::base::without_secrets(req.path()).into_owned());

    // The query is read once, here, for the language, the cache step and the handler.
    let query = Params::parse(req.query_string());
    let (lang, chosen) = language(req.request(), &query);
    let (chosen, refused) = match chosen {
        Ok(chosen) => (chosen, None),
        Err(err) => (false, Some(err)),
    };
    let outcome = match refuse_before_routing(req, limits, refused, lang) {
        Ok(refusal) => Ok(refusal),
        Err(req) => call(req, &*next, query, limits, lang, started).await,
    };
    let outcome = outcome.map(|res| in_language(res, lang, chosen));

    let elapsed = started.elapsed();
    let (status, route) = match &outcome {
        Ok(res) => (res.status().as_u16(), route_label(res.request())),
        Err(err) => (
            err.as_response_error().status_code().as_u16(),
            Cow::Borrowed("unmatched"),
        ),
    };
    if let Some(state) = state {
        state
            .metrics
            .record(&route, method, status, elapsed.as_secs_f64());
    }
    if logged(policy, status) {
        crate::telemetry::access(&crate::telemetry::Access {
            at: std::time::SystemTime::now(),
            request_id: id.to_str().unwrap_or(""),
            method,
            path: path.as_deref().unwrap_or(""),
            status,
            latency_us: elapsed.as_micros() as u64,
        });
    }
    let mut res = outcome?;
    res.headers_mut().insert(REQUEST_ID, id);
    Ok(res)
}

/// The answer to a request refused before any route sees it — a `lang=` that names no
/// language, an encoded body, a query string over its limit — or the request, to be routed.
fn refuse_before_routing(
    req: ServiceRequest,
    limits: Option<Limits>,
    refused: Option<ApiError>,
    lang: Lang,
) -> Result<ServiceResponse<BoxBody>, ServiceRequest> {
    // A `lang=` refused here answers like any other bad parameter: naming the data version.
    if let Some(err) = refused {
        let version = req
            .app_data::<web::Data<AppState>>()
            .map(|state| super::cache::version_header(&state.snapshot()));
        let mut res = req.into_response(err.response(lang));
        if let Some(version) = version {
            res.headers_mut()
                .insert(super::cache::DATA_VERSION, version);
        }
        return Ok(res);
    }
    // No route reads an encoded body: it would have to be inflated before its size is known.
    let encoded = req
        .headers()
        .get(header::CONTENT_ENCODING)
        .filter(|v| !v.as_bytes().eq_ignore_ascii_case(b"identity"));
    if let Some(encoded) = encoded {
        let err = ApiError::Unsupported(Media::Encoding(crate::time::quoted(
            &String::from_utf8_lossy(encoded.as_bytes()),
        )));
        return Ok(req.into_response(err.response(lang)));
    }
    match limits {
        Some(l) if req.query_string().len() > l.max_query_bytes => {
            let err = ApiError::TooLarge(Limit::Query {
                length: req.query_string().len(),
                limit: l.max_query_bytes,
            });
            Ok(req.into_response(err.response(lang)))
        }
        _ => Err(req),
    }
}

/// The routed answer, within the request timeout when there is one. The answer is asked for
/// once before a timer is set: most answers are made at once, and a timer (set in the runtime's
/// wheel, then cleared) would cost them more than their own work. Only an answer that has to
/// wait gets one, for what is left of the timeout from `started`.
async fn call(
    req: ServiceRequest,
    next: &impl Routed,
    query: Params,
    limits: Option<Limits>,
    lang: Lang,
    started: Instant,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // Read back as the default when absent: most requests leave the map of extensions empty.
    if lang != Lang::default() {
        req.extensions_mut().insert(lang);
    }
    query.hand_on(&req);
    let mut answer = std::pin::pin!(super::cache::cache(req, next));
    let first = std::future::poll_fn(|cx| Poll::Ready(answer.as_mut().poll(cx))).await;
    if let Poll::Ready(res) = first {
        return res;
    }
    // A timeout too long to be placed on the clock is none.
    let timeout = limits.map(|l| l.request_timeout);
    let Some((timeout, at)) = timeout.and_then(|t| Some((t, started.checked_add(t)?))) else {
        return answer.await;
    };
    tokio::time::timeout_at(at.into(), answer)
        .await
        .map_err(|_| {
            InLang(
                ApiError::Timeout(Slow::Request {
                    secs: timeout.as_secs_f64(),
                }),
                lang,
            )
        })?
}

/// The language of the answer, and whether the request chose it with `lang=`: that, else the
/// one `Accept-Language` prefers, else Chinese (the offices are Chinese). A `lang=` the
/// service does not speak, or given twice, is an [`ApiError::InvalidParameter`], said in the
/// language the header prefers.
pub fn language(req: &actix_web::HttpRequest, query: &Params) -> (Lang, Result<bool, ApiError>) {
    let preferred = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::preferred)
        .unwrap_or_default();
    let mut given = query.pairs().filter(|(n, _)| *n == "lang");
    let Some((_, value)) = given.next() else {
        return (preferred, Ok(false));
    };
    let invalid = |why| ApiError::InvalidParameter {
        name: "lang".to_owned(),
        why,
    };
    match Lang::from_code(value) {
        _ if given.next().is_some() => (preferred, Err(invalid(Invalid::GivenTwice))),
        Some(lang) => (lang, Ok(true)),
        None => (
            preferred,
            Err(invalid(Invalid::Lang {
                value: crate::time::quoted(value),
            })),
        ),
    }
}

/// An answer in `lang`: a problem document said again in it, `Content-Language`, and
/// `Vary: Accept-Language` unless `lang=` chose it.
fn in_language(
    mut res: ServiceResponse<BoxBody>,
    lang: Lang,
    chosen: bool,
) -> ServiceResponse<BoxBody> {
    if lang != Lang::default() {
        let again = res
            .response()
            .error()
            .and_then(|e| e.as_error::<ApiError>())
            .map(|e| e.response(lang));
        if let Some(mut again) = again {
            // Keep what was set beside the body (Allow, WWW-Authenticate, the request id).
            for (name, value) in res.headers() {
                if !again.headers().contains_key(name) && name != header::CONTENT_LENGTH {
                    again.headers_mut().insert(name.clone(), value.clone());
                }
            }
            res = res.into_response(again.map_into_boxed_body());
        }
    }
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    if !chosen && !varies_by_language(headers) {
        headers.append(header::VARY, HeaderValue::from_static("accept-language"));
    }
    res
}

fn varies_by_language(headers: &header::HeaderMap) -> bool {
    headers
        .get_all(header::VARY)
        .any(|v| v.as_bytes().eq_ignore_ascii_case(b"accept-language"))
}

/// An error answered in a language chosen before it happened (a request over its time).
#[derive(Debug)]
struct InLang(ApiError, Lang);

impl std::fmt::Display for InLang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for InLang {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.0.status_code()
    }

    fn error_response(&self) -> actix_web::HttpResponse {
        self.0.response(self.1)
    }
}

/// Turns an error answer that is not yet a problem document (one that the framework made,
/// such as the 413 for a body over the limit) into one, keeping its status.
pub fn problem_for_framework_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let cross = res
        .response()
        .error()
        .and_then(|e| e.as_error::<actix_cors::CorsError>())
        .map(|e| match e {
            actix_cors::CorsError::OriginNotAllowed => Cross::OriginNotAllowed,
            actix_cors::CorsError::MethodNotAllowed => Cross::MethodNotAllowed,
            actix_cors::CorsError::HeadersNotAllowed => Cross::HeadersNotAllowed,
            _ => Cross::BadPreflight,
        });
    let err = match cross {
        Some(cross) => ApiError::CrossOrigin(cross),
        None => ApiError::Framework {
            status,
            detail: res
                .response()
                .error()
                .map(|e| e.to_string())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_lowercase()),
        },
    };
    // Said in the request's language: outside the observing middleware (a preflight CORS
    // refuses) it has not been chosen yet.
    let (lang, chosen) = language(res.request(), &Params::parse(res.request().query_string()));
    let (req, _) = res.into_parts();
    let mut answer = err.response(lang);
    if !matches!(chosen, Ok(true)) {
        answer
            .headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-language"));
    }
    let res = ServiceResponse::new(req, answer);
    Ok(ErrorHandlerResponse::Response(res.map_into_right_body()))
}
