//! The HTTP adapter: extract → one domain call → response. Every route is registered here,
//! from the table in [`routes`].

pub mod addin;
mod admin;
pub mod batch;
pub mod cache;
mod calendars;
mod changes;
pub mod cors;
mod days;
mod deadlines;
mod exports;
pub mod format;
pub mod health;
mod holidays;
mod hours;
mod meta;
pub mod metrics;
pub mod observe;
pub mod offload;
pub mod page;
pub mod params;
pub mod problem;
mod registers;
pub mod render;
pub mod routes;
mod rules;
pub mod turns;
mod workdays;

use std::future::{Future, Ready, ready};
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};

use crate::calendar::{Answer, Calendar};
use crate::config::Config;
use crate::feed::Feed;
use crate::store::{InForce, Store};
use crate::text::{Lang, Missing, Strictly};
use params::Params;
use problem::ApiError;
use routes::Endpoint;

/// What the middleware calls to have a request routed and answered: the services inside it.
/// One generic step instead of actix's `Next`, whose every call boxes its future: the observing
/// and the cache steps are one future (see [`observe::Observe`]).
pub trait Routed {
    /// The body of its answers.
    type Body: MessageBody + 'static;
    /// The request's answer.
    fn call(
        &self,
        req: ServiceRequest,
    ) -> impl Future<Output = Result<ServiceResponse<Self::Body>, actix_web::Error>>;
}

impl<S, B> Routed for S
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    type Body = B;

    fn call(
        &self,
        req: ServiceRequest,
    ) -> impl Future<Output = Result<ServiceResponse<B>, actix_web::Error>> {
        Service::call(self, req)
    }
}

/// What every handler shares, built once at start-up from the configuration.
pub struct AppState {
    /// The data in force; swapped whole when they change.
    store: Arc<Store>,
    /// The holiday feed, when one is configured.
    feed: Option<Arc<Feed>>,
    /// The bearer token of the admin routes; none: the routes do not exist.
    admin_token: Option<admin::Token>,
    /// The calendar used when a request names none.
    default_calendar: String,
    /// The most items one batch request may hold.
    max_batch_items: usize,
    /// The turns of batches: the bound on their memory.
    batch_turns: turns::Turns,
    /// The largest request body taken.
    max_body_bytes: usize,
    metrics: metrics::Metrics,
    cache: cache::ResponseCache,
    /// Kept versions compiled again, one at a time, off the workers.
    compiling: offload::Gate,
    /// Exports (the workbook) built off the workers, a few at a time.
    exporting: offload::Gate,
    /// Where the service's absolute addresses start (the workbook's notes name them).
    origins: addin::Origins,
    /// Whether the page is served (the workbook's notes then send people to it).
    page: bool,
    /// The registers' database; none: the register routes answer 503.
    registers: Option<crate::registers::Registers>,
    /// The registers' database as last probed (in the background); none without registers.
    database: Option<Arc<health::Database>>,
    /// The rate limits of the registers' keys and calendar tokens.
    register_rate: registers::rate::Buckets,
    /// The changed days since kept versions, found lately: since a recheck's stored versions,
    /// and a register's acknowledged ones (`moved_by`).
    moved_days: changes::Held,
}

impl AppState {
    /// The state for `config`, over `store` and the feed that fills it.
    pub fn new(config: &Config, store: Arc<Store>, feed: Option<Arc<Feed>>) -> Self {
        let metrics = metrics::Metrics::default();
        metrics.set_data_version(store.in_force().version());
        // A batch's turn lasts as long as a request may: the body, the work and the answer.
        let batch_turns = turns::Turns::new(
            config.max_concurrent_batches,
            config.request_timeout,
            metrics.batches_waiting.clone(),
            metrics.batches_answering.clone(),
        );
        AppState {
            store,
            feed,
            admin_token: config.admin_token.clone().map(admin::Token::new),
            default_calendar: config.default_calendar.clone(),
            max_batch_items: config.max_batch_items,
            batch_turns,
            max_body_bytes: config.max_body_bytes,
            metrics,
            cache: cache::ResponseCache::new(config.cache_max_bytes),
            // One: a compilation takes a whole core for 13 ms, and the pod has half of one.
            compiling: offload::Gate::new(crate::text::Heavy::Compile, 1),
            exporting: offload::Gate::new(crate::text::Heavy::Export, 2),
            origins: addin::Origins::new(
                config.public_origin.clone(),
                config.trusted_proxies.clone(),
            ),
            page: config.page,
            registers: None,
            database: None,
            register_rate: registers::rate::Buckets::new(
                config.register_rate,
                config.register_burst,
            ),
            moved_days: changes::Held::default(),
        }
    }

