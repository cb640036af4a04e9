//! The one place that knows status codes: every error the service can answer with, mapped to
//! one status and one stable problem `type` (RFC 9457 `application/problem+json`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::base::error_chain;
use crate::calendar::CalendarError;
use crate::deadline::{DeadlineError, InputError};
use crate::registers::RegistersError;
use crate::store::HistoryError;
use crate::text::{
    Body, Cross, Invalid, Lang, Limit, Media, Missing, Refused, Slow, Strictly, Title, Unoffered,
};

/// An error answered to the caller. Handlers return it; [`ResponseError`] renders it, and the
/// language middleware renders it again in the language the request asked for. Its words are
/// in [`crate::text`]; here is only what each kind of error is.
#[derive(Debug)]
pub enum ApiError {
    /// A required query parameter is absent.
    MissingParameter {
        /// The parameter.
        name: &'static str,
    },
    /// A query parameter's value is not of its kind.
    InvalidParameter {
        /// The parameter.
        name: String,
        /// What is wrong.
        why: Invalid,
    },
    /// A query parameter the route does not take.
    UnknownParameter {
        /// The name given.
        name: String,
        /// The closest name the route takes, when one is close.
        suggestion: Option<&'static str>,
        /// Every name the route takes, comma-separated.
        known: String,
        /// The route (`GET /v1/days/{date}`).
        route: String,
    },
    /// The body is not what the route reads.
    InvalidBody(Body),
    /// A calendar question without an answer.
    Calendar(CalendarError),
    /// A deadline that cannot be computed.
    Deadline(DeadlineError),
    /// `strict=true` and the answer is provisional.
    Provisional(Strictly),
    /// No such resource.
    NotFound(Missing),
    /// A body, batch or query over its limit.
    TooLarge(Limit),
    /// A body of a media type the route does not read.
    Unsupported(Media),
    /// The caller asked (`format=` or `Accept`) for a format the route does not answer in.
    NotAcceptable(Unoffered),
    /// A method the route does not serve.
    MethodNotAllowed {
        /// The method and path.
        route: String,
        /// The methods it serves.
        allow: &'static str,
    },
    /// A request that took too long.
    Timeout(Slow),
    /// A cross-origin request CORS refused.
    CrossOrigin(Cross),
    /// An error the framework answered before a handler ran.
    Framework {
        /// Its status.
        status: StatusCode,
        /// What it said (logged for a server error; never shown).
        detail: String,
    },
    /// No valid admin token.
    Unauthorized,
    /// A register's route refused the request.
    Register(Refused),
    /// A data version (`data_version=`, `since=`) that is not kept.
    Gone(HistoryError),
    /// Never shown to the caller: logged with its cause chain, answered as an opaque 500.
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl From<CalendarError> for ApiError {
    fn from(error: CalendarError) -> Self {
        ApiError::Calendar(error)
    }
}

impl From<InputError> for ApiError {
    /// A field of a deadline request given as text (a query parameter, a CSV cell).
    fn from(error: InputError) -> Self {
        ApiError::InvalidParameter {
            name: error.field.to_owned(),
            why: Invalid::Value(error.problem),
        }
    }
}

impl From<HistoryError> for ApiError {
    fn from(error: HistoryError) -> Self {
        ApiError::Gone(error)
    }
}

impl From<RegistersError> for ApiError {
    /// The database's own failures are logged with their chain and answered 503 (the rest of
    /// the service answers on); the others are the caller's.
    fn from(error: RegistersError) -> Self {
        match error {
            RegistersError::NotFound => ApiError::Register(Refused::NoMatter),
            RegistersError::Stale { current } => ApiError::Register(Refused::Stale { current }),
            RegistersError::NoSuchKey => ApiError::Register(Refused::NoSuchKey),
            RegistersError::LabelTaken => ApiError::Register(Refused::LabelTaken),
            RegistersError::LastWritingKey => ApiError::Register(Refused::LastWritingKey),
            RegistersError::Database(_) | RegistersError::Corrupt(_) => {
                tracing::error!(cause = %error_chain(&error), "registers' database");
                ApiError::Register(Refused::Unavailable)
            }
        }
    }
}

impl From<DeadlineError> for ApiError {
    fn from(error: DeadlineError) -> Self {
        ApiError::Deadline(error)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail(Lang::En))
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ApiError::Calendar(e) => Some(e),
            ApiError::Deadline(e) => Some(e),
            ApiError::Internal(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// Every kind of problem and the status it is answered with, in one table (meilisearch's
/// `make_error_codes!`): a kind's code is its name (derived, [`Title::code`]) and its titles
/// are the catalogues'; a new kind is a variant of [`Title`], its row here and its two
/// titles, and nothing compiles until all three are written. The framework's own errors keep
/// the status it gave them ([`ApiError::Framework`]).
pub const fn status_of(title: Title) -> StatusCode {
    match title {
        Title::MissingParameter
        | Title::InvalidParameter
        | Title::UnknownParameter
        | Title::InvalidBody
        | Title::UnknownCalendar
        | Title::UnknownRule
        | Title::UnknownTimezone
        | Title::InvalidEvent
        | Title::UnitNotAllowed
        | Title::FormNotAllowed
        | Title::NotAllowedByStatute
        | Title::NoExtension
        | Title::DaysNotAllowed
        | Title::AmountOutOfRange
        | Title::BadRequest => StatusCode::BAD_REQUEST,
        Title::Unauthorized => StatusCode::UNAUTHORIZED,
        Title::Forbidden => StatusCode::FORBIDDEN,
        Title::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        Title::Conflict => StatusCode::CONFLICT,
        Title::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        Title::DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        Title::NotFound => StatusCode::NOT_FOUND,
        Title::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        Title::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
        Title::VersionGone => StatusCode::GONE,
        Title::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Title::QueryTooLong => StatusCode::URI_TOO_LONG,
        Title::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Title::OutOfRange | Title::Provisional | Title::NoOfficeHours | Title::NotInForce => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Title::FieldTooLong | Title::InvalidRows => StatusCode::UNPROCESSABLE_ENTITY,
        Title::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        Title::Timeout => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The kind of problem each error is.
fn kind(err: &ApiError) -> Title {
    use ApiError::*;
    match err {
        MissingParameter { .. } => Title::MissingParameter,
        InvalidParameter { .. } => Title::InvalidParameter,
        UnknownParameter { .. } => Title::UnknownParameter,
        InvalidBody(_) => Title::InvalidBody,
        Calendar(e) => calendar_kind(e),
        Deadline(e) | Register(Refused::Matter(crate::register::MatterError::Period(e))) => {
            deadline_kind(e)
        }
        Provisional(_) => Title::Provisional,
        NotFound(_) => Title::NotFound,
        TooLarge(Limit::Query { .. }) => Title::QueryTooLong,
        TooLarge(_) => Title::TooLarge,
        Unsupported(_) => Title::UnsupportedMediaType,
        NotAcceptable(_) => Title::NotAcceptable,
        MethodNotAllowed { .. } => Title::MethodNotAllowed,
        Timeout(_) => Title::Timeout,
        CrossOrigin(_) => Title::BadRequest,
        Framework { status, .. } => framework(*status),
        Unauthorized | Register(Refused::NoKey) => Title::Unauthorized,
        Register(Refused::NotYours | Refused::NotTheCalendarToken | Refused::ReadOnly) => {
            Title::Forbidden
        }
        Register(Refused::NoMatter | Refused::NoSuchKey) => Title::NotFound,
        Register(Refused::LabelTaken | Refused::LastWritingKey) => Title::Conflict,
        Register(Refused::TooManyRequests { .. }) => Title::TooManyRequests,
        Register(Refused::Stale { .. }) => Title::PreconditionFailed,
        Register(Refused::Unavailable | Refused::Unrecorded) => Title::DatabaseUnavailable,
        Register(Refused::Matter(crate::register::MatterError::TooLong { .. })) => {
            Title::FieldTooLong
        }
        Register(Refused::Import(_)) => Title::InvalidRows,
        Register(Refused::ActionBody) => Title::InvalidBody,
        Register(
            Refused::NotAMatter(_)
            | Refused::NotAMattersField(_)
            | Refused::Matter(_)
            | Refused::Name
            | Refused::KeyBody,
        ) => Title::InvalidBody,
        Gone(_) => Title::VersionGone,
        Internal(_) => Title::Internal,
    }
}

/// The kind of problem a calendar's refusal is, alone or inside a deadline's.
fn calendar_kind(err: &CalendarError) -> Title {
    use CalendarError as C;
    match err {
        C::UnknownCalendar { .. } => Title::UnknownCalendar,
        C::Backwards { .. } | C::TooLong { .. } => Title::InvalidParameter,
        C::OutOfRange { .. } | C::ResultOutOfRange { .. } | C::HoursOutOfRange { .. } => {
            Title::OutOfRange
        }
        C::NoOfficeHours { .. } => Title::NoOfficeHours,
    }
}

/// The kind of problem a deadline's refusal is, from `/v1/deadlines` or a register's matter.
fn deadline_kind(err: &DeadlineError) -> Title {
    use DeadlineError as D;
    match err {
        D::Calendar(e) => calendar_kind(e),
        D::UnknownRule { .. } => Title::UnknownRule,
        D::Zone { .. } => Title::UnknownTimezone,
        D::Event(_) => Title::InvalidEvent,
        D::AsOf(_)
        | D::Completed(_)
        | D::Unit(_)
        | D::DaysAndAmount
        | D::Hours(_)
        | D::UnknownCutoff(_)
        | D::FormNotAllowed { rule: None, .. }
        | D::UnknownForm { .. }
        | D::Paused(_)
        | D::TooManyPaused
        | D::PausedNotAllowed
        | D::Agreed(_)
        | D::TooLong { .. } => Title::InvalidParameter,
        D::Missing(_) | D::MissingPeriod => Title::MissingParameter,
        D::Provisional => Title::Provisional,
        D::UnitNotAllowed { .. } => Title::UnitNotAllowed,
        D::FormNotAllowed { rule: Some(_), .. } => Title::FormNotAllowed,
        D::NotAllowedByStatute { .. } => Title::NotAllowedByStatute,
        D::NotInForce { .. } => Title::NotInForce,
        D::NoExtension { .. } => Title::NoExtension,
        D::DaysNotAllowed { .. } => Title::DaysNotAllowed,
        D::AmountOutOfRange { .. } => Title::AmountOutOfRange,
    }
}

/// The kind of problem and the status of an error: its kind's, or the framework's own.
fn classify(err: &ApiError) -> (StatusCode, Title) {
    let title = kind(err);
    match err {
        ApiError::Framework { status, .. } => (*status, title),
        _ => (status_of(title), title),
    }
}

/// The framework's own errors, by status.
fn framework(status: StatusCode) -> Title {
    match status.as_u16() {
        413 => Title::TooLarge,
        415 => Title::UnsupportedMediaType,
        404 => Title::NotFound,
        405 => Title::MethodNotAllowed,
        400..=499 => Title::BadRequest,
        _ => Title::Internal,
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, serde::Deserialize, Clone, PartialEq)]
pub struct Problem {
    #[serde(rename = "type")]
    /// `type`: `urn:qixian:problem:` and the code.
    pub kind: String,
    /// A summary of the problem's kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time, naming the value.
    pub detail: String,
    /// The stable, machine-readable part of `type`.
    pub code: String,
    /// For an imported 台账 refused ([`Refused::Import`]): each row that cannot be kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<RowError>,
}

/// One row of an imported 台账 that cannot be kept, in a problem's `errors`.
#[derive(Debug, Serialize, serde::Deserialize, Clone, PartialEq)]
pub struct RowError {
    /// The row as a spreadsheet numbers it (the header is row 1).
    pub row: u64,
    /// The column, as the header names it (empty for the whole row).
    pub column: String,
    /// What is wrong, in the answer's language.
    pub detail: String,
}

/// The most rows a problem's `errors` lists; its detail says how many there are.
pub const MAX_ROW_ERRORS: usize = 100;

impl ApiError {
    /// The kind of problem it is: its code, its title and (but for the framework's own
    /// errors) its status.
    pub fn kind(&self) -> Title {
        kind(self)
    }

    /// What went wrong this time, in `lang`.
    pub fn detail(&self, lang: Lang) -> String {
        let says = lang.says();
        match self {
            ApiError::MissingParameter { name } => says.missing_parameter(name),
            ApiError::InvalidParameter { name, why } => says.invalid_parameter(name, why),
            ApiError::UnknownParameter {
                name,
                suggestion,
                known,
                route,
            } => says.unknown_parameter(name, *suggestion, known, route),
            ApiError::InvalidBody(body) => says.body(body),
            ApiError::Calendar(e) => says.calendar_error(e),
            ApiError::Deadline(e) => says.deadline_error(e),
            ApiError::Provisional(what) => says.strictly(*what),
            ApiError::NotFound(what) => says.missing(what),
            ApiError::TooLarge(limit) => says.limit(limit),
            ApiError::Unsupported(media) => says.media(media),
            ApiError::NotAcceptable(what) => says.unoffered(what),
            ApiError::MethodNotAllowed { route, allow } => says.method_not_allowed(route, allow),
            ApiError::Timeout(slow) => says.slow(slow),
            ApiError::CrossOrigin(cross) => says.cross_origin(*cross),
            ApiError::Framework { status, .. } => says.framework(status.as_u16()),
            ApiError::Unauthorized => says.unauthorized(),
            ApiError::Register(what) => says.refused(what),
            ApiError::Gone(e) => says.history_error(e),
            ApiError::Internal(_) => says.internal(),
        }
    }

    /// The problem document this error is answered with, in `lang`.
    pub fn problem(&self, lang: Lang) -> Problem {
        let (status, title) = classify(self);
        Problem {
            kind: format!("urn:qixian:problem:{}", title.code()),
            title: lang.says().title(title).to_owned(),
            status: status.as_u16(),
            detail: self.detail(lang),
            code: title.code().to_owned(),
            errors: match self {
                ApiError::Register(Refused::Import(rows)) => rows
                    .iter()
                    .take(MAX_ROW_ERRORS)
                    .map(|r| RowError {
                        row: r.row,
                        column: r.column.clone(),
                        detail: lang.says().row_problem(&r.why),
                    })
                    .collect(),
                _ => Vec::new(),
            },
        }
    }

    /// The answer: the problem document in `lang`, with `Content-Language`.
    pub fn response(&self, lang: Lang) -> HttpResponse {
        let mut response = HttpResponse::build(classify(self).0);
        if let ApiError::Timeout(Slow::Busy { retry_after, .. }) = self {
            response.insert_header((actix_web::http::header::RETRY_AFTER, *retry_after));
        }
        if let ApiError::Register(Refused::TooManyRequests { retry_after }) = self {
            response.insert_header((actix_web::http::header::RETRY_AFTER, *retry_after));
        }
        if let ApiError::Unauthorized | ApiError::Register(Refused::NoKey) = self {
            // RFC 9110: a 401 names the scheme the caller should use.
            response.insert_header((
                actix_web::http::header::WWW_AUTHENTICATE,
                "Bearer realm=\"qixian\"",
            ));
        }
        response
            .insert_header((actix_web::http::header::CONTENT_LANGUAGE, lang.tag()))
            .content_type("application/problem+json")
            .json(self.problem(lang))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        classify(self).0
    }

    /// In the default language; the language middleware answers again in the request's.
    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => {
                tracing::error!(cause = %error_chain(cause.as_ref()), "internal error")
            }
            ApiError::Framework { status, detail } if status.is_server_error() => {
                tracing::error!(cause = %detail, "internal error")
            }
            _ => {}
        }
        self.response(Lang::default())
    }
}
