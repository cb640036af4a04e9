//! `/v1/deadlines`: one deadline (GET or POST) or a batch of them (JSON or CSV).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{
    AppState,
    params::Params,
    problem::{ApiError, Problem},
    render::{self, Format},
};
use crate::calendar::{Calendar, CalendarSet};
use crate::deadline::{
    self, BEIJING, Deadline, Event, Period, Request, Status, Step, URUMQI, Unit, parse_as_of,
    parse_zone,
};
use crate::export;

/// The most explanation days one batch answer may hold (about 10 MB of JSON).
pub const MAX_BATCH_EXPLAINED_DAYS: usize = 100_000;

/// One deadline request, as a JSON object or the query string.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineInput {
    pub rule: Option<String>,
    pub event: Option<String>,
    pub calendar: Option<String>,
    pub timezone: Option<String>,
    #[serde(default, deserialize_with = "whole_number")]
    pub days: Option<i64>,
    pub unit: Option<String>,
    #[serde(default, deserialize_with = "whole_number")]
    pub amount: Option<i64>,
    pub as_of: Option<String>,
    pub explain: Option<bool>,
    pub strict: Option<bool>,
}

/// An integer, also when JSON writes it with a fraction of zero (`7.0`), as JSON allows.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    if let Some(i) = n.as_i64() {
        return Ok(Some(i));
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
        _ => Err(serde::de::Error::custom(format!(
            "{n} is not a whole number of days"
        ))),
    }
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

/// A deadline, with the calendar it was counted on.
struct Computed<'a> {
    calendar: &'a Calendar,
    deadline: Deadline<'a>,
}

/// Computes one deadline; `explain_default` applies when the input does not say.
fn compute<'a>(
    state: &'a AppState,
    set: &'a CalendarSet,
    input: &DeadlineInput,
    explain_default: bool,
) -> Result<Computed<'a>, ApiError> {
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
    let deadline = deadline::compute(calendar, &request)?;
    if input.strict.unwrap_or(false) && deadline.provisional {
        return Err(ApiError::Provisional(
            "the period crosses unpublished years".to_owned(),
        ));
    }
    Ok(Computed { calendar, deadline })
}

impl<'a> DeadlineDto<'a> {
    fn new(state: &'a AppState, computed: Computed<'a>) -> Self {
        let Computed {
            calendar,
            deadline: d,
        } = computed;
        let mut by_zone = BTreeMap::new();
        for z in [BEIJING, URUMQI, d.zone] {
            by_zone.insert(z.name(), d.due_at.with_timezone(&z).to_rfc3339());
        }
        DeadlineDto {
            rule: d.period.rule.map(|r| r.id.as_str()),
            calendar: calendar.id(),
            timezone: d.zone.name(),
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

fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::InvalidBody(format!("not the JSON expected: {e}")))
}

/// One deadline's formats: the due date alone for `WEBSERVICE()`, or a calendar event.
const SINGLE: [Format; 3] = [Format::Json, Format::Text, Format::Ics];

/// One deadline, in `format`.
fn answer_one(
    state: &AppState,
    set: &CalendarSet,
    input: &DeadlineInput,
    format: Format,
) -> Result<HttpResponse, ApiError> {
    let computed = compute(state, set, input, true)?;
    Ok(match format {
        Format::Text => render::text(computed.deadline.due_date),
        Format::Ics => render::ics(&export::deadline_feed(
            computed.calendar,
            &computed.deadline,
            &state.rules.source,
        )),
        _ => render::json(&DeadlineDto::new(state, computed)),
    })
}

pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: Params,
) -> Result<HttpResponse, ApiError> {
    let format = render::negotiate(&req, &params, &SINGLE)?;
    let input = DeadlineInput::from_params(&params)?;
    answer_one(&state, &state.snapshot(), &input, format)
}

pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: Params,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let format = render::negotiate(&req, &params, &SINGLE)?;
    let input: DeadlineInput = parse_json(&body)?;
    answer_one(&state, &state.snapshot(), &input, format)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchInput<'a> {
    /// Each item is parsed on its own, so that one malformed item fails alone; until then it
    /// is its text in the body, not a tree of values.
    #[serde(borrow)]
    items: Vec<&'a RawValue>,
}

#[derive(Serialize)]
struct BatchItem<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<DeadlineDto<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Problem>,
}

impl<'a> BatchItem<'a> {
    fn new(state: &'a AppState, result: Result<Computed<'a>, ApiError>) -> Self {
        match result {
            Ok(computed) => BatchItem {
                ok: true,
                deadline: Some(DeadlineDto::new(state, computed)),
                error: None,
            },
            Err(err) => BatchItem {
                ok: false,
                deadline: None,
                error: Some(err.problem()),
            },
        }
    }
}

