//! Where a rule's law departs from the general case (issue 21, `law-audit.md`): each rule's
//! own cutoff, the forms its statute allows, the text in force on the event's day, the two
//! readings of an extension, and what lapsing means. Every expected value is counted by hand
//! from the holiday files, the count written beside it.
//!
//! ```text
//! 2026 (国办发明电〔2025〕7号): 端午节 6/19 (Fri)–6/21; 中秋节 9/25–9/27; 国庆节 10/1–10/7 off,
//! Sat 10/10 a working day. 2018 (国办发明电〔2017〕12号): 端午节 6/16 (Sat)–6/18.
//! 新疆 office hours (cn-xj, cn-xj-kizilsu): summer 10:00-14:00,16:00-20:00; winter (from the
//! first working day after 国庆节) 10:00-14:00,15:30-19:30, Beijing time.
//! ```

use chrono::DateTime;
use chrono_tz::Tz;

use crate::deadline::{
    ChosenBy, Consequence, Cutoff, Deadline, DeadlineError, Ending, Form, Period, Request,
    RuleBook, RuleCutoff, State, Unit, compute,
};
use crate::time::{BEIJING, Moment};

use super::{calendars as set, day, day as d, rule_book as book};

fn at(text: &str) -> DateTime<Tz> {
    Moment::parse(text)
        .expect("a moment")
        .instant(BEIJING)
        .expect("with a time of day")
}

fn rule(id: &str, extended: bool) -> Period<'static> {
    let form = Form {
        extended,
        ..Form::default()
    };
    Period::resolve(book(), Some(id), None, None, form).expect("a rule")
}

/// `period` from `event` on `calendar`, as the law says it ends, with the status at `as_of`.
fn count(
    calendar: &str,
    period: Period<'static>,
    event: &str,
    as_of: Option<&str>,
) -> Result<Deadline<'static>, DeadlineError> {
    let request = Request {
        as_of: as_of.map(|t| Moment::parse(t).expect("a moment").read(BEIJING, BEIJING)),
        ..Request::new(period, Moment::parse(event).expect("an event"), BEIJING)
    };
    compute(set().get(calendar).expect("a calendar"), &request)
}

#[test]
fn an_application_for_review_runs_to_midnight_and_a_posted_one_is_in_time() {
    // 6/15 + 60 days = 8/14, a Friday (a working day): the last day. 行政复议法 第八十八条第一款
    // sends the counting to 民事诉讼法 第八十五条, which has no business-hours end: 24:00.
    let review = count(
        "cn-xj-kizilsu",
        rule("national/admin-review-application", false),
        "2026-06-15",
        Some("2026-08-14T21:00"),
    )
    .expect("a deadline");
    assert_eq!(review.due_date, d("2026-08-14"));
    assert_eq!(review.due_at, at("2026-08-15T00:00"), "24:00, not 20:00");
    assert_eq!(
        review.ending,
        Ending::Midnight {
            by: ChosenBy::Rule(RuleCutoff::Midnight)
        }
    );
    let status = review.status.expect("asked");
    assert_eq!(
        (status.state, status.working_days_left),
        (State::DueToday, 0),
        "at 21:00 on the last day an application is still in time"
    );
}

#[test]
fn a_reply_to_the_host_department_ends_when_the_office_closes() {
    // 第五十条 from Wed 9/30: 10/8 (1), 10/9 (2), 10/10 (3, a makeup Saturday), 10/12 (4),
    // 10/13 (5), 10/14 (6), 10/15 (7). The office's winter hours close at 19:30.
    let reply = count(
        "cn-xj-kizilsu",
        rule("kizilsu/countersign-reply", false),
        "2026-09-30",
        None,
    )
    .expect("a deadline");
    assert_eq!(reply.due_date, d("2026-10-15"));
    assert_eq!(reply.due_at, at("2026-10-15T19:30"));
    assert!(matches!(
        reply.ending,
        Ending::CloseOfBusiness {
            by: ChosenBy::Rule(RuleCutoff::CloseOfBusiness),
            ..
        }
    ));
    assert_eq!(reply.legal_end, None, "the close is the law's end here");
}

#[test]
fn an_offices_own_duty_keeps_the_close_as_a_target_and_says_the_law_ends_at_midnight() {
    // 第四十二条 from Mon 9/28: 9/29 (1), 9/30 (2), 10/8 (3), 10/9 (4), 10/10 (5), 10/12 (6),
    // 10/13 (7).
    let issue = count(
        "cn-xj-kizilsu",
        rule("kizilsu/meeting-issuance", false),
        "2026-09-28",
        None,
    )
    .expect("a deadline");
    assert_eq!(issue.due_date, d("2026-10-13"));
    assert_eq!(issue.due_at, at("2026-10-13T19:30"), "the office's target");
    assert_eq!(
        issue.legal_end,
        Some(at("2026-10-14T00:00")),
        "the law's end: 24:00 of the last day"
    );
}