    /// The state with the registers' database.
    /// Its database is probed from now on, for `/readyz` and `/metrics`.
    pub fn with_registers(mut self, registers: crate::registers::Registers) -> Self {
        self.metrics
            .register_database(registers.kind() == crate::registers::Kind::Postgresql);
        self.database = Some(health::Database::watch(registers.clone()));
        self.registers = Some(registers);
        self
    }

    /// The webhooks' counters, as `/metrics` shows them: the sender counts in these.
    pub fn webhook_metrics(&self) -> crate::webhooks::WebhookMetrics {
        self.metrics.webhooks.clone()
    }

    /// Whether the admin routes exist.
    pub fn has_admin(&self) -> bool {
        self.admin_token.is_some()
    }

    /// The calendars and rules in force now. A request takes them once, through
    /// [`Snapshot`].
    fn snapshot(&self) -> Arc<InForce> {
        self.store.in_force()
    }
}

/// The calendars in force for one request, taken once — by the cache layer when it runs, so
/// that the answer, its ETag and its `x-data-version` all name one version — and kept
/// throughout. With `data_version=`, the kept version asked for.
#[derive(Clone)]
pub struct Snapshot {
    /// The calendars and rules.
    pub set: Arc<InForce>,
    /// Whether they are the version in force (not a kept one asked for).
    pub is_current: bool,
}

/// A kept version asked for (`data_version=`) that cannot be answered from: the handler's
/// snapshot is refused with it.
#[derive(Clone)]
enum Unkept {
    /// Not kept, or not usable (410).
    Gone(crate::store::HistoryError),
    /// Not compiled in time: the compilations are busy (503).
    Busy(crate::text::Slow),
}

/// Which data an answer was made from, as every answer about days, counts and deadlines says
/// it (`data_version`). An answer under a kept version (`data_version=`) is the same, byte for
/// byte, as the one that version gave; only the header `x-data-in-force: false` tells it apart.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct DataMark<'a> {
    data_version: &'a str,
}

impl Snapshot {
    /// Which data the answer is made from.
    pub fn mark(&self) -> DataMark<'_> {
        DataMark {
            data_version: self.set.version(),
        }
    }

    /// The calendar `params` names, or the default.
    ///
    /// # Errors
    /// [`ApiError::Calendar`] for an unknown calendar; as [`Params::get`].
    pub fn calendar<'a>(
        &'a self,
        state: &AppState,
        params: &Params,
    ) -> Result<&'a Calendar, ApiError> {
        let id = params.get("calendar")?.unwrap_or(&state.default_calendar);
        Ok(self.set.get(id)?)
    }

    /// The calendar of a path (`/v1/calendars/{id}`): an unknown one is a 404.
    ///
    /// # Errors
    /// [`ApiError::NotFound`] naming the known calendars.
    pub fn calendar_at<'a>(&'a self, id: &str) -> Result<&'a Calendar, ApiError> {
        self.set
            .get(id)
            .map_err(|e| ApiError::NotFound(Missing::Calendar(e)))
    }
}

impl FromRequest for Lang {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    /// The language the observing middleware chose for the request (which leaves the default
    /// unsaid).
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(req
            .extensions()
            .get::<Lang>()
            .copied()
            .unwrap_or_default()))
    }
}

