//! Deadlines: a period (a rule of the working rules, or an ad hoc one) counted from an event on
//! a calendar, on a chosen clock, as Chinese law counts periods (see `legal-periods.md`):
//! the event day never counts; a working-day period skips every rest day and counts makeup
//! working days; a calendar-day period only rolls its last day forward to a working day; the
//! period ends at 24:00 of the due day.
//!
//! Nothing here knows about HTTP.

mod rules;
mod zone;

use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

use crate::calendar::{Calendar, CalendarError, DayKind};

pub use rules::{Consequence, EMBEDDED_RULES, Rule, RuleBook, Unit};
pub use zone::{BEIJING, Event, URUMQI, end_of_day, parse_as_of, parse_date, parse_zone, shorten};

/// The lengths a period may have.
pub const AMOUNTS: RangeInclusive<i64> = 1..=3650;

/// Why a deadline cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("rule {id:?} is not known; known rules: {known}")]
    UnknownRule { id: String, known: String },
    #[error(
        "time zone {name:?} is not an IANA time zone name such as Asia/Shanghai or Asia/Urumqi"
    )]
    UnknownTimezone { name: String },
    #[error("event {value:?}: {reason}")]
    InvalidEvent { value: String, reason: String },
    #[error("as_of {value:?}: {reason}")]
    InvalidAsOf { value: String, reason: String },
    #[error("rule {rule} fixes its period at {amount} {unit}; only an adjustable rule takes days")]
    DaysNotAllowed {
        rule: String,
        amount: u32,
        unit: &'static str,
    },
    #[error("rule {rule} counts in {unit}; a unit of its own is only for an ad hoc period")]
    UnitNotAllowed { rule: String, unit: &'static str },
    #[error("a period of {amount} days is out of range: it must run from 1 to 3650")]
    AmountOutOfRange { amount: i64 },
    #[error("a deadline needs either a rule, or a unit and an amount")]
    MissingPeriod,
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// A period to count: a rule's, possibly with the caller's amount, or an ad hoc one.
#[derive(Clone, Copy, Debug)]
pub struct Period<'r> {
    pub rule: Option<&'r Rule>,
    pub unit: Unit,
    pub amount: u32,
}

impl<'r> Period<'r> {
    /// Resolves what the caller asked for: a rule id (with `days` where the rule allows it), or
    /// an ad hoc `unit` and `amount`.
    ///
    /// # Errors
    /// [`DeadlineError::UnknownRule`], [`DeadlineError::DaysNotAllowed`],
    /// [`DeadlineError::AmountOutOfRange`], or [`DeadlineError::MissingPeriod`].
    ///
    /// # Example
    /// ```
    /// use qixian::deadline::{Period, RuleBook};
    /// let book = RuleBook::embedded();
    /// let p = Period::resolve(&book, Some("countersign-reply"), None, Some(10)).unwrap();
    /// assert_eq!(p.amount, 10);
    /// assert!(Period::resolve(&book, Some("meeting-issuance"), None, Some(10)).is_err());
    /// ```
    pub fn resolve(
        book: &'r RuleBook,
        rule: Option<&str>,
        unit: Option<Unit>,
        amount: Option<i64>,
    ) -> Result<Self, DeadlineError> {
        let checked = |amount: i64| {
            if AMOUNTS.contains(&amount) {
                Ok(amount as u32)
            } else {
                Err(DeadlineError::AmountOutOfRange { amount })
            }
        };
        match rule {
            Some(id) => {
                let rule = book.get(id).ok_or_else(|| DeadlineError::UnknownRule {
                    id: id.to_owned(),
                    known: book.ids(),
                })?;
                let amount = match amount {
                    None => rule.amount,
                    Some(_) if !rule.adjustable => {
                        return Err(DeadlineError::DaysNotAllowed {
                            rule: rule.id.clone(),
                            amount: rule.amount,
                            unit: rule.unit.as_str(),
                        });
                    }
                    Some(n) => checked(n)?,
                };
                if unit.is_some_and(|u| u != rule.unit) {
                    return Err(DeadlineError::UnitNotAllowed {
                        rule: rule.id.clone(),
                        unit: rule.unit.as_str(),
                    });
                }
                Ok(Period {
                    rule: Some(rule),
                    unit: rule.unit,
                    amount,
                })
            }
            None => match (unit, amount) {
                (Some(unit), Some(n)) => Ok(Period {
                    rule: None,
                    unit,
                    amount: checked(n)?,
                }),
                _ => Err(DeadlineError::MissingPeriod),
            },
        }
    }
}

/// Whether a deadline is still ahead, on its day, or past, as of a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Pending,
    DueToday,
    Overdue,
}

/// A deadline as of a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Status {
    pub as_of_date: NaiveDate,
    pub state: State,
    /// Working days after `as_of_date` up to and including the due date; 0 on the due date;
    /// negative once overdue (minus the working days since the due date).
    pub working_days_left: i64,
    /// What the lapse means under the rule, once overdue.
    pub consequence: Option<Consequence>,
}

/// One day walked between the event and the due date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub date: NaiveDate,
    pub weekday: &'static str,
    pub kind: DayKind,
    pub counted: bool,
    /// The day's place in the period (1, 2, …) when it counted.
    pub ordinal: Option<u32>,
    pub reason: String,
}

/// A computed deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline<'r> {
    pub period: Period<'r>,
    pub zone: Tz,
    pub event_date: NaiveDate,
    pub due_date: NaiveDate,
    pub due_at: DateTime<Tz>,
    pub provisional: bool,
    pub explanation: Option<Vec<Step>>,
    pub status: Option<Status>,
}

