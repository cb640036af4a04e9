//! Deadlines computed before, counted again: whether a change of the data moved each, and the
//! changed days that did. The caller stored what it was told (the due date and instant and the
//! data version); the changes of its calendar since that version come from the store.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::{DeadlineAnswer, Input, Unit};
use crate::calendar::diff::DayChange;

/// A deadline as a caller stored it: the request it sent, what it was told, and the data
/// version that told it.
#[derive(Clone, Debug, Default)]
pub struct Stored {
    /// The request, as sent to `/v1/deadlines`.
    pub request: Input,
    /// The due date it was given.
    pub due_date: Option<NaiveDate>,
    /// The last moment it was given, if stored.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// The data version it was computed on.
    pub data_version: Option<String>,
}

/// What counting a stored deadline again found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved<'c> {
    /// Whether its due date or last moment differ from the stored ones.
    pub changed: bool,
    /// The changed days that moved it: days of its period (or, for a period of calendar days,
    /// months or years, between the two due dates) that turned from working days into rest
    /// days or back. Empty when it did not move.
    pub by: Vec<&'c DayChange>,
}

/// Whether `answer` — `stored.request` counted again on the data in force — moved from what
/// was stored, and which of `changes` (its calendar's changed days since the stored version,
/// in date order) moved it.
///
/// # Example
/// ```
/// use qixian::calendar::CalendarSet;
/// use qixian::deadline::{self, Context, Input, RuleBook, recheck::{Stored, moved}};
/// let (calendars, rules) = (CalendarSet::embedded().unwrap(), RuleBook::embedded());
/// let context = Context { calendars: &calendars, rules: &rules, default_calendar: "cn",
///     now: chrono::Utc::now(), explain_by_default: false };
/// let request = Input { rule: Some("countersign-reply".into()), event: Some("2026-09-30".into()), ..Input::default() };
/// let answer = deadline::answer(&request, &context).unwrap();
/// let stored = Stored { request, due_date: "2026-10-15".parse().ok(), ..Stored::default() };
/// let found = moved(&stored, &answer, &[]);
/// assert!(!found.changed, "the same data give the same due date");
/// ```
pub fn moved<'c>(
    stored: &Stored,
    answer: &DeadlineAnswer<'_>,
    changes: &'c [DayChange],
) -> Moved<'c> {
    let d = &answer.deadline;
    let changed = stored.due_date.is_some_and(|due| due != d.due_date)
        || stored
            .due_at
            .is_some_and(|at| at != d.due_at.fixed_offset());
    if !changed {
        return Moved {
            changed,
            by: Vec::new(),
        };
    }
    let was = stored.due_date.unwrap_or(d.due_date);
    let counts_every_day = matches!(
        d.period.unit,
        Unit::CalendarDays | Unit::Months | Unit::Years | Unit::Hours
    );
    let mut ends = [was, d.due_date, d.event_date];
    if counts_every_day {
        // Only the roll off a rest day at the end can move such a period.
        ends[2] = was;
    }
    let (from, to) = (
        *ends.iter().min().unwrap_or(&was),
        *ends.iter().max().unwrap_or(&was),
    );
    let start = changes.partition_point(|c| c.date < from);
    let by = changes[start..]
        .iter()
        .take_while(|c| c.date <= to)
        .filter(|c| c.moves_work())
        .collect();
    Moved { changed, by }
}