impl FromRequest for Snapshot {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        match req.extensions().get::<Unkept>() {
            Some(Unkept::Gone(e)) => return ready(Err(ApiError::Gone(e.clone()))),
            Some(Unkept::Busy(slow)) => return ready(Err(ApiError::Timeout(*slow))),
            None => {}
        }
        let taken = req.extensions().get::<Snapshot>().cloned();
        ready(Ok(taken.unwrap_or_else(|| {
            let state = req
                .app_data::<web::Data<AppState>>()
                .expect("the state is registered with every route");
            Snapshot {
                set: state.snapshot(),
                is_current: true,
            }
        })))
    }
}

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use routes as r;
    use web::post;
    // Static paths first: actix tries resources in order, and every dynamic one it passes costs
    // a regex match (3 % of the CPU of `/v1/workdays/add` when it came after four of them).
    cfg.service(resource(&r::HEALTHZ).route(get().to(meta::healthz)))
        .service(resource(&r::READYZ).route(get().to(meta::readyz)))
        .service(resource(&r::METRICS).route(get().to(meta::metrics)))
        .service(resource(&r::OPENAPI).route(get().to(meta::openapi)))
        .service(resource(&r::WORKDAYS_ADD).route(get().to(workdays::add)))
        .service(resource(&r::WORKDAYS_COUNT).route(get().to(workdays::count)))
        .service(resource(&r::HOURS_ADD).route(get().to(hours::add)))
        .service(resource(&r::HOURS_COUNT).route(get().to(hours::count)))
        .service(resource(&r::OFFICE).route(get().to(hours::office)))
        .service(
            resource(&r::DEADLINES)
                .route(get().to(deadlines::get))
                .route(post().to(deadlines::post)),
        )
        .service(resource(&r::BATCH).route(post().to(batch::deadlines)))
        .service(resource(&r::RECHECK).route(post().to(changes::recheck)))
        .service(resource(&r::CHANGES).route(get().to(changes::list)))
        .service(resource(&r::DAYS).route(get().to(days::range)))
        .service(resource(&r::CALENDARS).route(get().to(calendars::list)))
        .service(resource(&r::RULES).route(get().to(rules::list)))
        .service(resource(&r::DAY).route(get().to(days::one)))
        .service(resource(&r::HOLIDAYS_NEXT).route(get().to(holidays::next)))
        .service(resource(&r::RULE_ONE).route(get().to(rules::one)))
        .service(resource(&r::RULE_IN_SET).route(get().to(rules::in_set)))
        .service(resource(&r::CALENDAR_ONE).route(get().to(calendars::one)))
        .service(resource(&r::CALENDAR_DAYS).route(get().to(exports::days)))
        .service(resource(&r::CALENDAR_ICS).route(get().to(exports::holidays_ics)))
        .service(resource(&r::CALENDAR_REST_DAYS).route(get().to(exports::rest_days)))
        .service(resource(&r::CALENDAR_WORKBOOK).route(get().to(exports::workbook)))
        .service(
            resource(&r::REGISTER_MATTERS)
                .route(get().to(registers::list))
                .route(post().to(registers::create)),
        )
        .service(resource(&r::REGISTER_MATTERS_IMPORT).route(post().to(registers::import)))
        .service(
            resource(&r::REGISTER_MATTER)
                .route(get().to(registers::read))
                .route(post().to(registers::update)),
        )
        .service(resource(&r::REGISTER_MATTER_ACTION).route(post().to(registers::act)))
        .service(resource(&r::REGISTER_HISTORY).route(get().to(registers::history)))
        .service(
            resource(&r::REGISTER_KEYS)
                .route(get().to(registers::keys::list))
                .route(post().to(registers::keys::add)),
        )
        .service(resource(&r::REGISTER_KEY).route(web::delete().to(registers::keys::revoke)))
        .service(
            resource(&r::REGISTER_CALENDAR_TOKEN)
                .route(post().to(registers::keys::new_calendar_token))
                .route(web::delete().to(registers::keys::revoke_calendar_token)),
        )
        .service(resource(&r::REGISTER_CALENDAR).route(get().to(registers::calendar::feed)))
        .default_service(web::to(not_found));
}

