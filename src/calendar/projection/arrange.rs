//! How a State Council notice arranges a year's days off: one unbroken break ("block") per
//! festival, makeup working days (调休上班) counted from the block and placed on weekends by the
//! notices' habits, within a cap on consecutive working days.
//!
//! Nothing here is a table of published answers: each rule is a habit that the notices of
//! 2008–2026 follow, or a principle the State Council published (国务院令第795号 and the 2025
//! notice: 春节 8 days from 除夕, 劳动节 5, a Wednesday festival that day only, 中秋节 merged with
//! 国庆节 into 8 days when it falls 9/29–10/7, 「法定节假日假期前后连续工作一般不超过6天」).
//! The habits of each era are in [`Era`]; the research behind them, with counts, is in DESIGN.md
//! ("How is an unpublished year projected?").

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::{Version, chinese_date, qingming, statutory_days};

/// The habits of the notices of one era.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Era {
    /// A festival on a Wednesday is that day only (2014 on; before: Monday to Wednesday).
    pub(super) wednesday_alone: bool,
    /// 元旦 is 1/1–1/3 whatever the weekday (the notices of 2009–2013).
    pub(super) new_year_three_days: bool,
    /// Days of the 春节 block, counted from 除夕 (7 before 2025, 8 under the principles).
    pub(super) spring_days: u64,
    /// 劳动节 is a 5-day block (2020 on), not a one-day festival.
    pub(super) labour_five_days: bool,
    /// The longest run of working days next to a break (7 before 2025, 6 under the principles).
    pub(super) cap: usize,
}

impl Era {
    /// The habits of the notice for `year`.
    pub(super) fn of(year: i32) -> Era {
        match year {
            ..=2013 => Era {
                wednesday_alone: false,
                new_year_three_days: year >= 2009,
                spring_days: 7,
                labour_five_days: false,
                cap: 7,
            },
            2014..=2024 => Era {
                wednesday_alone: true,
                new_year_three_days: false,
                spring_days: 7,
                labour_five_days: year >= 2020,
                cap: 7,
            },
            _ => Era {
                wednesday_alone: true,
                new_year_three_days: false,
                spring_days: 8,
                labour_five_days: true,
                cap: 6,
            },
        }
    }
}

/// Which rule made a block: what the confidence and the reason of its days depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rule {
    /// A one-day festival on this weekday.
    OneDay(Weekday),
    /// 元旦 1/1–1/3 (2009–2013).
    NewYearThreeDays,
    /// 春节 from 除夕.
    Spring,
    /// 劳动节's 5-day window.
    LabourFiveDays,
    /// 劳动节 of the 1999 办法, 5/1–5/7.
    LabourWeek,
    /// 国庆节 10/1–10/7.
    National,
    /// 中秋节 and 国庆节 merged into 8 days.
    Merged,
}

/// One festival as a notice arranges it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Block {
    /// The notices' name (`国庆节、中秋节` for a merged break).
    pub(super) name: &'static str,
    /// The first and last day off, weekends next to the break that stay off included.
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    /// The weekend days made working days, in date order.
    pub(super) makeups: Vec<NaiveDate>,
    /// The rule that made the block.
    pub(super) rule: Rule,
}

/// A block before its makeup days are chosen.
struct Draft {
    name: &'static str,
    start: NaiveDate,
    end: NaiveDate,
    rule: Rule,
}

/// The festivals of the notice for `year` with their days off and makeup days, in order of
/// their start; `relax` raises the cap on consecutive working days (the runner-up arrangement
/// is the one made with `relax = 1`).
///
/// The arrangement depends on the year alone, so each is made once a process: every compile
/// of the calendars (at start, at a reload, for a kept version asked for again) reuses it.
pub(super) fn arrange(year: i32, relax: usize) -> Vec<Block> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    /// The arrangements made so far, by year and relaxation.
    type Made = Mutex<HashMap<(i32, usize), Vec<Block>>>;
    static MADE: OnceLock<Made> = OnceLock::new();
    let made = MADE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(blocks) = made
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&(year, relax))
    {
        return blocks.clone();
    }
    let blocks = make(year, relax);
    made.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert((year, relax), blocks.clone());
    blocks
}

