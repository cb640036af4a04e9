use super::*;
use crate::time::{BEIJING, URUMQI};
use chrono::{Datelike, Utc};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid")
}

#[test]
fn an_event_at_0130_beijing_is_the_day_before_in_urumqi() {
    let e = Moment::parse("2026-10-09T01:30:00+08:00").expect("an RFC 3339 instant");
    assert_eq!(e.local_date(BEIJING), d(2026, 10, 9), "Beijing date");
    assert_eq!(
        e.local_date(URUMQI),
        d(2026, 10, 8),
        "23:30 the day before in Urumqi"
    );
    let z = Moment::parse("2026-10-08T17:30:00Z").expect("a Z instant");
    assert_eq!(
        z.local_date(BEIJING),
        d(2026, 10, 9),
        "same instant written in UTC"
    );
}

#[test]
fn a_local_time_is_read_on_the_clock_asked_for() {
    let e = Moment::parse("2026-10-09T01:30:00").expect("a local date-time");
    assert_eq!(
        e.local_date(URUMQI),
        d(2026, 10, 9),
        "no offset: the wall clock's own date"
    );
    assert!(matches!(
        Moment::parse("2026-10-09T01:30").unwrap(),
        Moment::Local(_)
    ));
    let evening = Moment::parse("2026-10-08T23:30").unwrap();
    assert_eq!(
        evening.date_on(BEIJING, URUMQI),
        d(2026, 10, 9),
        "23:30 in Urumqi is 01:30 the next day in Beijing"
    );
    assert_eq!(evening.read_as(URUMQI).to_string(), "Asia/Urumqi");
    assert_eq!(e.read_as(BEIJING), ReadAs::Zone(BEIJING));
    assert_eq!(
        Moment::parse("2026-10-09T01:30+06:00")
            .unwrap()
            .read_as(BEIJING)
            .to_string(),
        "+06:00",
        "an offset given is the offset read"
    );
    assert_eq!(
        Moment::parse("2026-10-09").unwrap().read_as(BEIJING),
        ReadAs::Date
    );
}

#[test]
fn spreadsheet_forms_of_the_date_part_are_read() {
    for text in ["2026/6/15 9:30", "2026/06/15T09:30:00", "2026-6-15 09:30"] {
        let m = Moment::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(
            m,
            Moment::Local(d(2026, 6, 15).and_hms_opt(9, 30, 0).unwrap()),
            "{text:?}"
        );
    }
    assert_eq!(
        Moment::parse("2026/6/15").unwrap(),
        Moment::Date(d(2026, 6, 15))
    );
}

#[test]
fn an_offset_whose_plus_became_a_space_is_named_so() {
    let err = Moment::parse("2026-10-09T01:30:00 08:00").unwrap_err();
    assert!(matches!(err, MomentError::PlusAsSpace(_)), "{err:?}");
    assert!(err.to_string().contains("%2B"), "{err}");
}

#[test]
fn the_times_a_clerk_writes_are_read_where_the_hour_is_unambiguous() {
    let at = |h, m| Moment::Local(d(2026, 9, 30).and_hms_opt(h, m, 0).expect("a time"));
    for (text, hour, minute) in [
        ("2026-09-30T18:00", 18, 0),
        ("2026-09-30T18点", 18, 0),
        ("2026-09-30T18点30分", 18, 30),
        ("2026-09-30T18点半", 18, 30),
        ("2026-09-30T18时5分", 18, 5),
        ("2026-09-30T下午6点", 18, 0),
        ("2026-09-30T晚上8点半", 20, 30),
        ("2026-09-30T傍晚6点", 18, 0),
        ("2026-09-30T晚上20点", 20, 0),
        ("2026-09-30T凌晨1点", 1, 0),
        ("2026-09-30T上午9:30", 9, 30),
        ("2026-09-30T中午12点", 12, 0),
        ("2026-09-30T18.00", 18, 0),
        ("2026-09-30T1800", 18, 0),
        ("2026-09-30T１８：００", 18, 0),
        ("２０２６年９月３０日　１８：００", 18, 0),
        ("20260930 1800", 18, 0),
    ] {
        assert_eq!(Moment::parse(text), Ok(at(hour, minute)), "{text:?}");
    }
    // 下午12点 could be noon or midnight; 上午13点 says two things; 晚上1点 and 傍晚2点 are no
    // evening hours, 凌晨10点 no small hour; 18.5 is no minute.
    for time in [
        "下午12点",
        "上午13点",
        "晚上1点",
        "傍晚2点",
        "凌晨10点",
        "18.5",
        "180",
        "18点60分",
        "下午",
        "18点钟",
    ] {
        let text = format!("2026-09-30T{time}");
        assert!(
            matches!(Moment::parse(&text), Err(MomentError::Time { .. })),
            "{text:?} is refused as a time"
        );
    }
}

