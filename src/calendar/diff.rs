//! What changed between two compilations of the calendars, day by day: the days whose kind,
//! name, provisional or estimated status differ. `/v1/changes` lists them, the recheck of
//! stored deadlines finds those that moved each, and the webhooks count them.
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

impl DayState {
    /// Whether government offices work on it.
    pub fn is_working(&self) -> bool {
        self.kind.is_working()
    }
}

/// One day of a calendar that differs between two compilations of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayChange {
    /// The day.
    pub date: NaiveDate,
    /// What it was.
    pub old: DayState,
    /// What it is.
    pub new: DayState,
}

impl DayChange {
    /// Whether it turned from a working day into a rest day or back: the changes that can move
    /// a deadline (a renamed holiday or a year turned published cannot).
    pub fn moves_work(&self) -> bool {
        self.old.is_working() != self.new.is_working()
    }
}

/// A day's state as answers and events show it: whether offices work on it first, then what
/// [`DayState`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ShownState<'a> {
    /// Whether government offices work on it.
    pub working: bool,
    /// Its kind.
    pub kind: DayKind,
    /// The holiday's (or makeup day's) name.
    pub name: Option<&'a str>,
    /// Whether its year is unpublished for some layer.
    pub provisional: bool,
    /// Whether it is estimated.
    pub estimated: bool,
}

impl<'a> From<&'a DayState> for ShownState<'a> {
    fn from(state: &'a DayState) -> Self {
        ShownState {
            working: state.is_working(),
            kind: state.kind,
            name: state.name.as_deref(),
            provisional: state.provisional,
            estimated: state.estimated,
        }
    }
}

/// A changed day as answers (`/v1/changes`, a recheck's and a matter's `moved_by`) and the
/// `register.matters_moved` event show it: the day, before and after.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ShownChange<'a> {
    /// The day.
    pub date: NaiveDate,
    /// What it was.
    pub old: ShownState<'a>,
    /// What it is.
    pub new: ShownState<'a>,
}

impl<'a> From<&'a DayChange> for ShownChange<'a> {
    fn from(change: &'a DayChange) -> Self {
        ShownChange {
            date: change.date,
            old: (&change.old).into(),
            new: (&change.new).into(),
        }
    }
}

/// Every day from [`FIRST_DAY`] to [`LAST_DAY`] whose kind, name, provisional or estimated
/// status differs between two compilations of one calendar, in date order.
///
/// # Example
/// ```
/// use qixian::calendar::{CalendarSet, diff::changed_days};
/// let set = CalendarSet::embedded().unwrap();
/// let cn = set.get("cn").unwrap();
/// assert!(changed_days(cn, cn).is_empty(), "a calendar does not differ from itself");
/// let kizilsu = set.get("cn-xj-kizilsu").unwrap();
/// let xinjiang_only = changed_days(cn, kizilsu);
/// let day = xinjiang_only.iter().find(|c| c.date.to_string() == "2026-03-20").unwrap();
/// assert_eq!(day.new.name.as_deref(), Some("肉孜节"));
/// assert!(day.moves_work());
/// ```
pub fn changed_days(old: &Calendar, new: &Calendar) -> Vec<DayChange> {
    if old.version() == new.version() {
        return Vec::new();
    }
    let (Ok(before), Ok(after)) = (old.days(FIRST_DAY, LAST_DAY), new.days(FIRST_DAY, LAST_DAY))
    else {
        return Vec::new();
    };
    before
        .zip(after)
        .filter_map(|(a, b)| {
            let (was, is) = (DayState::from(&a), DayState::from(&b));
            (was != is).then_some(DayChange {
                date: b.date,
                old: was,
                new: is,
            })
        })
        .collect()
}

/// How many days differ between two compiled sets, calendar by calendar: those of
/// [`changed_days`] for a calendar both have, every day for one that only one of them has.
///
/// # Example
/// ```
/// use qixian::calendar::{CalendarSet, diff::count_changed_days};
/// let set = CalendarSet::embedded().unwrap();
/// assert_eq!(count_changed_days(&set, &set), 0);
/// ```
pub fn count_changed_days(old: &CalendarSet, new: &CalendarSet) -> usize {
    let every_day = usize::try_from((LAST_DAY - FIRST_DAY).num_days() + 1).unwrap_or(0);
    let mut count = 0;
    for calendar in new.iter() {
        count += match old.iter().find(|c| c.id() == calendar.id()) {
            Some(before) => changed_days(before, calendar).len(),
            None => every_day,
        };
    }
    count
        + every_day
            * old
                .iter()
                .filter(|c| new.iter().all(|n| n.id() != c.id()))
                .count()
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

    fn state(kind: DayKind, name: Option<&str>) -> DayState {
        DayState {
            kind,
            name: name.map(str::to_owned),
            provisional: false,
            estimated: false,
        }
    }

    fn kizilsu(set: &CalendarSet) -> &Calendar {
        set.get("cn-xj-kizilsu").unwrap()
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
            date: date(2026, 7, 14),
            old: state(DayKind::Workday, None),
            new: state(DayKind::Holiday, Some("州庆")),
        };
        assert_eq!(
            changed_days(kizilsu(&old), kizilsu(&new)),
            std::slice::from_ref(&expected)
        );
        assert_eq!(
            count_changed_days(&old, &new),
            1,
            "no other calendar changed"
        );
        let back = DayChange {
            old: expected.new,
            new: expected.old,
            ..expected
        };
        assert_eq!(
            changed_days(kizilsu(&new), kizilsu(&old)),
            [back],
            "taking it back"
        );
    }

    #[test]
    fn moving_the_holiday_a_day_changes_two_days_and_a_name_alone_is_a_change() {
        let specs = parse_specs(EMBEDDED_SPECS).unwrap();
        // 14th off → 15th off: the 14th is worked again, the 15th is off.
        let (tuesday, wednesday) = (
            kizilsu_2026(&specs, &[(14, true)]),
            kizilsu_2026(&specs, &[(15, true)]),
        );
        let dates: Vec<_> = changed_days(kizilsu(&tuesday), kizilsu(&wednesday))
            .into_iter()
            .map(|c| (c.date, c.old.kind, c.new.kind))
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
            changed_days(kizilsu(&tuesday), kizilsu(&named)),
            [DayChange {
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
        // 2000-01-01 to 2100-12-31: 101 years, 25 of them leap years (2000 is, 2100 is not).
        let every = 101 * 365 + 25;
        assert_eq!(count_changed_days(&old, &new), every);
        assert_eq!(count_changed_days(&new, &old), every);
    }

    #[test]
    fn a_change_that_moves_no_work_is_listed_but_does_not_move_work() {
        let specs = parse_specs(EMBEDDED_SPECS).unwrap();
        let (plain, named) = (
            kizilsu_2026(&specs, &[]),
            kizilsu_2026(&specs, &[(15, false)]),
        );
        let changes = changed_days(kizilsu(&plain), kizilsu(&named));
        assert_eq!(changes.len(), 1);
        assert!(
            !changes[0].moves_work(),
            "a working day given a name is still worked"
        );
    }
}
