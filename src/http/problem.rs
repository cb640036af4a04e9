//! The one place that knows status codes: every error the service can answer with, mapped to
//! one status and one stable problem `type` (RFC 9457 `application/problem+json`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::calendar::CalendarError;
use crate::deadline::DeadlineError;

/// An error answered to the caller. Handlers return it; [`ResponseError`] renders it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A required query parameter is absent.
    #[error("parameter {name} is required")]
    MissingParameter {
        /// The parameter.
        name: &'static str,
    },
    /// A query parameter's value is not of its kind.
    #[error("parameter {name}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: String,
        /// What is wrong, naming the value.
        reason: String,
    },
    /// A query parameter the route does not take.
    #[error(
        "parameter {name} is not known to {route}{}; it takes: {}",
        suggestion.map(|s| format!("; did you mean {s}?")).unwrap_or_default(),
        if known.is_empty() { "no parameters" } else { known }
    )]
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
    #[error("the request body is not valid: {0}")]
    InvalidBody(String),
    /// A calendar question without an answer.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A deadline that cannot be computed.
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
    /// `strict=true` and the answer is provisional.
    #[error("the answer depends on provisional days ({0}) and strict=true was asked")]
    Provisional(&'static str),
    /// No such resource.
    #[error("{0}")]
    NotFound(String),
    /// A body or batch over its limit.
    #[error("{0}")]
    TooLarge(String),
    /// A body of a media type the route does not read.
    #[error("{0}")]
    Unsupported(String),
    /// The caller asked (`format=` or `Accept`) for a format the route does not answer in.
    #[error("{0}")]
    NotAcceptable(String),
    /// A method the route does not serve.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// A query string over the limit.
    #[error("{0}")]
    QueryTooLong(String),
    /// A request that took too long.
    #[error("{0}")]
    Timeout(String),
    /// An error the framework answered before a handler ran.
    #[error("{detail}")]
    Framework {
        /// Its status.
        status: StatusCode,
        /// What it said.
        detail: String,
    },
    /// No valid admin token.
    #[error("a valid admin token is required")]
    Unauthorized,
    /// Never shown to the caller: logged with its cause chain, answered as an opaque 500.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The mapping, in one table: (status, stable code, title).
fn classify(err: &ApiError) -> (StatusCode, &'static str, &'static str) {
    use ApiError::*;
    use CalendarError as C;
    use DeadlineError as D;
    match err {
        MissingParameter { .. } => (
            StatusCode::BAD_REQUEST,
            "missing-parameter",
            "A required parameter is missing",
        ),
        InvalidParameter { .. } => (
            StatusCode::BAD_REQUEST,
            "invalid-parameter",
            "A parameter is not valid",
        ),
        UnknownParameter { .. } => (
            StatusCode::BAD_REQUEST,
            "unknown-parameter",
            "A parameter is not known",
        ),
        InvalidBody(_) => (
            StatusCode::BAD_REQUEST,
            "invalid-body",
            "The request body is not valid",
        ),
        Calendar(C::UnknownCalendar { .. }) => (
            StatusCode::BAD_REQUEST,
            "unknown-calendar",
            "Unknown calendar",
        ),
        Calendar(C::Backwards { .. } | C::TooLong { .. })
        | Deadline(D::Calendar(C::Backwards { .. } | C::TooLong { .. })) => (
            StatusCode::BAD_REQUEST,
            "invalid-parameter",
            "A parameter is not valid",
        ),
        Calendar(C::OutOfRange { .. } | C::ResultOutOfRange { .. }) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "out-of-range",
            "Date outside the supported range",
        ),
        Deadline(D::Calendar(C::UnknownCalendar { .. })) => (
            StatusCode::BAD_REQUEST,
            "unknown-calendar",
            "Unknown calendar",
        ),
        Deadline(D::Calendar(_)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "out-of-range",
            "Date outside the supported range",
        ),
        Deadline(D::UnknownRule { .. }) => {
            (StatusCode::BAD_REQUEST, "unknown-rule", "Unknown rule")
        }
        Deadline(D::Zone { .. }) => (
            StatusCode::BAD_REQUEST,
            "unknown-timezone",
            "Unknown time zone",
        ),
        Deadline(D::Event(_)) => (
            StatusCode::BAD_REQUEST,
            "invalid-event",
            "The event is not a date or an instant",
        ),
        Deadline(D::AsOf(_) | D::Unit(_) | D::DaysAndAmount) => (
            StatusCode::BAD_REQUEST,
            "invalid-parameter",
            "A parameter is not valid",
        ),
        Deadline(D::Missing(_)) => (
            StatusCode::BAD_REQUEST,
            "missing-parameter",
            "A required parameter is missing",
        ),
        Deadline(D::Provisional) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "provisional",
            "The answer is provisional",
        ),
        Deadline(D::UnitNotAllowed { .. }) => (
            StatusCode::BAD_REQUEST,
            "unit-not-allowed",
            "This rule's unit cannot be changed",
        ),
        Deadline(D::DaysNotAllowed { .. }) => (
            StatusCode::BAD_REQUEST,
            "days-not-allowed",
            "This rule's period cannot be changed",
        ),
        Deadline(D::AmountOutOfRange { .. }) => (
            StatusCode::BAD_REQUEST,
            "amount-out-of-range",
            "The period's length is out of range",
        ),
        Deadline(D::MissingPeriod) => (
            StatusCode::BAD_REQUEST,
            "missing-parameter",
            "A required parameter is missing",
        ),
        Provisional(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "provisional",
            "The answer is provisional",
        ),
        NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not found"),
        TooLarge(_) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "The request is too large",
        ),
        Unsupported(_) => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
        ),
        NotAcceptable(_) => (
            StatusCode::NOT_ACCEPTABLE,
            "not-acceptable",
            "The format asked for is not offered",
        ),
        MethodNotAllowed(_) => (
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
        ),
        QueryTooLong(_) => (
            StatusCode::URI_TOO_LONG,
            "query-too-long",
            "The query string is too long",
        ),
        Timeout(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "The request took too long",
        ),
        Framework { status, .. } => framework(*status),
        Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized"),
        Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
        ),
    }
}

/// The framework's own errors, by status.
fn framework(status: StatusCode) -> (StatusCode, &'static str, &'static str) {
    match status.as_u16() {
        413 => (status, "too-large", "The request is too large"),
        415 => (status, "unsupported-media-type", "Unsupported media type"),
        404 => (status, "not-found", "Not found"),
        405 => (status, "method-not-allowed", "Method not allowed"),
        400..=499 => (status, "bad-request", "The request is not valid"),
        _ => (status, "internal", "Internal error"),
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
}

impl ApiError {
    /// The problem document this error is answered with.
    pub fn problem(&self) -> Problem {
        let (status, code, title) = classify(self);
        let detail = match self {
            ApiError::Internal(_) => "the server could not answer; the cause is logged".to_owned(),
            ApiError::Framework { status, .. } if status.is_server_error() => {
                "the server could not answer; the cause is logged".to_owned()
            }
            other => other.to_string(),
        };
        Problem {
            kind: format!("urn:qixian:problem:{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
        }
    }
}

/// An error and every cause under it, `: `-separated, for the log.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        classify(self).0
    }

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
        let problem = self.problem();
        let mut response = HttpResponse::build(self.status_code());
        if let ApiError::Unauthorized = self {
            // RFC 9110: a 401 names the scheme the caller should use.
            response.insert_header((
                actix_web::http::header::WWW_AUTHENTICATE,
                "Bearer realm=\"qixian\"",
            ));
        }
        response
            .content_type("application/problem+json")
            .json(problem)
    }
}
