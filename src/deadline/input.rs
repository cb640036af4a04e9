//! A deadline request as callers write it — a JSON object, a query string, a CSV row — and
//! the one place its defaults are decided: the calendar's own clock, the default calendar,
//! whether to explain.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize};

use strum::VariantNames;

use super::{
    Bound, Counting, Cutoff, Deadline, DeadlineError, Direction, Form, Period, Request, RuleBook,
    Unit, compute,
};
use crate::calendar::hours::DayHours;
use crate::calendar::{Calendar, CalendarSet};
use crate::time::{Clock, Moment, parse_zone, quoted};
use chrono::NaiveDate;

/// One deadline request, field by field as the caller wrote it. Every field is optional here;
/// [`answer`] says which are required and what each defaults to.
/// Written back (`Serialize`) as it was read, so that a register keeps it whole; an absent
/// field is written as `null`, which reads back as absent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// A rule id (`countersign-reply`), in any case.
    pub rule: Option<String>,
    /// When the period runs from: a date, a date-time with or without offset, `now` or `today`.
    pub event: Option<String>,
    /// The calendar to count on; default: the service's default calendar.
    pub calendar: Option<String>,
    /// The counting clock (an IANA zone); default: the calendar's own.
    pub timezone: Option<String>,
    /// The clock a date-time without offset is read on; default: the counting clock.
    pub event_timezone: Option<String>,
    /// The period's length for an adjustable rule (the same as `amount`).
    #[serde(default, deserialize_with = "whole_number")]
    pub days: Option<i64>,
    /// An ad hoc period's unit: `working_days` or `calendar_days`.
    pub unit: Option<String>,
    /// An ad hoc period's length, or an adjustable rule's.
    #[serde(default, deserialize_with = "whole_number")]
    pub amount: Option<i64>,
    /// The day (or moment) to judge the status on.
    pub as_of: Option<String>,
    /// The day (or moment) the act was done (办结): the status says whether in time.
    pub completed_at: Option<String>,
    /// Whether to explain every day; default: yes for one deadline, no in a batch.
    #[serde(default, deserialize_with = "flag")]
    pub explain: Option<bool>,
    /// Whether to refuse an answer that depends on an unpublished year.
    #[serde(default, deserialize_with = "flag")]
    pub strict: Option<bool>,
    /// The caller's own name for the deadline (a document number): part of the calendar
    /// event's UID, so two documents with the same rule and date stay two events.
    pub id: Option<String>,
    /// When the last day ends: `close_of_business` (the default) or `midnight`.
    pub cutoff: Option<String>,
    /// Office hours for every working day (`10:00-14:00,16:00-20:00`), instead of the
    /// calendar's.
    pub office_hours: Option<String>,
    /// An ad hoc period's direction: `forward` (the default) or `backward`.
    pub direction: Option<String>,
    /// An ad hoc period's bound: `within` (the default) or `at_least`.
    pub bound: Option<String>,
    /// An ad hoc calendar-day period's counting: `civil` (the default) or `tax`.
    pub counting: Option<String>,
    /// Whether the rule's extension applies.
    #[serde(default, deserialize_with = "flag")]
    pub extended: Option<bool>,
    /// Time that does not count: `<from>/<to>` date intervals, both ends included (several
    /// allowed: a JSON list, or `;` between them in text).
    #[serde(default, deserialize_with = "one_or_many")]
    pub paused: Vec<String>,
    /// A due date agreed with the host department, replacing the period's own.
    pub agreed_due: Option<String>,
    /// Who agreed it (recorded in the answer).
    pub agreed_by: Option<String>,
}

/// A JSON string, or a list of strings (`paused`).
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::One(text)) => vec![text],
        Some(OneOrMany::Many(list)) => list,
    })
}

/// What a field of an [`Input`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holds {
    /// Free text: an id, a name, a zone, office hours.
    Text,
    /// A date, a date-time with or without offset, `now` or `today`.
    Moment,
    /// A date.
    Date,
    /// A whole number.
    WholeNumber,
    /// `true`/`false`, `1`/`0`.
    Flag,
    /// One of these names, in any case.
    Choice(&'static [&'static str]),
    /// `<from>/<to>` intervals of dates: a query string repeats the field, a CSV cell separates
    /// them by `;`, JSON gives a string or a list.
    Intervals,
}

