//! The worked examples of `legal-periods.md`, and the two clocks.

use chrono::NaiveDate;

use super::*;
use crate::calendar::{CalendarSet, DayKind};
use crate::time::{BEIJING, Moment, URUMQI};
use chrono_tz::Tz;

/// The embedded calendars, compiled once for every test module under this one.
fn calendars() -> &'static CalendarSet {
    static SET: std::sync::OnceLock<CalendarSet> = std::sync::OnceLock::new();
    SET.get_or_init(|| CalendarSet::embedded().expect("embedded data compile"))
}

/// The embedded rule sets, read once.
fn rule_book() -> &'static RuleBook {
    static BOOK: std::sync::OnceLock<RuleBook> = std::sync::OnceLock::new();
    BOOK.get_or_init(RuleBook::embedded)
}

/// A date written `2026-10-15`.
pub(crate) fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

fn due(calendar: &str, unit: Unit, amount: i64, event: &str, zone: Tz) -> NaiveDate {
    let (set, book) = (CalendarSet::embedded().unwrap(), RuleBook::embedded());
    let request = Request {
        period: Period::resolve(&book, None, Some(unit), Some(amount), Form::default()).unwrap(),
        event: Moment::parse(event).unwrap(),
        zone,
        read_on: zone,
        as_of: None,
        completed: None,
        explain: false,
        cutoff: Cutoff::Midnight,
        hours: None,
        paused: vec![],
        agreed: None,
    };
    compute(set.get(calendar).unwrap(), &request)
        .unwrap()
        .due_date
}

#[test]
fn the_worked_examples_of_legal_periods_hold() {
    // | Event date | Period | National (cn) | Xinjiang (cn-xj) |
    let table = [
        (
            "2025-01-24",
            Unit::WorkingDays,
            7,
            d(2025, 2, 10),
            d(2025, 2, 10),
        ),
        (
            "2025-06-04",
            Unit::WorkingDays,
            7,
            d(2025, 6, 13),
            d(2025, 6, 18),
        ),
        (
            "2025-03-01",
            Unit::CalendarDays,
            30,
            d(2025, 3, 31),
            d(2025, 4, 1),
        ),
        (
            "2025-09-01",
            Unit::CalendarDays,
            30,
            d(2025, 10, 9),
            d(2025, 10, 9),
        ),
    ];
    for (event, unit, amount, national, xinjiang) in table {
        assert_eq!(
            due("cn", unit, amount, event, BEIJING),
            national,
            "cn: {event} + {amount} {unit:?}"
        );
        assert_eq!(
            due("cn-xj", unit, amount, event, BEIJING),
            xinjiang,
            "cn-xj: {event} + {amount} {unit:?}"
        );
    }
}

#[test]
fn a_meeting_ending_at_0130_beijing_is_due_a_day_earlier_on_urumqi_time() {
    // Friday 2026-10-09 01:30 Beijing is Thursday 2026-10-08 23:30 in Urumqi.
    let event = "2026-10-09T01:30:00+08:00";
    let beijing = due("cn-xj-kizilsu", Unit::WorkingDays, 7, event, BEIJING);
    let urumqi = due("cn-xj-kizilsu", Unit::WorkingDays, 7, event, URUMQI);
    // From 10/9: 10/10 (makeup Sat) 1, 10/12–16 2–6, 10/19 7. From 10/8: one day earlier.
    assert_eq!(beijing, d(2026, 10, 19), "Beijing clock");
    assert_eq!(
        urumqi,
        d(2026, 10, 16),
        "Urumqi clock: the event was on the 8th"
    );
}

fn countersign(event: &str, as_of: Option<NaiveDate>, explain: bool) -> Deadline<'static> {
    let set: &'static CalendarSet = Box::leak(Box::new(CalendarSet::embedded().unwrap()));
    let book: &'static RuleBook = Box::leak(Box::new(RuleBook::embedded()));
    let request = Request {
        period: Period::resolve(book, Some("countersign-reply"), None, None, Form::default())
            .unwrap(),
        event: Moment::parse(event).unwrap(),
        zone: BEIJING,
        read_on: BEIJING,
        as_of: as_of.map(|date| (date, None)),
        completed: None,
        explain,
        cutoff: Cutoff::Midnight,
        hours: None,
        paused: vec![],
        agreed: None,
    };
    compute(set.get("cn-xj-kizilsu").unwrap(), &request).unwrap()
}

