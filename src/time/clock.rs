//! The clocks dates are read on. Official business in China runs on Beijing time; daily life in
//! Xinjiang often on Xinjiang time, two hours behind. A calendar says which clock it keeps
//! (`holidays/calendars.json`); a caller may ask for any IANA zone.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::Offset;
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::{Tz, TzOffset};

/// Beijing time (`Asia/Shanghai`, UTC+8): the clock of official business.
pub const BEIJING: Tz = chrono_tz::Asia::Shanghai;
/// Xinjiang time (`Asia/Urumqi`, UTC+6): the clock of daily life in Xinjiang.
pub const URUMQI: Tz = chrono_tz::Asia::Urumqi;

/// A clock read at one instant: what `today` and `now` mean for one request, which reads the
/// time once so that all of its answer agrees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// The zone whose wall clock is read.
    pub zone: Tz,
    /// The instant it is read at.
    pub now: DateTime<Utc>,
}

impl Clock {
    /// `zone`'s clock at the instant `now`.
    pub fn new(zone: Tz, now: DateTime<Utc>) -> Self {
        Clock { zone, now }
    }

    /// The date on this clock's wall at its instant.
    pub fn today(&self) -> NaiveDate {
        in_zone(&self.now, self.zone).date_naive()
    }
}

/// A zone name that is not an IANA time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneError {
    /// The name given.
    pub name: String,
    /// The closest known name, when one is close.
    pub suggestion: Option<String>,
}

impl std::error::Error for ZoneError {}

/// An IANA zone by name, in any case (`Asia/Urumqi`, `asia/urumqi`).
///
/// # Errors
/// [`ZoneError`], with the closest known name when there is one.
///
/// # Example
/// ```
/// use qixian::time::{parse_zone, URUMQI};
/// assert_eq!(parse_zone("asia/urumqi"), Ok(URUMQI));
/// let err = parse_zone("Asia/Urumchi").unwrap_err();
/// assert_eq!(err.suggestion.as_deref(), Some("Asia/Urumqi"));
/// ```
pub fn parse_zone(name: &str) -> Result<Tz, ZoneError> {
    if let Ok(zone) = name.parse::<Tz>() {
        return Ok(zone);
    }
    static BY_LOWER: OnceLock<HashMap<String, Tz>> = OnceLock::new();
    let by_lower = BY_LOWER.get_or_init(|| {
        chrono_tz::TZ_VARIANTS
            .iter()
            .map(|z| (z.name().to_lowercase(), *z))
            .collect()
    });
    if let Some(zone) = by_lower.get(&name.to_lowercase()) {
        return Ok(*zone);
    }
    Err(ZoneError {
        name: super::shorten(name),
        // A long name is no typo; comparing it with 600 names would only cost time.
        suggestion: (name.len() <= 64)
            .then(|| super::closest(name, chrono_tz::TZ_VARIANTS.iter().map(|z| z.name())))
            .flatten()
            .map(str::to_owned),
    })
}

/// From this instant on (UTC, and on either wall clock) Beijing and Xinjiang time keep one
/// offset each: the tz database's last change is 1991-09-15 for `Asia/Shanghai` (summer time
/// ended) and 1980-05-01 for `Asia/Urumqi` (UTC+6). Every date the calendars hold is after it.
const STEADY_SINCE: NaiveDateTime = NaiveDate::from_ymd_opt(1992, 1, 1)
    .expect("a date")
    .and_time(chrono::NaiveTime::MIN);

/// The offset `zone` keeps from [`STEADY_SINCE`] on, for the two clocks every answer reads
/// (a third of a deadline's time went to chrono-tz's offset search, the same answer each
/// time); `None` for any other zone, which keeps chrono-tz's lookup. Lent, not copied: the
/// offset (32 bytes) is copied once, into the instant built with it.
#[inline]
fn steady(zone: Tz) -> Option<&'static Steady> {
    static OFFSETS: OnceLock<[Steady; 2]> = OnceLock::new();
    let i = match zone {
        BEIJING => 0,
        URUMQI => 1,
        _ => return None,
    };
    let offsets = OFFSETS.get_or_init(|| {
        let at = |z: Tz| {
            let offset = z.offset_from_utc_datetime(&STEADY_SINCE);
            Steady {
                offset,
                seconds: i64::from(offset.fix().local_minus_utc()),
            }
        };
        [at(BEIJING), at(URUMQI)]
    });
    Some(&offsets[i])
}

/// A clock's steady offset ([`steady`]), and its seconds east of UTC, found once.
struct Steady {
    offset: TzOffset,
    seconds: i64,
}

