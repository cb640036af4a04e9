//! `/v1/deadlines`: one deadline, from the query string (GET) or a JSON body (POST).

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::{
    AppState, DataMark, Snapshot,
    params::Params,
    problem::ApiError,
    render::{self, Format, Negotiated},
};
use crate::calendar::{Calendar, DayKind};
use crate::deadline::{
    self, Bound, Consequence, Context, Counting, Deadline, Direction, Holds, Input, Period, Rule,
    RuleBook, State, Status, Unit,
};
use crate::export;
use crate::text::{Body, Catalogue, Lang};
use crate::time::{BEIJING, ReadAs, URUMQI};

/// The text counted: the rule's own, or the earlier one in force on the event's day.
#[derive(Serialize)]
struct Citation<'a> {
    /// The instrument's name, without dates (`克孜勒苏柯尔克孜自治州人民政府工作规则`).
    statute: &'a str,
    article: &'a str,
    text: &'a str,
    source: String,
    #[serde(serialize_with = "render::iso_date")]
    in_force: NaiveDate,
    /// Whether an earlier text than the rule's current one was counted.
    earlier_text: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    working_days_basis: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_lapse: Option<Consequence>,
    #[serde(flatten)]
    law: super::rules::RuleLaw<'a>,
}

impl<'a> Citation<'a> {
    fn of(rules: &'a RuleBook, period: &Period<'a>) -> Option<Self> {
        let rule = period.rule?;
        let (article, text, working_days_basis) = period.article()?;
        Some(Citation {
            statute: rules.statute_name(rule, period.earlier),
            article,
            text,
            source: rules.instrument_on(rule, period.earlier),
            in_force: period.earlier.map_or(rule.in_force, |e| e.in_force),
            earlier_text: period.earlier.is_some(),
            working_days_basis,
            on_lapse: rule.on_lapse,
            law: super::rules::RuleLaw::of(rule),
        })
    }
}

/// An estimated day of low confidence, with the runner-up arrangement in words.
#[derive(Serialize)]
struct UncertainDto<'a> {
    #[serde(serialize_with = "render::iso_date")]
    date: NaiveDate,
    alternative: Option<&'a str>,
}

/// An extended calendar-day period's two readings, and which the answer took.
#[derive(Serialize)]
struct ReadingsDto {
    #[serde(serialize_with = "render::iso_date")]
    from_rolled_last_day: NaiveDate,
    #[serde(serialize_with = "render::iso_date")]
    from_event: NaiveDate,
    applied: &'static str,
    note: String,
}

/// The event's date as written on its own clock, and the due date counted from it.
#[derive(Serialize)]
struct OtherReadingDto {
    #[serde(serialize_with = "render::iso_date")]
    event_date: NaiveDate,
    #[serde(serialize_with = "render::iso_date")]
    due_date: NaiveDate,
    /// The sentence, except in a batch's brief item.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// The extension applied, and on what condition.
#[derive(Serialize)]
struct ExtensionDto<'a> {
    amount: u32,
    unit: Unit,
    basis: Option<&'a str>,
}

/// A date interval.
#[derive(Serialize)]
struct PausedDto {
    #[serde(serialize_with = "render::iso_date")]
    from: NaiveDate,
    #[serde(serialize_with = "render::iso_date")]
    to: NaiveDate,
}

/// A due date agreed with the host department.
#[derive(Serialize)]
struct AgreedDto {
    #[serde(serialize_with = "render::iso_date")]
    due_date: NaiveDate,
    by: Option<String>,
    /// The period's own due date, which the agreed one replaces.
    #[serde(serialize_with = "render::iso_date")]
    period_due_date: NaiveDate,
}

impl AgreedDto {
    /// The agreed due date and who agreed it, beside the period's own (`period_due`).
    fn of(
        agreed: Option<(NaiveDate, Option<String>)>,
        period_due: Option<NaiveDate>,
    ) -> Option<Self> {
        agreed.map(|(due_date, by)| AgreedDto {
            due_date,
            by,
            period_due_date: period_due.unwrap_or(due_date),
        })
    }
}

/// One day of the explanation, in the answer's language.
#[derive(Serialize)]
struct StepDto {
    #[serde(serialize_with = "render::iso_date")]
    date: NaiveDate,
    weekday: &'static str,
    kind: DayKind,
    name: Option<String>,
    counted: bool,
    ordinal: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    minutes: Option<u32>,
    reason: String,
}

