//! `/v1/deadlines`: one deadline, from the query string (GET) or a JSON body (POST).

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::{
    AppState, Snapshot,
    batch::{self, BatchFormat},
    params::{Params, invalid},
    problem::ApiError,
    render::{self, Format, Negotiated},
};
use crate::calendar::Calendar;
use crate::deadline::{self, Context, Deadline, Input, Status, Step, Unit};
use crate::export;
use crate::time::{BEIJING, ReadAs, URUMQI};

#[derive(Serialize)]
struct Citation<'a> {
    article: &'a str,
    text: &'a str,
    source: &'a str,
}

/// A deadline as the API answers it.
#[derive(Serialize)]
pub struct DeadlineDto<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    rule: Option<&'a str>,
    calendar: &'a str,
    timezone: &'a str,
    event_read_as: ReadAs,
    event_at: Option<String>,
    #[serde(serialize_with = "render::iso_date")]
    event_date: NaiveDate,
    unit: Unit,
    amount: u32,
    #[serde(serialize_with = "render::iso_date")]
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

impl<'a> DeadlineDto<'a> {
    /// The answer for `deadline`, counted on `calendar` for the request named `id`.
    pub fn new(
        state: &'a AppState,
        calendar: &'a Calendar,
        deadline: Deadline<'a>,
        id: Option<&'a str>,
    ) -> Self {
        let d = deadline;
        let mut by_zone = BTreeMap::new();
        for z in [BEIJING, URUMQI, d.zone] {
            by_zone.insert(z.name(), d.due_at.with_timezone(&z).to_rfc3339());
        }
        DeadlineDto {
            id,
            rule: d.period.rule.map(|r| r.id.as_str()),
            calendar: calendar.id(),
            timezone: d.zone.name(),
            event_read_as: d.event_read_as,
            event_at: d.event_at.map(|t| t.to_rfc3339()),
            event_date: d.event_date,
            unit: d.period.unit,
            amount: d.period.amount,
            due_date: d.due_date,
            due_at: d.due_at.to_rfc3339(),
            due_at_by_zone: by_zone,
            provisional: d.provisional,
            citation: d.period.rule.map(|r| Citation {
                article: &r.article,
                text: &r.text,
                source: &state.rules.source,
            }),
            explanation: d.explanation,
            status: d.status,
        }
    }
}

/// What the domain needs from the state and the request to answer a deadline.
pub fn context<'a>(state: &'a AppState, data: &'a Snapshot, explain: bool) -> Context<'a> {
    Context {
        calendars: &data.0,
        rules: &state.rules,
        default_calendar: &state.default_calendar,
        now: Utc::now(),
        explain_by_default: explain,
    }
}

/// Said when a text answer asks for a status field without `as_of`.
const STATUS_HINT: &str =
    "; state, working_days_left and consequence need as_of (as_of=today for today's)";

/// What is wrong with a deadline request's JSON, in the API's words (serde names the Rust type
/// it expected; the caller knows it as a deadline request).
pub fn body_error(e: &serde_json::Error) -> String {
    format!("not a deadline request: {e}").replace("struct Input", "a deadline request object")
}

/// One deadline, in the negotiated format.
fn answer_one(
    state: &AppState,
    data: &Snapshot,
    input: &Input,
    how: Negotiated,
) -> Result<HttpResponse, ApiError> {
    let answer = deadline::answer(input, &context(state, data, true))?;
    let id = input.id.as_deref();
    match how.format {
        Format::Ics => Ok(render::ics(&export::deadline_feed(
            answer.calendar,
            &answer.deadline,
            &state.rules.source,
            id,
        ))),
        _ => render::answer(
            how,
            &DeadlineDto::new(state, answer.calendar, answer.deadline, id),
            STATUS_HINT,
        ),
    }
}

pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let how = render::negotiate(&req, &params)?;
    let mut input = Input::default();
    for (name, value) in params.pairs() {
        // The route's table has let only known names through; a repeated one is refused here.
        if let Some(&field) = Input::FIELDS.iter().find(|f| **f == name) {
            params.get(field)?;
            input
                .set(field, value)
                .map_err(|e| invalid(e.field, &e.reason))?;
        }
    }
    answer_one(&state, &data, &input, how)
}

pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let how = render::negotiate(&req, &params)?;
    let input: Input =
        serde_json::from_slice(&body).map_err(|e| ApiError::InvalidBody(body_error(&e)))?;
    answer_one(&state, &data, &input, how)
}

pub async fn batch(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let kind = batch::body_kind(&req)?;
    let how = render::negotiate_among(&req, &params, kind.answers())?;
    let turn = batch::take_turn(&req, &state).await?;
    let items = batch::read(payload, &state, kind, &turn).await?;
    let format = match how.format {
        Format::Csv => BatchFormat::Csv { bom: how.bom },
        _ => BatchFormat::Json,
    };
    Ok(batch::answer(state.into_inner(), data, items, format, turn))
}
