//! Counting a period on a calendar: the due date, the instant it ends, the status as of a day,
//! and the explanation of every day walked.

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use serde::Serialize;

use super::walk::walk;
use super::{Bound, Consequence, Counting, DeadlineError, Direction, Period, RuleCutoff, Unit};
use crate::calendar::hours::{DayHours, HoursSource};
use crate::calendar::{Calendar, CalendarError, Confidence, DayKind};
use crate::time::{Moment, ReadAs, end_of_day};

vocabulary! {
    "snake_case";
    /// Whether a deadline is still ahead, on its day, or past, as of a given day.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum State {
        /// The event is still ahead: the period has not begun (尚未起算).
        NotStarted,
        /// Before the due date.
        Pending,
        /// On the due date.
        DueToday,
        /// After the due date.
        Overdue,
        /// Done (办结) by the deadline's last moment.
        CompletedOnTime,
        /// Done after it.
        CompletedLate,
    }
}

impl State {
    /// The name the API gives it (`due_today`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A deadline as of a given day, or as it was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Status {
    /// The day it is judged on: the day asked about, or the day it was done (办结).
    pub as_of_date: NaiveDate,
    /// The day the act was done, when the request says (`completed_at`).
    pub completed_on: Option<NaiveDate>,
    /// Ahead, today, or past.
    pub state: State,
    /// Working days after `as_of_date` up to and including the due date; 0 on the due date
    /// (also once its cutoff has passed); negative once overdue: minus the working days from
    /// the due date to the first working day from `as_of_date` on.
    pub working_days_left: i64,
    /// What the lapse means under the rule, where its statute says: shown while the period
    /// runs as well as once it has lapsed.
    pub consequence: Option<Consequence>,
}

/// When the last day of a period ends, as the caller asks: by naming a choice in any case
/// (`cutoff=midnight`), or none for the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, strum::VariantNames, strum::EnumString)]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
pub enum Cutoff {
    /// As the law says: a rule's own cutoff ([`RuleCutoff`]); for an ad hoc period, the close
    /// of business where the calendar (or the caller) gives office hours, else 24:00. Asked
    /// for by naming no cutoff, so it has no name.
    #[default]
    #[strum(disabled)]
    AsTheLawSays,
    /// At the close of business where there are office hours, else at 24:00.
    CloseOfBusiness,
    /// At 24:00 in every case.
    Midnight,
}

impl Cutoff {
    /// The choices a request may name: every variant's name but the first's, the default,
    /// which is asked for by naming none.
    pub const NAMES: &'static [&'static str] = match <Cutoff as strum::VariantNames>::VARIANTS {
        [_as_the_law_says, named @ ..] => named,
        [] => &[],
    };
}

/// Who chose a deadline's cutoff.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChosenBy {
    /// The request (`cutoff=`).
    Request,
    /// The rule, as its law says ([`RuleCutoff`], with the rule's `cutoff_basis`).
    Rule(RuleCutoff),
    /// Nobody: an ad hoc period ends at the close of business where there are office hours.
    AdHoc,
}

/// How a deadline's last moment was set, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending<'c> {
    /// The close of business of the due day: its office hours' last interval ends.
    CloseOfBusiness {
        /// The due day's hours (`10:00-14:00,15:30-19:30`), on Beijing time.
        hours: DayHours,
        /// Where they come from: none for hours the caller gave.
        from: Option<HoursFrom<'c>>,
        /// Who chose the close of business. For a rule whose cutoff is
        /// [`RuleCutoff::OfficeTarget`], the law's end is 24:00 ([`Deadline::legal_end`]).
        by: ChosenBy,
    },
    /// 24:00, as the request or the rule says.
    Midnight {
        /// Who chose it.
        by: ChosenBy,
    },
    /// 24:00, as the calendar gives no office hours.
    MidnightNoHours,
    /// 24:00, as the calendar gives the due day no office hours (an agreed date on a rest
    /// day).
    MidnightDayWithoutHours,
    /// A period in office hours ends when its office time has run.
    OfficeTimeRun,
    /// A period in hours ends when its hours have run (民法典 第二百零一条第二款).
    HoursRun,
}

