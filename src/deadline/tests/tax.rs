//! The tax counting (税收征收管理法实施细则 第一百零九条) against the State Taxation
//! Administration's published 申报纳税期限 (`tests/data/sat-tax-deadlines.tsv`, 60 months of
//! 2022–2026), and its edge cases, each worked out by hand from `holidays/cn/*.json`.
//!
//! The SAT's rule: the rest days inside the period (event+1 … event+N) in runs of three or more
//! consecutive rest days *inside the period* number K; if K > 0 the deadline is the K-th
//! working day after event+N, otherwise event+N rolls to the next working day.

use chrono::NaiveDate;

use crate::deadline::{Counting, Cutoff, Deadline, Form, Period, Request, Unit, Why, compute};
use crate::time::{BEIJING, Moment};

const SAT: &str = include_str!("../../../tests/data/sat-tax-deadlines.tsv");

use super::{calendars as set, day as d, rule_book as book};

pub(crate) fn tax(amount: u32) -> Period<'static> {
    let form = Form {
        counting: Some(Counting::Tax),
        ..Form::default()
    };
    Period::resolve(
        book(),
        None,
        Some(Unit::CalendarDays),
        Some(amount.into()),
        form,
    )
    .expect("a period")
}

pub(crate) fn count(period: Period<'static>, event: &str) -> Deadline<'static> {
    let request = Request {
        explain: true,
        cutoff: Cutoff::Midnight,
        ..Request::new(period, Moment::parse(event).expect("an event"), BEIJING)
    };
    compute(set().get("cn").unwrap(), &request).expect("inside the supported range")
}

/// The reason given for `date`, and its ordinal.
fn why(deadline: &Deadline<'_>, date: &str) -> (Why, Option<u32>) {
    let steps = deadline.explanation.as_ref().expect("explained");
    let step = steps
        .iter()
        .find(|s| s.date == d(date))
        .unwrap_or_else(|| panic!("{date} is walked"));
    (step.why, step.ordinal)
}

fn prolonged(deadline: &Deadline<'_>) -> Vec<NaiveDate> {
    let steps = deadline.explanation.as_ref().expect("explained");
    steps
        .iter()
        .filter(|s| s.why == Why::TaxProlonged)
        .map(|s| s.date)
        .collect()
}

#[test]
fn every_published_sat_deadline_of_2022_to_2026_is_given() {
    let mut rows = 0;
    for line in SAT.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [month, event, official, source, words] = cols[..] else {
            panic!("five columns in {line:?}");
        };
        // Both ways of counting it, the walk (explained) and without the explanation.
        for explain in [true, false] {
            let request = Request {
                explain,
                cutoff: Cutoff::Midnight,
                ..Request::new(tax(15), Moment::parse(event).unwrap(), BEIJING)
            };
            let due = compute(set().get("cn").unwrap(), &request)
                .expect("inside the supported range")
                .due_date;
            assert_eq!(
                due,
                d(official),
                "{month} (event {event}): {source} says {official} (「{words}」)"
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 60, "every month of 2022–2026");
}

#[test]
fn a_run_that_starts_before_the_period_counts_only_its_days_inside() {
    // 2023年1月 (税总办征科函〔2022〕245号 二): 12/31 (Sat, 元旦) is the event day, outside the
    // period; 1/1 (Sun) and 1/2 (Mon, 元旦) inside are only 2 → no prolongation; 1/15 is a
    // Sunday → Mon 1/16.
    let jan = count(tax(15), "2022-12-31");
    assert_eq!(jan.due_date, d("2023-01-16"));
    assert!(prolonged(&jan).is_empty());
    assert_eq!(why(&jan, "2023-01-01"), (Why::Counted, Some(1)));
    assert_eq!(why(&jan, "2023-01-02"), (Why::Counted, Some(2)));
    assert_eq!(why(&jan, "2023-01-16").0, Why::Rolled);
    // 2025年6月: 5/31 (Sat, 端午节) is the event day; 6/1 (Sun) and 6/2 (Mon, 端午节) inside
    // are 2 → none; 6/15 is a Sunday → Mon 6/16.
    assert_eq!(count(tax(15), "2025-05-31").due_date, d("2025-06-16"));
    // 2024年1月: 12/30–1/1 off; only 1/1 (Mon) is inside → none; Mon 1/15 is a working day.
    assert_eq!(count(tax(15), "2023-12-31").due_date, d("2024-01-15"));
}

#[test]
fn a_run_that_goes_on_after_the_period_counts_only_its_days_inside() {
    // 3 days from Fri 2026-02-13: Sat 2/14 (a working day), 2/15, 2/16 (春节). The run 2/15–2/23
    // has only 2 days inside → no prolongation; 2/16 is a rest day → the day after the rest,
    // Tue 2/24 (the first clause of 第一百零九条).
    let spring = count(tax(3), "2026-02-13");
    assert_eq!(spring.due_date, d("2026-02-24"));
    assert!(prolonged(&spring).is_empty());
    assert_eq!(why(&spring, "2026-02-24").0, Why::Rolled);
    // 2026年2月 (〔2025〕64号 三): 2/15–2/23 off; only 2/15 (Sun), the period's last day, is
    // inside → rolls to Tue 2/24.
    assert_eq!(count(tax(15), "2026-01-31").due_date, d("2026-02-24"));
}

#[test]
fn a_long_holiday_inside_adds_as_many_working_days_after_the_periods_last_day() {
    // 2026年10月 (〔2025〕64号 八): 10/1–10/7 off, 7 days inside → K = 7. The period's own last
    // day is Thu 10/15; 7 working days after it: Fri 10/16 (1), [10/17–18], 10/19 (2), 10/20
    // (3), 10/21 (4), 10/22 (5), 10/23 (6), [10/24–25], Mon 10/26 (7).
    let oct = count(tax(15), "2026-09-30");
    assert_eq!(oct.due_date, d("2026-10-26"));
    assert_eq!(
        prolonged(&oct),
        (1..=7)
            .map(|n| d(&format!("2026-10-{n:02}")))
            .collect::<Vec<_>>()
    );
    assert_eq!(why(&oct, "2026-10-01"), (Why::TaxProlonged, Some(1)));
    assert_eq!(why(&oct, "2026-10-15"), (Why::Counted, Some(15)));
    assert_eq!(why(&oct, "2026-10-16"), (Why::TaxProlongedDay, Some(1)));
    assert_eq!(why(&oct, "2026-10-17"), (Why::NotWorking, None));
    assert_eq!(why(&oct, "2026-10-26"), (Why::TaxProlongedDay, Some(7)));
    // The provisional flag and the explanation cover every day after the event to the due day.
    let steps = oct.explanation.as_ref().unwrap();
    assert_eq!(steps.first().map(|s| s.date), Some(d("2026-09-30")));
    assert_eq!(steps.last().map(|s| s.date), Some(d("2026-10-26")));
    // 2025年10月: 10/1–10/8 off, K = 8; after Wed 10/15: 10/16, 10/17, 10/20–24, Mon 10/27.
    assert_eq!(count(tax(15), "2025-09-30").due_date, d("2025-10-27"));
    // 2026年5月 (〔2025〕64号 六): 5/1–5/5 off, K = 5; after Fri 5/15: 5/18–5/22.
    assert_eq!(count(tax(15), "2026-04-30").due_date, d("2026-05-22"));
    // 2026年1月 (〔2025〕64号 二): 1/1–1/3 off, K = 3 (Sun 1/4 is a working day); after Thu
    // 1/15: Fri 1/16, Mon 1/19, Tue 1/20.
    assert_eq!(count(tax(15), "2025-12-31").due_date, d("2026-01-20"));
}

#[test]
fn a_last_day_inside_a_long_run_still_adds_working_days_after_it() {
    // 3 days from Wed 2026-09-30: 10/1, 10/2, 10/3, all off, a run of 3 inside → K = 3. The
    // period's own last day is Sat 10/3; 3 working days after it: [10/4–10/7], Thu 10/8 (1),
    // Fri 10/9 (2), Sat 10/10 (a working day, 3).
    let short = count(tax(3), "2026-09-30");
    assert_eq!(short.due_date, d("2026-10-10"));
    assert_eq!(why(&short, "2026-10-03"), (Why::TaxProlonged, Some(3)));
    assert_eq!(why(&short, "2026-10-04"), (Why::NotWorking, None));
    assert_eq!(why(&short, "2026-10-10"), (Why::TaxProlongedDay, Some(3)));
}

#[test]
fn an_extension_is_counted_as_its_own_tax_period() {
    // 2 days from Sun 2026-09-27 (中秋节): Mon 9/28, Tue 9/29, a working day. An extension of
    // 3 days from it: 9/30, 10/1, 10/2 — only 2 rest days inside it → none; 10/2 rolls to
    // Thu 10/8.
    let three = Period {
        extension: Some(3),
        ..tax(2)
    };
    assert_eq!(count(three, "2026-09-27").due_date, d("2026-10-08"));
    // An extension of 5 days: 9/30, 10/1–10/4; 10/1–10/4 are 4 rest days inside it → K = 4
    // after Sun 10/4: [10/5–10/7], 10/8 (1), 10/9 (2), Sat 10/10 (3), [10/11], Mon 10/12 (4).
    let five = Period {
        extension: Some(5),
        ..tax(2)
    };
    let extended = count(five, "2026-09-27");
    assert_eq!(extended.due_date, d("2026-10-12"));
    assert_eq!(why(&extended, "2026-09-30"), (Why::Extension, Some(1)));
    assert_eq!(
        why(&extended, "2026-10-12"),
        (Why::TaxProlongedDay, Some(4))
    );
}

#[test]
fn a_weekend_or_a_working_day_period_is_not_prolonged() {
    // 10 days from Mon 2026-11-02: the weekends 11/7–8 are only 2 days → Thu 11/12.
    assert_eq!(count(tax(10), "2026-11-02").due_date, d("2026-11-12"));
    // Working days are counted as ever: 5 from 9/30 are 10/8, 10/9, 10/10, 10/12, 10/13.
    let form = Form {
        counting: Some(Counting::Tax),
        ..Form::default()
    };
    let working = Period::resolve(book(), None, Some(Unit::WorkingDays), Some(5), form).unwrap();
    assert_eq!(count(working, "2026-09-30").due_date, d("2026-10-13"));
}