impl Holds {
    /// What a JSON body must give for it.
    fn expected(self) -> Expected {
        match self {
            Holds::WholeNumber => Expected::WholeNumber,
            Holds::Flag => Expected::Flag,
            Holds::Intervals => Expected::TextOrList,
            Holds::Text | Holds::Moment | Holds::Date | Holds::Choice(_) => Expected::Text,
        }
    }
}

/// A field of an [`Input`] written as text that is not of its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// The field.
    pub field: &'static str,
    /// What is wrong with its value.
    pub problem: BadValue,
}

impl std::error::Error for InputError {}

/// A number or flag written as text that is not one; each holds the value, quoted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadValue {
    /// Digits beyond what any period could use.
    TooLarge(String),
    /// Not an integer.
    NotAnInteger(String),
    /// None of `true`, `false`, `1`, `0`.
    NotAFlag(String),
}

/// A JSON body that is not the object expected, where and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonProblem {
    /// The line (1-based) where the reader stopped; 0 when it is not known.
    pub line: usize,
    /// The column (1-based).
    pub column: usize,
    /// What is wrong.
    pub kind: JsonKind,
}

/// What is wrong with a JSON body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonKind {
    /// Not JSON.
    Syntax,
    /// JSON that ends too early.
    Eof,
    /// JSON, but not an object.
    NotAnObject,
    /// A field the object may not have.
    UnknownField {
        /// The name given, quoted.
        name: String,
        /// The closest field it may have.
        suggestion: Option<&'static str>,
    },
    /// A field whose value is not of its type.
    WrongType {
        /// The field.
        field: &'static str,
        /// What it holds.
        expected: Expected,
        /// What it was given, as JSON, shortened.
        found: String,
    },
    /// A batch's `items` missing or not a list.
    NoItems,
}

/// What a JSON field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A string.
    Text,
    /// A whole number.
    WholeNumber,
    /// `true`/`false` (or `1`/`0`).
    Flag,
    /// A string, or a list of strings.
    TextOrList,
}

impl JsonProblem {
    /// Where and how serde's reader stopped, for a body whose shape is not diagnosed further.
    pub fn from_serde(error: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        JsonProblem {
            line: error.line(),
            column: error.column(),
            kind: match error.classify() {
                Category::Eof => JsonKind::Eof,
                Category::Syntax | Category::Io => JsonKind::Syntax,
                Category::Data => JsonKind::NoItems,
            },
        }
    }
}

impl Input {
    /// The fields that ask for a deadline's status: the day to judge it on, the day it was done.
    pub const STATUS_INPUTS: [&'static str; 2] = ["as_of", "completed_at"];

    /// Every field, as JSON bodies, query strings and CSV headers name it, in the struct's
    /// order, with what it holds: the one list of them. The route table's parameters, the
    /// JSON reader's diagnosis and the repeatable fields are read from it.
    pub const SCHEMA: [(&'static str, Holds); 22] = [
        ("rule", Holds::Text),
        ("event", Holds::Moment),
        ("calendar", Holds::Text),
        ("timezone", Holds::Text),
        ("event_timezone", Holds::Text),
        ("days", Holds::WholeNumber),
        ("unit", Holds::Choice(Unit::VARIANTS)),
        ("amount", Holds::WholeNumber),
        ("as_of", Holds::Moment),
        ("completed_at", Holds::Moment),
        ("explain", Holds::Flag),
        ("strict", Holds::Flag),
        ("id", Holds::Text),
        ("cutoff", Holds::Choice(Cutoff::NAMES)),
        ("office_hours", Holds::Text),
        ("direction", Holds::Choice(Direction::VARIANTS)),
        ("bound", Holds::Choice(Bound::VARIANTS)),
        ("counting", Holds::Choice(Counting::VARIANTS)),
        ("extended", Holds::Flag),
        ("paused", Holds::Intervals),
        ("agreed_due", Holds::Date),
        ("agreed_by", Holds::Text),
    ];

    /// The fields' names, in [`Input::SCHEMA`]'s order.
    pub const FIELDS: [&'static str; 22] = {
        let mut names = [""; 22];
        let mut i = 0;
        while i < names.len() {
            names[i] = Self::SCHEMA[i].0;
            i += 1;
        }
        names
    };

    /// What the field `name` holds, when it is one.
    pub fn holds(name: &str) -> Option<Holds> {
        Self::SCHEMA
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, holds)| *holds)
    }