impl Ending<'_> {
    /// The name the API gives the cutoff applied (`close_of_business`).
    pub fn cutoff(&self) -> &'static str {
        match self {
            Ending::CloseOfBusiness { .. } => "close_of_business",
            Ending::Midnight { .. } | Ending::MidnightNoHours | Ending::MidnightDayWithoutHours => {
                "midnight"
            }
            Ending::OfficeTimeRun => "office_time",
            Ending::HoursRun => "hours",
        }
    }
}

/// Which schedule of a calendar's office hours applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoursFrom<'c> {
    /// The layer whose hours they are.
    pub layer: &'c str,
    /// Its name (`新疆维吾尔自治区`).
    pub name: &'c str,
    /// The season (`冬季`).
    pub season: &'c str,
    /// The schedule's source.
    pub source: &'c str,
    /// The years the source gave them for.
    pub years: &'c [i32],
    /// Whether they were carried over to a year no notice gave hours for.
    pub carried_over: bool,
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
    /// For a period in office hours, the office minutes it counted.
    pub minutes: Option<u32>,
}

/// Why a day of a period counted or not, as the law says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumIter)]
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
    /// A day of a period in office hours, with office time counted (see [`Step::minutes`]).
    OfficeTime,
    /// A day of a period in office hours without office time.
    NoOfficeTime,
    /// A day of a period in hours (民法典 第二百零一条第二款), with the hours it counted.
    HoursElapsed,
    /// A day of time that does not count (中止; `paused`).
    Paused,
    /// A day of the period, counted, that is one of three or more consecutive rest days
    /// inside the period counted as the tax law counts (税收征收管理法实施细则 第一百零九条):
    /// the period is prolonged by it.
    TaxProlonged,
    /// A working day after a tax-counted period's own last day, counted to prolong it by the
    /// days of long rest inside it ([`Why::TaxProlonged`]); its ordinal counts these days.
    TaxProlongedDay,
    /// A day of an extension, counted.
    Extension,
    /// A month's or year's last day: the corresponding day of the month it ends in
    /// (民法典 第二百零二条).
    CorrespondingDay,
    /// A month's or year's last day where the month has no corresponding day: its last day.
    MonthEnd,
    /// A day before a backward period's last day, which fell on a rest day and moves earlier.
    RolledBack,
    /// The earliest day the next step may happen, after a minimum period ran in full.
    NextStep,
    /// A day after the period's own last day, up to a due date agreed with the host.
    Agreed,
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
    /// The instant the period ends: the close of business of the due date, or 24:00 of it, on
    /// the counting clock; for a period in office hours, when its office time has run.
    pub due_at: DateTime<Tz>,
    /// How `due_at` was set, and why.
    pub ending: Ending<'r>,
    /// When the law ends the period, where the answer's `due_at` is an earlier office target
    /// (a rule whose cutoff is [`RuleCutoff::OfficeTarget`]): 24:00 of the due date.
    pub legal_end: Option<DateTime<Tz>>,
    /// For an extended calendar-day period, the two readings of where the extension runs
    /// from, where they differ.
    pub readings: Option<Readings>,
    /// For a minimum period: the earliest day the next step may happen.
    pub next_step: Option<NaiveDate>,
    /// For an extended period counted in days: the original period's due date, which the
    /// extension moved on.
    pub unextended_due: Option<NaiveDate>,
    /// The due date of the period itself, when an agreed one replaced it.
    pub period_due: Option<NaiveDate>,
    /// When the event was written on another clock and its date as written is not its date
    /// on the counting clock (23:30 新疆时间 on 10-08 is 01:30 on 10-09 in Beijing): that
    /// date, and the due date counted from it — the other reading a clerk may have meant.
    pub other_reading: Option<(NaiveDate, NaiveDate)>,
    /// The time not counted (`paused`), as given.
    pub paused: Vec<(NaiveDate, NaiveDate)>,
    /// The due date agreed with the host department, and who agreed it.
    pub agreed: Option<(NaiveDate, Option<String>)>,
    /// Whether any day the answer depends on is in an unpublished year.
    pub provisional: bool,
    /// Of the days the answer depends on, the estimated ones the projection is least sure of
    /// (`Low`), each with the runner-up arrangement in words: where there are none, the due
    /// date is very unlikely to move when the notice comes.
    pub uncertain: Vec<(NaiveDate, Option<&'r str>)>,
    /// Every day from the event to the due date, when asked for.
    pub explanation: Option<Vec<Step>>,
    /// The status as of a day, when asked for.
    pub status: Option<Status>,
}

