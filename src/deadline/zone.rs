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

/// The caller's value as an error message repeats it: whole when short, else its first 64
/// characters and how long it was (a 2 MiB value is not sent back).
pub fn shorten(text: &str) -> String {
    const KEEP: usize = 64;
    match text.char_indices().nth(KEEP) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
    }
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
        return Err(format!(
            "{:?} is not a date of the form YYYY-MM-DD",
            shorten(text)
        ));
    }
    // The shape is checked, so every field is digits: read them directly (a format string
    // would be parsed again on every call).
    let number = |range: std::ops::Range<usize>| {
        b[range]
            .iter()
            .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'))
    };
    let year = i32::try_from(number(0..4)).expect("four digits fit an i32");
    NaiveDate::from_ymd_opt(year, number(5..7), number(8..10))
        .ok_or_else(|| format!("{text} is not a calendar date"))
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
            value: shorten(text),
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
            value: shorten(text),
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
    fn a_long_value_is_shortened_in_messages() {
        let long = "9".repeat(3_000);
        let err = Event::parse(&long).unwrap_err().to_string();
        assert!(
            err.len() < 400,
            "a 3,000-byte value is not repeated whole: {} bytes",
            err.len()
        );
        assert!(
            err.contains("(3000 bytes)"),
            "the message says how long it was: {err}"
        );
        assert_eq!(
            shorten("2026-02-30"),
            "2026-02-30",
            "short values are kept whole"
        );
    }

    #[test]
    fn unknown_zones_are_refused() {
        assert!(parse_zone("Asia/Urumqi").is_ok());
        assert!(parse_zone("Xinjiang/Time").is_err());
        assert!(parse_zone("").is_err());
    }
}

#[cfg(test)]
mod hostile {
    //! Hostile input for the event, date and zone parsers: whatever the string (non-ASCII,
    //! NULs, thousands of characters), an answer and never a panic; a refusal names the value,
    //! and what is accepted survives being written out and read again.

    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    /// Zones on both sides of the date line and the two clocks the service counts on.
    const ZONES: [Tz; 5] = [
        BEIJING,
        URUMQI,
        chrono_tz::UTC,
        chrono_tz::Pacific::Kiritimati,
        chrono_tz::Etc::GMTPlus12,
    ];

    /// Well-formed events of every kind the parser takes, to be bent by [`mutated`].
    const SHAPES: [&str; 9] = [
        "2026-09-30",
        "2024-02-29",
        "2026-09-30T18:00",
        "2026-09-30T18:00:00",
        "2026-09-30T18:00:00.123456789",
        "2026-09-30 18:00",
        "2026-09-30T18:00:00+08:00",
        "2026-09-30T18:00:00Z",
        "2026-09-30T23:59:60-12:00",
    ];

    /// Characters that trip parsers: NUL, a BOM, full-width digits, the separators themselves.
    fn awkward_char() -> impl Strategy<Value = char> {
        prop_oneof![
            3 => any::<char>(),
            2 => prop::sample::select(vec![
                '\0', '\u{FEFF}', '２', '０', '－', '：', 'é', '\u{10FFFF}', '-', ':', 'T', 'Z',
                '+', ' ', '.', '9', '0',
            ]),
        ]
    }

    /// Strings in the event grammar's neighbourhood, so that every branch is reached.
    fn event_like() -> impl Strategy<Value = String> {
        "[+-]?[0-9]{1,6}-[0-9]{1,2}-[0-9]{1,3}([Tt ][0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2}([.,][0-9]{0,12})?)?)?)?([Zz]|[+-][0-9]{1,2}(:?[0-9]{2})?)?"
    }

    /// A well-formed event with one character inserted, replaced or removed.
    fn mutated() -> impl Strategy<Value = String> {
        (
            prop::sample::select(SHAPES.to_vec()),
            any::<prop::sample::Index>(),
            awkward_char(),
            0..3u8,
        )
            .prop_map(|(shape, at, c, how)| {
                let mut chars: Vec<char> = shape.chars().collect();
                let i = at.index(chars.len());
                match how {
                    0 => chars.insert(i, c),
                    1 => chars[i] = c,
                    _ => {
                        chars.remove(i);
                    }
                }
                chars.into_iter().collect()
            })
    }

