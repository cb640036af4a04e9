//! `/v1/holidays/next`: the next festival break from a day — its days off and its makeup
//! working days, the question people ask most of a holiday service.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Serialize;

use super::{AppState, DataMark, Snapshot, params::Params, problem::ApiError, render};
use crate::text::Invalid;
use crate::time::{Clock, parse_day};

/// A festival break.
#[derive(Serialize)]
struct BreakDto<'a> {
    name: &'a str,
    #[serde(serialize_with = "render::iso_date")]
    first_day: NaiveDate,
    #[serde(serialize_with = "render::iso_date")]
    last_day: NaiveDate,
    days: usize,
    days_off: Vec<NaiveDate>,
    statutory_days: Vec<NaiveDate>,
    makeup_days: Vec<NaiveDate>,
    estimated: bool,
}

#[derive(Serialize)]
struct NextDto<'a> {
    calendar: &'a str,
    #[serde(serialize_with = "render::iso_date")]
    from: NaiveDate,
    next: Option<BreakDto<'a>>,
    #[serde(flatten)]
    data: DataMark<'a>,
}

/// `GET /v1/holidays/next?calendar=&from=`: the break that contains `from` or comes after it
/// (`from` defaults to today on the calendar's clock); `next` is null past the supported range.
pub async fn next(
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let calendar = data.calendar(&state, &params)?;
    let q = NextQuery::read(&params, &calendar.clock(chrono::Utc::now()))?;
    let next = calendar.next_break(q.from)?.and_then(|b| {
        Some(BreakDto {
            name: b.name,
            first_day: *b.days_off.first()?,
            last_day: *b.days_off.last()?,
            days: b.days_off.len(),
            days_off: b.days_off,
            statutory_days: b.statutory,
            makeup_days: b.makeup_days,
            estimated: b.estimated,
        })
    });
    Ok(render::json(&NextDto {
        calendar: calendar.id(),
        from: q.from,
        next,
        data: data.mark(),
    }))
}

/// The query of `/v1/holidays/next` beyond the calendar ([`super::routes::HOLIDAYS_NEXT`]).
struct NextQuery {
    /// The day to look from: `from`, else today on the calendar's clock.
    from: NaiveDate,
}

impl NextQuery {
    fn read(params: &Params, clock: &Clock) -> Result<Self, ApiError> {
        let from = match params.get("from")? {
            Some(value) => parse_day(value, clock)
                .map_err(|e| super::params::invalid("from", Invalid::Date(e)))?,
            None => clock.today(),
        };
        Ok(NextQuery { from })
    }
}
