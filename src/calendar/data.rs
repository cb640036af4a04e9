//! Holiday files: one calendar layer's notice for one year, in holiday-cn's JSON shape, and the
//! checks a file must pass before it may change any answer.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::base::{Confidence, Origin};
use super::hours::{HoursError, HoursFile};

/// One day that a notice lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HolidayEntry {
    /// The holiday's name, as the notice gives it (`国庆节`).
    pub name: String,
    /// The day.
    pub date: NaiveDate,
    /// `true`: a day off; `false`: a working day (a weekend made a makeup working day, 调休上班).
    pub is_off_day: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// How sure the data's author is of it (Xinjiang's overlay says).
    pub confidence: Option<Confidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Where it comes from.
    pub source: Option<String>,
}

/// A layer's notice for one year: `{"year", "papers", "days"}`, holiday-cn's shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayFile {
    /// The year it is the notice of.
    pub year: i32,
    #[serde(default)]
    /// The notices it comes from (URLs or titles).
    pub papers: Vec<String>,
    /// The days it lists.
    pub days: Vec<HolidayEntry>,
}

// The limits a file is held to before it counts as a notice (`notice.rs` checks them), kept
// beside the errors that state them.
/// The most days of a file in force whose kind a replacement may change.
pub const MAX_KIND_CHANGES: usize = 3;
/// The most new days a replacement may add to a file in force.
pub const MAX_ADDED_DAYS: usize = 10;
/// How many days off a national notice lists in its own year (22 to 33 in 2007–2026).
pub const DAYS_OFF: std::ops::RangeInclusive<usize> = 18..=45;
/// How far from its Umm al-Qura date a festival may begin (Xinjiang's has been the date or the
/// day after).
pub const FESTIVAL_SLACK_DAYS: i64 = 3;
/// Why a holiday file was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DataError {
    /// Not JSON of holiday-cn's shape.
    #[error("holiday file for {calendar}/{year} is not valid JSON of holiday-cn's shape: {reason}")]
    Malformed {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// What the parser said.
        reason: String,
    },
    /// The file says it is for another year.
    #[error("holiday file for {calendar}/{year} says it is for year {found}")]
    WrongYear {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// The year it says it is for.
        found: i32,
    },
    /// A date outside the year (the last days of the December before excepted).
    #[error("holiday file for {calendar}/{year} lists {date}, which is outside that year")]
    DateOutsideYear {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// The date at fault.
        date: NaiveDate,
    },
    /// A date listed twice.
    #[error("holiday file for {calendar}/{year} lists {date} twice")]
    DuplicateDate {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// The date at fault.
        date: NaiveDate,
    },
    /// No days at all: holiday-cn's placeholder for a year not yet published.
    #[error("holiday file for {calendar}/{year} lists no days")]
    Empty {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
    },
    /// A replacement that keeps fewer than half of the dates in force.
    #[error(
        "holiday file for {calendar}/{year} keeps only {kept} of the {had} days in force; a file that drops most of a year's published days is refused"
    )]
    DropsPublishedDays {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// How many of the dates in force it keeps.
        kept: usize,
        /// How many dates are in force.
        had: usize,
    },
    /// A replacement that changes the kind of too many days in force.
    #[error(
        "holiday file for {calendar}/{year} turns {count} days in force from days off into working days or back (the first {first}); a revision may change at most {max}",
        max = MAX_KIND_CHANGES
    )]
    ChangesKinds {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// How many days would change kind.
        count: usize,
        /// The first of them.
        first: NaiveDate,
    },
    /// A replacement that adds too many days.
    #[error(
        "holiday file for {calendar}/{year} adds {added} days to the file in force; a revision may add at most {max}",
        max = MAX_ADDED_DAYS
    )]
    AddsTooMany {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// How many days it would add.
        added: usize,
    },
    /// A national notice that does not give a statutory day off.
    #[error(
        "holiday file for {calendar}/{year} does not give {date} ({name}) off; every national notice gives the statutory days of 全国年节及纪念日放假办法 off"
    )]
    LacksStatutoryDay {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// The date at fault.
        date: NaiveDate,
        /// The holiday.
        name: String,
    },
    /// A national notice with too few or too many days off.
    #[error(
        "holiday file for {calendar}/{year} gives {days_off} days off in its year; a national notice gives {min} to {max}",
        min = DAYS_OFF.start(),
        max = DAYS_OFF.end()
    )]
    ImplausibleDaysOff {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// How many days off it gives in its year.
        days_off: usize,
    },
    /// A regional notice without a festival its layer requires.
    #[error(
        "holiday file for {calendar}/{year} names no day off for {name}, which its notices always give"
    )]
    LacksHoliday {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// The holiday.
        name: String,
    },
    /// A regional notice whose festival begins far from its date.
    #[error(
        "holiday file for {calendar}/{year} begins {name} on {found}, more than {slack} days from its Umm al-Qura date {expected}",
        slack = FESTIVAL_SLACK_DAYS
    )]
    FestivalFarFromItsDate {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// The holiday.
        name: String,
        /// The date it begins the festival on.
        found: NaiveDate,
        /// Its Umm al-Qura date.
        expected: NaiveDate,
    },
    /// A file an operator withdrew.
    #[error(
        "holiday file for {calendar}/{year} was withdrawn by an operator; the same file is not taken again"
    )]
    Withdrawn {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
    },
    /// A name or source that is not plain text.
    #[error(
        "holiday file for {calendar}/{year}: the {field} of {date} {why}; names and sources must be plain text"
    )]
    NotPlainText {
        /// The calendar layer the file is for.
        calendar: String,
        /// The year the file is for.
        year: i32,
        /// The date at fault.
        date: NaiveDate,
        /// Which field.
        field: &'static str,
        /// What is wrong with it.
        why: &'static str,
    },
    /// A layer's office hours file refused.
    #[error(transparent)]
    Hours(#[from] HoursError),
}