/// A clerk writes 6点 for six in the morning and six in the evening alike: a bare hour from 1 to
/// 11 with 点 or 时 is refused, naming it, rather than read as 06:00. The hours that say which
/// they are — 0点, 12点, 18点, 下午6点, 09:30 — are read.
#[test]
fn a_bare_hour_that_could_be_morning_or_evening_is_refused() {
    for (time, hour) in [
        ("6点", 6),
        ("9点半", 9),
        ("11时5分", 11),
        ("1点", 1),
        ("06点", 6),
    ] {
        let text = format!("2026-09-30 {time}");
        assert_eq!(
            Moment::parse(&text),
            Err(MomentError::AmbiguousHour {
                value: text.clone(),
                time: time.to_owned(),
                hour,
            }),
            "{text:?}"
        );
    }
    let at = |h, m| Moment::Local(d(2026, 9, 30).and_hms_opt(h, m, 0).expect("a time"));
    for (time, hour, minute) in [
        ("0点", 0, 0),
        ("12点", 12, 0),
        ("18点", 18, 0),
        ("下午6点", 18, 0),
        ("上午9点半", 9, 30),
        ("09:30", 9, 30),
        ("9:30", 9, 30),
    ] {
        let text = format!("2026-09-30 {time}");
        assert_eq!(Moment::parse(&text), Ok(at(hour, minute)), "{text:?}");
    }
}

#[test]
fn bad_events_say_what_was_wrong() {
    let err = Moment::parse("2026-02-30").unwrap_err().to_string();
    assert!(err.contains("2026-02-30 is not a calendar date"), "{err}");
    let err = Moment::parse("2026-02-30T10:00:00+08:00")
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a calendar date"), "{err}");
    let err = Moment::parse("yesterday").unwrap_err().to_string();
    assert!(err.contains("is not a date"), "{err}");
    let err = Moment::parse("2026-09-30T25:00:00+08:00").unwrap_err();
    assert!(matches!(err, MomentError::Time { .. }), "hour 25: {err:?}");
    assert!(
        Moment::parse("٢٠٢٦-09-30").is_err(),
        "digits of other scripts than the full-width ones an input method types"
    );
    let err = Moment::parse("2026-09-30T上午13点").unwrap_err();
    assert!(
        matches!(&err, MomentError::Time { time, .. } if time == "上午13点"),
        "the date was read, the time is what is wrong: {err:?}"
    );
    assert!(
        Moment::parse("2026-09-30T18:00+24:00").is_err(),
        "offset 24h"
    );
}

#[test]
fn now_and_today_are_read_on_the_clock() {
    let now = Utc.with_ymd_and_hms(2026, 10, 8, 17, 30, 0).unwrap();
    let clock = Clock::new(URUMQI, now);
    assert_eq!(
        Moment::parse_at("now", &clock).unwrap().local_date(BEIJING),
        d(2026, 10, 9)
    );
    assert_eq!(
        Moment::parse_at("Today", &clock).unwrap(),
        Moment::Date(d(2026, 10, 8)),
        "today in Urumqi"
    );
}

