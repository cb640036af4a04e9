//! The holiday-file loader on arbitrary bytes: `HolidayFile::parse` and
//! `DataSet::insert_checked` answer every input with a value or a `DataError`, never a panic,
//! and what they accept keeps the loader's promises.
//!
//! Input layout: byte 0 picks the calendar, byte 1 the year the file is loaded as, the rest
//! is the file. `scripts/fuzz.sh` seeds the corpus with the embedded files laid out so.

#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use chrono::Datelike;
use libfuzzer_sys::fuzz_target;
use qixian::calendar::spec::{CalendarSpec, EMBEDDED_SPECS, parse_specs};
use qixian::calendar::{DataSet, HolidayFile, Origin};

/// The calendars with files in force, and one without any.
const CALENDARS: [&str; 4] = ["cn", "cn-xj", "cn-xj-kizilsu", "nowhere"];

/// Years at the edges of what an `i32` and a `NaiveDate` hold.
const EDGE_YEARS: [i32; 8] = [i32::MIN, i32::MAX, -262_144, 262_143, -1, 0, 1, 9999];

/// Byte 1 below 200 is the year 1950 + byte; above, an edge year.
fn year_of(byte: u8) -> i32 {
    match byte {
        0..200 => 1950 + i32::from(byte),
        _ => EDGE_YEARS[usize::from(byte - 200) % EDGE_YEARS.len()],
    }
}

/// The calendar `id` as the embedded list has it, or an occasional layer of that name.
fn spec_of(id: &str) -> CalendarSpec {
    static SPECS: OnceLock<Vec<CalendarSpec>> = OnceLock::new();
    let specs = SPECS.get_or_init(|| parse_specs(EMBEDDED_SPECS).expect("the list is valid"));
    let mut spec = specs.iter().find(|s| s.id == id).unwrap_or(&specs[2]).clone();
    spec.id = id.to_owned();
    spec
}

fn embedded() -> &'static DataSet {
    static SET: OnceLock<DataSet> = OnceLock::new();
    SET.get_or_init(|| DataSet::embedded().expect("the embedded data are valid"))
}

fuzz_target!(|data: &[u8]| {
    let [calendar, year, bytes @ ..] = data else {
        return;
    };
    let calendar = CALENDARS[usize::from(*calendar) % CALENDARS.len()];
    let year = year_of(*year);

    let parsed = HolidayFile::parse(calendar, year, bytes);
    if let Ok(file) = &parsed {
        assert_eq!(file.year, year, "an accepted file is for the year asked");
        assert!(!file.days.is_empty(), "an accepted file lists days");
        let mut seen = HashSet::new();
        for day in &file.days {
            assert!(seen.insert(day.date), "{} is listed once", day.date);
            let late_december = i64::from(day.date.year()) == i64::from(year) - 1
                && day.date.month() == 12
                && day.date.day() >= 20;
            assert!(
                day.date.year() == year || late_december,
                "{} belongs to {year} or its late December",
                day.date
            );
        }
    }

    let mut set = embedded().clone();
    let before = set.get(calendar, year).map(|f| f.sha256);
    match set.insert_checked(&spec_of(calendar), year, bytes, Origin::Embedded) {
        Ok(()) => {
            assert!(
                parsed.is_ok(),
                "insert_checked accepts only what parse accepts"
            );
            let now = set
                .get(calendar, year)
                .expect("an accepted file is in force");
            assert_eq!(
                Ok(&now.file),
                parsed.as_ref(),
                "the file in force is the one parsed"
            );
        }
        Err(_) => assert_eq!(
            set.get(calendar, year).map(|f| f.sha256),
            before,
            "a refused file leaves the data as they were"
        ),
    }
});