/// The status as of a day, with its sentence.
#[derive(Serialize)]
struct StatusDto {
    #[serde(serialize_with = "render::iso_date")]
    as_of_date: NaiveDate,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "render::iso_date_opt"
    )]
    completed_on: Option<NaiveDate>,
    state: State,
    working_days_left: i64,
    consequence: Option<Consequence>,
    /// The sentence, except in a batch's brief item.
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

impl StatusDto {
    /// `status`, with its sentence when the answer has one.
    fn of(status: &Status, text: Option<String>) -> Self {
        StatusDto {
            as_of_date: status.as_of_date,
            completed_on: status.completed_on,
            state: status.state,
            working_days_left: status.working_days_left,
            consequence: status.consequence,
            text,
        }
    }
}

/// A deadline as the API answers it.
#[derive(Serialize)]
pub struct DeadlineDto<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    rule: Option<String>,
    title: String,
    calendar: &'a str,
    timezone: &'a str,
    event_read_as: ReadAs,
    #[serde(serialize_with = "render::rfc3339_opt")]
    event_at: Option<DateTime<Tz>>,
    #[serde(serialize_with = "render::iso_date")]
    event_date: NaiveDate,
    /// An event time written on another clock whose date there is not `event_date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    other_reading: Option<OtherReadingDto>,
    unit: Unit,
    amount: u32,
    direction: Direction,
    bound: Bound,
    counting: Counting,
    #[serde(skip_serializing_if = "Option::is_none")]
    extension: Option<ExtensionDto<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    paused: Vec<PausedDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agreed: Option<AgreedDto>,
    #[serde(serialize_with = "render::iso_date")]
    due_date: NaiveDate,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "render::iso_date_opt"
    )]
    next_step: Option<NaiveDate>,
    /// For an extended period: the due date before the extension.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "render::iso_date_opt"
    )]
    original_due_date: Option<NaiveDate>,
    #[serde(serialize_with = "render::rfc3339")]
    due_at: DateTime<Tz>,
    due_at_by_zone: BTreeMap<&'static str, String>,
    cutoff: &'static str,
    cutoff_basis: String,
    /// When the law ends the period, where `due_at` is the office's earlier target.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "render::rfc3339_opt"
    )]
    legal_end_at: Option<DateTime<Tz>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extension_readings: Option<ReadingsDto>,
    provisional: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisional_note: Option<String>,
    /// Of the estimated days the answer depends on, those the projection is least sure of.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    uncertain_days: Vec<UncertainDto<'a>>,
    /// For a provisional answer, how likely the date is to move.
    #[serde(skip_serializing_if = "Option::is_none")]
    certainty_note: Option<String>,
    citation: Option<Citation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<Vec<StepDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<StatusDto>,
    #[serde(flatten)]
    data: DataMark<'a>,
}

impl<'a> DeadlineDto<'a> {
    /// The answer for `deadline`, counted on `calendar` of `data` for the request named `id`,
    /// in `lang`.
    pub fn new(
        data: &'a Snapshot,
        calendar: &'a Calendar,
        deadline: Deadline<'a>,
        id: Option<&'a str>,
        lang: Lang,
    ) -> Self {
        let d = deadline;
        let says = lang.says();
        let period = d.period;
        DeadlineDto {
            id,
            rule: period.rule.map(|r| r.full_id()),
            title: match period.rule {
                Some(rule) => lang.pick(&rule.title).to_owned(),
                None => says.ad_hoc_title(&period),
            },
            calendar: calendar.id(),
            timezone: d.zone.name(),
            event_read_as: d.event_read_as,
            event_at: d.event_at,
            event_date: d.event_date,
            other_reading: other_reading(&d, says),
            unit: period.unit,
            amount: period.amount,
            direction: period.direction,
            bound: period.bound,
            counting: period.counting,
            extension: period.extension.map(|amount| ExtensionDto {
                amount,
                unit: period.extension_unit(),
                basis: period.extension_of().map(|e| e.basis.as_str()),
            }),
            paused: d
                .paused
                .iter()
                .map(|&(from, to)| PausedDto { from, to })
                .collect(),
            agreed: AgreedDto::of(d.agreed.clone(), d.period_due),
            due_date: d.due_date,
            next_step: d.next_step,
            original_due_date: d.unextended_due,
            due_at: d.due_at,
            due_at_by_zone: due_at_by_zone(&d),
            cutoff: d.ending.cutoff(),
            cutoff_basis: says.ending(&d.ending, &period),
            legal_end_at: d.legal_end,
            extension_readings: d.readings.map(|r| ReadingsDto {
                from_rolled_last_day: r.from_rolled_last_day,
                from_event: r.from_event,
                applied: "from_event",
                note: says.readings_note(&r),
            }),
            provisional: d.provisional,
            provisional_note: d.provisional.then(|| says.provisional_note()),
            certainty_note: d.provisional.then(|| says.certainty_note(&d.uncertain)),
            uncertain_days: d
                .uncertain
                .iter()
                .map(|&(date, alternative)| UncertainDto { date, alternative })
                .collect(),
            citation: Citation::of(data.set.rules(), &period),
            explanation: explanation(&d, says),
            status: d
                .status
                .map(|s| StatusDto::of(&s, Some(says.status(&s, &period)))),
            data: data.mark(),
        }
    }
}

