//! Estimated holidays for a year whose notice is not published, so that such a year is never
//! treated as having no holidays at all.
//!
//! [`national`] arranges the year as the State Council's notices do — the statutory days of
//! 全国年节及纪念日放假办法 as in force, each festival one break, makeup working days by the
//! notices' habits (`projection/arrange.rs`) — and says per day how sure it is; [`xinjiang_on`] gives 肉孜节
//! and 古尔邦节 from the Umm al-Qura calendar by the region's habit. Every day carries a reason
//! saying how it was estimated. DESIGN.md ("How is an unpublished year projected?") has the why.
//!
//! Lunisolar dates come from ICU4X (`icu_calendar`: the Chinese calendar of GB/T 33661-2017,
//! precomputed to 2100, and the KACST Umm al-Qura tables). The 清明 solar term is computed here
//! (see [`qingming`]), because ICU4X keeps its solar-longitude routine private (the
//! `astronomy` module of `calendrical_calculations` 0.2.4 is not public).

use std::ops::RangeInclusive;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use icu_calendar::Date;
use icu_calendar::cal::Hijri;
use icu_calendar::types::{Month, RataDie};

use super::base::Confidence;
use arrange::Rule;

mod arrange;

/// The years [`national`] and [`xinjiang`] project; outside them they return no days.
pub const YEARS: RangeInclusive<i32> = 2000..=2100;

/// A day estimated for a year whose notice is not published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectedDay {
    /// The day.
    pub date: NaiveDate,
    /// The holiday, as notices name it (`国庆节`; `国庆节、中秋节` for a merged break).
    pub name: &'static str,
    /// `true`: a day off; `false`: a weekend made a working day (调休上班).
    pub is_off_day: bool,
    /// Whether it is a statutory day of 全国年节及纪念日放假办法 as in force (a day off the law
    /// itself gives, not one a notice arranges).
    pub statutory: bool,
    /// How sure the projection is: `High` for statutory days and rules that never failed in the
    /// notices, `Medium` for rules with a short or imperfect record, `Low` where the runner-up
    /// arrangement gives the day another status.
    pub confidence: Confidence,
    /// On a `Low` day: the runner-up arrangement.
    pub alternative: Option<Alternative>,
    /// How the day was estimated, e.g.
    /// `预估：春节（初一），按农历推算（《全国年节及纪念日放假办法》2024年修订）` — in Chinese in
    /// every answer, like the sources of the notices themselves.
    pub reason: String,
}

/// The runner-up arrangement of a festival, where it differs from the projection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alternative {
    /// Days it makes working days that the projection rests, and its makeup days.
    pub work: Vec<NaiveDate>,
    /// Days it rests that the projection makes working days.
    pub rest: Vec<NaiveDate>,
}

impl Alternative {
    /// The alternative in the words of a notice: `另一可能：2月13日、14日上班，1月31日休息`.
    /// Like [`ProjectedDay::reason`], it is the data's own words, Chinese in every answer.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use qixian::calendar::projection::Alternative;
    /// let d = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
    /// let alternative = Alternative { work: vec![d(2, 13), d(2, 14)], rest: vec![d(1, 31)] };
    /// assert_eq!(alternative.to_chinese(), "另一可能：2月13日、14日上班，1月31日休息");
    /// ```
    pub fn to_chinese(&self) -> String {
        let mut parts = Vec::new();
        if !self.work.is_empty() {
            parts.push(format!("{}上班", date_list(&self.work)));
        }
        if !self.rest.is_empty() {
            parts.push(format!("{}休息", date_list(&self.rest)));
        }
        if parts.is_empty() {
            return "另一可能：不调休".to_owned();
        }
        format!("另一可能：{}", parts.join("，"))
    }
}

/// `2月13日、14日、3月1日`: the month is written when it changes.
fn date_list(dates: &[NaiveDate]) -> String {
    let mut out = Vec::new();
    let mut month = None;
    for date in dates {
        if month == Some(date.month()) {
            out.push(format!("{}日", date.day()));
        } else {
            out.push(month_day(*date));
            month = Some(date.month());
        }
    }
    out.join("、")
}

// ---------------------------------------------------------------------------------------------
// National: 全国年节及纪念日放假办法 and the notices' habits
// ---------------------------------------------------------------------------------------------

/// The versions of the 办法 that govern 2000–2100, named by the year of the revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    /// 国务院令第270号: 元旦 1, 春节 3 (初一–初三), 劳动节 3, 国庆节 3; no 清明, 端午, 中秋.
    Of1999,
    /// 国务院令第513号, in force 2008-01-01: 春节 除夕–初二; 劳动节 1; 清明, 端午, 中秋 added.
    Of2007,
    /// 国务院令第644号, in force 2014-01-01: 春节 初一–初三.
    Of2013,
    /// 国务院令第795号, in force 2025-01-01: 春节 除夕–初三; 劳动节 5/1–5/2.
    Of2024,
}

impl Version {
    fn in_force(year: i32) -> Self {
        match year {
            ..=2007 => Version::Of1999,
            2008..=2013 => Version::Of2007,
            2014..=2024 => Version::Of2013,
            _ => Version::Of2024,
        }
    }

    /// The version's name, as a reason cites it. The reasons are the data's own words: like a
    /// notice's source, they are Chinese in every answer.
    fn law(self) -> &'static str {
        match self {
            Version::Of1999 => "《全国年节及纪念日放假办法》1999年",
            Version::Of2007 => "《全国年节及纪念日放假办法》2007年修订",
            Version::Of2013 => "《全国年节及纪念日放假办法》2013年修订",
            Version::Of2024 => "《全国年节及纪念日放假办法》2024年修订",
        }
    }
}

/// One holiday's statutory days, each with what fixes it (`国庆节（10月2日）`).
struct Holiday {
    name: &'static str,
    days: Vec<(NaiveDate, String)>,
}

/// The national days off and makeup working days of `year` as the State Council's notice would
/// arrange them, for a year whose notice is not published.
///
/// Every statutory day of 全国年节及纪念日放假办法 as in force is a day off; each festival
/// becomes one unbroken break, and the weekdays in it beyond its statutory days are made up on
/// weekends, as the notices do (the rules and their record: `projection/arrange.rs` and DESIGN.md).
/// Under the principles published since 2025 that is: 春节 8 days from 除夕, 劳动节 5, 国庆节 7
/// (8 with 中秋节 when it falls 9/29–10/7), a one-day festival on a Wednesday alone, and no
/// more than 6 working days in a row next to a break. Years before 2025 follow the habits of
/// their era, so that the published years can be checked ([`crate::calendar::backtest`]).
///
/// The list holds only days of `year` (the last days of December from the next year's notice
/// included), in date order; for years outside [`YEARS`] it is empty.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use qixian::calendar::projection::national;
/// let d = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
/// let days = national(2027);
/// let off = |name| -> Vec<NaiveDate> {
///     days.iter().filter(|p| p.name == name && p.is_off_day).map(|p| p.date).collect()
/// };
/// // 5/1 and 5/2 are a Saturday and a Sunday: 5/1–5/5 off, Saturday 5/8 worked.
/// assert_eq!(off("劳动节"), (1..=5).map(|day| d(5, day)).collect::<Vec<_>>());
/// let may8 = days.iter().find(|p| p.date == d(5, 8)).unwrap();
/// assert!(!may8.is_off_day && may8.reason.starts_with("预估："));
/// ```
pub fn national(year: i32) -> Vec<ProjectedDay> {
    if !YEARS.contains(&year) {
        return Vec::new();
    }
    let mut days = notice_days(year, year);
    for day in notice_days(year + 1, year) {
        if !days.iter().any(|p| p.date == day.date) {
            days.push(day);
        }
    }
    days.sort_by_key(|p| p.date);
    days
}

