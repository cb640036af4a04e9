//! `/v1/days`: what kind of day a date is, one or a range.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::{
    AppState, DataMark, Snapshot,
    params::Params,
    problem::ApiError,
    render::{self, Format, Guarded},
};
use crate::calendar::{Answer, CalendarError, Confidence, Day, DayKind};
use crate::text::{Invalid, Strictly};
use crate::time::Clock;

/// One day as a CSV row: [`DayDto`]'s columns as clients read them (its JSON-only fields
/// left out).
#[derive(Serialize, Default)]
pub struct DayRow<'a> {
    date: chrono::NaiveDate,
    calendar: Guarded<&'a str>,
    working: bool,
    kind: &'static str,
    name: Option<Guarded<&'a str>>,
    provisional: bool,
    estimated: bool,
    layer: Option<Guarded<&'a str>>,
    confidence: Option<&'static str>,
    source: Option<Guarded<&'a str>>,
}

/// One day; flat, so that it is also one CSV row ([`DayRow`]).
#[derive(Serialize)]
pub struct DayDto<'a> {
    #[serde(serialize_with = "render::iso_date")]
    date: chrono::NaiveDate,
    calendar: &'a str,
    working: bool,
    kind: DayKind,
    name: Option<&'a str>,
    provisional: bool,
    /// Estimated for an unpublished year; `source` says how.
    estimated: bool,
    /// The layer whose notice decided the day; null for the weekend rule.
    layer: Option<&'a str>,
    confidence: Option<Confidence>,
    source: Option<&'a str>,
    /// A day off that 全国年节及纪念日放假办法 itself gives (not a 调休 rest day). JSON only:
    /// the CSV columns stay as clients read them.
    statutory: bool,
    /// On an estimated day of `low` confidence, the runner-up arrangement in words.
    alternative: Option<&'a str>,
}

impl<'a> DayDto<'a> {
    /// The day as a CSV row.
    pub fn row(&self) -> DayRow<'a> {
        DayRow {
            date: self.date,
            calendar: Guarded(self.calendar),
            working: self.working,
            kind: self.kind.into(),
            name: self.name.map(Guarded),
            provisional: self.provisional,
            estimated: self.estimated,
            layer: self.layer.map(Guarded),
            confidence: self.confidence.map(Into::into),
            source: self.source.map(Guarded),
        }
    }

    pub fn new(calendar: &'a str, day: Day<'a>) -> Self {
        DayDto {
            date: day.date,
            calendar,
            working: day.is_working(),
            kind: day.kind,
            name: day.name,
            provisional: day.provisional,
            estimated: day.estimated,
            layer: day.layer,
            confidence: day.confidence,
            source: day.source,
            statutory: day.statutory,
            alternative: day.alternative,
        }
    }
}

pub async fn one(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    date: web::Path<String>,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let answer_as = render::negotiate(&req, &params)?;
    let calendar = data.calendar(&state, &params)?;
    let date = crate::time::parse_day(&date, &calendar.clock(chrono::Utc::now()))
        .map_err(|e| super::params::invalid("date", Invalid::Date(e)))?;
    let q = DayQuery::read(&params)?;
    let day = calendar.day(date)?;
    super::check_strict(
        q.strict,
        Answer {
            value: (),
            provisional: day.provisional,
        },
        Strictly::Day,
    )?;
    // `working` as text is 1 or 0, as a spreadsheet's IF() and SUM() take it.
    let dto = OneDayDto {
        day: DayDto::new(calendar.id(), day),
        data: data.mark(),
    };
    render::answer(answer_as, &dto, &[])
}

/// The query of `/v1/days/{date}` beyond the calendar and the format
/// ([`super::routes::DAY`]); the date is the path's.
struct DayQuery {
    strict: bool,
}

impl DayQuery {
    fn read(params: &Params) -> Result<Self, ApiError> {
        Ok(DayQuery {
            strict: params.flag("strict")?,
        })
    }
}

/// One day, with the data it was answered from.
#[derive(Serialize)]
struct OneDayDto<'a> {
    #[serde(flatten)]
    day: DayDto<'a>,
    #[serde(flatten)]
    data: DataMark<'a>,
}

#[derive(Serialize)]
struct RangeDto<'a> {
    calendar: &'a str,
    #[serde(flatten)]
    data: DataMark<'a>,
    days: Vec<DayDto<'a>>,
}

pub async fn range(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let answer_as = render::negotiate(&req, &params)?;
    let calendar = data.calendar(&state, &params)?;
    let q = SpanQuery::read(&params, &calendar.clock(chrono::Utc::now()))?;
    let listed = calendar.listing(q.from, q.to).map_err(|e| match e {
        CalendarError::Backwards { .. } | CalendarError::TooLong { .. } => {
            super::params::invalid("to", Invalid::Range(e))
        }
        other => other.into(),
    })?;
    let days = super::check_strict(q.strict, listed, Strictly::Days)?
        .map(|d| DayDto::new(calendar.id(), d));
    match answer_as.format {
        Format::Csv => render::csv(days.map(|d| d.row()), answer_as.bom),
        _ => Ok(render::json(&RangeDto {
            calendar: calendar.id(),
            data: data.mark(),
            days: days.collect(),
        })),
    }
}

/// The query of `/v1/days` and `/v1/workdays/count` beyond the calendar and the format: the
/// days from `from` to `to`, and whether a provisional answer is refused
/// ([`super::routes::DAYS`], [`super::routes::WORKDAYS_COUNT`]).
pub(super) struct SpanQuery {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub strict: bool,
}

impl SpanQuery {
    pub fn read(params: &Params, clock: &Clock) -> Result<Self, ApiError> {
        Ok(SpanQuery {
            from: params.date("from", clock)?,
            to: params.date("to", clock)?,
            strict: params.flag("strict")?,
        })
    }
}
