//! The catalogues' own tests: every text of every kind, in both languages, and no English
//! sentence in a Chinese one. (That each phrase exists in both languages the compiler checks:
//! [`Catalogue`]'s default methods decide the clauses and call phrases each phrasebook must
//! give.) The vocabularies are walked through their derived iterators and names, so a new
//! variant without its words fails here.

use chrono::{NaiveDate, Weekday};
use strum::IntoEnumIterator;

use super::*;
use crate::calendar::CalendarSet;
use crate::calendar::hours::IntervalError;
use crate::deadline::{ChosenBy, JsonKind, Readings, RuleBook, RuleCutoff, State, Unit, Why};

/// Three or more words of Latin letters separated only by spaces.
fn english_sentence(text: &str) -> Option<&str> {
    text.split(|c: char| !(c.is_ascii_alphabetic() || c == ' '))
        .find(|segment| segment.split(' ').filter(|w| !w.is_empty()).count() >= 3)
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("a date")
}

/// One of each kind of text, with the arguments a request could give it.
fn every_text(says: &dyn Catalogue) -> Vec<String> {
    let book = RuleBook::embedded();
    let rule = book.get("countersign-reply").expect("the rule");
    let period = Period::of(rule);
    let ad_hoc = Period::ad_hoc(Unit::CalendarDays, 30);
    // A rule whose periods 民事诉讼法 counts (行政复议法 第八十八条第一款).
    let review = Period::of(
        book.get("national/admin-review-application")
            .expect("the review rule"),
    );
    let calendar_errors = [
        CalendarError::OutOfRange {
            date: d(2101, 1, 1),
        },
        CalendarError::ResultOutOfRange {
            start: d(2100, 12, 1),
            days: 400,
        },
        CalendarError::Backwards {
            from: d(2026, 6, 1),
            to: d(2026, 1, 1),
        },
        CalendarError::TooLong {
            from: d(2000, 1, 1),
            to: d(2020, 1, 1),
            days: 7306,
        },
        CalendarError::NoOfficeHours {
            calendar: "cn".into(),
        },
        CalendarError::HoursOutOfRange {
            start: d(2100, 12, 30),
            minutes: 6000,
        },
        CalendarError::UnknownCalendar {
            id: "cn-xz".into(),
            known: "cn, cn-xj, cn-xj-kizilsu".into(),
            suggestion: Some("cn-xj".into()),
        },
    ];
    let date_errors = [
        DateError::Shape("30/9/2026".into()),
        DateError::NotADate("2026-02-30".into()),
    ];
    let moment_errors = [
        MomentError::Date(date_errors[1].clone()),
        MomentError::Time {
            value: "2026-09-30T25:00".into(),
            time: "25:00".into(),
        },
        MomentError::AmbiguousHour {
            value: "2026-09-30 6点".into(),
            time: "6点".into(),
            hour: 6,
        },
        MomentError::PlusAsSpace("2026-10-09T01:30:00 08:00".into()),
        MomentError::Shape("yesterday".into()),
    ];
    let zone = ZoneError {
        name: "Asia/Urumchi".into(),
        suggestion: Some("Asia/Urumqi".into()),
    };
    let bad_values = [
        BadValue::TooLarge("\"99999999999999999999\"".into()),
        BadValue::NotAnInteger("\"seven\"".into()),
        BadValue::NotAFlag("\"yes\"".into()),
    ];
    let json_problems: Vec<JsonProblem> = [
        JsonKind::Syntax,
        JsonKind::Eof,
        JsonKind::NotAnObject,
        JsonKind::UnknownField {
            name: "\"calender\"".into(),
            suggestion: Some("calendar"),
        },
        JsonKind::WrongType {
            field: "days",
            expected: crate::deadline::Expected::WholeNumber,
            found: "\"seven\"".into(),
        },
        JsonKind::NoItems,
    ]
    .into_iter()
    .map(|kind| JsonProblem {
        line: 1,
        column: 9,
        kind,
    })
    .collect();
    let deadline_errors = [
        DeadlineError::UnknownRule {
            id: "countersign-replay".into(),
            known: "approved-filing, countersign-reply, meeting-issuance".into(),
            suggestion: Some("countersign-reply".into()),
        },
        DeadlineError::Zone {
            field: "timezone",
            source: zone.clone(),
        },
        DeadlineError::Event(moment_errors[3].clone()),
        DeadlineError::AsOf(moment_errors[1].clone()),
        DeadlineError::Unit(UnknownUnit("weeks".into())),
        DeadlineError::Missing("event"),
        DeadlineError::DaysAndAmount,
        DeadlineError::DaysNotAllowed {
            rule: "meeting-issuance".into(),
            amount: 7,
            unit: Unit::WorkingDays,
        },
        DeadlineError::UnitNotAllowed {
            rule: "approved-filing".into(),
            unit: Unit::CalendarDays,
        },
        DeadlineError::AmountOutOfRange {
            amount: 0,
            unit: Unit::WorkingDays,
        },
        DeadlineError::FormNotAllowed {
            rule: Some("national/gov-info-reply".into()),
            key: "direction",
        },
        DeadlineError::FormNotAllowed {
            rule: None,
            key: "direction",
        },
        DeadlineError::NoExtension {
            rule: Some("kizilsu/meeting-issuance".into()),
        },
        DeadlineError::NoExtension { rule: None },
        DeadlineError::UnknownForm {
            key: "direction",
            value: "sideways".into(),
            choices: <Direction as strum::VariantNames>::VARIANTS,
        },
        DeadlineError::UnknownForm {
            key: "bound",
            value: "exactly".into(),
            choices: <crate::deadline::Bound as strum::VariantNames>::VARIANTS,
        },
        DeadlineError::UnknownForm {
            key: "counting",
            value: "lunar".into(),
            choices: <crate::deadline::Counting as strum::VariantNames>::VARIANTS,
        },
        DeadlineError::Paused("2026-05-10/2026-05-01".into()),
        DeadlineError::TooManyPaused,
        DeadlineError::PausedNotAllowed,
        DeadlineError::Agreed("2026-01-01".into()),
        DeadlineError::TooLong { field: "agreed_by" },
        DeadlineError::MissingPeriod,
        DeadlineError::Provisional,
        DeadlineError::Calendar(calendar_errors[0].clone()),
        DeadlineError::Hours(IntervalError::Backwards("14:00-10:00".into())),
        DeadlineError::UnknownCutoff("noon".into()),
        DeadlineError::NotInForce {
            rule: "national/admin-penalty-decision".into(),
            from: chrono::NaiveDate::from_ymd_opt(2021, 7, 15).unwrap(),
        },
        DeadlineError::NotAllowedByStatute {
            rule: "kizilsu/meeting-issuance".into(),
            field: "paused",
            allowed: vec![],
        },
        DeadlineError::NotAllowedByStatute {
            rule: "national/gov-info-reply".into(),
            field: "agreed_due",
            allowed: vec!["extended", "paused"],
        },
    ];
    let interval_errors = [
        IntervalError::Empty,
        IntervalError::Shape("10:00".into()),
        IntervalError::Time("10:00-25:00".into()),
        IntervalError::Backwards("14:00-10:00".into()),
        IntervalError::Overlap {
            first: "10:00-14:00".into(),
            second: "13:00-18:00".into(),
        },
        IntervalError::TooMany(9),
    ];
    let endings = [
        Ending::CloseOfBusiness {
            hours: crate::calendar::hours::DayHours::parse("10:00-14:00,15:30-19:30").unwrap(),
            from: Some(HoursFrom {
                layer: "cn-xj",
                name: "新疆维吾尔自治区",
                season: "冬季",
                source: "自治区通知",
                years: &[2022, 2023],
                carried_over: true,
            }),
            by: ChosenBy::Rule(RuleCutoff::OfficeTarget),
        },
        Ending::CloseOfBusiness {
            hours: crate::calendar::hours::DayHours::parse("09:00-17:00").unwrap(),
            from: None,
            by: ChosenBy::Request,
        },
        Ending::CloseOfBusiness {
            hours: crate::calendar::hours::DayHours::parse("09:00-17:00").unwrap(),
            from: None,
            by: ChosenBy::AdHoc,
        },
        Ending::CloseOfBusiness {
            hours: crate::calendar::hours::DayHours::parse("09:00-17:00").unwrap(),
            from: None,
            by: ChosenBy::Rule(RuleCutoff::CloseOfBusiness),
        },
        Ending::Midnight {
            by: ChosenBy::Rule(RuleCutoff::Midnight),
        },
        Ending::Midnight {
            by: ChosenBy::Request,
        },
        Ending::MidnightNoHours,
        Ending::MidnightDayWithoutHours,
        Ending::OfficeTimeRun,
        Ending::HoursRun,
    ];
    let invalid = [
        Invalid::GivenTwice,
        Invalid::Value(bad_values[1].clone()),
        Invalid::NoneOf {
            value: "\"back\"".into(),
            choices: &["forward", "backward", "none"],
        },
        Invalid::NoSuchField {
            value: "\"due\"".into(),
            fields: &["due_date", "due_at"],
        },
        Invalid::FieldWithoutText { format: "json" },
        Invalid::FieldNotInAnswer {
            field: "state".into(),
            needs_as_of: true,
        },
        Invalid::YearOutside {
            year: 1999,
            first: 2000,
            last: 2100,
        },
        Invalid::YearAndRange,
        Invalid::YearsBackwards {
            from: 2026,
            to: 2025,
        },
        Invalid::TooManyYears {
            from: 2021,
            to: 2031,
            max: 10,
        },
        Invalid::Date(date_errors[0].clone()),
        Invalid::Range(calendar_errors[2].clone()),
        Invalid::Lang {
            value: "\"fr\"".into(),
        },
        Invalid::Limit { max: 1000 },
        Invalid::Cursor,
        Invalid::PagedExport,
    ];
    let bodies = [
        Body::Cut,
        Body::NotUtf8,
        Body::BareArray,
        Body::NotABatch(json_problems[5].clone()),
        Body::NotADeadline(json_problems[3].clone()),
        Body::CsvNotUtf8,
        Body::CsvHeader,
        Body::CsvEmpty,
        Body::CsvColumnTwice("\"rule\"".into()),
        Body::CsvNoField,
        Body::CsvRow(Some(3)),
        Body::CsvRow(None),
        Body::CsvRowWidth { got: 5, want: 3 },
    ];
    let limits = [
        Limit::Body {
            length: 3_000_000,
            limit: 2_097_152,
        },
        Limit::Batch {
            count: 10_001,
            limit: 10_000,
        },
        Limit::Explained { explained: 100_000 },
        Limit::Query {
            length: 9000,
            limit: 8192,
        },
    ];
    let media = [
        Media::Encoding("\"gzip\"".into()),
        Media::NoContentType,
        Media::ContentType("\"application/xml\"".into()),
    ];
    let unoffered = [
        Unoffered::Format {
            name: "\"xml\"".into(),
            known: false,
            route: "GET /v1/deadlines".into(),
            offered: "json, text, ics".into(),
        },
        Unoffered::Format {
            name: "\"csv\"".into(),
            known: true,
            route: "GET /v1/deadlines".into(),
            offered: "json, text, ics".into(),
        },
        Unoffered::Accept {
            accept: "\"image/png\"".into(),
            route: "GET /v1/deadlines".into(),
            media: "application/json, text/plain".into(),
            offered: "json".into(),
        },
    ];
    let missing = [
        Missing::Route {
            route: "GET /v1/dayz".into(),
            near: Some("/v1/days"),
            routes: Some("/v1/days, /v1/deadlines".into()),
        },
        Missing::Calendar(calendar_errors[6].clone()),
        Missing::Rule(deadline_errors[0].clone()),
        Missing::FeedFile { year: 2027 },
    ];
    let set = CalendarSet::embedded().expect("the embedded data");
    let cn = set.get("cn").expect("cn");
    let steps: Vec<Step> = [
        (d(2026, 9, 30), Why::EventDay),
        (d(2026, 10, 1), Why::NotWorking),
        (d(2026, 10, 10), Why::Counted),
        (d(2026, 10, 3), Why::Rolled),
        (d(2026, 10, 8), Why::Rolled),
        (d(2026, 10, 9), Why::OfficeTime),
        (d(2026, 10, 4), Why::NoOfficeTime),
        (d(2026, 10, 12), Why::HoursElapsed),
        (d(2026, 10, 13), Why::Paused),
        (d(2026, 10, 5), Why::TaxProlonged),
        (d(2026, 10, 6), Why::TaxProlonged),
        (d(2026, 10, 16), Why::TaxProlongedDay),
        (d(2026, 10, 14), Why::Extension),
        (d(2026, 10, 15), Why::CorrespondingDay),
        (d(2026, 10, 31), Why::MonthEnd),
        (d(2026, 10, 3), Why::RolledBack),
        (d(2026, 9, 30), Why::RolledBack),
        (d(2026, 10, 16), Why::NextStep),
        (d(2026, 10, 19), Why::Agreed),
    ]
    .into_iter()
    .map(|(date, why)| {
        let day = cn.day(date).expect("a day");
        Step {
            date,
            kind: day.kind,
            name: day.name.map(str::to_owned),
            // One tax-prolonged day with its ordinal (10/6, the 6th day of the period), one
            // without, so that both sentences are checked.
            counted: matches!(why, Why::Counted | Why::TaxProlongedDay) || date == d(2026, 10, 6),
            ordinal: match why {
                Why::Counted | Why::TaxProlongedDay => Some(3),
                Why::TaxProlonged if date == d(2026, 10, 6) => Some(6),
                _ => None,
            },
            why,
            minutes: matches!(why, Why::OfficeTime | Why::HoursElapsed).then_some(210),
        }
    })
    .collect();
    // Every reason a day can have, each at least once.
    assert!(
        Why::iter().all(|why| steps.iter().any(|s| s.why == why)),
        "a reason without a step to say it"
    );
    let statuses: Vec<Status> = State::iter()
        .map(|state| Status {
            as_of_date: d(2026, 10, 12),
            completed_on: matches!(state, State::CompletedOnTime | State::CompletedLate)
                .then(|| d(2026, 10, 12)),
            state,
            working_days_left: 3,
            consequence: (state == State::Overdue).then_some(Consequence::DeemedNoObjection),
        })
        .collect();
    let holiday = DayFacts {
        kind: DayKind::Holiday,
        name: Some("国庆节"),
        estimated: true,
    };
    let makeup = DayFacts {
        kind: DayKind::MakeupWorkday,
        name: Some("国庆节"),
        estimated: false,
    };

    let mut texts: Vec<String> = Title::iter().map(|t| says.title(t).to_owned()).collect();
    texts.push(says.missing_parameter("start"));
    texts.extend(invalid.iter().map(|w| says.invalid_parameter("days", w)));
    texts.push(says.unknown_parameter(
        "calender",
        Some("calendar"),
        "calendar, strict",
        "GET /v1/days/{date}",
    ));
    texts.push(says.unknown_parameter("x", None, "", "GET /healthz"));
    texts.extend(bodies.iter().map(|b| says.body(b)));
    texts.extend(limits.iter().map(|l| says.limit(l)));
    texts.extend(media.iter().map(|m| says.media(m)));
    texts.extend(unoffered.iter().map(|u| says.unoffered(u)));
    texts.extend(missing.iter().map(|m| says.missing(m)));
    for oldest in [Some("0123456789abcdef".to_owned()), None] {
        texts.push(says.history_error(&HistoryError::NotKept {
            version: "fedcba9876543210".into(),
            oldest,
        }));
    }
    texts.push(says.history_error(&HistoryError::Unusable {
        version: "fedcba9876543210".into(),
        reason: "the cause".into(),
    }));
    texts.push(says.slow(&Slow::Request { secs: 10.0 }));
    texts.push(says.slow(&Slow::BodyStalled { secs: 5 }));
    texts.push(says.method_not_allowed("DELETE /v1/rules", "GET, HEAD"));
    for what in Strictly::iter() {
        texts.push(says.strictly(what));
    }
    texts.push(says.unauthorized());
    for refused in [
        Refused::NoKey,
        Refused::NotYours,
        Refused::NoMatter,
        Refused::Stale { current: 3 },
        Refused::Unavailable,
        Refused::Unrecorded,
        Refused::NotAMatter(JsonProblem {
            line: 1,
            column: 2,
            kind: JsonKind::NotAnObject,
        }),
        Refused::Matter(crate::register::MatterError::Period(
            deadline_errors[0].clone(),
        )),
        Refused::Matter(crate::register::MatterError::StatusInPeriod("as_of")),
        Refused::Matter(crate::register::MatterError::Unnamed),
        Refused::Matter(crate::register::MatterError::NoPeriod),
        Refused::NotAMattersField("\"x\"".into()),
        Refused::Name,
        Refused::Matter(crate::register::MatterError::TooLong {
            field: "subject",
            max: 500,
        }),
        Refused::ActionBody,
        Refused::Import(vec![
            RowProblem {
                row: 3,
                column: "规则".into(),
                why: RowWhy::Adjustment("\"x\"".into()),
            };
            4
        ]),
    ] {
        texts.push(says.refused(&refused));
    }
    for why in [
        RowWhy::UnknownColumn,
        RowWhy::ColumnTwice,
        RowWhy::NotARow,
        RowWhy::Adjustment("\"x\"".into()),
        RowWhy::NotADate("\"x\"".into()),
        RowWhy::NotAnInstant("\"x\"".into()),
        RowWhy::Period(JsonProblem {
            line: 1,
            column: 2,
            kind: JsonKind::NotAnObject,
        }),
        RowWhy::Matter(crate::register::MatterError::Unnamed),
    ] {
        texts.push(says.row_problem(&why));
    }
    texts.push(says.unreadable_matter());
    texts.extend(says.ledger_headers().iter().map(|h| (*h).to_owned()));
    texts.push(says.internal());
    for cross in Cross::iter() {
        texts.push(says.cross_origin(cross));
    }
    for status in [400, 404, 405, 413, 415, 431, 500] {
        texts.push(says.framework(status));
    }
    texts.extend(calendar_errors.iter().map(|e| says.calendar_error(e)));
    texts.extend(deadline_errors.iter().map(|e| says.deadline_error(e)));
    texts.push(says.input_error(&InputError {
        field: "days",
        problem: bad_values[0].clone(),
    }));
    texts.extend(bad_values.iter().map(|v| says.bad_value(v)));
    texts.extend(json_problems.iter().map(|p| says.json_problem(p)));
    texts.push(says.unknown_unit(&UnknownUnit("weeks".into())));
    texts.push(says.zone_error(&zone));
    texts.extend(date_errors.iter().map(|e| says.date_error(e)));
    texts.extend(moment_errors.iter().map(|e| says.moment_error(e)));
    for day in [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ] {
        texts.push(says.weekday(day).to_owned());
    }
    for kind in DayKind::iter() {
        texts.push(says.day(DayFacts {
            kind,
            name: None,
            estimated: false,
        }));
        texts.push(says.holiday_event_category(kind).to_owned());
    }
    texts.push(says.day(holiday));
    texts.push(says.day(makeup));
    let backward = Period {
        direction: Direction::Backward,
        ..Period::ad_hoc(Unit::WorkingDays, 5)
    };
    let tax = Period {
        counting: crate::deadline::Counting::Tax,
        ..Period::ad_hoc(Unit::CalendarDays, 15)
    };
    for step in &steps {
        texts.push(says.step_reason(step, &period));
        texts.push(says.step_reason(step, &ad_hoc));
        texts.push(says.step_reason(step, &backward));
        texts.push(says.step_reason(step, &tax));
    }
    texts.push(says.period_length(&period));
    texts.push(says.period_length(&ad_hoc));
    texts.extend(statuses.iter().map(|s| says.status(s, &period)));
    texts.extend(statuses.iter().map(|s| says.status(s, &ad_hoc)));
    for consequence in Consequence::iter() {
        texts.push(says.consequence(consequence));
    }
    texts.push(says.certainty_note(&[]));
    texts.push(says.certainty_note(&[
        (
            d(2027, 1, 31),
            Some("另一可能：2月13日、14日上班，1月31日休息"),
        ),
        (d(2027, 2, 13), None),
    ]));
    texts.push(says.readings_note(&Readings {
        from_rolled_last_day: chrono::NaiveDate::from_ymd_opt(2026, 11, 9).unwrap(),
        from_event: chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
    }));
    texts.push(says.provisional_note());
    texts.extend(interval_errors.iter().map(|e| says.interval_error(e)));
    for ending in &endings {
        texts.push(says.ending(ending, &period));
        texts.push(says.ending(ending, &review));
        texts.push(says.last_moment(ending, "19:30"));
    }
    for unit in Unit::iter() {
        texts.push(says.period_length(&Period::ad_hoc(unit, 8)));
    }
    texts.push(says.awaited_notice(2027, "cn", "cn/2027.json", true));
    texts.push(says.awaited_notice(2027, "cn-xj", "cn-xj/2027.json", false));
    texts.push(says.holiday_feed_name("新疆维吾尔自治区"));
    texts.push(says.holiday_event_summary(holiday));
    texts.push(says.holiday_event_summary(makeup));
    texts.push(says.holiday_event_description(
        ("新疆维吾尔自治区", "cn-xj"),
        holiday,
        Some("国务院办公厅关于2026年部分节假日安排的通知"),
    ));
    texts.push(says.other_reading_note(
        (d(2026, 10, 9), d(2026, 10, 19)),
        (d(2026, 10, 8), d(2026, 10, 16)),
        "Asia/Shanghai",
    ));
    texts.push(says.deadline_event_summary("会签回复", None, true));
    texts.push(says.deadline_event_summary("会签回复", Some("克政办发〔2026〕12号"), false));
    texts.push(says.ad_hoc_title(&ad_hoc));
    texts.push(says.deadline_event_description(&DeadlineFacts {
        title: "会签回复",
        doc_no: Some("克政办发〔2026〕12号"),
        citation: Some(("第五十条", "……7个工作日内回复……", "工作规则")),
        event_date: d(2026, 9, 30),
        period: &period,
        due_date: d(2026, 10, 15),
        zone: "Asia/Shanghai",
        due_time: "19:30",
        due_at: "2026-10-15T19:30:00+08:00",
        calendar: ("克孜勒苏柯尔克孜自治州", "cn-xj-kizilsu"),
        provisional: true,
    }));
    texts.push(says.deadline_reminder(d(2026, 10, 15), "会签回复", None));
    texts.push(says.deadline_reminder(d(2026, 10, 15), "会签回复", Some("克政办发〔2026〕12号")));
    texts.push(says.deadline_category().to_owned());
    texts.extend(says.workbook_words().all().into_iter().map(str::to_owned));
    texts.push(says.workbook_title(("克孜勒苏柯尔克孜自治州", "cn-xj-kizilsu")));
    let extended = ["政府信息公开条例第三十三条第二款、第三款（20个工作日）".to_owned()];
    let agreed = ["第五十条".to_owned()];
    for estimated_years in [&[][..], &[2027][..], &[2027, 2028][..]] {
        texts.extend(says.workbook_notes(&WorkbookFacts {
            calendar: ("克孜勒苏柯尔克孜自治州", "cn-xj-kizilsu"),
            years: (2026, 2028),
            estimated_years,
            page: Some("https://qixian.kz.example/#calendar?calendar=cn-xj-kizilsu&year=2026"),
            address: "https://qixian.kz.example/v1/calendars/cn-xj-kizilsu/workbook.xlsx?from_year=2026&to_year=2028",
            adjustable: (&extended, &agreed),
        }));
    }
    texts.extend(says.workbook_notes(&WorkbookFacts {
        calendar: ("全国", "cn"),
        years: (2026, 2026),
        estimated_years: &[],
        page: None,
        address: "http://127.0.0.1:8080/v1/calendars/cn/workbook.xlsx?year=2026",
        adjustable: (&[], &[]),
    }));
    texts.push(says.unrecorded_notices(&[2027, 2028]));
    texts.push(says.workbook_due_note());
    let (was, is) = (
        says.day_kind(DayKind::Workday, None),
        says.day_kind(DayKind::Holiday, Some("州庆")),
    );
    texts.push(says.day_changed(d(2027, 7, 14), &was, &is));
    texts.push(says.moved_by_unknown(Some("baa635fb034b0b52")));
    texts.push(says.moved_by_unknown(None));
    texts
}