impl PartialEq for Period<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.rule.map(|r| &r.id) == other.rule.map(|r| &r.id)
            && self.unit == other.unit
            && self.amount == other.amount
    }
}
impl Eq for Period<'_> {}

/// What to compute.
#[derive(Clone, Copy, Debug)]
pub struct Request<'r> {
    pub period: Period<'r>,
    pub event: Event,
    pub zone: Tz,
    pub as_of: Option<NaiveDate>,
    pub explain: bool,
}

/// Counts `request`'s period on `calendar`.
///
/// # Errors
/// [`DeadlineError::Calendar`] when the event or the due date falls outside the supported
/// range.
///
/// # Example
/// ```
/// use qixian::calendar::CalendarSet;
/// use qixian::deadline::{compute, Event, Period, Request, RuleBook, BEIJING};
/// let (set, book) = (CalendarSet::embedded().unwrap(), RuleBook::embedded());
/// let request = Request {
///     period: Period::resolve(&book, Some("meeting-issuance"), None, None).unwrap(),
///     event: Event::parse("2025-06-04").unwrap(),
///     zone: BEIJING,
///     as_of: None,
///     explain: false,
/// };
/// let due = compute(set.get("cn-xj").unwrap(), &request).unwrap();
/// assert_eq!(due.due_date.to_string(), "2025-06-18", "古尔邦节 6/6–6/10 is skipped");
/// assert_eq!(due.due_at.to_rfc3339(), "2025-06-19T00:00:00+08:00");
/// ```
pub fn compute<'r>(
    calendar: &Calendar,
    request: &Request<'r>,
) -> Result<Deadline<'r>, DeadlineError> {
    let Request {
        period,
        event,
        zone,
        as_of,
        explain,
    } = *request;
    let event_date = event.local_date(zone);
    calendar.day(event_date)?;
    let amount = i64::from(period.amount);
    let (due, provisional) = match period.unit {
        Unit::WorkingDays => {
            let due = calendar.add_working_days(event_date, amount)?;
            (due.value, due.provisional)
        }
        Unit::CalendarDays => {
            let last = event_date
                .checked_add_days(chrono::Days::new(u64::from(period.amount)))
                .ok_or(CalendarError::OutOfRange { date: event_date })?;
            let due = calendar.roll_forward(last)?;
            // A calendar-day period depends only on the days from its nominal last day on.
            (due.value, due.provisional)
        }
    };
    let explanation = explain
        .then(|| explain_steps(calendar, period, event_date, due))
        .transpose()?;
    let status = as_of
        .map(|date| status_on(calendar, period, due, date))
        .transpose()?;
    Ok(Deadline {
        period,
        zone,
        event_date,
        due_date: due,
        due_at: end_of_day(due, zone),
        provisional,
        explanation,
        status,
    })
}

fn status_on(
    calendar: &Calendar,
    period: Period<'_>,
    due: NaiveDate,
    today: NaiveDate,
) -> Result<Status, DeadlineError> {
    let state = match today.cmp(&due) {
        std::cmp::Ordering::Less => State::Pending,
        std::cmp::Ordering::Equal => State::DueToday,
        std::cmp::Ordering::Greater => State::Overdue,
    };
    let working_days_left = match state {
        State::DueToday => 0,
        // Working days in (today, due] — NETWORKDAYS without today.
        State::Pending => {
            calendar.working_days_between(today, due)?.value
                - i64::from(calendar.is_working_day(today)?)
        }
        // Minus the working days in (due, today].
        State::Overdue => {
            -(calendar.working_days_between(due, today)?.value
                - i64::from(calendar.is_working_day(due)?))
        }
    };
    Ok(Status {
        as_of_date: today,
        state,
        working_days_left,
        consequence: (state == State::Overdue)
            .then(|| period.rule.and_then(|r| r.on_lapse))
            .flatten(),
    })
}

fn weekday_name(day: Weekday) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][day.num_days_from_monday() as usize]
}

/// The days from the event to the due date, each with whether and why it counted.
fn explain_steps(
    calendar: &Calendar,
    period: Period<'_>,
    event_date: NaiveDate,
    due: NaiveDate,
) -> Result<Vec<Step>, DeadlineError> {
    let mut steps = Vec::with_capacity((due - event_date).num_days() as usize + 1);
    let mut ordinal = 0u32;
    for day in calendar.days(event_date, due)? {
        let what = match (day.kind, day.name) {
            (DayKind::Holiday, Some(name)) => format!("holiday ({name})"),
            (DayKind::MakeupWorkday, Some(name)) => format!("makeup working day ({name} 调休上班)"),
            (DayKind::Weekend, _) => "weekend".to_owned(),
            (DayKind::Holiday, None) => "holiday".to_owned(),
            _ => "working day".to_owned(),
        };
        let (counted, reason) = if day.date == event_date {
            (
                false,
                format!("event day, not counted (民法典 第二百零一条); {what}"),
            )
        } else {
            match period.unit {
                Unit::WorkingDays if day.is_working() => (true, what),
                Unit::WorkingDays => (false, format!("{what}, not a working day")),
                Unit::CalendarDays if ordinal < period.amount => (true, what),
                Unit::CalendarDays => (
                    false,
                    format!(
                        "{what}; the last day fell on a rest day and moves to the next working day (民法典 第二百零三条)"
                    ),
                ),
            }
        };
        if counted {
            ordinal += 1;
        }
        steps.push(Step {
            date: day.date,
            weekday: weekday_name(day.date.weekday()),
            kind: day.kind,
            counted,
            ordinal: counted.then_some(ordinal),
            reason,
        });
    }
    Ok(steps)
}

#[cfg(test)]
mod tests;