    /// Any string at all, control characters included, up to a few thousand characters.
    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            prop::collection::vec(awkward_char(), 0..64).prop_map(String::from_iter),
            prop::collection::vec(awkward_char(), 1_000..8_000).prop_map(String::from_iter),
            (prop::sample::select(SHAPES.to_vec()), 2..2_000usize).prop_map(|(s, n)| s.repeat(n)),
        ]
    }

    fn every_kind_of_text() -> impl Strategy<Value = String> {
        prop_oneof![event_like(), mutated(), any_text()]
    }

    /// The event written back in the form the parser reads it from.
    fn written(event: &Event) -> String {
        match event {
            Event::Instant(t) => t.to_rfc3339(),
            Event::Local(t) => t.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
            Event::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// The year of every date inside an event (its own, and its local date on every zone).
    fn four_digit_years(event: &Event) -> bool {
        let own = match event {
            Event::Instant(t) => t.year(),
            Event::Local(t) => t.year(),
            Event::Date(d) => d.year(),
        };
        std::iter::once(own)
            .chain(ZONES.iter().map(|z| event.local_date(*z).year()))
            .all(|y| (0..=9999).contains(&y))
    }

    fn gregorian_leap(y: i32) -> bool {
        y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
    }

    fn days_in_month(y: i32, m: u32) -> u32 {
        match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if gregorian_leap(y) => 29,
            2 => 28,
            _ => 0,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn any_event_text_is_read_or_refused_by_name_never_a_panic(text in every_kind_of_text()) {
            match Event::parse(&text) {
                Ok(event) => {
                    for zone in ZONES {
                        let date = event.local_date(zone);
                        let shown = date.to_string();
                        prop_assert_eq!(
                            shown.parse::<NaiveDate>().ok(), Some(date),
                            "the local date of {:?} on {} reads back from {:?}", text, zone, shown
                        );
                        prop_assert_eq!(
                            parse_as_of(&text, zone).ok(), Some(date),
                            "as_of {:?} on {} is the event's local date", text, zone
                        );
                    }
                    if four_digit_years(&event) {
                        let again = written(&event);
                        prop_assert_eq!(
                            Event::parse(&again).ok(), Some(event),
                            "{:?} written as {:?} reads back as the same event", text, again
                        );
                        for zone in ZONES {
                            let day = event.local_date(zone);
                            prop_assert_eq!(
                                Event::parse(&day.to_string()).ok(), Some(Event::Date(day)),
                                "the local date {} reads back as a date event", day
                            );
                        }
                    }
                }
                Err(err) => {
                    let quoted = format!("{:?}", shorten(&text));
                    let message = err.to_string();
                    prop_assert!(
                        matches!(&err, DeadlineError::InvalidEvent { value, .. } if *value == shorten(&text)),
                        "a refused event is InvalidEvent carrying the text, got {:?}", err
                    );
                    prop_assert!(
                        message.contains(&quoted),
                        "the message names the value {}: {:?}", quoted, message
                    );
                    let as_of = parse_as_of(&text, BEIJING);
                    prop_assert!(
                        matches!(&as_of, Err(DeadlineError::InvalidAsOf { value, .. }) if *value == shorten(&text)),
                        "as_of refuses {:?} too, naming it, got {:?}", text, as_of
                    );
                }
            }
        }

        #[test]
        fn parse_date_accepts_exactly_the_dates_chrono_knows(
            y in prop_oneof![0..=9999i32, Just(0), Just(9999), 1900..=2100i32],
            m in 0..=13u32,
            d in prop_oneof![0..=32u32, 28..=31u32],
        ) {
            let text = format!("{y:04}-{m:02}-{d:02}");
            prop_assert_eq!(
                parse_date(&text).ok(), NaiveDate::from_ymd_opt(y, m, d),
                "parse_date and chrono agree on {:?}", text
            );
        }

        #[test]
        fn february_has_a_29th_exactly_in_gregorian_leap_years(
            y in 0..=9999i32, m in 1..=12u32, d in 28..=32u32,
        ) {
            let text = format!("{y:04}-{m:02}-{d:02}");
            let is_date = d <= days_in_month(y, m);
            prop_assert_eq!(
                parse_date(&text).is_ok(), is_date,
                "{:?} is a date exactly when day {} fits month {} of {}", text, d, m, y
            );
        }

        #[test]
        fn years_outside_four_digits_are_refused_by_their_shape(
            y in prop_oneof![10_000..=262_143i32, -262_144..0i32],
            m in 1..=12u32,
            d in 1..=28u32,
        ) {
            let text = NaiveDate::from_ymd_opt(y, m, d).expect("a real date").to_string();
            let err = parse_date(&text).expect_err("only YYYY-MM-DD is a date");
            prop_assert!(
                err.contains("YYYY-MM-DD") && err.contains(&text),
                "the refusal of {:?} names it and the form: {:?}", text, err
            );
        }

        #[test]
        fn a_date_parse_date_accepts_is_written_back_exactly_as_given(text in every_kind_of_text()) {
            match parse_date(&text) {
                Ok(date) => prop_assert_eq!(
                    date.format("%Y-%m-%d").to_string(), text.clone(),
                    "{:?} is the canonical form of the date it names", text
                ),
                Err(err) => prop_assert!(
                    err.contains(&format!("{:?}", shorten(&text))) || err.contains(&text),
                    "the refusal names {:?}: {:?}", text, err
                ),
            }
        }

        #[test]
        fn any_zone_name_is_known_or_refused_by_name(name in prop_oneof![
            any_text(),
            "[A-Za-z]{1,10}/[A-Za-z_]{1,12}",
            prop::sample::select(chrono_tz::TZ_VARIANTS.to_vec()).prop_map(|z| z.name().to_owned()),
        ]) {
            match parse_zone(&name) {
                Ok(zone) => prop_assert_eq!(
                    zone.name(), name.as_str(), "a zone is known by the name given"
                ),
                Err(err) => {
                    let quoted = format!("{name:?}");
                    prop_assert!(
                        err.to_string().contains(&quoted),
                        "the refusal names {}: {}", quoted, err
                    );
                }
            }
        }
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