    /// Sets the field `name` from text, as a query string or a CSV cell writes it; an empty
    /// value leaves the field absent. Returns `false` for a name that is no field.
    ///
    /// # Errors
    /// [`InputError`] for a number or flag that is not one.
    ///
    /// # Example
    /// ```
    /// use qixian::deadline::Input;
    /// let mut input = Input::default();
    /// assert_eq!(input.set("days", "10"), Ok(true));
    /// assert_eq!(input.set("explain", "0"), Ok(true));
    /// assert_eq!(input.set("title", "x"), Ok(false));
    /// assert!(input.set("days", "ten").is_err());
    /// assert_eq!((input.days, input.explain), (Some(10), Some(false)));
    /// ```
    pub fn set(&mut self, name: &str, value: &str) -> Result<bool, InputError> {
        if value.is_empty() {
            return Ok(Self::FIELDS.contains(&name));
        }
        let text = || Some(value.to_owned());
        match name {
            "rule" => self.rule = text(),
            "event" => self.event = text(),
            "calendar" => self.calendar = text(),
            "timezone" => self.timezone = text(),
            "event_timezone" => self.event_timezone = text(),
            "unit" => self.unit = text(),
            "as_of" => self.as_of = text(),
            "completed_at" => self.completed_at = text(),
            "id" => self.id = text(),
            "cutoff" => self.cutoff = text(),
            "office_hours" => self.office_hours = text(),
            "direction" => self.direction = text(),
            "bound" => self.bound = text(),
            "counting" => self.counting = text(),
            "extended" => self.extended = Some(flag_text("extended", value)?),
            // Repeated (a query string) or `;`-separated (a CSV cell): every interval counts.
            "paused" => self.paused.extend(
                value
                    .split(';')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned),
            ),
            "agreed_due" => self.agreed_due = text(),
            "agreed_by" => self.agreed_by = text(),
            "days" => self.days = Some(integer("days", value)?),
            "amount" => self.amount = Some(integer("amount", value)?),
            "explain" => self.explain = Some(flag_text("explain", value)?),
            "strict" => self.strict = Some(flag_text("strict", value)?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

impl Input {
    /// Reads a deadline request from a JSON object.
    ///
    /// # Errors
    /// [`JsonProblem`] saying where the body stops being JSON, or which field is unknown
    /// (with the closest known one) or not of its type.
    ///
    /// # Example
    /// ```
    /// use qixian::deadline::{Input, JsonKind};
    /// let input = Input::from_json(br#"{"rule": "countersign-reply", "days": 7.0}"#).unwrap();
    /// assert_eq!(input.days, Some(7));
    /// let typo = Input::from_json(br#"{"calender": "cn"}"#).unwrap_err();
    /// assert!(matches!(typo.kind, JsonKind::UnknownField { suggestion: Some("calendar"), .. }));
    /// ```
    pub fn from_json(body: &[u8]) -> Result<Input, JsonProblem> {
        crate::base::read_json(body).map_err(|e| Self::diagnose(body, &e))
    }

    /// Why `body` is not an [`Input`], in our terms rather than serde's.
    fn diagnose(body: &[u8], error: &serde_json::Error) -> JsonProblem {
        diagnose_object(body, error, &Self::FIELDS, |name| {
            Self::holds(name).map(Holds::expected)
        })
    }
}

/// Why `body` is not the JSON object a reader expected, in our terms rather than serde's:
/// read again as any JSON (only on the error path), the first field that is not one of
/// `fields` (with the closest of them) or whose value is not what `expects` says it holds (its
/// [`Expected`], or `None` for a field that takes any JSON value, read further by its own
/// reader); else where serde stopped. A request body ([`Input`]) and a register's matter
/// share it.
pub fn diagnose_object(
    body: &[u8],
    error: &serde_json::Error,
    fields: &[&'static str],
    expects: impl Fn(&str) -> Option<Expected>,
) -> JsonProblem {
    let at = |kind| JsonProblem {
        line: error.line(),
        column: error.column(),
        kind,
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return JsonProblem::from_serde(error);
    };
    let Some(object) = value.as_object() else {
        return at(JsonKind::NotAnObject);
    };
    for (name, value) in object {
        let Some(&field) = fields.iter().find(|f| **f == name) else {
            return at(JsonKind::UnknownField {
                name: quoted(name),
                suggestion: crate::time::closest(name, fields.iter().copied()),
            });
        };
        let Some(expected) = expects(field) else {
            continue;
        };
        let fits = match (expected, value) {
            (_, serde_json::Value::Null) => true,
            (Expected::Text, v) => v.is_string(),
            (Expected::WholeNumber, v) => v
                .as_f64()
                .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e15),
            (Expected::Flag, v) => v.is_boolean() || v.as_u64().is_some_and(|n| n <= 1),
            (Expected::TextOrList, v) => {
                v.is_string()
                    || v.as_array()
                        .is_some_and(|a| a.iter().all(|i| i.is_string()))
            }
        };
        if !fits {
            return at(JsonKind::WrongType {
                field,
                expected,
                found: crate::time::shorten(&value.to_string()),
            });
        }
    }
    JsonProblem::from_serde(error)
}

/// The choice `value` names (in any case, [`strum::EnumString`]), when given; a name that is
/// none is refused as `refused` says.
fn named<T: std::str::FromStr>(
    value: Option<&str>,
    refused: impl FnOnce(String) -> DeadlineError,
) -> Result<Option<T>, DeadlineError> {
    value
        .map(|v| v.parse().map_err(|_| refused(crate::time::shorten(v))))
        .transpose()
}

/// A choice of the period's form that `value` names, when given; a refusal lists the
/// vocabulary's names.
fn form<T: std::str::FromStr + VariantNames>(
    value: Option<&str>,
    key: &'static str,
) -> Result<Option<T>, DeadlineError> {
    named(value, |value| DeadlineError::UnknownForm {
        key,
        value,
        choices: T::VARIANTS,
    })
}

/// The most `paused` intervals a request may give.
pub const MAX_PAUSED: usize = 64;

/// The most characters of a text an answer echoes (`id`, `agreed_by`), as openapi.yaml says.
pub const MAX_ECHOED: usize = 256;

/// `intervals` in date order, those that overlap or touch (3/9–3/12 and 3/13–3/18) made one.
fn merged(mut intervals: Vec<(NaiveDate, NaiveDate)>) -> Vec<(NaiveDate, NaiveDate)> {
    intervals.sort_unstable();
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::with_capacity(intervals.len());
    for (from, to) in intervals {
        match out.last_mut() {
            Some(last) if from <= last.1.succ_opt().unwrap_or(last.1) => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

/// A `<from>/<to>` interval of dates (both included, `from` not after `to`).
fn interval(text: &str, clock: &Clock) -> Result<(NaiveDate, NaiveDate), DeadlineError> {
    let bad = || DeadlineError::Paused(crate::time::shorten(text));
    // Dates may be written 2026/6/15, so the interval's own `/` is the one between two dates.
    let parts: Vec<&str> = text.split('/').collect();
    let (from, to) = match parts.len() {
        2 => (parts[0].to_owned(), parts[1].to_owned()),
        6 => (parts[..3].join("/"), parts[3..].join("/")),
        _ => return Err(bad()),
    };
    let from = crate::time::parse_day(from.trim(), clock).map_err(|_| bad())?;
    let to = crate::time::parse_day(to.trim(), clock).map_err(|_| bad())?;
    if to < from {
        return Err(bad());
    }
    Ok((from, to))
}

/// An integer written as text; `7.0` is 7.
fn integer(field: &'static str, value: &str) -> Result<i64, InputError> {
    value.parse::<i64>().or_else(|e| {
        let whole = value
            .parse::<f64>()
            .ok()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15);
        match (whole, e.kind()) {
            (Some(f), _) => Ok(f as i64),
            (None, std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow) => {
                Err(InputError {
                    field,
                    problem: BadValue::TooLarge(quoted(value)),
                })
            }
            (None, _) => Err(InputError {
                field,
                problem: BadValue::NotAnInteger(quoted(value)),
            }),
        }
    })
}

/// A flag written as text: `true`/`false` (also `TRUE`/`FALSE`, as a spreadsheet writes a
/// boolean into a URL, and `True`/`False`), `1`/`0`; an empty value is `true`.
pub fn flag_text(field: &'static str, value: &str) -> Result<bool, InputError> {
    match value {
        "" | "1" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "false" | "FALSE" | "False" => Ok(false),
        v => Err(InputError {
            field,
            problem: BadValue::NotAFlag(quoted(v)),
        }),
    }
}

/// An integer, also when JSON writes it with a fraction of zero (`7.0`), as JSON allows.
fn whole_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
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

/// A JSON flag: `true`/`false`, or `1`/`0` as spreadsheets export them.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Number(u8),
    }
    match Option::<Flag>::deserialize(d)? {
        None => Ok(None),
        Some(Flag::Bool(b)) => Ok(Some(b)),
        Some(Flag::Number(n @ (0 | 1))) => Ok(Some(n == 1)),
        Some(Flag::Number(n)) => Err(serde::de::Error::custom(format!(
            "{n} is not true or false"
        ))),
    }
}

/// What an [`Input`] is resolved against.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    /// The calendars in force.
    pub calendars: &'a CalendarSet,
    /// The rules in force.
    pub rules: &'a RuleBook,
    /// The calendar of a request that names none.
    pub default_calendar: &'a str,
    /// The instant `now` and `today` mean.
    pub now: DateTime<Utc>,
    /// Whether a request that does not say is explained (one deadline: yes; a batch: no).
    pub explain_by_default: bool,
}

/// A deadline counted for an [`Input`], with the calendar it was counted on.
#[derive(Debug)]
pub struct DeadlineAnswer<'a> {
    /// The calendar counted on.
    pub calendar: &'a Calendar,
    /// The deadline.
    pub deadline: Deadline<'a>,
}

/// The clock a request counts on (`timezone`, else the calendar's `own`) and the one its
/// event is read on (`event_timezone`, else the counting one).
fn zones(input: &Input, own: Tz) -> Result<(Tz, Tz), DeadlineError> {
    let zone_of = |field, name: &Option<String>| {
        name.as_deref()
            .map(|n| parse_zone(n).map_err(|source| DeadlineError::Zone { field, source }))
            .transpose()
    };
    let zone = zone_of("timezone", &input.timezone)?.unwrap_or(own);
    let read_on = zone_of("event_timezone", &input.event_timezone)?.unwrap_or(zone);
    Ok((zone, read_on))
}

/// The period a request asks for: its rule or its unit and amount, in the forms it names.
fn period_of<'r>(input: &Input, rules: &'r RuleBook) -> Result<Period<'r>, DeadlineError> {
    let unit = input.unit.as_deref().map(str::parse::<Unit>).transpose()?;
    let amount = match (input.days, input.amount) {
        (Some(_), Some(_)) => return Err(DeadlineError::DaysAndAmount),
        (days, amount) => days.or(amount),
    };
    let form = Form {
        direction: form(input.direction.as_deref(), "direction")?,
        bound: form(input.bound.as_deref(), "bound")?,
        counting: form(input.counting.as_deref(), "counting")?,
        extended: input.extended.unwrap_or(false),
    };
    Period::resolve(rules, input.rule.as_deref(), unit, amount, form)
}

