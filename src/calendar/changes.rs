//! What changed between two compilations of one calendar: every day whose kind, holiday name,
//! provisional or estimated status differs. The store uses it to say what a new version of the
//! data changed (`/v1/changes`) and which stored deadlines a change moved.

use chrono::NaiveDate;

use super::{Calendar, Day, DayKind, FIRST_DAY, LAST_DAY};

/// What a day was, or is, in one version of the data: the facts a change is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayState {
    /// Its kind.
    pub kind: DayKind,
    /// Its holiday's name, when a notice names one.
    pub name: Option<String>,
    /// Whether its year was unpublished for some layer.
    pub provisional: bool,
    /// Whether it was estimated for an unpublished year.
    pub estimated: bool,
}

impl DayState {
    /// The facts of `day`.
    pub fn of(day: &Day<'_>) -> Self {
        DayState {
            kind: day.kind,
            name: day.name.map(str::to_owned),
            provisional: day.provisional,
            estimated: day.estimated,
        }
    }

    /// Whether government offices work on it.
    pub fn is_working(&self) -> bool {
        self.kind.is_working()
    }
}

/// One day that differs between two versions of a calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayChange {
    /// The date.
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

/// Every day from 2000 to 2100 whose kind, name, provisional or estimated status differs
/// between `old` and `new`, in date order. Weekend rules, sources and confidence are not
/// compared: they describe a day, they do not change what it is.
///
/// # Example
/// ```
/// use qixian::calendar::{CalendarSet, changes::changed_days};
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
    let mut changes = Vec::new();
    for date in FIRST_DAY.iter_days().take_while(|d| *d <= LAST_DAY) {
        let (Ok(was), Ok(is)) = (old.day(date), new.day(date)) else {
            continue;
        };
        let same = was.kind == is.kind
            && was.name == is.name
            && was.provisional == is.provisional
            && was.estimated == is.estimated;
        if !same {
            changes.push(DayChange {
                date,
                old: DayState::of(&was),
                new: DayState::of(&is),
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::CalendarSet;

    #[test]
    fn only_the_days_that_differ_are_listed_with_both_states() {
        let set = CalendarSet::embedded().expect("embedded data compile");
        let (cn, xj) = (set.get("cn").unwrap(), set.get("cn-xj").unwrap());
        let changes = changed_days(cn, xj);
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let ramadan = changes
            .iter()
            .find(|c| c.date == d("2026-03-20"))
            .expect("2026's 肉孜节 is Xinjiang's alone");
        assert_eq!(ramadan.old.kind, DayKind::Workday, "a Friday nationally");
        assert_eq!(ramadan.new.kind, DayKind::Holiday, "a day off in Xinjiang");
        assert!(
            changes.iter().all(|c| c.date != d("2026-10-01")),
            "国庆节 is the same in both, so not listed"
        );
        assert!(
            changes.windows(2).all(|w| w[0].date < w[1].date),
            "in date order"
        );
    }
}