#[test]
fn status_before_on_and_after_the_due_date() {
    // Requested Wed 2026-09-30; 国庆 10/1–7; 10/8, 10/9, 10/10 (makeup), 10/12–10/15 → due 10/15.
    let before = countersign("2026-09-30", Some(d(2026, 10, 9)), false);
    assert_eq!(before.due_date, d(2026, 10, 15), "due date");
    let status = before.status.unwrap();
    assert_eq!(status.state, State::Pending);
    assert_eq!(
        status.working_days_left, 5,
        "10/10, 10/12, 10/13, 10/14, 10/15"
    );
    assert_eq!(
        status.consequence,
        Some(Consequence::DeemedNoObjection),
        "what lapsing will mean is shown while the period runs"
    );

    let on = countersign("2026-09-30", Some(d(2026, 10, 15)), false)
        .status
        .unwrap();
    assert_eq!(
        (on.state, on.working_days_left, on.consequence),
        (State::DueToday, 0, Some(Consequence::DeemedNoObjection))
    );

    let after = countersign("2026-09-30", Some(d(2026, 10, 19)), false)
        .status
        .unwrap();
    assert_eq!(after.state, State::Overdue);
    assert_eq!(after.working_days_left, -2, "10/16 and 10/19 have passed");
    assert_eq!(
        after.consequence,
        Some(Consequence::DeemedNoObjection),
        "silence is no objection"
    );
}

#[test]
fn the_explanation_walks_every_day_and_says_why() {
    let deadline = countersign("2026-09-30", None, true);
    let steps = deadline.explanation.unwrap();
    assert_eq!(
        steps.first().unwrap().date,
        d(2026, 9, 30),
        "starts at the event day"
    );
    assert!(
        !steps[0].counted && steps[0].why == Why::EventDay,
        "the event day is never counted"
    );
    assert_eq!(
        steps.last().unwrap().ordinal,
        Some(7),
        "ends on the 7th working day"
    );
    let holiday = steps.iter().find(|s| s.date == d(2026, 10, 1)).unwrap();
    assert!(
        !holiday.counted
            && holiday.why == Why::NotWorking
            && holiday.kind == DayKind::Holiday
            && holiday.name.as_deref() == Some("国庆节"),
        "{holiday:?}"
    );
    let makeup = steps.iter().find(|s| s.date == d(2026, 10, 10)).unwrap();
    assert!(
        makeup.counted
            && makeup.why == Why::Counted
            && makeup.kind == DayKind::MakeupWorkday
            && makeup.name.as_deref() == Some("国庆节"),
        "{makeup:?}"
    );
    assert_eq!(
        makeup.ordinal,
        Some(3),
        "10/8, 10/9, then the makeup Saturday"
    );
}

#[test]
fn the_due_instant_is_midnight_after_the_due_date_on_the_counting_clock() {
    let deadline = countersign("2026-09-30", None, false);
    assert_eq!(deadline.due_at.to_rfc3339(), "2026-10-16T00:00:00+08:00");
    assert_eq!(
        deadline.due_at.with_timezone(&URUMQI).to_rfc3339(),
        "2026-10-15T22:00:00+06:00"
    );
}

#[test]
fn only_an_adjustable_rule_takes_days_and_amounts_stay_in_range() {
    let book = RuleBook::embedded();
    let err = Period::resolve(
        &book,
        Some("approved-filing"),
        None,
        Some(10),
        Form::default(),
    )
    .unwrap_err();
    assert!(matches!(err, DeadlineError::DaysNotAllowed { .. }), "{err}");
    for n in [0, -1, 3651, i64::MAX] {
        let err = Period::resolve(
            &book,
            Some("countersign-reply"),
            None,
            Some(n),
            Form::default(),
        )
        .unwrap_err();
        assert_eq!(
            err,
            DeadlineError::AmountOutOfRange {
                amount: n,
                unit: Unit::WorkingDays
            }
        );
    }
    assert_eq!(
        Period::resolve(
            &book,
            Some("countersign-reply"),
            None,
            Some(3650),
            Form::default()
        )
        .unwrap()
        .amount,
        3650
    );
    assert!(matches!(
        Period::resolve(&book, Some("nope"), None, None, Form::default()),
        Err(DeadlineError::UnknownRule { .. })
    ));
    assert_eq!(
        Period::resolve(&book, None, Some(Unit::WorkingDays), None, Form::default()),
        Err(DeadlineError::MissingPeriod)
    );
}

