//! Every period form, each on a case worked out by hand from the State Council's 2026 notice
//! (国办发明电〔2025〕7号, `holidays/cn/2026.json`), on the national calendar `cn`:
//!
//! ```text
//! 中秋节 9/25 (Fri)–9/27, 国庆节 10/1–10/7 off; Sun 9/20 and Sat 10/10 are working days;
//! 清明节 4/4–4/6 off; 春节 2/15–2/23 off, Sat 2/14 and Sat 2/28 are working days.
//! ```

use chrono::NaiveDate;

use crate::deadline::{
    Bound, Counting, Cutoff, Deadline, DeadlineError, Direction, Form, Period, Request, Unit, Why,
    compute,
};
use crate::time::{BEIJING, Moment};

use super::{calendars as set, day as d, rule_book as book};

fn count(period: Period<'static>, event: &str, paused: &[(&str, &str)]) -> Deadline<'static> {
    let request = Request {
        explain: true,
        cutoff: Cutoff::Midnight,
        paused: paused.iter().map(|(a, b)| (d(a), d(b))).collect(),
        ..Request::new(period, Moment::parse(event).expect("an event"), BEIJING)
    };
    compute(set().get("cn").unwrap(), &request).expect("inside the supported range")
}

fn ad_hoc(unit: Unit, amount: u32, form: Form) -> Period<'static> {
    Period::resolve(book(), None, Some(unit), Some(i64::from(amount)), form).expect("a period")
}

fn rule(id: &str, form: Form) -> Period<'static> {
    Period::resolve(book(), Some(id), None, None, form).expect("a rule")
}

fn whys(deadline: &Deadline<'_>) -> Vec<(NaiveDate, Why)> {
    let steps = deadline.explanation.as_ref().expect("explained");
    steps.iter().map(|s| (s.date, s.why)).collect()
}

#[test]
fn a_month_from_the_31st_ends_on_the_last_day_of_a_shorter_month() {
    // 2026-01-31 + 1 month: February has no 31st → 2/28 (民法典 第二百零二条), a Saturday that
    // the notice makes a working day, so it does not roll.
    let feb = count(ad_hoc(Unit::Months, 1, Form::default()), "2026-01-31", &[]);
    assert_eq!(feb.due_date, d("2026-02-28"));
    assert!(whys(&feb).contains(&(d("2026-02-28"), Why::MonthEnd)));
    // 2026-03-31 + 1 month: April has no 31st → Thu 4/30.
    let apr = count(ad_hoc(Unit::Months, 1, Form::default()), "2026-03-31", &[]);
    assert_eq!(apr.due_date, d("2026-04-30"));
    // 2026-03-15 + 1 month: the corresponding day, Wed 4/15.
    let mid = count(ad_hoc(Unit::Months, 1, Form::default()), "2026-03-15", &[]);
    assert_eq!(mid.due_date, d("2026-04-15"));
    assert!(whys(&mid).contains(&(d("2026-04-15"), Why::CorrespondingDay)));
}

#[test]
fn a_month_ending_on_a_holiday_rolls_to_the_next_working_day() {
    // 2026-09-01 + 1 month = Thu 10/1 (国庆节) → the day after the holiday, Thu 10/8 (第二百零三条).
    let oct = count(ad_hoc(Unit::Months, 1, Form::default()), "2026-09-01", &[]);
    assert_eq!(oct.due_date, d("2026-10-08"));
    // A year from 2025-10-01 is 2026-10-01, also rolled to 10/8.
    let year = count(ad_hoc(Unit::Years, 1, Form::default()), "2025-10-01", &[]);
    assert_eq!(year.due_date, d("2026-10-08"));
}

#[test]
fn a_backward_period_gives_the_latest_day_to_act_and_moves_earlier_off_a_rest_day() {
    let backward = Form {
        direction: Some(Direction::Backward),
        ..Form::default()
    };
    // 会前5个工作日 before a meeting on Fri 10/9: Thu 10/8 (1), [10/1–10/7 off], Wed 9/30 (2),
    // Tue 9/29 (3), Mon 9/28 (4), [9/25–9/27 中秋节], Thu 9/24 (5).
    let five = count(ad_hoc(Unit::WorkingDays, 5, backward), "2026-10-09", &[]);
    assert_eq!(five.due_date, d("2026-09-24"));
    // 提前10日 before Sun 10/11: 10/1, a holiday; acting later would miss the period, so the
    // last day moves earlier: 9/30 (Wed), a working day.
    let ten = count(ad_hoc(Unit::CalendarDays, 10, backward), "2026-10-11", &[]);
    assert_eq!(ten.due_date, d("2026-09-30"));
    assert!(whys(&ten).contains(&(d("2026-09-30"), Why::RolledBack)));
}

