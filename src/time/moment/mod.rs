//! Moments as callers give them: an instant (`2026-09-30T18:00:00+08:00`), a wall-clock time
//! with no offset (`2026-09-30T18:00`), or a bare date (`2026-09-30`), plus `now` and `today`.
//! A wall-clock time is read on a clock the caller names or, by default, on the calendar's.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};
use chrono_tz::Tz;
use serde::{Serialize, Serializer};

use super::Clock;
use super::clock::{in_zone, instant_of};
use super::date::{DateError, half_width, parse_date, shorten};

/// When something happened (or will), as the caller gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    /// An instant: a date-time with an offset or `Z`.
    Instant(DateTime<FixedOffset>),
    /// A wall-clock time without offset, read on a clock chosen later ([`Moment::instant`]).
    Local(NaiveDateTime),
    /// A civil date.
    Date(NaiveDate),
}

/// How a moment was read, for the answer to say so (`event_read_as`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadAs {
    /// With the offset it was written with.
    Offset(FixedOffset),
    /// A wall-clock time read on this zone's clock.
    Zone(Tz),
    /// A bare date: a day on the calendar, no clock involved.
    Date,
}

impl fmt::Display for ReadAs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadAs::Offset(offset) => write!(f, "{offset}"),
            ReadAs::Zone(zone) => f.write_str(zone.name()),
            ReadAs::Date => f.write_str("date"),
        }
    }
}

impl Serialize for ReadAs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Why a text is not a moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MomentError {
    /// The date part is written as a date but no such day exists.
    Date(DateError),
    /// The time part names no time of day (`25:00`).
    Time {
        /// The whole text, shortened.
        value: String,
        /// The time part.
        time: String,
    },
    /// An hour from 1 to 11 written with 点 or 时 and no word for the part of the day (`6点`):
    /// six in the morning or in the evening? Refused rather than guessed.
    AmbiguousHour {
        /// The whole text, shortened.
        value: String,
        /// The time part.
        time: String,
        /// The hour written.
        hour: u32,
    },
    /// An offset whose `+` a query string turned into a space (`01:30:00 08:00`).
    PlusAsSpace(String),
    /// None of the accepted forms.
    Shape(String),
}

impl std::error::Error for MomentError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MomentError::Date(e) => Some(e),
            _ => None,
        }
    }
}

impl Moment {
    /// Parses a bare date (any form [`parse_date`] reads), a wall-clock time
    /// (`2026-09-30T18:00`, `…T18:00:00`, `…T18:00:00.5`, a space instead of `T`; the time also
    /// as a clerk writes it: `18点`, `18点30分`, `下午6点`, `18.00`, `1800`, full-width
    /// `１８：００`; not `6点`, morning or evening), or either followed by `Z` or an offset (`+08:00`, `+0800`, `+08`).
    ///
    /// # Errors
    /// [`MomentError`] saying which part is wrong.
    ///
    /// # Example
    /// ```
    /// use qixian::time::{Moment, BEIJING, URUMQI};
    /// let m = Moment::parse("2026-10-09T01:30:00+08:00").unwrap();
    /// assert_eq!(m.local_date(BEIJING).to_string(), "2026-10-09");
    /// assert_eq!(m.local_date(URUMQI).to_string(), "2026-10-08", "23:30 the evening before");
    /// assert!(Moment::parse("2026/6/15 9:30").is_ok());
    /// assert_eq!(
    ///     Moment::parse("2026年9月30号 下午6点").unwrap(),
    ///     Moment::parse("2026-09-30T18:00").unwrap()
    /// );
    /// ```
    pub fn parse(text: &str) -> Result<Self, MomentError> {
        match usual_instant(text) {
            Some(at) => Ok(Moment::Instant(at)),
            None => Self::parse_any(text),
        }
    }

