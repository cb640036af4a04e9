//! A calendar compiled for answering: one cell per day over the whole supported range, with
//! running counts, so that every question costs a few array reads whatever the distance.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::base::{CalendarError, Confidence, FIRST_DAY, LAST_DAY, Origin, date_of, index_of};
use super::data::DataSet;
use super::hours::{DayHours, HoursSource, OfficeHours};
use super::spec::{CalendarSpec, Notice, Projection};
use crate::base::short_digest;

/// The most days one listing answers: ten years and change.
pub const MAX_LISTED_DAYS: i64 = 3_700;

vocabulary! {
    "snake_case";
    /// What kind of day a date is.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum DayKind {
        /// Monday to Friday, no notice lists it.
        Workday,
        /// A weekend day no notice lists.
        Weekend,
        /// A day a notice gives off (weekend days inside a holiday span included).
        Holiday,
        /// A weekend day a notice makes a working day (调休上班).
        MakeupWorkday,
    }
}

impl DayKind {
    /// The name the API gives it (`makeup_workday`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Whether government offices work on such a day.
    pub fn is_working(self) -> bool {
        matches!(self, DayKind::Workday | DayKind::MakeupWorkday)
    }
}

/// An answer and whether any day it depends on is provisional (in a year whose notice has not
/// been published for every layer of the calendar).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer<T> {
    /// The answer.
    pub value: T,
    /// Whether it depends on a day of a year not yet published for every layer.
    pub provisional: bool,
}

/// What WORKDAY with `days = 0` does with a start on a rest day; `roll=` names it, in any
/// case, the default first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, strum::VariantNames, strum::EnumString)]
#[strum(serialize_all = "snake_case", ascii_case_insensitive)]
pub enum Roll {
    /// Moves it to the next working day: "day 0" is the first day work can be done.
    #[default]
    Forward,
    /// Keeps it, as Excel's WORKDAY does.
    None,
}

/// Whether a year's days come from published notices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum YearStatus {
    /// Every layer's notice for the year is known.
    Published,
    /// Some layer's notice is not: days off are estimated.
    Provisional,
}

/// Where one layer's data for a year came from.
#[derive(Clone, Debug, Serialize)]
pub struct YearSource {
    /// The layer.
    pub layer: String,
    /// Where its file came from.
    pub origin: Origin,
    /// The notices the file cites.
    pub papers: Vec<String>,
}

/// One year of a calendar: its status, and the files it was compiled from.
#[derive(Clone, Debug, Serialize)]
pub struct Year {
    /// The year.
    pub year: i32,
    /// Whether every layer's notice for it is known.
    pub status: YearStatus,
    /// The files it was compiled from, layer by layer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<YearSource>,
    /// The layers whose yearly notice for it is not in the data (the reason it is
    /// provisional).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub awaiting: Vec<String>,
}

/// What is estimated of an unpublished year ([`Calendar::estimate_of`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Estimate<'a> {
    /// The festivals with a day of `Low` confidence (the runner-up arrangement gives it another
    /// status), in the order of the year.
    pub uncertain: Vec<&'a str>,
    /// Whether the national layer's days are estimated (its notice is not in the data).
    pub national: bool,
    /// Whether a layer below the national one (Xinjiang's festivals) is estimated.
    pub regional: bool,
}

/// A festival break as a calendar answers for it ([`Calendar::next_break`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break<'a> {
    /// The festival, as the notice names it.
    pub name: &'a str,
    /// The days off, first to last.
    pub days_off: Vec<NaiveDate>,
    /// The weekend days made working days for it.
    pub makeup_days: Vec<NaiveDate>,
    /// Whether its days are estimated (its notice is not published).
    pub estimated: bool,
    /// The days off that are statutory days of 全国年节及纪念日放假办法.
    pub statutory: Vec<NaiveDate>,
}

/// One day, as a calendar answers for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day<'a> {
    /// The date.
    pub date: NaiveDate,
    /// What kind of day it is.
    pub kind: DayKind,
    /// The holiday's name, when a notice lists the day.
    pub name: Option<&'a str>,
    /// Whether its year is unpublished for some layer.
    pub provisional: bool,
    /// Estimated for a year whose notice is not published (see [`super::projection`]);
    /// `source` then says how.
    pub estimated: bool,
    /// The layer whose notice decided the day; `None` for the weekend rule.
    pub layer: Option<&'a str>,
    /// How sure the data's author is of the entry, where it says; for an estimated day, how
    /// sure the projection is.
    pub confidence: Option<Confidence>,
    /// Where the entry comes from, or how it was estimated.
    pub source: Option<&'a str>,
    /// A day off that 全国年节及纪念日放假办法, as in force that year, itself gives (not a 调休
    /// rest day a notice arranges).
    pub statutory: bool,
    /// On an estimated day of `Low` confidence: the runner-up arrangement, in a notice's words
    /// (`另一可能：2月13日、14日上班，1月31日休息`).
    pub alternative: Option<&'a str>,
}

impl Day<'_> {
    /// Whether government offices work on it.
    pub fn is_working(&self) -> bool {
        self.kind.is_working()
    }
}

const NONE: u16 = u16::MAX;

#[derive(Clone, Copy, Debug)]
struct Cell {
    kind: DayKind,
    provisional: bool,
    estimated: bool,
    confidence: Option<Confidence>,
    statutory: bool,
    layer: u8,
    name: u16,
    source: u16,
    alternative: u16,
}

/// A calendar compiled over [`SUPPORTED`](super::SUPPORTED). Build one with [`CalendarSet::compile`].
#[derive(Debug)]
pub struct Calendar {
    spec: CalendarSpec,
    layers: Vec<String>,
    cells: Box<[Cell]>,
    /// `working_before[i]`: working days among `cells[..i]`.
    working_before: Box<[u32]>,
    /// `provisional_before[i]`: provisional days among `cells[..i]`.
    provisional_before: Box<[u32]>,
    /// The index of every working day, in order: the k-th working day is `working_days[k]`.
    working_days: Box<[u32]>,
    texts: Vec<Box<str>>,
    years: Vec<Year>,
    /// Its office hours, from its most specific layer that gives any.
    hours: Option<OfficeHours>,
    version: String,
}