/// holiday-cn files carry the last days of the December before their year (2023.json lists
/// 2022-12-31, a makeup working day of the 2023 元旦 break); the earliest such day seen is the
/// 26th, and a week covers every arrangement so far.
const DECEMBER_CARRY_FROM: u32 = 20;

impl HolidayFile {
    /// Parses and checks a file that should hold `calendar`'s notice for `year`.
    ///
    /// # Errors
    /// [`DataError`] when the text is not holiday-cn's shape, names another year, lists a date
    /// outside the year (the last days of the December before excepted), lists a date twice, or
    /// lists no days at all (holiday-cn's placeholder for a year not yet published).
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::HolidayFile;
    /// let json = r#"{"year": 2026, "papers": [], "days": [
    ///     {"name": "国庆节", "date": "2026-10-10", "isOffDay": false}]}"#;
    /// let file = HolidayFile::parse("cn", 2026, json.as_bytes()).unwrap();
    /// assert!(!file.days[0].is_off_day);
    /// assert!(HolidayFile::parse("cn", 2027, json.as_bytes()).is_err());
    /// ```
    pub fn parse(calendar: &str, year: i32, bytes: &[u8]) -> Result<Self, DataError> {
        let file: HolidayFile =
            serde_json::from_slice(bytes).map_err(|err| DataError::Malformed {
                calendar: calendar.to_owned(),
                year,
                reason: err.to_string(),
            })?;
        file.check(calendar, year)?;
        Ok(file)
    }

    fn check(&self, calendar: &str, year: i32) -> Result<(), DataError> {
        let calendar = calendar.to_owned();
        if self.year != year {
            return Err(DataError::WrongYear {
                calendar,
                year,
                found: self.year,
            });
        }
        if self.days.is_empty() {
            return Err(DataError::Empty { calendar, year });
        }
        let mut seen = HashSet::with_capacity(self.days.len());
        for entry in &self.days {
            let date = entry.date;
            let carried = Some(date.year()) == year.checked_sub(1)
                && date.month() == 12
                && date.day() >= DECEMBER_CARRY_FROM;
            if date.year() != year && !carried {
                return Err(DataError::DateOutsideYear {
                    calendar,
                    year,
                    date,
                });
            }
            if !seen.insert(date) {
                return Err(DataError::DuplicateDate {
                    calendar,
                    year,
                    date,
                });
            }
        }
        Ok(())
    }

    /// The distinct holiday names this notice covers.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.days.iter().map(|d| d.name.as_str())
    }
}

