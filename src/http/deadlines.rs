//! `/v1/deadlines`: one deadline (GET or POST) or a batch of them.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    AppState, json,
    params::Params,
    problem::{ApiError, Problem},
};
use crate::calendar::CalendarSet;
use crate::deadline::{
    self, BEIJING, Event, Period, Request, Status, Step, URUMQI, Unit, parse_as_of, parse_zone,
};

/// One deadline request, as a JSON object or the query string.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineInput {
    pub rule: Option<String>,
    pub event: Option<String>,
    pub calendar: Option<String>,
    pub timezone: Option<String>,
    pub days: Option<i64>,
    pub unit: Option<String>,
    pub amount: Option<i64>,
    pub as_of: Option<String>,
    pub explain: Option<bool>,
    pub strict: Option<bool>,
}

impl DeadlineInput {
    fn from_params(params: &Params) -> Result<Self, ApiError> {
        let text = |name| params.get(name).map(|v| v.map(str::to_owned));
        Ok(DeadlineInput {
            rule: text("rule")?,
            event: text("event")?,
            calendar: text("calendar")?,
            timezone: text("timezone")?,
            days: params.int("days")?,
            unit: text("unit")?,
            amount: params.int("amount")?,
            as_of: text("as_of")?,
            explain: params.opt_flag("explain")?,
            strict: params.opt_flag("strict")?,
        })
    }
}

#[derive(Serialize)]
struct Citation<'a> {
    article: &'a str,
    text: &'a str,
    source: &'a str,
}

#[derive(Serialize)]
pub struct DeadlineDto<'a> {
    rule: Option<&'a str>,
    calendar: &'a str,
    timezone: &'a str,
    event_date: NaiveDate,
    unit: Unit,
    amount: u32,
    due_date: NaiveDate,
    due_at: String,
    due_at_by_zone: BTreeMap<&'static str, String>,
    provisional: bool,
    citation: Option<Citation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<Vec<Step>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
}

fn parse_unit(text: &str) -> Result<Unit, ApiError> {
    match text {
        "working_days" => Ok(Unit::WorkingDays),
        "calendar_days" => Ok(Unit::CalendarDays),
        other => Err(super::params::invalid(
            "unit",
            &format!("{other:?} is neither working_days nor calendar_days"),
        )),
    }
}

/// Computes one deadline; `explain_default` applies when the input does not say.
fn compute<'a>(
    state: &'a AppState,
    set: &'a CalendarSet,
    input: &DeadlineInput,
    explain_default: bool,
) -> Result<DeadlineDto<'a>, ApiError> {
    let zone = input
        .timezone
        .as_deref()
        .map(parse_zone)
        .transpose()?
        .unwrap_or(BEIJING);
    let event = Event::parse(
        input
            .event
            .as_deref()
            .ok_or(ApiError::MissingParameter { name: "event" })?,
    )?;
    let unit = input.unit.as_deref().map(parse_unit).transpose()?;
    let amount = match (input.days, input.amount) {
        (Some(_), Some(_)) => {
            return Err(super::params::invalid(
                "amount",
                "give days or amount, not both",
            ));
        }
        (days, amount) => days.or(amount),
    };
    let period = Period::resolve(&state.rules, input.rule.as_deref(), unit, amount)?;
    let calendar = set.get(input.calendar.as_deref().unwrap_or(&state.default_calendar))?;
    let as_of = input
        .as_of
        .as_deref()
        .map(|t| parse_as_of(t, zone))
        .transpose()?;
    let request = Request {
        period,
        event,
        zone,
        as_of,
        explain: input.explain.unwrap_or(explain_default),
    };
    let d = deadline::compute(calendar, &request)?;
    if input.strict.unwrap_or(false) && d.provisional {
        return Err(ApiError::Provisional(
            "the period crosses unpublished years".to_owned(),
        ));
    }
    let mut by_zone = BTreeMap::new();
    for z in [BEIJING, URUMQI, zone] {
        by_zone.insert(z.name(), d.due_at.with_timezone(&z).to_rfc3339());
    }
    Ok(DeadlineDto {
        rule: period.rule.map(|r| r.id.as_str()),
        calendar: calendar.id(),
        timezone: zone.name(),
        event_date: d.event_date,
        unit: period.unit,
        amount: period.amount,
        due_date: d.due_date,
        due_at: d.due_at.to_rfc3339(),
        due_at_by_zone: by_zone,
        provisional: d.provisional,
        citation: period.rule.map(|r| Citation {
            article: &r.article,
            text: &r.text,
            source: &state.rules.source,
        }),
        explanation: d.explanation,
        status: d.status,
    })
}

fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::InvalidBody(format!("not the JSON expected: {e}")))
}

pub async fn get(state: web::Data<AppState>, params: Params) -> Result<HttpResponse, ApiError> {
    let input = DeadlineInput::from_params(&params)?;
    let set = state.snapshot();
    Ok(json(&compute(&state, &set, &input, true)?))
}

pub async fn post(state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let input: DeadlineInput = parse_json(&body)?;
    let set = state.snapshot();
    Ok(json(&compute(&state, &set, &input, true)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchInput {
    /// Each item is parsed on its own, so that one malformed item fails alone.
    items: Vec<serde_json::Value>,
}

#[derive(Serialize)]
struct BatchItem<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<DeadlineDto<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Problem>,
}

#[derive(Serialize)]
struct BatchDto<'a> {
    results: Vec<BatchItem<'a>>,
}

pub async fn batch(state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let input: BatchInput = parse_json(&body)?;
    if input.items.len() > state.max_batch_items {
        return Err(ApiError::TooLarge(format!(
            "the batch holds {} items; at most {} are taken at once",
            input.items.len(),
            state.max_batch_items
        )));
    }
    let set = state.snapshot();
    let results = input
        .items
        .into_iter()
        .map(|item| {
            serde_json::from_value::<DeadlineInput>(item)
                .map_err(|e| ApiError::InvalidBody(format!("not a deadline request: {e}")))
                .and_then(|input| compute(&state, &set, &input, false))
        })
        .map(|result| match result {
            Ok(deadline) => BatchItem {
                ok: true,
                deadline: Some(deadline),
                error: None,
            },
            Err(err) => BatchItem {
                ok: false,
                deadline: None,
                error: Some(err.problem()),
            },
        })
        .collect();
    Ok(json(&BatchDto { results }))
}
