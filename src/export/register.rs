//! A register's calendar feed: each open matter as an all-day event on its due date, with the
//! reminder a single deadline's event has (09:00 of the working day before), so that a
//! deadline that moves (a notice, a rule) moves, reminder and all, in every calendar
//! subscribed to the feed.
//!
//! An event's UID is its register's and matter's ids, so the same matter is the same event
//! whatever its dates; its `SEQUENCE` rises with each change of the matter and with each day
//! its due date has moved from the one its office acknowledged (see [`sequence`]).

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use super::ics;
use crate::register::{Due, Matter};
use crate::text::{Lang, MatterFacts};
use crate::time::BEIJING;

/// How often subscribers are asked to read the feed again: an hour, so that a moved deadline
/// reaches the clerks' calendars the same morning.
pub const REFRESH: Duration = Duration::hours(1);

/// One open matter of the feed, with its due date as the data in force count it.
#[derive(Clone, Copy, Debug)]
pub struct FeedMatter<'a> {
    /// Its id in its register.
    pub id: &'a str,
    /// Its version.
    pub version: i64,
    /// When it last changed (UTC): the event's `DTSTAMP`.
    pub changed: NaiveDateTime,
    /// What its office wrote.
    pub matter: &'a Matter,
    /// Its due date now.
    pub due: &'a Due<'a>,
    /// How long before the due date's start its reminder shows ([`super::reminder`], on the
    /// calendar it is counted on).
    pub remind_before: Duration,
}

/// The most days of movement [`sequence`] counts: beyond it, a move of more days is as one
/// of this many (and the next version still comes after it).
const MOVED_DAYS_COUNTED: i64 = 999;

/// An event's `SEQUENCE`: its matter's version times a thousand, plus the days its due date
/// lies from the acknowledged one (at most 999). A change of the matter (an edit, an
/// acknowledgement) raises the version, so the sequence rises even as an acknowledgement
/// brings the days back to naught; a new notice moves the due date without a new version, and
/// the days it moved raise the sequence. (A due date that moves back towards the acknowledged
/// one without a version lowers it again: the one case a client that trusts `SEQUENCE` alone
/// keeps the older event until the next change; clients re-read a subscribed feed whole.)
///
/// # Example
/// ```
/// use qixian::export::register::sequence;
/// let (due, acknowledged) = ("2027-02-10".parse().unwrap(), "2027-02-08".parse().unwrap());
/// assert_eq!(sequence(1, due, Some(due)), 1000);
/// assert_eq!(sequence(1, due, Some(acknowledged)), 1002);
/// assert_eq!(sequence(2, due, Some(due)), 2000);
/// ```
pub fn sequence(version: i64, due: NaiveDate, acknowledged: Option<NaiveDate>) -> i64 {
    let moved = acknowledged.map_or(0, |a| (due - a).num_days().abs());
    version.saturating_mul(1000) + moved.min(MOVED_DAYS_COUNTED)
}

/// The feed of register `register_id` named `name`: one event per matter given (the caller
/// gives the open ones), titled by its 事由 and 文号 (marked 暂定 when provisional), its due
/// instant on Beijing time in the description.
pub fn register_feed<'a>(
    register_id: &str,
    name: &str,
    matters: impl IntoIterator<Item = FeedMatter<'a>>,
    lang: Lang,
) -> ics::IcsFeed {
    let says = lang.says();
    let events = matters
        .into_iter()
        .map(|m| {
            let (matter, due) = (m.matter, m.due);
            // A title is its 事由, led by its 文号; a matter with one of the two has that alone.
            let (title, doc) = match (matter.subject.as_str(), matter.doc_number.as_str()) {
                ("", doc) => (doc, None),
                (subject, "") => (subject, None),
                (subject, doc) => (subject, Some(doc)),
            };
            let at = due.at.with_timezone(&BEIJING);
            // 00:00 of the next day is 24:00 of the due date, as the deadline's feed says it.
            let (due_day, due_time) =
                if at.time() == NaiveTime::MIN && due.date.succ_opt() == Some(at.date_naive()) {
                    (due.date, "24:00".to_owned())
                } else {
                    (at.date_naive(), at.format("%H:%M").to_string())
                };
            let description = says.register_event_description(&MatterFacts {
                doc_number: &matter.doc_number,
                subject: &matter.subject,
                sender: &matter.sender,
                handler: &matter.handler,
                due_date: due.date,
                due_time: &due_time,
                due_day,
                provisional: due.provisional,
                moved_from: matter.acknowledged_due.filter(|_| due.moved),
            });
            ics::AllDayEvent {
                uid: format!("matter-{register_id}-{}@qixian", m.id),
                stamp: m.changed,
                sequence: Some(sequence(m.version, due.date, matter.acknowledged_due)),
                date: due.date,
                summary: says.deadline_event_summary(title, doc, due.provisional),
                description: Some(description),
                categories: vec![says.deadline_category().to_owned()],
                busy: false,
                alarm: Some(ics::Alarm {
                    before: m.remind_before,
                    description: says.deadline_reminder(due.date, title, doc),
                }),
            }
        })
        .collect();
    ics::IcsFeed {
        name: says.register_feed_name(name),
        refresh: Some(REFRESH),
        events,
    }
}