#[test]
fn every_chinese_text_is_chinese_and_holds_no_english_sentence() {
    for text in every_text(Lang::Zh.says()) {
        assert!(has_chinese(&text), "no Chinese in {text:?}");
        assert!(
            english_sentence(&text).is_none(),
            "an English sentence in {text:?}: {:?}",
            english_sentence(&text)
        );
    }
}

#[test]
fn every_text_exists_in_both_languages_and_differs_between_them() {
    let (zh, en) = (every_text(Lang::Zh.says()), every_text(Lang::En.says()));
    assert_eq!(zh.len(), en.len(), "the same texts in both");
    for (zh, en) in zh.iter().zip(&en) {
        assert!(
            !zh.is_empty() && !en.is_empty(),
            "an empty text: {zh:?} / {en:?}"
        );
        assert_ne!(zh, en, "a text left untranslated");
    }
}

#[test]
fn every_problem_code_is_distinct_and_its_titles_end_without_a_period() {
    let codes: std::collections::BTreeSet<&str> = Title::iter().map(Title::code).collect();
    assert_eq!(codes.len(), Title::iter().count(), "a code used twice");
    for title in Title::iter() {
        for lang in Lang::iter() {
            let text = lang.says().title(title);
            assert!(
                !text.ends_with('.') && !text.ends_with('。'),
                "{text:?} ends with a period"
            );
        }
    }
}

