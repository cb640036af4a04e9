//! What changed between two compiled sets of calendars, day by day: the days whose kind, name,
//! provisional or estimated status differ. The webhooks count them (`changed_days`) and
//! `/v1/changes` lists them.
//!
//! Only what an answer about a day shows is compared: a day whose source text, layer or
//! confidence changed but whose kind, name and flags did not is not a changed day.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Calendar, CalendarSet, Day, DayKind, FIRST_DAY, LAST_DAY};

/// What a day is on one calendar, as far as a change goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayState {
    /// Its kind.
    pub kind: DayKind,
    /// The holiday's (or makeup day's) name, when a notice lists the day.
    pub name: Option<String>,
    /// Whether its year is unpublished for some layer.
    pub provisional: bool,
    /// Whether it is estimated for a year whose notice is not published.
    pub estimated: bool,
}

impl From<&Day<'_>> for DayState {
    fn from(day: &Day<'_>) -> Self {
        DayState {
            kind: day.kind,
            name: day.name.map(str::to_owned),
            provisional: day.provisional,
            estimated: day.estimated,
        }
    }
}

/// One day of one calendar that differs between two sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayChange {
    /// The calendar's id.
    pub calendar: String,
    /// The day.
    pub date: NaiveDate,
    /// What it was; `None` when the old set has no such calendar.
    pub old: Option<DayState>,
    /// What it is; `None` when the new set has no such calendar.
    pub new: Option<DayState>,
}

/// Every day, from [`FIRST_DAY`] to [`LAST_DAY`], whose kind, name, provisional or estimated
/// status differs between `old` and `new`: calendar by calendar in `new`'s order (then any
/// calendar only `old` has), each by date. A calendar that only one of the two sets has
/// differs on every day. A calendar whose compiled version is the same in both is not read.
///
/// # Example
/// The same set twice has no change:
/// ```
/// use qixian::calendar::CalendarSet;
/// use qixian::calendar::diff::changed_days;
/// let set = CalendarSet::embedded().unwrap();
/// assert!(changed_days(&set, &set).is_empty());
/// ```
pub fn changed_days(old: &CalendarSet, new: &CalendarSet) -> Vec<DayChange> {
    let mut changes = Vec::new();
    for calendar in new.iter() {
        match old.iter().find(|c| c.id() == calendar.id()) {
            Some(before) if before.version() == calendar.version() => {}
            Some(before) => compare(before, calendar, &mut changes),
            None => every_day(calendar, &mut changes, |c, day| DayChange {
                calendar: c,
                date: day.date,
                old: None,
                new: Some(DayState::from(day)),
            }),
        }
    }
    for gone in old.iter().filter(|c| new.iter().all(|n| n.id() != c.id())) {
        every_day(gone, &mut changes, |c, day| DayChange {
            calendar: c,
            date: day.date,
            old: Some(DayState::from(day)),
            new: None,
        });
    }
    changes
}

/// The days of one calendar that differ between its two compilations.
fn compare(old: &Calendar, new: &Calendar, changes: &mut Vec<DayChange>) {
    let (Ok(before), Ok(after)) = (old.days(FIRST_DAY, LAST_DAY), new.days(FIRST_DAY, LAST_DAY))
    else {
        return;
    };
    for (a, b) in before.zip(after) {
        let (was, is) = (DayState::from(&a), DayState::from(&b));
        if was != is {
            changes.push(DayChange {
                calendar: new.id().to_owned(),
                date: b.date,
                old: Some(was),
                new: Some(is),
            });
        }
    }
}

