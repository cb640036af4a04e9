//! A result a clerk can file (issue 25): the act's day (办结) says whether it was in time, and
//! an event still ahead says the period has not begun. Counted by hand from
//! `holidays/cn/2026.json` (国庆节 10/1–10/7 off, Sat 10/10 worked) and the 新疆 winter hours
//! (close 19:30 from 10/8).

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use super::{calendars as set, day as d, rule_book as book};
use crate::deadline::{Consequence, Form, Period, Request, State, Status, compute};
use crate::time::{BEIJING, Moment};

fn moment(text: &str) -> (NaiveDate, Option<DateTime<Tz>>) {
    let m = Moment::parse(text).expect("a moment");
    m.read(BEIJING, BEIJING)
}

/// 第五十条 from Wed 9/30 on cn-xj-kizilsu: 10/8, 10/9, 10/10, 10/12, 10/13, 10/14, 10/15 (7),
/// closing at 19:30.
fn reply(event: &str, completed: Option<&str>, as_of: Option<&str>) -> Status {
    let period = Period::resolve(
        book(),
        Some("kizilsu/countersign-reply"),
        None,
        None,
        Form::default(),
    )
    .expect("the rule");
    let request = Request {
        completed: completed.map(moment),
        as_of: as_of.map(moment),
        ..Request::new(period, Moment::parse(event).unwrap(), BEIJING)
    };
    compute(set().get("cn-xj-kizilsu").unwrap(), &request)
        .expect("a deadline")
        .status
        .expect("a status")
}

#[test]
fn a_reply_done_the_day_before_its_due_date_was_in_time_with_one_day_to_spare() {
    let status = reply("2026-09-30", Some("2026-10-14"), Some("2026-11-20"));
    assert_eq!(status.state, State::CompletedOnTime, "办结 wins over as_of");
    assert_eq!(status.completed_on, Some(d("2026-10-14")));
    assert_eq!(status.working_days_left, 1, "10/15 was still to come");
    assert_eq!(status.consequence, None, "nothing lapsed");
}

#[test]
fn a_reply_done_after_the_close_on_its_due_day_was_late_by_no_working_day() {
    let status = reply("2026-09-30", Some("2026-10-15T20:00"), None);
    assert_eq!(
        (status.state, status.working_days_left),
        (State::CompletedLate, 0)
    );
    assert_eq!(status.consequence, Some(Consequence::DeemedNoObjection));
}

#[test]
fn a_reply_done_on_monday_after_a_thursday_due_date_was_two_working_days_late() {
    // 10/16 (Fri) and 10/19 (Mon).
    let status = reply("2026-09-30", Some("2026-10-19"), None);
    assert_eq!(
        (status.state, status.working_days_left),
        (State::CompletedLate, -2)
    );
}

#[test]
fn an_event_still_ahead_has_not_started() {
    // Event Mon 12/14, asked on Sun 12/6: the period has not begun. Its due date is Wed 12/23
    // (12/15 … 12/18: 4, 12/21, 12/22, 12/23: 7), 13 working days after 12/6 (12/7 … 12/11: 5,
    // 12/14 … 12/18: 10, 12/21 … 12/23: 13).
    let status = reply("2026-12-14", None, Some("2026-12-06"));
    assert_eq!(status.state, State::NotStarted);
    assert_eq!(status.working_days_left, 13);
}