#[test]
fn an_extension_continues_the_count_after_the_original_last_day() {
    // 政府信息公开 from Tue 9/1: 20 working days end Tue 9/29 (9/20 counts, 9/25 does not);
    // 20 more: 9/30, 10/8, 10/9, Sat 10/10, 10/12–16, 10/19–23, 10/26–30, Mon 11/2.
    let plain = count(
        rule("national/gov-info-reply", Form::default()),
        "2026-09-01",
        &[],
    );
    assert_eq!(plain.due_date, d("2026-09-29"));
    let extended = Form {
        extended: true,
        ..Form::default()
    };
    let long = count(rule("national/gov-info-reply", extended), "2026-09-01", &[]);
    assert_eq!(long.due_date, d("2026-11-02"));
    assert_eq!(long.period.extension, Some(20));
    // A rule without an extension refuses one.
    assert!(matches!(
        Period::resolve(
            book(),
            Some("kizilsu/meeting-issuance"),
            None,
            None,
            extended
        ),
        Err(DeadlineError::NoExtension { .. })
    ));
}

#[test]
fn paused_time_does_not_count_and_the_period_resumes_after_it() {
    // 行政许可 decision, 20 working days from Mon 3/2, with 检测 3/9–3/18 not counted:
    // 3/3–3/6 (4), [3/9–3/18 paused], 3/19 (5), 3/20 (6), 3/23–27 (11), 3/30–4/3 (16),
    // [4/4–4/6 清明节], 4/7 (17), 4/8, 4/9, Fri 4/10 (20).
    let license = rule("national/admin-license-decision", Form::default());
    let without = count(license, "2026-03-02", &[]);
    assert_eq!(without.due_date, d("2026-03-30"));
    let with = count(license, "2026-03-02", &[("2026-03-09", "2026-03-18")]);
    assert_eq!(with.due_date, d("2026-04-10"));
    assert!(whys(&with).contains(&(d("2026-03-12"), Why::Paused)));
}

#[test]
fn a_minimum_period_runs_in_full_before_the_next_step() {
    // 重大行政决策 征求意见 不少于30日 from 9/1: 9/2–10/1 is 30 days; 10/1 is 国庆节, so the
    // period runs to Thu 10/8 (第二百零三条); the decision may be taken from Fri 10/9.
    let comment = count(
        rule("national/major-decision-public-comment", Form::default()),
        "2026-09-01",
        &[],
    );
    assert_eq!(comment.period.bound, Bound::AtLeast);
    assert_eq!(comment.due_date, d("2026-10-08"));
    assert_eq!(comment.next_step, Some(d("2026-10-09")));
}

#[test]
fn the_tax_counting_prolongs_a_period_by_a_long_holiday_inside_it() {
    // 15 days from Wed 9/30, counted as 实施细则 第一百零九条 counts and as the SAT applies it
    // (税总办征科函〔2025〕64号 八: 「10月1日至7日放假7天，申报纳税期限顺延至10月26日」):
    // 10/1–10/7, seven consecutive days off inside the period, prolong it by seven working
    // days after its own last day, Thu 10/15: 10/16 (1), [10/17–18], 10/19–10/23 (2–6),
    // [10/24–25], Mon 10/26 (7).
    let tax = Form {
        counting: Some(Counting::Tax),
        ..Form::default()
    };
    let prolonged = count(ad_hoc(Unit::CalendarDays, 15, tax), "2026-09-30", &[]);
    assert_eq!(prolonged.due_date, d("2026-10-26"));
    assert!(whys(&prolonged).contains(&(d("2026-10-05"), Why::TaxProlonged)));
    assert!(whys(&prolonged).contains(&(d("2026-10-26"), Why::TaxProlongedDay)));
    // The civil counting ends on Thu 10/15.
    let civil = count(
        ad_hoc(Unit::CalendarDays, 15, Form::default()),
        "2026-09-30",
        &[],
    );
    assert_eq!(civil.due_date, d("2026-10-15"));
    // A weekend (two days) prolongs nothing: 10 days from Mon 11/2 end Thu 11/12 either way.
    let short = count(ad_hoc(Unit::CalendarDays, 10, tax), "2026-11-02", &[]);
    assert_eq!(short.due_date, d("2026-11-12"));
}

