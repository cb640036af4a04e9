//! Exports for programs that are not JSON clients: calendar feeds (iCalendar) of a calendar's
//! days off and makeup working days, and of a deadline, for Outlook, OA calendars and phones to
//! subscribe to or import; and the offline workbook ([`workbook`]) whose formulas count
//! deadlines on the rest-day list in Excel, WPS and LibreOffice.
//!
//! Nothing here knows about HTTP; the output depends on the data alone (no clock is read), so
//! identical data give identical bytes and an HTTP cache can keep them.

pub mod ics;
pub mod ledger;
pub mod register;
pub mod workbook;

use std::ops::RangeInclusive;

use chrono::{Duration, NaiveDateTime};

use crate::calendar::{Calendar, CalendarError, DayKind, FIRST_DAY};
use crate::deadline::Deadline;
use crate::text::{DayFacts, DeadlineFacts, Lang};

/// The `DTSTAMP` of every exported event and the creation time of every workbook:
/// 2000-01-01T00:00:00Z, the first day any calendar answers for. RFC 5545 requires a stamp, but
/// a wall-clock one would change the bytes (and the ETag) of every answer, and subscribers match
/// events by their stable UID and re-read the whole feed anyway; a constant keeps identical data
/// byte-identical.
pub const STAMP: NaiveDateTime = FIRST_DAY.and_hms_opt(0, 0, 0).expect("valid time");

/// A calendar feed of `calendar`'s days off and makeup working days in `years`: one all-day
/// event per day, titled like `国庆节 放假` and `国庆节 调休上班`, whose UID is made of the
/// calendar, the date and the kind, so that it survives data reloads (an estimated day that a
/// notice later confirms keeps its UID, and the subscriber updates it in place).
///
/// # Errors
/// As [`Calendar::notice_days`].
///
/// # Example
/// ```
/// use qixian::calendar::CalendarSet;
/// use qixian::export::holiday_feed;
/// use qixian::text::Lang;
/// let set = CalendarSet::embedded().unwrap();
/// let feed = holiday_feed(set.get("cn").unwrap(), 2026..=2026, Lang::Zh).unwrap();
/// let national_day = feed.events.iter().find(|e| e.uid == "cn-20261010-makeup@qixian").unwrap();
/// assert_eq!(national_day.summary, "国庆节 调休上班");
/// ```
pub fn holiday_feed(
    calendar: &Calendar,
    years: RangeInclusive<i32>,
    lang: Lang,
) -> Result<ics::IcsFeed, CalendarError> {
    let spec = calendar.spec();
    let says = lang.says();
    let events = calendar
        .notice_days(years)?
        .map(|day| {
            let tag = match day.kind {
                DayKind::MakeupWorkday => "makeup",
                _ => "holiday",
            };
            let facts = DayFacts {
                kind: day.kind,
                name: day.name,
                estimated: day.estimated,
            };
            ics::AllDayEvent {
                uid: format!("{}-{}-{tag}@qixian", spec.id, day.date.format("%Y%m%d")),
                stamp: STAMP,
                sequence: None,
                date: day.date,
                summary: says.holiday_event_summary(facts),
                description: Some(says.holiday_event_description(
                    (&spec.name, &spec.id),
                    facts,
                    day.source,
                )),
                categories: vec![says.holiday_event_category(day.kind).to_owned()],
                busy: false,
                alarm: None,
            }
        })
        .collect();
    Ok(ics::IcsFeed {
        name: says.holiday_feed_name(&spec.name),
        refresh: Some(Duration::days(1)),
        events,
    })
}

/// The hour of the reminder, on the last working day before the due date.
const REMIND_AT_HOUR: i64 = 9;

/// How long before a due date's start (its 00:00) its reminder shows: at 09:00 of the working
/// day before it on `calendar` (the day before, where the calendar cannot say).
pub fn reminder(calendar: &Calendar, due_date: chrono::NaiveDate) -> Duration {
    let remind_on = calendar
        .add_working_days(due_date, -1)
        .map(|a| a.value)
        .unwrap_or_else(|_| due_date.pred_opt().unwrap_or(due_date));
    ((due_date - remind_on) - Duration::hours(REMIND_AT_HOUR)).max(Duration::zero())
}