/// One layer's file for one year, with where it came from and a digest of its bytes.
#[derive(Clone, Debug)]
pub struct LayerYear {
    /// The file.
    pub file: HolidayFile,
    /// Where it came from.
    pub origin: Origin,
    /// The SHA-256 of its bytes.
    pub sha256: [u8; 32],
    /// Its bytes, kept so that the version it was in force in can be compiled again.
    pub bytes: std::sync::Arc<[u8]>,
}

/// One layer's office hours, with where they came from and a digest of their bytes.
#[derive(Clone, Debug)]
pub struct LayerHours {
    /// The file.
    pub file: HoursFile,
    /// Where it came from.
    pub origin: Origin,
    /// The SHA-256 of its bytes.
    pub sha256: [u8; 32],
    /// Its bytes, kept so that the version it was in force in can be compiled again.
    pub bytes: std::sync::Arc<[u8]>,
}

/// All holiday files in force, keyed by calendar id and year, and the layers' office hours.
/// Calendars are compiled from it.
#[derive(Clone, Debug, Default)]
pub struct DataSet {
    files: BTreeMap<(String, i32), LayerYear>,
    hours: BTreeMap<String, LayerHours>,
}

/// A layer's office hours compiled into the binary.
pub struct EmbeddedHours {
    /// The calendar layer.
    pub calendar: &'static str,
    /// The file's text.
    pub json: &'static str,
}

/// A holiday file compiled into the binary.
pub struct EmbeddedFile {
    /// The calendar layer.
    pub calendar: &'static str,
    /// The year.
    pub year: i32,
    /// The file's text.
    pub json: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

impl DataSet {
    /// The files under `holidays/`, compiled into the binary.
    ///
    /// # Errors
    /// A [`DataError`] if an embedded file is broken; the tests make sure none is.
    pub fn embedded() -> Result<Self, DataError> {
        let mut set = DataSet::default();
        for f in HOLIDAY_FILES {
            set.insert(f.calendar, f.year, f.json.as_bytes(), Origin::Embedded)?;
        }
        for f in HOURS_FILES {
            set.insert_hours(f.calendar, f.json.as_bytes(), Origin::Embedded)?;
        }
        Ok(set)
    }

    /// Checks a layer's office hours and puts them in force, replacing the layer's.
    ///
    /// # Errors
    /// [`HoursError`] when the file is refused; the set is then unchanged.
    pub fn insert_hours(
        &mut self,
        calendar: &str,
        bytes: &[u8],
        origin: Origin,
    ) -> Result<(), HoursError> {
        let file = HoursFile::parse(calendar, bytes)?;
        self.hours.insert(
            calendar.to_owned(),
            LayerHours {
                file,
                origin,
                sha256: Sha256::digest(bytes).into(),
                bytes: bytes.into(),
            },
        );
        Ok(())
    }

    /// The office hours in force for layer `calendar`, if any.
    pub fn hours(&self, calendar: &str) -> Option<&LayerHours> {
        self.hours.get(calendar)
    }

    /// Checks `bytes` and puts them in force for `calendar` and `year`, replacing what was there.
    ///
    /// # Errors
    /// A [`DataError`] if the file fails [`HolidayFile::parse`]; the set is then unchanged.
    pub fn insert(
        &mut self,
        calendar: &str,
        year: i32,
        bytes: &[u8],
        origin: Origin,
    ) -> Result<(), DataError> {
        let file = HolidayFile::parse(calendar, year, bytes)?;
        self.put(calendar, year, file, bytes, origin);
        Ok(())
    }

    pub(super) fn put(
        &mut self,
        calendar: &str,
        year: i32,
        file: HolidayFile,
        bytes: &[u8],
        origin: Origin,
    ) {
        let sha256 = Sha256::digest(bytes).into();
        self.files.insert(
            (calendar.to_owned(), year),
            LayerYear {
                file,
                origin,
                sha256,
                bytes: bytes.into(),
            },
        );
    }

    /// The file in force for `calendar` and `year`, if any.
    pub fn get(&self, calendar: &str, year: i32) -> Option<&LayerYear> {
        self.files.get(&(calendar.to_owned(), year))
    }

    /// Every file, by calendar layer and year.
    pub fn files(&self) -> impl Iterator<Item = (&str, i32, &LayerYear)> {
        self.files.iter().map(|((c, y), f)| (c.as_str(), *y, f))
    }

