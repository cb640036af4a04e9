//! Office hours (作息时间): when a calendar's offices are open on its working days, and the
//! arithmetic of office time.
//!
//! 民法典 第二百零三条: 期间的最后一日的截止时间为二十四时；有业务时间的，停止业务活动的时间为
//! 截止时间. The hours are data (`holidays/<layer>/hours.json`, or the operator's file of the same
//! name): seasons that each run from their start date until the next one starts, one or more
//! intervals per working day, on one clock. A makeup working day (调休上班) has that day's
//! ordinary hours; a rest day has none.
//!
//! Office time is never walked minute by minute: the compiled calendar keeps, per day, which
//! set of intervals it has and how many office minutes came before it, so that adding or
//! counting office time is a binary search and a walk over one day's intervals.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::base::{CalendarError, Confidence, FIRST_DAY, LAST_DAY, index_of};

/// The file name of a layer's office hours, beside its `<year>.json` files.
pub const HOURS_FILE: &str = "hours.json";

/// Seconds in a minute, for positions kept in seconds.
const MINUTE: u64 = 60;

/// One stretch of a working day, in minutes from midnight on the schedule's clock: open at
/// `open`, closed from `close` on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Interval {
    /// Minutes from midnight when it opens.
    pub open: u16,
    /// Minutes from midnight when it closes (at most 1440, midnight of the next day).
    pub close: u16,
}

impl Interval {
    /// Its length in minutes.
    pub fn minutes(self) -> u32 {
        u32::from(self.close - self.open)
    }

    /// `10:00-14:00`.
    pub fn text(self) -> String {
        format!("{}-{}", clock_text(self.open), clock_text(self.close))
    }
}

/// `08:05` from minutes since midnight.
pub fn clock_text(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Why a text is not a working day's hours. Each holds the interval as written, shortened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntervalError {
    /// No interval at all.
    Empty,
    /// Not `HH:MM-HH:MM`.
    Shape(String),
    /// A time that is no time of day (`25:00`).
    Time(String),
    /// An interval that closes when or before it opens.
    Backwards(String),
    /// An interval that begins before the one before it has closed.
    Overlap {
        /// The earlier interval.
        first: String,
        /// The one that overlaps it.
        second: String,
    },
    /// More intervals than a day can sensibly have.
    TooMany(usize),
}

impl std::error::Error for IntervalError {}

/// The most intervals one day may have.
pub const MAX_INTERVALS: usize = 8;

/// A working day's hours: intervals in order, not overlapping, within the day. Held inline
/// (at most [`MAX_INTERVALS`]), so that a deadline's close of business carries its day's hours
/// without allocating; the places past `len` stay empty, so that equal hours compare and hash
/// equal.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DayHours {
    len: u8,
    intervals: [Interval; MAX_INTERVALS],
}

impl Default for DayHours {
    fn default() -> Self {
        DayHours {
            len: 0,
            intervals: [Interval { open: 0, close: 0 }; MAX_INTERVALS],
        }
    }
}

impl std::fmt::Debug for DayHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DayHours").field(&self.intervals()).finish()
    }
}

impl DayHours {
    /// Reads `10:00-14:00,16:00-20:00` (`24:00` is midnight at the day's end).
    ///
    /// # Errors
    /// [`IntervalError`] naming the interval that is wrong.
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::hours::{DayHours, IntervalError};
    /// let hours = DayHours::parse("10:00-14:00,16:00-20:00").unwrap();
    /// assert_eq!(hours.minutes(), 480);
    /// assert_eq!(
    ///     DayHours::parse("10:00-14:00,13:00-18:00"),
    ///     Err(IntervalError::Overlap { first: "10:00-14:00".into(), second: "13:00-18:00".into() })
    /// );
    /// ```
    pub fn parse(text: &str) -> Result<Self, IntervalError> {
        let pairs: Vec<(&str, &str)> = text
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.split_once('-')
                    .map(|(a, b)| (a.trim(), b.trim()))
                    .ok_or_else(|| IntervalError::Shape(crate::time::shorten(p)))
            })
            .collect::<Result<_, _>>()?;
        Self::from_pairs(&pairs)
    }

    /// The hours of `(open, close)` pairs written `HH:MM`.
    ///
    /// # Errors
    /// As [`DayHours::parse`].
    pub fn from_pairs<S: AsRef<str>>(pairs: &[(S, S)]) -> Result<Self, IntervalError> {
        if pairs.is_empty() {
            return Err(IntervalError::Empty);
        }
        if pairs.len() > MAX_INTERVALS {
            return Err(IntervalError::TooMany(pairs.len()));
        }
        let mut intervals = DayHours::default();
        for (open, close) in pairs {
            let (open, close) = (open.as_ref(), close.as_ref());
            let written = || crate::time::shorten(&format!("{open}-{close}"));
            let interval = Interval {
                open: minute_of(open).ok_or_else(|| IntervalError::Time(written()))?,
                close: minute_of(close).ok_or_else(|| IntervalError::Time(written()))?,
            };
            if interval.close <= interval.open {
                return Err(IntervalError::Backwards(written()));
            }
            if let Some(last) = intervals.intervals().last()
                && interval.open < last.close
            {
                return Err(IntervalError::Overlap {
                    first: last.text(),
                    second: written(),
                });
            }
            intervals.intervals[usize::from(intervals.len)] = interval;
            intervals.len += 1;
        }
        Ok(intervals)
    }

    /// The hours made of `intervals` (already checked, as a compiled day's are).
    /// Every day's intervals come from [`DayHours::parse`] or [`DayHours::from_pairs`], which
    /// allow at most [`MAX_INTERVALS`]; of more, only the first [`MAX_INTERVALS`] are kept.
    pub fn from_intervals(intervals: &[Interval]) -> Self {
        let mut hours = DayHours::default();
        let kept = &intervals[..intervals.len().min(MAX_INTERVALS)];
        hours.intervals[..kept.len()].copy_from_slice(kept);
        // At most MAX_INTERVALS (8).
        hours.len = kept.len() as u8;
        hours
    }

    /// Its intervals, in order.
    pub fn intervals(&self) -> &[Interval] {
        &self.intervals[..usize::from(self.len)]
    }

    /// Its office minutes.
    pub fn minutes(&self) -> u32 {
        self.intervals().iter().map(|i| i.minutes()).sum()
    }

    /// `10:00-14:00,16:00-20:00`.
    pub fn text(&self) -> String {
        self.intervals()
            .iter()
            .map(|i| i.text())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// `HH:MM` (also `H:MM`) as minutes since midnight; `24:00` is 1440.
fn minute_of(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// One season of a schedule: from its start date (every year) until the next season's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Season {
    /// Its name (`夏季`).
    pub name: String,
    /// Its first day, as `MM-DD`.
    pub from: String,
    /// The working day's hours.
    #[serde(serialize_with = "hours_text")]
    pub hours: DayHours,
    #[serde(skip)]
    start: (u32, u32),
}

fn hours_text<S: serde::Serializer>(hours: &DayHours, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hours.text())
}

