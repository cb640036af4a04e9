//! The small facts every file of the calendar shares, at the bottom of `calendar/`: the
//! supported dates and a day's index among them, why a calendar question has no answer, how
//! sure a notice's entry is and where a year's file came from. It imports nothing of
//! `calendar/`, so that the files above it import it, and not one another, for these.

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The first day any calendar answers for.
pub const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date");
/// The last day any calendar answers for.
pub const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2100, 12, 31).expect("valid date");

/// The days every calendar answers for.
pub const SUPPORTED: RangeInclusive<NaiveDate> = FIRST_DAY..=LAST_DAY;

/// Where `date` is in every day-indexed table: days since [`FIRST_DAY`], or out of range.
pub(super) fn index_of(date: NaiveDate) -> Result<usize, CalendarError> {
    if SUPPORTED.contains(&date) {
        // The year's first index and the day of the year: chrono's date difference costs a
        // calendar-cycle computation on every call, and every answer makes several.
        Ok(
            YEAR_STARTS[(date.year() - FIRST_DAY.year()) as usize] as usize
                + date.ordinal0() as usize,
        )
    } else {
        Err(CalendarError::OutOfRange { date })
    }
}

pub(super) fn date_of(index: usize) -> NaiveDate {
    let mut year = index / 366;
    while year + 1 < YEAR_STARTS.len() && YEAR_STARTS[year + 1] as usize <= index {
        year += 1;
    }
    NaiveDate::from_yo_opt(
        YEARS.0 + year as i32,
        (index - YEAR_STARTS[year] as usize) as u32 + 1,
    )
    .expect("an index of the supported days")
}

/// The years of [`FIRST_DAY`] and [`LAST_DAY`].
const YEARS: (i32, i32) = (2000, 2100);

/// `YEAR_STARTS[n]`: the index of January 1 of `FIRST_DAY`'s year + n, one year past the last.
const YEAR_STARTS: [u32; (YEARS.1 - YEARS.0 + 2) as usize] = {
    let mut starts = [0u32; (YEARS.1 - YEARS.0 + 2) as usize];
    let mut n = 1;
    while n < starts.len() {
        let year = YEARS.0 + n as i32 - 1;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        starts[n] = starts[n - 1] + if leap { 366 } else { 365 };
        n += 1;
    }
    starts
};

/// Why a calendar question has no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// A date outside [`SUPPORTED`].
    OutOfRange {
        /// The date.
        date: NaiveDate,
    },
    /// An answer that would fall outside [`SUPPORTED`].
    ResultOutOfRange {
        /// Where the count started.
        start: NaiveDate,
        /// How many working days it counted.
        days: i64,
    },
    /// A range that ends before it starts.
    Backwards {
        /// Its start.
        from: NaiveDate,
        /// Its end.
        to: NaiveDate,
    },
    /// A range longer than one listing answers.
    TooLong {
        /// Its start.
        from: NaiveDate,
        /// Its end.
        to: NaiveDate,
        /// How many days it spans.
        days: i64,
    },
    /// Office time that would end outside [`SUPPORTED`].
    HoursOutOfRange {
        /// Where the count started.
        start: NaiveDate,
        /// How many office minutes it counted.
        minutes: i64,
    },
    /// Office time asked of a calendar that gives no office hours, with none given.
    NoOfficeHours {
        /// The calendar.
        calendar: String,
    },
    /// No calendar has this id.
    UnknownCalendar {
        /// The id asked for.
        id: String,
        /// The known ids, comma-separated.
        known: String,
        /// The closest known id, when one is close.
        suggestion: Option<String>,
    },
}

impl std::error::Error for CalendarError {}

vocabulary! {
    "lowercase";
    /// How sure the data's author is of an entry (Xinjiang's overlay marks its entries so).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
    pub enum Confidence {
        /// Read in the notice itself.
        High,
        /// Read in a copy or a report of the notice.
        Medium,
        /// Inferred.
        Low,
    }
}

impl Confidence {
    /// The name the data give it (`medium`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where a year's file came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// Compiled into the binary from `holidays/`.
    Embedded,
    /// Read from the operator's directory (`QIXIAN_HOLIDAYS_DIR`).
    OperatorFile {
        /// Its path, relative to the directory.
        path: String,
    },
    /// Fetched from the holiday feed (`QIXIAN_FEED_URL`).
    Feed {
        /// Where it came from, without credentials.
        url: String,
    },
}