/// The festivals of the notice for `notice` — days off and makeup days — as [`national`]
/// projects them, each with its days, for a future `GET /v1/holidays/next`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FestivalBreak {
    /// The festival, as notices name it.
    pub name: &'static str,
    /// The days off, first to last.
    pub days_off: Vec<NaiveDate>,
    /// The weekend days made working days.
    pub makeup_days: Vec<NaiveDate>,
}

/// The days of `notice`'s projected arrangement that fall in `year`.
fn notice_days(notice: i32, year: i32) -> Vec<ProjectedDay> {
    if !YEARS.contains(&notice) {
        return Vec::new();
    }
    let version = Version::in_force(notice);
    let era = arrange::Era::of(notice);
    let law = version.law();
    // Each statutory date with what fixes it; two festivals on one date both speak.
    let mut statutory: Vec<(NaiveDate, String)> = Vec::new();
    for holiday in statutory_days(notice, version) {
        for (date, what) in holiday.days {
            match statutory.iter_mut().find(|(d, _)| *d == date) {
                Some((_, earlier)) => *earlier = format!("{earlier}；又为{what}"),
                None => statutory.push((date, what)),
            }
        }
    }
    let primary = arrange::arrange(notice, 0);
    let runner_up = arrange::arrange(notice, 1);

    let mut days = Vec::new();
    for block in &primary {
        let other = runner_up.iter().find(|b| b.name == block.name);
        let alternative = other.filter(|o| *o != block).map(|o| differences(block, o));
        let status = |d: NaiveDate| status_in(block, d);
        let differs = |d: NaiveDate| other.is_some_and(|o| status_in(o, d) != status(d));
        let habit = habit(block.rule, era);
        let base = match block.rule {
            Rule::OneDay(Weekday::Mon | Weekday::Thu | Weekday::Fri) | Rule::National => {
                Confidence::High
            }
            Rule::OneDay(Weekday::Wed) if era.wednesday_alone => Confidence::High,
            _ => Confidence::Medium,
        };
        let listed = arrange::days(block.start, block.end)
            .map(|d| (d, true))
            .chain(block.makeups.iter().map(|d| (*d, false)));
        for (date, is_off_day) in listed {
            if date.year() != year {
                continue;
            }
            let fixed = statutory.iter().find(|(d, _)| *d == date);
            let low = alternative.is_some() && (differs(date) || !is_off_day);
            let confidence = match (fixed, low) {
                (Some(_), _) => Confidence::High,
                (None, true) => Confidence::Low,
                (None, false) => base,
            };
            let reason = match (fixed, is_off_day) {
                (Some((_, what)), _) => format!("预估：{what}（{law}）"),
                (None, true) => format!("预估：{}放假调休（{habit}；{law}）", block.name),
                (None, false) => format!(
                    "预估：{}调休上班（{habit}，节前节后连续工作不超过{}天；{law}）",
                    block.name, era.cap
                ),
            };
            days.push(ProjectedDay {
                date,
                name: block.name,
                is_off_day,
                statutory: fixed.is_some(),
                confidence,
                alternative: (confidence == Confidence::Low)
                    .then(|| alternative.clone())
                    .flatten(),
                reason,
            });
        }
    }
    days
}

/// A day's status under one festival's arrangement: off, worked, or as the weekend rule says.
fn status_in(block: &arrange::Block, date: NaiveDate) -> bool {
    if block.start <= date && date <= block.end {
        false
    } else if block.makeups.contains(&date) {
        true
    } else {
        !is_weekend(date)
    }
}

/// What `other` arranges otherwise than `block`: the days it works that `block` rests, with its
/// makeup days; the days it rests that `block` works.
fn differences(block: &arrange::Block, other: &arrange::Block) -> Alternative {
    let first = block.start.min(other.start).min(
        block
            .makeups
            .iter()
            .chain(&other.makeups)
            .min()
            .copied()
            .unwrap_or(block.start),
    );
    let last = block.end.max(other.end).max(
        block
            .makeups
            .iter()
            .chain(&other.makeups)
            .max()
            .copied()
            .unwrap_or(block.end),
    );
    let mut alternative = Alternative {
        work: Vec::new(),
        rest: Vec::new(),
    };
    for date in arrange::days(first, last) {
        let (ours, theirs) = (status_in(block, date), status_in(other, date));
        if theirs && (!ours || other.makeups.contains(&date)) {
            alternative.work.push(date);
        } else if !theirs && ours {
            alternative.rest.push(date);
        }
    }
    alternative
}

/// The habit a block's non-statutory days follow, as a reason cites it.
fn habit(rule: Rule, era: arrange::Era) -> String {
    match rule {
        Rule::OneDay(weekday) => format!(
            "节日逢{}，按历年通知惯例",
            [
                "星期一",
                "星期二",
                "星期三",
                "星期四",
                "星期五",
                "星期六",
                "星期日"
            ][weekday.num_days_from_monday() as usize]
        ),
        Rule::NewYearThreeDays => "按2009至2013年通知惯例，1月1日至3日放假".to_owned(),
        Rule::Spring => format!("按惯例自除夕起放假调休{}天", era.spring_days),
        Rule::LabourFiveDays => "按惯例劳动节放假调休5天".to_owned(),
        Rule::LabourWeek => "按惯例劳动节放假7天".to_owned(),
        Rule::National => "按惯例国庆节自10月1日起放假调休7天".to_owned(),
        Rule::Merged => "按惯例国庆节逢中秋节合并放假调休8天".to_owned(),
    }
}