/// The hours a notice gave for some years, with its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// The years the notice gave them for.
    pub years: Vec<i32>,
    /// How sure the source is.
    pub confidence: Confidence,
    /// Where they come from.
    pub source: String,
    /// Its seasons, in date order.
    pub seasons: Vec<Season>,
}

/// A layer's office hours file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HoursFile {
    /// The clock the hours are written on.
    #[serde(serialize_with = "zone_name")]
    pub clock: Tz,
    /// The schedules, in year order.
    pub schedules: Vec<Schedule>,
}

fn zone_name<S: serde::Serializer>(zone: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(zone.name())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    clock: String,
    schedules: Vec<RawSchedule>,
    #[serde(default)]
    #[allow(dead_code)] // read so that a file may say what it is; not shown
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    years: Vec<i32>,
    confidence: Confidence,
    source: String,
    seasons: Vec<RawSeason>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeason {
    name: String,
    from: String,
    hours: Vec<(String, String)>,
}

/// One schedule of a layer's hours file: its years (supported, none in `seen_years`, which
/// it joins), its plain source, and its seasons, each starting on its own day.
fn schedule(
    layer: &str,
    raw: RawSchedule,
    seen_years: &mut Vec<i32>,
) -> Result<Schedule, HoursError> {
    if raw.years.is_empty() || raw.seasons.is_empty() {
        return Err(HoursError::Seasons {
            layer: layer.to_owned(),
        });
    }
    for &year in &raw.years {
        let supported = FIRST_DAY.year()..=LAST_DAY.year();
        if !supported.contains(&year) || seen_years.contains(&year) {
            return Err(HoursError::Year {
                layer: layer.to_owned(),
                year,
            });
        }
        seen_years.push(year);
    }
    if !plain(&raw.source) {
        return Err(HoursError::Text {
            layer: layer.to_owned(),
        });
    }
    let mut seasons = raw
        .seasons
        .into_iter()
        .map(|season| self::season(layer, season))
        .collect::<Result<Vec<_>, _>>()?;
    seasons.sort_by_key(|s| s.start);
    if seasons.windows(2).any(|w| w[0].start == w[1].start) {
        return Err(HoursError::Seasons {
            layer: layer.to_owned(),
        });
    }
    let mut years = raw.years;
    years.sort_unstable();
    Ok(Schedule {
        years,
        confidence: raw.confidence,
        source: raw.source,
        seasons,
    })
}

/// One season: a plain name, the month and day it starts, its hours.
fn season(layer: &str, season: RawSeason) -> Result<Season, HoursError> {
    if !plain(&season.name) {
        return Err(HoursError::Text {
            layer: layer.to_owned(),
        });
    }
    let start = month_day(&season.from).ok_or_else(|| HoursError::SeasonStart {
        layer: layer.to_owned(),
        season: season.name.clone(),
        from: crate::time::shorten(&season.from),
    })?;
    let hours = DayHours::from_pairs(&season.hours).map_err(|error| HoursError::Interval {
        layer: layer.to_owned(),
        season: season.name.clone(),
        error,
    })?;
    Ok(Season {
        name: season.name,
        from: season.from,
        hours,
        start,
    })
}

/// Why an office hours file is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    /// Not JSON of the file's shape.
    #[error("office hours of {layer} are not valid JSON of hours.json's shape: {reason}")]
    Malformed {
        /// The layer.
        layer: String,
        /// What the reader said.
        reason: String,
    },
    /// A clock that is no zone, or one that changes its offset (summer time) within
    /// 2000–2100: office minutes are counted on a wall clock of 1,440 minutes a day.
    #[error("office hours of {layer}: clock {clock:?} is not a time zone without summer time")]
    Clock {
        /// The layer.
        layer: String,
        /// The clock given.
        clock: String,
    },
    /// A schedule with no years, a year outside 2000–2100, or a year in two schedules.
    #[error("office hours of {layer}: year {year} is outside 2000–2100 or in two schedules")]
    Year {
        /// The layer.
        layer: String,
        /// The year.
        year: i32,
    },
    /// A schedule without seasons or years, or with two seasons from one date.
    #[error("office hours of {layer}: a schedule needs years and seasons with distinct starts")]
    Seasons {
        /// The layer.
        layer: String,
    },
    /// A season start that is no `MM-DD` date of every year.
    #[error(
        "office hours of {layer}: season {season:?} starts on {from:?}, not an MM-DD date of every year"
    )]
    SeasonStart {
        /// The layer.
        layer: String,
        /// The season.
        season: String,
        /// Its start as written.
        from: String,
    },
    /// A season's hours that are not a working day's.
    #[error("office hours of {layer}: season {season:?}: {error:?}")]
    Interval {
        /// The layer.
        layer: String,
        /// The season.
        season: String,
        /// What is wrong.
        error: IntervalError,
    },
    /// A source or name that is not plain text.
    #[error("office hours of {layer}: a source or season name is empty or not plain text")]
    Text {
        /// The layer.
        layer: String,
    },
}

