//! Matters across 2027 while it is estimated, then with a notice for 2027 in force. The
//! estimate and the notice (tests/data/cn-2027-test-notice.json) differ on four days that
//! change whether offices work: 01-31 (a Sunday the estimate makes a makeup working day, the
//! notice does not), 02-14 (the same), 02-20 (a Saturday the notice makes a makeup working
//! day) and 04-25 (a Sunday the notice makes one). The first test holds that premise; every
//! due date below is counted by hand from it.

use super::*;
use crate::calendar::diff::changed_days;
use crate::calendar::spec::{EMBEDDED_SPECS, parse_specs};
use crate::calendar::{CalendarSet, DataSet, Origin};
use crate::deadline::RuleBook;

const NOTICE_2027: &str = include_str!("../../tests/data/cn-2027-test-notice.json");

fn d(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

/// The embedded calendars with the test notice for 2027 in force for `cn`.
fn with_notice() -> CalendarSet {
    let specs = parse_specs(EMBEDDED_SPECS).expect("embedded specs");
    let spec = specs.iter().find(|s| s.id == "cn").expect("cn");
    let mut data = DataSet::embedded().expect("embedded data");
    data.insert_checked(
        spec,
        2027,
        NOTICE_2027.as_bytes(),
        Origin::OperatorFile {
            path: "cn/2027.json".into(),
        },
    )
    .expect("the notice is accepted");
    CalendarSet::compile(&specs, &data)
}

fn context<'a>(calendars: &'a CalendarSet, rules: &'a RuleBook, now: &str) -> Context<'a> {
    Context {
        calendars,
        rules,
        default_calendar: "cn",
        now: DateTime::parse_from_rfc3339(now)
            .expect("an instant")
            .to_utc(),
        explain_by_default: false,
    }
}

/// A matter of `amount` days of `unit` from `event`, on `cn`.
fn matter(doc: &str, event: &str, amount: i64, unit: &str) -> Matter {
    Matter {
        doc_number: doc.into(),
        subject: format!("{doc} 事由"),
        period: Input {
            event: Some(event.into()),
            unit: Some(unit.into()),
            amount: Some(amount),
            calendar: Some("cn".into()),
            ..Input::default()
        },
        ..Matter::default()
    }
}

/// The register of the tests: A, B, C, D working-day periods, E done, F calendar days.
fn register() -> Vec<Matter> {
    let mut done = matter("E", "2027-01-25", 5, "working_days");
    done.completed_at = DateTime::parse_from_rfc3339("2027-01-28T10:00:00+08:00").ok();
    vec![
        matter("A", "2027-01-25", 5, "working_days"),
        matter("B", "2027-02-01", 10, "working_days"),
        matter("C", "2027-03-01", 5, "working_days"),
        matter("D", "2027-04-23", 2, "working_days"),
        done,
        matter("F", "2027-01-21", 10, "calendar_days"),
    ]
}

/// Each matter created on the estimate: its due date acknowledged as `check` gives it.
fn created(context: &Context<'_>) -> Vec<Matter> {
    register()
        .into_iter()
        .map(|mut m| {
            m.acknowledged_due = Some(m.check(context).expect("a matter that counts").date);
            m
        })
        .collect()
}

#[test]
fn the_notice_changes_four_working_days_of_the_estimate() {
    let (old, new) = (CalendarSet::embedded().unwrap(), with_notice());
    let moving: Vec<NaiveDate> = changed_days(old.get("cn").unwrap(), new.get("cn").unwrap())
        .into_iter()
        .filter(|c| c.moves_work())
        .map(|c| c.date)
        .collect();
    assert_eq!(
        moving,
        [
            d("2027-01-31"),
            d("2027-02-14"),
            d("2027-02-20"),
            d("2027-04-25")
        ],
        "the premise of these tests"
    );
}

#[test]
fn matters_across_2027_are_provisional_until_the_notice_then_exactly_those_whose_due_date_changed_are_moved()
 {
    let rules = RuleBook::embedded();
    let estimate = CalendarSet::embedded().unwrap();
    let now = "2027-01-27T12:00:00+08:00";
    let before = context(&estimate, &rules, now);
    let matters = created(&before);
    // By hand on the estimate: A 01-26..29 are 1-4, 01-31 (makeup Sunday) is 5. B 02-02..04
    // are 1-3, 02-05..13 rest, 02-14 (makeup Sunday) 4, 02-15..19 5-9, 02-22 10. C 03-02..05,
    // 03-08. D 04-24/25 a weekend, 04-26 1, 04-27 2. F 01-21 + 10 days is 01-31, a working
    // day there.
    let acknowledged: Vec<_> = matters.iter().map(|m| m.acknowledged_due).collect();
    let expected = [
        "2027-01-31",
        "2027-02-22",
        "2027-03-08",
        "2027-04-27",
        "2027-01-31",
        "2027-01-31",
    ];
    assert_eq!(
        acknowledged,
        expected.map(|e| Some(d(e))),
        "due dates on the estimate"
    );
    for m in &matters {
        let due = m.read(&before, &[]).expect("counts");
        assert!(
            due.provisional,
            "{} depends on estimated 2027",
            m.doc_number
        );
        assert!(!due.moved, "{} has not moved on its own data", m.doc_number);
    }

    let notice = with_notice();
    let changes = changed_days(estimate.get("cn").unwrap(), notice.get("cn").unwrap());
    let after = context(&notice, &rules, now);
    // By hand on the notice: A 01-31 rests, so 5 is 02-01. B 02-14 rests but 02-20 works:
    // 02-15..19 are 4-8, 02-20 9, 02-22 10 — the same day. C no change. D 04-25 works: 1,
    // 04-26 2. E as A. F 01-31 rests, rolled to 02-01.
    let read: Vec<(NaiveDate, bool, Vec<NaiveDate>, bool)> = matters
        .iter()
        .map(|m| {
            let due = m.read(&after, &changes).expect("counts");
            let by = due.moved_by.iter().map(|c| c.date).collect();
            (due.date, due.moved, by, due.provisional)
        })
        .collect();
    assert_eq!(
        read,
        vec![
            (d("2027-02-01"), true, vec![d("2027-01-31")], false),
            (d("2027-02-22"), false, vec![], false),
            (d("2027-03-08"), false, vec![], false),
            (d("2027-04-26"), true, vec![d("2027-04-25")], false),
            (d("2027-02-01"), true, vec![d("2027-01-31")], false),
            (d("2027-02-01"), true, vec![d("2027-01-31")], false),
        ],
        "A, D, E and F moved, each by the day that moved it; B and C did not"
    );

    let moved = Filter {
        show: Some(Show::Moved),
        ..Filter::default()
    };
    let shown: Vec<&str> = matters
        .iter()
        .filter(|m| moved.keeps(m, &m.read(&after, &changes)))
        .map(|m| m.doc_number.as_str())
        .collect();
    assert_eq!(shown, ["A", "D", "F"], "E moved too, but it is done");

    // Acknowledged: no longer moved.
    let mut a = matters[0].clone();
    a.acknowledged_due = Some(a.read(&after, &changes).unwrap().date);
    let due = a.read(&after, &changes).unwrap();
    assert!(!due.moved && due.moved_by.is_empty(), "acknowledged A");
}

/// The names of the matters `filter` keeps, sorted by due.
fn shown(matters: &[Matter], context: &Context<'_>, filter: &Filter) -> Vec<String> {
    let mut read: Vec<(&Matter, Reading<'_>)> =
        matters.iter().map(|m| (m, m.read(context, &[]))).collect();
    read.retain(|(m, r)| filter.keeps(m, r));
    sort_by_due(&mut read, |(_, r)| r);
    read.iter().map(|(m, _)| m.doc_number.clone()).collect()
}

#[test]
fn lists_are_filtered_by_state_day_and_text_and_sorted_by_due() {
    let (rules, notice) = (RuleBook::embedded(), with_notice());
    // On 2027-01-27 (Wednesday): A and F due 02-01 (Monday), within the week; B, C, D later.
    let wednesday = context(&notice, &rules, "2027-01-27T12:00:00+08:00");
    let matters = created(&wednesday);
    let show = |s| Filter {
        show: Some(s),
        ..Filter::default()
    };
    assert_eq!(
        shown(&matters, &wednesday, &Filter::default()),
        ["A", "E", "F", "B", "C", "D"],
        "by due date; equal instants keep their order"
    );
    assert_eq!(
        shown(&matters, &wednesday, &show(Show::DueSoon)),
        ["A", "F"]
    );
    assert_eq!(shown(&matters, &wednesday, &show(Show::Done)), ["E"]);
    assert!(shown(&matters, &wednesday, &show(Show::Overdue)).is_empty());
    // On 2027-03-10: A, F (02-01), B (02-22), C (03-08) are past; D (04-26) is not; E done.
    let march = context(&notice, &rules, "2027-03-10T09:00:00+08:00");
    assert_eq!(
        shown(&matters, &march, &show(Show::Overdue)),
        ["A", "F", "B", "C"]
    );
    assert_eq!(
        shown(&matters, &march, &show(Show::Open)),
        ["A", "F", "B", "C", "D"]
    );
    let before = Filter {
        due_before: Some(d("2027-03-08")),
        ..Filter::default()
    };
    assert_eq!(
        shown(&matters, &march, &before),
        ["A", "E", "F", "B"],
        "before 03-08, not on it"
    );
    let text = Filter {
        text: Some("c 事".into()),
        ..Filter::default()
    };
    assert_eq!(
        shown(&matters, &march, &text),
        ["C"],
        "the subject, any case"
    );
}

#[test]
fn a_done_matter_is_judged_on_its_completion() {
    let (rules, notice) = (RuleBook::embedded(), with_notice());
    let march = context(&notice, &rules, "2027-03-10T09:00:00+08:00");
    let matters = created(&march);
    let e = matters[4].read(&march, &[]).unwrap();
    assert_eq!(e.state, State::CompletedOnTime, "done 01-28, due 02-01");
}

#[test]
fn a_matter_is_refused_when_its_period_is_wrong_or_sets_its_state() {
    let (rules, set) = (RuleBook::embedded(), CalendarSet::embedded().unwrap());
    let now = context(&set, &rules, "2026-12-01T09:00:00+08:00");
    let mut m = matter("A", "2026-12-01", 5, "working_days");
    m.period.as_of = Some("today".into());
    assert_eq!(m.check(&now), Err(MatterError::StatusInPeriod("as_of")));
    let mut m = matter("A", "2026-12-01", 5, "working_days");
    m.period.unit = Some("fortnights".into());
    assert!(matches!(m.check(&now), Err(MatterError::Period(_))));
    let mut m = matter("", "2026-12-01", 5, "working_days");
    m.subject.clear();
    assert_eq!(m.check(&now), Err(MatterError::Unnamed));
}
