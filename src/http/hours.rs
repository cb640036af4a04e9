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
struct Office<'a> {
    answer_as: render::Negotiated,
    calendar: &'a Calendar,
    clock: Clock,
    hours: HoursSource<'a>,
}

impl<'a> Office<'a> {
    fn begin(
        req: &HttpRequest,
        state: &AppState,
        data: &'a Snapshot,
        params: &Params,
        given: &'a Option<DayHours>,
    ) -> Result<Self, ApiError> {
        let answer_as = render::negotiate(req, params)?;
        let calendar = data.calendar(state, params)?;
        let hours = calendar.office(given.as_ref())?;
        Ok(Office {
            answer_as,
            calendar,
            clock: calendar.clock(Utc::now()),
            hours,
        })
    }
}

/// The query of `/v1/hours/add` beyond the calendar and its hours ([`super::routes::HOURS_ADD`]).
struct AddQuery {
    start: DateTime<Tz>,
    hours: i64,
    minutes: i64,
    /// The whole, in minutes.
    total: i64,
    strict: bool,
}

impl AddQuery {
    fn read(params: &Params, clock: &Clock) -> Result<Self, ApiError> {
        let start = params.required_instant("start", clock)?;
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
        Ok(AddQuery {
            start,
            hours,
            minutes,
            total,
            strict: params.flag("strict")?,
        })
    }
}

pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let given = params.office_hours()?;
    let office = Office::begin(&req, &state, &data, &params, &given)?;
    let q = AddQuery::read(&params, &office.clock)?;
    let end = office
        .hours
        .add(&q.start, q.total)?
        .with_timezone(&office.clock.zone);
    let calendar = office.calendar;
    let answer = Answer {
        value: end,
        provisional: calendar.is_provisional_within(q.start.date_naive(), end.date_naive())?,
    };
    check_strict(q.strict, answer, Strictly::Add)?;
    render::answer(
        office.answer_as,
        &AddDto {
            start: q.start.to_rfc3339(),
            hours: q.hours,
            minutes: q.minutes,
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
    let office = Office::begin(&req, &state, &data, &params, &given)?;
    let q = CountQuery::read(&params, &office.clock)?;
    let minutes = office.hours.count(&q.from, &q.to)?;
    let calendar = office.calendar;
    let answer = Answer {
        value: minutes,
        provisional: calendar.is_provisional_within(q.from.date_naive(), q.to.date_naive())?,
    };
    check_strict(q.strict, answer, Strictly::Count)?;
    render::answer(
        office.answer_as,
        &CountDto {
            from: q.from.to_rfc3339(),
            to: q.to.to_rfc3339(),
            calendar: calendar.id(),
            minutes,
            hours: minutes as f64 / 60.0,
            provisional: answer.provisional,
        },
        &[],
    )
}

/// The query of `/v1/hours/count` beyond the calendar and its hours
/// ([`super::routes::HOURS_COUNT`]).
struct CountQuery {
    from: DateTime<Tz>,
    to: DateTime<Tz>,
    strict: bool,
}

impl CountQuery {
    fn read(params: &Params, clock: &Clock) -> Result<Self, ApiError> {
        Ok(CountQuery {
            from: params.required_instant("from", clock)?,
            to: params.required_instant("to", clock)?,
            strict: params.flag("strict")?,
        })
    }
}

/// The query of `/v1/office` beyond the calendar and its hours ([`super::routes::OFFICE`]).
struct OfficeQuery {
    /// The moment asked about: `at`, else now.
    at: DateTime<Tz>,
}

impl OfficeQuery {
    fn read(params: &Params, clock: &Clock) -> Result<Self, ApiError> {
        Ok(OfficeQuery {
            at: params
                .instant("at", clock)?
                .unwrap_or_else(|| clock.now.with_timezone(&clock.zone)),
        })
    }
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
    let Office {
        answer_as,
        calendar,
        clock,
        hours,
    } = Office::begin(&req, &state, &data, &params, &given)?;
    let q = OfficeQuery::read(&params, &clock)?;
    let state_now = hours.state_at(&q.at)?;
    let show = |t: DateTime<Tz>| t.with_timezone(&clock.zone).to_rfc3339();
    render::answer(
        answer_as,
        &OfficeDto {
            at: show(q.at),
            calendar: calendar.id(),
            open: state_now.open,
            interval: state_now.interval.map(|(from, to)| IntervalDto {
                from: show(from),
                to: show(to),
            }),
            opens_at: state_now.opens_at.map(show),
            closes_at: state_now.closes_at.map(show),
            next_opening: state_now.next_opening.map(show),
            provisional: calendar.is_provisional_within(q.at.date_naive(), q.at.date_naive())?,
        },
        &[],
    )
}