/// The two readings of an extended calendar-day period, where they give different days: no
/// text says whether the extension runs from the original period's last day after its roll
/// (民法典 第二百零三条), or whether the whole N+X days run from the event. The answer takes
/// the earlier, the safe date for the office's own duty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Readings {
    /// The extension counted from the day after the original period's last day as rolled.
    pub from_rolled_last_day: NaiveDate,
    /// The period and its extension counted together from the event, then rolled.
    pub from_event: NaiveDate,
}

/// What to compute: every choice made, nothing left to default.
#[derive(Clone, Debug)]
pub struct Request<'r> {
    /// The period.
    pub period: Period<'r>,
    /// When it runs from.
    pub event: Moment,
    /// The counting clock: the event's date and the due instant are read on it.
    pub zone: Tz,
    /// The clock a wall-clock event time (no offset) is read on.
    pub read_on: Tz,
    /// The day (and, when given with a time, the instant) to judge the status on, if any.
    pub as_of: Option<(NaiveDate, Option<DateTime<Tz>>)>,
    /// The day (and instant, when given with a time) the act was done (办结), if it was: the
    /// status then says whether in time, whatever `as_of`.
    pub completed: Option<(NaiveDate, Option<DateTime<Tz>>)>,
    /// Whether to explain every day.
    pub explain: bool,
    /// When the last day ends.
    pub cutoff: Cutoff,
    /// Office hours the caller gave for every working day, instead of the calendar's.
    pub hours: Option<DayHours>,
    /// Time that does not count (中止, `paused`): date intervals, both ends included.
    pub paused: Vec<(NaiveDate, NaiveDate)>,
    /// A due date agreed with the host department (第五十条: 商定回复时限), and who agreed it.
    pub agreed: Option<(NaiveDate, Option<String>)>,
}