impl HoursFile {
    /// Reads and checks a layer's `hours.json`.
    ///
    /// # Errors
    /// [`HoursError`] naming what is wrong; nothing is taken from a file that fails.
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::hours::HoursFile;
    /// let json = r#"{"clock": "Asia/Shanghai", "schedules": [{"years": [2023],
    ///   "confidence": "high", "source": "通知",
    ///   "seasons": [{"name": "夏季", "from": "05-01", "hours": [["10:00", "14:00"], ["16:00", "20:00"]]},
    ///               {"name": "冬季", "from": "10-01", "hours": [["10:00", "14:00"], ["15:30", "19:30"]]}]}]}"#;
    /// let file = HoursFile::parse("cn-xj", json.as_bytes()).unwrap();
    /// assert_eq!(file.schedules[0].seasons[1].hours.minutes(), 480);
    /// ```
    pub fn parse(layer: &str, bytes: &[u8]) -> Result<Self, HoursError> {
        let raw: RawFile = serde_json::from_slice(bytes).map_err(|e| HoursError::Malformed {
            layer: layer.to_owned(),
            reason: e.to_string(),
        })?;
        let clock = crate::time::parse_zone(&raw.clock)
            .ok()
            .filter(|zone| fixed_offset(*zone))
            .ok_or_else(|| HoursError::Clock {
                layer: layer.to_owned(),
                clock: crate::time::shorten(&raw.clock),
            })?;
        let mut seen_years = Vec::new();
        let mut schedules = Vec::new();
        for raw in raw.schedules {
            schedules.push(schedule(layer, raw, &mut seen_years)?);
        }
        if schedules.is_empty() {
            return Err(HoursError::Seasons {
                layer: layer.to_owned(),
            });
        }
        schedules.sort_by_key(|s| s.years[0]);
        Ok(HoursFile { clock, schedules })
    }

    /// The schedule for seasons beginning in `year`, and whether it was carried over from
    /// another year (no notice gave hours for `year`): the latest schedule of an earlier year,
    /// else the earliest one.
    pub fn schedule_for(&self, year: i32) -> (&Schedule, bool) {
        let (i, carried) = self.schedule_index(year);
        (&self.schedules[i], carried)
    }

    fn schedule_index(&self, year: i32) -> (usize, bool) {
        if let Some(i) = self.schedules.iter().position(|s| s.years.contains(&year)) {
            return (i, false);
        }
        let earlier = (0..self.schedules.len())
            .filter(|&i| self.schedules[i].years[0] < year)
            .max_by_key(|&i| self.schedules[i].years[self.schedules[i].years.len() - 1]);
        (earlier.unwrap_or(0), true)
    }

    /// The season in force on `date`, the schedule it comes from and whether that schedule
    /// was carried over: the season that began last on or before `date`, this year's or the
    /// year before's.
    pub fn season_on(&self, date: NaiveDate) -> (&Season, &Schedule, bool) {
        self.resolve(self.season_index_on(date))
    }

    // Inlined into a deadline's computation (a hint alone was not taken): its result is
    // built where the deadline uses it instead of returned through memory.
    #[inline(always)]
    fn resolve(&self, at: SeasonAt) -> (&Season, &Schedule, bool) {
        let schedule = &self.schedules[usize::from(at.schedule)];
        (
            &schedule.seasons[usize::from(at.season)],
            schedule,
            at.carried_over,
        )
    }

    fn season_index_on(&self, date: NaiveDate) -> SeasonAt {
        let at = |(schedule, carried_over): (usize, bool), season: usize| SeasonAt {
            // A file has a handful of schedules and seasons (parse_hours bounds them).
            schedule: schedule as u8,
            season: season as u8,
            carried_over,
        };
        let mut found = None;
        for year in [date.year() - 1, date.year()] {
            let schedule = self.schedule_index(year);
            for (i, season) in self.schedules[schedule.0].seasons.iter().enumerate() {
                let Some(start) = NaiveDate::from_ymd_opt(year, season.start.0, season.start.1)
                else {
                    continue;
                };
                if start <= date {
                    found = Some(at(schedule, i));
                }
            }
        }
        found.unwrap_or_else(|| {
            // Before the first season of the year before: that year's last season still runs.
            let schedule = self.schedule_index(date.year() - 1);
            let last = self.schedules[schedule.0].seasons.len() - 1;
            at(schedule, last)
        })
    }
}

/// Where a day's season is in its file: indices of the schedule and the season, and whether
/// the schedule was carried over from an earlier year.
#[derive(Clone, Copy, Debug)]
struct SeasonAt {
    schedule: u8,
    season: u8,
    carried_over: bool,
}

