//! `/v1/calendars`: which calendars exist, their layers and each year's coverage.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::params::Params;

use super::{AppState, Snapshot, problem::ApiError, render::json};
use crate::calendar::backtest::Record;
use crate::calendar::{Calendar, Notice, Year};
use crate::store::{AwaitedNotice, FeedStatus, OperatorStatus};
use crate::text::Lang;

#[derive(Serialize)]
struct CalendarDto<'a> {
    id: &'a str,
    name: &'a str,
    parent: Option<&'a str>,
    timezone: &'a str,
    notice: &'a Notice,
    note: &'a str,
    data_version: &'a str,
    years: Vec<YearDto<'a>>,
    /// The feed's last attempt and last accepted file (the feed serves the national layer).
    feed: &'a FeedStatus,
    /// The operator's files in force and refused.
    operator: &'a OperatorStatus,
    /// This year's and next year's notices of its layers that the data lack and nothing
    /// configured will bring.
    awaiting_notices: Vec<AwaitedDto<'a>>,
    /// Its office hours (作息时间), from its most specific layer that gives any; null when
    /// none does.
    office_hours: Option<OfficeHoursDto<'a>>,
}

/// A year as the API shows it: an unpublished one with a line on what is estimated and how
/// sure it is.
#[derive(Serialize)]
struct YearDto<'a> {
    #[serde(flatten)]
    year: &'a Year,
    #[serde(skip_serializing_if = "Option::is_none")]
    outlook: Option<String>,
}

/// A calendar's office hours as the API shows them.
#[derive(Serialize)]
struct OfficeHoursDto<'a> {
    layer: &'a str,
    origin: &'a crate::calendar::Origin,
    #[serde(flatten)]
    file: &'a crate::calendar::hours::HoursFile,
}

/// An awaited notice, with what it means in words.
#[derive(Serialize)]
pub struct AwaitedDto<'a> {
    #[serde(flatten)]
    notice: &'a AwaitedNotice,
    message: String,
}

/// The awaited notices as the API shows them, in `lang`.
pub fn awaited_dtos<'a>(
    awaited: impl IntoIterator<Item = &'a AwaitedNotice>,
    lang: Lang,
) -> Vec<AwaitedDto<'a>> {
    awaited
        .into_iter()
        .map(|notice| AwaitedDto {
            notice,
            message: notice.message(lang),
        })
        .collect()
}

/// Today on the clock of official business, for what depends on the year.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&crate::time::BEIJING)
        .date_naive()
}

fn dto<'a>(
    c: &'a Calendar,
    record: &Record,
    feed: &'a FeedStatus,
    operator: &'a OperatorStatus,
    awaited: &'a [AwaitedNotice],
    lang: Lang,
) -> CalendarDto<'a> {
    let spec = c.spec();
    let this_year = chrono::Datelike::year(&today());
    let awaited_years = this_year..=this_year + 1;
    let layers: Vec<&str> = c.layers().collect();
    CalendarDto {
        id: &spec.id,
        name: &spec.name,
        parent: spec.parent.as_deref(),
        timezone: spec.timezone.name(),
        notice: &spec.notice,
        note: lang.pick(&spec.note),
        data_version: c.version(),
        years: c
            .years()
            .iter()
            .map(|year| YearDto {
                year,
                // The years a notice is awaited for; a line on each of the 80 estimated years
                // would double the answer the page loads first.
                outlook: awaited_years
                    .contains(&year.year)
                    .then(|| c.estimate_of(year.year))
                    .flatten()
                    .map(|e| lang.says().year_outlook(year.year, &e, record)),
            })
            .collect(),
        feed,
        operator,
        // Only this calendar's layers' messages are written.
        awaiting_notices: awaited_dtos(
            awaited
                .iter()
                .filter(|notice| layers.contains(&notice.layer.as_str())),
            lang,
        ),
        office_hours: c.office_hours().map(|h| OfficeHoursDto {
            layer: &h.layer,
            origin: &h.origin,
            file: &h.file,
        }),
    }
}

pub async fn list(
    state: web::Data<AppState>,
    data: Snapshot,
    _: Params,
    lang: Lang,
) -> HttpResponse {
    let set = &data.set;
    let (feed, operator) = (state.store.feed_status(), state.store.operator_status());
    let awaited = state.store.awaited_notices(&data.set, today());
    json(
        &set.iter()
            .map(|c| dto(c, set.projection_record(), &feed, &operator, &awaited, lang))
            .collect::<Vec<_>>(),
    )
}

pub async fn one(
    state: web::Data<AppState>,
    data: Snapshot,
    id: web::Path<String>,
    _: Params,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let calendar = data.calendar_at(&id)?;
    let (feed, operator) = (state.store.feed_status(), state.store.operator_status());
    let awaited = state.store.awaited_notices(&data.set, today());
    Ok(json(&dto(
        calendar,
        data.set.projection_record(),
        &feed,
        &operator,
        &awaited,
        lang,
    )))
}