#[test]
fn accept_language_weights_decide_and_the_earlier_of_equals_wins() {
    assert_eq!(Lang::preferred("zh, en"), Some(Lang::Zh));
    assert_eq!(Lang::preferred("en, zh"), Some(Lang::En));
    assert_eq!(Lang::preferred("en;q=0.5, zh;q=0.9"), Some(Lang::Zh));
    assert_eq!(
        Lang::preferred("zh-TW"),
        Some(Lang::Zh),
        "Chinese of any region"
    );
    assert_eq!(
        Lang::preferred("en;q=bad"),
        None,
        "a bad weight drops its range"
    );
    assert_eq!(Lang::preferred(""), None);
    assert_eq!(Lang::from_code("EN"), Some(Lang::En));
    assert_eq!(Lang::from_code("zh-CN"), None, "lang= takes the two codes");
}

/// A space between a number and a Chinese character: Chinese typography writes neither
/// (「尚余31个工作日」, not 「尚余 31 个工作日」).
fn space_beside_a_number(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let chinese =
        |c: char| ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c);
    chars.windows(3).find_map(|w| {
        let pair =
            (w[0].is_ascii_digit() && chinese(w[2])) || (chinese(w[0]) && w[2].is_ascii_digit());
        (w[1] == ' ' && pair).then(|| w.iter().collect())
    })
}

