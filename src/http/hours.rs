//! `/v1/hours` and `/v1/office`: office time (作息时间) — adding and counting it, and whether
//! the office is open.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::{AppState, Snapshot, check_strict, params::Params, problem::ApiError, render};
use crate::calendar::hours::{DayHours, HoursSource};
use crate::calendar::{Answer, Calendar};
use crate::text::{Invalid, Strictly};
use crate::time::Clock;
use crate::time::{BEIJING, URUMQI};

/// An instant on the calendar's clock, and the same on Beijing and Urumqi time.
fn by_zone(at: DateTime<Tz>) -> BTreeMap<&'static str, String> {
    [BEIJING, URUMQI, at.timezone()]
        .into_iter()
        .map(|z| (z.name(), at.with_timezone(&z).to_rfc3339()))
        .collect()
}

#[derive(Serialize)]
struct AddDto<'a> {
    start: String,
    hours: i64,
    minutes: i64,
    end: String,
    end_by_zone: BTreeMap<&'static str, String>,
    calendar: &'a str,
    provisional: bool,
}

/// What every office-time request starts from: how to answer, the calendar, its clock read
/// now, and the office time on it (its hours, or those the request gives).
fn begin<'a>(
    req: &HttpRequest,
    state: &AppState,
    data: &'a Snapshot,
    params: &Params,
    given: &'a Option<DayHours>,
) -> Result<(render::Negotiated, &'a Calendar, Clock, HoursSource<'a>), ApiError> {
    let answer_as = render::negotiate(req, params)?;
    let calendar = data.calendar(state, params)?;
    let office = calendar.office(given.as_ref())?;
    Ok((answer_as, calendar, calendar.clock(Utc::now()), office))
}

pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let given = params.office_hours()?;
    let (answer_as, calendar, clock, office) = begin(&req, &state, &data, &params, &given)?;
    let start = params.required_instant("start", &clock)?;
    let hours = params.required_int("hours")?;
    let minutes = params.int("minutes")?.unwrap_or(0);
    let total = hours
        .checked_mul(60)
        .and_then(|h| h.checked_add(minutes))
        .ok_or_else(|| {
            super::params::invalid(
                "hours",
                Invalid::Value(crate::deadline::BadValue::TooLarge(hours.to_string())),
            )
        })?;
    let end = office.add(&start, total)?.with_timezone(&clock.zone);
    let answer = Answer {
        value: end,
        provisional: calendar.is_provisional_within(start.date_naive(), end.date_naive())?,
    };
    check_strict(params.flag("strict")?, answer, Strictly::Add)?;
    render::answer(
        answer_as,
        &AddDto {
            start: start.to_rfc3339(),
            hours,
            minutes,
            end: end.to_rfc3339(),
            end_by_zone: by_zone(end),
            calendar: calendar.id(),
            provisional: answer.provisional,
        },
        &[],
    )
}

#[derive(Serialize)]
struct CountDto<'a> {
    from: String,
    to: String,
    calendar: &'a str,
    minutes: i64,
    hours: f64,
    provisional: bool,
}

pub async fn count(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let given = params.office_hours()?;
    let (answer_as, calendar, clock, office) = begin(&req, &state, &data, &params, &given)?;
    let from = params.required_instant("from", &clock)?;
    let to = params.required_instant("to", &clock)?;
    let minutes = office.count(&from, &to)?;
    let answer = Answer {
        value: minutes,
        provisional: calendar.is_provisional_within(from.date_naive(), to.date_naive())?,
    };
    check_strict(params.flag("strict")?, answer, Strictly::Count)?;
    render::answer(
        answer_as,
        &CountDto {
            from: from.to_rfc3339(),
            to: to.to_rfc3339(),
            calendar: calendar.id(),
            minutes,
            hours: minutes as f64 / 60.0,
            provisional: answer.provisional,
        },
        &[],
    )
}

/// An interval as the API shows it.
#[derive(Serialize)]
struct IntervalDto {
    from: String,
    to: String,
}

#[derive(Serialize)]
struct OfficeDto<'a> {
    at: String,
    calendar: &'a str,
    open: bool,
    interval: Option<IntervalDto>,
    opens_at: Option<String>,
    closes_at: Option<String>,
    next_opening: Option<String>,
    provisional: bool,
}

pub async fn office(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let given = params.office_hours()?;
    let (answer_as, calendar, clock, office) = begin(&req, &state, &data, &params, &given)?;
    let at = params
        .instant("at", &clock)?
        .unwrap_or_else(|| clock.now.with_timezone(&clock.zone));
    let state_now = office.state_at(&at)?;
    let show = |t: DateTime<Tz>| t.with_timezone(&clock.zone).to_rfc3339();
    render::answer(
        answer_as,
        &OfficeDto {
            at: show(at),
            calendar: calendar.id(),
            open: state_now.open,
            interval: state_now.interval.map(|(from, to)| IntervalDto {
                from: show(from),
                to: show(to),
            }),
            opens_at: state_now.opens_at.map(show),
            closes_at: state_now.closes_at.map(show),
            next_opening: state_now.next_opening.map(show),
            provisional: calendar.is_provisional_within(at.date_naive(), at.date_naive())?,
        },
        &[],
    )
}
