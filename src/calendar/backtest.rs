//! How well the projection would have done: each published year predicted without its own
//! notice, and compared day by day with what the notice said. `cargo run --example backtest`
//! prints the table BENCHMARKS.md records; a test holds the score.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::DataSet;
use super::projection;

/// The projection's record on the published years: what `/v1/calendars` quotes beside an
/// unpublished year, so that a reader can weigh an estimate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// The first and last national year scored (from 2008, the first year of the current
    /// festivals), `None` when no year is published.
    pub years: Option<(i32, i32)>,
    /// How many national years were scored.
    pub scored: usize,
    /// Working-day statuses wrong over all of them.
    pub wrong: usize,
    /// The years projected exactly.
    pub exact: usize,
    /// Xinjiang's known festival-years scored, and the days wrong over them.
    pub xinjiang: (usize, usize),
}

impl Record {
    /// The projection's record on every national year from 2008 the data publish, and on
    /// Xinjiang's known festival years.
    ///
    /// # Example
    /// ```
    /// use qixian::calendar::{DataSet, backtest};
    /// let record = backtest::Record::of(&DataSet::embedded().unwrap());
    /// assert_eq!(record.years, Some((2008, 2026)));
    /// assert!(record.mean() < 2.5, "at most 2.5 wrong statuses a year");
    /// ```
    pub fn of(data: &DataSet) -> Self {
        let mut record = Record::default();
        for (year, _) in data.layer("cn").filter(|(y, _)| *y >= FIRST_SCORED) {
            let Some(misses) = national(data, year) else {
                continue;
            };
            record.years = Some(record.years.map_or((year, year), |(a, _)| (a, year)));
            record.scored += 1;
            record.wrong += misses.len();
            record.exact += usize::from(misses.is_empty());
        }
        let festivals = xinjiang(data);
        record.xinjiang = (
            festivals.len(),
            festivals.iter().map(|(_, _, m)| m.len()).sum(),
        );
        record
    }

    /// Wrong working-day statuses a year, on average (0 when nothing was scored).
    pub fn mean(&self) -> f64 {
        if self.scored == 0 {
            0.0
        } else {
            self.wrong as f64 / self.scored as f64
        }
    }
}

/// The first year the backtest scores: 国务院令第513号 gave the festivals of today from 2008.
const FIRST_SCORED: i32 = 2008;

/// A day the projection gets wrong: its working status differs from the published one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    /// The day.
    pub date: NaiveDate,
    /// Whether the published notice makes it a working day.
    pub published_working: bool,
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Every entry the published files of `calendar` give a date of `year` (the next year's file may
/// list the last days of December): date → is a day off.
fn entries(
    data: &DataSet,
    calendar: &str,
    year: i32,
    skip: Option<i32>,
) -> BTreeMap<NaiveDate, bool> {
    [year, year + 1]
        .into_iter()
        .filter(|y| Some(*y) != skip)
        .filter_map(|y| data.get(calendar, y))
        .flat_map(|f| f.file.days.iter())
        .filter(|e| e.date.year() == year)
        .map(|e| (e.date, e.is_off_day))
        .collect()
}

/// The days of `year` on which the national projection, made without `year`'s notice (the other
/// published files kept, as the service compiles them), differs from the published calendar.
/// `None` when `year` has no published national file.
///
/// # Example
/// ```
/// use qixian::calendar::{DataSet, backtest};
/// let data = DataSet::embedded().unwrap();
/// assert_eq!(backtest::national(&data, 2026), Some(vec![]), "2026 is projected exactly");
/// ```
pub fn national(data: &DataSet, year: i32) -> Option<Vec<Miss>> {
    data.get("cn", year)?;
    let published = entries(data, "cn", year, None);
    let mut projected = entries(data, "cn", year, Some(year));
    for day in projection::national(year) {
        projected.entry(day.date).or_insert(day.is_off_day);
    }
    let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let misses = first
        .iter_days()
        .take_while(|d| d.year() == year)
        .filter_map(|date| {
            let working =
                |m: &BTreeMap<NaiveDate, bool>| m.get(&date).map_or(!is_weekend(date), |off| !off);
            let published_working = working(&published);
            (working(&projected) != published_working).then_some(Miss {
                date,
                published_working,
            })
        })
        .collect();
    Some(misses)
}

/// For each festival year Xinjiang has published (`cn-xj`): the days within ten days of the
/// festival's Umm al-Qura date on which the projection — made on the published national
/// calendar — differs from the published Xinjiang calendar. (festival, year, misses)
pub fn xinjiang(data: &DataSet) -> Vec<(&'static str, i32, Vec<Miss>)> {
    let mut out = Vec::new();
    for (year, file) in data.layer("cn-xj") {
        let national = entries(data, "cn", year, None);
        let regional = entries(data, "cn-xj", year, None);
        let projected_days = projection::xinjiang_on(year, &|d| national.get(&d).copied());
        for (name, day) in projection::festival_dates(year) {
            if !file.file.names().any(|n| n == name) {
                continue;
            }
            let status = |own: &dyn Fn(NaiveDate) -> Option<bool>, date: NaiveDate| {
                own(date)
                    .or_else(|| national.get(&date).copied())
                    .map_or(!is_weekend(date), |off| !off)
            };
            let misses = (0..=20u64)
                .filter_map(|n| (day - Days::new(10)).checked_add_days(Days::new(n)))
                .filter(|date| date.year() == year)
                .filter_map(|date| {
                    let published_working = status(&|d| regional.get(&d).copied(), date);
                    let projected_working = status(
                        &|d| {
                            projected_days
                                .iter()
                                .find(|p| p.date == d)
                                .map(|p| p.is_off_day)
                        },
                        date,
                    );
                    (published_working != projected_working).then_some(Miss {
                        date,
                        published_working,
                    })
                })
                .collect();
            out.push((name, year, misses));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backtest_holds_2025_and_2026_exact_and_the_mean_under_three() {
        let data = DataSet::embedded().expect("embedded data are valid");
        let scores: Vec<(i32, usize)> = (2008..=2026)
            .map(|year| {
                let misses = national(&data, year).expect("published");
                (year, misses.len())
            })
            .collect();
        let of = |y| scores.iter().find(|(year, _)| *year == y).map(|(_, n)| *n);
        assert_eq!(
            (of(2025), of(2026)),
            (Some(0), Some(0)),
            "2025 and 2026 exact"
        );
        let mean = scores.iter().map(|(_, n)| *n).sum::<usize>() as f64 / scores.len() as f64;
        assert!(
            mean < 3.0,
            "mean wrong statuses a year {mean:.2}: {scores:?}"
        );
        let xinjiang: usize = xinjiang(&data)
            .iter()
            .map(|(_, _, misses)| misses.len())
            .sum();
        assert!(
            xinjiang <= 5,
            "Xinjiang's known festival years: {xinjiang} wrong days"
        );
    }
}