/// `t` on `zone`'s clock: [`DateTime::with_timezone`], without the offset search for Beijing and
/// Xinjiang time, whose offsets have not changed since 1991 and 1980.
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use qixian::time::{in_zone, URUMQI};
/// let t = Utc.with_ymd_and_hms(2026, 10, 8, 17, 30, 0).unwrap();
/// assert_eq!(in_zone(&t, URUMQI).to_rfc3339(), "2026-10-08T23:30:00+06:00");
/// ```
pub fn in_zone<Z: TimeZone>(t: &DateTime<Z>, zone: Tz) -> DateTime<Tz> {
    let utc = t.naive_utc();
    match steady(zone) {
        Some(steady) if utc >= STEADY_SINCE => {
            DateTime::from_naive_utc_and_offset(utc, steady.offset)
        }
        _ => t.with_timezone(&zone),
    }
}

/// The instant a wall-clock time names on `zone`: where the clock is set back and the time
/// comes twice, the first; where it is set forward and the time never comes, the first instant
/// after the gap.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use qixian::time::{clock::instant_of, URUMQI};
/// let t = NaiveDate::from_ymd_opt(2026, 10, 8).unwrap().and_hms_opt(23, 30, 0).unwrap();
/// assert_eq!(instant_of(t, URUMQI).to_rfc3339(), "2026-10-08T23:30:00+06:00");
/// ```
pub fn instant_of(local: NaiveDateTime, zone: Tz) -> DateTime<Tz> {
    if let Some(steady) = steady(zone)
        && local >= STEADY_SINCE
    {
        let utc = local - chrono::Duration::seconds(steady.seconds);
        return DateTime::from_naive_utc_and_offset(utc, steady.offset);
    }
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t,
        LocalResult::Ambiguous(earliest, _) => earliest,
        LocalResult::None => {
            // A gap: step through it a quarter of an hour at a time (every gap in the tz
            // database is a whole number of quarter hours) to the first instant after it.
            let mut t = zone.from_utc_datetime(&(local - chrono::Duration::hours(24)));
            while t.naive_local() < local {
                t += chrono::Duration::minutes(15);
            }
            t
        }
    }
}

/// The instant `elapsed` after 00:00 of `date` on `zone`'s clock (a day's whole length after
/// it is the next midnight; across a change of clocks, elapsed time, not the wall's).
///
/// # Example
/// ```
/// use chrono::{Duration, NaiveDate};
/// use qixian::time::{after_midnight, BEIJING};
/// let date = NaiveDate::from_ymd_opt(2026, 10, 15).unwrap();
/// let close = after_midnight(date, Duration::minutes(19 * 60 + 30), BEIJING);
/// assert_eq!(close.to_rfc3339(), "2026-10-15T19:30:00+08:00");
/// ```
// Inlined into a deadline's computation (a hint alone was not taken): its result is
// built where the deadline uses it instead of returned through memory.
#[inline(always)]
pub fn after_midnight(date: NaiveDate, elapsed: chrono::Duration, zone: Tz) -> DateTime<Tz> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    if let Some(steady) = steady(zone)
        && midnight >= STEADY_SINCE
    {
        // Whole seconds (a close of business, 24:00) in integers, without `Duration`'s checks.
        let utc = match elapsed.subsec_nanos() {
            0 => utc_day_and_time(date, elapsed.num_seconds() - steady.seconds),
            _ => None,
        };
        let utc =
            utc.unwrap_or_else(|| midnight + (elapsed - chrono::Duration::seconds(steady.seconds)));
        return DateTime::from_naive_utc_and_offset(utc, steady.offset);
    }
    // Added in UTC: a `DateTime<Tz>` sum searches the zone's offsets again.
    in_zone(&(instant_of(midnight, zone).to_utc() + elapsed), zone)
}

/// `seconds` after 00:00 of `date`, on UTC, when that is within the UTC day before `date` or
/// of it, as a close of business or 24:00 on Beijing or Xinjiang time is: that day and the
/// second of it are found without chrono's general day arithmetic (a sixth of a deadline's
/// instructions went to it). `None` further away.
fn utc_day_and_time(date: NaiveDate, seconds: i64) -> Option<NaiveDateTime> {
    const DAY: i64 = 86_400;
    const DAY_BEFORE: i64 = -DAY;
    let (day, second) = match seconds {
        0..DAY => (date, seconds),
        DAY_BEFORE..0 => (date.pred_opt()?, seconds + DAY),
        _ => return None,
    };
    // Within a day: below 86,400, which fits a u32.
    chrono::NaiveTime::from_num_seconds_from_midnight_opt(second as u32, 0)
        .map(|time| day.and_time(time))
}

