//! A small iCalendar (RFC 5545) writer: all-day events, each with an optional reminder.
//!
//! Only what the exports need: CRLF line ends, lines folded at 75 octets without splitting a
//! UTF-8 character, TEXT values escaped (`\\`, `;`, `,`, newlines). The output is a function of
//! its input alone — no clock is read — so identical data give identical bytes.

use std::fmt::Write as _;

use chrono::{Duration, NaiveDate, NaiveDateTime};

/// An iCalendar object (`VCALENDAR`) of all-day events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcsFeed {
    /// `X-WR-CALNAME`: the name a subscribing client shows for the calendar.
    pub name: String,
    /// `REFRESH-INTERVAL` and `X-PUBLISHED-TTL`: how often subscribers should read it again.
    pub refresh: Option<Duration>,
    /// The events.
    pub events: Vec<AllDayEvent>,
}

/// An all-day event (`VEVENT` with `DTSTART;VALUE=DATE`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllDayEvent {
    /// Globally unique and stable: the same event gets the same UID in every export.
    pub uid: String,
    /// `DTSTAMP`, in UTC.
    pub stamp: NaiveDateTime,
    /// `SEQUENCE`: the event's revision, when it has revisions (it rises with each, so that a
    /// client that compares them takes the new one).
    pub sequence: Option<i64>,
    /// The day.
    pub date: NaiveDate,
    /// `SUMMARY`: the title.
    pub summary: String,
    /// `DESCRIPTION`.
    pub description: Option<String>,
    /// `CATEGORIES`.
    pub categories: Vec<String>,
    /// Whether the day shows as busy (`TRANSP:OPAQUE`) rather than free.
    pub busy: bool,
    /// The reminder, if any.
    pub alarm: Option<Alarm>,
}

/// A display reminder (`VALARM`), some time before the event's start (its day's 00:00).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alarm {
    /// How long before the event's start (its day's 00:00).
    pub before: Duration,
    /// What it says.
    pub description: String,
}

const PRODID: &str = "-//qixian//qixian//ZH";
/// RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
const MAX_OCTETS: usize = 75;

impl IcsFeed {
    /// The iCalendar text, CRLF line ends throughout.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use qixian::export::ics::{AllDayEvent, IcsFeed};
    /// let date = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    /// let feed = IcsFeed {
    ///     name: "节假日".to_owned(),
    ///     refresh: None,
    ///     events: vec![AllDayEvent {
    ///         uid: "cn-20261001-holiday@qixian".to_owned(),
    ///         stamp: date.and_hms_opt(0, 0, 0).unwrap(),
    ///         sequence: None,
    ///         date,
    ///         summary: "国庆节 放假".to_owned(),
    ///         description: None,
    ///         categories: vec![],
    ///         busy: false,
    ///         alarm: None,
    ///     }],
    /// };
    /// let text = feed.to_ics();
    /// assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
    /// assert!(text.contains("\r\nDTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261002\r\n"));
    /// ```
    pub fn to_ics(&self) -> String {
        let mut out = String::new();
        let mut line = |text: &str| push_folded(&mut out, text);
        line("BEGIN:VCALENDAR");
        line("VERSION:2.0");
        line(&format!("PRODID:{PRODID}"));
        line("CALSCALE:GREGORIAN");
        line("METHOD:PUBLISH");
        line(&format!("X-WR-CALNAME:{}", escape(&self.name)));
        if let Some(refresh) = self.refresh {
            line(&format!(
                "REFRESH-INTERVAL;VALUE=DURATION:{}",
                duration(refresh)
            ));
            line(&format!("X-PUBLISHED-TTL:{}", duration(refresh)));
        }
        for event in &self.events {
            event.write(&mut line);
        }
        line("END:VCALENDAR");
        out
    }
}

impl AllDayEvent {
    fn write(&self, line: &mut impl FnMut(&str)) {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", escape(&self.uid)));
        line(&format!("DTSTAMP:{}", self.stamp.format("%Y%m%dT%H%M%SZ")));
        if let Some(sequence) = self.sequence {
            line(&format!("SEQUENCE:{sequence}"));
        }
        line(&format!(
            "DTSTART;VALUE=DATE:{}",
            self.date.format("%Y%m%d")
        ));
        // DTEND is exclusive: a one-day event ends at the start of the next day.
        let end = self.date.succ_opt().unwrap_or(self.date);
        line(&format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")));
        line(&format!("SUMMARY:{}", escape(&self.summary)));
        if let Some(description) = &self.description {
            line(&format!("DESCRIPTION:{}", escape(description)));
        }
        if !self.categories.is_empty() {
            let categories: Vec<String> = self.categories.iter().map(|c| escape(c)).collect();
            line(&format!("CATEGORIES:{}", categories.join(",")));
        }
        line(if self.busy {
            "TRANSP:OPAQUE"
        } else {
            "TRANSP:TRANSPARENT"
        });
        if let Some(alarm) = &self.alarm {
            line("BEGIN:VALARM");
            line("ACTION:DISPLAY");
            line(&format!("DESCRIPTION:{}", escape(&alarm.description)));
            line(&format!("TRIGGER:-{}", duration(alarm.before)));
            line("END:VALARM");
        }
        line("END:VEVENT");
    }
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF and a lone CR are one line break each.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            other => out.push(other),
        }
    }
    out
}

