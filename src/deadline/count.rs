//! Counting a period on a calendar: the due date, the instant it ends, the status as of a day,
//! and the explanation of every day walked.

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use serde::Serialize;

use super::{Consequence, DeadlineError, Period, Unit};
use crate::calendar::{Calendar, CalendarError, DayKind};
use crate::time::{Moment, ReadAs, end_of_day};

/// Whether a deadline is still ahead, on its day, or past, as of a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Before the due date.
    Pending,
    /// On the due date.
    DueToday,
    /// After the due date.
    Overdue,
}

impl State {
    /// The name the API gives it (`due_today`).
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::DueToday => "due_today",
            State::Overdue => "overdue",
        }
    }
}

/// A deadline as of a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Status {
    /// The day it is judged on.
    pub as_of_date: NaiveDate,
    /// Ahead, today, or past.
    pub state: State,
    /// Working days after `as_of_date` up to and including the due date; 0 on the due date;
    /// negative once overdue (minus the working days since the due date).
    pub working_days_left: i64,
    /// What the lapse means under the rule, once overdue.
    pub consequence: Option<Consequence>,
}

/// One day walked between the event and the due date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The day.
    pub date: NaiveDate,
    /// What kind of day it is on the calendar.
    pub kind: DayKind,
    /// Its holiday's name, when a notice names one (also on a makeup working day).
    pub name: Option<String>,
    /// Whether it counted towards the period.
    pub counted: bool,
    /// The day's place in the period (1, 2, …) when it counted.
    pub ordinal: Option<u32>,
    /// Why it counted or not.
    pub why: Why,
}

/// Why a day of a period counted or not, as the law says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// The event's day: 民法典 第二百零一条 starts the period on the next day.
    EventDay,
    /// A day of the period.
    Counted,
    /// A rest day inside a working-day period.
    NotWorking,
    /// A day after a calendar-day period's last day, which fell on a rest day and moves to
    /// the next working day (民法典 第二百零三条).
    Rolled,
}

/// A computed deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadline<'r> {
    /// The period counted.
    pub period: Period<'r>,
    /// The counting clock.
    pub zone: Tz,
    /// How the event was read: with its own offset, on a clock, or as a date.
    pub event_read_as: ReadAs,
    /// The event's instant, when it had a time of day.
    pub event_at: Option<DateTime<Tz>>,
    /// The event's date on the counting clock: day 0 of the period.
    pub event_date: NaiveDate,
    /// The period's last day.
    pub due_date: NaiveDate,
    /// The instant the period ends: 24:00 of the due date on the counting clock.
    pub due_at: DateTime<Tz>,
    /// Whether any day the answer depends on is in an unpublished year.
    pub provisional: bool,
    /// Every day from the event to the due date, when asked for.
    pub explanation: Option<Vec<Step>>,
    /// The status as of a day, when asked for.
    pub status: Option<Status>,
}

/// What to compute: every choice made, nothing left to default.
#[derive(Clone, Copy, Debug)]
pub struct Request<'r> {
    /// The period.
    pub period: Period<'r>,
    /// When it runs from.
    pub event: Moment,
    /// The counting clock: the event's date and the due instant are read on it.
    pub zone: Tz,
    /// The clock a wall-clock event time (no offset) is read on.
    pub read_on: Tz,
    /// The day to judge the status on, if any.
    pub as_of: Option<NaiveDate>,
    /// Whether to explain every day.
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
/// use qixian::deadline::{compute, Period, Request, RuleBook};
/// use qixian::time::{Moment, BEIJING};
/// let (set, book) = (CalendarSet::embedded().unwrap(), RuleBook::embedded());
/// let request = Request {
///     period: Period::resolve(&book, Some("meeting-issuance"), None, None).unwrap(),
///     event: Moment::parse("2025-06-04").unwrap(),
///     zone: BEIJING,
///     read_on: BEIJING,
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
        read_on,
        as_of,
        explain,
    } = *request;
    let event_date = event.date_on(zone, read_on);
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
        event_read_as: event.read_as(read_on),
        event_at: event.instant(read_on).map(|t| t.with_timezone(&zone)),
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
        let (counted, why) = if day.date == event_date {
            (false, Why::EventDay)
        } else {
            match period.unit {
                Unit::WorkingDays if day.is_working() => (true, Why::Counted),
                Unit::WorkingDays => (false, Why::NotWorking),
                Unit::CalendarDays if ordinal < period.amount => (true, Why::Counted),
                Unit::CalendarDays => (false, Why::Rolled),
            }
        };
        if counted {
            ordinal += 1;
        }
        steps.push(Step {
            date: day.date,
            kind: day.kind,
            name: day.name.map(str::to_owned),
            counted,
            ordinal: counted.then_some(ordinal),
            why,
        });
    }
    Ok(steps)
}
