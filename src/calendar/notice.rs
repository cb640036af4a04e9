//! What a notice must look like before it may change any answer. A holiday file can be
//! well-formed and still not be a notice: a year with no holidays at all, a real file with
//! every day turned into a working day, forty invented days off. Each of these was accepted
//! once (the adversarial review of the feed); each is refused here, with a reason an operator
//! can act on, and the same check runs wherever a file can enter the data.
//!
//! The rules, each from what real notices have done (holiday-cn 2007–2026, Xinjiang's
//! announcements):
//! - names and sources are plain text: no control characters, nothing a spreadsheet would run
//!   as a formula, of a sensible length;
//! - a file that replaces one in force keeps at least half of its dates, changes the kind (day
//!   off or working day) of at most [`MAX_KIND_CHANGES`] of them, and adds at most
//!   [`MAX_ADDED_DAYS`] new ones (the largest revision so far, 2020's extended 春节, added 3);
//! - a national file for a year with no notice in force lists every statutory day of
//!   全国年节及纪念日放假办法 as a day off, and between [`DAYS_OFF`] days off in its year;
//! - a regional file for such a year names the festivals its layer requires, each beginning
//!   within [`FESTIVAL_SLACK_DAYS`] days of its Umm al-Qura date.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::base::Origin;
use super::data::{
    DAYS_OFF, DataError, DataSet, FESTIVAL_SLACK_DAYS, HolidayFile, MAX_ADDED_DAYS,
    MAX_KIND_CHANGES,
};
use super::projection;
use super::spec::{CalendarSpec, Notice, Projection};

/// The longest holiday name (`抗日战争暨世界反法西斯战争胜利70周年纪念日` is 23 characters).
pub const MAX_NAME_CHARS: usize = 40;
/// The longest source.
pub const MAX_SOURCE_CHARS: usize = 500;

/// Checks that `file`, offered for `spec`'s layer and `year`, looks like a notice: against
/// `base`, the file of the same layer and year it would replace, when there is one, else
/// against what the layer's notices always hold.
///
/// # Errors
/// The [`DataError`] that says why it is not one.
pub fn check(
    spec: &CalendarSpec,
    year: i32,
    file: &HolidayFile,
    base: Option<&HolidayFile>,
) -> Result<(), DataError> {
    let calendar = spec.id.as_str();
    check_text(calendar, year, file)?;
    match base {
        Some(base) => check_revision(calendar, year, file, base),
        None => check_new_year(spec, year, file),
    }
}

/// The checks on the way into a data set: a file is put in force only once it looks like a
/// notice.
impl DataSet {
    /// Checks that `bytes` may replace what is in force for `spec`'s layer and `year`: they
    /// pass [`HolidayFile::parse`], and they look like a notice ([`check`])
    /// against the file of that layer and year in this set, the one they would replace.
    ///
    /// # Errors
    /// The [`DataError`] that refuses them.
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::{DataSet, DataError, spec::{parse_specs, EMBEDDED_SPECS}};
    /// let (set, specs) = (DataSet::embedded().unwrap(), parse_specs(EMBEDDED_SPECS).unwrap());
    /// let thin = r#"{"year": 2026, "days": [{"name": "元旦", "date": "2026-01-01", "isOffDay": true}]}"#;
    /// let err = set.check(&specs[0], 2026, thin.as_bytes()).unwrap_err();
    /// assert!(matches!(err, DataError::DropsPublishedDays { .. }));
    /// let none_off = r#"{"year": 2027, "days": [{"name": "x", "date": "2027-12-31", "isOffDay": false}]}"#;
    /// let err = set.check(&specs[0], 2027, none_off.as_bytes()).unwrap_err();
    /// assert!(matches!(err, DataError::LacksStatutoryDay { .. }), "2027 has no notice in force");
    /// ```
    pub fn check(
        &self,
        spec: &CalendarSpec,
        year: i32,
        bytes: &[u8],
    ) -> Result<HolidayFile, DataError> {
        let file = HolidayFile::parse(&spec.id, year, bytes)?;
        let base = self.get(&spec.id, year).map(|f| &f.file);
        check(spec, year, &file, base)?;
        Ok(file)
    }

    /// [`DataSet::check`], then puts the file in force.
    ///
    /// # Errors
    /// The [`DataError`] that refuses the file; the set is then unchanged.
    pub fn insert_checked(
        &mut self,
        spec: &CalendarSpec,
        year: i32,
        bytes: &[u8],
        origin: Origin,
    ) -> Result<(), DataError> {
        let file = self.check(spec, year, bytes)?;
        self.put(&spec.id, year, file, bytes, origin);
        Ok(())
    }
}