#[test]
fn a_long_value_is_shortened_in_messages() {
    let long = "9".repeat(3_000);
    let err = Moment::parse(&long).unwrap_err().to_string();
    assert!(
        err.len() < 400,
        "a 3,000-byte value is not repeated whole: {} bytes",
        err.len()
    );
    assert!(
        err.contains("(3000 bytes)"),
        "the message says how long it was: {err}"
    );
}

mod hostile {
    //! Hostile input for the moment parser: whatever the string (non-ASCII, NULs, thousands
    //! of characters), an answer and never a panic; a refusal names the value, and what is
    //! accepted survives being written out and read again.

    use super::*;
    use proptest::prelude::*;

    /// Zones on both sides of the date line and the two clocks the service counts on.
    const ZONES: [Tz; 5] = [
        BEIJING,
        URUMQI,
        chrono_tz::UTC,
        chrono_tz::Pacific::Kiritimati,
        chrono_tz::Etc::GMTPlus12,
    ];

    /// Well-formed moments of every kind the parser takes, to be bent by [`mutated`].
    const SHAPES: [&str; 11] = [
        "2026-09-30",
        "2024-02-29",
        "2026/9/30",
        "2026-09-30T18:00",
        "2026-09-30T18:00:00",
        "2026-09-30T18:00:00.123456789",
        "2026-09-30 18:00",
        "2026-09-30T18:00:00+08:00",
        "2026-09-30T18:00:00Z",
        "2026-09-30T23:59:60-12:00",
        "2026-9-3 8:05+0600",
    ];

    fn awkward_char() -> impl Strategy<Value = char> {
        prop_oneof![
            3 => any::<char>(),
            2 => prop::sample::select(vec![
                '\0', '\u{FEFF}', '２', '０', '－', '：', 'é', '\u{10FFFF}', '-', ':', 'T', 'Z',
                '+', ' ', '.', '9', '0', '/',
            ]),
        ]
    }

