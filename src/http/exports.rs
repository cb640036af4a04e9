//! A calendar's days for whole years: `/v1/calendars/{id}/days` (JSON or CSV),
//! `/v1/calendars/{id}/holidays.ics`, the feed that Outlook, OA calendars and phones subscribe
//! to, `/v1/calendars/{id}/rest-days`, every non-working day for spreadsheets' own
//! `WORKDAY.INTL`, and `/v1/calendars/{id}/workbook.xlsx`, a register whose formulas count on
//! that list offline. All take `year=2026`, or `from_year=2026&to_year=2030` (at most
//! [`MAX_YEARS`]).

use std::ops::RangeInclusive;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Datelike;
use serde::Serialize;

use super::{
    AppState, Snapshot,
    days::DayDto,
    params::{Params, invalid},
    problem::ApiError,
    render::{self, Format, Guarded},
};
use crate::calendar::{Day, DayKind, FIRST_DAY, LAST_DAY, RestDays};
use crate::export::{self, workbook::WorkbookInput};
use crate::text::{Invalid, Lang};

/// The most years one answer covers.
pub const MAX_YEARS: i64 = 10;

/// A year parameter, checked against the supported range.
fn year(params: &Params, name: &'static str) -> Result<Option<i32>, ApiError> {
    let supported = i64::from(FIRST_DAY.year())..=i64::from(LAST_DAY.year());
    params
        .int(name)?
        .map(|y| {
            if supported.contains(&y) {
                Ok(y as i32)
            } else {
                Err(invalid(
                    name,
                    Invalid::YearOutside {
                        year: y,
                        first: FIRST_DAY.year(),
                        last: LAST_DAY.year(),
                    },
                ))
            }
        })
        .transpose()
}

/// The years asked for: `year`, or `from_year` and `to_year` (both included).
fn years(params: &Params) -> Result<RangeInclusive<i32>, ApiError> {
    let (one, from, to) = (
        year(params, "year")?,
        year(params, "from_year")?,
        year(params, "to_year")?,
    );
    match (one, from, to) {
        (Some(y), None, None) => Ok(y..=y),
        (Some(_), _, _) => Err(invalid("year", Invalid::YearAndRange)),
        (None, Some(from), Some(to)) if to < from => {
            Err(invalid("to_year", Invalid::YearsBackwards { from, to }))
        }
        (None, Some(from), Some(to)) if i64::from(to - from) >= MAX_YEARS => Err(invalid(
            "to_year",
            Invalid::TooManyYears {
                from,
                to,
                max: MAX_YEARS,
            },
        )),
        (None, Some(from), Some(to)) => Ok(from..=to),
        (None, Some(_), None) => Err(ApiError::MissingParameter { name: "to_year" }),
        (None, None, Some(_)) => Err(ApiError::MissingParameter { name: "from_year" }),
        (None, None, None) => Err(ApiError::MissingParameter { name: "year" }),
    }
}

#[derive(Serialize)]
struct NoticeDaysDto<'a> {
    calendar: &'a str,
    from_year: i32,
    to_year: i32,
    days: Vec<DayDto<'a>>,
}

/// `GET /v1/calendars/{id}/days`: the days off and makeup working days of whole years.
pub async fn days(
    req: HttpRequest,
    data: Snapshot,
    id: web::Path<String>,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let answer_as = render::negotiate(&req, &params)?;
    let years = years(&params)?;
    let calendar = data.calendar_at(&id)?;
    let days = calendar
        .notice_days(years.clone())?
        .map(|d| DayDto::new(calendar.id(), d));
    match answer_as.format {
        Format::Csv => render::csv(days.map(|d| d.row()), answer_as.bom),
        _ => Ok(render::json(&NoticeDaysDto {
            calendar: calendar.id(),
            from_year: *years.start(),
            to_year: *years.end(),
            days: days.collect(),
        })),
    }
}

