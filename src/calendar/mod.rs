//! China's holiday calendars: the national layer, the regional and prefectural layers above it,
//! and the compiled tables that answer working-day questions in constant time.
//!
//! Nothing here knows about HTTP.

pub mod backtest;
mod base;
mod compiled;
pub mod data;
pub mod diff;
pub mod hours;
pub mod notice;
pub mod projection;
mod rest;
pub mod spec;

pub use base::{CalendarError, Confidence, FIRST_DAY, LAST_DAY, Origin, SUPPORTED};
pub use compiled::{
    Answer, Break, Calendar, CalendarSet, Day, DayKind, EmbeddedError, Estimate, MAX_LISTED_DAYS,
    Roll, Year, YearSource, YearStatus,
};
pub use data::{DataError, DataSet, HolidayEntry, HolidayFile};
pub use rest::RestDays;
pub use spec::{CalendarSpec, Notice, Projection};