/// The CSV columns of a batch's answer: [`BatchRow`]'s fields, in order.
const BATCH_COLUMNS: [&str; 12] = [
    "row",
    "ok",
    "rule",
    "calendar",
    "event_date",
    "unit",
    "amount",
    "due_date",
    "due_at",
    "provisional",
    "error_code",
    "error",
];

/// One item of a batch as a CSV row: the deadline's fields, or the error's.
#[derive(Default, Serialize)]
struct BatchRow<'a> {
    /// The item's place in the request, from 1 (a CSV body's header row not counted).
    row: usize,
    ok: bool,
    rule: Option<&'a str>,
    calendar: Option<&'a str>,
    event_date: Option<NaiveDate>,
    unit: Option<Unit>,
    amount: Option<u32>,
    due_date: Option<NaiveDate>,
    due_at: Option<String>,
    provisional: Option<bool>,
    error_code: Option<String>,
    error: Option<String>,
}

impl<'a> BatchRow<'a> {
    fn new(row: usize, result: Result<Computed<'a>, ApiError>) -> Self {
        match result {
            Ok(Computed { calendar, deadline }) => BatchRow {
                row,
                ok: true,
                rule: deadline.period.rule.map(|r| r.id.as_str()),
                calendar: Some(calendar.id()),
                event_date: Some(deadline.event_date),
                unit: Some(deadline.period.unit),
                amount: Some(deadline.period.amount),
                due_date: Some(deadline.due_date),
                due_at: Some(deadline.due_at.to_rfc3339()),
                provisional: Some(deadline.provisional),
                ..BatchRow::default()
            },
            Err(err) => {
                let problem = err.problem();
                BatchRow {
                    row,
                    error_code: Some(problem.code),
                    error: Some(problem.detail),
                    ..BatchRow::default()
                }
            }
        }
    }
}

/// Whether the body is CSV (`Content-Type: text/csv`); any other body is read as JSON.
fn has_csv_body(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/csv"))
}

/// The items of a JSON batch, each parsed on its own.
fn items_from_json(body: &[u8]) -> Result<Vec<Result<DeadlineInput, ApiError>>, ApiError> {
    let input: BatchInput = serde_json::from_slice(body)
        .map_err(|e| ApiError::InvalidBody(format!("not the JSON expected: {e}")))?;
    Ok(input
        .items
        .into_iter()
        .map(|item| {
            serde_json::from_str::<DeadlineInput>(item.get())
                .map_err(|e| ApiError::InvalidBody(format!("not a deadline request: {e}")))
        })
        .collect())
}

/// The columns a CSV batch's header row may name: the fields of a deadline request.
const CSV_FIELDS: [&str; 10] = [
    "rule", "event", "calendar", "timezone", "days", "unit", "amount", "as_of", "explain", "strict",
];