    /// [`Moment::parse`] of every form, the usual instant's too.
    fn parse_any(text: &str) -> Result<Self, MomentError> {
        let shape = || MomentError::Shape(shorten(text));
        // Read in ASCII; every message quotes the text as it was given.
        let given = text;
        let ascii = half_width(text);
        let text = ascii.as_ref();
        let split = text
            .char_indices()
            .find(|&(i, c)| i >= 8 && matches!(c, 'T' | 't' | ' '))
            .map(|(i, _)| i);
        let Some(split) = split else {
            return match parse_date(given) {
                Ok(date) => Ok(Moment::Date(date)),
                Err(e @ DateError::NotADate(_)) => Err(MomentError::Date(e)),
                Err(DateError::Shape(_)) => Err(shape()),
            };
        };
        let date = match parse_date(&text[..split]) {
            Ok(date) => date,
            Err(e @ DateError::NotADate(_)) => return Err(MomentError::Date(e)),
            Err(DateError::Shape(_)) => return Err(shape()),
        };
        let rest = &text[split + 1..];
        let (time_text, offset_text) = match rest.find(['Z', 'z', '+', '-', ' ']) {
            Some(at) => (&rest[..at], Some(&rest[at..])),
            None => (rest, None),
        };
        // The date was read: whatever is wrong is the time.
        if let Some(hour) = bare_twelve_hour(time_text) {
            return Err(MomentError::AmbiguousHour {
                value: shorten(given),
                time: shorten(time_text),
                hour,
            });
        }
        let time = parse_time(time_text)
            .or_else(|| clerk_time(time_text))
            .ok_or_else(|| MomentError::Time {
                value: shorten(given),
                time: shorten(time_text),
            })?;
        let local = date.and_time(time);
        match offset_text {
            None => Ok(Moment::Local(local)),
            Some(offset) if offset.starts_with(' ') => {
                if parse_offset(&format!("+{}", &offset[1..])).is_some() {
                    Err(MomentError::PlusAsSpace(shorten(given)))
                } else {
                    Err(shape())
                }
            }
            Some(offset) => {
                let offset = parse_offset(offset).ok_or_else(shape)?;
                offset
                    .from_local_datetime(&local)
                    .single()
                    .map(Moment::Instant)
                    .ok_or_else(shape)
            }
        }
    }

    /// As [`Moment::parse`], and also `now` (the clock's instant) and `today` (the clock's
    /// date), in any case.
    ///
    /// # Errors
    /// As [`Moment::parse`].
    pub fn parse_at(text: &str, clock: &Clock) -> Result<Self, MomentError> {
        if text.eq_ignore_ascii_case("now") {
            return Ok(Moment::Instant(clock.now.fixed_offset()));
        }
        if text.eq_ignore_ascii_case("today") {
            return Ok(Moment::Date(clock.today()));
        }
        Moment::parse(text)
    }

    /// The instant this moment names, a wall-clock time read on `read_on`; none for a date.
    pub fn instant(&self, read_on: Tz) -> Option<DateTime<Tz>> {
        match *self {
            Moment::Instant(t) => Some(in_zone(&t, read_on)),
            Moment::Local(t) => Some(instant_of(t, read_on)),
            Moment::Date(_) => None,
        }
    }

    /// The moment's civil date on `zone`'s clock, a wall-clock time read on `read_on`'s.
    ///
    /// # Example
    /// ```
    /// use qixian::time::{Moment, BEIJING, URUMQI};
    /// // 23:30 in Urumqi is 01:30 the next day in Beijing.
    /// let m = Moment::parse("2026-10-08T23:30").unwrap();
    /// assert_eq!(m.date_on(BEIJING, URUMQI).to_string(), "2026-10-09");
    /// assert_eq!(m.date_on(BEIJING, BEIJING).to_string(), "2026-10-08");
    /// ```
    pub fn date_on(&self, zone: Tz, read_on: Tz) -> NaiveDate {
        match *self {
            Moment::Date(d) => d,
            Moment::Local(t) if zone == read_on => t.date(),
            _ => self.read(zone, read_on).0,
        }
    }