/// `GET /v1/calendars/{id}/holidays.ics`: the same days as an iCalendar feed.
pub async fn holidays_ics(
    req: HttpRequest,
    data: Snapshot,
    id: web::Path<String>,
    params: Params,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    render::negotiate(&req, &params)?;
    let years = years(&params)?;
    let calendar = data.calendar_at(&id)?;
    Ok(render::ics(&export::holiday_feed(calendar, years, lang)?))
}

/// One rest day.
#[derive(Serialize)]
struct RestDayDto<'a> {
    #[serde(serialize_with = "render::iso_date")]
    date: chrono::NaiveDate,
    /// `weekend` or `holiday`.
    kind: DayKind,
    name: Option<&'a str>,
    /// An estimated day off of a year whose notice is not out.
    estimated: bool,
    /// In a year whose notice is not out: the notice may still change the day.
    provisional: bool,
}

impl<'a> RestDayDto<'a> {
    fn new(day: &Day<'a>) -> Self {
        RestDayDto {
            date: day.date,
            kind: day.kind,
            name: day.name,
            estimated: day.estimated,
            provisional: day.provisional,
        }
    }

    /// The day as a CSV row.
    fn row(&self) -> RestDayRow<'a> {
        RestDayRow {
            date: self.date,
            kind: self.kind.into(),
            name: self.name.map(Guarded),
            estimated: self.estimated,
            provisional: self.provisional,
        }
    }
}

/// One rest day as a CSV row: the date first, so that a sheet can take the column as
/// `WORKDAY.INTL`'s holidays as it is.
#[derive(Serialize, Default)]
struct RestDayRow<'a> {
    date: chrono::NaiveDate,
    kind: &'static str,
    name: Option<Guarded<&'a str>>,
    estimated: bool,
    provisional: bool,
}

#[derive(Serialize)]
struct RestDaysDto<'a> {
    calendar: &'a str,
    from_year: i32,
    to_year: i32,
    days: Vec<RestDayDto<'a>>,
    estimated_years: &'a [i32],
}

/// `GET /v1/calendars/{id}/rest-days`: every day of whole years on which offices do not work,
/// as JSON, CSV or text (one date a line).
pub async fn rest_days(
    req: HttpRequest,
    data: Snapshot,
    id: web::Path<String>,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let answer_as = render::negotiate(&req, &params)?;
    let years = years(&params)?;
    let calendar = data.calendar_at(&id)?;
    let rest = calendar.rest_days(years)?;
    let days = rest.days.iter().map(RestDayDto::new);
    match answer_as.format {
        Format::Csv => render::csv(days.map(|d| d.row()), answer_as.bom),
        Format::Text => Ok(render::lines(rest.days.iter().map(|d| d.date))),
        _ => Ok(render::json(&RestDaysDto {
            calendar: calendar.id(),
            from_year: *rest.years.start(),
            to_year: *rest.years.end(),
            days: days.collect(),
            estimated_years: &rest.estimated_years,
        })),
    }
}

/// `GET /v1/calendars/{id}/workbook.xlsx`: the offline workbook of whole years, this year
/// and the next when none are asked. Ten years take 153 KB, past the response cache's entry
/// limit: the workbook is written on the blocking pool, two at a time,
/// so that a stream of them cannot hold the workers (and the probes) up. Its notes name the
/// addresses to download it again from: the page's calendar view and its own, on
/// `QIXIAN_PUBLIC_ORIGIN` or else the origin it was asked on.
pub async fn workbook(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    id: web::Path<String>,
    params: Params,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    render::negotiate(&req, &params)?;
    let years = match years(&params) {
        Err(ApiError::MissingParameter { name: "year" }) => this_year_and_next(),
        years => years?,
    };
    let origin = state.origins.of(&req)?;
    let page = state.page;
    let id = id.into_inner();
    let (bytes, name) = state
        .exporting
        .run(move || -> Result<_, ApiError> {
            let calendar = data.calendar_at(&id)?;
            let rest = calendar.rest_days(years)?;
            let address = format!("{origin}{}", workbook_path(calendar.id(), &rest, lang));
            let page = page.then(|| calendar_view(&origin, calendar.id(), &rest, lang));
            let bytes = export::workbook::workbook(&WorkbookInput {
                calendar,
                rest: &rest,
                rules: data.set.rules(),
                data_version: data.set.version(),
                address: &address,
                page: page.as_deref(),
                lang,
            })
            .map_err(|e| ApiError::Internal(Box::new(e)))?;
            Ok((bytes, workbook_file_name(calendar.id(), &rest)))
        })
        .await??;
    Ok(render::xlsx(bytes, &name))
}