impl Calendar {
    /// Its id (`cn-xj-kizilsu`).
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// How `holidays/calendars.json` describes it.
    pub fn spec(&self) -> &CalendarSpec {
        &self.spec
    }

    /// The calendar's clock read at `now`: what `today` means on it.
    pub fn clock(&self, now: chrono::DateTime<chrono::Utc>) -> crate::time::Clock {
        crate::time::Clock::new(self.spec.timezone, now)
    }

    /// Every supported year, with its status and sources.
    pub fn years(&self) -> &[Year] {
        &self.years
    }

    /// Its layers, national first.
    pub fn layers(&self) -> impl Iterator<Item = &str> {
        self.layers.iter().map(String::as_str)
    }

    /// The year `year`, when supported.
    pub fn year(&self, year: i32) -> Option<&Year> {
        self.years
            .get(usize::try_from(year - FIRST_DAY.year()).ok()?)
            .filter(|y| y.year == year)
    }

    /// A digest of everything this calendar was compiled from.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// What is estimated of `year` (see [`super::projection`]): `None` when no day of it is, as
    /// in a published year or one outside [`SUPPORTED`](super::SUPPORTED).
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::CalendarSet;
    /// let set = CalendarSet::embedded().unwrap();
    /// assert!(set.get("cn").unwrap().estimate_of(2026).is_none(), "published");
    /// let xj = set.get("cn-xj").unwrap().estimate_of(2027).expect("2027 is estimated");
    /// assert!(xj.national && xj.regional, "肉孜节 and 古尔邦节 are estimated too");
    /// let xj_2019 = set.get("cn-xj").unwrap().estimate_of(2019).expect("no 2019 regional notice");
    /// assert!(!xj_2019.national && xj_2019.regional);
    /// assert!(xj.uncertain.contains(&"春节"));
    /// ```
    pub fn estimate_of(&self, year: i32) -> Option<Estimate<'_>> {
        let first = index_of(NaiveDate::from_ymd_opt(year, 1, 1)?).ok()?;
        let last = index_of(NaiveDate::from_ymd_opt(year, 12, 31)?).ok()?;
        let national = self.layers.first().map(String::as_str);
        let mut estimate: Option<Estimate<'_>> = None;
        for day in (first..=last)
            .map(|i| self.day_at(i))
            .filter(|d| d.estimated)
        {
            let estimate = estimate.get_or_insert_with(Estimate::default);
            estimate.national |= day.layer.is_some() && day.layer == national;
            estimate.regional |= day.layer.is_some() && day.layer != national;
            if day.confidence == Some(Confidence::Low)
                && let Some(name) = day.name
                && !estimate.uncertain.contains(&name)
            {
                estimate.uncertain.push(name);
            }
        }
        estimate
    }

    /// Its office hours (作息时间), when one of its layers gives them.
    pub fn office_hours(&self) -> Option<&OfficeHours> {
        self.hours.as_ref()
    }

    /// Office time on this calendar, as [`Calendar::hours`], or the error that it has none.
    ///
    /// # Errors
    /// [`CalendarError::NoOfficeHours`].
    pub fn office<'a>(
        &'a self,
        given: Option<&'a DayHours>,
    ) -> Result<HoursSource<'a>, CalendarError> {
        self.hours(given)
            .ok_or_else(|| CalendarError::NoOfficeHours {
                calendar: self.spec.id.clone(),
            })
    }

    /// Whether any day from `from` to `to`, in either order, is provisional.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] outside [`SUPPORTED`](super::SUPPORTED).
    pub fn is_provisional_within(&self, a: NaiveDate, b: NaiveDate) -> Result<bool, CalendarError> {
        self.is_provisional_between(a.min(b), a.max(b))
    }

    /// Office time on this calendar: the hours `given` on every working day when there are
    /// any, else its own; `None` when it has none.
    ///
    /// # Example
    /// ```
    /// use chrono::{NaiveDate, TimeZone};
    /// use qixian::calendar::CalendarSet;
    /// use qixian::time::BEIJING;
    /// let set = CalendarSet::embedded().unwrap();
    /// assert!(set.get("cn").unwrap().hours(None).is_none(), "no national hours are known");
    /// let xj = set.get("cn-xj").unwrap().hours(None).unwrap();
    /// let due = NaiveDate::from_ymd_opt(2026, 10, 15).unwrap();
    /// let close = xj.close_of_business(due).unwrap().unwrap();
    /// assert_eq!(close, BEIJING.with_ymd_and_hms(2026, 10, 15, 19, 30, 0).unwrap(), "winter hours");
    /// ```
    pub fn hours<'a>(&'a self, given: Option<&'a DayHours>) -> Option<HoursSource<'a>> {
        match given {
            Some(hours) => Some(HoursSource::Given {
                hours,
                clock: self.spec.timezone,
                working_before: &self.working_before,
                working_days: &self.working_days,
            }),
            None => self.hours.as_ref().map(HoursSource::Calendar),
        }
    }

    /// The day `date` is.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] outside [`SUPPORTED`](super::SUPPORTED).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use qixian::calendar::{CalendarSet, DayKind};
    /// let set = CalendarSet::embedded().unwrap();
    /// let cn = set.get("cn").unwrap();
    /// let day = cn.day(NaiveDate::from_ymd_opt(2026, 10, 10).unwrap()).unwrap();
    /// assert_eq!(day.kind, DayKind::MakeupWorkday);
    /// assert_eq!(day.name, Some("国庆节"));
    /// ```
    pub fn day(&self, date: NaiveDate) -> Result<Day<'_>, CalendarError> {
        Ok(self.day_at(index_of(date)?))
    }

    fn day_at(&self, index: usize) -> Day<'_> {
        let cell = self.cells[index];
        let text = |i: u16| (i != NONE).then(|| &*self.texts[usize::from(i)]);
        Day {
            date: date_of(index),
            kind: cell.kind,
            name: text(cell.name),
            provisional: cell.provisional,
            estimated: cell.estimated,
            layer: (cell.layer != u8::MAX).then(|| self.layers[usize::from(cell.layer)].as_str()),
            confidence: cell.confidence,
            source: text(cell.source),
            statutory: cell.statutory,
            alternative: text(cell.alternative),
        }
    }

    /// The festival break that holds `from`, or else the first one after it: its days off (a
    /// run of days off under one name) and the makeup working days that carry its name, within
    /// a month of it. `None` when no break follows before the end of [`SUPPORTED`](super::SUPPORTED).
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] when `from` is outside [`SUPPORTED`](super::SUPPORTED).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use qixian::calendar::CalendarSet;
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let set = CalendarSet::embedded().unwrap();
    /// let spring = set.get("cn").unwrap().next_break(d(2, 1)).unwrap().unwrap();
    /// assert_eq!(spring.name, "春节");
    /// assert_eq!(spring.days_off.len(), 9, "2/15–2/23");
    /// assert_eq!(spring.makeup_days, [d(2, 14), d(2, 28)]);
    /// ```
    pub fn next_break(&self, from: NaiveDate) -> Result<Option<Break<'_>>, CalendarError> {
        let start = index_of(from)?;
        let named_off = |i: usize| {
            let cell = self.cells[i];
            (cell.kind == DayKind::Holiday && cell.name != NONE).then_some(cell.name)
        };
        let Some(first) = (start..self.cells.len()).find(|&i| named_off(i).is_some()) else {
            return Ok(None);
        };
        let name = self.cells[first].name;
        let mut lo = first;
        while lo > 0 && named_off(lo - 1) == Some(name) {
            lo -= 1;
        }
        let mut hi = first;
        while hi + 1 < self.cells.len() && named_off(hi + 1) == Some(name) {
            hi += 1;
        }
        let near = lo.saturating_sub(31)..=(hi + 31).min(self.cells.len() - 1);
        let makeup_days = near
            .filter(|&i| self.cells[i].kind == DayKind::MakeupWorkday && self.cells[i].name == name)
            .map(date_of)
            .collect();
        Ok(Some(Break {
            name: &self.texts[usize::from(name)],
            days_off: (lo..=hi).map(date_of).collect(),
            makeup_days,
            estimated: (lo..=hi).any(|i| self.cells[i].estimated),
            statutory: (lo..=hi)
                .filter(|&i| self.cells[i].statutory)
                .map(date_of)
                .collect(),
        }))
    }

    /// Whether `date` is a working day.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] outside [`SUPPORTED`](super::SUPPORTED).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use qixian::calendar::CalendarSet;
    /// let set = CalendarSet::embedded().unwrap();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
    /// assert!(!set.get("cn-xj").unwrap().is_working_day(d(6, 9)).unwrap(), "古尔邦节");
    /// assert!(set.get("cn").unwrap().is_working_day(d(6, 9)).unwrap(), "a Monday elsewhere");
    /// ```
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.cells[index_of(date)?].kind.is_working())
    }

    /// The days from `from` to `to`, both included (none when `to < from`).
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] if either end is outside [`SUPPORTED`](super::SUPPORTED).
    pub fn days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<impl ExactSizeIterator<Item = Day<'_>>, CalendarError> {
        let (a, b) = (index_of(from)?, index_of(to)?);
        Ok((a..(b + 1).max(a)).map(|i| self.day_at(i)))
    }

    fn provisional_within(&self, a: usize, b: usize) -> bool {
        let (a, b) = (a.min(b), a.max(b));
        self.provisional_before[b + 1] > self.provisional_before[a]
    }

    /// The working days from `from` to `to`, both ends included, like NETWORKDAYS: negative
    /// when `to < from`.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] if either end is outside [`SUPPORTED`](super::SUPPORTED).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use qixian::calendar::CalendarSet;
    /// let set = CalendarSet::embedded().unwrap();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let n = set.get("cn").unwrap().working_days_between(d(9, 28), d(10, 10)).unwrap();
    /// // 9/28–9/30, then 国庆节 10/1–10/7, then 10/8, 10/9 and the makeup Saturday 10/10.
    /// assert_eq!(n.value, 6);
    /// ```
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Answer<i64>, CalendarError> {
        let (a, b) = (index_of(from)?, index_of(to)?);
        let (lo, hi) = (a.min(b), a.max(b));
        let n = i64::from(self.working_before[hi + 1] - self.working_before[lo]);
        Ok(Answer {
            value: if b < a { -n } else { n },
            provisional: self.provisional_within(lo, hi),
        })
    }

    /// Excel's WORKDAY: the `days`-th working day after `start` (before it when negative), the
    /// start day never counted; for `days == 0`, `start` itself if it is a working day, else the
    /// next working day.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] if `start` is outside [`SUPPORTED`](super::SUPPORTED);
    /// [`CalendarError::ResultOutOfRange`] if the answer would be.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use qixian::calendar::CalendarSet;
    /// let set = CalendarSet::embedded().unwrap();
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let due = set.get("cn").unwrap().add_working_days(d(2025, 1, 24), 7).unwrap();
    /// assert_eq!(due.value, d(2025, 2, 10), "1/26 and 2/8 are makeup working days");
    /// assert!(!due.provisional);
    /// ```
    pub fn add_working_days(
        &self,
        start: NaiveDate,
        days: i64,
    ) -> Result<Answer<NaiveDate>, CalendarError> {
        let i = index_of(start)?;
        // The ordinal (0-based, among all working days) of the working day we want.
        let before = i64::from(self.working_before[i]);
        let through = i64::from(self.working_before[i + 1]);
        let ordinal = match days {
            0 => Some(before),
            n if n > 0 => through.checked_add(n - 1),
            n => before.checked_add(n),
        }
        .unwrap_or(-1);
        let found = usize::try_from(ordinal)
            .ok()
            .and_then(|k| self.working_days.get(k));
        let Some(&j) = found else {
            return Err(CalendarError::ResultOutOfRange { start, days });
        };
        let j = j as usize;
        // The start day counts only when it may itself be the answer (days == 0).
        let (lo, hi) = match days {
            0 => (i, j),
            n if n > 0 => (i + 1, j),
            _ => (j, i - 1),
        };
        Ok(Answer {
            value: date_of(j),
            provisional: self.provisional_within(lo, hi),
        })
    }

    /// WORKDAY with a choice for `days == 0` on a rest day: [`Roll::Forward`] gives the next
    /// working day (as [`Calendar::add_working_days`] does), [`Roll::None`] gives `start`
    /// unchanged, as Excel's WORKDAY does. Any other `days` is the same either way.
    ///
    /// # Errors
    /// As [`Calendar::add_working_days`].
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use qixian::calendar::{CalendarSet, Roll};
    /// let set = CalendarSet::embedded().unwrap();
    /// let sunday = NaiveDate::from_ymd_opt(2026, 6, 14).unwrap();
    /// let cn = set.get("cn").unwrap();
    /// assert_eq!(cn.workday(sunday, 0, Roll::Forward).unwrap().value.to_string(), "2026-06-15");
    /// assert_eq!(cn.workday(sunday, 0, Roll::None).unwrap().value, sunday);
    /// ```
    pub fn workday(
        &self,
        start: NaiveDate,
        days: i64,
        roll: Roll,
    ) -> Result<Answer<NaiveDate>, CalendarError> {
        match (days, roll) {
            (0, Roll::None) => Ok(Answer {
                value: start,
                provisional: self.cells[index_of(start)?].provisional,
            }),
            _ => self.add_working_days(start, days),
        }
    }

    /// `date` if it is a working day, else the first working day after it: where a period's last
    /// day lands when it falls on a rest day (民法典 第二百零三条).
    ///
    /// # Errors
    /// As [`Calendar::add_working_days`].
    pub fn roll_forward(&self, date: NaiveDate) -> Result<Answer<NaiveDate>, CalendarError> {
        self.add_working_days(date, 0)
    }

    /// The days a notice lists in `years` (both ends included): the days off (weekend days
    /// inside a holiday span included) and the makeup working days, in date order.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] when a year is outside the supported range.
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::{CalendarSet, DayKind};
    /// let set = CalendarSet::embedded().unwrap();
    /// let days: Vec<_> = set.get("cn").unwrap().notice_days(2026..=2026).unwrap().collect();
    /// let makeup = days.iter().filter(|d| d.kind == DayKind::MakeupWorkday).count();
    /// assert_eq!((days.len(), makeup), (39, 6), "33 days off and 6 makeup working days");
    /// ```
    pub fn notice_days(
        &self,
        years: RangeInclusive<i32>,
    ) -> Result<impl Iterator<Item = Day<'_>>, CalendarError> {
        let first_of = |year: i32| {
            NaiveDate::from_ymd_opt(year, 1, 1).ok_or(CalendarError::OutOfRange { date: FIRST_DAY })
        };
        let from = first_of(*years.start())?;
        let to = first_of(years.end().saturating_add(1))?
            .pred_opt()
            .ok_or(CalendarError::OutOfRange { date: FIRST_DAY })?;
        Ok(self
            .days(from, to)?
            .filter(|d| matches!(d.kind, DayKind::Holiday | DayKind::MakeupWorkday)))
    }

    /// The days from `from` to `to`, both included, as a listing answers them: at most
    /// [`MAX_LISTED_DAYS`], in order, with whether any of them is provisional.
    ///
    /// # Errors
    /// [`CalendarError::Backwards`] when `to` is before `from`, [`CalendarError::TooLong`] past
    /// the bound, [`CalendarError::OutOfRange`] outside [`SUPPORTED`](super::SUPPORTED).
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use qixian::calendar::CalendarSet;
    /// let set = CalendarSet::embedded().unwrap();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let listed = set.get("cn").unwrap().listing(d(10, 1), d(10, 8)).unwrap();
    /// assert_eq!((listed.value.len(), listed.provisional), (8, false));
    /// assert!(set.get("cn").unwrap().listing(d(10, 8), d(10, 1)).is_err());
    /// ```
    pub fn listing(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Answer<impl ExactSizeIterator<Item = Day<'_>>>, CalendarError> {
        let days = (to - from).num_days() + 1;
        if days < 1 {
            return Err(CalendarError::Backwards { from, to });
        }
        if days > MAX_LISTED_DAYS {
            return Err(CalendarError::TooLong { from, to, days });
        }
        Ok(Answer {
            provisional: self.is_provisional_between(from, to)?,
            value: self.days(from, to)?,
        })
    }

    /// Whether any day from `from` to `to` (either order, both included) is provisional.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] if either end is outside [`SUPPORTED`](super::SUPPORTED).
    pub fn is_provisional_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<bool, CalendarError> {
        Ok(self.provisional_within(index_of(from)?, index_of(to)?))
    }
}

