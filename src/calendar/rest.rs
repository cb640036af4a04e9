//! The rest days of whole years: every date on which offices do not work — weekend days that
//! no notice makes a working day, and every day off — for spreadsheets' own `WORKDAY.INTL` and
//! `NETWORKDAYS.INTL`. With the weekend mask `"0000000"` (no weekday is a weekend) and this list
//! as their holidays, they count exactly as [`Calendar::add_working_days`] and
//! [`Calendar::working_days_between`] do, makeup working days included, with no network.

use std::ops::RangeInclusive;

use chrono::NaiveDate;

use super::{Calendar, CalendarError, Day, YearStatus};

/// The rest days of a calendar over whole years, and which of those years are estimated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestDays<'a> {
    /// The years covered, both ends included.
    pub years: RangeInclusive<i32>,
    /// Every day of those years that is not a working day, in date order: its kind is
    /// [`super::DayKind::Weekend`] or [`super::DayKind::Holiday`].
    pub days: Vec<Day<'a>>,
    /// The years among them whose notice is not published for every layer: their days off are
    /// estimated and a notice may still move any of their days (a weekend day may become a
    /// makeup working day), so the list for them is a forecast.
    pub estimated_years: Vec<i32>,
}

impl RestDays<'_> {
    /// The first day the list covers (1 January of its first year).
    pub fn first_day(&self) -> NaiveDate {
        first_of(*self.years.start()).unwrap_or(super::FIRST_DAY)
    }

    /// The last day the list covers (31 December of its last year).
    pub fn last_day(&self) -> NaiveDate {
        last_of(*self.years.end()).unwrap_or(super::LAST_DAY)
    }
}

fn first_of(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
}