/// The due instant on Beijing time, Xinjiang time and the counting clock.
fn due_at_by_zone(d: &Deadline<'_>) -> BTreeMap<&'static str, String> {
    [BEIJING, URUMQI, d.zone]
        .into_iter()
        .map(|z| (z.name(), crate::time::in_zone(&d.due_at, z).to_rfc3339()))
        .collect()
}

/// The event and due date read on the other clock, when the event's date differs there,
/// with the sentence that says so.
fn other_reading(d: &Deadline<'_>, says: &dyn Catalogue) -> Option<OtherReadingDto> {
    d.other_reading
        .map(|(event_date, due_date)| OtherReadingDto {
            event_date,
            due_date,
            note: Some(says.other_reading_note(
                (d.event_date, d.due_date),
                (event_date, due_date),
                d.zone.name(),
            )),
        })
}

/// Each day of the count with its reason, the due day's saying when the period ends on it.
fn explanation(d: &Deadline<'_>, says: &dyn Catalogue) -> Option<Vec<StepDto>> {
    let steps = d.explanation.as_ref()?;
    let last = steps
        .iter()
        .position(|s| s.date == d.due_date)
        .unwrap_or(steps.len().saturating_sub(1));
    let time = d.due_at.format("%H:%M").to_string();
    Some(
        steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let mut reason = says.step_reason(step, &d.period);
                if i == last {
                    reason.push_str(&says.last_moment(&d.ending, &time));
                }
                StepDto {
                    date: step.date,
                    weekday: says.weekday(step.date.weekday()),
                    kind: step.kind,
                    reason,
                    name: step.name.clone(),
                    counted: step.counted,
                    ordinal: step.ordinal,
                    minutes: step.minutes,
                }
            })
            .collect(),
    )
}

/// A deadline as a batch answers an item that asks for no explanation: the dates, the
/// instant and the status, each as the full answer ([`DeadlineDto`]) writes it, without its
/// sentences, zones, citation or data version (the batch says that once).
#[derive(Serialize)]
pub struct DeadlineBrief<'a> {
    #[serde(serialize_with = "full_id")]
    rule: Option<&'a Rule>,
    calendar: &'a str,
    timezone: &'a str,
    #[serde(serialize_with = "render::iso_date")]
    event_date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    other_reading: Option<OtherReadingDto>,
    unit: Unit,
    amount: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    agreed: Option<AgreedDto>,
    #[serde(serialize_with = "render::iso_date")]
    due_date: NaiveDate,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "render::iso_date_opt"
    )]
    next_step: Option<NaiveDate>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "render::iso_date_opt"
    )]
    original_due_date: Option<NaiveDate>,
    #[serde(serialize_with = "render::rfc3339")]
    due_at: DateTime<Tz>,
    cutoff: &'static str,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "render::rfc3339_opt"
    )]
    legal_end_at: Option<DateTime<Tz>>,
    provisional: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<StatusDto>,
}