/// Why the calendars compiled into the binary cannot be built (a build the tests refuse).
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// The calendar list is broken.
    #[error("the embedded calendar list is not valid")]
    Specs(#[from] super::spec::SpecError),
    /// A holiday file is broken.
    #[error("an embedded holiday file is not valid")]
    Data(#[from] super::data::DataError),
}

/// Every calendar, compiled from one [`DataSet`]; a request uses one set throughout.
#[derive(Debug)]
pub struct CalendarSet {
    calendars: Vec<Calendar>,
    version: String,
    record: super::backtest::Record,
}

impl CalendarSet {
    /// The calendars of `holidays/calendars.json` compiled from the embedded data.
    ///
    /// # Errors
    /// [`EmbeddedError`] if the embedded list or data are broken; the tests make sure they are
    /// not.
    pub fn embedded() -> Result<Self, EmbeddedError> {
        let specs = super::spec::parse_specs(super::spec::EMBEDDED_SPECS)?;
        let data = DataSet::embedded()?;
        Ok(Self::compile(&specs, &data))
    }

    /// Compiles every calendar in `specs` (parents listed before children, as
    /// [`super::spec::parse_specs`] checks) from `data`.
    pub fn compile(specs: &[CalendarSpec], data: &DataSet) -> Self {
        let calendars: Vec<Calendar> = specs
            .iter()
            .map(|spec| compile_one(spec, &chain_of(specs, spec), data))
            .collect();
        let mut hash = Sha256::new();
        for c in &calendars {
            hash.update(c.version.as_bytes());
        }
        let version = short_digest(&hash.finalize());
        CalendarSet {
            calendars,
            version,
            record: super::backtest::Record::of(data),
        }
    }

    /// The projection's record on the published years of the data it was compiled from: what
    /// an estimate of an unpublished year is worth.
    pub fn projection_record(&self) -> &super::backtest::Record {
        &self.record
    }

    /// The calendar `id`, in any case (`CN-XJ` is `cn-xj`).
    ///
    /// # Errors
    /// [`CalendarError::UnknownCalendar`], naming the known ones and the closest.
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::{CalendarError, CalendarSet};
    /// let set = CalendarSet::embedded().unwrap();
    /// assert_eq!(set.get("CN-XJ").unwrap().id(), "cn-xj");
    /// let Err(CalendarError::UnknownCalendar { suggestion, .. }) = set.get("cn-xj-kizilsy") else {
    ///     panic!("unknown");
    /// };
    /// assert_eq!(suggestion.as_deref(), Some("cn-xj-kizilsu"));
    /// ```
    pub fn get(&self, id: &str) -> Result<&Calendar, CalendarError> {
        self.calendars
            .iter()
            .find(|c| c.spec.id == id)
            .or_else(|| {
                self.calendars
                    .iter()
                    .find(|c| c.spec.id.eq_ignore_ascii_case(id))
            })
            .ok_or_else(|| CalendarError::UnknownCalendar {
                id: crate::time::shorten(id),
                known: self.ids().collect::<Vec<_>>().join(", "),
                suggestion: crate::time::closest(id, self.ids()).map(str::to_owned),
            })
    }

    /// Every calendar's id, national first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.calendars.iter().map(|c| c.id())
    }

    /// Every calendar, national first.
    pub fn iter(&self) -> impl Iterator<Item = &Calendar> {
        self.calendars.iter()
    }

    /// A digest of all the data in force.
    pub fn version(&self) -> &str {
        &self.version
    }
}