/// [`arrange`], made anew.
fn make(year: i32, relax: usize) -> Vec<Block> {
    let era = Era::of(year);
    let version = Version::in_force(year);
    let holidays = statutory_days(year, version);
    let statutory: Vec<NaiveDate> = holidays
        .iter()
        .flat_map(|h| h.days.iter().map(|(date, _)| *date))
        .collect();
    let mut drafts = drafts(year, era, version);
    drafts.sort_by_key(|d| d.start);
    let in_block = |date: NaiveDate| drafts.iter().any(|d| d.start <= date && date <= d.end);

    let mut chosen: Vec<NaiveDate> = Vec::new();
    let mut blocks = Vec::new();
    for draft in &drafts {
        let weekdays = days(draft.start, draft.end)
            .filter(|d| !is_weekend(*d))
            .count();
        // A statutory day on a weekend, or on another festival's date, still counts (2020).
        let owed = statutory
            .iter()
            .filter(|d| draft.start <= **d && **d <= draft.end)
            .count();
        let k = weekdays.saturating_sub(owed);
        let makeups = if k == 0 {
            Vec::new()
        } else {
            choose(draft, k, era.cap + relax, &chosen, &in_block)
        };
        chosen.extend(&makeups);
        // A weekend day touching the break that is not worked stays off: the break grows (2026).
        // A day an earlier break already took stays with it (2091: 9/30 between 中秋节 and 国庆节).
        let free = |day: NaiveDate, blocks: &[Block]| {
            is_weekend(day)
                && !chosen.contains(&day)
                && !in_block(day)
                && !blocks.iter().any(|b| b.start <= day && day <= b.end)
        };
        let mut start = draft.start;
        while let Some(before) = start.pred_opt() {
            if free(before, &blocks) {
                start = before;
            } else {
                break;
            }
        }
        let mut end = draft.end;
        while let Some(after) = end.succ_opt() {
            if free(after, &blocks) {
                end = after;
            } else {
                break;
            }
        }
        blocks.push(Block {
            name: draft.name,
            start,
            end,
            makeups,
            rule: draft.rule,
        });
    }
    blocks
}

/// Each festival's break before makeups: the law's days, widened by the era's habits.
fn drafts(year: i32, era: Era, version: Version) -> Vec<Draft> {
    let date = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let mut drafts = Vec::new();
    if let Some(new_year) = date(1, 1) {
        drafts.push(if era.new_year_three_days {
            Draft {
                name: "元旦",
                start: new_year,
                end: new_year + Days::new(2),
                rule: Rule::NewYearThreeDays,
            }
        } else {
            one_day("元旦", new_year, era)
        });
    }
    if let Some(eve) = chinese_date(year, 1, 1).and_then(|d| d.pred_opt()) {
        drafts.push(Draft {
            name: "春节",
            start: eve,
            end: eve + Days::new(era.spring_days - 1),
            rule: Rule::Spring,
        });
    }
    if version != Version::Of1999
        && let Some(day) = qingming(year)
    {
        drafts.push(one_day("清明节", day, era));
    }
    if let Some(may_day) = date(5, 1) {
        drafts.push(labour(may_day, era, version));
    }
    if version == Version::Of1999 {
        drafts.extend(date(10, 1).map(national_week));
        return drafts;
    }
    if let Some(day) = chinese_date(year, 5, 5) {
        drafts.push(one_day("端午节", day, era));
    }
    drafts.extend(autumn(year, era));
    drafts
}

/// 劳动节's break: a week under the 1999 办法, five days where the era gives them, else one.
fn labour(may_day: NaiveDate, era: Era, version: Version) -> Draft {
    if version == Version::Of1999 {
        Draft {
            name: "劳动节",
            start: may_day,
            end: may_day + Days::new(6),
            rule: Rule::LabourWeek,
        }
    } else if era.labour_five_days {
        labour_five_days(may_day, version)
    } else {
        one_day("劳动节", may_day, era)
    }
}

/// 国庆节's week from `national` (10/1).
fn national_week(national: NaiveDate) -> Draft {
    Draft {
        name: "国庆节",
        start: national,
        end: national + Days::new(6),
        rule: Rule::National,
    }
}

/// The autumn's breaks: 中秋节 merged with 国庆节 into eight days when it falls from 9/29,
/// else each its own.
fn autumn(year: i32, era: Era) -> Vec<Draft> {
    let date = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let (Some(mid_autumn), Some(national), Some(merge_from)) =
        (chinese_date(year, 8, 15), date(10, 1), date(9, 29))
    else {
        return Vec::new();
    };
    if mid_autumn >= merge_from {
        let start = mid_autumn.min(national);
        vec![Draft {
            name: if start < national {
                "中秋节、国庆节"
            } else {
                "国庆节、中秋节"
            },
            start,
            end: start + Days::new(7),
            rule: Rule::Merged,
        }]
    } else {
        vec![one_day("中秋节", mid_autumn, era), national_week(national)]
    }
}

/// A one-day festival's break: Sat–Mon for a Monday, Sun–Tue for a Tuesday, the day alone for
/// a Wednesday (Mon–Wed before 2014), Thu–Sat, Fri–Sun, Sat–Mon for a weekend day.
fn one_day(name: &'static str, day: NaiveDate, era: Era) -> Draft {
    let (before, after) = match day.weekday() {
        Weekday::Mon | Weekday::Tue => (2, 0),
        Weekday::Wed if era.wednesday_alone => (0, 0),
        Weekday::Wed => (2, 0),
        Weekday::Thu | Weekday::Fri | Weekday::Sat => (0, 2),
        Weekday::Sun => (1, 1),
    };
    Draft {
        name,
        start: day - Days::new(before),
        end: day + Days::new(after),
        rule: Rule::OneDay(day.weekday()),
    }
}