    /// Every layer's office hours, by layer.
    pub fn all_hours(&self) -> impl Iterator<Item = (&str, &LayerHours)> {
        self.hours.iter().map(|(c, h)| (c.as_str(), h))
    }

    /// Every file of one calendar layer, by year.
    pub fn layer(&self, calendar: &str) -> impl Iterator<Item = (i32, &LayerYear)> {
        self.files
            .iter()
            .filter(move |((c, _), _)| c == calendar)
            .map(|((_, y), f)| (*y, f))
    }

    /// Every calendar id that has at least one file.
    pub fn calendars(&self) -> impl Iterator<Item = &str> {
        let mut ids: Vec<&str> = self.files.keys().map(|(c, _)| c.as_str()).collect();
        ids.dedup();
        ids.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<HolidayFile, DataError> {
        HolidayFile::parse("cn", 2023, json.as_bytes())
    }

    #[test]
    fn every_embedded_file_passes_the_checks() {
        let set = DataSet::embedded().expect("embedded data are valid");
        assert_eq!(set.layer("cn").count(), 20, "cn has 2007..=2026");
    }

    #[test]
    fn a_file_may_carry_the_last_days_of_the_previous_december() {
        let json =
            r#"{"year": 2023, "days": [{"name": "元旦", "date": "2022-12-31", "isOffDay": true}]}"#;
        assert!(
            parse(json).is_ok(),
            "2022-12-31 belongs to the 2023 元旦 break"
        );
    }

    #[test]
    fn a_date_outside_the_year_is_refused() {
        let json =
            r#"{"year": 2023, "days": [{"name": "x", "date": "2024-01-01", "isOffDay": true}]}"#;
        assert!(matches!(
            parse(json),
            Err(DataError::DateOutsideYear { .. })
        ));
        let json =
            r#"{"year": 2023, "days": [{"name": "x", "date": "2022-06-01", "isOffDay": true}]}"#;
        assert!(matches!(
            parse(json),
            Err(DataError::DateOutsideYear { .. })
        ));
    }

    #[test]
    fn a_date_listed_twice_is_refused() {
        let json = r#"{"year": 2023, "days": [
            {"name": "x", "date": "2023-05-01", "isOffDay": true},
            {"name": "y", "date": "2023-05-01", "isOffDay": false}]}"#;
        assert!(matches!(parse(json), Err(DataError::DuplicateDate { .. })));
    }

    #[test]
    fn an_empty_or_misnamed_or_malformed_file_is_refused() {
        assert!(matches!(
            parse(r#"{"year": 2023, "papers": [], "days": []}"#),
            Err(DataError::Empty { .. })
        ));
        assert!(matches!(
            parse(
                r#"{"year": 2024, "days": [{"name": "x", "date": "2024-05-01", "isOffDay": true}]}"#
            ),
            Err(DataError::WrongYear { found: 2024, .. })
        ));
        assert!(matches!(parse("<html>"), Err(DataError::Malformed { .. })));
        assert!(matches!(
            parse(
                r#"{"year": 2023, "days": [{"name": "x", "date": "2023-02-30", "isOffDay": true}]}"#
            ),
            Err(DataError::Malformed { .. })
        ));
    }
}

#[cfg(test)]
mod hostile {
    //! Hostile holiday files: arbitrary bytes, near-valid JSON (wrong years, dates out of range
    //! or not on the calendar, duplicates, fields of the wrong type) and bent copies of the real
    //! files. The loader answers each with a file or a `DataError`, never a panic; what it
    //! accepts keeps its promises, and what it refuses leaves the data as they were.

    use std::sync::OnceLock;

    use crate::calendar::spec::CalendarSpec;

    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    use super::*;

    fn embedded() -> &'static DataSet {
        static SET: OnceLock<DataSet> = OnceLock::new();
        SET.get_or_init(|| DataSet::embedded().expect("the embedded data are valid"))
    }

    /// The calendar `id` as the embedded list has it, or an occasional layer of that name.
    fn spec_of(id: &str) -> CalendarSpec {
        let specs = crate::calendar::spec::parse_specs(crate::calendar::spec::EMBEDDED_SPECS)
            .expect("the embedded list is valid");
        let mut spec = specs
            .iter()
            .find(|s| s.id == id)
            .unwrap_or(&specs[2])
            .clone();
        spec.id = id.to_owned();
        spec
    }