/// The layers of `spec`, root first.
fn chain_of<'a>(specs: &'a [CalendarSpec], spec: &'a CalendarSpec) -> Vec<&'a CalendarSpec> {
    let mut chain = vec![spec];
    while let Some(parent) = chain.last().and_then(|s| s.parent.as_deref()) {
        match specs.iter().find(|s| s.id == parent) {
            Some(p) => chain.push(p),
            None => break,
        }
    }
    chain.reverse();
    chain
}

fn layer_published(layer: &CalendarSpec, data: &DataSet, year: i32) -> bool {
    match &layer.notice {
        Notice::Occasional => true,
        Notice::Yearly { requires } => data.get(&layer.id, year).is_some_and(|f| {
            requires
                .iter()
                .all(|r| f.file.names().any(|name| name == r))
        }),
    }
}

fn compile_one(spec: &CalendarSpec, chain: &[&CalendarSpec], data: &DataSet) -> Calendar {
    let weekend: Vec<Weekday> = chain
        .iter()
        .rev()
        .find_map(|s| s.weekend.clone())
        .unwrap_or_default();
    let mut cells = blank_cells(&weekend);
    let mut texts = Interner::default();
    let mut hash = Sha256::new();
    hash.update(spec.id.as_bytes());
    for (layer_index, layer) in chain.iter().enumerate() {
        let mut laying = Laying {
            cells: &mut cells,
            texts: &mut texts,
            weekend: &weekend,
            layer: layer_index as u8,
        };
        laying.files(layer, data, &mut hash);
        if let Some(projection) = layer.projection {
            laying.projection(layer, projection, data);
        }
    }
    mark_statutory(&mut cells);
    let years = years_of(chain, data, &mut cells);
    let (working_before, provisional_before, working_days) = running_counts(&cells);
    let hours = office_hours(chain, data, &cells, &mut hash);
    Calendar {
        spec: spec.clone(),
        layers: chain.iter().map(|s| s.id.clone()).collect(),
        cells: cells.into(),
        working_before: working_before.into(),
        provisional_before: provisional_before.into(),
        working_days: working_days.into(),
        texts: texts.texts,
        years,
        hours,
        version: short_digest(&hash.finalize()),
    }
}