    /// The moment's civil date on `zone`'s clock ([`Moment::date_on`]) and its instant
    /// ([`Moment::instant`]), the instant found once for both.
    // Inlined into a deadline's computation (a hint alone was not taken): its result is
    // built where the deadline uses it instead of returned through memory.
    #[inline(always)]
    pub fn read(&self, zone: Tz, read_on: Tz) -> (NaiveDate, Option<DateTime<Tz>>) {
        let instant = self.instant(read_on);
        let date = match (*self, instant) {
            (Moment::Date(d), _) => d,
            (Moment::Local(t), _) if zone == read_on => t.date(),
            // Already on `zone`'s clock: not converted again.
            (_, Some(t)) if zone == read_on => t.date_naive(),
            (_, Some(t)) => in_zone(&t, zone).date_naive(),
            (_, None) => NaiveDate::MIN,
        };
        (date, instant)
    }

    /// The moment's civil date on `zone`'s clock, a wall-clock time read on the same clock.
    pub fn local_date(&self, zone: Tz) -> NaiveDate {
        self.date_on(zone, zone)
    }

    /// How this moment is read when a wall-clock time is read on `read_on`.
    pub fn read_as(&self, read_on: Tz) -> ReadAs {
        match self {
            Moment::Instant(t) => ReadAs::Offset(t.offset().fix()),
            Moment::Local(_) => ReadAs::Zone(read_on),
            Moment::Date(_) => ReadAs::Date,
        }
    }
}

/// The instant of `2026-10-15T18:00:00+08:00` — the form every answer writes, which a recheck
/// reads back 10,000 times a batch — read without splitting; `None` for any other text, or for
/// a day, time or offset that does not exist (left to [`Moment::parse_any`], which reads the
/// same text as the same instant, or says what is wrong).
fn usual_instant(text: &str) -> Option<DateTime<FixedOffset>> {
    const SHAPE: &[u8; 25] = b"0000-00-00T00:00:00+00:00";
    let b: &[u8; 25] = text.as_bytes().try_into().ok()?;
    let fits = b
        .iter()
        .zip(SHAPE)
        .enumerate()
        .all(|(i, (&c, &s))| match s {
            b'0' => c.is_ascii_digit(),
            b'+' => c == b'+' || c == b'-',
            _ => c == s || i == 10 && c == b't',
        });
    if !fits {
        return None;
    }
    let n = |at: usize, len: usize| {
        b[at..at + len]
            .iter()
            .fold(0u32, |n, &c| n * 10 + u32::from(c - b'0'))
    };
    let (hours, minutes) = (n(20, 2), n(23, 2));
    if hours > 23 || minutes > 59 || n(17, 2) > 59 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(n(0, 4)).ok()?, n(5, 2), n(8, 2))?;
    let time = NaiveTime::from_hms_opt(n(11, 2), n(14, 2), n(17, 2))?;
    let seconds = i32::try_from(hours * 3600 + minutes * 60).ok()?;
    let offset = FixedOffset::east_opt(if b[19] == b'-' { -seconds } else { seconds })?;
    offset.from_local_datetime(&date.and_time(time)).single()
}