#[test]
fn the_requests_cutoff_still_overrides_the_rules() {
    // The review application's 8/14 closes at 20:00 in summer when the caller asks for it.
    let request = Request {
        cutoff: Cutoff::CloseOfBusiness,
        ..Request::new(
            rule("national/admin-review-application", false),
            Moment::parse("2026-06-15").unwrap(),
            BEIJING,
        )
    };
    let asked = compute(set().get("cn-xj-kizilsu").unwrap(), &request).unwrap();
    assert_eq!(asked.due_at, at("2026-08-14T20:00"));
    assert!(matches!(
        asked.ending,
        Ending::CloseOfBusiness {
            by: ChosenBy::Request,
            ..
        }
    ));
}

#[test]
fn an_agreed_due_date_is_refused_where_the_statute_has_no_agreement() {
    // 行政许可法 第四十二条 has no 商定; only 工作规则 五十's reply has one.
    let request = Request {
        agreed: Some((d("2026-12-31"), None)),
        ..Request::new(
            rule("national/admin-license-decision", false),
            Moment::parse("2026-06-02").unwrap(),
            BEIJING,
        )
    };
    match compute(set().get("cn").unwrap(), &request) {
        Err(DeadlineError::NotAllowedByStatute {
            rule,
            field,
            allowed,
        }) => {
            assert_eq!(
                (rule.as_str(), field),
                ("national/admin-license-decision", "agreed_due")
            );
            assert!(
                allowed.contains(&"extended") && allowed.contains(&"paused"),
                "what 第四十二条 and 第四十五条 do allow: {allowed:?}"
            );
        }
        other => panic!("refused by name, not {other:?}"),
    }
}

#[test]
fn paused_time_is_refused_on_a_rule_that_excludes_none_and_kept_where_it_does() {
    // 第四十二条 excludes no time: refused. 政府信息公开条例 第三十三条第三款 does: from Tue 6/2,
    // 20 working days end 7/1 (6/3–6/5: 3, 6/8–6/12: 8, 6/15–6/18: 12, 6/19 端午, 6/22–6/26: 17,
    // 6/29–7/1: 20); pausing Mon 6/8–Tue 6/9 adds two: 7/3.
    let paused = |id: &str| Request {
        paused: vec![(d("2026-06-08"), d("2026-06-09"))],
        ..Request::new(
            rule(id, false),
            Moment::parse("2026-06-02").unwrap(),
            BEIJING,
        )
    };
    let issuance = compute(
        set().get("cn").unwrap(),
        &paused("kizilsu/meeting-issuance"),
    );
    assert!(
        matches!(
            issuance,
            Err(DeadlineError::NotAllowedByStatute { field: "paused", ref allowed, .. })
                if allowed.is_empty()
        ),
        "{issuance:?}"
    );
    let reply = compute(set().get("cn").unwrap(), &paused("national/gov-info-reply")).unwrap();
    assert_eq!(reply.due_date, d("2026-07-03"));
}

#[test]
fn an_ad_hoc_period_keeps_every_form() {
    let period = Period::resolve(
        book(),
        None,
        Some(Unit::WorkingDays),
        Some(7),
        Form::default(),
    )
    .unwrap();
    let request = Request {
        paused: vec![(d("2026-06-08"), d("2026-06-09"))],
        agreed: Some((d("2026-06-30"), None)),
        ..Request::new(period, Moment::parse("2026-06-02").unwrap(), BEIJING)
    };
    let deadline = compute(set().get("cn").unwrap(), &request).expect("allowed");
    assert_eq!(deadline.due_date, d("2026-06-30"));
}

#[test]
fn a_request_for_information_in_2018_has_the_2007_regulations_fifteen_working_days() {
    // 政府信息公开条例 (2007) 第二十四条, in force 2008-05-01 to 2019-05-14: 15 working days from
    // Fri 2018-06-01: 6/4–6/8 (5), 6/11–6/15 (10), 6/16–6/18 端午, 6/19–6/22 (14), 6/25 (15).
    let reply = count(
        "cn",
        rule("national/gov-info-reply", false),
        "2018-06-01",
        None,
    )
    .expect("the law then");
    assert_eq!(reply.due_date, d("2018-06-25"), "not 2018-07-02 (20 days)");
    let earlier = reply.period.earlier.expect("the earlier text");
    assert!(earlier.text.contains("15个工作日"), "{}", earlier.text);
    // Extended by 15 more: 6/26–6/29 (4), 7/2–7/6 (9), 7/9–7/13 (14), 7/16 (15).
    let extended = count(
        "cn",
        rule("national/gov-info-reply", true),
        "2018-06-01",
        None,
    )
    .expect("the law then");
    assert_eq!(extended.due_date, d("2018-07-16"));
    // From 2019-05-15 the 2019 text's 20 working days apply.
    let now = count(
        "cn",
        rule("national/gov-info-reply", false),
        "2019-05-15",
        None,
    )
    .unwrap();
    assert!(now.period.earlier.is_none() && now.period.amount == 20);
}