/// Every supported day, a working day or a weekend day by the week alone.
fn blank_cells(weekend: &[Weekday]) -> Vec<Cell> {
    let len = index_of(LAST_DAY).expect("last day is supported") + 1;
    (0..len)
        .map(|i| Cell {
            kind: if weekend.contains(&date_of(i).weekday()) {
                DayKind::Weekend
            } else {
                DayKind::Workday
            },
            provisional: false,
            estimated: false,
            confidence: None,
            statutory: false,
            layer: u8::MAX,
            name: NONE,
            source: NONE,
            alternative: NONE,
        })
        .collect()
}

/// The names and sources of the days, each kept once and referred to by number.
#[derive(Default)]
struct Interner {
    texts: Vec<Box<str>>,
    ids: HashMap<String, u16>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u16 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        // Names and sources number in the dozens; saturating keeps a pathological file from
        // wrapping around into another text.
        let id = u16::try_from(self.texts.len())
            .unwrap_or(NONE - 1)
            .min(NONE - 1);
        if usize::from(id) == self.texts.len() {
            self.texts.push(s.into());
        }
        self.ids.insert(s.to_owned(), id);
        id
    }
}

/// One layer laid over the days below it: its files' days, then its estimated ones.
struct Laying<'a> {
    cells: &'a mut [Cell],
    texts: &'a mut Interner,
    weekend: &'a [Weekday],
    layer: u8,
}