/// `MM-DD` of a date every year has (not 02-29).
fn month_day(text: &str) -> Option<(u32, u32)> {
    let (m, d) = text.split_once('-')?;
    if m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (m, d) = (m.parse().ok()?, d.parse().ok()?);
    NaiveDate::from_ymd_opt(2001, m, d).map(|_| (m, d))
}

/// Plain text: not empty, no control characters, and nothing a spreadsheet reads as a formula.
fn plain(text: &str) -> bool {
    !text.trim().is_empty()
        && !text.chars().any(char::is_control)
        && !text.starts_with(['=', '+', '-', '@'])
}

/// Whether `zone` keeps one offset over 2000–2100 (no summer time): checked on the first of
/// every month.
fn fixed_offset(zone: Tz) -> bool {
    use chrono::Offset;
    let offset = |date: NaiveDate| zone.offset_from_utc_date(&date).fix().local_minus_utc();
    let first = offset(FIRST_DAY);
    (FIRST_DAY.year()..=LAST_DAY.year()).all(|y| {
        (1..=12).all(|m| NaiveDate::from_ymd_opt(y, m, 1).is_none_or(|date| offset(date) == first))
    })
}

/// Office hours compiled over the supported days: for each day, which hours it has, and the
/// office minutes before it.
#[derive(Clone, Debug)]
pub struct OfficeHours {
    /// The layer whose file they come from.
    pub layer: String,
    /// The layer's name (`新疆维吾尔自治区`).
    pub name: String,
    /// Where the file came from.
    pub origin: super::base::Origin,
    /// The file.
    pub file: HoursFile,
    /// Distinct day hours; index 0 is a day without hours.
    patterns: Vec<DayHours>,
    /// Per day, its pattern.
    day_pattern: Box<[u16]>,
    /// Per day, its season (what a deadline's answer cites, read without a search).
    day_season: Box<[SeasonAt]>,
    /// `before[i]`: office minutes before day `i`; one more entry than days.
    before: Box<[u32]>,
}

impl OfficeHours {
    /// Compiles `file` over days whose working-ness `working` gives, in order from
    /// [`FIRST_DAY`].
    pub fn compile(
        (layer, name): (&str, &str),
        origin: super::base::Origin,
        file: HoursFile,
        working: impl Iterator<Item = bool>,
    ) -> Self {
        let mut patterns = vec![DayHours::default()];
        let mut index: HashMap<DayHours, u16> = HashMap::new();
        let mut day_pattern = Vec::new();
        let mut before = vec![0u32];
        let mut total = 0u32;
        let mut day_season = Vec::new();
        for (i, is_working) in working.enumerate() {
            let at = file.season_index_on(FIRST_DAY + chrono::Days::new(i as u64));
            day_season.push(at);
            let pattern = if is_working {
                let hours = &file.resolve(at).0.hours;
                *index.entry(hours.clone()).or_insert_with(|| {
                    patterns.push(hours.clone());
                    (patterns.len() - 1) as u16
                })
            } else {
                0
            };
            total += patterns[usize::from(pattern)].minutes();
            day_pattern.push(pattern);
            before.push(total);
        }
        OfficeHours {
            layer: layer.to_owned(),
            name: name.to_owned(),
            origin,
            file,
            patterns,
            day_pattern: day_pattern.into(),
            day_season: day_season.into(),
            before: before.into(),
        }
    }

    /// [`HoursFile::season_on`], read from the compiled days (searched outside them).
    pub fn season_on(&self, date: NaiveDate) -> (&Season, &Schedule, bool) {
        match index_of(date)
            .ok()
            .and_then(|i| self.day_season.get(i).copied())
        {
            Some(at) => self.file.resolve(at),
            None => self.file.season_on(date),
        }
    }

    /// The season of the day `closing` was found for ([`OfficeHours::season_on`]), from the
    /// index it was found with; `closing` comes from these hours ([`HoursSource::Calendar`]).
    // Inlined into a deadline's computation (a hint alone was not taken): its result is
    // built where the deadline uses it instead of returned through memory.
    #[inline(always)]
    pub fn season_of(&self, closing: &Closing<'_>) -> (&Season, &Schedule, bool) {
        match self.day_season.get(closing.day) {
            Some(&at) => self.file.resolve(at),
            None => self.file.season_on(closing.date),
        }
    }

    /// The clock the hours are on.
    pub fn clock(&self) -> Tz {
        self.file.clock
    }
}

/// Where a calendar's hours come from for one computation: its compiled hours, or hours the
/// caller gave for every working day.
#[derive(Clone, Copy, Debug)]
pub enum HoursSource<'a> {
    /// The calendar's own.
    Calendar(&'a OfficeHours),
    /// The caller's, on the calendar's clock, on every working day; with the calendar's
    /// working days (`working_before[i]`, and the index of the k-th working day).
    Given {
        /// The hours.
        hours: &'a DayHours,
        /// The clock.
        clock: Tz,
        /// Working days before day `i`.
        working_before: &'a [u32],
        /// The index of the k-th working day.
        working_days: &'a [u32],
    },
}

/// Whether the office is open at an instant, and when it opens and closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OfficeState {
    /// Whether it is open.
    pub open: bool,
    /// The interval it is open in, when open.
    pub interval: Option<(DateTime<Tz>, DateTime<Tz>)>,
    /// The day's first opening, when the day has hours.
    pub opens_at: Option<DateTime<Tz>>,
    /// The day's last closing, when the day has hours.
    pub closes_at: Option<DateTime<Tz>>,
    /// The first opening after the instant.
    pub next_opening: Option<DateTime<Tz>>,
}

impl<'a> HoursSource<'a> {
    /// The clock.
    pub fn clock(self) -> Tz {
        match self {
            HoursSource::Calendar(h) => h.clock(),
            HoursSource::Given { clock, .. } => clock,
        }
    }

