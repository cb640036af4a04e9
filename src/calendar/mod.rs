//! China's holiday calendars: the national layer, the regional and prefectural layers above it,
//! and the compiled tables that answer working-day questions in constant time.
//!
//! Nothing here knows about HTTP.

pub mod backtest;
mod compiled;
pub mod data;
pub mod diff;
pub mod hours;
pub mod notice;
pub mod projection;
mod rest;
pub mod spec;

pub use compiled::{
    Answer, Break, Calendar, CalendarError, CalendarSet, Day, DayKind, EmbeddedError, Estimate,
    FIRST_DAY, LAST_DAY, MAX_LISTED_DAYS, Roll, SUPPORTED, Year, YearSource, YearStatus,
};
pub use data::{Confidence, DataError, DataSet, HolidayEntry, HolidayFile, Origin};
pub use rest::RestDays;
pub use spec::{CalendarSpec, Notice, Projection};
