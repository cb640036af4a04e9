//! Registers (督办台账): the matters an office must do by a deadline, each kept as the request
//! `/v1/deadlines` takes ([`Input`]) and never as its answer. A matter's due date, due instant
//! and state are computed on read from the calendars and rules in force, so a new notice or
//! rule set moves them without a job; what a matter keeps of its due date is only the one its
//! office last acknowledged, and a matter whose computed due date differs from it is *moved*.
//!
//! Nothing here knows about HTTP or a database: the store keeps matters, and this module reads
//! them.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, SecondsFormat};
use chrono_tz::Tz;
use serde::Deserialize;

use crate::calendar::diff::DayChange;
use crate::deadline::recheck::{Stored, moved};
use crate::deadline::{Context, DeadlineError, Input, State, answer};

#[cfg(test)]
mod tests;

/// How many calendar days ahead, the as-of day included, an open matter is `due_soon`: a
/// week, the clerk's 本周到期.
pub const DUE_SOON_DAYS: i64 = 7;

/// The most characters each text field of a matter holds, by the field's JSON name: a 文号 or
/// a 承办人 is a line, a 事由 a paragraph, the notes a page. Longer is refused, naming the field,
/// so that a list of thousands of matters stays a list.
pub const MAX_CHARS: [(&str, usize); 5] = [
    ("doc_number", 100),
    ("subject", 500),
    ("sender", 200),
    ("handler", 100),
    ("notes", 2000),
];

/// One matter of a register, as its office wrote it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matter {
    /// 文号: the document's number (`克政办发〔2027〕12号`).
    pub doc_number: String,
    /// 事由: what is to be done.
    pub subject: String,
    /// 来文单位: who sent it.
    pub sender: String,
    /// 承办人: who handles it.
    pub handler: String,
    /// The office's own notes.
    pub notes: String,
    /// Its period, exactly as `/v1/deadlines` takes it: the stored truth its due date is
    /// computed from.
    pub period: Input,
    /// When it was done (办结); none while it is open.
    pub completed_at: Option<DateTime<FixedOffset>>,
    /// The due date its office last acknowledged (set when it is created, and each time a
    /// moved matter is acknowledged).
    pub acknowledged_due: Option<NaiveDate>,
    /// The data version that due date was computed on: the changes since it name the days
    /// that moved the matter. None for a matter kept before versions were recorded.
    pub acknowledged_version: Option<String>,
}

/// The changed days of each calendar (by id) since a matter's due date was acknowledged, in
/// date order: what [`Matter::read_since`] picks the days that moved it from.
pub type ChangedDays = HashMap<String, Arc<[DayChange]>>;

/// An open matter that a change of the data moved: its due date on the data before the change
/// was the acknowledged one, and on the data after it is another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved<'c> {
    /// The due date acknowledged, which the data before the change gave too.
    pub old_due: NaiveDate,
    /// The due date on the data after the change.
    pub new_due: NaiveDate,
    /// The changed days of its calendar, between the two data, that moved it.
    pub by: Vec<&'c DayChange>,
}

/// A matter's due date as counted on the data in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due<'c> {
    /// The period's last day.
    pub date: NaiveDate,
    /// The instant the period ends, on its counting clock.
    pub at: DateTime<Tz>,
    /// Whether it depends on a day of an unpublished year (暂定).
    pub provisional: bool,
    /// Ahead, today, past, or done in time or late, as of the reading's instant.
    pub state: State,
    /// Working days left to the due date (negative once overdue), as of the reading's day.
    pub working_days_left: i64,
    /// The day the state is judged on, on the counting clock.
    pub as_of: NaiveDate,
    /// Whether the due date differs from the acknowledged one.
    pub moved: bool,
    /// The changed days that moved it (from the changes the caller gave), when it moved.
    pub moved_by: Vec<&'c DayChange>,
}

/// A matter read on the data in force: its due date, or why it can no longer be counted (a
/// rule withdrawn, a calendar removed).
pub type Reading<'c> = Result<Due<'c>, DeadlineError>;