impl<'r> Request<'r> {
    /// A request for `period` from `event` on the clock `zone`, with every choice at its
    /// default: the event read on the same clock, no status, no explanation, the last day
    /// ending at the close of business, the calendar's own hours, nothing paused or agreed.
    pub fn new(period: Period<'r>, event: Moment, zone: Tz) -> Self {
        Request {
            period,
            event,
            zone,
            read_on: zone,
            as_of: None,
            completed: None,
            explain: false,
            cutoff: Cutoff::default(),
            hours: None,
            paused: Vec::new(),
            agreed: None,
        }
    }
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
/// use qixian::deadline::{compute, Cutoff, Form, Period, Request, RuleBook};
/// use qixian::time::{Moment, BEIJING};
/// let (set, book) = (CalendarSet::embedded().unwrap(), RuleBook::embedded());
/// let period = Period::resolve(&book, Some("meeting-issuance"), None, None, Form::default());
/// let request = Request {
///     cutoff: Cutoff::Midnight,
///     ..Request::new(period.unwrap(), Moment::parse("2025-06-04").unwrap(), BEIJING)
/// };
/// let due = compute(set.get("cn-xj").unwrap(), &request).unwrap();
/// assert_eq!(due.due_date.to_string(), "2025-06-18", "古尔邦节 6/6–6/10 is skipped");
/// assert_eq!(due.due_at.to_rfc3339(), "2025-06-19T00:00:00+08:00", "24:00, as asked");
/// ```
pub fn compute<'r>(
    calendar: &'r Calendar,
    request: &Request<'r>,
) -> Result<Deadline<'r>, DeadlineError> {
    let Request {
        ref period,
        event,
        zone,
        read_on,
        ref as_of,
        ref completed,
        explain,
        cutoff,
        ref hours,
        ref paused,
        ref agreed,
    } = *request;
    let (event_date, event_at) = event.read(zone, read_on);
    // Only whether the day is in range: the day itself (its names, its date found again from
    // its index) is not needed.
    calendar.is_working_day(event_date)?;
    // Only a wall-clock time read on another clock than the counting one is meant on a date
    // a clerk may not see: an instant with its offset says what it means.
    let written = match event {
        Moment::Local(t) if read_on != zone => t.date(),
        _ => event_date,
    };
    let other_reading = if written == event_date {
        None
    } else {
        // Counted again from the date as written; a reading that cannot be counted (out of
        // range) is not offered.
        let other = Request {
            event: Moment::Date(written),
            explain: false,
            as_of: None,
            completed: None,
            ..request.clone()
        };
        compute(calendar, &other)
            .ok()
            .map(|d| (written, d.due_date))
    };
    let period = period.in_force_on(event_date)?;
    allowed_by_statute(&period, paused, agreed.as_ref())?;
    let office = calendar.hours(hours.as_ref());
    if !paused.is_empty() && period.unit.in_hours() {
        return Err(DeadlineError::PausedNotAllowed);
    }
    let plain = period.direction == Direction::Forward
        && period.bound == Bound::Within
        && period.counting == Counting::Civil
        && period.extension.is_none()
        && paused.is_empty()
        && matches!(period.unit, Unit::WorkingDays | Unit::CalendarDays);
    let mut reached = match period.unit {
        Unit::WorkingHours | Unit::Hours => {
            // 第二百零一条第二款: a period in hours runs from the stated time; a bare date, from
            // its start (found only for such a period).
            let start = event_at.unwrap_or_else(|| start_of_day(event_date, zone));
            count_hours(calendar, period, office, event_date, start, zone, explain)?
        }
        _ if plain && !explain => count_plain(calendar, &period, event_date)?,
        _ => count_walked(calendar, &period, event_date, paused)?,
    };
    let period_due = match agreed {
        Some((date, _)) => Some(agree(calendar, &mut reached, *date, event_date)?),
        None => None,
    };
    let Reached {
        due,
        provisional,
        end,
        depends,
        steps,
        next_step,
        readings,
        unextended_due,
    } = reached;
    // The last moment, found once, for the last due date (an agreed one included).
    let (due_at, ending) = match end {
        // A period in hours ends when its hours (or its office time) have run.
        Some(end) if period.unit == Unit::WorkingHours => (end, Ending::OfficeTimeRun),
        Some(end) => (end, Ending::HoursRun),
        None => ending_of(calendar, office, cutoff, &period, due, zone)?,
    };
    let uncertain = uncertain_days(calendar, provisional, depends)?;
    let explanation = match steps {
        Some(steps) if explain => Some(steps),
        _ if explain => Some(Vec::new()),
        _ => None,
    };
    let status = if completed.is_some() || as_of.is_some() {
        status_of(
            calendar, &period, due, &due_at, event_date, *completed, *as_of,
        )?
    } else {
        None
    };
    let legal_end = matches!(
        ending,
        Ending::CloseOfBusiness {
            by: ChosenBy::Rule(RuleCutoff::OfficeTarget),
            ..
        }
    )
    .then(|| end_of_day(due, zone));
    Ok(Deadline {
        period,
        zone,
        event_read_as: event.read_as(read_on),
        // Read on the counting clock already when that is the clock it was read on.
        event_at: event_at.map(|t| {
            if read_on == zone {
                t
            } else {
                crate::time::in_zone(&t, zone)
            }
        }),
        event_date,
        due_date: due,
        due_at,
        ending,
        legal_end,
        readings,
        next_step,
        unextended_due,
        period_due,
        other_reading,
        // Nothing to copy in the common case, and no call to find that out.
        paused: if paused.is_empty() {
            Vec::new()
        } else {
            paused.clone()
        },
        agreed: agreed.clone(),
        provisional,
        uncertain,
        explanation,
        status,
    })
}