    /// Every (calendar, year) with a file in force, and the file.
    fn in_force() -> Vec<(String, i32)> {
        let set = embedded();
        set.calendars()
            .flat_map(|c| set.layer(c).map(move |(y, _)| (c.to_owned(), y)))
            .collect()
    }

    /// What the data hold, to see that a refusal changed nothing.
    fn fingerprint(set: &DataSet) -> Vec<(String, i32, [u8; 32])> {
        set.calendars()
            .flat_map(|c| set.layer(c).map(move |(y, f)| (c.to_owned(), y, f.sha256)))
            .collect()
    }

    /// A date a file for `year` may list: in the year, or in the last days of the December
    /// before it. Written with i64 so that it holds at the edges of i32 too.
    fn belongs_to(year: i32, date: NaiveDate) -> bool {
        let (y, year) = (i64::from(date.year()), i64::from(year));
        y == year || (y == year - 1 && date.month() == 12 && date.day() >= DECEMBER_CARRY_FROM)
    }

    /// The loader's promises about a file it accepted for `year`.
    fn keeps_the_promises(file: &HolidayFile, year: i32) -> Result<(), TestCaseError> {
        prop_assert_eq!(file.year, year, "an accepted file is for the year asked");
        prop_assert!(!file.days.is_empty(), "an accepted file lists days");
        let mut seen = HashSet::new();
        for day in &file.days {
            prop_assert!(seen.insert(day.date), "{} is listed once", day.date);
            prop_assert!(
                belongs_to(year, day.date),
                "{} belongs to {} or its late December",
                day.date,
                year
            );
        }
        Ok(())
    }

    /// Loads `bytes` for `calendar`/`year` both ways, into a copy of the embedded data, and
    /// checks what each promises.
    fn load_both_ways(calendar: &str, year: i32, bytes: &[u8]) -> Result<(), TestCaseError> {
        let parsed = HolidayFile::parse(calendar, year, bytes);
        match &parsed {
            Ok(file) => keeps_the_promises(file, year)?,
            Err(err) => {
                let message = err.to_string();
                prop_assert!(
                    message.contains(&format!("{calendar}/{year}")),
                    "the refusal names the calendar and year: {}",
                    message
                );
            }
        }
        let mut set = embedded().clone();
        let before = fingerprint(&set);
        match set.insert_checked(&spec_of(calendar), year, bytes, Origin::Embedded) {
            Ok(()) => {
                prop_assert!(
                    parsed.is_ok(),
                    "insert_checked accepts only what parse accepts"
                );
                let now = &set
                    .get(calendar, year)
                    .expect("an accepted file is in force")
                    .file;
                prop_assert_eq!(
                    Ok(now),
                    parsed.as_ref(),
                    "the file in force is the one parsed"
                );
            }
            Err(_) => prop_assert_eq!(
                fingerprint(&set),
                before,
                "a refused file leaves the data as they were"
            ),
        }
        Ok(())
    }

    /// The years a loader may be asked for: supported ones, the edges of `NaiveDate`, the
    /// edges of `i32` but its minimum (see the test named after it below), and any.
    fn year() -> impl Strategy<Value = i32> {
        prop_oneof![
            4 => 2000..=2100i32,
            1 => prop::sample::select(vec![
                i32::MAX, i32::MIN + 1, -262_144, -262_143, 262_142, 262_143, -1, 0, 1, 9999, 10_000,
            ]),
            1 => any::<i32>().prop_filter("i32::MIN has a test of its own", |y| *y != i32::MIN),
        ]
    }

    /// A date near `year`: mostly a small pool of days, so that duplicates are common, on
    /// both sides of the late-December boundary and of the year's end.
    fn date_near(year: i32) -> impl Strategy<Value = NaiveDate> {
        let base = year.clamp(NaiveDate::MIN.year() + 3, NaiveDate::MAX.year() - 3);
        let md = prop_oneof![
            (Just(0), 1..=1u32, 1..=6u32),
            (Just(0), 1..=12u32, 1..=28u32),
            (Just(-1), Just(12), 15..=31u32),
            (Just(1), Just(1), 1..=3u32),
            (-3..=3i32, 1..=12u32, 1..=28u32),
        ];
        md.prop_map(move |(dy, m, d)| {
            NaiveDate::from_ymd_opt(base + dy, m, d).expect("a day of a year chrono holds")
        })
    }

