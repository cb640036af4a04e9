//! Holiday files: one calendar layer's notice for one year, in holiday-cn's JSON shape, and the
//! checks a file must pass before it may change any answer.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How sure the data's author is of an entry (Xinjiang's overlay marks its entries so).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

/// One day that a notice lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HolidayEntry {
    /// The holiday's name, as the notice gives it (`国庆节`).
    pub name: String,
    pub date: NaiveDate,
    /// `true`: a day off; `false`: a working day (a weekend made a makeup working day, 调休上班).
    pub is_off_day: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A layer's notice for one year: `{"year", "papers", "days"}`, holiday-cn's shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayFile {
    pub year: i32,
    #[serde(default)]
    pub papers: Vec<String>,
    pub days: Vec<HolidayEntry>,
}

/// Why a holiday file was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DataError {
    #[error("holiday file for {calendar}/{year} is not valid JSON of holiday-cn's shape: {reason}")]
    Malformed {
        calendar: String,
        year: i32,
        reason: String,
    },
    #[error("holiday file for {calendar}/{year} says it is for year {found}")]
    WrongYear {
        calendar: String,
        year: i32,
        found: i32,
    },
    #[error("holiday file for {calendar}/{year} lists {date}, which is outside that year")]
    DateOutsideYear {
        calendar: String,
        year: i32,
        date: NaiveDate,
    },
    #[error("holiday file for {calendar}/{year} lists {date} twice")]
    DuplicateDate {
        calendar: String,
        year: i32,
        date: NaiveDate,
    },
    #[error("holiday file for {calendar}/{year} lists no days")]
    Empty { calendar: String, year: i32 },
    #[error(
        "holiday file for {calendar}/{year} keeps only {kept} of the {had} days in force; a file that drops most of a year's published days is refused"
    )]
    DropsPublishedDays {
        calendar: String,
        year: i32,
        kept: usize,
        had: usize,
    },
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
            let carried =
                date.year() == year - 1 && date.month() == 12 && date.day() >= DECEMBER_CARRY_FROM;
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

/// Where a year's file came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// Compiled into the binary from `holidays/`.
    Embedded,
    /// Read from the operator's directory (`QIXIAN_HOLIDAYS_DIR`).
    OperatorFile { path: String },
    /// Fetched from the holiday feed (`QIXIAN_FEED_URL`).
    Feed { url: String },
}

/// One layer's file for one year, with where it came from and a digest of its bytes.
#[derive(Clone, Debug)]
pub struct LayerYear {
    pub file: HolidayFile,
    pub origin: Origin,
    pub sha256: [u8; 32],
}

/// All holiday files in force, keyed by calendar id and year. Calendars are compiled from it.
#[derive(Clone, Debug, Default)]
pub struct DataSet {
    files: BTreeMap<(String, i32), LayerYear>,
}

/// A holiday file compiled into the binary.
pub struct EmbeddedFile {
    pub calendar: &'static str,
    pub year: i32,
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
        Ok(set)
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

    /// Checks that `bytes` may replace what is in force for `calendar` and `year`: they pass
    /// [`HolidayFile::parse`], and they would not take away the year's published data — a file
    /// that keeps fewer than half of the dates in force for the same calendar and year is
    /// refused.
    ///
    /// # Errors
    /// The [`DataError`] that refuses them.
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::{DataSet, DataError};
    /// let set = DataSet::embedded().unwrap();
    /// let thin = r#"{"year": 2026, "days": [{"name": "元旦", "date": "2026-01-01", "isOffDay": true}]}"#;
    /// let err = set.check("cn", 2026, thin.as_bytes()).unwrap_err();
    /// assert!(matches!(err, DataError::DropsPublishedDays { .. }));
    /// ```
    pub fn check(&self, calendar: &str, year: i32, bytes: &[u8]) -> Result<HolidayFile, DataError> {
        let file = HolidayFile::parse(calendar, year, bytes)?;
        if let Some(old) = self.get(calendar, year) {
            let new_dates: HashSet<NaiveDate> = file.days.iter().map(|d| d.date).collect();
            let had = old.file.days.len();
            let kept = old
                .file
                .days
                .iter()
                .filter(|o| new_dates.contains(&o.date))
                .count();
            if kept * 2 < had {
                return Err(DataError::DropsPublishedDays {
                    calendar: calendar.to_owned(),
                    year,
                    kept,
                    had,
                });
            }
        }
        Ok(file)
    }

    /// [`DataSet::check`], then puts the file in force.
    ///
    /// # Errors
    /// The [`DataError`] that refuses the file; the set is then unchanged.
    pub fn insert_checked(
        &mut self,
        calendar: &str,
        year: i32,
        bytes: &[u8],
        origin: Origin,
    ) -> Result<(), DataError> {
        let file = self.check(calendar, year, bytes)?;
        self.put(calendar, year, file, bytes, origin);
        Ok(())
    }

    fn put(&mut self, calendar: &str, year: i32, file: HolidayFile, bytes: &[u8], origin: Origin) {
        let sha256 = Sha256::digest(bytes).into();
        self.files.insert(
            (calendar.to_owned(), year),
            LayerYear {
                file,
                origin,
                sha256,
            },
        );
    }

    /// The file in force for `calendar` and `year`, if any.
    pub fn get(&self, calendar: &str, year: i32) -> Option<&LayerYear> {
        self.files.get(&(calendar.to_owned(), year))
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