#[test]
fn a_penalty_decision_before_2021_07_15_had_no_ninety_day_limit() {
    let refused = count(
        "cn",
        rule("national/admin-penalty-decision", false),
        "2020-06-15",
        None,
    );
    assert_eq!(
        refused.unwrap_err(),
        DeadlineError::NotInForce {
            rule: "national/admin-penalty-decision".into(),
            from: d("2021-07-15"),
        }
    );
}

#[test]
fn a_hearing_notice_in_2020_counts_seven_days_not_working_days() {
    // 行政处罚法 (2017) 第四十二条: 「七日前」, no working-day clause then: 7 calendar days
    // before Mon 2020-06-15 is Mon 6/8, a working day.
    let notice = count(
        "cn",
        rule("national/admin-penalty-hearing-notice", false),
        "2020-06-15",
        None,
    )
    .expect("the law then");
    assert_eq!(notice.due_date, d("2020-06-08"));
    assert_eq!(notice.period.unit, Unit::CalendarDays);
}

#[test]
fn an_extended_calendar_day_rule_takes_the_earlier_of_its_two_readings() {
    // 行政复议法 第六十二条 from Sun 2026-08-02: day 60 is 10/1 (国庆节), rolled to Thu 10/8;
    // 30 days more reach Sat 11/7, rolled to Mon 11/9. Counted as 90 days from 8/2: Sat 10/31,
    // rolled to Mon 11/2. The earlier is the office's safe date.
    let decision = count(
        "cn",
        rule("national/admin-review-decision", true),
        "2026-08-02",
        None,
    )
    .unwrap();
    assert_eq!(decision.due_date, d("2026-11-02"));
    let readings = decision.readings.expect("the two readings differ");
    assert_eq!(
        (readings.from_rolled_last_day, readings.from_event),
        (d("2026-11-09"), d("2026-11-02"))
    );
    // Where they agree nothing is said: from Mon 6/1, 60 days end Fri 7/31, 30 more Sun 8/30
    // → Mon 8/31; 90 days from 6/1 end Sun 8/30 → Mon 8/31.
    let same = count(
        "cn",
        rule("national/admin-review-decision", true),
        "2026-06-01",
        None,
    )
    .unwrap();
    assert_eq!((same.due_date, same.readings), (d("2026-08-31"), None));
}

#[test]
fn what_lapsing_means_is_shown_while_the_period_runs() {
    // 行政复议法 第三十条: 五日 (working days, 第八十八条第二款) from Mon 2026-06-01; on 6/3 the period
    // runs (6/2 (1) … 6/5 (4), Mon 6/8 (5) is the last day), and the status already says that
    // silence means acceptance (第三十条第三款).
    let review = count(
        "cn",
        rule("national/admin-review-acceptance-review", false),
        "2026-06-01",
        Some("2026-06-03"),
    )
    .unwrap();
    let status = review.status.unwrap();
    assert_eq!(status.state, State::Pending);
    assert_eq!(status.consequence, Some(Consequence::DeemedAccepted));
}

#[test]
fn on_the_rest_days_after_a_due_date_the_lateness_counts_from_the_next_working_day() {
    // 第五十条 with a date agreed on Sat 6/20 (端午节 6/19–6/21): on Sun 6/21 the reply can be
    // sent on Mon 6/22 at the earliest, one working day late — never "0 working days late".
    let request = Request {
        agreed: Some((d("2026-06-20"), None)),
        as_of: Some((d("2026-06-21"), None)),
        ..Request::new(
            rule("kizilsu/countersign-reply", false),
            Moment::parse("2026-06-02").unwrap(),
            BEIJING,
        )
    };
    let reply = compute(set().get("cn-xj").unwrap(), &request).unwrap();
    assert_eq!(reply.ending, Ending::MidnightDayWithoutHours);
    let status = reply.status.unwrap();
    assert_eq!(
        (status.state, status.working_days_left),
        (State::Overdue, -1)
    );
}