    fn days(self) -> usize {
        match self {
            HoursSource::Calendar(h) => h.day_pattern.len(),
            HoursSource::Given { working_before, .. } => working_before.len() - 1,
        }
    }

    /// Day `i`'s hours.
    pub fn day(self, i: usize) -> &'a [Interval] {
        self.day_hours(i).map_or(&[], DayHours::intervals)
    }

    /// Day `i`'s hours, `None` (or empty) on a day without.
    #[inline]
    fn day_hours(self, i: usize) -> Option<&'a DayHours> {
        match self {
            HoursSource::Calendar(h) => Some(&h.patterns[usize::from(h.day_pattern[i])]),
            HoursSource::Given {
                hours,
                working_before,
                ..
            } => (working_before[i + 1] > working_before[i]).then_some(hours),
        }
    }

    /// The hours of `date`.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] outside the supported days.
    pub fn day_of(self, date: NaiveDate) -> Result<&'a [Interval], CalendarError> {
        Ok(self.day(index_of(date)?))
    }

    /// Office minutes before day `i` (`i` may be one past the last day).
    fn before(self, i: usize) -> u64 {
        match self {
            HoursSource::Calendar(h) => u64::from(h.before[i]),
            HoursSource::Given {
                hours,
                working_before,
                ..
            } => u64::from(working_before[i]) * u64::from(hours.minutes()),
        }
    }

    /// The last day that begins with at most `seconds` of office time behind it: the day in
    /// which office time goes past `seconds`, or, when `seconds` is a whole number of days'
    /// office time, the next day with hours.
    fn day_past(self, seconds: u64) -> Option<usize> {
        let found = match self {
            HoursSource::Calendar(h) => {
                h.before
                    .partition_point(|&b| u64::from(b) * MINUTE <= seconds)
                    - 1
            }
            HoursSource::Given {
                hours,
                working_days,
                ..
            } => {
                let per_day = u64::from(hours.minutes()) * MINUTE;
                let k = usize::try_from(seconds / per_day).ok()?;
                *working_days.get(k)? as usize
            }
        };
        (found < self.days()).then_some(found)
    }

    /// The office seconds from [`FIRST_DAY`] 00:00 to `at`.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] outside the supported days.
    pub fn position<Z: TimeZone>(self, at: &DateTime<Z>) -> Result<u64, CalendarError> {
        let local = crate::time::in_zone(at, self.clock()).naive_local();
        let i = index_of(local.date())?;
        let second = u64::from(local.time().num_seconds_from_midnight_u32());
        let within: u64 = self
            .day(i)
            .iter()
            .map(|iv| {
                let (open, close) = (u64::from(iv.open) * MINUTE, u64::from(iv.close) * MINUTE);
                second.clamp(open, close) - open
            })
            .sum();
        Ok(self.before(i) * MINUTE + within)
    }

    /// The instant at which office time reaches `position` seconds: going forward, the first
    /// such instant (an end that falls on a closing is that closing); going backward, the last
    /// (an opening). `None` when it falls outside the supported days.
    fn instant_at(self, position: u64, forward: bool) -> Option<DateTime<Tz>> {
        // Forward, office time `position` is reached inside the day that passes it, or at the
        // close of the day before; backward, inside the day that passes it.
        let i = if forward && position > 0 {
            self.day_past(position - 1)?
        } else {
            self.day_past(position)?
        };
        let remaining = position - self.before(i) * MINUTE;
        let mut left = remaining;
        let date = FIRST_DAY + chrono::Days::new(i as u64);
        for iv in self.day(i) {
            let length = u64::from(iv.minutes()) * MINUTE;
            if left < length || (forward && left == length) {
                let second = u64::from(iv.open) * MINUTE + left;
                return Some(at_second(date, second, self.clock()));
            }
            left -= length;
        }
        None
    }

    /// The instant `minutes` of office time after `start` (before it, when negative). A start
    /// outside office hours counts from the next opening (going back, from the last closing);
    /// zero minutes give the start, or the next opening when the office is closed.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] for a start, and [`CalendarError::HoursOutOfRange`] for an
    /// end, outside the supported days.
    pub fn add<Z: TimeZone>(
        self,
        start: &DateTime<Z>,
        minutes: i64,
    ) -> Result<DateTime<Tz>, CalendarError> {
        let from = self.position(start)?;
        i64::try_from(from)
            .ok()
            .and_then(|p| p.checked_add(minutes.checked_mul(60)?))
            .and_then(|p| u64::try_from(p).ok())
            .and_then(|target| self.instant_at(target, minutes > 0))
            .ok_or(CalendarError::HoursOutOfRange {
                start: crate::time::in_zone(start, self.clock()).date_naive(),
                minutes,
            })
    }

    /// The office minutes from `from` to `to` (negative when `to` comes first).
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] for an instant outside the supported days.
    pub fn count<Z: TimeZone>(
        self,
        from: &DateTime<Z>,
        to: &DateTime<Z>,
    ) -> Result<i64, CalendarError> {
        let (a, b) = (self.position(from)?, self.position(to)?);
        Ok((b as i64 - a as i64) / 60)
    }

    /// Whether the office is open at `at`.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] outside the supported days.
    pub fn state_at<Z: TimeZone>(self, at: &DateTime<Z>) -> Result<OfficeState, CalendarError> {
        let local = crate::time::in_zone(at, self.clock()).naive_local();
        let date = local.date();
        let i = index_of(date)?;
        let minute_second = u64::from(local.time().num_seconds_from_midnight_u32());
        let clock = self.clock();
        let day = self.day(i);
        let instant = |d: NaiveDate, minute: u16| at_second(d, u64::from(minute) * MINUTE, clock);
        let current = day.iter().find(|iv| {
            (u64::from(iv.open) * MINUTE..u64::from(iv.close) * MINUTE).contains(&minute_second)
        });
        let next_opening = day
            .iter()
            .find(|iv| u64::from(iv.open) * MINUTE > minute_second)
            .map(|iv| instant(date, iv.open))
            .or_else(|| {
                // The first opening of the next day with hours: office time past what has
                // passed by the end of today.
                let j = self
                    .day_past(self.before(i + 1) * MINUTE)
                    .filter(|&j| j > i)?;
                let first = self.day(j).first()?;
                Some(instant(FIRST_DAY + chrono::Days::new(j as u64), first.open))
            });
        Ok(OfficeState {
            open: current.is_some(),
            interval: current.map(|iv| (instant(date, iv.open), instant(date, iv.close))),
            opens_at: day.first().map(|iv| instant(date, iv.open)),
            closes_at: day.last().map(|iv| instant(date, iv.close)),
            next_opening,
        })
    }

    /// The close of business of `date` — its last interval's end — when it has hours.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] outside the supported days.
    pub fn close_of_business(self, date: NaiveDate) -> Result<Option<DateTime<Tz>>, CalendarError> {
        Ok(self.closing(date)?.map(|c| c.at))
    }

    /// `date`'s close of business with its hours ([`Closing`]), all found from one index of
    /// the day; `None` on a day without hours.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] outside the supported days.
    // Inlined into a deadline's computation (a hint alone was not taken): its result is
    // built where the deadline uses it instead of returned through memory.
    #[inline(always)]
    pub fn closing(self, date: NaiveDate) -> Result<Option<Closing<'a>>, CalendarError> {
        let day = index_of(date)?;
        let Some((hours, last)) = self
            .day_hours(day)
            .and_then(|hours| Some((hours, hours.intervals().last()?)))
        else {
            return Ok(None);
        };
        Ok(Some(Closing {
            hours,
            at: at_second(date, u64::from(last.close) * MINUTE, self.clock()),
            date,
            day,
        }))
    }
}