    /// A holiday file every field of which has the right type (dates on the calendar), though
    /// its year, dates and duplicates may break the rules.
    #[derive(Clone, Debug)]
    struct Typed {
        asked: i32,
        year: i32,
        papers: Option<Vec<String>>,
        days: Vec<TypedDay>,
    }

    #[derive(Clone, Debug)]
    struct TypedDay {
        name: String,
        date: NaiveDate,
        off: bool,
        confidence: Option<&'static str>,
        source: Option<String>,
        /// A field holiday-cn does not have, which the loader must read past.
        extra: bool,
    }

    impl Typed {
        fn json(&self) -> Value {
            let mut file = Map::new();
            file.insert("year".into(), json!(self.year));
            if let Some(papers) = &self.papers {
                file.insert("papers".into(), json!(papers));
            }
            let days = self
                .days
                .iter()
                .map(|d| {
                    let mut day = Map::new();
                    day.insert("name".into(), json!(d.name));
                    day.insert("date".into(), json!(d.date.to_string()));
                    day.insert("isOffDay".into(), json!(d.off));
                    if let Some(c) = d.confidence {
                        day.insert("confidence".into(), json!(c));
                    }
                    if let Some(s) = &d.source {
                        day.insert("source".into(), json!(s));
                    }
                    if d.extra {
                        // holiday-cn may add fields; the loader reads past them.
                        day.insert("note".into(), json!({"added": [1, 2]}));
                    }
                    Value::Object(day)
                })
                .collect();
            file.insert("days".into(), Value::Array(days));
            Value::Object(file)
        }

        /// The rules, stated on their own: the year must match, a day must be listed, and
        /// each date must belong to the year and come once; the first broken rule is told.
        fn verdict(&self, calendar: &str) -> Result<(), DataError> {
            let (calendar, year) = (calendar.to_owned(), self.asked);
            if self.year != year {
                return Err(DataError::WrongYear {
                    calendar,
                    year,
                    found: self.year,
                });
            }
            if self.days.is_empty() {
                return Err(DataError::Empty { calendar, year });
            }
            for (i, day) in self.days.iter().enumerate() {
                let date = day.date;
                if !belongs_to(year, date) {
                    return Err(DataError::DateOutsideYear {
                        calendar,
                        year,
                        date,
                    });
                }
                if self.days[..i].iter().any(|earlier| earlier.date == date) {
                    return Err(DataError::DuplicateDate {
                        calendar,
                        year,
                        date,
                    });
                }
            }
            Ok(())
        }
    }

    fn typed() -> impl Strategy<Value = Typed> {
        year().prop_flat_map(|asked| {
            let day = (
                prop_oneof![Just("国庆节".to_owned()), any::<String>()],
                date_near(asked),
                any::<bool>(),
                prop::option::of(prop::sample::select(vec!["high", "medium", "low"])),
                prop::option::of(any::<String>()),
                any::<bool>(),
            );
            (
                Just(asked),
                prop_oneof![
                    4 => Just(asked),
                    1 => (-2..=2i32).prop_map(move |d| asked.saturating_add(d)),
                    1 => any::<i32>(),
                ],
                prop::option::of(prop::collection::vec(any::<String>(), 0..3)),
                prop::collection::vec(
                    day.prop_map(|(name, date, off, confidence, source, extra)| TypedDay {
                        name,
                        date,
                        off,
                        confidence,
                        source,
                        extra,
                    }),
                    0..10,
                ),
            )
                .prop_map(|(asked, year, papers, days)| Typed {
                    asked,
                    year,
                    papers,
                    days,
                })
        })
    }