fn error_text(text: &str, max: usize) -> Option<&'static str> {
    if text.chars().count() > max {
        Some("is too long")
    } else if text.chars().any(char::is_control) {
        Some("holds a control character")
    } else if text.starts_with(['=', '+', '-', '@']) {
        Some("begins like a spreadsheet formula")
    } else {
        None
    }
}

fn check_text(calendar: &str, year: i32, file: &HolidayFile) -> Result<(), DataError> {
    let refuse = |date, field: &'static str, why: &'static str| DataError::NotPlainText {
        calendar: calendar.to_owned(),
        year,
        date,
        field,
        why,
    };
    for day in &file.days {
        if day.name.trim().is_empty() {
            return Err(refuse(day.date, "name", "is empty"));
        }
        if let Some(why) = error_text(&day.name, MAX_NAME_CHARS) {
            return Err(refuse(day.date, "name", why));
        }
        if let Some(why) = day
            .source
            .as_deref()
            .and_then(|s| error_text(s, MAX_SOURCE_CHARS))
        {
            return Err(refuse(day.date, "source", why));
        }
    }
    if let Some(paper) = file
        .papers
        .iter()
        .find(|p| error_text(p, MAX_SOURCE_CHARS).is_some())
    {
        return Err(DataError::NotPlainText {
            calendar: calendar.to_owned(),
            year,
            date: NaiveDate::MIN,
            field: "papers",
            why: error_text(paper, MAX_SOURCE_CHARS).unwrap_or("is not plain text"),
        });
    }
    Ok(())
}

fn check_revision(
    calendar: &str,
    year: i32,
    file: &HolidayFile,
    base: &HolidayFile,
) -> Result<(), DataError> {
    let new: HashMap<NaiveDate, bool> = file.days.iter().map(|d| (d.date, d.is_off_day)).collect();
    let had = base.days.len();
    let kept = base
        .days
        .iter()
        .filter(|o| new.contains_key(&o.date))
        .count();
    if kept * 2 < had {
        return Err(DataError::DropsPublishedDays {
            calendar: calendar.to_owned(),
            year,
            kept,
            had,
        });
    }
    let changed: Vec<NaiveDate> = base
        .days
        .iter()
        .filter(|o| new.get(&o.date).is_some_and(|off| *off != o.is_off_day))
        .map(|o| o.date)
        .collect();
    if changed.len() > MAX_KIND_CHANGES {
        return Err(DataError::ChangesKinds {
            calendar: calendar.to_owned(),
            year,
            count: changed.len(),
            first: changed[0],
        });
    }
    let added = file
        .days
        .iter()
        .filter(|d| !base.days.iter().any(|o| o.date == d.date))
        .count();
    if added > MAX_ADDED_DAYS {
        return Err(DataError::AddsTooMany {
            calendar: calendar.to_owned(),
            year,
            added,
        });
    }
    Ok(())
}

fn check_new_year(spec: &CalendarSpec, year: i32, file: &HolidayFile) -> Result<(), DataError> {
    let calendar = spec.id.to_owned();
    let off = |date: NaiveDate| file.days.iter().any(|d| d.date == date && d.is_off_day);
    match spec.projection {
        Some(Projection::National) => {
            if let Some((date, name)) = projection::statutory(year)
                .into_iter()
                .find(|(date, _)| !off(*date))
            {
                return Err(DataError::LacksStatutoryDay {
                    calendar,
                    year,
                    date,
                    name: name.to_owned(),
                });
            }
            let days_off = file
                .days
                .iter()
                .filter(|d| d.is_off_day && d.date.year() == year)
                .count();
            if !DAYS_OFF.contains(&days_off) {
                return Err(DataError::ImplausibleDaysOff {
                    calendar,
                    year,
                    days_off,
                });
            }
        }
        Some(Projection::Xinjiang) => {
            let required = match &spec.notice {
                Notice::Yearly { requires } => requires.as_slice(),
                Notice::Occasional => &[],
            };
            let projected = projection::xinjiang(year);
            for name in required {
                let first_off = file
                    .days
                    .iter()
                    .filter(|d| d.is_off_day && d.name.contains(name.as_str()))
                    .map(|d| d.date)
                    .min();
                let expected = projected.iter().find(|p| p.name == name).map(|p| p.date);
                match (first_off, expected) {
                    (None, _) => {
                        return Err(DataError::LacksHoliday {
                            calendar,
                            year,
                            name: name.clone(),
                        });
                    }
                    (Some(found), Some(expected))
                        if (found - expected).num_days().abs() > FESTIVAL_SLACK_DAYS =>
                    {
                        return Err(DataError::FestivalFarFromItsDate {
                            calendar,
                            year,
                            name: name.clone(),
                            found,
                            expected,
                        });
                    }
                    _ => {}
                }
            }
        }
        None => {}
    }
    Ok(())
}