impl Laying<'_> {
    /// The days the layer's files list, over what the layers below said.
    fn files(&mut self, layer: &CalendarSpec, data: &DataSet, hash: &mut Sha256) {
        hash.update(layer.id.as_bytes());
        for (year, layer_year) in data.layer(&layer.id) {
            hash.update(year.to_be_bytes());
            hash.update(layer_year.sha256);
            for entry in &layer_year.file.days {
                let Ok(i) = index_of(entry.date) else {
                    continue;
                };
                let cell = &mut self.cells[i];
                let weekend_day = self.weekend.contains(&entry.date.weekday());
                cell.kind = match (entry.is_off_day, weekend_day) {
                    (true, _) => DayKind::Holiday,
                    (false, true) => DayKind::MakeupWorkday,
                    (false, false) => DayKind::Workday,
                };
                cell.layer = self.layer;
                cell.name = self.texts.id(&entry.name);
                cell.source = entry.source.as_deref().map_or(NONE, |s| self.texts.id(s));
                cell.confidence = entry.confidence;
                cell.alternative = NONE;
                cell.estimated = false;
            }
        }
    }

    /// The days the layer's projection estimates for the years it has not published.
    fn projection(&mut self, layer: &CalendarSpec, projection: Projection, data: &DataSet) {
        for year in FIRST_DAY.year()..=LAST_DAY.year() {
            if layer_published(layer, data, year) {
                continue;
            }
            // Estimate only what the layer's own files do not say: the holidays a partial
            // notice lacks, on dates none of its files lists.
            let known = data.get(&layer.id, year);
            let named = |name: &str| known.is_some_and(|f| f.file.names().any(|n| n == name));
            // What the layers above say of a date, as the projection of a region needs it.
            let cells = &*self.cells;
            let parent = |date: NaiveDate| {
                let cell = index_of(date).ok().map(|i| &cells[i])?;
                (cell.layer != u8::MAX).then(|| !cell.kind.is_working())
            };
            let projected = projection.days(year, &parent);
            for day in projected {
                let listed = data
                    .get(&layer.id, day.date.year())
                    .into_iter()
                    .chain(data.get(&layer.id, day.date.year() + 1))
                    .any(|f| f.file.days.iter().any(|e| e.date == day.date));
                let Ok(i) = index_of(day.date) else { continue };
                if listed || named(day.name) {
                    continue;
                }
                let weekend_day = self.weekend.contains(&day.date.weekday());
                let cell = &mut self.cells[i];
                cell.kind = match (day.is_off_day, weekend_day) {
                    (true, _) => DayKind::Holiday,
                    (false, true) => DayKind::MakeupWorkday,
                    (false, false) => DayKind::Workday,
                };
                cell.layer = self.layer;
                cell.name = self.texts.id(day.name);
                cell.source = self.texts.id(&day.reason);
                cell.confidence = Some(day.confidence);
                cell.alternative = day
                    .alternative
                    .as_ref()
                    .map_or(NONE, |a| self.texts.id(&a.to_chinese()));
                cell.estimated = true;
            }
        }
    }
}

/// A day off on a statutory date of the 办法 in force is a statutory holiday, whichever
/// layer gave it; every other day off is a 调休 rest day or a region's own.
fn mark_statutory(cells: &mut [Cell]) {
    for year in FIRST_DAY.year()..=LAST_DAY.year() {
        for (date, _) in super::projection::statutory(year) {
            if let Ok(i) = index_of(date) {
                cells[i].statutory = cells[i].kind == DayKind::Holiday;
            }
        }
    }
}

/// Each supported year: published when every layer has its notice, else provisional (and
/// its days marked so), with the files it was compiled from.
fn years_of(chain: &[&CalendarSpec], data: &DataSet, cells: &mut [Cell]) -> Vec<Year> {
    let mut years = Vec::new();
    for year in FIRST_DAY.year()..=LAST_DAY.year() {
        let awaiting: Vec<String> = chain
            .iter()
            .filter(|l| !layer_published(l, data, year))
            .map(|l| l.id.clone())
            .collect();
        let published = awaiting.is_empty();
        if !published {
            let first =
                index_of(NaiveDate::from_ymd_opt(year, 1, 1).expect("valid")).expect("in range");
            let last =
                index_of(NaiveDate::from_ymd_opt(year, 12, 31).expect("valid")).expect("in range");
            cells[first..=last]
                .iter_mut()
                .for_each(|c| c.provisional = true);
        }
        let sources = chain
            .iter()
            .filter_map(|l| {
                data.get(&l.id, year).map(|f| YearSource {
                    layer: l.id.clone(),
                    origin: f.origin.clone(),
                    papers: f.file.papers.clone(),
                })
            })
            .collect();
        years.push(Year {
            year,
            status: if published {
                YearStatus::Published
            } else {
                YearStatus::Provisional
            },
            sources,
            awaiting,
        });
    }
    years
}

/// The working and provisional days before each day (one more than the days, for the end),
/// and the index of every working day: what makes every count two lookups.
fn running_counts(cells: &[Cell]) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let mut working_before = Vec::with_capacity(cells.len() + 1);
    let mut provisional_before = Vec::with_capacity(cells.len() + 1);
    let mut working_days = Vec::new();
    let (mut w, mut p) = (0u32, 0u32);
    for (i, cell) in cells.iter().enumerate() {
        working_before.push(w);
        provisional_before.push(p);
        if cell.kind.is_working() {
            working_days.push(i as u32);
            w += 1;
        }
        p += u32::from(cell.provisional);
    }
    working_before.push(w);
    provisional_before.push(p);
    (working_before, provisional_before, working_days)
}