/// 24:00 of `date` on `zone`'s clock: the first instant of the next day there. Where a zone
/// skips midnight (a change of clocks at 00:00), the first instant that exists after it.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use qixian::time::{end_of_day, BEIJING, URUMQI};
/// let end = end_of_day(NaiveDate::from_ymd_opt(2026, 10, 15).unwrap(), BEIJING);
/// assert_eq!(end.to_rfc3339(), "2026-10-16T00:00:00+08:00");
/// assert_eq!(end.with_timezone(&URUMQI).to_rfc3339(), "2026-10-15T22:00:00+06:00");
/// ```
pub fn end_of_day(date: NaiveDate, zone: Tz) -> DateTime<Tz> {
    let next = date
        .succ_opt()
        .unwrap_or(date)
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists");
    instant_of(next, zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid")
    }

    #[test]
    fn the_steady_offsets_agree_with_the_tz_database_on_every_day_from_1992_to_2101() {
        for zone in [BEIJING, URUMQI] {
            // By the tz database, added in UTC.
            let slow_after_midnight = |date: NaiveDate, elapsed: chrono::Duration| {
                (zone
                    .from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
                    .single()
                    .expect("one midnight")
                    .to_utc()
                    + elapsed)
                    .with_timezone(&zone)
            };
            let mut date = d(1992, 1, 1);
            while date <= d(2101, 1, 1) {
                for hour in [0, 7, 13, 23] {
                    let local = date.and_hms_opt(hour, 30, 0).expect("a time");
                    let by_tz = zone
                        .from_local_datetime(&local)
                        .single()
                        .expect("one instant");
                    let fast = instant_of(local, zone);
                    assert_eq!(
                        (fast, fast.offset().fix()),
                        (by_tz, by_tz.offset().fix()),
                        "{zone} {local}"
                    );
                    let elapsed = chrono::Duration::minutes(i64::from(hour) * 60 + 30);
                    assert_eq!(
                        after_midnight(date, elapsed, zone),
                        slow_after_midnight(date, elapsed),
                        "{zone} {date} +{elapsed}"
                    );
                    let utc = Utc.from_utc_datetime(&local);
                    let (fast, by_tz) = (in_zone(&utc, zone), utc.with_timezone(&zone));
                    assert_eq!(
                        (fast, fast.offset().fix()),
                        (by_tz, by_tz.offset().fix()),
                        "{zone} {utc}"
                    );
                }
                // 24:00 and a time with a fraction of a second take the same answer too.
                for elapsed in [
                    chrono::Duration::days(1),
                    chrono::Duration::milliseconds(19 * 3_600_000 + 1),
                ] {
                    assert_eq!(
                        after_midnight(date, elapsed, zone),
                        slow_after_midnight(date, elapsed),
                        "{zone} {date} +{elapsed}"
                    );
                }
                date = date.succ_opt().expect("a next day");
            }
        }
    }

    #[test]
    fn before_the_steady_years_beijing_time_keeps_its_summer_time() {
        // Beijing kept summer time (UTC+9) from mid-April to mid-September until 1991.
        let summer = d(1991, 7, 1).and_hms_opt(12, 0, 0).expect("a time");
        assert_eq!(
            instant_of(summer, BEIJING).to_rfc3339(),
            "1991-07-01T12:00:00+09:00"
        );
        assert_eq!(
            in_zone(&Utc.from_utc_datetime(&summer), BEIJING).to_rfc3339(),
            "1991-07-01T21:00:00+09:00"
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
    fn unknown_zones_are_refused_and_near_misses_get_a_suggestion() {
        assert_eq!(parse_zone("Asia/Urumqi"), Ok(URUMQI));
        assert_eq!(parse_zone("ASIA/SHANGHAI"), Ok(BEIJING), "any case");
        let err = parse_zone("Xinjiang/Time").unwrap_err();
        assert_eq!(err.name, "Xinjiang/Time");
        assert!(parse_zone("").is_err());
        let err = parse_zone("Asia/Shanghia").unwrap_err();
        assert_eq!(
            err.suggestion.as_deref(),
            Some("Asia/Shanghai"),
            "a transposition is a typo"
        );
        assert!(
            err.to_string().ends_with("; did you mean Asia/Shanghai?"),
            "{err}"
        );
    }

    #[test]
    fn every_iana_zone_is_known_by_its_own_name() {
        for zone in chrono_tz::TZ_VARIANTS {
            assert_eq!(
                parse_zone(zone.name()).ok(),
                Some(zone),
                "{} is known by its name",
                zone.name()
            );
        }
    }
}