/// Appends `line` to `out`, folded (RFC 5545 §3.1) so that no line exceeds 75 octets: a fold
/// is CRLF then one space, which counts towards the next line, and never splits a character.
fn push_folded(out: &mut String, line: &str) {
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > MAX_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// A positive duration as RFC 5545 writes one (`P1D`, `PT15H`, `P2DT15H`).
fn duration(d: Duration) -> String {
    let seconds = d.num_seconds().max(0);
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (hours, minutes, secs) = (rest / 3600, rest % 3600 / 60, rest % 60);
    let mut out = String::from("P");
    if days > 0 {
        let _ = write!(out, "{days}D");
    }
    if rest > 0 || days == 0 {
        out.push('T');
        if hours > 0 {
            let _ = write!(out, "{hours}H");
        }
        if minutes > 0 {
            let _ = write!(out, "{minutes}M");
        }
        if secs > 0 || rest == 0 {
            let _ = write!(out, "{secs}S");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(summary: &str, alarm: Option<Alarm>) -> AllDayEvent {
        let date = NaiveDate::from_ymd_opt(2026, 10, 15).expect("valid date");
        AllDayEvent {
            uid: "x@qixian".to_owned(),
            stamp: date.and_hms_opt(0, 0, 0).expect("valid time"),
            sequence: None,
            date,
            summary: summary.to_owned(),
            description: Some("第一行\n第二行".to_owned()),
            categories: vec!["放假".to_owned()],
            busy: true,
            alarm,
        }
    }

    fn feed(events: Vec<AllDayEvent>) -> String {
        IcsFeed {
            name: "test".to_owned(),
            refresh: Some(Duration::days(1)),
            events,
        }
        .to_ics()
    }

    #[test]
    fn text_values_escape_backslashes_separators_and_newlines() {
        assert_eq!(
            escape("a\\b;c,d\ne\r\nf"),
            "a\\\\b\\;c\\,d\\ne\\nf",
            "expected each special character escaped and each line break written \\n"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let text = feed(vec![event(&"国庆节放假".repeat(20), None)]);
        for line in text.split("\r\n") {
            assert!(
                line.len() <= MAX_OCTETS,
                "expected at most 75 octets, got {} in {line:?}",
                line.len()
            );
        }
        let unfolded = text.replace("\r\n ", "");
        assert!(
            unfolded.contains(&format!("SUMMARY:{}\r\n", "国庆节放假".repeat(20))),
            "expected unfolding to give back the summary, got {unfolded:?}"
        );
    }

    #[test]
    fn every_line_ends_with_crlf_and_no_bare_newline_remains() {
        let text = feed(vec![event("国庆节 放假", None)]);
        assert!(text.ends_with("END:VCALENDAR\r\n"), "expected a final CRLF");
        assert_eq!(
            text.matches('\n').count(),
            text.matches("\r\n").count(),
            "expected every LF to follow a CR in {text:?}"
        );
    }

    #[test]
    fn an_alarm_is_written_inside_its_event_with_a_negative_trigger() {
        let alarm = Alarm {
            before: Duration::hours(63),
            description: "明天截止".to_owned(),
        };
        let text = feed(vec![event("截止", Some(alarm))]);
        assert!(
            text.contains(
                "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:明天截止\r\nTRIGGER:-P2DT15H\r\nEND:VALARM\r\nEND:VEVENT\r\n"
            ),
            "expected the alarm inside the event, got {text:?}"
        );
    }

    #[test]
    fn durations_are_written_in_days_and_hours() {
        assert_eq!(duration(Duration::days(1)), "P1D", "expected one day");
        assert_eq!(duration(Duration::hours(15)), "PT15H", "expected 15 hours");
        assert_eq!(
            duration(Duration::minutes(90)),
            "PT1H30M",
            "expected an hour and a half"
        );
        assert_eq!(duration(Duration::zero()), "PT0S", "expected zero seconds");
    }

    /// Reads an escaped TEXT value back (the inverse of [`escape`]).
    fn unescape(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            match (c, c == '\\') {
                (_, true) => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => {}
                },
                (c, false) => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1_000))]

        /// Whatever a summary holds (any characters, of any width, line breaks and separators),
        /// no line of the file is longer than 75 octets, every line ends with CRLF, and
        /// unfolding and unescaping give the summary back, its line breaks written as LF.
        #[test]
        fn any_text_folds_within_75_octets_and_unfolds_to_itself(
            summary in proptest::prelude::any::<String>(),
        ) {
            let text = feed(vec![event(&summary, None)]);
            for line in text.split("\r\n") {
                proptest::prop_assert!(line.len() <= MAX_OCTETS, "{} octets: {:?}", line.len(), line);
            }
            proptest::prop_assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
            let unfolded = text.replace("\r\n ", "");
            let value = unfolded
                .split("\r\n")
                .find_map(|l| l.strip_prefix("SUMMARY:"))
                .expect("a SUMMARY line");
            let expected = summary.replace("\r\n", "\n").replace('\r', "\n");
            proptest::prop_assert_eq!(unescape(value), expected);
        }
    }
}
