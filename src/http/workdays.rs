//! `/v1/workdays`: WORKDAY and NETWORKDAYS on China's calendars.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Serialize;

use super::{
    AppState, check_strict,
    params::Params,
    problem::ApiError,
    render::{self, Format},
};

/// Both answers are one value: `format=text` gives it bare, for `WEBSERVICE()`.
const OFFERED: [Format; 2] = [Format::Json, Format::Text];

#[derive(Serialize)]
struct AddDto<'a> {
    #[serde(serialize_with = "render::iso_date")]
    start: NaiveDate,
    days: i64,
    #[serde(serialize_with = "render::iso_date")]
    date: NaiveDate,
    calendar: &'a str,
    provisional: bool,
}

pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let format = render::negotiate(&req, &params, &OFFERED)?;
    let start = params.date("start")?;
    let days = params
        .int("days")?
        .ok_or(ApiError::MissingParameter { name: "days" })?;
    let set = state.snapshot();
    let calendar = set.get(state.calendar_id(&params)?)?;
    let answer = calendar.add_working_days(start, days)?;
    check_strict(
        params.flag("strict")?,
        answer,
        "the count crosses unpublished years",
    )?;
    Ok(match format {
        Format::Text => render::text(answer.value),
        _ => render::json(&AddDto {
            start,
            days,
            date: answer.value,
            calendar: calendar.id(),
            provisional: answer.provisional,
        }),
    })
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
}

pub async fn count(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let format = render::negotiate(&req, &params, &OFFERED)?;
    let (from, to) = (params.date("from")?, params.date("to")?);
    let set = state.snapshot();
    let calendar = set.get(state.calendar_id(&params)?)?;
    let answer = calendar.working_days_between(from, to)?;
    check_strict(
        params.flag("strict")?,
        answer,
        "the range includes unpublished years",
    )?;
    Ok(match format {
        Format::Text => render::text(answer.value),
        _ => render::json(&CountDto {
            from,
            to,
            calendar: calendar.id(),
            working_days: answer.value,
            provisional: answer.provisional,
        }),
    })
}
