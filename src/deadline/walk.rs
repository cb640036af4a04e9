//! Counting a period day by day, in every form: forward and backward, working days, calendar
//! days, months and years, with paused time, the tax counting, an extension and a minimum.
//!
//! The walk is the explanation itself: each day it passes gets its reason. It is also the
//! second way the plain forms are counted — [`super::count`] counts them with the compiled
//! table's arithmetic, and a property test holds the two to the same answers.

use chrono::{Days, Months, NaiveDate};

use super::{Bound, Counting, DeadlineError, Direction, Period, Step, Unit, Why};
use crate::calendar::{Calendar, CalendarError, Day};

/// What a walk found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Walked {
    /// The period's last day (with its extension): the due date; backward, the latest day to
    /// act.
    pub last: NaiveDate,
    /// For a forward minimum (`bound = at_least`): the earliest day the next step may happen.
    pub next_step: Option<NaiveDate>,
    /// For an extended period: the original period's last day (rolled), where the extension
    /// took over.
    pub unextended: Option<NaiveDate>,
    /// The days whose kind the answer depends on (both included): a provisional day among
    /// them makes the answer provisional.
    pub depends: (NaiveDate, NaiveDate),
    /// Every day passed, in date order, with its reason.
    pub steps: Vec<Step>,
}

/// How many days a period of `amount` `unit`s from `from` counts: months and years are the
/// calendar days up to the corresponding day (第二百零二条).
fn days_to_count(unit: Unit, amount: u32, from: NaiveDate) -> Result<u32, DeadlineError> {
    Ok(match unit {
        Unit::WorkingDays | Unit::CalendarDays => amount,
        Unit::Months | Unit::Years => {
            let target = from
                .checked_add_months(Months::new(months_in(unit, amount)))
                .ok_or(CalendarError::OutOfRange { date: from })?;
            (target - from).num_days() as u32
        }
        Unit::Hours | Unit::WorkingHours => unreachable!("hours are not walked by day"),
    })
}

/// The months in `amount` months or years.
fn months_in(unit: Unit, amount: u32) -> u32 {
    if unit == Unit::Years {
        amount * 12
    } else {
        amount
    }
}

/// Why the last counted day of a period in months or years is its last: the corresponding
/// day of the last month, else that month's end; `None` for other units.
fn last_day_why(unit: Unit, amount: u32, from: NaiveDate) -> Option<Why> {
    if !matches!(unit, Unit::Months | Unit::Years) {
        return None;
    }
    let corresponding = from
        .checked_add_months(Months::new(months_in(unit, amount)))
        .is_some_and(|t| chrono::Datelike::day(&t) == chrono::Datelike::day(&from));
    Some(if corresponding {
        Why::CorrespondingDay
    } else {
        Why::MonthEnd
    })
}

/// Walks `period` from `event` on `calendar`, with `paused` intervals (both ends included)
/// not counted.
///
/// # Errors
/// [`CalendarError::OutOfRange`] / [`CalendarError::ResultOutOfRange`] when the walk leaves
/// the supported range.
pub fn walk(
    calendar: &Calendar,
    period: &Period<'_>,
    event: NaiveDate,
    paused: &[(NaiveDate, NaiveDate)],
) -> Result<Walked, DeadlineError> {
    let walker = Walker {
        calendar,
        steps: vec![step(calendar.day(event)?, false, None, Why::EventDay)],
        paused,
    };
    let walked = match period.direction {
        Direction::Forward => walker.forward(period, event),
        Direction::Backward => walker.backward(period, event),
    };
    // Counted in working days, a walk off the supported range says how far it meant to go,
    // as the table's arithmetic does.
    match walked {
        Err(DeadlineError::Calendar(CalendarError::OutOfRange { .. }))
            if period.unit == Unit::WorkingDays =>
        {
            let days = i64::from(period.amount);
            Err(DeadlineError::Calendar(CalendarError::ResultOutOfRange {
                start: event,
                days: if period.direction == Direction::Backward {
                    -days
                } else {
                    days
                },
            }))
        }
        other => other,
    }
}

fn step(day: Day<'_>, counted: bool, ordinal: Option<u32>, why: Why) -> Step {
    Step {
        date: day.date,
        kind: day.kind,
        name: day.name.map(str::to_owned),
        counted,
        ordinal,
        why,
        minutes: None,
    }
}