/// Every day of a calendar only one of the sets has.
fn every_day(
    calendar: &Calendar,
    changes: &mut Vec<DayChange>,
    change: impl Fn(String, &Day<'_>) -> DayChange,
) {
    if let Ok(days) = calendar.days(FIRST_DAY, LAST_DAY) {
        changes.extend(days.map(|day| change(calendar.id().to_owned(), &day)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::spec::{CalendarSpec, EMBEDDED_SPECS, parse_specs};
    use crate::calendar::{DataSet, Origin};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The embedded data of `specs`, with 克州's notice of 2026 giving `days`: (July day,
    /// off or not).
    fn kizilsu_2026(specs: &[CalendarSpec], days: &[(u32, bool)]) -> CalendarSet {
        let mut data = DataSet::embedded().unwrap();
        if !days.is_empty() {
            let spec = specs.iter().find(|s| s.id == "cn-xj-kizilsu").unwrap();
            let days: Vec<_> = days
                .iter()
                .map(|(d, off)| serde_json::json!({"name": "州庆", "date": format!("2026-07-{d}"), "isOffDay": off, "source": "test"}))
                .collect();
            let file = serde_json::json!({"year": 2026, "papers": ["test"], "days": days});
            data.insert_checked(
                spec,
                2026,
                file.to_string().as_bytes(),
                Origin::OperatorFile {
                    path: "cn-xj-kizilsu/2026.json".to_owned(),
                },
            )
            .unwrap();
        }
        CalendarSet::compile(specs, &data)
    }

    fn state(kind: DayKind, name: Option<&str>) -> Option<DayState> {
        Some(DayState {
            kind,
            name: name.map(str::to_owned),
            provisional: false,
            estimated: false,
        })
    }

    #[test]
    fn a_prefecture_holiday_on_a_tuesday_changes_that_day_of_that_calendar_only() {
        let specs = parse_specs(EMBEDDED_SPECS).unwrap();
        let (old, new) = (
            kizilsu_2026(&specs, &[]),
            kizilsu_2026(&specs, &[(14, true)]),
        );
        // Tuesday 14 July 2026 was a plain working day of 克州 and is now 州庆; the national
        // and Xinjiang calendars do not have 克州's notice.
        let expected = DayChange {
            calendar: "cn-xj-kizilsu".to_owned(),
            date: date(2026, 7, 14),
            old: state(DayKind::Workday, None),
            new: state(DayKind::Holiday, Some("州庆")),
        };
        assert_eq!(changed_days(&old, &new), std::slice::from_ref(&expected));
        let back = DayChange {
            old: expected.new,
            new: expected.old,
            ..expected
        };
        assert_eq!(changed_days(&new, &old), [back], "taking it back");
    }

    #[test]
    fn moving_the_holiday_a_day_changes_two_days_and_a_name_alone_is_a_change() {
        let specs = parse_specs(EMBEDDED_SPECS).unwrap();
        // 14th off → 15th off: the 14th is worked again, the 15th is off.
        let (tuesday, wednesday) = (
            kizilsu_2026(&specs, &[(14, true)]),
            kizilsu_2026(&specs, &[(15, true)]),
        );
        let dates: Vec<_> = changed_days(&tuesday, &wednesday)
            .into_iter()
            .map(|c| (c.date, c.old.unwrap().kind, c.new.unwrap().kind))
            .collect();
        assert_eq!(
            dates,
            [
                (date(2026, 7, 14), DayKind::Holiday, DayKind::Workday),
                (date(2026, 7, 15), DayKind::Workday, DayKind::Holiday)
            ]
        );
        // The 15th listed as a working 州庆 (a Wednesday: still a workday, now named).
        let named = kizilsu_2026(&specs, &[(14, true), (15, false)]);
        assert_eq!(
            changed_days(&tuesday, &named),
            [DayChange {
                calendar: "cn-xj-kizilsu".to_owned(),
                date: date(2026, 7, 15),
                old: state(DayKind::Workday, None),
                new: state(DayKind::Workday, Some("州庆")),
            }]
        );
    }

    #[test]
    fn a_calendar_only_one_set_has_differs_on_every_day() {
        let specs = parse_specs(EMBEDDED_SPECS).unwrap();
        let without: Vec<CalendarSpec> = specs
            .iter()
            .filter(|s| s.id != "cn-xj-kizilsu")
            .cloned()
            .collect();
        let (old, new) = (kizilsu_2026(&without, &[]), kizilsu_2026(&specs, &[]));
        let added = changed_days(&old, &new);
        let every = (LAST_DAY - FIRST_DAY).num_days() + 1;
        assert_eq!(added.len() as i64, every, "2000-01-01 to 2100-12-31");
        assert!(
            added
                .iter()
                .all(|c| c.calendar == "cn-xj-kizilsu" && c.old.is_none() && c.new.is_some())
        );
        assert_eq!(
            (added[0].date, added[added.len() - 1].date),
            (FIRST_DAY, LAST_DAY),
            "by date"
        );
        let removed = changed_days(&new, &old);
        assert_eq!(removed.len(), added.len());
        assert!(removed.iter().all(|c| c.old.is_some() && c.new.is_none()));
    }
}