/// The festival break that holds `from`, or else the first that begins after it, on the
/// projected national arrangement — the estimate [`crate::calendar::Calendar::next_break`] falls
/// back to. `None` after 2100.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use qixian::calendar::projection::next_break;
/// let d = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
/// let labour = next_break(d(4, 10)).unwrap();
/// assert_eq!(labour.name, "劳动节");
/// assert_eq!(labour.days_off.first(), Some(&d(5, 1)));
/// assert_eq!(labour.makeup_days, [d(5, 8)]);
/// ```
pub fn next_break(from: NaiveDate) -> Option<FestivalBreak> {
    (from.year()..=*YEARS.end()).find_map(|notice| {
        arrange::arrange(notice, 0)
            .into_iter()
            .find(|b| b.end >= from)
            .map(|b| FestivalBreak {
                name: b.name,
                days_off: arrange::days(b.start, b.end).collect(),
                makeup_days: b.makeups,
            })
    })
}
/// The statutory days of 全国年节及纪念日放假办法 in `year` — no 补假 — with each day's holiday:
/// the days every national notice of that year lists as days off, whatever else it arranges.
///
/// # Example
/// ```
/// use qixian::calendar::projection::statutory;
/// let days = statutory(2027);
/// assert_eq!(days.len(), 13, "元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆节 3");
/// assert!(days.iter().any(|(d, name)| d.to_string() == "2027-10-01" && *name == "国庆节"));
/// ```
pub fn statutory(year: i32) -> Vec<(NaiveDate, &'static str)> {
    if !YEARS.contains(&year) {
        return Vec::new();
    }
    let mut days: Vec<(NaiveDate, &'static str)> = statutory_days(year, Version::in_force(year))
        .into_iter()
        .flat_map(|h| h.days.into_iter().map(move |(date, _)| (date, h.name)))
        .filter(|(date, _)| date.year() == year)
        .collect();
    days.sort();
    days
}

/// The statutory days of each holiday in `year` under `version`.
fn statutory_days(year: i32, version: Version) -> Vec<Holiday> {
    let fixed = |month: u32, days: RangeInclusive<u32>, name: &'static str| Holiday {
        name,
        days: days
            .filter_map(|day| NaiveDate::from_ymd_opt(year, month, day))
            .map(|date| (date, format!("{name}（{}）", month_day(date))))
            .collect(),
    };
    let lunar = |month: u8, day: u8, name: &'static str, label: &str| Holiday {
        name,
        days: chinese_date(year, month, day)
            .map(|date| (date, format!("{label}，按农历推算")))
            .into_iter()
            .collect(),
    };

    let mut holidays = vec![fixed(1, 1..=1, "元旦")];

    // 春节: days counted from 正月初一 (0); −1 is 除夕, the last day of the year before.
    let spring = match version {
        Version::Of1999 | Version::Of2013 => 0..=2,
        Version::Of2007 => -1..=1,
        Version::Of2024 => -1..=2,
    };
    let labels = ["除夕", "初一", "初二", "初三"];
    let new_year = chinese_date(year, 1, 1);
    holidays.push(Holiday {
        name: "春节",
        days: spring
            .filter_map(|offset: i64| {
                let date = new_year?.checked_add_signed(chrono::Duration::days(offset))?;
                let label = labels[usize::try_from(offset + 1).ok()?];
                Some((date, format!("春节（{label}），按农历推算")))
            })
            .collect(),
    });

    if version != Version::Of1999 {
        holidays.push(Holiday {
            name: "清明节",
            days: qingming(year)
                .map(|date| {
                    (
                        date,
                        "清明节，按清明节气（太阳视黄经15°，北京时间）推算".to_owned(),
                    )
                })
                .into_iter()
                .collect(),
        });
    }

    holidays.push(match version {
        Version::Of1999 => fixed(5, 1..=3, "劳动节"),
        Version::Of2007 | Version::Of2013 => fixed(5, 1..=1, "劳动节"),
        Version::Of2024 => fixed(5, 1..=2, "劳动节"),
    });

    if version != Version::Of1999 {
        holidays.push(lunar(5, 5, "端午节", "端午节（五月初五）"));
        holidays.push(lunar(8, 15, "中秋节", "中秋节（八月十五）"));
    }

    holidays.push(fixed(10, 1..=3, "国庆节"));
    holidays
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn weekday_name(date: NaiveDate) -> &'static str {
    if date.weekday() == Weekday::Sat {
        "星期六"
    } else {
        "星期日"
    }
}

fn month_day(date: NaiveDate) -> String {
    format!("{}月{}日", date.month(), date.day())
}

// ---------------------------------------------------------------------------------------------
// Calendar conversions (ICU4X)
// ---------------------------------------------------------------------------------------------

fn from_rata_die(rd: RataDie) -> Option<NaiveDate> {
    // Both count 0001-01-01 as day 1.
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(rd.to_i64_date()).ok()?)
}

fn to_rata_die(date: NaiveDate) -> RataDie {
    RataDie::new(i64::from(date.num_days_from_ce()))
}

/// The Gregorian date of `month`/`day` (never a leap month) of the Chinese year that begins in
/// the Gregorian `year`.
fn chinese_date(year: i32, month: u8, day: u8) -> Option<NaiveDate> {
    let date = Date::try_new_chinese_traditional(year, Month::new(month), day).ok()?;
    from_rata_die(date.to_rata_die())
}

// ---------------------------------------------------------------------------------------------
// 清明: the day the apparent solar longitude reaches 15°, Beijing time
// ---------------------------------------------------------------------------------------------

/// The 清明 solar term of `year`: the Beijing-time date on which the sun's apparent geocentric
/// ecliptic longitude reaches 15°.
///
/// It reproduces the 清明 of every published year 2008–2026 and the almanacs' dates 2000–2030
/// (2023: 09:13, 2024: 15:02 Beijing time). The closest call in 2000–2100 is 2071, ten minutes
/// after midnight (test `qingming_is_never_within_minutes_of_midnight_without_saying_so`).
/// `None` only if the year is so far from 2000 that the search window misses the term.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use qixian::calendar::projection::qingming;
/// assert_eq!(qingming(2026), NaiveDate::from_ymd_opt(2026, 4, 5), "02:40 Beijing time");
/// assert_eq!(qingming(2028), NaiveDate::from_ymd_opt(2028, 4, 4));
/// ```
pub fn qingming(year: i32) -> Option<NaiveDate> {
    let moment = qingming_moment(year)?;
    // Julian dates start at noon: +0.5 gives the civil day in UT, +8 h the day in Beijing.
    julian_day_to_date((moment + 0.5 + 8.0 / 24.0).floor())
}

/// The Julian day (UT) at which the apparent solar longitude reaches 15° in `year`.
fn qingming_moment(year: i32) -> Option<f64> {
    // 清明 falls on April 4–6; the sun moves about 1° a day, so 15° lies between March 30
    // (about 10°) and April 10 (about 20°), where the longitude grows without wrapping past 360.
    let mut lo = julian_day(NaiveDate::from_ymd_opt(year, 3, 30)?) - 0.5;
    let mut hi = julian_day(NaiveDate::from_ymd_opt(year, 4, 10)?) - 0.5;
    if !(apparent_solar_longitude(lo) < 15.0 && apparent_solar_longitude(hi) > 15.0) {
        return None;
    }
    // 50 halvings of 11 days is far below a second.
    for _ in 0..50 {
        let mid = (lo + hi) / 2.0;
        if apparent_solar_longitude(mid) < 15.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some((lo + hi) / 2.0)
}

/// The Julian day number of `date` (the Julian date of its noon).
fn julian_day(date: NaiveDate) -> f64 {
    // 2000-01-01 is Julian day 2451545.
    f64::from(2_451_545 + (date.num_days_from_ce() - 730_120))
}

fn julian_day_to_date(jdn: f64) -> Option<NaiveDate> {
    let days = jdn as i64 - 2_451_545 + 730_120;
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(days).ok()?)
}