/// 第五十条's period, from the embedded rules.
fn countersign() -> Period<'static> {
    static BOOK: std::sync::LazyLock<RuleBook> = std::sync::LazyLock::new(RuleBook::embedded);
    Period::of(BOOK.get("countersign-reply").expect("the rule"))
}

/// The reminder of 第五十条 from 2026-09-30 18:00 for 克政办发〔2026〕12号: due 10-15 at 19:30.
fn countersign_reminder<'a>(period: &'a Period<'a>) -> DeadlineFacts<'a> {
    DeadlineFacts {
        title: "部门之间征求意见或会签文件一般应在7个工作日内回复",
        doc_no: Some("克政办发〔2026〕12号"),
        citation: Some((
            "第五十条",
            "（条文）",
            "克孜勒苏柯尔克孜自治州人民政府工作规则",
        )),
        event_date: d(2026, 9, 30),
        period,
        due_date: d(2026, 10, 15),
        zone: "Asia/Shanghai",
        due_time: "19:30",
        due_at: "2026-10-15T19:30:00+08:00",
        calendar: ("克孜勒苏柯尔克孜自治州", "cn-xj-kizilsu"),
        provisional: false,
    }
}

#[test]
fn the_clerks_sentences_set_no_space_beside_a_number() {
    let says = Lang::Zh.says();
    let period = countersign();
    let mut texts: Vec<String> = State::iter()
        .map(|state| {
            says.status(
                &Status {
                    as_of_date: d(2026, 10, 12),
                    completed_on: None,
                    state,
                    working_days_left: 31,
                    consequence: Some(Consequence::DeemedNoObjection),
                },
                &period,
            )
        })
        .collect();
    let facts = countersign_reminder(&period);
    texts.push(says.deadline_event_description(&facts));
    texts.push(says.deadline_reminder(d(2026, 10, 15), facts.title, facts.doc_no));
    for text in &texts {
        assert_eq!(
            space_beside_a_number(text),
            None,
            "a space beside a number in {text:?}"
        );
    }
    assert_eq!(
        texts[1],
        "截至2026年10月12日，未到期，尚余31个工作日（含截止日当天）；逾期不回复视为无不同意见（《克孜勒苏柯尔克孜自治州人民政府工作规则》第五十条）"
    );
    assert_eq!(
        texts[2],
        "今日截止（2026年10月12日）；逾期不回复视为无不同意见（《克孜勒苏柯尔克孜自治州人民政府工作规则》第五十条）",
        "one wording for the due day, as the workbook's 今日截止"
    );
}