#[test]
fn an_agreed_due_date_replaces_the_periods_own_and_both_are_shown() {
    let agreed = Request {
        agreed: Some((d("2026-10-20"), Some("州发改委".to_owned()))),
        cutoff: Cutoff::Midnight,
        ..Request::new(
            rule("kizilsu/countersign-reply", Form::default()),
            Moment::parse("2026-09-30").unwrap(),
            BEIJING,
        )
    };
    let deadline = compute(set().get("cn").unwrap(), &agreed).unwrap();
    assert_eq!(deadline.due_date, d("2026-10-20"));
    assert_eq!(deadline.period_due, Some(d("2026-10-15")));
}

#[test]
fn a_rules_own_form_cannot_be_changed() {
    let backward = Form {
        direction: Some(Direction::Backward),
        ..Form::default()
    };
    assert!(matches!(
        Period::resolve(
            book(),
            Some("kizilsu/countersign-reply"),
            None,
            None,
            backward
        ),
        Err(DeadlineError::FormNotAllowed { .. })
    ));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn event() -> impl Strategy<Value = NaiveDate> {
        (0u64..(365 * 20)).prop_map(|n| d("2007-06-01") + chrono::Days::new(n))
    }

    fn calendar() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["cn", "cn-xj", "cn-xj-kizilsu"])
    }

    fn due(calendar: &str, period: Period<'static>, event: NaiveDate, explain: bool) -> NaiveDate {
        let request = Request {
            explain,
            cutoff: Cutoff::Midnight,
            ..Request::new(period, Moment::Date(event), BEIJING)
        };
        compute(set().get(calendar).unwrap(), &request)
            .expect("inside the supported range")
            .due_date
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1_000))]

        /// The walker (taken with `explain`) and the table's arithmetic (without) agree.
        #[test]
        fn the_walk_and_the_arithmetic_give_the_same_due_date(
            calendar in calendar(), working in any::<bool>(), amount in 1u32..400, event in event(),
        ) {
            let unit = if working { Unit::WorkingDays } else { Unit::CalendarDays };
            let period = ad_hoc(unit, amount, Form::default());
            prop_assert_eq!(
                due(calendar, period, event, true),
                due(calendar, period, event, false),
                "{} {} {:?} from {}", calendar, amount, unit, event
            );
        }

        /// N working days back, then N forward, lands on the first working day on or after the
        /// event (between the two there are N − 1 working days): the two directions are each
        /// other's inverse.
        #[test]
        fn back_then_forward_returns_to_the_event(
            calendar in calendar(), amount in 1u32..200, event in event(),
        ) {
            let back = Form { direction: Some(Direction::Backward), ..Form::default() };
            let start = due(calendar, ad_hoc(Unit::WorkingDays, amount, back), event, false);
            let again = due(calendar, ad_hoc(Unit::WorkingDays, amount, Form::default()), start, false);
            let cal = set().get(calendar).unwrap();
            let mut expected = event;
            while !cal.is_working_day(expected).unwrap() {
                expected = expected.succ_opt().unwrap();
            }
            prop_assert_eq!(again, expected, "{} back {} from {} is {}", calendar, amount, event, start);
        }

        /// A backward period's last day is a working day before the event.
        #[test]
        fn a_backward_period_ends_on_a_working_day_before_the_event(
            calendar in calendar(), working in any::<bool>(), amount in 1u32..400, event in event(),
        ) {
            let unit = if working { Unit::WorkingDays } else { Unit::CalendarDays };
            let back = Form { direction: Some(Direction::Backward), ..Form::default() };
            let last = due(calendar, ad_hoc(unit, amount, back), event, false);
            prop_assert!(last < event);
            prop_assert!(set().get(calendar).unwrap().is_working_day(last).unwrap());
        }
    }
}