/// 劳动节's 5 days: of the windows holding its statutory days, the one with the fewest makeup
/// days, then the one starting nearest 5/1, then the later one (2022, 2023: from the Saturday).
fn labour_five_days(may_day: NaiveDate, version: Version) -> Draft {
    let statutory_days: u64 = if version == Version::Of2024 { 2 } else { 1 };
    let last_statutory = may_day + Days::new(statutory_days - 1);
    let best = (0..=4 - (statutory_days - 1))
        .map(|back| may_day - Days::new(back))
        .filter(|start| *start + Days::new(4) >= last_statutory)
        .min_by_key(|start| {
            let weekdays = days(*start, *start + Days::new(4))
                .filter(|d| !is_weekend(*d))
                .count();
            (
                weekdays,
                (may_day - *start).num_days(),
                std::cmp::Reverse(*start),
            )
        })
        .unwrap_or(may_day);
    Draft {
        name: "劳动节",
        start: best,
        end: best + Days::new(4),
        rule: Rule::LabourFiveDays,
    }
}

/// The `k` makeup days of one break: the first combination, in the notices' order of
/// preference, that keeps every working run next to the break within the cap and never leaves a
/// makeup day between days off. If none does, the cap is raised by one (never needed 2008–2100).
fn choose(
    draft: &Draft,
    k: usize,
    cap: usize,
    earlier: &[NaiveDate],
    in_block: &dyn Fn(NaiveDate) -> bool,
) -> Vec<NaiveDate> {
    let candidates = candidates(draft, earlier, in_block);
    for cap in cap..cap + 7 {
        let mut found = None;
        combinations(&candidates, k, &mut Vec::new(), 0, &mut |pick| {
            if passes(draft, pick, cap, earlier, in_block) {
                found = Some(pick.to_vec());
                true
            } else {
                false
            }
        });
        if let Some(mut pick) = found {
            pick.sort();
            return pick;
        }
    }
    Vec::new()
}

/// Weekend days within three weeks of the break, in no break and not yet worked, in order of
/// preference: the nearest free weekend on either side first, then nearer days, then before.
fn candidates(
    draft: &Draft,
    earlier: &[NaiveDate],
    in_block: &dyn Fn(NaiveDate) -> bool,
) -> Vec<NaiveDate> {
    let mut keyed = Vec::new();
    for (side, step) in [(0u8, -1i64), (1, 1)] {
        let edge = if step < 0 { draft.start } else { draft.end };
        let mut weekends: Vec<NaiveDate> = Vec::new();
        for distance in 1..=21i64 {
            let Some(day) = edge.checked_add_signed(chrono::Duration::days(step * distance)) else {
                continue;
            };
            if !is_weekend(day) || in_block(day) || earlier.contains(&day) {
                continue;
            }
            let saturday = if day.weekday() == Weekday::Sat {
                day
            } else {
                day - Days::new(1)
            };
            if !weekends.contains(&saturday) {
                weekends.push(saturday);
            }
            keyed.push(((weekends.len() - 1, distance, side), day));
        }
    }
    keyed.sort();
    keyed.into_iter().map(|(_, day)| day).collect()
}

/// Calls `visit` with each `k`-combination of `items` in lexicographic order until it returns
/// `true`; returns whether it did.
fn combinations(
    items: &[NaiveDate],
    k: usize,
    pick: &mut Vec<NaiveDate>,
    from: usize,
    visit: &mut dyn FnMut(&[NaiveDate]) -> bool,
) -> bool {
    if pick.len() == k {
        return visit(pick);
    }
    for i in from..items.len() {
        pick.push(items[i]);
        if combinations(items, k, pick, i + 1, visit) {
            return true;
        }
        pick.pop();
    }
    false
}

/// Whether makeup days `pick` keep the working runs next to the break and through each picked
/// day within `cap`, and leave no run made of makeup days only.
fn passes(
    draft: &Draft,
    pick: &[NaiveDate],
    cap: usize,
    earlier: &[NaiveDate],
    in_block: &dyn Fn(NaiveDate) -> bool,
) -> bool {
    let worked = |d: NaiveDate| {
        pick.contains(&d) || earlier.contains(&d) || (!is_weekend(d) && !in_block(d))
    };
    // The run of working days through `day` (which works): its length, and whether every day of
    // it is a makeup day.
    let run = |day: NaiveDate| {
        let mut first = day;
        while let Some(p) = first.pred_opt().filter(|p| worked(*p)) {
            first = p;
        }
        let mut last = day;
        while let Some(n) = last.succ_opt().filter(|n| worked(*n)) {
            last = n;
        }
        let length = days(first, last).count();
        let only_makeups = days(first, last).all(is_weekend);
        (length, only_makeups)
    };
    let edges = [draft.start.pred_opt(), draft.end.succ_opt()];
    let next_to_break = edges
        .into_iter()
        .flatten()
        .filter(|d| worked(*d))
        .all(|d| run(d).0 <= cap);
    next_to_break
        && pick.iter().all(|d| {
            let (length, only_makeups) = run(*d);
            length <= cap && !only_makeups
        })
}

/// The days from `first` to `last`, both included.
pub(super) fn days(first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    first.iter_days().take_while(move |d| *d <= last)
}

pub(super) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}
