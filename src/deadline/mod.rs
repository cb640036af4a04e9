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
mod rules;

use std::ops::RangeInclusive;

use crate::calendar::CalendarError;
use crate::time::{MomentError, ZoneError};

pub use count::{Deadline, Request, State, Status, Step, compute};
pub use input::{Answer, Context, Input, InputError, answer, flag_text};
pub use period::Period;
pub use rules::{Consequence, EMBEDDED_RULES, Rule, RuleBook, RuleError, Unit, UnknownUnit};

/// The lengths a period may have.
pub const AMOUNTS: RangeInclusive<i64> = 1..=3650;

/// Why a deadline cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// No rule has this id.
    #[error(
        "rule {} is not known{}; known rules: {known}",
        crate::time::quote(id),
        suggestion.as_deref().map(|s| format!(" (did you mean {s}?)")).unwrap_or_default()
    )]
    UnknownRule {
        /// The id asked for.
        id: String,
        /// The known ids, comma-separated.
        known: String,
        /// The closest known id, when one is close.
        suggestion: Option<String>,
    },
    /// The counting clock or the event's clock is no IANA zone.
    #[error("{field}: {source}")]
    Zone {
        /// `timezone` or `event_timezone`.
        field: &'static str,
        /// What is wrong with the name.
        #[source]
        source: ZoneError,
    },
    /// The event is no moment.
    #[error("event {0}")]
    Event(#[source] MomentError),
    /// `as_of` is no moment.
    #[error("as_of {0}")]
    AsOf(#[source] MomentError),
    /// The unit is none of the known ones.
    #[error(transparent)]
    Unit(#[from] UnknownUnit),
    /// A field the request must have.
    #[error("{0} is required")]
    Missing(&'static str),
    /// `days` and `amount` together.
    #[error("give days or amount, not both")]
    DaysAndAmount,
    /// The caller set the amount of a rule that fixes it.
    #[error("rule {rule} fixes its period at {amount} {unit}; only an adjustable rule takes days")]
    DaysNotAllowed {
        /// The rule.
        rule: String,
        /// Its fixed amount.
        amount: u32,
        /// Its unit.
        unit: &'static str,
    },
    /// The caller set another unit than the rule's.
    #[error("rule {rule} counts in {unit}; a unit of its own is only for an ad hoc period")]
    UnitNotAllowed {
        /// The rule.
        rule: String,
        /// Its unit.
        unit: &'static str,
    },
    /// An amount outside [`AMOUNTS`].
    #[error("a period of {amount} days is out of range: it must run from 1 to 3650")]
    AmountOutOfRange {
        /// The amount asked for.
        amount: i64,
    },
    /// Neither a rule nor a unit and an amount.
    #[error("a deadline needs either a rule, or a unit and an amount")]
    MissingPeriod,
    /// `strict` was asked and the answer depends on an unpublished year.
    #[error("the period crosses unpublished years and strict=true was asked")]
    Provisional,
    /// The calendar cannot answer (unknown, or a date outside its range).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

#[cfg(test)]
mod tests;