/// Writes a rule's `set/id` ([`Rule::full_id`]) without making a `String` of it: one
/// allocation and a pass through the formatter less for every item of a batch.
fn full_id<S: serde::Serializer>(rule: &Option<&Rule>, serializer: S) -> Result<S::Ok, S::Error> {
    let Some(rule) = rule else {
        return serializer.serialize_none();
    };
    let (set, id) = (rule.set.as_bytes(), rule.id.as_bytes());
    let mut text = [0u8; 96];
    let length = set.len() + 1 + id.len();
    if length > text.len() {
        return serializer.serialize_str(&rule.full_id());
    }
    text[..set.len()].copy_from_slice(set);
    text[set.len()] = b'/';
    text[set.len() + 1..length].copy_from_slice(id);
    // Two strings and an ASCII slash: UTF-8.
    match std::str::from_utf8(&text[..length]) {
        Ok(full) => serializer.serialize_str(full),
        Err(_) => serializer.serialize_str(&rule.full_id()),
    }
}

impl<'a> DeadlineBrief<'a> {
    /// The brief answer for `deadline`, counted on `calendar`.
    pub fn new(calendar: &'a Calendar, deadline: Deadline<'a>) -> Self {
        let d = deadline;
        DeadlineBrief {
            rule: d.period.rule,
            calendar: calendar.id(),
            timezone: d.zone.name(),
            event_date: d.event_date,
            other_reading: d
                .other_reading
                .map(|(event_date, due_date)| OtherReadingDto {
                    event_date,
                    due_date,
                    note: None,
                }),
            unit: d.period.unit,
            amount: d.period.amount,
            agreed: AgreedDto::of(d.agreed, d.period_due),
            due_date: d.due_date,
            next_step: d.next_step,
            original_due_date: d.unextended_due,
            due_at: d.due_at,
            cutoff: d.ending.cutoff(),
            legal_end_at: d.legal_end,
            provisional: d.provisional,
            status: d.status.map(|s| StatusDto::of(&s, None)),
        }
    }
}

/// What the domain needs from the state and the request to answer a deadline.
pub fn context<'a>(state: &'a AppState, data: &'a Snapshot, explain: bool) -> Context<'a> {
    Context {
        calendars: data.set.calendars(),
        rules: data.set.rules(),
        default_calendar: &state.default_calendar,
        now: Utc::now(),
        explain_by_default: explain,
    }
}

/// The fields of a text answer that need `as_of`.
pub(super) const STATUS_FIELDS: [&str; 3] = ["state", "working_days_left", "consequence"];

/// One deadline, in the negotiated format.
fn answer_one(
    state: &AppState,
    data: &Snapshot,
    input: &Input,
    how: Negotiated,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let answer = deadline::answer(input, &context(state, data, true))?;
    let id = input.id.as_deref();
    match how.format {
        Format::Ics => Ok(render::ics(&export::deadline_feed(
            answer.calendar,
            &answer.deadline,
            answer
                .deadline
                .period
                .rule
                .map(|r| {
                    data.set
                        .rules()
                        .statute_name(r, answer.deadline.period.earlier)
                })
                .unwrap_or_default(),
            id,
            lang,
        ))),
        _ => render::answer(
            how,
            &DeadlineDto::new(data, answer.calendar, answer.deadline, id, lang),
            &STATUS_FIELDS,
        ),
    }
}

pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let how = render::negotiate(&req, &params)?;
    let input = query_input(&params)?;
    answer_one(&state, &data, &input, how, lang)
}

/// The query of `GET /v1/deadlines` beyond the format ([`super::routes::DEADLINES`]): a
/// deadline's request, the same [`Input`] a JSON body is read into, set field by field in the
/// order given.
fn query_input(params: &Params) -> Result<Input, ApiError> {
    let mut input = Input::default();
    for (name, value) in params.pairs() {
        // The route's table has let only known names through; a repeated one is refused here,
        // except the one field that is a list.
        if let Some(&(field, holds)) = Input::SCHEMA.iter().find(|(f, _)| *f == name) {
            if holds != Holds::Intervals {
                params.get(field)?;
            }
            input.set(field, value)?;
        }
    }
    Ok(input)
}

pub async fn post(
    req: HttpRequest,
    state: web::Data<AppState>,
    data: Snapshot,
    params: Params,
    body: web::Bytes,
    lang: Lang,
) -> Result<HttpResponse, ApiError> {
    let how = render::negotiate(&req, &params)?;
    let input =
        Input::from_json(&body).map_err(|e| ApiError::InvalidBody(Body::NotADeadline(e)))?;
    answer_one(&state, &data, &input, how, lang)
}