#[test]
fn an_unpublished_year_makes_the_deadline_provisional() {
    let deadline = countersign("2026-12-28", None, false);
    assert!(
        deadline.provisional,
        "the count runs into 2027, not yet published"
    );
    assert!(!countersign("2026-09-30", None, false).provisional);
}

mod properties {
    //! What holds for every deadline, whatever the event and the period.

    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn set() -> &'static CalendarSet {
        static SET: OnceLock<CalendarSet> = OnceLock::new();
        SET.get_or_init(|| CalendarSet::embedded().expect("embedded data compile"))
    }

    fn event() -> impl Strategy<Value = NaiveDate> {
        (0i64..(365 * 30)).prop_map(|n| d(2005, 1, 1) + chrono::Days::new(n as u64))
    }

    fn calendar() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["cn", "cn-xj", "cn-xj-kizilsu"])
    }

    /// The units counted in days (office hours have properties of their own, in
    /// `calendar::hours`).
    fn unit() -> impl Strategy<Value = Unit> {
        prop::sample::select(vec![Unit::WorkingDays, Unit::CalendarDays])
    }

    fn deadline(
        calendar: &str,
        unit: Unit,
        amount: u32,
        event: NaiveDate,
        explain: bool,
    ) -> Deadline<'static> {
        let request = Request {
            period: Period::ad_hoc(unit, amount),
            event: Moment::Date(event),
            zone: BEIJING,
            read_on: BEIJING,
            as_of: None,
            completed: None,
            explain,
            cutoff: Cutoff::Midnight,
            hours: None,
            paused: vec![],
            agreed: None,
        };
        compute(set().get(calendar).unwrap(), &request).expect("inside the supported range")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn the_due_day_is_a_working_day_after_the_event(
            calendar in calendar(), unit in unit(), amount in 1u32..400, event in event(),
        ) {
            let due = deadline(calendar, unit, amount, event, false).due_date;
            prop_assert!(due > event, "{} + {} {:?} = {}", event, amount, unit, due);
            prop_assert!(
                set().get(calendar).unwrap().is_working_day(due).unwrap(),
                "{}: {} + {} {:?} ends on a rest day {}", calendar, event, amount, unit, due
            );
        }

        #[test]
        fn a_later_event_never_gives_an_earlier_due_date(
            calendar in calendar(), unit in unit(), amount in 1u32..400, event in event(), later in 1u64..40,
        ) {
            let first = deadline(calendar, unit, amount, event, false).due_date;
            let second = deadline(calendar, unit, amount, event + chrono::Days::new(later), false).due_date;
            prop_assert!(second >= first, "{} then {} days later: {} then {}", event, later, first, second);
        }

        #[test]
        fn the_explanation_counts_exactly_the_period(
            calendar in calendar(), unit in unit(), amount in 1u32..120, event in event(),
        ) {
            let deadline = deadline(calendar, unit, amount, event, true);
            let steps = deadline.explanation.expect("asked for");
            let counted: Vec<u32> = steps.iter().filter_map(|s| s.ordinal).collect();
            prop_assert_eq!(counted.len() as u32, amount, "counted days");
            prop_assert!(counted.iter().enumerate().all(|(i, n)| *n == i as u32 + 1), "numbered 1, 2, …");
            prop_assert_eq!(steps.first().map(|s| s.date), Some(event), "from the event day");
            prop_assert_eq!(steps.last().map(|s| s.date), Some(deadline.due_date), "to the due day");
            prop_assert!(!steps[0].counted, "the event day never counts");
        }
    }
}

mod filing;
mod forms;
mod law;
pub(crate) mod tax;
