//! `/v1/calendars`: which calendars exist, their layers and each year's coverage.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use super::params::Params;

use super::{AppState, Snapshot, problem::ApiError, render::json};
use crate::calendar::{Calendar, Notice, Year};
use crate::store::{FeedStatus, OperatorStatus};

#[derive(Serialize)]
struct CalendarDto<'a> {
    id: &'a str,
    name: &'a str,
    parent: Option<&'a str>,
    timezone: &'a str,
    notice: &'a Notice,
    note: &'a str,
    data_version: &'a str,
    years: &'a [Year],
    /// The feed's last attempt and last accepted file (the feed serves the national layer).
    feed: &'a FeedStatus,
    /// The operator's files in force and refused.
    operator: &'a OperatorStatus,
}

fn dto<'a>(c: &'a Calendar, feed: &'a FeedStatus, operator: &'a OperatorStatus) -> CalendarDto<'a> {
    let spec = c.spec();
    CalendarDto {
        id: &spec.id,
        name: &spec.name,
        parent: spec.parent.as_deref(),
        timezone: spec.timezone.name(),
        notice: &spec.notice,
        note: &spec.note,
        data_version: c.version(),
        years: c.years(),
        feed,
        operator,
    }
}

pub async fn list(state: web::Data<AppState>, data: Snapshot, _: Params) -> HttpResponse {
    let set = &data.0;
    let (feed, operator) = (state.store.feed_status(), state.store.operator_status());
    json(
        &set.iter()
            .map(|c| dto(c, &feed, &operator))
            .collect::<Vec<_>>(),
    )
}

pub async fn one(
    state: web::Data<AppState>,
    data: Snapshot,
    id: web::Path<String>,
    _: Params,
) -> Result<HttpResponse, ApiError> {
    let calendar = data.calendar_at(&id)?;
    let (feed, operator) = (state.store.feed_status(), state.store.operator_status());
    Ok(json(&dto(calendar, &feed, &operator)))
}
