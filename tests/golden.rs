//! Golden tests: every day of the published years, checked two ways.
//!
//! 1. Against the source data, read independently of the compiled tables: holiday-cn's files
//!    for `cn` as the repository holds them under `holidays/cn` — byte for byte the upstream
//!    files, which `holidays/cn/SHA256SUMS` (recorded at import) proves without any file from
//!    outside the repository — and every Xinjiang entry for `cn-xj` and `cn-xj-kizilsu`. Every
//!    input must be there: a missing one fails the test, it is never skipped. Where the
//!    workspace's shared reference sits beside the checkout, it is compared too.
//! 2. Against `tests/golden/<calendar>.tsv`, the expected answer for every day 2007–2026 kept
//!    as data, so that a data change shows up as a readable diff. `QIXIAN_BLESS=1 cargo test
//!    --test golden` rewrites them after a deliberate change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};
use qixian::calendar::{CalendarSet, DayKind, HolidayFile};

const FIRST: (i32, u32, u32) = (2007, 1, 1);
const LAST: (i32, u32, u32) = (2026, 12, 31);

fn day(ymd: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(ymd.0, ymd.1, ymd.2).expect("valid date")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared reference, when this checkout sits beside it (CI and developers' machines).
fn reference() -> Option<PathBuf> {
    let path = root().join("../shared/reference");
    path.is_dir().then_some(path)
}

/// Every entry of every `<year>.json` file in `dir`, by date: (isOffDay, name).
fn entries(dir: &Path) -> HashMap<NaiveDate, (bool, String)> {
    let mut all = HashMap::new();
    for file in std::fs::read_dir(dir).expect("data directory is readable") {
        let path = file.expect("entry").path();
        let year_file = path
            .file_stem()
            .is_some_and(|s| s.to_str().is_some_and(|s| s.parse::<i32>().is_ok()));
        if path.extension().is_none_or(|e| e != "json") || !year_file {
            continue;
        }
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).expect("readable")).expect("valid JSON");
        for entry in json["days"].as_array().expect("a days array") {
            let date = entry["date"]
                .as_str()
                .expect("a date")
                .parse()
                .expect("a valid date");
            let off = entry["isOffDay"].as_bool().expect("isOffDay");
            let name = entry["name"].as_str().expect("a name").to_owned();
            assert!(
                all.insert(date, (off, name)).is_none(),
                "{date} listed twice in {dir:?}"
            );
        }
    }
    all
}

/// The SHA-256 recorded for each upstream file, by year.
fn recorded_digests() -> HashMap<i32, String> {
    let sums = std::fs::read_to_string(root().join("holidays/cn/SHA256SUMS"))
        .expect("holidays/cn/SHA256SUMS is in the repository");
    sums.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (digest, name) = l.split_once("  ").expect("`<sha256>  <file>` lines");
            let year = name.trim_end_matches(".json").parse().expect("a year");
            (year, digest.to_owned())
        })
        .collect()
}

#[test]
fn the_embedded_national_files_are_holiday_cns_files_byte_for_byte() {
    use sha2::{Digest, Sha256};
    let recorded = recorded_digests();
    assert_eq!(recorded.len(), 20, "a digest for each of 2007–2026");
    for year in 2007..=2026 {
        let path = root().join(format!("holidays/cn/{year}.json"));
        let ours = std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?} is missing: {e}"));
        let digest: String = Sha256::digest(&ours)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            Some(&digest),
            recorded.get(&year),
            "holidays/cn/{year}.json is not the file recorded at import"
        );
        HolidayFile::parse("cn", year, &ours).expect("the upstream file passes our checks");
        if let Some(reference) = reference() {
            let theirs = std::fs::read(reference.join(format!("holiday-cn/{year}.json")))
                .expect("the shared reference holds every year");
            assert!(
                ours == theirs,
                "holidays/cn/{year}.json differs from the shared reference"
            );
        }
    }
}

#[test]
fn every_national_day_2007_to_2026_matches_the_state_councils_arrangement() {
    let listed = entries(&root().join("holidays/cn"));
    let set = CalendarSet::embedded().expect("embedded data compile");
    let cn = set.get("cn").unwrap();
    let mut checked = 0;
    for date in day(FIRST).iter_days().take_while(|d| *d <= day(LAST)) {
        let got = cn.day(date).unwrap();
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let (working, kind, name) = match listed.get(&date) {
            Some((true, name)) => (false, DayKind::Holiday, Some(name.as_str())),
            Some((false, name)) if weekend => (true, DayKind::MakeupWorkday, Some(name.as_str())),
            Some((false, name)) => (true, DayKind::Workday, Some(name.as_str())),
            None if weekend => (false, DayKind::Weekend, None),
            None => (true, DayKind::Workday, None),
        };
        assert_eq!(
            (got.is_working(), got.kind, got.name),
            (working, kind, name),
            "cn {date}"
        );
        assert!(!got.provisional, "cn {date} is in a published year");
        checked += 1;
    }
    assert_eq!(checked, 7305, "twenty years of days checked");
}