impl Matter {
    /// Its due date `due`, counted on the data version `version`, made the one its office
    /// acknowledged: when it is created, when a moved matter is acknowledged, and when an
    /// edit changes its period (the office's own change of the date is not a move). The
    /// reading it returns is `due`, not moved.
    pub fn acknowledge<'c>(&mut self, due: Due<'c>, version: &str) -> Due<'c> {
        self.acknowledged_due = Some(due.date);
        self.acknowledged_version = Some(version.to_owned());
        Due {
            moved: false,
            moved_by: Vec::new(),
            ..due
        }
    }

    /// Whether it is done (办结).
    pub fn is_done(&self) -> bool {
        self.completed_at.is_some()
    }

    /// Its period as counted: the stored request, judged as of `now` (or, when it is done, on
    /// its completion), without the day-by-day explanation.
    fn request(&self) -> Input {
        Input {
            as_of: Some("now".to_owned()),
            completed_at: self
                .completed_at
                .map(|at| at.to_rfc3339_opts(SecondsFormat::Secs, true)),
            explain: Some(false),
            strict: Some(false),
            ..self.period.clone()
        }
    }

    /// Its text fields, by their JSON names, in [`MAX_CHARS`]' order.
    pub fn texts(&self) -> [(&'static str, &str); 5] {
        [
            ("doc_number", &self.doc_number),
            ("subject", &self.subject),
            ("sender", &self.sender),
            ("handler", &self.handler),
            ("notes", &self.notes),
        ]
    }

    /// Checks a matter before it is kept: its texts within [`MAX_CHARS`], its period one
    /// `/v1/deadlines` answers and without its own status fields (`as_of`, `completed_at`: the
    /// register sets them). Returns it read on `context` (once: the caller answers with this
    /// reading), whose date is the one its office acknowledges by creating it.
    ///
    /// # Errors
    /// [`MatterError::TooLong`] for a text over its limit; [`MatterError::Period`] with the
    /// [`DeadlineError`] that `/v1/deadlines` would answer; [`MatterError::StatusInPeriod`]
    /// for a period that sets `as_of` or `completed_at`; [`MatterError::Unnamed`] for a matter
    /// with neither a document number nor a subject.
    pub fn check(&self, context: &Context<'_>) -> Result<Due<'static>, MatterError> {
        for ((field, text), (_, max)) in self.texts().into_iter().zip(MAX_CHARS) {
            if text.chars().count() > max {
                return Err(MatterError::TooLong { field, max });
            }
        }
        if self.period.as_of.is_some() {
            return Err(MatterError::StatusInPeriod("as_of"));
        }
        if self.period.completed_at.is_some() {
            return Err(MatterError::StatusInPeriod("completed_at"));
        }
        if self.doc_number.trim().is_empty() && self.subject.trim().is_empty() {
            return Err(MatterError::Unnamed);
        }
        self.read(context, &[]).map_err(MatterError::Period)
    }

    /// Its due date, instant and state computed on the data of `context`, as of
    /// `context.now`; `changes` are its calendar's changed days since its due date was
    /// acknowledged (empty when the caller does not know them), from which the days that
    /// moved it are picked.
    ///
    /// # Errors
    /// The [`DeadlineError`] of a period that can no longer be counted.
    pub fn read<'c>(&self, context: &Context<'_>, changes: &'c [DayChange]) -> Reading<'c> {
        self.read_with(context, |_| changes)
    }

    /// As [`Matter::read`], the days that moved it picked from `changes`' days of the
    /// calendar it is counted on (none when `changes` lacks that calendar).
    ///
    /// # Errors
    /// The [`DeadlineError`] of a period that can no longer be counted.
    pub fn read_since<'c>(&self, context: &Context<'_>, changes: &'c ChangedDays) -> Reading<'c> {
        self.read_with(context, |calendar| {
            changes.get(calendar).map_or(&[][..], |days| &days[..])
        })
    }

    fn read_with<'c>(
        &self,
        context: &Context<'_>,
        changes: impl FnOnce(&str) -> &'c [DayChange],
    ) -> Reading<'c> {
        let request = self.request();
        let counted = answer(&request, context)?;
        let d = &counted.deadline;
        let stored = Stored {
            request,
            due_date: self.acknowledged_due,
            ..Stored::default()
        };
        let found = moved(&stored, &counted, changes(counted.calendar.id()));
        // `as_of` and `completed_at` are always set, so a status is always there.
        let (state, working_days_left, as_of) =
            d.status.map_or((State::Pending, 0, d.due_date), |s| {
                (s.state, s.working_days_left, s.as_of_date)
            });
        Ok(Due {
            date: d.due_date,
            at: d.due_at,
            provisional: d.provisional,
            state,
            working_days_left,
            as_of,
            moved: found.changed,
            moved_by: found.by,
        })
    }

    /// Whether a change of the data, from `before` to `after` (`changes`: each calendar's
    /// changed days between the two), moved this matter: it is open, `before` gave it its
    /// acknowledged due date and `after` gives it another. A matter already moved before the
    /// change, or that either data cannot count, is not one the change moved.
    pub fn moved_by_change<'c>(
        &self,
        before: &Context<'_>,
        after: &Context<'_>,
        changes: &'c ChangedDays,
    ) -> Option<Moved<'c>> {
        let acknowledged = self.acknowledged_due?;
        if self.is_done() || self.read(before, &[]).ok()?.date != acknowledged {
            return None;
        }
        let now = self.read_since(after, changes).ok()?;
        now.moved.then_some(Moved {
            old_due: acknowledged,
            new_due: now.date,
            by: now.moved_by,
        })
    }
}