fn last_of(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

impl Calendar {
    /// The rest days of `years` (both ends included): what a spreadsheet's `WORKDAY.INTL` and
    /// `NETWORKDAYS.INTL` need as their holidays, with the weekend mask `"0000000"`, to count as
    /// this calendar does. A makeup working day (调休上班) is not in it; a weekend day inside a
    /// holiday span is, once, as a holiday.
    ///
    /// # Errors
    /// [`CalendarError::OutOfRange`] when a year is outside the supported range;
    /// [`CalendarError::Backwards`] when the range ends before it starts.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use qixian::calendar::{CalendarSet, DayKind};
    /// let set = CalendarSet::embedded().unwrap();
    /// let rest = set.get("cn").unwrap().rest_days(2026..=2026).unwrap();
    /// let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    /// let national_day = rest.days.iter().find(|r| r.date == d(10, 1)).unwrap();
    /// assert_eq!((national_day.kind, national_day.name), (DayKind::Holiday, Some("国庆节")));
    /// assert!(rest.days.iter().all(|r| r.date != d(10, 10)), "a makeup Saturday is worked");
    /// assert!(rest.estimated_years.is_empty(), "2026's notice is published");
    /// ```
    pub fn rest_days(&self, years: RangeInclusive<i32>) -> Result<RestDays<'_>, CalendarError> {
        let out_of_range = |year: i32| CalendarError::OutOfRange {
            date: first_of(year).unwrap_or(super::FIRST_DAY),
        };
        let from = first_of(*years.start()).ok_or_else(|| out_of_range(*years.start()))?;
        let to = last_of(*years.end()).ok_or_else(|| out_of_range(*years.end()))?;
        if to < from {
            return Err(CalendarError::Backwards { from, to });
        }
        let days = self.days(from, to)?.filter(|d| !d.is_working()).collect();
        let estimated_years = years
            .clone()
            .filter(|&y| {
                self.year(y)
                    .is_none_or(|year| year.status == YearStatus::Provisional)
            })
            .collect();
        Ok(RestDays {
            years,
            days,
            estimated_years,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;

    use super::*;
    use crate::calendar::{CalendarSet, DayKind};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    fn set() -> CalendarSet {
        CalendarSet::embedded().expect("the embedded data")
    }

    #[test]
    fn the_national_rest_days_of_2026_are_the_weekends_less_makeup_days_plus_weekday_holidays() {
        // 2026 starts on a Thursday: 52 weeks and a Thursday, so 104 weekend days. The notice
        // (holidays/cn/2026.json) makes 6 of them working days and gives 33 days off, 19 of
        // them Monday to Friday: 104 - 6 + 19 = 117 rest days, 365 - 117 = 248 working days.
        let set = set();
        let rest = set.get("cn").unwrap().rest_days(2026..=2026).unwrap();
        assert_eq!(rest.days.len(), 117, "expected 117 rest days in 2026");
        let holidays = rest.days.iter().filter(|r| r.kind == DayKind::Holiday);
        assert_eq!(holidays.count(), 33, "every day off listed once");
        assert!(
            rest.days
                .iter()
                .all(|r| matches!(r.kind, DayKind::Weekend | DayKind::Holiday)),
            "only rest days"
        );
        assert!(
            rest.days.windows(2).all(|w| w[0].date < w[1].date),
            "in date order, no date twice"
        );
        for makeup in [
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
        ] {
            let date: NaiveDate = makeup.parse().unwrap();
            assert!(
                rest.days.iter().all(|r| r.date != date),
                "{makeup} is a makeup working day, not a rest day"
            );
        }
        let sunday = rest.days.iter().find(|r| r.date == d(2026, 10, 11));
        assert_eq!(
            sunday.map(|r| (r.kind, r.name)),
            Some((DayKind::Weekend, None)),
            "an ordinary Sunday is a weekend day without a name"
        );
    }

    #[test]
    fn xinjiang_adds_its_festivals_that_fall_on_weekdays() {
        // 肉孜节 3/20 (Fri) and 古尔邦节 5/27–5/29 (Wed–Fri) are weekdays; 3/21–3/22 and
        // 5/30–5/31 were weekend days already: 117 + 4 = 121.
        let set = set();
        let rest = set.get("cn-xj").unwrap().rest_days(2026..=2026).unwrap();
        assert_eq!(rest.days.len(), 121, "expected 121 rest days in Xinjiang");
        let eid = rest.days.iter().find(|r| r.date == d(2026, 5, 27));
        assert_eq!(
            eid.map(|r| (r.kind, r.name)),
            Some((DayKind::Holiday, Some("古尔邦节"))),
            "2026-05-27 is 古尔邦节"
        );
        let national = set.get("cn").unwrap().rest_days(2026..=2026).unwrap();
        assert!(
            national.days.iter().all(|r| r.date != d(2026, 5, 27)),
            "a Wednesday elsewhere"
        );
    }

    #[test]
    fn the_list_is_every_day_the_calendar_does_not_work_and_nothing_else() {
        let set = set();
        for calendar in set.iter() {
            let rest = calendar.rest_days(2025..=2027).unwrap();
            let mut listed = rest.days.iter().map(|r| r.date).peekable();
            let mut date = d(2025, 1, 1);
            while date <= d(2027, 12, 31) {
                let in_list = listed.next_if_eq(&date).is_some();
                assert_eq!(
                    in_list,
                    !calendar.is_working_day(date).unwrap(),
                    "{} {date}",
                    calendar.id()
                );
                date = date.succ_opt().unwrap();
            }
            assert_eq!(listed.next(), None, "nothing outside the years");
        }
    }

    #[test]
    fn an_unpublished_year_is_named_and_its_days_off_are_estimated() {
        let set = set();
        let rest = set
            .get("cn-xj-kizilsu")
            .unwrap()
            .rest_days(2026..=2027)
            .unwrap();
        assert_eq!(rest.estimated_years, [2027], "2027's notices are not out");
        assert!(
            rest.days
                .iter()
                .filter(|r| r.date.year() == 2027 && r.kind == DayKind::Holiday)
                .all(|r| r.estimated && r.provisional),
            "2027's days off are estimated"
        );
        assert_eq!(
            (rest.first_day(), rest.last_day()),
            (d(2026, 1, 1), d(2027, 12, 31))
        );
    }

    #[test]
    fn years_outside_the_range_or_backwards_are_refused() {
        let set = set();
        let cn = set.get("cn").unwrap();
        assert!(matches!(
            cn.rest_days(1999..=2000),
            Err(CalendarError::OutOfRange { .. })
        ));
        assert!(matches!(
            cn.rest_days(2100..=2101),
            Err(CalendarError::OutOfRange { .. })
        ));
        let (from, to) = (2027, 2026);
        assert!(matches!(
            cn.rest_days(from..=to),
            Err(CalendarError::Backwards { .. })
        ));
    }
}