/// A day's close of business ([`HoursSource::closing`]).
#[derive(Clone, Copy, Debug)]
pub struct Closing<'a> {
    /// The day's hours.
    pub hours: &'a DayHours,
    /// When the last of them closes, on the hours' clock.
    pub at: DateTime<Tz>,
    /// The day, and its index, for its season ([`OfficeHours::season_of`]).
    date: NaiveDate,
    day: usize,
}

/// `second` seconds after midnight of `date` on `clock` (86,400 is the next midnight).
fn at_second(date: NaiveDate, second: u64, clock: Tz) -> DateTime<Tz> {
    crate::time::after_midnight(date, chrono::Duration::seconds(second as i64), clock)
}

trait SecondsOfDay {
    fn num_seconds_from_midnight_u32(&self) -> u32;
}

impl SecondsOfDay for NaiveTime {
    fn num_seconds_from_midnight_u32(&self) -> u32 {
        chrono::Timelike::num_seconds_from_midnight(self)
    }
}

#[cfg(test)]
mod tests {
    //! The hand-checked cases use Xinjiang's hours (holidays/cn-xj/hours.json: summer from 05-01
    //! 10:00–14:00 and 16:00–20:00, winter from 10-01 10:00–14:00 and 15:30–19:30, Beijing time)
    //! and the 2026 notices (国庆节 10/1–10/7 off, Sat 10/10 a makeup day; 劳动节 5/1–5/5 off).

    use chrono::{TimeZone, Timelike};
    use proptest::prelude::*;

    use super::*;
    use crate::calendar::CalendarSet;
    use crate::time::BEIJING;