/// ΔT = TT − UT in seconds: Espenak and Meeus's polynomials (NASA, *Five Millennium Canon of
/// Solar Eclipses*, 2006) for 1986–2150. Future values are predictions good to a minute or two,
/// which matters only for a 清明 within minutes of midnight.
fn delta_t_seconds(year: f64) -> f64 {
    let t = year - 2000.0;
    if year < 2005.0 {
        63.86 + 0.3345 * t - 0.060374 * t.powi(2)
            + 0.0017275 * t.powi(3)
            + 0.000651814 * t.powi(4)
            + 0.00002373599 * t.powi(5)
    } else if year < 2050.0 {
        62.92 + 0.32217 * t + 0.005589 * t * t
    } else {
        let u = (year - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u - 0.5628 * (2150.0 - year)
    }
}

/// The sun's apparent geocentric ecliptic longitude, in degrees, at Julian day `jd_ut` (UT).
///
/// This is `solar-longitude` of Reingold and Dershowitz, *Calendrical Calculations* (4th ed.,
/// 2018, §14.4; the routine ICU4X's Chinese calendar uses), after Bretagnon and Simon, *Planetary
/// Programs and Tables from −4000 to +2800* (1986): a 49-term periodic series for the true
/// longitude, plus aberration and nutation. Its error is well under a minute of arc, i.e. under
/// a minute of time for a solar term.
fn apparent_solar_longitude(jd_ut: f64) -> f64 {
    // (amplitude, phase in degrees, rate in degrees per Julian century)
    const TERMS: [(f64, f64, f64); 49] = [
        (403406.0, 270.54861, 0.9287892),
        (195207.0, 340.19128, 35999.1376958),
        (119433.0, 63.91854, 35999.4089666),
        (112392.0, 331.26220, 35998.7287385),
        (3891.0, 317.843, 71998.20261),
        (2819.0, 86.631, 71998.4403),
        (1721.0, 240.052, 36000.35726),
        (660.0, 310.26, 71997.4812),
        (350.0, 247.23, 32964.4678),
        (334.0, 260.87, -19.4410),
        (314.0, 297.82, 445267.1117),
        (268.0, 343.14, 45036.8840),
        (242.0, 166.79, 3.1008),
        (234.0, 81.53, 22518.4434),
        (158.0, 3.50, -19.9739),
        (132.0, 132.75, 65928.9345),
        (129.0, 182.95, 9038.0293),
        (114.0, 162.03, 3034.7684),
        (99.0, 29.8, 33718.148),
        (93.0, 266.4, 3034.448),
        (86.0, 249.2, -2280.773),
        (78.0, 157.6, 29929.992),
        (72.0, 257.8, 31556.493),
        (68.0, 185.1, 149.588),
        (64.0, 69.9, 9037.750),
        (46.0, 8.0, 107997.405),
        (38.0, 197.1, -4444.176),
        (37.0, 250.4, 151.771),
        (32.0, 65.3, 67555.316),
        (29.0, 162.7, 31556.080),
        (28.0, 341.5, -4561.540),
        (27.0, 291.6, 107996.706),
        (27.0, 98.5, 1221.655),
        (25.0, 146.7, 62894.167),
        (24.0, 110.0, 31437.369),
        (21.0, 5.2, 14578.298),
        (21.0, 342.6, -31931.757),
        (20.0, 230.9, 34777.243),
        (18.0, 256.1, 1221.999),
        (17.0, 45.3, 62894.511),
        (14.0, 242.9, -4442.039),
        (13.0, 115.2, 107997.909),
        (13.0, 151.8, 119.066),
        (13.0, 285.3, 16859.071),
        (12.0, 53.3, -4.578),
        (10.0, 126.6, 26895.292),
        (10.0, 205.7, -39.127),
        (10.0, 85.9, 12297.536),
        (10.0, 146.1, 90073.778),
    ];
    let year = 2000.0 + (jd_ut - 2_451_545.0) / 365.25;
    let jd_tt = jd_ut + delta_t_seconds(year) / 86_400.0;
    // Julian centuries of dynamical time since J2000.0.
    let c = (jd_tt - 2_451_545.0) / 36_525.0;
    let series: f64 = TERMS
        .iter()
        .map(|&(x, y, z)| x * (y + z * c).to_radians().sin())
        .sum();
    // The amplitudes are in units of 10⁻⁷ radian; 0.000005729577951308232 converts to degrees.
    let longitude = 282.7771834 + 36000.76953744 * c + 0.000005729577951308232 * series;
    let aberration = 0.0000974 * (177.63 + 35999.01848 * c).to_radians().cos() - 0.005575;
    let nutation = {
        let a = 124.90 - 1934.134 * c + 0.002063 * c * c;
        let b = 201.11 + 72001.5377 * c + 0.00057 * c * c;
        -0.004778 * a.to_radians().sin() - 0.0003667 * b.to_radians().sin()
    };
    (longitude + aberration + nutation).rem_euclid(360.0)
}

// ---------------------------------------------------------------------------------------------
// Xinjiang: 肉孜节 and 古尔邦节
// ---------------------------------------------------------------------------------------------

struct Festival {
    name: &'static str,
    /// Month and day in the Hijri calendar.
    month: u8,
    day: u8,
    hijri: &'static str,
}

const FESTIVALS: [Festival; 2] = [
    Festival {
        name: "肉孜节",
        month: 10,
        day: 1,
        hijri: "十月（闪瓦鲁月）一日",
    },
    Festival {
        name: "古尔邦节",
        month: 12,
        day: 10,
        hijri: "十二月（都尔黑哲月）十日",
    },
];

/// 肉孜节 and 古尔邦节 for `year`, on the projected national calendar of [`national`].
///
/// See [`xinjiang_on`], which takes the national calendar as the data have it.
///
/// # Example
/// ```
/// use chrono::NaiveDate;
/// use qixian::calendar::projection::xinjiang;
/// let d = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
/// let days = xinjiang(2027);
/// let of = |name| -> Vec<NaiveDate> {
///     days.iter().filter(|p| p.name == name).map(|p| p.date).collect()
/// };
/// assert_eq!(of("肉孜节"), [d(3, 9)]);
/// // 10 Dhu al-Hijjah 1448 is Sunday 5/16: one day more, 5/16–5/19.
/// assert_eq!(of("古尔邦节"), [d(5, 16), d(5, 17), d(5, 18), d(5, 19)]);
/// ```
pub fn xinjiang(year: i32) -> Vec<ProjectedDay> {
    let national_days: Vec<ProjectedDay> = (year - 1..=year + 1).flat_map(national).collect();
    xinjiang_on(year, &|date| {
        national_days
            .iter()
            .find(|p| p.date == date)
            .map(|p| p.is_off_day)
    })
}

/// 肉孜节 and 古尔邦节 for `year` as Xinjiang arranges them, on a national calendar where
/// `national(date)` is `Some(true)` for a day a national notice gives off, `Some(false)` for one
/// it makes a working day, and `None` for a day the weekend rule decides.
///
/// The festival day is its Umm al-Qura date F (1 Shawwal, 10 Dhu al-Hijjah): the days off of
/// every known year fit it (the backtest, [`crate::calendar::backtest`]). The region's habit
/// (新疆维吾尔自治区少数民族习惯节日放假办法: 肉孜节 1 day, 古尔邦节 3):
/// - 肉孜节: F if it is a national working day; a Saturday gives the Friday before (2023, 2026);
///   a Sunday or a day in a national break gives the first national working day after it (2017,
///   2025; 2022).
/// - 古尔邦节: F, F+1, F+2, and one more day for each of them that is a weekend or national
///   day off, on the next national working days (2016, 2022, 2024, 2025).
///
/// The region has named the day after the Umm al-Qura date as its festival day (2022, 2023,
/// 2026); where that would give other days off the days are `Low`, with the alternative.
/// Only days of `year` are listed, in date order (a festival day on a national day off too: the
/// region names it so). Empty outside [`YEARS`].
///
/// # Example
/// ```
/// use chrono::{Datelike, NaiveDate, Weekday};
/// use qixian::calendar::Confidence;
/// use qixian::calendar::projection::xinjiang_on;
/// let d = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
/// // 2025 on the weekend rule alone: 1 Shawwal 1446 is Sunday 3/30, so Monday 3/31 is off.
/// let days = xinjiang_on(2025, &|_| None);
/// let fitr: Vec<NaiveDate> = days.iter().filter(|p| p.name == "肉孜节").map(|p| p.date).collect();
/// assert_eq!(fitr, [d(3, 30), d(3, 31)]);
/// ```
pub fn xinjiang_on(year: i32, national: &dyn Fn(NaiveDate) -> Option<bool>) -> Vec<ProjectedDay> {
    if !YEARS.contains(&year) {
        return Vec::new();
    }
    let umm_al_qura = Hijri::new_umm_al_qura();
    let hijri_year = |date: NaiveDate| {
        Date::from_rata_die(to_rata_die(date), umm_al_qura)
            .year()
            .extended_year()
    };
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Vec::new();
    };
    let national_off = |date: NaiveDate| national(date).unwrap_or_else(|| is_weekend(date));

    let mut days = Vec::new();
    // A Gregorian year overlaps two or three Hijri years; the one before catches a 古尔邦节 that
    // begins in late December of the year before.
    for hijri in hijri_year(first) - 1..=hijri_year(last) {
        for festival in &FESTIVALS {
            let Ok(date) =
                Date::try_new_hijri_with_calendar(hijri, festival.month, festival.day, umm_al_qura)
            else {
                continue;
            };
            let Some(day) = from_rata_die(date.to_rata_die()) else {
                continue;
            };
            let primary = festival_days(festival, day, &national_off);
            let runner_up = day
                .succ_opt()
                .map(|next| festival_days(festival, next, &national_off))
                .unwrap_or_default();
            let alternative = alternative_of(&primary, &runner_up, &national_off);
            let sure = alternative.work.is_empty() && alternative.rest.is_empty();
            for (date, why) in primary {
                if date.year() != year {
                    continue;
                }
                days.push(ProjectedDay {
                    date,
                    name: festival.name,
                    is_off_day: true,
                    statutory: false,
                    confidence: if sure {
                        Confidence::High
                    } else {
                        Confidence::Low
                    },
                    alternative: (!sure).then(|| alternative.clone()),
                    reason: format!(
                        "预估：{}，伊斯兰历（乌姆古拉历）{hijri}年{}；{why}（《新疆维吾尔自治区少数民族习惯节日放假办法》）",
                        festival.name, festival.hijri
                    ),
                });
            }
        }
    }
    days.sort_by_key(|p| p.date);
    days.dedup_by_key(|p| p.date);
    days
}