#[test]
fn every_embedded_rule_states_its_law() {
    for rule in book().iter() {
        let id = rule.full_id();
        assert!(
            !rule.cutoff_basis.trim().is_empty() && rule.cutoff_basis != "temp",
            "{id}: the cutoff's basis"
        );
        assert!(
            !rule.keywords.is_empty(),
            "{id}: the words clerks search by"
        );
        assert!(
            rule.in_force.to_string() != "2000-01-01",
            "{id}: the text's day in force"
        );
        if rule.excluded_time.is_some() {
            assert!(rule.excluded_time_basis.is_some(), "{id}");
        }
        if rule.on_lapse.is_some() {
            assert!(
                rule.on_lapse_text.is_some() && rule.on_lapse_basis.is_some(),
                "{id}: the lapse in the statute's words"
            );
        }
        // Only 第五十条 has 商定回复时限.
        assert_eq!(
            rule.agreed_due.is_some(),
            id == "kizilsu/countersign-reply",
            "{id}: agreed_due"
        );
    }
    let search = |q: &str| {
        book()
            .iter()
            .filter(|r| r.matches(q))
            .map(|r| r.full_id())
            .collect::<Vec<_>>()
    };
    assert!(search("会议纪要").contains(&"kizilsu/meeting-issuance".to_owned()));
    assert!(search("会签").contains(&"kizilsu/countersign-reply".to_owned()));
    assert!(search("报备").contains(&"kizilsu/approved-filing".to_owned()));
}

#[test]
fn a_deadline_across_chunjie_2027_names_the_days_the_projection_is_least_sure_of() {
    // 2027 has no notice in the data. 7 working days from Mon 1/4 cross only 元旦 (1/1–1/3, a
    // statutory Friday–Sunday): nothing uncertain. 7 working days from Thu 1/28 cross 春节
    // (除夕 2/5), whose makeup days are the issue's example: 「另一可能：2月13日、14日上班，1月31日
    // 休息」 — Sun 1/31 among the days the answer depends on.
    let early = count("cn", seven_working_days(), "2027-01-04", None).unwrap();
    assert!(early.provisional, "2027 is unpublished");
    assert!(early.uncertain.is_empty(), "{:?}", early.uncertain);
    let across = count("cn", seven_working_days(), "2027-01-28", None).unwrap();
    assert!(
        across
            .uncertain
            .iter()
            .any(|(d, _)| *d == day("2027-01-31")),
        "{:?}",
        across.uncertain
    );
    assert!(
        across
            .uncertain
            .iter()
            .all(|(_, alternative)| alternative.is_some())
    );
}

/// Seven working days, ad hoc, as 第四十二条 and 第五十条 count them.
fn seven_working_days() -> Period<'static> {
    Period::resolve(
        book(),
        None,
        Some(Unit::WorkingDays),
        Some(7),
        Form::default(),
    )
    .unwrap()
}

#[test]
fn a_callers_own_length_stays_under_an_earlier_text_even_when_it_equals_the_rules() {
    // An adjustable rule of 10 working days whose earlier text (before 2024) set 5: a caller
    // who asks for 10 on an event of 2023 gets 10, not the earlier 5.
    let text = "title = { zh = \"办公室\", en = \"office\" }\nsource = \"测试\"\n[[rule]]\n\
        id = \"reply\"\ntitle = { zh = \"回复\", en = \"reply\" }\narticle = \"第一条\"\n\
        text = \"10个工作日内回复。\"\nevent = { zh = \"收文\", en = \"receipt\" }\n\
        unit = \"working_days\"\namount = 10\nadjustable = true\nin_force = \"2024-01-01\"\n\
        cutoff = \"close_of_business\"\ncutoff_basis = \"第一条\"\n[[rule.earlier]]\n\
        statute = \"旧办法\"\nversion = \"2020-01-01\"\nin_force = \"2020-01-01\"\n\
        article = \"第一条\"\ntext = \"5个工作日内回复。\"\nunit = \"working_days\"\namount = 5\n";
    let set = crate::deadline::RuleSet::parse(
        "office",
        "office.toml",
        text,
        crate::deadline::RuleOrigin::Embedded,
    )
    .expect("a rule file");
    let book = RuleBook::new(vec![set]);
    let given = Period::resolve(&book, Some("office/reply"), None, Some(10), Form::default())
        .unwrap()
        .in_force_on(day("2023-06-01"))
        .unwrap();
    assert_eq!(given.amount, 10, "the caller's");
    let own = Period::resolve(&book, Some("office/reply"), None, None, Form::default())
        .unwrap()
        .in_force_on(day("2023-06-01"))
        .unwrap();
    assert_eq!(own.amount, 5, "the earlier text's");
}