#[test]
fn the_calendar_reminder_names_the_document_and_the_time_on_beijing_time() {
    let says = Lang::Zh.says();
    let period = countersign();
    let description = says.deadline_event_description(&countersign_reminder(&period));
    assert_eq!(
        description,
        "文号：克政办发〔2026〕12号\n部门之间征求意见或会签文件一般应在7个工作日内回复\n\
         依据：《克孜勒苏柯尔克孜自治州人民政府工作规则》第五十条\n（条文）\n\
         起算日：2026年9月30日（当日不计入）\n期限：7个工作日\n截止：北京时间2026年10月15日19:30\n\
         节假日安排：克孜勒苏柯尔克孜自治州"
    );
    assert_eq!(
        says.deadline_event_summary("会签回复", Some("克政办发〔2026〕12号"), true),
        "【克政办发〔2026〕12号】截止：会签回复（暂定）"
    );
    assert_eq!(
        says.deadline_reminder(d(2026, 10, 15), "会签回复", None),
        "2026年10月15日截止：会签回复"
    );
}

#[test]
fn an_ordinary_working_day_is_not_said_twice_and_a_makeup_day_says_what_it_is() {
    let says = Lang::Zh.says();
    let period = countersign();
    let step = |kind, name: Option<&str>| Step {
        date: d(2026, 10, 10),
        kind,
        name: name.map(str::to_owned),
        counted: true,
        ordinal: Some(3),
        why: Why::Counted,
        minutes: None,
    };
    assert_eq!(
        says.step_reason(&step(DayKind::Workday, None), &period),
        "第3个工作日"
    );
    assert_eq!(
        says.step_reason(&step(DayKind::MakeupWorkday, Some("国庆节")), &period),
        "第3个工作日；调休上班日（国庆节）"
    );
}