/// Where a count ended, before an agreed due date replaces it.
struct Reached {
    due: NaiveDate,
    provisional: bool,
    /// The last moment of a period in hours, when its hours have run (an agreed due date, or
    /// a period in days, ends as [`ending_of`] says).
    end: Option<DateTime<Tz>>,
    /// The days the due date depends on, both included.
    depends: (NaiveDate, NaiveDate),
    steps: Option<Vec<Step>>,
    next_step: Option<NaiveDate>,
    readings: Option<Readings>,
    /// For an extended period counted in days: the original period's due date.
    unextended_due: Option<NaiveDate>,
}

/// A period in hours (第二百零一条第二款), or in office hours: from the event's instant.
fn count_hours(
    calendar: &Calendar,
    period: Period<'_>,
    office: Option<HoursSource<'_>>,
    event_date: NaiveDate,
    start: DateTime<Tz>,
    zone: Tz,
    explain: bool,
) -> Result<Reached, DeadlineError> {
    let hours_total = i64::from(period.amount) + i64::from(period.extension.unwrap_or(0));
    let end = if period.unit == Unit::WorkingHours {
        let office = office.ok_or_else(|| CalendarError::NoOfficeHours {
            calendar: calendar.id().to_owned(),
        })?;
        office.add(&start, hours_total * 60)?
    } else {
        start
            .checked_add_signed(chrono::Duration::hours(hours_total))
            .ok_or(CalendarError::OutOfRange { date: event_date })?
    };
    let end = crate::time::in_zone(&end, zone);
    let due = end.date_naive();
    calendar.day(due)?;
    let provisional = calendar.is_provisional_between(event_date, due)?;
    let steps = if explain {
        Some(hour_steps(
            calendar, period, event_date, due, office, start, end,
        )?)
    } else {
        None
    };
    Ok(Reached {
        due,
        provisional,
        end: Some(end),
        depends: (event_date, due),
        steps,
        next_step: None,
        readings: None,
        unextended_due: None,
    })
}

/// A plain forward working-day or calendar-day period, unexplained: the compiled table's
/// arithmetic, two lookups whatever the length. Inlined, as [`ending_of`] is: the common
/// answer, whose parts are then built where the deadline keeps them instead of copied there.
#[inline(always)]
fn count_plain(
    calendar: &Calendar,
    period: &Period<'_>,
    event_date: NaiveDate,
) -> Result<Reached, DeadlineError> {
    let amount = i64::from(period.amount);
    let (due, from) = if period.unit == Unit::WorkingDays {
        (calendar.add_working_days(event_date, amount)?, event_date)
    } else {
        let last = event_date
            .checked_add_days(chrono::Days::new(u64::from(period.amount)))
            .ok_or(CalendarError::OutOfRange { date: event_date })?;
        // A calendar-day period depends only on the days from its nominal last day on.
        (calendar.roll_forward(last)?, last)
    };
    Ok(Reached {
        due: due.value,
        provisional: due.provisional,
        end: None,
        depends: (from, due.value),
        steps: None,
        next_step: None,
        readings: None,
        unextended_due: None,
    })
}

/// Every other form: walked day by day, which is also the explanation.
fn count_walked(
    calendar: &Calendar,
    period: &Period<'_>,
    event_date: NaiveDate,
    paused: &[(NaiveDate, NaiveDate)],
) -> Result<Reached, DeadlineError> {
    let mut walked = walk(calendar, period, event_date, paused)?;
    let readings = two_readings(calendar, period, event_date, paused, walked.last)?;
    if let Some(r) = readings {
        // The earlier reading is the due date; the walk is cut there.
        walked.last = r.from_event;
        walked.steps.retain(|s| s.date <= r.from_event);
    }
    let provisional = calendar.is_provisional_between(walked.depends.0, walked.depends.1)?;
    Ok(Reached {
        due: walked.last,
        provisional,
        end: None,
        depends: walked.depends,
        steps: Some(walked.steps),
        next_step: walked.next_step,
        readings,
        unextended_due: walked.unextended,
    })
}