/// How the festival's days would differ were it a day later (`runner_up` against `primary`):
/// the days then worked and the days then rested, `national_off` saying which other days are
/// off.
fn alternative_of(
    primary: &[(NaiveDate, String)],
    runner_up: &[(NaiveDate, String)],
    national_off: &dyn Fn(NaiveDate) -> bool,
) -> Alternative {
    let off_in = |list: &[(NaiveDate, String)], d: NaiveDate| {
        list.iter().any(|(x, _)| *x == d) || national_off(d)
    };
    let mut alternative = Alternative {
        work: Vec::new(),
        rest: Vec::new(),
    };
    let mut span: Vec<NaiveDate> = primary.iter().chain(runner_up).map(|(d, _)| *d).collect();
    span.sort();
    span.dedup();
    for d in span {
        match (off_in(primary, d), off_in(runner_up, d)) {
            (true, false) => alternative.work.push(d),
            (false, true) => alternative.rest.push(d),
            _ => {}
        }
    }
    alternative
}

/// The Umm al-Qura dates of 肉孜节 (1 Shawwal) and 古尔邦节 (10 Dhu al-Hijjah) in `year`.
pub fn festival_dates(year: i32) -> Vec<(&'static str, NaiveDate)> {
    let umm_al_qura = Hijri::new_umm_al_qura();
    let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
        return Vec::new();
    };
    let hijri = Date::from_rata_die(to_rata_die(first), umm_al_qura)
        .year()
        .extended_year();
    let mut dates: Vec<(&'static str, NaiveDate)> = (hijri..=hijri + 1)
        .flat_map(|h| FESTIVALS.iter().map(move |f| (h, f)))
        .filter_map(|(h, f)| {
            let date = Date::try_new_hijri_with_calendar(h, f.month, f.day, umm_al_qura).ok()?;
            Some((f.name, from_rata_die(date.to_rata_die())?))
        })
        .filter(|(_, d)| d.year() == year)
        .collect();
    dates.sort_by_key(|(_, d)| *d);
    dates
}