#[test]
fn a_clerks_bad_date_or_time_is_refused_in_a_clerks_words_naming_the_field() {
    let says = Lang::Zh.says();
    let event = |text: &str| {
        let error = crate::time::Moment::parse(text).expect_err("a bad event");
        says.deadline_error(&DeadlineError::Event(error))
    };
    assert_eq!(event("2026-02-30"), "2026年2月没有30日，请检查起算日期。");
    assert_eq!(
        event("2026年2月30日"),
        "2026年2月没有30日，请检查起算日期。"
    );
    assert_eq!(event("2026-13-01"), "2026年没有13月，请检查起算日期。");
    assert_eq!(
        event("abc"),
        "起算日期“abc”无法识别，请按“年-月-日”填写，例如2026-09-30。"
    );
    assert_eq!(
        event("abcT18:00"),
        "起算日期“abc”无法识别，请按“年-月-日”填写，例如2026-09-30。",
        "the date as typed, not the text the page joined"
    );
    assert_eq!(
        event("2026-09-30T下午12点"),
        "起算时间“下午12点”无法识别，请按“时:分”填写，例如18:00。"
    );
    let completed = says.deadline_error(&DeadlineError::Completed(
        crate::time::Moment::parse("2026-04-31").expect_err("no 4-31"),
    ));
    assert_eq!(completed, "2026年4月没有31日，请检查办结日期。");
    // English details stay as they were: an integrator reads them.
    let en = Lang::En.says().deadline_error(&DeadlineError::Event(
        crate::time::Moment::parse("2026-02-30").expect_err("a bad event"),
    ));
    assert!(en.contains("2026-02-30 is not a calendar date"), "{en}");
}