/// The paused intervals, at most [`MAX_PAUSED`], merged where they touch.
fn paused_of(input: &Input, clock: &Clock) -> Result<Vec<(NaiveDate, NaiveDate)>, DeadlineError> {
    if input.paused.len() > MAX_PAUSED {
        return Err(DeadlineError::TooManyPaused);
    }
    let paused = input
        .paused
        .iter()
        .map(|text| interval(text, clock))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(merged(paused))
}

/// The texts an answer echoes (the caller's `id`, who agreed `agreed_due`) are at most
/// [`MAX_ECHOED`] characters: they are names, not documents, and they go into every answer,
/// event and register row.
fn echoed_within_bounds(input: &Input) -> Result<(), DeadlineError> {
    for (field, text) in [("id", &input.id), ("agreed_by", &input.agreed_by)] {
        if text
            .as_deref()
            .is_some_and(|t| t.chars().count() > MAX_ECHOED)
        {
            return Err(DeadlineError::TooLong { field });
        }
    }
    Ok(())
}

/// The agreed due date and who agreed it, when given.
fn agreed_of(
    input: &Input,
    clock: &Clock,
) -> Result<Option<(NaiveDate, Option<String>)>, DeadlineError> {
    input
        .agreed_due
        .as_deref()
        .map(|text| {
            crate::time::parse_day(text, clock)
                .map(|date| (date, input.agreed_by.clone()))
                .map_err(|_| DeadlineError::Agreed(crate::time::shorten(text)))
        })
        .transpose()
}

