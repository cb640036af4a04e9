//! The core operations in nanoseconds: constant in N, whatever the distance.
//! `cargo bench --bench calendar`; figures are recorded in BENCHMARKS.md.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use qixian::calendar::hours::DayHours;
use qixian::calendar::spec::{EMBEDDED_SPECS, parse_specs};
use qixian::calendar::{CalendarSet, DataSet};
use qixian::deadline::{Direction, Form, Period, Request, RuleBook, Unit, compute};
use qixian::store::{Store, StoreSettings};
use qixian::time::{BEIJING, Moment};

fn arithmetic(c: &mut Criterion) {
    let set = CalendarSet::embedded().unwrap();
    let cal = set.get("cn-xj-kizilsu").unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 9, 30).unwrap();

    let mut group = c.benchmark_group("add_working_days");
    for n in [7i64, 5_000] {
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| cal.add_working_days(black_box(start), black_box(n)))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("working_days_between");
    for days in [7u64, 30_000] {
        let to = start + chrono::Days::new(days.min(27_000));
        group.bench_with_input(BenchmarkId::from_parameter(days), &to, |b, &to| {
            b.iter(|| cal.working_days_between(black_box(start), black_box(to)))
        });
    }
    group.finish();

    c.bench_function("is_working_day", |b| {
        b.iter(|| cal.is_working_day(black_box(start)))
    });
}

fn office_time(c: &mut Criterion) {
    use chrono::TimeZone;
    let set = CalendarSet::embedded().unwrap();
    let cal = set.get("cn-xj-kizilsu").unwrap();
    let start = BEIJING.with_ymd_and_hms(2026, 9, 30, 18, 0, 0).unwrap();
    let given = DayHours::parse("09:00-12:00,13:30-17:30").unwrap();
    for (name, hours) in [
        ("office_hours_add", cal.hours(None).unwrap()),
        ("office_hours_add_given", cal.hours(Some(&given)).unwrap()),
    ] {
        let mut group = c.benchmark_group(name);
        for h in [1i64, 2_000] {
            group.bench_with_input(BenchmarkId::from_parameter(h), &h, |b, &h| {
                b.iter(|| hours.add(black_box(&start), black_box(h * 60)))
            });
        }
        group.finish();
    }
    let hours = cal.hours(None).unwrap();
    let mut group = c.benchmark_group("office_hours_count");
    for days in [1i64, 1_000] {
        let to = start + chrono::Duration::days(days);
        group.bench_with_input(BenchmarkId::from_parameter(days), &to, |b, to| {
            b.iter(|| hours.count(black_box(&start), black_box(to)))
        });
    }
    group.finish();
}

fn compilation(c: &mut Criterion) {
    c.bench_function("compile_all_calendars", |b| b.iter(CalendarSet::embedded));
    // A reload as POST /v1/admin/reload does it: read the operator's directory, check each
    // file, recompile, swap.
    let dir = std::env::temp_dir().join(format!("qixian-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("cn-xj-kizilsu")).unwrap();
    std::fs::write(
        dir.join("cn-xj-kizilsu/2026.json"),
        r#"{"year": 2026, "days": [{"name": "州庆", "date": "2026-07-14", "isOffDay": true}]}"#,
    )
    .unwrap();
    let specs = parse_specs(EMBEDDED_SPECS).unwrap();
    let store = Store::open(
        specs,
        DataSet::embedded().unwrap(),
        StoreSettings {
            operator_dir: Some(dir.clone()),
            ..StoreSettings::default()
        },
    )
    .unwrap();
    c.bench_function("reload_with_operator_file", |b| {
        b.iter(|| store.reload_operator_files())
    });
    std::fs::remove_dir_all(dir).ok();
}

fn deadlines(c: &mut Criterion) {
    let set = CalendarSet::embedded().unwrap();
    let book = RuleBook::embedded();
    let cal = set.get("cn-xj-kizilsu").unwrap();
    let request = |explain| Request {
        explain,
        ..Request::new(
            Period::resolve(
                &book,
                Some("countersign-reply"),
                None,
                None,
                Form::default(),
            )
            .unwrap(),
            Moment::parse("2026-09-30T18:00:00+08:00").unwrap(),
            BEIJING,
        )
    };
    let (plain, explained) = (request(false), request(true));
    c.bench_function("deadline", |b| b.iter(|| compute(cal, black_box(&plain))));
    c.bench_function("deadline_with_explanation", |b| {
        b.iter(|| compute(cal, black_box(&explained)))
    });
    let batch: Vec<Request<'_>> = (0..10_000u64)
        .map(|i| Request {
            event: Moment::Date(
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(i % 700),
            ),
            ..plain.clone()
        })
        .collect();
    c.bench_function("deadline_batch_10000", |b| {
        b.iter(|| {
            for r in &batch {
                black_box(compute(cal, r).map(|d| d.due_date)).ok();
            }
        })
    });
}

/// The forms only the day walker counts, against the plain period the table's arithmetic
/// counts, all without explanation and on one calendar.
fn forms(c: &mut Criterion) {
    let set = CalendarSet::embedded().unwrap();
    let book = RuleBook::embedded();
    let cal = set.get("cn-xj-kizilsu").unwrap();
    let event = || Moment::parse("2026-09-01").unwrap();
    let ad_hoc = |unit: Unit, amount: i64, form: Form| {
        Request::new(
            Period::resolve(&book, None, Some(unit), Some(amount), form).unwrap(),
            event(),
            BEIJING,
        )
    };
    let rule = |id: &str, form: Form| {
        Request::new(
            Period::resolve(&book, Some(id), None, None, form).unwrap(),
            event(),
            BEIJING,
        )
    };
    let backward = Form {
        direction: Some(Direction::Backward),
        ..Form::default()
    };
    let extended = Form {
        extended: true,
        ..Form::default()
    };
    let paused = Request {
        paused: vec![(
            NaiveDate::from_ymd_opt(2026, 9, 8).unwrap(),
            NaiveDate::from_ymd_opt(2026, 9, 17).unwrap(),
        )],
        ..rule("admin-license-decision", Form::default())
    };
    let cases = [
        (
            "20_working_days",
            ad_hoc(Unit::WorkingDays, 20, Form::default()),
        ),
        ("1_month", ad_hoc(Unit::Months, 1, Form::default())),
        (
            "20_working_days_backward",
            ad_hoc(Unit::WorkingDays, 20, backward),
        ),
        ("gov_info_reply_extended", rule("gov-info-reply", extended)),
        ("admin_license_paused", paused),
    ];
    let mut group = c.benchmark_group("form");
    for (name, request) in &cases {
        group.bench_with_input(BenchmarkId::from_parameter(name), request, |b, r| {
            b.iter(|| compute(cal, black_box(r)))
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    arithmetic,
    office_time,
    compilation,
    deadlines,
    forms
);
criterion_main!(benches);