/// An agreed due date replaces the period's own (第五十条: 商定回复时限), and ends as
/// [`ending_of`] says; returns the period's own, which the answer shows beside it.
fn agree(
    calendar: &Calendar,
    reached: &mut Reached,
    date: NaiveDate,
    event_date: NaiveDate,
) -> Result<NaiveDate, DeadlineError> {
    if date <= event_date {
        return Err(DeadlineError::Agreed(date.to_string()));
    }
    calendar.day(date)?;
    let due = reached.due;
    if let Some(steps) = reached.steps.as_mut() {
        agree_steps(calendar, steps, due, date)?;
    }
    reached.provisional = reached.provisional && date >= due
        || calendar.is_provisional_between(due.min(date), date)?;
    reached.depends = (reached.depends.0.min(date), reached.depends.1.max(date));
    reached.due = date;
    reached.end = None;
    Ok(due)
}

/// The estimated days the projection is least sure of, among those the answer depends on.
fn uncertain_days(
    calendar: &Calendar,
    provisional: bool,
    depends: (NaiveDate, NaiveDate),
) -> Result<Vec<(NaiveDate, Option<&str>)>, DeadlineError> {
    if !provisional {
        return Ok(Vec::new());
    }
    Ok(calendar
        .days(depends.0.min(depends.1), depends.1.max(depends.0))?
        .filter(|d| d.estimated && d.confidence == Some(Confidence::Low))
        .map(|d| (d.date, d.alternative))
        .collect())
}

/// Where the deadline stands: on the day it was done, or on the day asked about.
fn status_of(
    calendar: &Calendar,
    period: &Period<'_>,
    due: NaiveDate,
    due_at: &DateTime<Tz>,
    event_date: NaiveDate,
    completed: Option<(NaiveDate, Option<DateTime<Tz>>)>,
    as_of: Option<(NaiveDate, Option<DateTime<Tz>>)>,
) -> Result<Option<Status>, DeadlineError> {
    Ok(match (completed, as_of) {
        (Some((date, at)), _) => Some(completed_status(
            calendar,
            period,
            due,
            date,
            at.map(|t| t >= *due_at),
        )?),
        (None, Some((date, _))) if date < event_date => Some(Status {
            as_of_date: date,
            completed_on: None,
            state: State::NotStarted,
            working_days_left: working_days_after(calendar, date, due)?,
            consequence: period.rule.and_then(|r| r.on_lapse),
        }),
        (None, Some((date, at))) => Some(status_on(
            calendar,
            period,
            due,
            date,
            at.map(|t| t >= *due_at),
        )?),
        (None, None) => None,
    })
}

/// Refuses what the rule's statute does not allow: time not counted where it excludes none,
/// an agreed due date where it has no 商定. Ad hoc periods allow both.
fn allowed_by_statute(
    period: &Period<'_>,
    paused: &[(NaiveDate, NaiveDate)],
    agreed: Option<&(NaiveDate, Option<String>)>,
) -> Result<(), DeadlineError> {
    let Some(rule) = period
        .rule
        .filter(|_| !paused.is_empty() || agreed.is_some())
    else {
        return Ok(());
    };
    for (given, allowed, field) in [
        (!paused.is_empty(), rule.excluded_time.is_some(), "paused"),
        (agreed.is_some(), rule.agreed_due.is_some(), "agreed_due"),
    ] {
        if given && !allowed {
            return Err(DeadlineError::NotAllowedByStatute {
                rule: rule.full_id(),
                field,
                allowed: rule.forms_allowed(),
            });
        }
    }
    Ok(())
}