/// Why a matter cannot be kept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MatterError {
    /// Its period is one `/v1/deadlines` refuses.
    #[error("the matter's period: {0}")]
    Period(DeadlineError),
    /// Its period sets a field the register sets itself.
    #[error("the matter's period may not set {0}: the register judges its state")]
    StatusInPeriod(&'static str),
    /// It has no period.
    #[error("a matter needs its period")]
    NoPeriod,
    /// It has neither a document number nor a subject.
    #[error("a matter needs a document number or a subject")]
    Unnamed,
    /// A text field longer than it may be.
    #[error("the matter's {field} is longer than {max} characters")]
    TooLong {
        /// The field, by its JSON name.
        field: &'static str,
        /// The most characters it holds.
        max: usize,
    },
}

vocabulary! {
    "snake_case";
    /// Which matters a list shows (`state=`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, strum::EnumString)]
    #[strum(ascii_case_insensitive)]
    pub enum Show {
        /// Not done.
        Open,
        /// Not done, not overdue, and due within [`DUE_SOON_DAYS`] (本周到期).
        DueSoon,
        /// Not done and past its due instant (已逾期).
        Overdue,
        /// Done (办结).
        Done,
        /// Not done, and its due date differs from the acknowledged one (已变动).
        Moved,
    }
}

/// What a list of matters is narrowed to; every part optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only matters in this state.
    pub show: Option<Show>,
    /// Only matters due before this day.
    pub due_before: Option<NaiveDate>,
    /// Only matters whose document number or subject contains this text, in any case.
    pub text: Option<String>,
}

impl Filter {
    /// Whether `matter`, read as `reading`, is one this filter keeps.
    ///
    /// A matter that can no longer be counted is kept by `open` and `done` and by a text
    /// search, never by a filter on its due date, so that a clerk sees it and fixes it.
    pub fn keeps(&self, matter: &Matter, reading: &Reading<'_>) -> bool {
        let due = reading.as_ref().ok();
        let open = !matter.is_done();
        let shown = match self.show {
            None => true,
            Some(Show::Open) => open,
            Some(Show::Done) => !open,
            Some(Show::Overdue) => open && due.is_some_and(|d| d.state == State::Overdue),
            Some(Show::DueSoon) => {
                open && due.is_some_and(|d| {
                    d.state != State::Overdue && d.date < d.as_of + Duration::days(DUE_SOON_DAYS)
                })
            }
            Some(Show::Moved) => open && due.is_some_and(|d| d.moved),
        };
        let before = self
            .due_before
            .is_none_or(|day| due.is_some_and(|d| d.date < day));
        let found = self.text.as_deref().is_none_or(|text| {
            let text = text.to_lowercase();
            matter.doc_number.to_lowercase().contains(&text)
                || matter.subject.to_lowercase().contains(&text)
        });
        shown && before && found
    }
}

/// Sorts matters read on the data in force by due instant (the earliest first), those that
/// can no longer be counted last; ties keep their order (the order they were kept in).
pub fn sort_by_due<T>(items: &mut [T], reading: impl Fn(&T) -> &Reading<'_>) {
    items.sort_by_key(|item| match reading(item) {
        Ok(due) => (0, Some(due.at.with_timezone(&chrono::Utc))),
        Err(_) => (1, None),
    });
}