/// A calendar feed holding one all-day event on `deadline`'s due date, with the rule and its
/// citation (`source` names the instrument the rule comes from, without dates) in the
/// description, and a reminder at 09:00 of the last working day before the due date. The
/// caller's `id` for the deadline — a document number (文号) — when given, is part of the
/// event's UID, and its title, description and reminder name it.
///
/// At the very start of the supported range, where no working day precedes the due date, the
/// reminder falls back to 09:00 of the day before.
///
/// # Example
/// ```
/// use qixian::calendar::CalendarSet;
/// use qixian::deadline::{compute, Form, Period, Request, RuleBook};
/// use qixian::time::{Moment, BEIJING};
/// use qixian::export::deadline_feed;
/// use qixian::text::Lang;
/// let (set, book) = (CalendarSet::embedded().unwrap(), RuleBook::embedded());
/// let cn = set.get("cn").unwrap();
/// let period = Period::resolve(&book, Some("countersign-reply"), None, None, Form::default());
/// let request = Request::new(period.unwrap(), Moment::parse("2026-09-30").unwrap(), BEIJING);
/// let source = book.statute_name(request.period.rule.unwrap(), None);
/// let feed = deadline_feed(cn, &compute(cn, &request).unwrap(), &source, None, Lang::Zh);
/// let event = &feed.events[0];
/// assert_eq!(event.date.to_string(), "2026-10-15");
/// // Thu 10/15 is due; the last working day before it is Wed 10/14: 15 hours before 00:00.
/// assert_eq!(event.alarm.as_ref().unwrap().before.num_hours(), 15);
/// ```
pub fn deadline_feed(
    calendar: &Calendar,
    deadline: &Deadline<'_>,
    source: &str,
    id: Option<&str>,
    lang: Lang,
) -> ics::IcsFeed {
    let says = lang.says();
    let period = deadline.period;
    let title = match period.rule {
        Some(rule) => lang.pick(&rule.title).to_owned(),
        None => says.ad_hoc_title(&period),
    };
    let due_at = deadline.due_at.to_rfc3339();
    // 24:00 of the due date is 00:00 of the next day on the wall clock.
    let due_time = if deadline.due_at.date_naive() == deadline.due_date {
        deadline.due_at.format("%H:%M").to_string()
    } else {
        "24:00".to_owned()
    };
    let description = says.deadline_event_description(&DeadlineFacts {
        title: &title,
        doc_no: id,
        citation: period
            .rule
            .map(|rule| (rule.article.as_str(), rule.text.as_str(), source)),
        event_date: deadline.event_date,
        period: &period,
        due_date: deadline.due_date,
        zone: deadline.zone.name(),
        due_time: &due_time,
        due_at: &due_at,
        calendar: (&calendar.spec().name, calendar.id()),
        provisional: deadline.provisional,
    });
    let before = reminder(calendar, deadline.due_date);
    let summary = says.deadline_event_summary(&title, id, deadline.provisional);
    let event = ics::AllDayEvent {
        uid: format!(
            "deadline-{}{}-{}-{}-{}-{}@qixian",
            // The caller's own id (a document number) first, so that two documents with the
            // same rule and event date stay two events; encoded, so that it stays one word.
            id.map(|id| format!(
                "{}-",
                form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
            ))
            .unwrap_or_default(),
            calendar.id(),
            period.rule.map_or("period", |r| r.id.as_str()),
            period.amount,
            period.unit.as_str(),
            deadline.event_date.format("%Y%m%d"),
        ),
        stamp: STAMP,
        sequence: None,
        date: deadline.due_date,
        summary: summary.clone(),
        description: Some(description),
        categories: vec![says.deadline_category().to_owned()],
        busy: false,
        alarm: Some(ics::Alarm {
            before,
            description: says.deadline_reminder(deadline.due_date, &title, id),
        }),
    };
    ics::IcsFeed {
        name: summary,
        refresh: None,
        events: vec![event],
    }
}