/// Where an extended calendar-day period's two readings give different last days, both; the
/// walk's (`walked`) is the reading from the rolled original last day.
fn two_readings(
    calendar: &Calendar,
    period: &Period<'_>,
    event: NaiveDate,
    paused: &[(NaiveDate, NaiveDate)],
    walked: NaiveDate,
) -> Result<Option<Readings>, DeadlineError> {
    let Some(extension) = period.extension else {
        return Ok(None);
    };
    let calendar_days = period.unit == Unit::CalendarDays
        && period.extension_unit() == Unit::CalendarDays
        && period.counting == Counting::Civil
        && period.direction == Direction::Forward
        && paused.is_empty();
    if !calendar_days {
        return Ok(None);
    }
    let nominal = event
        .checked_add_days(chrono::Days::new(u64::from(period.amount + extension)))
        .ok_or(CalendarError::OutOfRange { date: event })?;
    let from_event = calendar.roll_forward(nominal)?.value;
    Ok((from_event < walked).then_some(Readings {
        from_rolled_last_day: walked,
        from_event,
    }))
}

/// The steps after a period's own due date up to an agreed one (or cut at an earlier agreed
/// one), the agreed day marked.
fn agree_steps(
    calendar: &Calendar,
    steps: &mut Vec<Step>,
    due: NaiveDate,
    agreed: NaiveDate,
) -> Result<(), DeadlineError> {
    steps.retain(|s| s.date <= agreed);
    if agreed > due {
        for day in calendar.days(due.succ_opt().unwrap_or(due), agreed)? {
            steps.push(Step {
                date: day.date,
                kind: day.kind,
                name: day.name.map(str::to_owned),
                counted: false,
                ordinal: None,
                why: Why::Agreed,
                minutes: None,
            });
        }
    }
    Ok(())
}

/// 00:00 of `date` on `zone`.
fn start_of_day(date: NaiveDate, zone: Tz) -> DateTime<Tz> {
    crate::time::instant_of(date.and_time(chrono::NaiveTime::MIN), zone)
}

/// The last moment of the due day and why: 24:00 (民法典 第二百零三条第二款's general case)
/// unless the request or the rule asks for the close of business and the due day has office
/// hours; an ad hoc period, unless asked otherwise, ends at the close of business.
#[inline(always)]
fn ending_of<'c>(
    calendar: &'c Calendar,
    office: Option<HoursSource<'_>>,
    cutoff: Cutoff,
    period: &Period<'_>,
    due: NaiveDate,
    zone: Tz,
) -> Result<(DateTime<Tz>, Ending<'c>), DeadlineError> {
    let midnight = || end_of_day(due, zone);
    let by = match (cutoff, period.rule) {
        (Cutoff::AsTheLawSays, Some(rule)) => ChosenBy::Rule(rule.cutoff),
        (Cutoff::AsTheLawSays, None) => ChosenBy::AdHoc,
        _ => ChosenBy::Request,
    };
    let wants_close = !matches!(
        (cutoff, by),
        (Cutoff::Midnight, _) | (_, ChosenBy::Rule(RuleCutoff::Midnight))
    );
    if !wants_close {
        return Ok((midnight(), Ending::Midnight { by }));
    }
    let Some(office) = office else {
        return Ok((midnight(), Ending::MidnightNoHours));
    };
    // The day's hours, their close and their season, found from one index of the day.
    let Some(closing) = office.closing(due)? else {
        // An agreed date may fall on a rest day, which has no hours: it keeps 24:00.
        return Ok((midnight(), Ending::MidnightDayWithoutHours));
    };
    let from = match (office, calendar.office_hours()) {
        (HoursSource::Calendar(_), Some(own)) => {
            let (season, schedule, carried_over) = own.season_of(&closing);
            Some(HoursFrom {
                layer: &own.layer,
                name: &own.name,
                season: &season.name,
                source: &schedule.source,
                years: &schedule.years,
                carried_over,
            })
        }
        _ => None,
    };
    // The hours' clock is most often the counting one: not converted again.
    let at = if closing.at.timezone() == zone {
        closing.at
    } else {
        crate::time::in_zone(&closing.at, zone)
    };
    Ok((
        at,
        Ending::CloseOfBusiness {
            hours: closing.hours.clone(),
            from,
            by,
        },
    ))
}

