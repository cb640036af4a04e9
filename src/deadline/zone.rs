//! Instants, local date-times and civil dates, and the one place they are converted: an event's
//! date is its local date in the counting zone, and a period ends at 24:00 of its last day there.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::DeadlineError;

/// Beijing time, the clock of official business and the default counting zone.
pub const BEIJING: Tz = chrono_tz::Asia::Shanghai;
/// Xinjiang time (UTC+6), used informally in daily life.
pub const URUMQI: Tz = chrono_tz::Asia::Urumqi;

/// When the triggering event happened, as the caller gave it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// An instant: RFC 3339 with an offset or `Z`.
    Instant(DateTime<FixedOffset>),
    /// A wall-clock time without offset, read in the counting zone.
    Local(NaiveDateTime),
    /// A civil date.
    Date(NaiveDate),
}

/// Parses `YYYY-MM-DD`, saying what is wrong in words a caller understands.
///
/// # Errors
/// A lower-case message naming the value: not in the form, or not a calendar date.
///
/// # Example
/// ```
/// use qixian::deadline::parse_date;
/// assert!(parse_date("2026-10-01").is_ok());
/// assert_eq!(parse_date("2026-02-30").unwrap_err(), "2026-02-30 is not a calendar date");
/// ```
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(format!("{text:?} is not a date of the form YYYY-MM-DD"));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("{text} is not a calendar date"))
}

impl Event {
    /// Parses a bare date, a local date-time (`2026-09-30T18:00[:00[.fff]]`) or an RFC 3339
    /// instant (`2026-09-30T18:00:00+08:00`, `…Z`).
    ///
    /// # Errors
    /// [`DeadlineError::InvalidEvent`] saying what was expected.
    ///
    /// # Example
    /// ```
    /// use qixian::deadline::{Event, URUMQI, BEIJING};
    /// let e = Event::parse("2026-09-30T01:30:00+08:00").unwrap();
    /// assert_eq!(e.local_date(BEIJING).to_string(), "2026-09-30");
    /// assert_eq!(e.local_date(URUMQI).to_string(), "2026-09-29");
    /// ```
    pub fn parse(text: &str) -> Result<Self, DeadlineError> {
        parse_moment(text).map_err(|reason| DeadlineError::InvalidEvent {
            value: text.to_owned(),
            reason,
        })
    }

    /// The event's civil date on the clock of `zone`.
    pub fn local_date(&self, zone: Tz) -> NaiveDate {
        match self {
            Event::Instant(t) => t.with_timezone(&zone).date_naive(),
            Event::Local(t) => t.date(),
            Event::Date(d) => *d,
        }
    }
}

fn parse_moment(text: &str) -> Result<Event, String> {
    if text.len() == 10 {
        return parse_date(text).map(Event::Date);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(Event::Instant(t));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(Event::Local(t));
        }
    }
    if text.len() >= 10 && text.is_char_boundary(10) {
        parse_date(&text[..10])?;
    }
    Err("expected a date (2026-09-30), a local date-time (2026-09-30T18:00:00) or an RFC 3339 instant (2026-09-30T18:00:00+08:00)".to_owned())
}

/// Parses an instant (for `as_of`): RFC 3339, or a date or local date-time read in `zone`.
///
/// # Errors
/// [`DeadlineError::InvalidAsOf`] saying what was expected.
pub fn parse_as_of(text: &str, zone: Tz) -> Result<NaiveDate, DeadlineError> {
    parse_moment(text)
        .map(|e| e.local_date(zone))
        .map_err(|reason| DeadlineError::InvalidAsOf {
            value: text.to_owned(),
            reason,
        })
}

/// An IANA zone by name (`Asia/Urumqi`).
///
/// # Errors
/// [`DeadlineError::UnknownTimezone`].
pub fn parse_zone(name: &str) -> Result<Tz, DeadlineError> {
    name.parse::<Tz>()
        .map_err(|_| DeadlineError::UnknownTimezone {
            name: name.to_owned(),
        })
}

/// 24:00 of `date` in `zone`: the first instant of the next day there. Where a zone skips
/// midnight (a DST change at 00:00), the first instant that exists after it.
pub fn end_of_day(date: NaiveDate, zone: Tz) -> DateTime<Tz> {
    let next = date
        .succ_opt()
        .unwrap_or(date)
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists");
    match zone.from_local_datetime(&next) {
        LocalResult::Single(t) => t,
        LocalResult::Ambiguous(earliest, _) => earliest,
        LocalResult::None => {
            // A gap at midnight: the day ends at the first instant after the gap.
            let utc = next - chrono::Duration::hours(24);
            let mut t = zone.from_utc_datetime(&utc);
            while t.date_naive() <= date {
                t += chrono::Duration::minutes(15);
            }
            t
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid")
    }

    #[test]
    fn an_event_at_0130_beijing_is_the_day_before_in_urumqi() {
        let e = Event::parse("2026-10-09T01:30:00+08:00").expect("an RFC 3339 instant");
        assert_eq!(e.local_date(BEIJING), d(2026, 10, 9), "Beijing date");
        assert_eq!(
            e.local_date(URUMQI),
            d(2026, 10, 8),
            "23:30 the day before in Urumqi"
        );
        let z = Event::parse("2026-10-08T17:30:00Z").expect("a Z instant");
        assert_eq!(
            z.local_date(BEIJING),
            d(2026, 10, 9),
            "same instant written in UTC"
        );
    }

    #[test]
    fn a_local_time_is_read_on_the_counting_clock() {
        let e = Event::parse("2026-10-09T01:30:00").expect("a local date-time");
        assert_eq!(
            e.local_date(URUMQI),
            d(2026, 10, 9),
            "no offset: the wall clock's own date"
        );
        assert!(matches!(
            Event::parse("2026-10-09T01:30").unwrap(),
            Event::Local(_)
        ));
    }

    #[test]
    fn bad_events_say_what_was_wrong() {
        let err = Event::parse("2026-02-30").unwrap_err().to_string();
        assert!(err.contains("2026-02-30 is not a calendar date"), "{err}");
        let err = Event::parse("2026-02-30T10:00:00+08:00")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a calendar date"), "{err}");
        let err = Event::parse("yesterday").unwrap_err().to_string();
        assert!(err.contains("expected a date"), "{err}");
        assert!(
            Event::parse("2026-09-30T25:00:00+08:00").is_err(),
            "hour 25"
        );
        assert!(Event::parse("２０２６-09-30").is_err(), "non-ascii digits");
    }

    #[test]
    fn a_day_ends_at_the_next_midnight_on_both_clocks() {
        let end = end_of_day(d(2026, 10, 15), BEIJING);
        assert_eq!(end.to_rfc3339(), "2026-10-16T00:00:00+08:00");
        assert_eq!(
            end.with_timezone(&URUMQI).to_rfc3339(),
            "2026-10-15T22:00:00+06:00"
        );
    }

    #[test]
    fn a_zone_that_skips_midnight_ends_the_day_after_the_gap() {
        // America/Santiago moved clocks from 00:00 to 01:00 on 2022-09-11.
        let zone: Tz = "America/Santiago".parse().unwrap();
        let end = end_of_day(d(2022, 9, 10), zone);
        assert_eq!(end.date_naive(), d(2022, 9, 11), "{end}");
        assert!(end.to_rfc3339().starts_with("2022-09-11T01:00:00"), "{end}");
    }

    #[test]
    fn unknown_zones_are_refused() {
        assert!(parse_zone("Asia/Urumqi").is_ok());
        assert!(parse_zone("Xinjiang/Time").is_err());
        assert!(parse_zone("").is_err());
    }
}