#[test]
fn an_outlook_names_the_notices_lacking_and_only_the_scores_that_apply() {
    use crate::calendar::Estimate;
    use crate::calendar::backtest::Record;
    let record = Record {
        years: Some((2008, 2026)),
        scored: 19,
        wrong: 35,
        exact: 10,
        xinjiang: (16, 5),
    };
    let regional = Estimate {
        uncertain: vec!["肉孜节"],
        national: false,
        regional: true,
    };
    assert_eq!(
        Lang::Zh.says().year_outlook(2019, &regional, &record),
        "2019年：本系统尚未收录该年自治区的肉孜节、古尔邦节放假通知，节假日按法定节日和历年通知的惯例预估，其中肉孜节的调休尚难确定。肉孜节、古尔邦节按乌姆库拉历推算，回推已知的16个节日年份共5天不符。"
    );
    let national = Estimate {
        uncertain: vec![],
        national: true,
        regional: false,
    };
    assert_eq!(
        Lang::En.says().year_outlook(2028, &national, &record),
        "2028: this system lacks the State Council's holiday notice; days off are estimated from the law and past notices, each festival as in past notices. Backtest 2008–2026: 1.84 wrong working-day statuses a year (10 of 19 years exact, in-sample)."
    );
}

#[test]
fn the_choices_a_refusal_offers_are_the_vocabularys_names_as_they_were_written() {
    use strum::VariantNames;
    let form = |key, choices| DeadlineError::UnknownForm {
        key,
        value: "x".into(),
        choices,
    };
    let cases = [
        (
            DeadlineError::Unit(UnknownUnit("weeks".into())),
            "计算单位 \"weeks\" 无法识别；可用 working_days（工作日）、calendar_days（日）、months（月）、years（年）、hours（小时）或 working_hours（工作小时）",
            "unit \"weeks\" is none of working_days, calendar_days, months, years, hours and working_hours",
        ),
        (
            DeadlineError::UnknownCutoff("noon".into()),
            "cutoff \"noon\" 无法识别；可选 close_of_business（停止业务活动时）或 midnight（二十四时）",
            "cutoff \"noon\" is neither close_of_business nor midnight",
        ),
        (
            form("direction", Direction::VARIANTS),
            "direction \"x\" 无法识别；可选 forward（向后计算）、backward（倒计）",
            "direction \"x\" is none of forward, backward",
        ),
        (
            form("bound", crate::deadline::Bound::VARIANTS),
            "bound \"x\" 无法识别；可选 within（期限内）、at_least（不少于）",
            "bound \"x\" is none of within, at_least",
        ),
        (
            form("counting", crate::deadline::Counting::VARIANTS),
            "counting \"x\" 无法识别；可选 civil（民法典）、tax（税收征收管理法实施细则第一百零九条）",
            "counting \"x\" is none of civil, tax",
        ),
    ];
    for (error, in_zh, in_en) in cases {
        assert_eq!(Lang::Zh.says().deadline_error(&error), in_zh);
        assert_eq!(Lang::En.says().deadline_error(&error), in_en);
    }
    let lang = Invalid::Lang {
        value: "\"fr\"".into(),
    };
    assert_eq!(
        Lang::En.says().invalid_parameter("lang", &lang),
        "parameter lang: \"fr\" is no language of this service; it speaks zh and en"
    );
}