/// The status on `today`; `past_due` says, for an `as_of` with a time of day, whether that
/// instant is at or after the deadline's last moment (a due day whose office has closed is
/// overdue).
fn status_on(
    calendar: &Calendar,
    period: &Period<'_>,
    due: NaiveDate,
    today: NaiveDate,
    past_due: Option<bool>,
) -> Result<Status, DeadlineError> {
    use std::cmp::Ordering;
    let (state, working_days_left) = match (today.cmp(&due), past_due) {
        // Its last moment has passed on the due day itself: past it, by no working day yet.
        (Ordering::Equal, Some(true)) => (State::Overdue, 0),
        (Ordering::Less, Some(true)) | (Ordering::Greater, _) => {
            // Minus the working days in (due, the first working day from today on]: on the
            // rest days after a due date, the act can be done late by one working day at the
            // least.
            let first = calendar.roll_forward(today)?.value;
            (State::Overdue, -working_days_after(calendar, due, first)?)
        }
        (Ordering::Less, _) => (State::Pending, working_days_after(calendar, today, due)?),
        (Ordering::Equal, _) => (State::DueToday, 0),
    };
    Ok(Status {
        as_of_date: today,
        completed_on: None,
        state,
        working_days_left,
        consequence: period.rule.and_then(|r| r.on_lapse),
    })
}

/// The working days in (`from`, `to`]: NETWORKDAYS without its first day.
fn working_days_after(
    calendar: &Calendar,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, DeadlineError> {
    Ok(calendar.working_days_between(from, to)?.value - i64::from(calendar.is_working_day(from)?))
}

/// Whether an act done on `done` (at or after the deadline's last moment, where `late_at`
/// says for a time of day) was in time; `working_days_left` is the working days to spare
/// after it (in time) or minus the working days after the due date up to it (late). A lapse's
/// consequence stays only with a late act.
fn completed_status(
    calendar: &Calendar,
    period: &Period<'_>,
    due: NaiveDate,
    done: NaiveDate,
    late_at: Option<bool>,
) -> Result<Status, DeadlineError> {
    let late = late_at.unwrap_or(done > due) || done > due;
    let working_days_left = if late {
        -working_days_after(calendar, due, done)?
    } else {
        working_days_after(calendar, done, due)?.max(0)
    };
    Ok(Status {
        as_of_date: done,
        completed_on: Some(done),
        state: if late {
            State::CompletedLate
        } else {
            State::CompletedOnTime
        },
        working_days_left,
        consequence: late.then(|| period.rule.and_then(|r| r.on_lapse)).flatten(),
    })
}

/// The days from the event to the end of a period in hours, each with the time it counted:
/// office time for `working_hours`, every hour for `hours`.
fn hour_steps(
    calendar: &Calendar,
    period: Period<'_>,
    event_date: NaiveDate,
    due: NaiveDate,
    office: Option<HoursSource<'_>>,
    start: DateTime<Tz>,
    end: DateTime<Tz>,
) -> Result<Vec<Step>, DeadlineError> {
    let zone = end.timezone();
    let mut steps = Vec::with_capacity((due - event_date).num_days() as usize + 1);
    for day in calendar.days(event_date, due)? {
        let from = start.max(start_of_day(day.date, zone));
        let to = end.min(start_of_day(day.date + chrono::Days::new(1), zone));
        let seconds = match (period.unit, office) {
            (Unit::WorkingHours, Some(office)) => office
                .position(&to)?
                .saturating_sub(office.position(&from)?),
            _ => (to - from).num_seconds().max(0) as u64,
        };
        let minutes = (seconds / 60) as u32;
        let why = match (period.unit, minutes) {
            (Unit::Hours, _) => Why::HoursElapsed,
            (_, 0) => Why::NoOfficeTime,
            _ => Why::OfficeTime,
        };
        steps.push(Step {
            date: day.date,
            kind: day.kind,
            name: day.name.map(str::to_owned),
            counted: minutes > 0,
            ordinal: None,
            why,
            minutes: Some(minutes),
        });
    }
    Ok(steps)
}
