//! The HTTP adapter: extract → one domain call → response. Every route is registered here.

mod admin;
pub mod cache;
mod calendars;
mod days;
mod deadlines;
mod exports;
mod meta;
pub mod metrics;
pub mod observe;
pub mod params;
pub mod problem;
pub mod render;
mod rules;
pub mod turns;
mod workdays;

use std::sync::Arc;

use crate::calendar::{Answer, CalendarSet};
use crate::deadline::RuleBook;
use crate::feed::Feed;
use crate::store::Store;
use actix_web::{HttpRequest, HttpResponse, web};
use params::Params;
use problem::ApiError;

/// What every handler shares, built once at start-up.
pub struct AppState {
    /// The data in force; swapped whole when they change.
    pub store: Arc<Store>,
    /// The holiday feed, when one is configured.
    pub feed: Option<Arc<Feed>>,
    /// The bearer token of the admin routes; none: the routes do not exist.
    pub admin_token: Option<String>,
    pub rules: RuleBook,
    /// The calendar used when a request names none.
    pub default_calendar: String,
    /// The most items one batch request may hold.
    pub max_batch_items: usize,
    /// The turns of batches: the bound on their memory.
    pub batch_turns: turns::Turns,
    /// The largest request body taken (`QIXIAN_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    pub metrics: metrics::Metrics,
    pub cache: cache::ResponseCache,
}

impl AppState {
    pub fn new(store: Arc<Store>, rules: RuleBook, default_calendar: String) -> Self {
        let metrics = metrics::Metrics::default();
        metrics.set_data_version(store.calendars().version());
        let batch_turns = turns::Turns::new(
            1,
            std::time::Duration::from_secs(30),
            metrics.batches_waiting.clone(),
            metrics.batches_answering.clone(),
        );
        AppState {
            store,
            feed: None,
            admin_token: None,
            rules,
            default_calendar,
            max_batch_items: 10_000,
            batch_turns,
            max_body_bytes: 2 << 20,
            metrics,
            cache: cache::ResponseCache::new(0),
        }
    }

    /// The calendars in force for this request: one consistent version throughout.
    pub fn snapshot(&self) -> Arc<CalendarSet> {
        self.store.calendars()
    }

    /// The calendar a request names, or the default.
    ///
    /// # Errors
    /// As [`Params::get`].
    pub fn calendar_id<'a>(&'a self, params: &'a Params) -> Result<&'a str, ApiError> {
        Ok(params.get("calendar")?.unwrap_or(&self.default_calendar))
    }
}

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use web::post;
    // Static paths first: actix tries resources in order, and every dynamic one it passes costs
    // a regex match (3 % of the CPU of `/v1/workdays/add` when it came after four of them).
    cfg.service(resource("/healthz", "GET, HEAD").route(get().to(meta::healthz)))
        .service(resource("/readyz", "GET, HEAD").route(get().to(meta::readyz)))
        .service(resource("/metrics", "GET, HEAD").route(get().to(meta::metrics)))
        .service(resource("/openapi.yaml", "GET, HEAD").route(get().to(meta::openapi)))
        .service(resource("/v1/workdays/add", "GET, HEAD").route(get().to(workdays::add)))
        .service(resource("/v1/workdays/count", "GET, HEAD").route(get().to(workdays::count)))
        .service(
            resource("/v1/deadlines", "GET, HEAD, POST")
                .route(get().to(deadlines::get))
                .route(post().to(deadlines::post)),
        )
        .service(resource("/v1/deadlines/batch", "POST").route(post().to(deadlines::batch)))
        .service(resource("/v1/days", "GET, HEAD").route(get().to(days::range)))
        .service(resource("/v1/calendars", "GET, HEAD").route(get().to(calendars::list)))
        .service(resource("/v1/rules", "GET, HEAD").route(get().to(rules::list)))
        .service(resource("/v1/days/{date}", "GET, HEAD").route(get().to(days::one)))
        .service(resource("/v1/rules/{id}", "GET, HEAD").route(get().to(rules::one)))
        .service(resource("/v1/calendars/{id}", "GET, HEAD").route(get().to(calendars::one)))
        .service(resource("/v1/calendars/{id}/days", "GET, HEAD").route(get().to(exports::days)))
        .service(
            resource("/v1/calendars/{id}/holidays.ics", "GET, HEAD")
                .route(get().to(exports::holidays_ics)),
        )
        .default_service(web::to(not_found));
}

/// The admin routes, registered only when an admin token is configured.
pub fn configure_admin(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/v1/admin/reload", "POST").route(web::post().to(admin::reload)));
}

/// GET, and HEAD with the same headers and no body (the server drops the body of a HEAD).
fn get() -> actix_web::Route {
    web::route().guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
}

/// The pattern of the route that answered a request, for the metrics: a fixed set of labels,
/// read without building a string.
#[derive(Clone, Copy, Debug)]
pub struct Route(pub &'static str);

/// A resource that answers 405, with the methods it serves in `Allow`, for any other method.
fn resource(path: &'static str, allow: &'static str) -> actix_web::Resource {
    web::resource(path)
        .app_data(Route(path))
        .default_service(web::to(move |req: HttpRequest| async move {
            let mut res =
                actix_web::ResponseError::error_response(&ApiError::MethodNotAllowed(format!(
                    "{} is not allowed on {}; allowed: {allow}",
                    req.method(),
                    req.path()
                )));
            res.headers_mut().insert(
                actix_web::http::header::ALLOW,
                actix_web::http::header::HeaderValue::from_static(allow),
            );
            res
        }))
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!(
        "no route for {} {}",
        req.method(),
        req.path()
    )))
}

/// With `strict=true`, a provisional answer is an error.
fn check_strict<T>(strict: bool, answer: Answer<T>, what: &str) -> Result<T, ApiError> {
    if strict && answer.provisional {
        return Err(ApiError::Provisional(what.to_owned()));
    }
    Ok(answer.value)
}

fn json<T: serde::Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok().json(body)
}
