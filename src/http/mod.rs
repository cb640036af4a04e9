//! The HTTP adapter: extract → one domain call → response. Every route is registered here.

mod calendars;
mod days;
mod deadlines;
mod meta;
pub mod params;
pub mod problem;
mod rules;
mod workdays;

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use arc_swap::ArcSwap;

use crate::calendar::{Answer, CalendarSet};
use crate::deadline::RuleBook;
use params::Params;
use problem::ApiError;

/// What every handler shares, built once at start-up.
pub struct AppState {
    /// The compiled calendars in force; swapped whole when the data change.
    pub calendars: ArcSwap<CalendarSet>,
    pub rules: RuleBook,
    /// The calendar used when a request names none.
    pub default_calendar: String,
    /// The most items one batch request may hold.
    pub max_batch_items: usize,
}

impl AppState {
    pub fn new(calendars: CalendarSet, rules: RuleBook, default_calendar: String) -> Self {
        AppState {
            calendars: ArcSwap::from_pointee(calendars),
            rules,
            default_calendar,
            max_batch_items: 10_000,
        }
    }

    /// The calendars in force for this request: one consistent version throughout.
    pub fn snapshot(&self) -> Arc<CalendarSet> {
        self.calendars.load_full()
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
    use web::{get, post};
    cfg.service(resource("/healthz").route(get().to(meta::healthz)))
        .service(resource("/openapi.yaml").route(get().to(meta::openapi)))
        .service(resource("/v1/calendars").route(get().to(calendars::list)))
        .service(resource("/v1/calendars/{id}").route(get().to(calendars::one)))
        .service(resource("/v1/days").route(get().to(days::range)))
        .service(resource("/v1/days/{date}").route(get().to(days::one)))
        .service(resource("/v1/workdays/add").route(get().to(workdays::add)))
        .service(resource("/v1/workdays/count").route(get().to(workdays::count)))
        .service(resource("/v1/rules").route(get().to(rules::list)))
        .service(resource("/v1/rules/{id}").route(get().to(rules::one)))
        .service(
            resource("/v1/deadlines")
                .route(get().to(deadlines::get))
                .route(post().to(deadlines::post)),
        )
        .service(resource("/v1/deadlines/batch").route(post().to(deadlines::batch)))
        .default_service(web::to(not_found));
}

/// A resource that answers 405 for the methods it does not serve.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound(format!(
        "no route for {} {}",
        req.method(),
        req.path()
    )))
}

async fn method_not_allowed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed(format!(
        "{} is not allowed on {}",
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