struct Walker<'a, 'p> {
    calendar: &'a Calendar,
    steps: Vec<Step>,
    paused: &'p [(NaiveDate, NaiveDate)],
}

impl Walker<'_, '_> {
    fn is_paused(&self, date: NaiveDate) -> bool {
        self.paused.iter().any(|(a, b)| (*a..=*b).contains(&date))
    }

    fn day(&self, date: NaiveDate) -> Result<Day<'_>, DeadlineError> {
        Ok(self.calendar.day(date)?)
    }

    fn next(date: NaiveDate, forward: bool) -> Result<NaiveDate, DeadlineError> {
        let moved = if forward {
            date.checked_add_days(Days::new(1))
        } else {
            date.checked_sub_days(Days::new(1))
        };
        moved.ok_or(DeadlineError::Calendar(CalendarError::OutOfRange { date }))
    }

    /// The tax counting (税收征收管理法实施细则 第一百零九条: 「在期限内有连续3日以上法定休假日的，
    /// 按休假日天数顺延」), read as the SAT's annual 申报纳税期限 notices read it: among the
    /// period's own days (`own`, indices into `steps`, in date order), the rest days in runs
    /// of three or more consecutive days *inside the period* prolong it. A run that begins
    /// before the period's first day or ends after its last counts only its days inside, and
    /// only if three or more are. Marks those days [`Why::TaxProlonged`]; returns how many.
    fn mark_long_rests(&mut self, own: &[usize]) -> u32 {
        let mut prolonged = 0u32;
        let mut run: Vec<usize> = Vec::new();
        let mut close = |run: &mut Vec<usize>, steps: &mut Vec<Step>| {
            if run.len() >= 3 {
                for &i in run.iter() {
                    steps[i].why = Why::TaxProlonged;
                }
                prolonged += run.len() as u32;
            }
            run.clear();
        };
        for &i in own {
            let rest = !self.steps[i].kind.is_working();
            // A paused day between two rest days breaks the run: they are not consecutive
            // days of the period.
            let follows = run
                .last()
                .is_some_and(|&j| self.steps[j].date.succ_opt() == Some(self.steps[i].date));
            if !(rest && (run.is_empty() || follows)) {
                close(&mut run, &mut self.steps);
            }
            if rest {
                run.push(i);
            }
        }
        close(&mut run, &mut self.steps);
        prolonged
    }

    /// Counts `amount` units forward from `from`; `extension` marks the days of an extension.
    /// Returns the last day and the first day of its final roll (the nominal last day).
    fn count_forward(
        &mut self,
        unit: Unit,
        amount: u32,
        counting: Counting,
        from: NaiveDate,
        extension: bool,
    ) -> Result<(NaiveDate, NaiveDate), DeadlineError> {
        let counted_why = if extension {
            Why::Extension
        } else {
            Why::Counted
        };
        let days = days_to_count(unit, amount, from)?;
        let mut d = from;
        let mut k = 0u32;
        // The period's own days (not paused), by their index in `steps`, for the tax counting.
        let mut own: Vec<usize> = Vec::new();
        while k < days {
            d = Self::next(d, true)?;
            let day = self.day(d)?;
            if self.is_paused(d) {
                self.steps.push(step(day, false, None, Why::Paused));
                continue;
            }
            if unit == Unit::WorkingDays {
                if day.is_working() {
                    k += 1;
                    self.steps.push(step(day, true, Some(k), counted_why));
                } else {
                    self.steps.push(step(day, false, None, Why::NotWorking));
                }
                continue;
            }
            k += 1;
            if counting == Counting::Tax {
                own.push(self.steps.len());
            }
            let why = if k == days {
                last_day_why(unit, amount, from).unwrap_or(counted_why)
            } else {
                counted_why
            };
            self.steps.push(step(day, true, Some(k), why));
        }
        let nominal = d;
        let prolonged = self.mark_long_rests(&own);
        if prolonged > 0 {
            return Ok((self.prolong(d, prolonged)?, nominal));
        }
        Ok((self.roll_forward(d)?, nominal))
    }

    /// 实施细则 第一百零九条 as the SAT applies it: the period's own last day `last` is kept,
    /// and the deadline is the `prolonged`-th working day after it, `prolonged` the days of
    /// long rest.
    fn prolong(&mut self, last: NaiveDate, prolonged: u32) -> Result<NaiveDate, DeadlineError> {
        let mut d = last;
        let mut added = 0u32;
        while added < prolonged {
            d = Self::next(d, true)?;
            let day = self.day(d)?;
            if self.is_paused(d) {
                self.steps.push(step(day, false, None, Why::Paused));
            } else if day.is_working() {
                added += 1;
                self.steps
                    .push(step(day, true, Some(added), Why::TaxProlongedDay));
            } else {
                self.steps.push(step(day, false, None, Why::NotWorking));
            }
        }
        Ok(d)
    }

    /// 第二百零三条: a last day `last` that is a rest day moves to the day after the rest.
    fn roll_forward(&mut self, last: NaiveDate) -> Result<NaiveDate, DeadlineError> {
        let mut d = last;
        while !self.day(d)?.is_working() {
            d = Self::next(d, true)?;
            let day = self.day(d)?;
            self.steps.push(step(day, false, None, Why::Rolled));
        }
        Ok(d)
    }

    fn forward(mut self, period: &Period<'_>, event: NaiveDate) -> Result<Walked, DeadlineError> {
        let (mut last, nominal) =
            self.count_forward(period.unit, period.amount, period.counting, event, false)?;
        // A civil calendar-day period depends only on the days from its nominal last day on;
        // any other, on every day after the event.
        let plain_roll = period.counting == Counting::Civil
            && period.unit != Unit::WorkingDays
            && self.paused.is_empty();
        let from = if plain_roll {
            nominal
        } else {
            Self::next(event, true)?
        };
        let mut unextended = None;
        if let Some(amount) = period.extension {
            // The extension runs from the day after the original last day.
            let (extended, _) =
                self.count_forward(period.extension_unit(), amount, period.counting, last, true)?;
            unextended = Some(last);
            last = extended;
        }
        let next_step = match period.bound {
            Bound::Within => None,
            Bound::AtLeast => {
                let mut d = last;
                loop {
                    d = Self::next(d, true)?;
                    let day = self.day(d)?;
                    let working = day.is_working();
                    let why = if working {
                        Why::NextStep
                    } else {
                        Why::NotWorking
                    };
                    self.steps.push(step(day, false, None, why));
                    if working {
                        break Some(d);
                    }
                }
            }
        };
        Ok(Walked {
            last,
            next_step,
            unextended,
            depends: (from, next_step.unwrap_or(last)),
            steps: self.steps,
        })
    }

    fn backward(mut self, period: &Period<'_>, event: NaiveDate) -> Result<Walked, DeadlineError> {
        if !self.paused.is_empty() {
            return Err(DeadlineError::PausedNotAllowed);
        }
        let mut before: Vec<Step> = Vec::new();
        let mut d = event;
        let target = match period.unit {
            Unit::WorkingDays => None,
            Unit::CalendarDays => Some(
                event
                    .checked_sub_days(Days::new(u64::from(period.amount)))
                    .ok_or(CalendarError::OutOfRange { date: event })?,
            ),
            Unit::Months | Unit::Years => {
                let months = if period.unit == Unit::Years {
                    period.amount * 12
                } else {
                    period.amount
                };
                Some(
                    event
                        .checked_sub_months(Months::new(months))
                        .ok_or(CalendarError::OutOfRange { date: event })?,
                )
            }
            Unit::Hours | Unit::WorkingHours => unreachable!("hours run forward only"),
        };
        let mut k = 0u32;
        loop {
            let done = match target {
                None => k == period.amount,
                Some(t) => d == t,
            };
            if done {
                break;
            }
            d = Self::next(d, false)?;
            let day = self.day(d)?;
            if target.is_none() && !day.is_working() {
                before.push(step(day, false, None, Why::NotWorking));
                continue;
            }
            k += 1;
            before.push(step(day, true, Some(k), Why::Counted));
        }
        let nominal = d;
        let before_event = Self::next(event, false)?;
        // Acting later would miss the period: a last day that is a rest day moves earlier.
        while !self.day(d)?.is_working() {
            d = Self::next(d, false)?;
            let day = self.day(d)?;
            before.push(step(day, false, None, Why::RolledBack));
        }
        before.reverse();
        before.append(&mut self.steps);
        Ok(Walked {
            last: d,
            next_step: None,
            unextended: None,
            depends: (
                d,
                if target.is_some() {
                    nominal
                } else {
                    before_event
                },
            ),
            steps: before,
        })
    }
}