/// `HH:MM`, `HH:MM:SS`, `HH:MM:SS.fff` (up to nine digits, `,` for `.` too). A leap second
/// (`:60`) is read as the last instant of its minute (`:59.999999999`): it stays on its day, and
/// answers never write a second 60, which most readers of RFC 3339 refuse. The hour takes one
/// or two digits (`9:30`, as spreadsheets write it).
fn parse_time(text: &str) -> Option<NaiveTime> {
    let (main, fraction) = match text.find(['.', ',']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mut parts = main.split(':');
    let field = |part: Option<&str>, lengths: std::ops::RangeInclusive<usize>| {
        part.filter(|p| lengths.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let hour = field(parts.next(), 1..=2)?;
    let minute = field(parts.next(), 2..=2)?;
    let second = match parts.next() {
        None => 0,
        Some(s) => field(Some(s), 2..=2)?,
    };
    if parts.next().is_some() || (fraction.is_some() && main.len() < 7) {
        return None;
    }
    let nanos = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse::<u32>().ok()? * 10u32.pow(9 - f.len() as u32)
        }
        Some(_) => return None,
    };
    match second {
        60 => NaiveTime::from_hms_nano_opt(hour, minute, 59, 999_999_999),
        s => NaiveTime::from_hms_nano_opt(hour, minute, s, nanos),
    }
}

/// The times a clerk writes besides `HH:MM`: `18点`, `18点30分`, `18点半`, `18时`, `18.00`,
/// `1800`, and after a word for the part of the day (`下午6点`, `晚上8点半`, `上午9:30`). Only
/// where the hour is unambiguous: 下午12点 (noon or midnight?) and 上午13点 are refused, and a
/// bare `6点` before this is asked ([`bare_twelve_hour`]).
fn clerk_time(text: &str) -> Option<NaiveTime> {
    #[derive(Clone, Copy)]
    enum Part {
        Morning,
        Dawn,
        Afternoon,
        Evening,
        Noon,
    }
    const PARTS: [(&str, Part); 7] = [
        ("上午", Part::Morning),
        ("早上", Part::Morning),
        ("凌晨", Part::Dawn),
        ("下午", Part::Afternoon),
        ("晚上", Part::Evening),
        ("傍晚", Part::Evening),
        ("中午", Part::Noon),
    ];
    let (part, rest) = PARTS
        .iter()
        .find_map(|&(word, part)| text.strip_prefix(word).map(|rest| (Some(part), rest)))
        .unwrap_or((None, text));
    let (hour, minute) = hour_and_minute(rest)?;
    // Each word names its own hours: 晚上1点 is no evening hour, 凌晨10点 no small hour.
    let hour = match (part, hour) {
        (None, h)
        | (Some(Part::Morning), h @ 0..=11)
        | (Some(Part::Dawn), h @ 0..=5)
        | (Some(Part::Afternoon), h @ 13..=23)
        | (Some(Part::Evening), h @ 18..=23) => h,
        (Some(Part::Afternoon), h @ 1..=11) | (Some(Part::Evening), h @ 6..=11) => h + 12,
        (Some(Part::Noon), 12) => 12,
        (Some(Part::Noon), h @ 1..=2) => h + 12,
        _ => return None,
    };
    NaiveTime::from_hms_opt(hour, minute, 0)
}

/// The hour of a time like `6点` or `9时半`: 1 to 11 with 点 or 时 and no word for the part of
/// the day before it, which a clerk writes for the morning and the evening alike. `18点`, `0点`,
/// `12点` and `09:30` are no such hour.
fn bare_twelve_hour(text: &str) -> Option<u32> {
    let (hour, _) = text.split_once(['点', '时'])?;
    let hour: u32 =
        (hour.len() <= 2 && !hour.is_empty() && hour.bytes().all(|b| b.is_ascii_digit()))
            .then(|| hour.parse().ok())
            .flatten()?;
    (1..=11).contains(&hour).then_some(hour)
}

/// Hour and minute of `18点`, `18点30分`, `18点半`, `18时5分`, `18:00`, `18.00` or `1800`.
fn hour_and_minute(text: &str) -> Option<(u32, u32)> {
    let digits = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
        (lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    for mark in ['点', '时'] {
        if let Some((hour, minute)) = text.split_once(mark) {
            let minute = match minute.strip_suffix('分').unwrap_or(minute) {
                "" => 0,
                "半" => 30,
                m => digits(m, 1..=2)?,
            };
            return Some((digits(hour, 1..=2)?, minute));
        }
    }
    if let Some((hour, minute)) = text.split_once([':', '.']) {
        return Some((digits(hour, 1..=2)?, digits(minute, 2..=2)?));
    }
    if text.len() == 4 && text.is_ascii() {
        return Some((digits(&text[..2], 2..=2)?, digits(&text[2..], 2..=2)?));
    }
    None
}

/// `Z`, `+08:00`, `+0800` or `+08` (and `-`), up to 23:59.
fn parse_offset(text: &str) -> Option<FixedOffset> {
    if text.eq_ignore_ascii_case("z") {
        return FixedOffset::east_opt(0);
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = text[1..].chars().filter(|&c| c != ':').collect();
    let colons = text[1..].matches(':').count();
    let valid = match digits.len() {
        2 => colons == 0,
        4 => colons == 0 || (colons == 1 && text.as_bytes().get(3) == Some(&b':')),
        _ => false,
    };
    if !valid || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits
        .get(2..)
        .filter(|m| !m.is_empty())
        .map_or(Some(0), |m| m.parse().ok())?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests;
