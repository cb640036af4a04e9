//! `/v1/workdays`: WORKDAY and NETWORKDAYS on China's calendars.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::{
    AppState, DataMark, Snapshot, check_strict, days::SpanQuery, params::Params, problem::ApiError,
    render,
};
use crate::calendar::Roll;
use crate::text::Strictly;

#[derive(Serialize)]
struct AddDto<'a> {
    #[serde(serialize_with = "render::iso_date")]
    start: NaiveDate,
    days: i64,
    #[serde(serialize_with = "render::iso_date")]
    date: NaiveDate,
    calendar: &'a str,
    provisional: bool,
    #[serde(flatten)]
    data: DataMark<'a>,
}

pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let answer_as = render::negotiate(&req, &params)?;
    let calendar = data.calendar(&state, &params)?;
    let q = AddQuery::read(&params, &calendar.clock(Utc::now()))?;
    let answer = calendar.workday(q.start, q.days, q.roll)?;
    check_strict(q.strict, answer, Strictly::Add)?;
    let dto = AddDto {
        start: q.start,
        days: q.days,
        date: answer.value,
        calendar: calendar.id(),
        provisional: answer.provisional,
        data: data.mark(),
    };
    render::answer(answer_as, &dto, &[])
}

/// The query of `/v1/workdays/add` beyond the calendar ([`super::routes::WORKDAYS_ADD`]).
struct AddQuery {
    start: NaiveDate,
    days: i64,
    roll: Roll,
    strict: bool,
}

impl AddQuery {
    fn read(params: &Params, clock: &crate::time::Clock) -> Result<Self, ApiError> {
        Ok(AddQuery {
            start: params.date("start", clock)?,
            days: params.required_int("days")?,
            roll: params.choice("roll")?,
            strict: params.flag("strict")?,
        })
    }
}

#[derive(Serialize)]
struct CountDto<'a> {
    #[serde(serialize_with = "render::iso_date")]
    from: NaiveDate,
    #[serde(serialize_with = "render::iso_date")]
    to: NaiveDate,
    calendar: &'a str,
    working_days: i64,
    provisional: bool,
    #[serde(flatten)]
    data: DataMark<'a>,
}

pub async fn count(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let answer_as = render::negotiate(&req, &params)?;
    let calendar = data.calendar(&state, &params)?;
    let q = SpanQuery::read(&params, &calendar.clock(Utc::now()))?;
    let answer = calendar.working_days_between(q.from, q.to)?;
    check_strict(q.strict, answer, Strictly::Count)?;
    let dto = CountDto {
        from: q.from,
        to: q.to,
        calendar: calendar.id(),
        working_days: answer.value,
        provisional: answer.provisional,
        data: data.mark(),
    };
    render::answer(answer_as, &dto, &[])
}