/// The office hours of the most specific layer that gives any, compiled over the days.
fn office_hours(
    chain: &[&CalendarSpec],
    data: &DataSet,
    cells: &[Cell],
    hash: &mut Sha256,
) -> Option<OfficeHours> {
    chain.iter().rev().find_map(|layer| {
        let layer_hours = data.hours(&layer.id)?;
        hash.update(b"hours");
        hash.update(layer.id.as_bytes());
        hash.update(layer_hours.sha256);
        Some(OfficeHours::compile(
            (&layer.id, &layer.name),
            layer_hours.origin.clone(),
            layer_hours.file.clone(),
            cells.iter().map(|c| c.kind.is_working()),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn set() -> CalendarSet {
        CalendarSet::embedded().expect("embedded data compile")
    }

    #[test]
    fn every_supported_day_has_the_index_of_its_distance_from_the_first() {
        let mut date = FIRST_DAY;
        let mut index = 0;
        while date <= LAST_DAY {
            assert_eq!(index_of(date).ok(), Some(index), "{date}");
            assert_eq!(date_of(index), date, "index {index}");
            date = date.succ_opt().expect("a next day");
            index += 1;
        }
        assert_eq!(
            index, 36_890,
            "101 years, 25 of them leap (2000 is, 2100 is not)"
        );
        assert!(index_of(date).is_err(), "2101-01-01 is outside");
    }

    #[test]
    fn a_makeup_saturday_is_a_working_day() {
        let set = set();
        let day = set.get("cn").unwrap().day(d(2026, 2, 28)).unwrap();
        assert_eq!(
            day.kind,
            DayKind::MakeupWorkday,
            "2026-02-28 (Sat) is 春节 调休上班"
        );
        assert!(day.is_working(), "a makeup day is worked");
    }

    #[test]
    fn a_weekend_inside_a_holiday_span_is_a_holiday() {
        let set = set();
        let day = set.get("cn").unwrap().day(d(2026, 10, 4)).unwrap();
        assert_eq!(
            day.kind,
            DayKind::Holiday,
            "2026-10-04 (Sun) is inside 国庆节"
        );
        assert_eq!(day.name, Some("国庆节"));
    }

    #[test]
    fn xinjiang_overrides_a_national_makeup_day() {
        let set = set();
        let date = d(2014, 9, 28);
        assert_eq!(
            set.get("cn").unwrap().day(date).unwrap().kind,
            DayKind::MakeupWorkday
        );
        let xj = set.get("cn-xj").unwrap().day(date).unwrap();
        assert_eq!(
            xj.kind,
            DayKind::Holiday,
            "Xinjiang rested the national makeup day in 2014"
        );
        assert_eq!(xj.layer, Some("cn-xj"), "the regional layer decided");
        assert_eq!(xj.confidence, Some(Confidence::Medium));
    }

    #[test]
    fn kizilsu_inherits_xinjiang_and_its_published_years() {
        let set = set();
        let (xj, kz) = (set.get("cn-xj").unwrap(), set.get("cn-xj-kizilsu").unwrap());
        for date in [d(2025, 6, 6), d(2023, 4, 21), d(2019, 5, 1)] {
            assert_eq!(
                xj.day(date).unwrap(),
                kz.day(date).unwrap(),
                "{date} same in both"
            );
        }
        let published: Vec<i32> = kz
            .years()
            .iter()
            .filter(|y| y.status == YearStatus::Published)
            .map(|y| y.year)
            .collect();
        assert_eq!(
            published,
            (2021..=2026).collect::<Vec<_>>(),
            "both festivals known"
        );
    }

    #[test]
    fn an_unpublished_year_is_provisional_with_its_statutory_days_estimated() {
        let set = set();
        let cn = set.get("cn").unwrap();
        let national_day = cn.day(d(2027, 10, 1)).unwrap();
        assert!(national_day.provisional, "2027 is not published");
        assert!(
            national_day.estimated,
            "国庆节 2027 is projected, not published"
        );
        assert_eq!(
            (national_day.kind, national_day.name),
            (DayKind::Holiday, Some("国庆节"))
        );
        assert!(
            national_day.source.unwrap().starts_with("预估："),
            "the reason is given"
        );
        let ordinary = cn.day(d(2027, 10, 12)).unwrap();
        assert_eq!(
            (ordinary.kind, ordinary.estimated),
            (DayKind::Workday, false),
            "no guessed 调休"
        );
        assert!(ordinary.provisional, "every day of 2027 is provisional");
        let published = cn.day(d(2026, 10, 1)).unwrap();
        assert!(
            !published.provisional && !published.estimated,
            "2026 is published"
        );
        assert!(
            cn.day(d(2006, 5, 1)).unwrap().estimated,
            "2006 has no notice here: projected"
        );
    }

    #[test]
    fn a_partial_regional_notice_is_completed_by_estimates_of_what_it_lacks() {
        let set = set();
        let xj = set.get("cn-xj").unwrap();
        let known = xj.day(d(2013, 8, 8)).unwrap();
        assert_eq!(
            (known.name, known.estimated),
            (Some("肉孜节"), false),
            "2013 肉孜节 is known"
        );
        assert!(
            known.provisional,
            "2013 knows only 肉孜节, so it is not published"
        );
        let estimated: Vec<_> = xj
            .days(d(2013, 1, 1), d(2013, 12, 31))
            .unwrap()
            .filter(|day| day.estimated)
            .map(|day| (day.date, day.name))
            .collect();
        assert!(!estimated.is_empty(), "古尔邦节 2013 is estimated");
        assert!(
            estimated.iter().all(|(_, n)| *n == Some("古尔邦节")),
            "{estimated:?}"
        );
        assert!(
            xj.day(d(2019, 5, 1)).unwrap().provisional,
            "2019 Xinjiang festivals unknown"
        );
    }

    #[test]
    fn counting_is_closed_and_signed_like_networkdays() {
        let set = set();
        let cn = set.get("cn").unwrap();
        let n = cn
            .working_days_between(d(2026, 9, 28), d(2026, 10, 11))
            .unwrap();
        // 9/28, 9/29, 9/30 work; 10/1–10/7 off; 10/8, 10/9 work; 10/10 makeup; 10/11 Sunday.
        assert_eq!(n.value, 6, "expected six working days");
        let back = cn
            .working_days_between(d(2026, 10, 11), d(2026, 9, 28))
            .unwrap();
        assert_eq!(back.value, -6, "reversed range counts negative");
        let one = cn
            .working_days_between(d(2026, 10, 10), d(2026, 10, 10))
            .unwrap();
        assert_eq!(one.value, 1, "a single working day counts one");
        assert!(
            cn.working_days_between(d(2026, 12, 30), d(2027, 1, 4))
                .unwrap()
                .provisional
        );
    }

    #[test]
    fn an_uncounted_start_day_does_not_make_an_answer_provisional() {
        let set = set();
        let xj = set.get("cn-xj").unwrap();
        let next = xj.add_working_days(d(2020, 12, 31), 1).unwrap();
        assert_eq!(next.value, d(2021, 1, 4), "after 元旦 2021");
        assert!(
            !next.provisional,
            "2020 is unpublished in Xinjiang but only 2021 is counted"
        );
        let back = xj.add_working_days(d(2021, 1, 4), -1).unwrap();
        assert!(back.provisional, "counting back lands in unpublished 2020");
        assert!(
            xj.add_working_days(d(2020, 12, 31), 0).unwrap().provisional,
            "days=0 may answer the start"
        );
    }

    #[test]
    fn add_is_workday_with_the_start_never_counted() {
        let set = set();
        let cn = set.get("cn").unwrap();
        assert_eq!(
            cn.add_working_days(d(2026, 9, 30), 1).unwrap().value,
            d(2026, 10, 8)
        );
        assert_eq!(
            cn.add_working_days(d(2026, 10, 8), -1).unwrap().value,
            d(2026, 9, 30)
        );
        assert_eq!(
            cn.add_working_days(d(2026, 10, 3), 0).unwrap().value,
            d(2026, 10, 8)
        );
        assert_eq!(
            cn.add_working_days(d(2026, 10, 9), 0).unwrap().value,
            d(2026, 10, 9)
        );
        assert_eq!(
            cn.add_working_days(d(2026, 10, 3), -1).unwrap().value,
            d(2026, 9, 30)
        );
    }

    #[test]
    fn arithmetic_at_the_edges_of_the_range_fails_cleanly() {
        let set = set();
        let cn = set.get("cn").unwrap();
        assert_eq!(
            cn.add_working_days(d(2100, 12, 30), 5),
            Err(CalendarError::ResultOutOfRange {
                start: d(2100, 12, 30),
                days: 5
            })
        );
        assert!(
            cn.add_working_days(d(2000, 1, 3), -5).is_err(),
            "before 2000-01-01"
        );
        assert!(
            cn.add_working_days(d(2026, 1, 5), i64::MAX).is_err(),
            "no overflow"
        );
        assert!(
            cn.add_working_days(d(2026, 1, 5), i64::MIN).is_err(),
            "no overflow"
        );
        assert_eq!(
            cn.day(d(1999, 12, 31)),
            Err(CalendarError::OutOfRange {
                date: d(1999, 12, 31)
            })
        );
    }

    #[test]
    fn an_unknown_calendar_names_the_known_ones_and_the_closest() {
        let err = set().get("cn-xz").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"calendar "cn-xz" is not known (did you mean cn-xj?); known calendars: cn, cn-xj, cn-xj-kizilsu"#
        );
        let err = set().get("tibet").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"calendar "tibet" is not known; known calendars: cn, cn-xj, cn-xj-kizilsu"#,
            "no suggestion when none is close"
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use std::sync::OnceLock;

        fn calendars() -> &'static CalendarSet {
            static SET: OnceLock<CalendarSet> = OnceLock::new();
            SET.get_or_init(set)
        }

        fn any_date() -> impl Strategy<Value = NaiveDate> {
            (0..=(LAST_DAY - FIRST_DAY).num_days())
                .prop_map(|n| FIRST_DAY + chrono::Days::new(n as u64))
        }

        fn any_calendar() -> impl Strategy<Value = &'static str> {
            prop::sample::select(vec!["cn", "cn-xj", "cn-xj-kizilsu"])
        }

        proptest! {
            #[test]
            fn adding_lands_on_a_working_day_and_counting_gives_n_back(
                id in any_calendar(), start in any_date(), n in -5_000i64..=5_000,
            ) {
                let cal = calendars().get(id).unwrap();
                prop_assume!(n != 0);
                match cal.add_working_days(start, n) {
                    Ok(due) => {
                        prop_assert!(cal.is_working_day(due.value).unwrap(), "{} is a working day", due.value);
                        let counted = if n > 0 {
                            cal.working_days_between(start.succ_opt().unwrap(), due.value).unwrap().value
                        } else {
                            -cal.working_days_between(due.value, start.pred_opt().unwrap()).unwrap().value
                        };
                        prop_assert_eq!(counted, n, "working days from the day after {} to {}", start, due.value);
                    }
                    Err(CalendarError::ResultOutOfRange { .. }) => {
                        prop_assert!((start.year() - 2000).abs() < 30 || (2100 - start.year()) < 30, "only near the edges");
                    }
                    Err(other) => prop_assert!(false, "unexpected {other}"),
                }
            }

            #[test]
            fn counting_a_range_agrees_with_walking_it(
                id in any_calendar(), from in any_date(), len in 0u64..400,
            ) {
                let cal = calendars().get(id).unwrap();
                let to = (from + chrono::Days::new(len)).min(LAST_DAY);
                let walked = cal.days(from, to).unwrap().filter(|d| d.is_working()).count() as i64;
                prop_assert_eq!(cal.working_days_between(from, to).unwrap().value, walked);
                if to != from {
                    prop_assert_eq!(cal.working_days_between(to, from).unwrap().value, -walked, "reversed");
                }
            }

            #[test]
            fn zero_days_gives_the_day_itself_or_the_next_working_day(
                id in any_calendar(), start in any_date(),
            ) {
                let cal = calendars().get(id).unwrap();
                match cal.add_working_days(start, 0) {
                    Ok(got) => {
                        prop_assert!(got.value >= start);
                        prop_assert!(cal.is_working_day(got.value).unwrap());
                        let skipped = cal.days(start, got.value.pred_opt().unwrap()).unwrap().filter(|d| d.is_working()).count();
                        prop_assert_eq!(skipped, 0, "no working day between {} and {}", start, got.value);
                    }
                    // Only a start among the last days, all rest days, has no next working day.
                    Err(CalendarError::ResultOutOfRange { .. }) => {
                        prop_assert!(
                            cal.days(start, LAST_DAY).unwrap().all(|d| !d.is_working()),
                            "{} has working days after it", start
                        );
                    }
                    Err(other) => prop_assert!(false, "unexpected {other}"),
                }
            }
        }
    }
}