/// The admin routes, registered only when an admin token is configured.
pub fn configure_admin(cfg: &mut web::ServiceConfig) {
    cfg.service(resource(&routes::ADMIN_RELOAD).route(web::post().to(admin::reload)))
        .service(resource(&routes::ADMIN_WITHDRAW).route(web::post().to(admin::withdraw)))
        .service(
            resource(&routes::ADMIN_REGISTERS).route(web::post().to(registers::create_register)),
        );
}

/// The page for people (`/` and its assets), registered only when `QIXIAN_PAGE` is on. After
/// the API's routes, so that no API request pays a match against them; not in the route table,
/// as they are not part of the API (see [`page`]).
///
/// The Office add-in's files under `/addin/` come with it ([`addin`]): like the page, they are
/// files for people's programs rather than the API, and an API-only deployment wants neither.
pub fn configure_page(
    cfg: &mut web::ServiceConfig,
    page: web::Data<page::Page>,
    addin: web::Data<addin::Addin>,
) {
    const ALLOW: &str = "GET, HEAD";
    cfg.service(
        web::resource("/")
            .app_data(page.clone())
            .route(get().to(page::index))
            .default_service(web::to(move |req: HttpRequest| refuse_method(req, ALLOW))),
    )
    .service(
        web::resource("/assets/{fingerprint}/{name}")
            .app_data(page)
            .route(get().to(page::asset))
            .default_service(web::to(move |req: HttpRequest| refuse_method(req, ALLOW))),
    )
    .service(
        web::resource("/addin/{name}")
            .app_data(addin)
            .route(get().to(addin::file))
            .default_service(web::to(move |req: HttpRequest| refuse_method(req, ALLOW))),
    );
}

/// GET, and HEAD with the same headers and no body (the server drops the body of a HEAD).
fn get() -> actix_web::Route {
    web::route().guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
}

/// A resource that knows its entry in the route table (for its parameters and the metrics'
/// label) and answers 405, with its methods in `Allow`, to any other method.
fn resource(endpoint: &'static Endpoint) -> actix_web::Resource {
    let allow = endpoint.allow();
    web::resource(endpoint.path)
        .app_data(endpoint)
        .default_service(web::to(move |req: HttpRequest| refuse_method(req, allow)))
}

/// The 405 problem for a method a resource does not serve, with its methods in `Allow`.
async fn refuse_method(req: HttpRequest, allow: &'static str) -> HttpResponse {
    let mut res = HttpResponse::from_error(ApiError::MethodNotAllowed {
        route: format!("{} {}", req.method(), req.path()),
        allow,
    });
    res.headers_mut().insert(
        actix_web::http::header::ALLOW,
        actix_web::http::header::HeaderValue::from_static(allow),
    );
    res
}

/// A path no route serves. Under `/v1/` (most likely a typo), the answer lists the routes.
async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = crate::base::without_secrets(req.path());
    let route = format!("{} {}", req.method(), crate::time::shorten(&path));
    let (mut near, mut routes) = (None, None);
    if req.path().starts_with("/v1/") || req.path() == "/v1" {
        let paths: Vec<&'static str> = routes::ALL
            .iter()
            .map(|e| e.path)
            .filter(|p| p.starts_with("/v1/") && !p.starts_with("/v1/admin/"))
            .collect();
        near = crate::time::closest(req.path(), paths.iter().copied());
        routes = Some(paths.join(", "));
    }
    Err(ApiError::NotFound(Missing::Route {
        route,
        near,
        routes,
    }))
}

/// With `strict=true`, a provisional answer is an error.
fn check_strict<T>(strict: bool, answer: Answer<T>, what: Strictly) -> Result<T, ApiError> {
    if strict && answer.provisional {
        return Err(ApiError::Provisional(what));
    }
    Ok(answer.value)
}