    fn set() -> &'static CalendarSet {
        static SET: std::sync::OnceLock<CalendarSet> = std::sync::OnceLock::new();
        SET.get_or_init(|| CalendarSet::embedded().expect("embedded data"))
    }

    fn kizilsu() -> HoursSource<'static> {
        set()
            .get("cn-xj-kizilsu")
            .unwrap()
            .hours(None)
            .expect("Kizilsu inherits Xinjiang's hours")
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Tz> {
        BEIJING.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn add(hours: HoursSource<'_>, start: DateTime<Tz>, minutes: i64) -> DateTime<Tz> {
        hours.add(&start, minutes).unwrap()
    }

    #[test]
    fn hours_made_of_intervals_are_the_hours_they_were_read_from() {
        for text in [
            "09:00-17:00",
            "10:00-14:00,15:30-19:30",
            "00:00-01:00,02:00-03:00,04:00-05:00,06:00-07:00,08:00-09:00,10:00-11:00,12:00-13:00,14:00-24:00",
        ] {
            let parsed = DayHours::parse(text).unwrap();
            let made = DayHours::from_intervals(parsed.intervals());
            assert_eq!(
                made, parsed,
                "expected the hours of {text} made again to equal them"
            );
            assert_eq!(made.text(), text, "expected {text} written back as read");
            let hash = |h: &DayHours| {
                use std::hash::{BuildHasher, BuildHasherDefault};
                BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
                    .hash_one(h)
            };
            assert_eq!(
                hash(&made),
                hash(&parsed),
                "expected equal hours of {text} to hash alike"
            );
        }
        assert_eq!(
            DayHours::parse("09:00-12:00").unwrap().intervals(),
            [Interval {
                open: 540,
                close: 720
            }],
            "expected one interval from 09:00 to 12:00, in minutes"
        );
    }

    #[test]
    fn the_compiled_season_of_every_day_is_the_one_the_file_gives() {
        let set = CalendarSet::embedded().expect("embedded");
        let hours = set
            .get("cn-xj")
            .expect("cn-xj")
            .office_hours()
            .expect("Xinjiang's hours");
        let mut date = FIRST_DAY;
        while date <= LAST_DAY {
            assert_eq!(
                hours.season_on(date),
                hours.file.season_on(date),
                "the season of {date}"
            );
            date = date.succ_opt().expect("a next day");
        }
    }

    #[test]
    fn adding_office_time_crosses_breaks_weekends_makeup_days_and_holidays() {
        let h = kizilsu();
        // (start, minutes, end, why), each end worked out by hand.
        let cases = [
            // Mon 10/12, winter: 13:00–14:00, then 15:30–16:30.
            (
                at(2026, 10, 12, 13, 0),
                120,
                at(2026, 10, 12, 16, 30),
                "midday break",
            ),
            // Fri 11/6 19:00–19:30, then Mon 11/9 10:00–10:30.
            (
                at(2026, 11, 6, 19, 0),
                60,
                at(2026, 11, 9, 10, 30),
                "weekend",
            ),
            // Fri 10/9 19:00–19:30, then the makeup Saturday 10/10 10:00–10:30.
            (
                at(2026, 10, 9, 19, 0),
                60,
                at(2026, 10, 10, 10, 30),
                "makeup Saturday",
            ),
            // Wed 9/30, summer: 19:00–20:00; 10/1–10/7 off; Thu 10/8, winter: 10:00–11:00.
            (
                at(2026, 9, 30, 19, 0),
                120,
                at(2026, 10, 8, 11, 0),
                "国庆节",
            ),
            // Thu 4/30, winter: 19:00–19:30; 5/1–5/5 off; Wed 5/6, summer: 10:00–10:30.
            (
                at(2026, 4, 30, 19, 0),
                60,
                at(2026, 5, 6, 10, 30),
                "4/30 → 5/1",
            ),
            // Before the office opens, the period begins at the opening.
            (
                at(2026, 10, 12, 7, 0),
                60,
                at(2026, 10, 12, 11, 0),
                "from 07:00",
            ),
            // An end on a closing is that closing, not the next opening.
            (
                at(2026, 10, 12, 18, 30),
                60,
                at(2026, 10, 12, 19, 30),
                "to 19:30",
            ),
            // Backwards: Mon 10/12 10:00–10:30, then the makeup Saturday 19:00–19:30.
            (
                at(2026, 10, 12, 10, 30),
                -60,
                at(2026, 10, 10, 19, 0),
                "backwards",
            ),
            // Zero: the start when open, else the next opening.
            (
                at(2026, 10, 12, 14, 30),
                0,
                at(2026, 10, 12, 15, 30),
                "zero",
            ),
        ];
        for (start, minutes, end, why) in cases {
            assert_eq!(add(h, start, minutes), end, "{why}");
        }
    }

    #[test]
    fn a_week_counts_the_sum_of_its_days_office_minutes() {
        let h = kizilsu();
        let count = |from, to| (h.position(&to).unwrap() - h.position(&from).unwrap()) / 60;
        // Mon 10/12–Fri 10/16, 480 minutes each.
        assert_eq!(
            count(at(2026, 10, 12, 0, 0), at(2026, 10, 19, 0, 0)),
            5 * 480
        );
        // 10/5–10/11: Thu 10/8, Fri 10/9 and the makeup Saturday 10/10.
        assert_eq!(
            count(at(2026, 10, 5, 0, 0), at(2026, 10, 12, 0, 0)),
            3 * 480
        );
        // Within a day: 10:30–15:45 is 3 h 30 min of the morning and 15 min of the afternoon.
        assert_eq!(
            count(at(2026, 10, 12, 10, 30), at(2026, 10, 12, 15, 45)),
            210 + 15
        );
    }

    #[test]
    fn the_office_is_open_inside_an_interval_and_says_when_it_opens_next() {
        let h = kizilsu();
        let state = |t| h.state_at(&t).unwrap();
        // Winter, Tue 11/10.
        let s = state(at(2026, 11, 10, 13, 59));
        assert!(s.open && s.interval == Some((at(2026, 11, 10, 10, 0), at(2026, 11, 10, 14, 0))));
        let s = state(at(2026, 11, 10, 14, 0));
        assert!(
            !s.open && s.next_opening == Some(at(2026, 11, 10, 15, 30)),
            "{s:?}"
        );
        let s = state(at(2026, 11, 10, 15, 45));
        assert!(
            s.open && s.closes_at == Some(at(2026, 11, 10, 19, 30)),
            "{s:?}"
        );
        // Summer, Wed 6/10.
        assert!(state(at(2026, 6, 10, 13, 59)).open);
        let s = state(at(2026, 6, 10, 14, 0));
        assert!(
            !s.open && s.next_opening == Some(at(2026, 6, 10, 16, 0)),
            "{s:?}"
        );
        let s = state(at(2026, 6, 10, 15, 45));
        assert!(
            !s.open && s.next_opening == Some(at(2026, 6, 10, 16, 0)),
            "{s:?}"
        );
        // After hours on Fri 10/9, the next opening is the makeup Saturday's.
        let s = state(at(2026, 10, 9, 21, 0));
        assert_eq!(s.next_opening, Some(at(2026, 10, 10, 10, 0)));
        // A holiday has no hours.
        let s = state(at(2026, 10, 2, 11, 0));
        assert!(!s.open && s.opens_at.is_none() && s.next_opening == Some(at(2026, 10, 8, 10, 0)));
    }

    #[test]
    fn the_national_calendar_has_no_hours_and_a_carried_over_year_says_so() {
        assert!(set().get("cn").unwrap().hours(None).is_none());
        let own = set().get("cn-xj").unwrap().office_hours().unwrap();
        let (season, _, carried) = own
            .file
            .season_on(NaiveDate::from_ymd_opt(2023, 7, 1).unwrap());
        assert_eq!(
            (season.name.as_str(), carried),
            ("夏季", false),
            "2023 has a notice"
        );
        let (season, _, carried) = own
            .file
            .season_on(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap());
        assert_eq!(
            (season.name.as_str(), carried),
            ("冬季", true),
            "winter of 2025, carried over"
        );
    }

    #[test]
    fn hours_given_for_every_working_day_agree_with_the_same_compiled_hours() {
        // The winter hours given as office_hours, against the calendar's own, over a winter.
        let calendar = set().get("cn-xj-kizilsu").unwrap();
        let given = DayHours::parse("10:00-14:00,15:30-19:30").unwrap();
        let (own, uniform) = (
            calendar.hours(None).unwrap(),
            calendar.hours(Some(&given)).unwrap(),
        );
        let from = at(2026, 10, 8, 9, 0);
        for minutes in [1, 59, 60, 240, 479, 480, 481, 2000, 20_000] {
            let (a, b) = (add(own, from, minutes), add(uniform, from, minutes));
            assert_eq!(a, b, "{minutes} minutes");
        }
        for (minute, second) in [(0, 0), (13, 59), (14, 0), (19, 30)] {
            let t = at(2026, 12, 1, minute, second);
            assert_eq!(
                own.state_at(&t).unwrap(),
                uniform.state_at(&t).unwrap(),
                "{t}"
            );
        }
    }

    #[test]
    fn day_hours_name_the_interval_that_is_wrong() {
        assert_eq!(DayHours::parse(""), Err(IntervalError::Empty));
        assert_eq!(
            DayHours::parse("10:00"),
            Err(IntervalError::Shape("10:00".into()))
        );
        assert_eq!(
            DayHours::parse("10:00-25:00"),
            Err(IntervalError::Time("10:00-25:00".into()))
        );
        assert_eq!(
            DayHours::parse("14:00-10:00"),
            Err(IntervalError::Backwards("14:00-10:00".into()))
        );
        assert_eq!(DayHours::parse("09:00-24:00").unwrap().minutes(), 15 * 60);
        assert_eq!(
            DayHours::parse(" 9:00 - 12:00 , 13:00-17:00")
                .unwrap()
                .text(),
            "09:00-12:00,13:00-17:00"
        );
    }

    #[test]
    fn a_file_that_is_not_hours_is_refused() {
        let file = |clock: &str, years: &str, from: &str, hours: &str| {
            format!(
                r#"{{"clock": "{clock}", "schedules": [{{"years": {years}, "confidence": "high", "source": "通知",
                "seasons": [{{"name": "夏季", "from": "{from}", "hours": {hours}}}]}}]}}"#
            )
        };
        let morning = r#"[["10:00", "14:00"]]"#;
        let ok = file("Asia/Shanghai", "[2023]", "05-01", morning);
        assert!(HoursFile::parse("x", ok.as_bytes()).is_ok());
        let cases = [
            (
                file("Europe/Berlin", "[2023]", "05-01", morning),
                "summer time",
            ),
            (
                file("Asia/Shanghai", "[2023]", "02-29", morning),
                "no 02-29 every year",
            ),
            (
                file("Asia/Shanghai", "[1999]", "05-01", morning),
                "a year outside 2000–2100",
            ),
            (
                file(
                    "Asia/Shanghai",
                    "[2023]",
                    "05-01",
                    r#"[["10:00", "14:00"], ["13:00", "15:00"]]"#,
                ),
                "overlapping intervals",
            ),
        ];
        let refused: Vec<_> = cases
            .iter()
            .map(|(json, why)| (HoursFile::parse("x", json.as_bytes()), why))
            .collect();
        assert!(
            matches!(refused[0].0, Err(HoursError::Clock { .. })),
            "{:?}",
            refused[0]
        );
        assert!(
            matches!(refused[1].0, Err(HoursError::SeasonStart { .. })),
            "{:?}",
            refused[1]
        );
        assert!(
            matches!(refused[2].0, Err(HoursError::Year { .. })),
            "{:?}",
            refused[2]
        );
        assert!(
            matches!(refused[3].0, Err(HoursError::Interval { .. })),
            "{:?}",
            refused[3]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        /// For any start and amount, the office time from the first opening at or after the
        /// start to the end of `add` is the amount.
        #[test]
        fn counting_what_was_added_gives_it_back(
            day in 0u64..(365 * 80),
            minute in 0u32..1440,
            amount in 0i64..200_000,
            given in any::<bool>(),
        ) {
            let calendar = set().get("cn-xj-kizilsu").unwrap();
            let uniform = DayHours::parse("09:00-12:00,13:30-17:30").unwrap();
            let h = calendar.hours(given.then_some(&uniform)).unwrap();
            let start = at(2010, 1, 1, 0, 0) + chrono::Duration::days(day as i64)
                + chrono::Duration::minutes(i64::from(minute));
            let opening = add(h, start, 0);
            prop_assert!(opening >= start);
            let end = add(h, start, amount);
            let counted = (h.position(&end).unwrap() - h.position(&opening).unwrap()) / 60;
            prop_assert_eq!(counted as i64, amount);
            prop_assert_eq!(end.second(), 0);
        }
    }
}