/// The days off of `festival` whose day is `day`, each with why, by the region's habit.
fn festival_days(
    festival: &Festival,
    day: NaiveDate,
    national_off: &dyn Fn(NaiveDate) -> bool,
) -> Vec<(NaiveDate, String)> {
    let next_working = |mut date: NaiveDate| {
        // A national working day is always found within a few weeks; the bound keeps a logic
        // error finite.
        for _ in 0..40 {
            date = date + Days::new(1);
            if !national_off(date) {
                break;
            }
        }
        date
    };
    let what = |d: NaiveDate| {
        if is_weekend(d) {
            weekday_name(d)
        } else {
            "全国假日"
        }
    };
    if festival.month == 10 {
        if !national_off(day) {
            return vec![(day, "节日当天放假".to_owned())];
        }
        let friday = day.pred_opt().filter(|f| !national_off(*f));
        if let (Weekday::Sat, Some(friday)) = (day.weekday(), friday) {
            return vec![
                (friday, "节日逢星期六，提前于星期五放假".to_owned()),
                (day, "节日".to_owned()),
            ];
        }
        let moved = next_working(day);
        return vec![
            (day, "节日".to_owned()),
            (
                moved,
                format!("节日逢{}，顺延至其后第一个工作日放假", what(day)),
            ),
        ];
    }
    let mut days: Vec<(NaiveDate, String)> = (0..3)
        .map(|n| (day + Days::new(n), format!("节日（共3天，第{}天）", n + 1)))
        .collect();
    let lost = days.iter().filter(|(d, _)| national_off(*d)).count();
    let mut last = day + Days::new(2);
    for _ in 0..lost {
        last = next_working(last);
        days.push((last, "节日中逢周末或全国假日的天数顺延补休".to_owned()));
    }
    days
}
#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::calendar::DataSet;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn published(data: &DataSet, calendar: &str, year: i32) -> BTreeMap<NaiveDate, (String, bool)> {
        data.get(calendar, year)
            .map(|f| {
                f.file
                    .days
                    .iter()
                    .map(|e| (e.date, (e.name.clone(), e.is_off_day)))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn embedded() -> DataSet {
        DataSet::embedded().expect("embedded data are valid")
    }

    fn dates_of(days: &[ProjectedDay], name: &str) -> Vec<NaiveDate> {
        days.iter()
            .filter(|p| p.name.contains(name))
            .map(|p| p.date)
            .collect()
    }

    #[test]
    fn the_lunar_holidays_fall_on_the_published_dates() {
        let data = embedded();
        // (year, holiday, what fixes the day, the date that notice gives the holiday)
        let cases = [
            (2009, "春节", "春节（初一）", d(2009, 1, 26)),
            (2015, "春节", "春节（初一）", d(2015, 2, 19)),
            (2019, "春节", "春节（初一）", d(2019, 2, 5)),
            (2024, "春节", "春节（初一）", d(2024, 2, 10)),
            (2026, "春节", "春节（初一）", d(2026, 2, 17)),
            (2008, "端午节", "端午节（五月初五）", d(2008, 6, 8)),
            (2016, "端午节", "端午节（五月初五）", d(2016, 6, 9)),
            (2023, "端午节", "端午节（五月初五）", d(2023, 6, 22)),
            (2026, "端午节", "端午节（五月初五）", d(2026, 6, 19)),
            (2009, "中秋节", "中秋节（八月十五）", d(2009, 10, 3)),
            (2018, "中秋节", "中秋节（八月十五）", d(2018, 9, 24)),
            (2020, "中秋节", "中秋节（八月十五）", d(2020, 10, 1)),
            (2025, "中秋节", "中秋节（八月十五）", d(2025, 10, 6)),
            (2026, "中秋节", "中秋节（八月十五）", d(2026, 9, 25)),
        ];
        for (year, name, label, expected) in cases {
            let projected: Vec<NaiveDate> = national(year)
                .into_iter()
                .filter(|p| p.reason.contains(label) && !p.reason.contains("补假"))
                .map(|p| p.date)
                .collect();
            assert_eq!(projected, [expected], "{year} {label}: expected {expected}");
            let cn = published(&data, "cn", year);
            assert!(
                matches!(cn.get(&expected), Some((n, true)) if n.contains(name)),
                "{year} {name}: {expected} should be a published {name} day off, found {:?}",
                cn.get(&expected)
            );
        }
    }

    #[test]
    fn qingming_is_a_published_qingming_day_off_in_every_year_from_2008_to_2026() {
        let data = embedded();
        for year in 2008..=2026 {
            let date = qingming(year).expect("清明 computes");
            let cn = published(&data, "cn", year);
            assert!(
                matches!(cn.get(&date), Some((n, true)) if n == "清明节"),
                "{year}: computed 清明 {date} should be a published 清明节 day off, found {:?}",
                cn.get(&date)
            );
        }
    }

    #[test]
    fn qingming_matches_the_printed_solar_term_dates() {
        // The 清明 day as every Chinese almanac prints it, 2000–2030.
        let april_5 = [
            2001, 2002, 2003, 2005, 2006, 2007, 2010, 2011, 2014, 2015, 2018, 2019, 2022, 2023,
            2026, 2027, 2030,
        ];
        for year in 2000..=2030 {
            let expected = if april_5.contains(&year) {
                d(year, 4, 5)
            } else {
                d(year, 4, 4)
            };
            assert_eq!(qingming(year), Some(expected), "清明 of {year}");
        }
    }

    #[test]
    fn qingming_is_never_within_minutes_of_midnight_without_saying_so() {
        // Years whose 清明 falls within 15 minutes of Beijing midnight, where an error in the
        // predicted ΔT or in the series could move the day. The test fails if another year comes
        // that close. 2071: 00:10 on April 5, the closest call of 2000–2100 (next: 2042, 23:40).
        let close = [2071];
        for year in YEARS {
            let moment = qingming_moment(year).expect("清明 computes");
            let beijing = moment + 0.5 + 8.0 / 24.0;
            let minutes = (beijing - beijing.round()).abs() * 1440.0;
            assert!(
                minutes >= 15.0 || close.contains(&year),
                "清明 {year} is {minutes:.1} minutes from Beijing midnight"
            );
        }
    }

    #[test]
    fn the_1999_law_governs_2000_to_2007_and_the_reason_says_so() {
        let days = national(2005);
        assert!(
            days.iter()
                .all(|p| p.reason.contains("《全国年节及纪念日放假办法》1999年")),
            "every 2005 reason names the 1999 办法"
        );
        let names: Vec<&str> = days.iter().map(|p| p.name).collect();
        assert!(
            !names.contains(&"清明节") && !names.contains(&"端午节") && !names.contains(&"中秋节"),
            "no 清明, 端午, 中秋 before 2008: {names:?}"
        );
        let labour = dates_of(&days, "劳动节");
        assert!(
            [d(2005, 5, 1), d(2005, 5, 2), d(2005, 5, 3)]
                .iter()
                .all(|day| labour.contains(day)),
            "劳动节 5/1–5/3 under the 1999 办法: {labour:?}"
        );
    }

    #[test]
    fn every_year_from_2000_to_2100_projects_in_date_order_with_every_statutory_day() {
        for year in YEARS {
            let version = Version::in_force(year);
            let expected_statutory = match version {
                Version::Of1999 => 10,
                Version::Of2007 | Version::Of2013 => 11,
                Version::Of2024 => 13,
            };
            let statutory: usize = statutory_days(year, version)
                .iter()
                .map(|h| h.days.len())
                .sum();
            assert_eq!(
                statutory, expected_statutory,
                "{year}: every statutory day computes"
            );
            for (what, days) in [("national", national(year)), ("xinjiang", xinjiang(year))] {
                assert!(
                    days.windows(2).all(|w| w[0].date < w[1].date),
                    "{year} {what}: strictly in date order: {:?}",
                    days.windows(2)
                        .filter(|w| w[0].date >= w[1].date)
                        .collect::<Vec<_>>()
                );
                assert!(
                    days.iter().all(|p| p.date.year() == year),
                    "{year} {what}: only days of the year"
                );
                assert!(
                    days.iter().all(|p| p.reason.starts_with("预估：")),
                    "{year} {what}: every reason says estimated"
                );
            }
            let national_days = national(year).len();
            assert!(
                national_days >= expected_statutory,
                "{year}: at least the {expected_statutory} statutory dates, found {national_days}"
            );
            let xj = xinjiang(year);
            assert!(
                (1..=12).contains(&xj.len()),
                "{year}: 肉孜节 and 古尔邦节, found {} days",
                xj.len()
            );
            let statutory_off = national(year)
                .iter()
                .filter(|p| p.statutory && p.is_off_day)
                .count();
            assert!(
                statutory_off + 1
                    >= statutory_days(year, version)
                        .iter()
                        .flat_map(|h| h.days.iter().filter(|(d, _)| d.year() == year))
                        .count(),
                "{year}: every statutory day is an off day marked statutory"
            );
        }
        assert!(national(1999).is_empty(), "1999 is not supported");
        assert!(xinjiang(2101).is_empty(), "2101 is not supported");
    }

    #[test]
    fn the_supported_years_are_the_calendars_range() {
        use crate::calendar::{FIRST_DAY, LAST_DAY};
        assert_eq!(
            YEARS,
            FIRST_DAY.year()..=LAST_DAY.year(),
            "projection covers exactly the calendars' years"
        );
    }

    fn off_and_worked(days: &[ProjectedDay]) -> (Vec<NaiveDate>, Vec<NaiveDate>) {
        let pick = |off: bool| {
            days.iter()
                .filter(|p| p.is_off_day == off)
                .map(|p| p.date)
                .collect()
        };
        (pick(true), pick(false))
    }

    fn span(y: i32, (m1, d1): (u32, u32), (m2, d2): (u32, u32)) -> Vec<NaiveDate> {
        arrange::days(d(y, m1, d1), d(y, m2, d2)).collect()
    }

    #[test]
    fn the_whole_of_2026_is_projected_as_its_notice_arranged_it() {
        // From holidays/cn/2026.json: 33 days off, 6 makeup working days.
        let expected_off: Vec<NaiveDate> = [
            span(2026, (1, 1), (1, 3)),   // 元旦 3
            span(2026, (2, 15), (2, 23)), // 春节 9
            span(2026, (4, 4), (4, 6)),   // 清明节 3
            span(2026, (5, 1), (5, 5)),   // 劳动节 5
            span(2026, (6, 19), (6, 21)), // 端午节 3
            span(2026, (9, 25), (9, 27)), // 中秋节 3
            span(2026, (10, 1), (10, 7)), // 国庆节 7
        ]
        .concat();
        assert_eq!(expected_off.len(), 33, "33 days off in the file");
        let expected_worked = [
            d(2026, 1, 4),
            d(2026, 2, 14),
            d(2026, 2, 28),
            d(2026, 5, 9),
            d(2026, 9, 20),
            d(2026, 10, 10),
        ];
        let (off, worked) = off_and_worked(&national(2026));
        assert_eq!(off, expected_off, "2026 days off as published");
        assert_eq!(worked, expected_worked, "2026 makeup days as published");
    }

    #[test]
    fn the_whole_of_2025_is_projected_as_its_notice_arranged_it() {
        // From holidays/cn/2025.json: 28 days off, 5 makeup working days.
        let expected_off: Vec<NaiveDate> = [
            vec![d(2025, 1, 1)],          // 元旦 on a Wednesday: that day only
            span(2025, (1, 28), (2, 4)),  // 春节 8 from 除夕
            span(2025, (4, 4), (4, 6)),   // 清明节 3
            span(2025, (5, 1), (5, 5)),   // 劳动节 5
            span(2025, (5, 31), (6, 2)),  // 端午节 3
            span(2025, (10, 1), (10, 8)), // 国庆节、中秋节 8
        ]
        .concat();
        assert_eq!(expected_off.len(), 28, "28 days off in the file");
        let expected_worked = [
            d(2025, 1, 26),
            d(2025, 2, 8),
            d(2025, 4, 27),
            d(2025, 9, 28),
            d(2025, 10, 11),
        ];
        let (off, worked) = off_and_worked(&national(2025));
        assert_eq!(off, expected_off, "2025 days off as published");
        assert_eq!(worked, expected_worked, "2025 makeup days as published");
    }

    #[test]
    fn the_2026_national_day_makeup_is_the_sunday_before_the_mid_autumn_break() {
        // 9/26–9/27 are inside 中秋节's break, so the nearest free Sunday is 9/20.
        let days = national(2026);
        let worked = |date| days.iter().any(|p| p.date == date && !p.is_off_day);
        assert!(worked(d(2026, 9, 20)), "9/20 is worked for 国庆节");
        assert!(
            !worked(d(2026, 9, 27)),
            "9/27 is 中秋节's day off, not worked"
        );
    }

    #[test]
    fn the_2026_spring_festival_runs_nine_days_with_the_14th_and_28th_worked() {
        // 除夕 2/16 is a Monday: Sat 2/14 + Sun 2/15 worked would make 7 days in a row from
        // 2/9, over the cap of 6, so 2/14 is worked and 2/15 joins the break (2/15–2/23).
        let days = national(2026);
        let (off, worked) = off_and_worked(
            &days
                .into_iter()
                .filter(|p| p.name == "春节")
                .collect::<Vec<_>>(),
        );
        assert_eq!(off, span(2026, (2, 15), (2, 23)), "9 days off");
        assert_eq!(worked, [d(2026, 2, 14), d(2026, 2, 28)], "two makeup days");
    }

    #[test]
    fn national_day_2027_follows_2021_which_also_began_on_a_friday() {
        // 2021.json: 10/1 (Fri)–10/7 off, Sun 9/26 and Sat 10/9 worked; 中秋 2021 was 9/21,
        // 2027's is 9/15 — neither merges. Same weekdays six years on.
        let days: Vec<ProjectedDay> = national(2027)
            .into_iter()
            .filter(|p| p.name == "国庆节")
            .collect();
        let (off, worked) = off_and_worked(&days);
        assert_eq!(off, span(2027, (10, 1), (10, 7)), "10/1–10/7 as in 2021");
        assert_eq!(
            worked,
            [d(2027, 9, 26), d(2027, 10, 9)],
            "Sun before, Sat after"
        );
        let in_2021: Vec<(u32, u32)> = published(&embedded(), "cn", 2021)
            .iter()
            .filter(|(_, (name, _))| name == "国庆节")
            .map(|(date, _)| (date.month(), date.day()))
            .collect();
        let in_2027: Vec<(u32, u32)> = days
            .iter()
            .map(|p| (p.date.month(), p.date.day()))
            .collect();
        assert_eq!(in_2027, in_2021, "the 2021 pattern, date for date");
    }

    #[test]
    fn the_2027_spring_festival_says_how_sure_it_is_and_what_else_may_come() {
        // 除夕 2/5 (Fri): 8 days to 2/12; 6 weekdays − 4 statutory = 2 makeups. Sat 2/13 + Sun
        // 2/14 worked would make 7 in a row to 2/19, so 2/13 rests and 1/31 is worked.
        let days = national(2027);
        let spring: Vec<ProjectedDay> = days.into_iter().filter(|p| p.name == "春节").collect();
        let (off, worked) = off_and_worked(&spring);
        assert_eq!(off, span(2027, (2, 5), (2, 13)), "9 days off");
        assert_eq!(worked, [d(2027, 1, 31), d(2027, 2, 14)], "makeups");
        let low: Vec<NaiveDate> = spring
            .iter()
            .filter(|p| p.confidence == Confidence::Low)
            .map(|p| p.date)
            .collect();
        assert_eq!(
            low,
            [d(2027, 1, 31), d(2027, 2, 13), d(2027, 2, 14)],
            "low days"
        );
        let statutory: Vec<NaiveDate> = spring
            .iter()
            .filter(|p| p.statutory)
            .map(|p| p.date)
            .collect();
        assert_eq!(statutory, span(2027, (2, 5), (2, 8)), "除夕–初三");
        assert!(
            spring
                .iter()
                .filter(|p| p.statutory)
                .all(|p| p.confidence == Confidence::High),
            "statutory days are sure"
        );
        let alternative = spring
            .iter()
            .find(|p| p.date == d(2027, 2, 13))
            .and_then(|p| p.alternative.clone())
            .expect("a low day has an alternative");
        assert_eq!(
            alternative.to_chinese(),
            "另一可能：2月13日、14日上班，1月31日休息"
        );
    }

    #[test]
    fn a_wednesday_festival_is_that_day_alone_under_the_principles() {
        // 2025.json: 元旦 2025-01-01 (Wed) is the only 元旦 day, no makeup.
        let days: Vec<ProjectedDay> = national(2025)
            .into_iter()
            .filter(|p| p.name == "元旦")
            .collect();
        assert_eq!(
            off_and_worked(&days),
            (vec![d(2025, 1, 1)], vec![]),
            "1/1 only"
        );
    }

    /// Xinjiang's projection on the published national calendar of `year`.
    fn xinjiang_published(year: i32) -> Vec<ProjectedDay> {
        let data = embedded();
        let cn = published(&data, "cn", year);
        xinjiang_on(year, &|date| cn.get(&date).map(|(_, off)| *off))
    }

    #[test]
    fn eid_al_adha_2022_adds_a_day_for_each_weekend_day_as_the_region_did() {
        // 10 Dhu al-Hijjah 1443 = Sat 2022-07-09: 7/9, 7/10 (weekend), 7/11; two days more,
        // 7/12, 7/13. cn-xj/2022.json: 7/9–7/13 off (5 days).
        let days = dates_of(&xinjiang_published(2022), "古尔邦节");
        assert_eq!(days, span(2022, (7, 9), (7, 13)), "7/9–7/13");
    }

    #[test]
    fn eid_al_adha_2025_adds_a_day_for_each_weekend_day_as_the_region_did() {
        // 10 Dhu al-Hijjah 1446 = Fri 2025-06-06: 6/6, 6/7, 6/8 (weekend ×2) → 6/9, 6/10.
        // cn-xj/2025.json: 6/6–6/10 off (5 days).
        let days = dates_of(&xinjiang_published(2025), "古尔邦节");
        assert_eq!(days, span(2025, (6, 6), (6, 10)), "6/6–6/10");
    }

    #[test]
    fn eid_al_fitr_on_a_sunday_moves_to_the_monday_as_in_2025() {
        // 1 Shawwal 1446 = Sun 2025-03-30; cn-xj/2025.json: 3/29–3/31 off (Mon 3/31 the day).
        let days = dates_of(&xinjiang_published(2025), "肉孜节");
        assert_eq!(
            days,
            [d(2025, 3, 30), d(2025, 3, 31)],
            "Sunday and the Monday after"
        );
    }

    #[test]
    fn xinjiang_2027_gives_eid_al_adha_four_days_and_eid_al_fitr_a_low_day() {
        // 10 Dhu al-Hijjah 1448 = Sun 2027-05-16 → 5/16–5/18 + 1 day: 5/19. The day after,
        // 5/17, gives the same weekdays off (5/17–5/19): high. 1 Shawwal 1448 = Tue 3/9; the
        // day after would give Wed 3/10: low, with the alternative.
        let days = xinjiang(2027);
        let adha: Vec<&ProjectedDay> = days.iter().filter(|p| p.name == "古尔邦节").collect();
        assert_eq!(
            adha.iter().map(|p| p.date).collect::<Vec<_>>(),
            span(2027, (5, 16), (5, 19)),
            "5/16–5/19"
        );
        assert!(
            adha.iter().all(|p| p.confidence == Confidence::High),
            "sure"
        );
        let fitr = days.iter().find(|p| p.name == "肉孜节").expect("肉孜节");
        assert_eq!(
            (fitr.date, fitr.confidence),
            (d(2027, 3, 9), Confidence::Low)
        );
        assert_eq!(
            fitr.alternative
                .as_ref()
                .map(Alternative::to_chinese)
                .as_deref(),
            Some("另一可能：3月9日上班，3月10日休息")
        );
    }

    #[test]
    fn the_next_break_after_a_date_is_the_festival_with_its_makeup_days() {
        let spring = next_break(d(2027, 1, 10)).expect("a break");
        assert_eq!(spring.name, "春节");
        assert_eq!(spring.days_off, span(2027, (2, 5), (2, 13)));
        assert_eq!(spring.makeup_days, [d(2027, 1, 31), d(2027, 2, 14)]);
        let inside = next_break(d(2027, 2, 10)).expect("a break");
        assert_eq!(
            inside.name, "春节",
            "a date inside a break gives that break"
        );
    }
}
