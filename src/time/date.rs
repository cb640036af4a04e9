//! Civil dates: a day on a calendar, no zone. Written `2026-06-15`, or as Chinese spreadsheets
//! write the same year-month-day: `2026/6/15`, `2026/06/15`, `2026-6-15`.

use chrono::NaiveDate;

use super::Clock;

/// Why a text is not a date; each holds the text, shortened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not written year, month, day in one of the accepted forms.
    Shape(String),
    /// Written as a date, but no such day exists.
    NotADate(String),
}

impl std::error::Error for DateError {}

/// The caller's value as an error message quotes it: [`shorten`]ed, in double quotes, with
/// JSON's escapes for what cannot be shown (`"2026\u0007"`), not Rust's.
///
/// # Example
/// ```
/// use qixian::time::quoted;
/// assert_eq!(quoted("2026-02-30"), r#""2026-02-30""#);
/// assert_eq!(quoted("a\u{7}b"), r#""a\u0007b""#);
/// ```
pub fn quoted(text: &str) -> String {
    quote(&shorten(text))
}

/// `text` in double quotes with JSON's escapes, whole: for a value already [`shorten`]ed.
pub fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

/// The caller's value as an error message repeats it: whole when short, else its first 64
/// characters and how long it was (a 2 MiB value is not sent back).
///
/// # Example
/// ```
/// use qixian::time::shorten;
/// assert_eq!(shorten("2026-02-30"), "2026-02-30");
/// assert!(shorten(&"9".repeat(3000)).ends_with("… (3000 bytes)"));
/// ```
pub fn shorten(text: &str) -> String {
    const KEEP: usize = 64;
    match text.char_indices().nth(KEEP) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
    }
}

/// Parses a civil date: `YYYY-MM-DD`, or the same year, month and day with `/`, `-` or `.`
/// between them and the month and day in one or two digits (`2026/6/15`, `2026/06/15`,
/// `2026-6-15`, `2026.6.15`), as WPS and Excel write dates in a Chinese locale; as a clerk
/// writes them (`2026年6月15日`, `2026年6月15号`, `20260615`); and any of these in the
/// full-width digits a Chinese input method types (`２０２６－０６－１５`). The order is always
/// year, month, day, with a four-digit year, so no form is ambiguous.
///
/// # Errors
/// [`DateError::Shape`] for any other text; [`DateError::NotADate`] for a day that does not
/// exist (`2026-02-30`).
///
/// # Example
/// ```
/// use qixian::time::{parse_date, DateError};
/// let june_15 = parse_date("2026-06-15").unwrap();
/// assert_eq!(parse_date("2026/6/15"), Ok(june_15));
/// assert_eq!(parse_date("2026-6-15"), Ok(june_15));
/// assert_eq!(parse_date("2026-02-30"), Err(DateError::NotADate("2026-02-30".into())));
/// assert_eq!(parse_date("2026年6月15号"), Ok(june_15));
/// assert_eq!(parse_date("20260615"), Ok(june_15));
/// assert_eq!(parse_date("２０２６－０６－１５"), Ok(june_15));
/// assert!(parse_date("15/6/2026").is_err(), "day first is not read");
/// assert!(parse_date("2026/6-15").is_err(), "one separator throughout");
/// ```
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let b = text.as_bytes();
    // The usual form first, read without splitting: every answer of the service parses one.
    let (year, month, day) = if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        (number(&b[0..4]), number(&b[5..7]), number(&b[8..10]))
    } else {
        let ascii = half_width(text);
        let b = ascii.as_bytes();
        loose(b)
            .or_else(|| compact(b))
            .or_else(|| chinese(&ascii))
            .ok_or_else(|| DateError::Shape(shorten(text)))?
    };
    let year = i32::try_from(year).map_err(|_| DateError::Shape(shorten(text)))?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| DateError::NotADate(shorten(text)))
}

/// `text` with the full-width digits, letters and punctuation a Chinese input method types
/// (`２０２６－０９－３０`, `１８：００`) and the ideographic space as their ASCII forms.
pub(crate) fn half_width(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Year, month and day of `2026/6/15`, `2026/06/15`, `2026-6-15` or `2026.6.15`: four digits,
/// then one or two, then one or two, with the same separator twice.
fn loose(b: &[u8]) -> Option<(u32, u32, u32)> {
    let separator = *b.get(4)?;
    if !matches!(separator, b'-' | b'/' | b'.') {
        return None;
    }
    let mut parts = b.split(|&c| c == separator);
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |part: &[u8], lengths: std::ops::RangeInclusive<usize>| {
        (lengths.contains(&part.len()) && part.iter().all(u8::is_ascii_digit)).then(|| number(part))
    };
    if parts.next().is_some() {
        return None;
    }
    Some((
        digits(year, 4..=4)?,
        digits(month, 1..=2)?,
        digits(day, 1..=2)?,
    ))
}

/// Year, month and day of `20260615`: eight digits, as a date is written without separators.
fn compact(b: &[u8]) -> Option<(u32, u32, u32)> {
    (b.len() == 8 && b.iter().all(u8::is_ascii_digit))
        .then(|| (number(&b[0..4]), number(&b[4..6]), number(&b[6..8])))
}

/// Year, month and day of `2026年6月15日` or `…15号` (or without either): a four-digit year,
/// then one or two digits each.
fn chinese(text: &str) -> Option<(u32, u32, u32)> {
    let text = text
        .strip_suffix('日')
        .or_else(|| text.strip_suffix('号'))
        .unwrap_or(text);
    let (year, rest) = text.split_once('年')?;
    let (month, day) = rest.split_once('月')?;
    let digits = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
        (lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| number(part.as_bytes()))
    };
    Some((
        digits(year, 4..=4)?,
        digits(month, 1..=2)?,
        digits(day, 1..=2)?,
    ))
}

