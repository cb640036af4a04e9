//! Deadlines: a period (a rule of the working rules, or an ad hoc one) counted from an event on
//! a calendar, on a chosen clock, as Chinese law counts periods (see `legal-periods.md`):
//! the event day never counts; a working-day period skips every rest day and counts makeup
//! working days; a calendar-day period only rolls its last day forward to a working day; the
//! period ends at 24:00 of the due day.
//!
//! [`Input`] is a request as callers write it (JSON, a query string, a CSV row); [`answer`]
//! resolves it against the calendars and rules in force and counts it. Nothing here knows
//! about HTTP.

mod count;
mod input;
mod period;
pub mod recheck;
mod rules;
mod walk;

use crate::calendar::CalendarError;
use crate::calendar::hours::IntervalError;
use crate::time::{MomentError, ZoneError};

pub use count::{
    ChosenBy, Cutoff, Deadline, Ending, HoursFrom, Readings, Request, State, Status, Step, Why,
    compute,
};
pub use input::{
    BadValue, Context, DeadlineAnswer, Expected, Holds, Input, InputError, JsonKind, JsonProblem,
    MAX_ECHOED, MAX_PAUSED, answer, diagnose_object, flag_text,
};
pub use period::{Article, Form, Period};
pub use rules::{
    Bound, Consequence, Counting, Direction, EMBEDDED_RULES, Earlier, Extension, PeriodLaw, Rule,
    RuleBook, RuleCutoff, RuleError, RuleOrigin, RuleSet, TextSource, Unit, UnknownUnit,
};

/// Why a deadline cannot be computed. Its words, in each language, are in [`crate::text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineError {
    /// No rule has this id.
    UnknownRule {
        /// The id asked for.
        id: String,
        /// The known ids, comma-separated.
        known: String,
        /// The closest known id, when one is close.
        suggestion: Option<String>,
    },
    /// The counting clock or the event's clock is no IANA zone.
    Zone {
        /// `timezone` or `event_timezone`.
        field: &'static str,
        /// What is wrong with the name.
        source: ZoneError,
    },
    /// The event is no moment.
    Event(MomentError),
    /// `as_of` is no moment.
    AsOf(MomentError),
    /// `completed_at` is no moment.
    Completed(MomentError),
    /// The unit is none of the known ones.
    Unit(UnknownUnit),
    /// A field the request must have.
    Missing(&'static str),
    /// `days` and `amount` together.
    DaysAndAmount,
    /// The caller set the amount of a rule that fixes it.
    DaysNotAllowed {
        /// The rule.
        rule: String,
        /// Its fixed amount.
        amount: u32,
        /// Its unit.
        unit: Unit,
    },
    /// The caller set another unit than the rule's.
    UnitNotAllowed {
        /// The rule.
        rule: String,
        /// Its unit.
        unit: Unit,
    },
    /// An amount outside 1 and its unit's most ([`Unit::max_amount`]).
    AmountOutOfRange {
        /// The amount asked for.
        amount: i64,
        /// Its unit.
        unit: Unit,
    },
    /// The caller gave a rule's period another form (`direction`, `bound`, `counting`), or an
    /// ad hoc period in hours a backward direction.
    FormNotAllowed {
        /// The rule, when there is one.
        rule: Option<String>,
        /// The key.
        key: &'static str,
    },
    /// `extended=true` for a rule without an extension, or an ad hoc period.
    NoExtension {
        /// The rule, when there is one.
        rule: Option<String>,
    },
    /// A `direction`, `bound` or `counting` that is none of its words.
    UnknownForm {
        /// The key.
        key: &'static str,
        /// The value, shortened.
        value: String,
        /// The words the key takes (its vocabulary's names).
        choices: &'static [&'static str],
    },
    /// `paused` that is not `<from>/<to>` dates, or runs backwards.
    Paused(String),
    /// More `paused` intervals than [`MAX_PAUSED`].
    TooManyPaused,
    /// `paused` with a period that cannot be paused (backward, or in hours).
    PausedNotAllowed,
    /// `agreed_due` that is no date, or not after the event.
    Agreed(String),
    /// A text the answer echoes (`id`, `agreed_by`) longer than [`MAX_ECHOED`] characters.
    TooLong {
        /// The field.
        field: &'static str,
    },
    /// Neither a rule nor a unit and an amount.
    MissingPeriod,
    /// `strict` was asked and the answer depends on an unpublished year.
    Provisional,
    /// The calendar cannot answer (unknown, or a date outside its range).
    Calendar(CalendarError),
    /// `office_hours` that are not a working day's hours.
    Hours(IntervalError),
    /// `cutoff` that is neither `close_of_business` nor `midnight`.
    UnknownCutoff(String),
    /// No text of the rule was in force on the event's day.
    NotInForce {
        /// The rule.
        rule: String,
        /// The day from which the rule applies.
        from: chrono::NaiveDate,
    },
    /// A field the rule's statute does not allow (`agreed_due`, `paused`).
    NotAllowedByStatute {
        /// The rule.
        rule: String,
        /// The field.
        field: &'static str,
        /// The fields its statute does allow (see [`Rule::forms_allowed`]).
        allowed: Vec<&'static str>,
    },
}

impl std::error::Error for DeadlineError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DeadlineError::Zone { source, .. } => Some(source),
            DeadlineError::Event(e) | DeadlineError::AsOf(e) | DeadlineError::Completed(e) => {
                Some(e)
            }
            DeadlineError::Hours(e) => Some(e),
            DeadlineError::Unit(e) => e.source(),
            DeadlineError::Calendar(e) => e.source(),
            _ => None,
        }
    }
}

impl From<UnknownUnit> for DeadlineError {
    fn from(error: UnknownUnit) -> Self {
        DeadlineError::Unit(error)
    }
}

impl From<CalendarError> for DeadlineError {
    fn from(error: CalendarError) -> Self {
        DeadlineError::Calendar(error)
    }
}

#[cfg(test)]
pub(crate) mod tests;