#[test]
fn every_name_a_refusal_offers_has_its_meaning_in_chinese() {
    use crate::deadline::{Bound, Counting, Cutoff};
    use strum::VariantNames;
    let zh = Lang::Zh.says();
    let form = |key, choices| {
        zh.deadline_error(&DeadlineError::UnknownForm {
            key,
            value: "x".into(),
            choices,
        })
    };
    let offered: [(&[&str], String); 6] = [
        (Direction::VARIANTS, form("direction", Direction::VARIANTS)),
        (Bound::VARIANTS, form("bound", Bound::VARIANTS)),
        (Counting::VARIANTS, form("counting", Counting::VARIANTS)),
        (Unit::VARIANTS, zh.unknown_unit(&UnknownUnit("x".into()))),
        (
            Cutoff::NAMES,
            zh.deadline_error(&DeadlineError::UnknownCutoff("x".into())),
        ),
        (
            Lang::VARIANTS,
            zh.invalid_parameter("lang", &Invalid::Lang { value: "x".into() }),
        ),
    ];
    for (names, text) in offered {
        for name in names {
            let glossed = text.split_once(&format!("{name}（")).map(|(_, rest)| rest);
            assert!(
                glossed.is_some_and(|rest| !rest.starts_with('）')),
                "{name} offered with its meaning in {text}"
            );
        }
    }
}
