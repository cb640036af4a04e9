//! The words of the tax counting's explanation (税收征收管理法实施细则 第一百零九条), on the
//! periods that `deadline`'s tax tests count.

use crate::deadline::tests::day;
use crate::deadline::tests::tax::{count, tax};
use crate::lang::Lang;

#[test]
fn the_explanation_never_calls_a_run_outside_the_period_a_long_rest_inside_it() {
    let zh = Lang::Zh.says();
    let jan = count(tax(15), "2022-12-31");
    for step in jan.explanation.as_ref().unwrap() {
        let reason = zh.step_reason(step, &jan.period);
        assert!(!reason.contains("连续3日以上"), "{}: {reason}", step.date);
    }
    let last = jan.explanation.as_ref().unwrap().last().unwrap();
    assert!(zh.step_reason(last, &jan.period).contains("第一百零九条"));
    let oct = count(tax(15), "2026-09-30");
    let steps = oct.explanation.as_ref().unwrap();
    let reason = |date: &str| {
        let step = steps.iter().find(|s| s.date == day(date)).unwrap();
        zh.step_reason(step, &oct.period)
    };
    assert!(reason("2026-10-01").contains("期间内连续3日以上"));
    assert!(reason("2026-10-26").contains("顺延的第7个工作日"));
}