/// This year (Beijing) and the next, within the supported years.
fn this_year_and_next() -> RangeInclusive<i32> {
    let year = super::calendars::today().year().min(LAST_DAY.year());
    year..=(year + 1).min(LAST_DAY.year())
}

/// The route that gives a fresh copy of the same workbook, in its canonical form.
fn workbook_path(id: &str, rest: &RestDays<'_>, lang: Lang) -> String {
    let (from, to) = (*rest.years.start(), *rest.years.end());
    let years = if from == to {
        format!("year={from}")
    } else {
        format!("from_year={from}&to_year={to}")
    };
    format!(
        "/v1/calendars/{id}/workbook.xlsx?{years}{}",
        lang_pair(lang, '&')
    )
}

/// The page's calendar view of the workbook's calendar and first year, as the page writes its
/// address (`/#calendar?calendar=cn&year=2026`).
fn calendar_view(origin: &str, id: &str, rest: &RestDays<'_>, lang: Lang) -> String {
    format!(
        "{origin}/#calendar?calendar={id}&year={}{}",
        rest.years.start(),
        lang_pair(lang, '&')
    )
}

/// `lang=en` after `separator` for English; nothing for Chinese, the default.
fn lang_pair(lang: Lang, separator: char) -> String {
    match lang {
        Lang::Zh => String::new(),
        Lang::En => format!("{separator}lang=en"),
    }
}

/// `qixian-cn-xj-kizilsu-2026-2027.xlsx`: the calendar and the years (ids are ASCII).
fn workbook_file_name(id: &str, rest: &RestDays<'_>) -> String {
    let (from, to) = (*rest.years.start(), *rest.years.end());
    let years = if from == to {
        from.to_string()
    } else {
        format!("{from}-{to}")
    };
    format!("qixian-{id}-{years}.xlsx")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years_of(query: &str) -> Result<RangeInclusive<i32>, String> {
        let params = Params::parse(query);
        years(&params).map_err(|e| e.to_string())
    }

    #[test]
    fn one_year_or_a_range_of_up_to_ten_years_is_taken() {
        assert_eq!(years_of("year=2026"), Ok(2026..=2026), "expected one year");
        assert_eq!(
            years_of("from_year=2021&to_year=2030"),
            Ok(2021..=2030),
            "expected ten years"
        );
    }

    #[test]
    fn a_bad_range_names_the_parameter_and_its_value() {
        assert_eq!(
            years_of("from_year=2021&to_year=2031"),
            Err(
                "parameter to_year: 2021 to 2031 spans 11 years; at most 10 are answered at once"
                    .to_owned()
            ),
            "expected eleven years refused"
        );
        assert_eq!(
            years_of("year=1999"),
            Err("parameter year: 1999 is outside the supported years 2000 to 2100".to_owned()),
            "expected 1999 refused"
        );
        assert_eq!(
            years_of("from_year=2026&to_year=2025"),
            Err("parameter to_year: 2025 is before from_year 2026".to_owned()),
            "expected a backward range refused"
        );
        assert_eq!(
            years_of(""),
            Err("parameter year is required".to_owned()),
            "expected year required"
        );
    }
}