#[test]
fn every_xinjiang_entry_holds_in_xinjiang_and_kizilsu_and_nowhere_else() {
    let overlay: Vec<(NaiveDate, bool, String)> = entries(&root().join("holidays/cn-xj"))
        .into_iter()
        .map(|(d, (off, name))| (d, off, name))
        .collect();
    assert_eq!(overlay.len(), 44, "the overlay's 44 entries");
    if let Some(reference) = reference() {
        // The repository's files hold exactly the shared overlay's entries.
        let json: serde_json::Value = serde_json::from_slice(
            &std::fs::read(reference.join("xinjiang/overlay.json")).expect("overlay readable"),
        )
        .expect("overlay is JSON");
        let mut theirs: Vec<(NaiveDate, bool, String)> = json["days"]
            .as_array()
            .expect("a days array")
            .iter()
            .map(|e| {
                (
                    e["date"].as_str().unwrap().parse().unwrap(),
                    e["isOffDay"].as_bool().unwrap(),
                    e["name"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let mut ours = overlay.clone();
        theirs.sort();
        ours.sort();
        assert_eq!(ours, theirs, "holidays/cn-xj holds the shared overlay");
    }
    let set = CalendarSet::embedded().unwrap();
    let (cn, xj, kz) = (
        set.get("cn").unwrap(),
        set.get("cn-xj").unwrap(),
        set.get("cn-xj-kizilsu").unwrap(),
    );
    for (date, off, name) in &overlay {
        for calendar in [xj, kz] {
            let got = calendar.day(*date).unwrap();
            assert_eq!(
                got.is_working(),
                !off,
                "{} {date}: isOffDay={off}",
                calendar.id()
            );
            assert_eq!(
                got.name,
                Some(name.as_str()),
                "{} {date} is {name}",
                calendar.id()
            );
            assert_eq!(
                got.layer,
                Some("cn-xj"),
                "{} {date} decided by Xinjiang",
                calendar.id()
            );
        }
    }
    // Every other day is the national one.
    let overlay_dates: Vec<NaiveDate> = overlay.iter().map(|(d, ..)| *d).collect();
    for date in day(FIRST).iter_days().take_while(|d| *d <= day(LAST)) {
        if overlay_dates.contains(&date) {
            continue;
        }
        let (national, regional) = (cn.day(date).unwrap(), kz.day(date).unwrap());
        if regional.estimated {
            assert!(
                regional.provisional,
                "{date}: an estimated festival day is provisional"
            );
            assert_eq!(
                regional.kind,
                DayKind::Holiday,
                "{date}: estimates are days off"
            );
            continue;
        }
        assert_eq!(
            (national.kind, national.name),
            (regional.kind, regional.name),
            "{date}"
        );
    }
}

fn render(set: &CalendarSet, id: &str) -> String {
    let calendar = set.get(id).unwrap();
    let mut out = String::from("# date\tweekday\tkind\tname\tstatus\n");
    for d in calendar.days(day(FIRST), day(LAST)).unwrap() {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            d.date,
            d.date.weekday(),
            serde_json::to_value(d.kind).unwrap().as_str().unwrap(),
            d.name.unwrap_or("-"),
            match (d.estimated, d.provisional) {
                (true, _) => "estimated",
                (false, true) => "provisional",
                (false, false) => "published",
            },
        ));
    }
    out
}

#[test]
fn every_day_2007_to_2026_matches_the_golden_files() {
    let set = CalendarSet::embedded().unwrap();
    for id in ["cn", "cn-xj", "cn-xj-kizilsu"] {
        let path = root().join(format!("tests/golden/{id}.tsv"));
        let actual = render(&set, id);
        if std::env::var_os("QIXIAN_BLESS").is_some() {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{path:?} is missing ({e}); QIXIAN_BLESS=1 cargo test --test golden writes it")
        });
        if actual != expected {
            let first = actual
                .lines()
                .zip(expected.lines())
                .find(|(a, e)| a != e)
                .map(|(a, e)| format!("expected {e:?}, got {a:?}"))
                .unwrap_or_else(|| "lengths differ".to_owned());
            panic!("{id} differs from tests/golden/{id}.tsv: {first} (QIXIAN_BLESS=1 rewrites it)");
        }
    }
}