    fn moment_like() -> impl Strategy<Value = String> {
        "[+-]?[0-9]{1,6}[-/][0-9]{1,2}[-/][0-9]{1,3}([Tt ][0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2}([.,][0-9]{0,12})?)?)?)?([Zz ]|[+-][0-9]{1,2}(:?[0-9]{2})?)?"
    }

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

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            prop::collection::vec(awkward_char(), 0..64).prop_map(String::from_iter),
            prop::collection::vec(awkward_char(), 1_000..8_000).prop_map(String::from_iter),
            (prop::sample::select(SHAPES.to_vec()), 2..2_000usize).prop_map(|(s, n)| s.repeat(n)),
        ]
    }

    /// The moment written back in its canonical form.
    fn written(moment: &Moment) -> String {
        match moment {
            Moment::Instant(t) => t.to_rfc3339(),
            Moment::Local(t) => t.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
            Moment::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    fn four_digit_years(moment: &Moment) -> bool {
        let own = match moment {
            Moment::Instant(t) => t.year(),
            Moment::Local(t) => t.year(),
            Moment::Date(d) => d.year(),
        };
        std::iter::once(own)
            .chain(ZONES.iter().map(|z| moment.local_date(*z).year()))
            .all(|y| (0..=9999).contains(&y))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn any_text_is_read_or_refused_by_name_never_a_panic(
            text in prop_oneof![moment_like(), mutated(), any_text()],
        ) {
            match Moment::parse(&text) {
                Ok(moment) => {
                    if four_digit_years(&moment) {
                        let again = written(&moment);
                        prop_assert_eq!(
                            Moment::parse(&again).ok(), Some(moment),
                            "{:?} written as {:?} reads back as the same moment", text, again
                        );
                        for zone in ZONES {
                            for read_on in ZONES {
                                let day = moment.date_on(zone, read_on);
                                prop_assert_eq!(
                                    Moment::parse(&day.to_string()).ok(), Some(Moment::Date(day)),
                                    "the date {} reads back as a date", day
                                );
                            }
                        }
                    }
                }
                Err(err) => {
                    let message = err.to_string();
                    let short = crate::time::quoted(&text);
                    prop_assert!(
                        message.contains(&short) || message.contains("is not a calendar date"),
                        "the message names the value {}: {:?}", short, message
                    );
                }
            }
        }

        #[test]
        fn the_usual_instant_read_without_splitting_is_what_every_form_reads(
            date in (0..=9999u32, 0..=13u32, 0..=32u32),
            time in (0..=25u32, 0..=61u32, 0..=61u32),
            offset in ("[+-]", 0..=25u32, 0..=61u32),
            between in "[Tt ]",
        ) {
            let ((y, mo, d), (h, mi, s), (sign, oh, om)) = (date, time, offset);
            let text = format!("{y:04}-{mo:02}-{d:02}{between}{h:02}:{mi:02}:{s:02}{sign}{oh:02}:{om:02}");
            if let Some(at) = usual_instant(&text) {
                prop_assert_eq!(Moment::parse_any(&text), Ok(Moment::Instant(at)), "{}", text);
            }
        }
    }
}

#[test]
fn the_usual_instant_is_read_without_splitting_and_only_when_it_exists() {
    let plus8 = FixedOffset::east_opt(8 * 3600).expect("an offset");
    let minus = FixedOffset::west_opt(3600 + 30 * 60).expect("an offset");
    for (text, read) in [
        (
            "2026-10-15T18:00:00+08:00",
            Some(plus8.with_ymd_and_hms(2026, 10, 15, 18, 0, 0)),
        ),
        (
            "2024-02-29t23:59:59-01:30",
            Some(minus.with_ymd_and_hms(2024, 2, 29, 23, 59, 59)),
        ),
        // No such day, second, hour or offset; other forms: for the general reader.
        ("2026-02-29T18:00:00+08:00", None),
        ("2026-10-15T23:59:60+08:00", None),
        ("2026-10-15T24:00:00+08:00", None),
        ("2026-10-15T18:00:00+24:00", None),
        ("2026-10-15T18:00:00+08:60", None),
        ("2026-10-15 18:00:00+08:00", None),
        ("2026-10-15T18:00:00.0+08:00", None),
        ("2026-10-15T18:00:00Z", None),
        ("２026-10-15T18:00:00+08:00", None),
    ] {
        let read = read.map(|r| r.single().expect("one instant"));
        assert_eq!(usual_instant(text), read, "{text}");
        if let Some(at) = read {
            assert_eq!(Moment::parse(text), Ok(Moment::Instant(at)), "{text}");
        }
    }
    assert_eq!(
        Moment::parse("2026-10-15T23:59:60+08:00"),
        Moment::parse("2026-10-15T23:59:59.999999999+08:00"),
        "a leap second still read as the last instant of its minute"
    );
}

#[test]
fn a_moment_read_once_gives_its_date_and_its_instant() {
    // 23:30 in Urumqi (+06:00) is 01:30 the next day in Beijing; an instant at 17:30Z is 01:30
    // on 10-09 in Beijing and 23:30 on 10-08 in Urumqi.
    let cases = [
        ("2026-10-08T23:30", BEIJING, URUMQI, d(2026, 10, 9)),
        ("2026-10-08T23:30", URUMQI, URUMQI, d(2026, 10, 8)),
        ("2026-10-08T17:30:00Z", BEIJING, URUMQI, d(2026, 10, 9)),
        ("2026-10-08T17:30:00Z", URUMQI, BEIJING, d(2026, 10, 8)),
        ("2026-10-08", BEIJING, URUMQI, d(2026, 10, 8)),
    ];
    for (text, zone, read_on, date) in cases {
        let m = Moment::parse(text).expect("a moment");
        assert_eq!(
            m.read(zone, read_on),
            (m.date_on(zone, read_on), m.instant(read_on)),
            "expected {text} read once as date_on and instant read it"
        );
        assert_eq!(m.read(zone, read_on).0, date, "expected {text} on {date}");
    }
}