/// The items of a CSV batch: a header row naming request fields, then one request per row,
/// each read as the query string of `GET /v1/deadlines` would be (an empty cell is absent).
/// A UTF-8 byte order mark (Excel's "CSV UTF-8") is skipped.
fn items_from_csv(body: &[u8]) -> Result<Vec<Result<DeadlineInput, ApiError>>, ApiError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    std::str::from_utf8(body).map_err(|e| {
        ApiError::InvalidBody(format!(
            "the CSV body is not UTF-8 (save it as CSV UTF-8): {e}"
        ))
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let header = reader
        .headers()
        .map_err(|e| ApiError::InvalidBody(format!("the CSV header row is not valid: {e}")))?
        .clone();
    if header.is_empty() {
        return Err(ApiError::InvalidBody(
            "the CSV body is empty; its first row must name the request fields".to_owned(),
        ));
    }
    for (i, name) in header.iter().enumerate() {
        if !CSV_FIELDS.contains(&name) {
            return Err(ApiError::InvalidBody(format!(
                "CSV column {name:?} is not a deadline request field; the fields are {}",
                CSV_FIELDS.join(", ")
            )));
        }
        if header.iter().take(i).any(|earlier| earlier == name) {
            return Err(ApiError::InvalidBody(format!(
                "CSV column {name:?} is named twice"
            )));
        }
    }
    Ok(reader
        .records()
        .map(|record| {
            let record =
                record.map_err(|e| ApiError::InvalidBody(format!("not a CSV row: {e}")))?;
            if record.len() > header.len() {
                return Err(ApiError::InvalidBody(format!(
                    "the row has {} fields but the header names {} columns",
                    record.len(),
                    header.len()
                )));
            }
            let pairs: Vec<(&str, &str)> = header
                .iter()
                .zip(record.iter())
                .filter(|(_, value)| !value.is_empty())
                .collect();
            let query = serde_urlencoded::to_string(pairs)
                .map_err(|e| ApiError::InvalidBody(format!("not a CSV row: {e}")))?;
            DeadlineInput::from_params(&Params::parse(&query))
        })
        .collect())
}

pub async fn batch(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: Params,
    payload: web::Payload,
) -> actix_web::Result<HttpResponse> {
    // A CSV body is answered in CSV unless the caller asks otherwise.
    let csv_body = has_csv_body(&req);
    let offered = match csv_body {
        true => [Format::Csv, Format::Json],
        false => [Format::Json, Format::Csv],
    };
    let format = render::negotiate(&req, &params, &offered)?;
    let bom = params.flag("bom")?;
    // A body announced as too large is refused at once, not after waiting for a turn.
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if let Some(length) = announced.filter(|&n| n > state.max_body_bytes) {
        return Err(ApiError::TooLarge(format!(
            "the body has {length} bytes; at most {} are taken",
            state.max_body_bytes
        ))
        .into());
    }
    // The body is read only once this batch has its turn, and the turn lasts until the answer
    // is sent: the memory of batches is bounded by the number of turns, not of clients.
    let turn = state.batch_turns.take().await;
    let body = web::Bytes::from_request(&req, &mut payload.into_inner()).await?;
    let items = match csv_body {
        true => items_from_csv(&body)?,
        false => items_from_json(&body)?,
    };
    drop(body);
    if items.len() > state.max_batch_items {
        return Err(ApiError::TooLarge(format!(
            "the batch holds {} items; at most {} are taken at once",
            items.len(),
            state.max_batch_items
        ))
        .into());
    }
    let batch = Batch {
        set: state.snapshot(),
        state: state.into_inner(),
        explained: Cell::new(0),
    };
    let mut items = items.into_iter().enumerate();
    Ok(match format {
        Format::Csv => {
            let mut rows = render::CsvRows::new(&BATCH_COLUMNS, bom)?;
            render::streamed("text/csv; charset=utf-8", turn.deadline, move |out| {
                let _turn = &turn;
                let Some((i, item)) = items.next() else {
                    rows.flush(out);
                    return false;
                };
                let row = BatchRow::new(i + 1, batch.compute(item));
                if let Err(err) = rows.write(row, out) {
                    // Cannot happen (the row is flat); if it did, the row would say so.
                    return rows.write(BatchRow::new(i + 1, Err(err)), out).is_ok();
                }
                true
            })
        }
        _ => {
            let mut opened = false;
            render::streamed("application/json", turn.deadline, move |out| {
                let _turn = &turn;
                if !opened {
                    out.extend_from_slice(b"{\"results\":[");
                    opened = true;
                }
                let Some((i, item)) = items.next() else {
                    out.extend_from_slice(b"]}");
                    return false;
                };
                if i > 0 {
                    out.push(b',');
                }
                let start = out.len();
                let result = batch.compute(item);
                if let Err(e) =
                    serde_json::to_writer(&mut *out, &BatchItem::new(&batch.state, result))
                {
                    // Cannot happen (plain structs and strings); if it did, the item would say so.
                    out.truncate(start);
                    let failed =
                        BatchItem::new(&batch.state, Err(ApiError::Internal(e.to_string())));
                    return serde_json::to_writer(&mut *out, &failed).is_ok();
                }
                true
            })
        }
    })
}

/// What a batch answer needs while it is written: the data it started with, and its budget of
/// explained days.
struct Batch {
    state: Arc<AppState>,
    set: Arc<CalendarSet>,
    explained: Cell<usize>,
}

impl Batch {
    /// One item. Explanations are the one part of a batch whose size the caller controls
    /// (3,650 calendar days explained 10,000 times is gigabytes): past a budget, further items
    /// asking for one fail alone, so the work and the answer stay bounded.
    fn compute(&self, item: Result<DeadlineInput, ApiError>) -> Result<Computed<'_>, ApiError> {
        let input = item?;
        let explained = self.explained.get();
        if input.explain == Some(true) && explained >= MAX_BATCH_EXPLAINED_DAYS {
            return Err(ApiError::TooLarge(format!(
                "this batch has already explained {explained} days, the most one batch may; ask for this item's explanation in another request"
            )));
        }
        let computed = compute(&self.state, &self.set, &input, false)?;
        let days = computed.deadline.explanation.as_ref().map_or(0, Vec::len);
        self.explained.set(explained + days);
        Ok(computed)
    }
}