    /// One field given a value of the wrong type or a date not on the calendar: every such
    /// file is malformed, whatever else is right.
    fn break_one(file: &mut Value, how: usize, at: prop::sample::Index, year: i32) {
        let y = year.clamp(0, 9999);
        let bad_dates = [
            json!(format!("{y:04}-02-30")),
            json!(format!("{y:04}-13-01")),
            json!(format!("{y:04}-00-10")),
            json!(format!("{y:04}/01/01")),
            json!(""),
            json!(20_230_101),
            Value::Null,
        ];
        let bad_years = [
            json!(year.to_string()),
            json!(f64::from(year) + 0.5),
            json!(1_i64 << 40),
            json!(-(1_i64 << 40)),
            Value::Null,
            json!([year]),
        ];
        let (kind, sub) = (how % 6, how / 6);
        let days = file["days"].as_array_mut().filter(|d| !d.is_empty());
        match (kind, days) {
            (0, Some(days)) => {
                at.get_mut(days)["date"] = bad_dates[sub % bad_dates.len()].clone();
            }
            (1, Some(days)) => {
                at.get_mut(days)["isOffDay"] =
                    [json!("true"), json!(1), Value::Null][sub % 3].clone();
            }
            (2, Some(days)) => {
                let day = at.get_mut(days);
                match sub % 3 {
                    0 => day["name"] = json!(7),
                    1 => day["name"] = Value::Null,
                    _ => {
                        if let Some(day) = day.as_object_mut() {
                            day.remove("name");
                        }
                    }
                }
            }
            (3, Some(days)) => {
                at.get_mut(days)["confidence"] =
                    [json!("HIGH"), json!("certain"), json!(3)][sub % 3].clone();
            }
            (4, _) => {
                file["papers"] = [json!("a notice"), json!([1]), Value::Null][sub % 3].clone();
            }
            (5, _) => match sub % 4 {
                3 => {
                    if let Some(file) = file.as_object_mut() {
                        file.remove("days");
                    }
                }
                k => file["days"] = [json!({}), json!("2026-10-01"), Value::Null][k].clone(),
            },
            _ => match sub % (bad_years.len() + 1) {
                k if k < bad_years.len() => file["year"] = bad_years[k].clone(),
                _ => {
                    if let Some(file) = file.as_object_mut() {
                        file.remove("year");
                    }
                }
            },
        }
    }