/// The number written by ASCII digits (checked by the caller).
fn number(digits: &[u8]) -> u32 {
    digits
        .iter()
        .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'))
}

/// A date as [`parse_date`] reads it, or `today` (in any case): the date now on `clock`.
///
/// # Errors
/// As [`parse_date`].
///
/// # Example
/// ```
/// use chrono::{TimeZone, Utc};
/// use qixian::time::{parse_day, Clock, BEIJING, URUMQI};
/// // 17:30 UTC is 01:30 the next day in Beijing, 23:30 the same day in Urumqi.
/// let now = Utc.with_ymd_and_hms(2026, 10, 8, 17, 30, 0).unwrap();
/// assert_eq!(parse_day("today", &Clock::new(BEIJING, now)).unwrap().to_string(), "2026-10-09");
/// assert_eq!(parse_day("TODAY", &Clock::new(URUMQI, now)).unwrap().to_string(), "2026-10-08");
/// ```
pub fn parse_day(text: &str, clock: &Clock) -> Result<NaiveDate, DateError> {
    if text.eq_ignore_ascii_case("today") {
        return Ok(clock.today());
    }
    parse_date(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn parse_date_accepts_exactly_the_dates_chrono_knows(
            y in prop_oneof![0..=9999i32, Just(0), Just(9999), 1900..=2100i32],
            m in 0..=13u32,
            d in prop_oneof![0..=32u32, 28..=31u32],
        ) {
            let expected = NaiveDate::from_ymd_opt(y, m, d);
            for text in [
                format!("{y:04}-{m:02}-{d:02}"),
                format!("{y:04}/{m}/{d}"),
                format!("{y:04}/{m:02}/{d:02}"),
                format!("{y:04}-{m}-{d}"),
            ] {
                prop_assert_eq!(parse_date(&text).ok(), expected, "parse_date and chrono agree on {:?}", text);
            }
        }

        #[test]
        fn any_text_is_a_date_or_refused_naming_it(text in any::<String>()) {
            match parse_date(&text) {
                Ok(date) => {
                    // Whatever form it came in, it names the same year, month and day.
                    let canonical = date.format("%Y-%m-%d").to_string();
                    let loose = written_parts(&text);
                    let parts: Vec<&str> = loose.split('-').collect();
                    let wanted: Vec<&str> = canonical.split('-').collect();
                    prop_assert_eq!(parts.len(), 3, "{:?} has three parts", text);
                    for (given, want) in parts.iter().zip(&wanted) {
                        prop_assert_eq!(given.parse::<u32>().ok(), want.parse::<u32>().ok(), "{:?} is {}", text, canonical);
                    }
                }
                Err(err) => prop_assert!(
                    err.to_string().contains(&quoted(&text)) || err.to_string().contains(&shorten(&text)),
                    "the refusal names {:?}: {}", text, err
                ),
            }
        }
    }

    /// A date's year, month and day as written, `-` between them, read independently of
    /// [`parse_date`]: full-width digits as ASCII, eight digits cut 4-2-2, 年 月 / . as `-`.
    fn written_parts(text: &str) -> String {
        let ascii: String = text
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (u32::from(c) - u32::from('０')) as u8),
                '－' | '／' | '．' => '-',
                c => c,
            })
            .collect();
        if ascii.len() == 8 && ascii.bytes().all(|b| b.is_ascii_digit()) {
            return format!("{}-{}-{}", &ascii[..4], &ascii[4..6], &ascii[6..]);
        }
        ascii
            .trim_end_matches(['日', '号'])
            .replace(['年', '月', '/', '.'], "-")
    }

    #[test]
    fn the_forms_a_clerk_writes_are_read() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 28).expect("a date");
        for text in [
            "20260928",
            "2026年9月28日",
            "2026年9月28号",
            "2026年09月28日",
            "2026.9.28",
            "２０２６－０９－２８",
            "２０２６年９月２８日",
            "２０２６０９２８",
        ] {
            assert_eq!(parse_date(text), Ok(day), "{text:?} is 2026-09-28");
        }
        assert_eq!(
            parse_date("2026年2月30日"),
            Err(DateError::NotADate("2026年2月30日".into())),
            "written as a date, but no such day"
        );
        assert_eq!(
            parse_date("20261301"),
            Err(DateError::NotADate("20261301".into())),
            "month 13"
        );
    }

    #[test]
    fn forms_that_could_be_read_two_ways_are_refused() {
        for text in [
            "15/6/2026",
            "6/15/2026",
            "2026/6-15",
            "2026-06-15 ",
            "2026/006/15",
            "26/6/15",
            "260615",
            "2026615",
            "9月28日",
            "2026年9月",
            "+2026-06-15",
        ] {
            assert!(
                matches!(parse_date(text), Err(DateError::Shape(_))),
                "{text:?} is refused for its shape"
            );
        }
    }
}