/// A day on the counting clock, and the instant when a time was given.
type DayAndInstant = (NaiveDate, Option<DateTime<Tz>>);

/// A day (and instant, when given with a time) on the counting clock, a time without an
/// offset read on `read_on`: `as_of`, `completed_at`.
fn day_and_instant(
    text: &Option<String>,
    clock: &Clock,
    read_on: Tz,
    bad: fn(crate::time::MomentError) -> DeadlineError,
) -> Result<Option<DayAndInstant>, DeadlineError> {
    text.as_deref()
        .map(|t| {
            Moment::parse_at(t, clock)
                .map(|m| m.read(clock.zone, read_on))
                .map_err(bad)
        })
        .transpose()
}

/// Resolves `input` — every default decided here — and counts it.
///
/// # Errors
/// [`DeadlineError`] naming the field that is missing or wrong; with `strict`, a provisional
/// answer is [`DeadlineError::Provisional`].
///
/// # Example
/// ```
/// use qixian::calendar::CalendarSet;
/// use qixian::deadline::{answer, Context, Input, RuleBook};
/// let (set, rules) = (CalendarSet::embedded().unwrap(), RuleBook::embedded());
/// let context = Context {
///     calendars: &set,
///     rules: &rules,
///     default_calendar: "cn-xj-kizilsu",
///     now: chrono::Utc::now(),
///     explain_by_default: false,
/// };
/// let input = Input {
///     rule: Some("Countersign-Reply".into()),
///     event: Some("2026/9/30 18:00".into()),
///     ..Input::default()
/// };
/// let answer = answer(&input, &context).unwrap();
/// assert_eq!(answer.deadline.due_date.to_string(), "2026-10-15");
/// assert_eq!(answer.deadline.zone.name(), "Asia/Shanghai", "the calendar's clock");
/// ```
pub fn answer<'a>(
    input: &Input,
    context: &Context<'a>,
) -> Result<DeadlineAnswer<'a>, DeadlineError> {
    let calendar = context.calendars.get(
        input
            .calendar
            .as_deref()
            .unwrap_or(context.default_calendar),
    )?;
    let (zone, read_on) = zones(input, calendar.spec().timezone)?;
    echoed_within_bounds(input)?;
    let clock = Clock::new(zone, context.now);
    let event = input
        .event
        .as_deref()
        .ok_or(DeadlineError::Missing("event"))?;
    let event = Moment::parse_at(event, &clock).map_err(DeadlineError::Event)?;
    let period = period_of(input, context.rules)?;
    let paused = paused_of(input, &clock)?;
    let agreed = agreed_of(input, &clock)?;
    let as_of = day_and_instant(&input.as_of, &clock, read_on, DeadlineError::AsOf)?;
    let completed = day_and_instant(
        &input.completed_at,
        &clock,
        read_on,
        DeadlineError::Completed,
    )?;
    let cutoff = named(input.cutoff.as_deref(), DeadlineError::UnknownCutoff)?.unwrap_or_default();
    let hours = input
        .office_hours
        .as_deref()
        .map(DayHours::parse)
        .transpose()
        .map_err(DeadlineError::Hours)?;
    let request = Request {
        period,
        event,
        zone,
        read_on,
        as_of,
        completed,
        explain: input.explain.unwrap_or(context.explain_by_default),
        cutoff,
        hours,
        paused,
        agreed,
    };
    let deadline = compute(calendar, &request)?;
    if input.strict.unwrap_or(false) && deadline.provisional {
        return Err(DeadlineError::Provisional);
    }
    Ok(DeadlineAnswer { calendar, deadline })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names serde reads, taken from the derived `Deserialize` itself.
    fn serde_fields() -> &'static [&'static str] {
        struct Fields(&'static [&'static str]);
        impl<'de> Deserializer<'de> for &mut Fields {
            type Error = serde::de::value::Error;
            fn deserialize_any<V: serde::de::Visitor<'de>>(
                self,
                _: V,
            ) -> Result<V::Value, Self::Error> {
                Err(serde::de::Error::custom("only a struct"))
            }
            fn deserialize_struct<V: serde::de::Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                self.0 = fields;
                Err(serde::de::Error::custom("fields taken"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
                byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
                identifier ignored_any
            }
        }
        let mut fields = Fields(&[]);
        let _ = Input::deserialize(&mut fields);
        fields.0
    }

    #[test]
    fn the_field_list_is_the_one_serde_reads() {
        assert_eq!(
            serde_fields(),
            Input::FIELDS,
            "Input::FIELDS and the struct differ"
        );
    }

    #[test]
    fn every_field_can_be_set_from_text() {
        for (field, holds) in Input::SCHEMA {
            let mut input = Input::default();
            let value = if holds == Holds::WholeNumber {
                "7"
            } else {
                "1"
            };
            assert_eq!(
                input.set(field, value),
                Ok(true),
                "{field} is set from text"
            );
            assert_ne!(input, Input::default(), "{field} changed the input");
        }
    }

    #[test]
    fn a_number_or_flag_field_refuses_what_is_none_and_text_fields_take_anything() {
        for (field, holds) in Input::SCHEMA {
            let refused = Input::default().set(field, "x").is_err();
            let expected = matches!(holds, Holds::WholeNumber | Holds::Flag);
            assert_eq!(refused, expected, "{field} ({holds:?}) given x");
        }
    }

    #[test]
    fn a_choice_field_takes_every_name_it_lists() {
        let rules = RuleBook::embedded();
        let calendars = CalendarSet::embedded().expect("the embedded data");
        let context = Context {
            calendars: &calendars,
            rules: &rules,
            default_calendar: "cn",
            now: Utc::now(),
            explain_by_default: false,
        };
        for (field, holds) in Input::SCHEMA {
            let Holds::Choice(names) = holds else {
                continue;
            };
            for name in names
                .iter()
                .flat_map(|n| [n.to_string(), n.to_ascii_uppercase()])
            {
                let mut input = Input {
                    event: Some("2026-03-02".into()),
                    unit: Some("calendar_days".into()),
                    amount: Some(10),
                    ..Input::default()
                };
                input.set(field, &name).expect("text");
                let refused = |e: &DeadlineError| {
                    matches!(
                        e,
                        DeadlineError::UnknownForm { .. }
                            | DeadlineError::UnknownCutoff(_)
                            | DeadlineError::Unit(_)
                    )
                };
                if let Err(e) = answer(&input, &context) {
                    assert!(!refused(&e), "{field}={name} refused: {e:?}");
                }
            }
            let mut input = Input {
                event: Some("2026-03-02".into()),
                unit: Some("calendar_days".into()),
                amount: Some(10),
                ..Input::default()
            };
            input.set(field, "sideways").expect("text");
            let err = answer(&input, &context).expect_err("no such name");
            assert!(
                matches!(
                    err,
                    DeadlineError::UnknownForm { .. }
                        | DeadlineError::UnknownCutoff(_)
                        | DeadlineError::Unit(_)
                ),
                "{field}=sideways refused as {err:?}"
            );
        }
    }

    #[test]
    fn json_flags_take_booleans_and_one_or_zero() {
        let input: Input = serde_json::from_str(r#"{"explain": 0, "strict": true}"#).unwrap();
        assert_eq!((input.explain, input.strict), (Some(false), Some(true)));
        assert!(serde_json::from_str::<Input>(r#"{"explain": 2}"#).is_err());
        assert!(serde_json::from_str::<Input>(r#"{"days": 7.5}"#).is_err());
        assert_eq!(
            serde_json::from_str::<Input>(r#"{"days": 7.0}"#)
                .unwrap()
                .days,
            Some(7)
        );
    }
}