    /// Pieces of holiday-cn's JSON, shuffled into text that is often almost a file.
    fn json_like_bytes() -> impl Strategy<Value = Vec<u8>> {
        let token = prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\"year\"",
            "\"days\"",
            "\"papers\"",
            "\"name\"",
            "\"date\"",
            "\"isOffDay\"",
            "\"confidence\"",
            "\"high\"",
            "2026",
            "2025",
            "-1",
            "1e999",
            "2147483648",
            "\"2026-10-01\"",
            "\"2025-12-31\"",
            "\"2026-02-30\"",
            "true",
            "null",
            "\"\\ud800\"",
            "\"\\u0000\"",
            " ",
            "\u{FEFF}",
            "\"国庆节\"",
        ]);
        prop::collection::vec(token, 0..48).prop_map(|t| t.concat().into_bytes())
    }

    /// A real file from `holidays/`, cut short, or with one byte changed or added.
    fn bent_real_file() -> impl Strategy<Value = (String, i32, Vec<u8>)> {
        (
            prop::sample::select(in_force()),
            any::<prop::sample::Index>(),
            any::<u8>(),
            0..3u8,
        )
            .prop_map(|((calendar, year), at, byte, how)| {
                let file = embedded().get(&calendar, year).expect("in force");
                let mut bytes = serde_json::to_vec_pretty(&file.file).expect("a file serialises");
                let i = at.index(bytes.len());
                match how {
                    0 => bytes.truncate(i),
                    1 => bytes[i] = byte,
                    _ => bytes.insert(i, byte),
                }
                (calendar, year, bytes)
            })
    }

    fn calendar() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => prop::sample::select(vec!["cn", "cn-xj", "cn-xj-kizilsu"]).prop_map(str::to_owned),
            1 => any::<String>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        #[test]
        fn arbitrary_bytes_are_loaded_or_refused_never_a_panic(
            calendar in calendar(),
            year in year(),
            bytes in prop_oneof![
                prop::collection::vec(any::<u8>(), 0..2_048),
                json_like_bytes(),
            ],
        ) {
            load_both_ways(&calendar, year, &bytes)?;
        }

        #[test]
        fn a_bent_copy_of_a_real_file_is_loaded_or_refused_never_a_panic(
            (calendar, year, bytes) in bent_real_file(),
        ) {
            load_both_ways(&calendar, year, &bytes)?;
        }

        #[test]
        fn a_well_typed_file_gets_exactly_the_verdict_the_rules_give(
            file in typed(), calendar in calendar(),
        ) {
            let bytes = serde_json::to_vec(&file.json()).expect("a value serialises");
            let got = HolidayFile::parse(&calendar, file.asked, &bytes);
            prop_assert_eq!(
                got.map(|f| f.days.iter().map(|d| d.date).collect::<Vec<_>>()),
                file.verdict(&calendar).map(|()| file.days.iter().map(|d| d.date).collect()),
                "the verdict on {}", String::from_utf8_lossy(&bytes)
            );
            load_both_ways(&calendar, file.asked, &bytes)?;
        }

        #[test]
        fn a_file_with_one_field_of_the_wrong_type_is_malformed(
            file in typed(), how in 0..64usize, at in any::<prop::sample::Index>(),
        ) {
            let mut value = file.json();
            break_one(&mut value, how, at, file.asked);
            let bytes = serde_json::to_vec(&value).expect("a value serialises");
            let got = HolidayFile::parse("cn", file.asked, &bytes);
            prop_assert!(
                matches!(got, Err(DataError::Malformed { .. })),
                "{} is malformed, got {:?}", value, got
            );
            load_both_ways("cn", file.asked, &bytes)?;
        }

        #[test]
        fn a_revision_is_accepted_exactly_when_it_keeps_half_the_days_in_force(
            (calendar, year) in prop::sample::select(in_force()),
            keep in prop::collection::vec(any::<bool>(), 64),
            added in prop::collection::btree_set(1..=365u32, 0..6),
        ) {
            let old = &embedded().get(&calendar, year).expect("in force").file;
            let mut days: Vec<HolidayEntry> = old
                .days
                .iter()
                .zip(keep.iter().cycle())
                .filter(|(_, keep)| **keep)
                .map(|(d, _)| d.clone())
                .collect();
            let kept = days.len();
            for ordinal in added {
                let date = NaiveDate::from_yo_opt(year, ordinal).expect("a day of the year");
                if days.iter().all(|d| d.date != date) && old.days.iter().all(|d| d.date != date) {
                    days.push(HolidayEntry { name: "补".into(), date, is_off_day: true, confidence: None, source: None });
                }
            }
            let revision = HolidayFile { year, papers: vec![], days };
            let bytes = serde_json::to_vec(&revision).expect("a file serialises");
            let mut set = embedded().clone();
            let before = fingerprint(&set);
            let got = set.insert_checked(&spec_of(&calendar), year, &bytes, Origin::Embedded);
            let had = old.days.len();
            if revision.days.is_empty() {
                prop_assert!(matches!(got, Err(DataError::Empty { .. })), "no days: {:?}", got);
            } else if kept * 2 < had {
                prop_assert_eq!(
                    got, Err(DataError::DropsPublishedDays { calendar: calendar.clone(), year, kept, had }),
                    "keeping {} of {} is refused", kept, had
                );
            } else {
                prop_assert_eq!(got, Ok(()), "keeping {} of {} is accepted", kept, had);
                prop_assert_eq!(
                    &set.get(&calendar, year).expect("in force").file, &revision,
                    "the revision is in force"
                );
            }
            if set.get(&calendar, year).map(|f| &f.file) != Some(&revision) {
                prop_assert_eq!(fingerprint(&set), before, "a refusal leaves the data as they were");
            }
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        for open in ["[", "{\"year\":", "{\"days\":[", "{\"days\":[{\"name\":"] {
            let bytes = open.repeat(100_000).into_bytes();
            let got = HolidayFile::parse("cn", 2026, &bytes);
            assert!(
                matches!(got, Err(DataError::Malformed { .. })),
                "100000 levels of {open:?} are malformed, got {got:?}"
            );
        }
    }

    #[test]
    fn a_file_for_the_least_i32_year_is_refused_not_a_panic() {
        let json = r#"{"year": -2147483648, "days": [{"name": "x", "date": "2026-01-01", "isOffDay": true}]}"#;
        let got = std::panic::catch_unwind(|| HolidayFile::parse("cn", i32::MIN, json.as_bytes()));
        assert!(
            matches!(got, Ok(Err(_))),
            "a file for year -2147483648 listing 2026-01-01 is refused, not a panic, got {got:?}"
        );
    }
}
