//! Rule sets as data: `rules/<set>.toml` (embedded) and the operator's `<set>.toml` files.
//! A new rule is a new `[[rule]]` entry; a new set is a new file. Nothing in the code names a
//! rule.

use serde::{Deserialize, Serialize};

use crate::text::Texts;

/// How a period is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// N个工作日内: only working days count, makeup working days included.
    WorkingDays,
    /// N日内: every day counts; a last day that is a rest day rolls forward (民法典 第二百零三条).
    CalendarDays,
    /// N个月: the corresponding day of the month it ends in, or that month's last day
    /// (民法典 第二百零二条); then the last-day roll.
    Months,
    /// N年: as months, twelve to a year.
    Years,
    /// N小时: from the stated time (民法典 第二百零一条第二款), every hour counts.
    Hours,
    /// N个工作小时内: office time on the calendar's working days, from the event's instant
    /// (民法典 第二百零一条第二款), moved to the next opening when the office is closed.
    WorkingHours,
}

impl Unit {
    /// Every unit, in the order the API lists them.
    pub const ALL: [Unit; 6] = [
        Unit::WorkingDays,
        Unit::CalendarDays,
        Unit::Months,
        Unit::Years,
        Unit::Hours,
        Unit::WorkingHours,
    ];

    /// Every unit's name, in the order of [`Unit::ALL`].
    pub const NAMES: [&'static str; 6] = [
        "working_days",
        "calendar_days",
        "months",
        "years",
        "hours",
        "working_hours",
    ];

    /// The name the API and rule files give it (`working_days`).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::WorkingDays => "working_days",
            Unit::CalendarDays => "calendar_days",
            Unit::Months => "months",
            Unit::Years => "years",
            Unit::Hours => "hours",
            Unit::WorkingHours => "working_hours",
        }
    }

    /// The longest period of this unit: ten years' worth.
    pub fn max_amount(self) -> u32 {
        match self {
            Unit::WorkingDays | Unit::CalendarDays => 3650,
            Unit::Months => 120,
            Unit::Years => 10,
            Unit::Hours | Unit::WorkingHours => 87_600,
        }
    }

    /// Whether the period is measured in time of day rather than in days.
    pub fn in_hours(self) -> bool {
        matches!(self, Unit::Hours | Unit::WorkingHours)
    }
}

/// A unit name that is none of [`Unit::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownUnit(pub String);

impl std::error::Error for UnknownUnit {}

impl std::str::FromStr for Unit {
    type Err = UnknownUnit;

    /// Reads a unit by its name, in any case.
    ///
    /// # Example
    /// ```
    /// use qixian::deadline::Unit;
    /// assert_eq!("working_days".parse(), Ok(Unit::WorkingDays));
    /// assert_eq!("Months".parse(), Ok(Unit::Months));
    /// assert!("weeks".parse::<Unit>().is_err());
    /// ```
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Unit::ALL
            .into_iter()
            .find(|u| u.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| UnknownUnit(crate::time::shorten(text)))
    }
}

impl Direction {
    /// Every direction's name, the default first.
    pub const NAMES: [&'static str; 2] = ["forward", "backward"];
}

impl Bound {
    /// Every bound's name, the default first.
    pub const NAMES: [&'static str; 2] = ["within", "at_least"];
}

/// Which way a period runs from its event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// After the event (`自收到申请之日起20个工作日内`).
    #[default]
    Forward,
    /// Before it (`会前5个工作日报送`, `举行听证的七日前通知`).
    Backward,
}

/// What the period bounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The act must happen within the period: the answer is its last day.
    #[default]
    Within,
    /// The period must run in full (`不少于30日`): forward, the answer is the earliest day the
    /// next step may happen; backward, the latest day to act.
    AtLeast,
}

/// How a calendar-day period treats rest days inside it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// 民法典 第二百零三条: only a last day that is a rest day moves.
    #[default]
    Civil,
    /// 税收征收管理法实施细则 第一百零九条 (「期限的最后一日是法定休假日的，以休假日期满的次日为
    /// 期限的最后一日；在期限内有连续3日以上法定休假日的，按休假日天数顺延」), as the State
    /// Taxation Administration applies it in its annual 申报纳税期限 notices
    /// (「国家税务总局办公厅关于明确X年度申报纳税期限的通知」: 税总办征科函〔2021〕201号 for 2022,
    /// 〔2022〕245号 for 2023, the 2024 notice, 〔2024〕71号 for 2025, 〔2025〕64号 for 2026;
    /// all 60 months are held in `tests/data/sat-tax-deadlines.tsv`):
    /// 1. K = the rest days of the period (event+1 … event+N) that lie in a run of three or
    ///    more consecutive rest days *inside the period*. A run that begins before the
    ///    period's first day or goes on after its last counts only its days inside, and only
    ///    if three or more of them are.
    /// 2. K > 0: the last day is the K-th working day after the period's own last day
    ///    (event+N), even when event+N is itself in the run.
    /// 3. K = 0: event+N, if a rest day, moves to the next working day.
    ///
    /// Only calendar-day periods (and months, years) are prolonged; an extension is counted
    /// the same way, as a period of its own after the original last day.
    Tax,
}

impl Counting {
    /// Every counting's name, the default first.
    pub const NAMES: [&'static str; 2] = ["civil", "tax"];

    /// The name rule files and the API give it.
    pub fn as_str(self) -> &'static str {
        match self {
            Counting::Civil => "civil",
            Counting::Tax => "tax",
        }
    }
}

/// An extension a rule allows, and on what condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// Its length (at most this much, where the statute says 最长/不得超过).
    pub amount: u32,
    /// Its unit.
    pub unit: Unit,
    /// The statute's words for it (`经政府信息公开工作机构负责人同意…`).
    pub basis: String,
}

/// Where a rule's text was copied from, to check it against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextSource {
    /// The repository (`LawRefBook/Laws`).
    pub repo: String,
    /// The file in it.
    pub path: String,
    /// The commit it was read at.
    pub commit: String,
    /// The copy beside the rule file (`sources/…`), relative to `rules/`.
    pub file: String,
}

/// Why a rule file is refused. Each names the file, and the rule and key where there is one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// Not TOML of the rule file's shape (an unknown key, a missing one, a wrong type).
    #[error("{file}: {at}{reason}")]
    Malformed {
        /// The file.
        file: String,
        /// `rule <id>: ` when the reader stopped inside a rule.
        at: String,
        /// What the reader said, naming the key.
        reason: String,
    },
    /// A key whose value cannot be.
    #[error("{file}: rule {rule}: {key}: {reason}")]
    Invalid {
        /// The file.
        file: String,
        /// The rule.
        rule: String,
        /// The key.
        key: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Two rules, or two sets, with one id.
    #[error("{file}: {what} {id} is defined twice")]
    Duplicate {
        /// The file.
        file: String,
        /// `rule` or `rule set`.
        what: &'static str,
        /// The id.
        id: String,
    },
}

/// What follows when a deadline passes without the act.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consequence {
    /// 逾期不回复视为无不同意见: silence counts as no objection.
    DeemedNoObjection,
}

impl Consequence {
    /// The name the API gives it (`deemed_no_objection`).
    pub fn as_str(self) -> &'static str {
        match self {
            Consequence::DeemedNoObjection => "deemed_no_objection",
        }
    }
}

/// One time limit of a rule set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Its id within its set (`countersign-reply`).
    pub id: String,
    /// Its set's id (`kizilsu`), filled in when the set is read.
    #[serde(skip_deserializing, default)]
    pub set: String,
    /// Its title, as a document would give it, in Chinese and in English.
    pub title: Texts,
    /// The instrument that sets it, when not the set's own (`中华人民共和国行政许可法`).
    #[serde(default)]
    pub statute: Option<String>,
    /// The instrument's version (`2019-04-23`).
    #[serde(default)]
    pub version: Option<String>,
    /// The article that sets it (`第五十条`, `第四十二条第一款`).
    pub article: String,
    /// The article's words, exactly.
    pub text: String,
    /// What the period runs from, in Chinese and in English.
    pub event: Texts,
    /// How its period is counted.
    pub unit: Unit,
    /// Its period's length.
    pub amount: u32,
    /// Which way it runs.
    #[serde(default)]
    pub direction: Direction,
    /// What it bounds.
    #[serde(default)]
    pub bound: Bound,
    /// How rest days inside a calendar-day period count.
    #[serde(default)]
    pub counting: Counting,
    /// Whether a caller may set its own amount (`days`).
    #[serde(default)]
    pub adjustable: bool,
    /// The extension it allows, if any.
    #[serde(default)]
    pub extension: Option<Extension>,
    /// The statute's words for time that does not count (`所需时间不计算在…期限内`): a request
    /// may give such time as `paused`.
    #[serde(default)]
    pub excluded_time: Option<String>,
    /// The article that says so, when another than the rule's (`行政许可法 第四十五条`).
    #[serde(default)]
    pub excluded_time_basis: Option<String>,
    /// The article that makes the statute's 日 working days (`行政许可法 第八十二条`).
    #[serde(default)]
    pub working_days_basis: Option<String>,
    /// What follows its lapse, if anything.
    #[serde(default)]
    pub on_lapse: Option<Consequence>,
    /// Where `text` was copied from.
    #[serde(default)]
    pub source: Option<TextSource>,
}

impl Rule {
    /// Its full id, `<set>/<rule>` (`kizilsu/countersign-reply`).
    pub fn full_id(&self) -> String {
        format!("{}/{}", self.set, self.id)
    }
}

/// Where a rule set's file came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleOrigin {
    /// Compiled into the binary from `rules/`.
    Embedded,
    /// Read from the operator's directory (`QIXIAN_RULES_DIR`).
    OperatorFile {
        /// Its path, relative to the directory.
        path: String,
    },
}

/// A rule set: the time limits of one instrument or one office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleSet {
    /// Its id (`kizilsu`, `national`), the file's name.
    pub id: String,
    /// Its title, in Chinese and in English.
    pub title: Texts,
    /// The instrument its rules come from, as a citation names it.
    pub source: String,
    /// Where its file came from.
    pub origin: RuleOrigin,
    /// Its rules.
    pub rules: Vec<Rule>,
    /// Its file as the status names it (`rules/kizilsu.toml`).
    #[serde(skip)]
    pub file: String,
    /// The file's text, kept so that the version it was in force in can be compiled again.
    #[serde(skip)]
    pub text: std::sync::Arc<str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    title: Texts,
    source: String,
    rule: Vec<Rule>,
}

/// The rule sets compiled into the binary: (set id, file text).
pub const EMBEDDED_RULES: [(&str, &str); 2] = [
    ("kizilsu", include_str!("../../rules/kizilsu.toml")),
    ("national", include_str!("../../rules/national.toml")),
];

impl RuleSet {
    /// Reads and checks the rule set `id` from `text`, read from `file` (named in errors).
    ///
    /// # Errors
    /// [`RuleError`] naming the file, the rule and the key: malformed TOML, an unknown or
    /// missing key, an empty article text or title, an amount its unit cannot have, an
    /// extension that is none, or a rule id given twice.
    ///
    /// # Example
    /// ```
    /// use qixian::deadline::{RuleOrigin, RuleSet, Unit};
    /// let text = r#"
    /// title = { zh = "本办公室的时限", en = "Our office's time limits" }
    /// source = "本办公室工作制度"
    /// [[rule]]
    /// id = "reply"
    /// title = { zh = "来文办理", en = "Replies" }
    /// article = "第三条"
    /// text = "来文应当在5个工作日内办结。"
    /// event = { zh = "收文", en = "receipt" }
    /// unit = "working_days"
    /// amount = 5
    /// "#;
    /// let set = RuleSet::parse("office", "office.toml", text, RuleOrigin::Embedded).unwrap();
    /// assert_eq!(set.rules[0].full_id(), "office/reply");
    /// assert_eq!(set.rules[0].unit, Unit::WorkingDays);
    /// ```
    pub fn parse(id: &str, file: &str, text: &str, origin: RuleOrigin) -> Result<Self, RuleError> {
        let parsed: RuleFile = toml::from_str(text).map_err(|e| RuleError::Malformed {
            file: file.to_owned(),
            at: e
                .span()
                .and_then(|span| rule_at(text, span.start))
                .map(|rule| format!("rule {rule}: "))
                .unwrap_or_default(),
            reason: match e.span().and_then(|span| key_at(text, span.start)) {
                Some(key) => format!("{key}: {}", e.message()),
                None => e.message().to_owned(),
            },
        })?;
        let invalid = |rule: &str, key, reason: String| RuleError::Invalid {
            file: file.to_owned(),
            rule: rule.to_owned(),
            key,
            reason,
        };
        let mut rules = parsed.rule;
        for rule in rules.iter_mut() {
            rule.set = id.to_owned();
            let key_ok = !rule.id.is_empty()
                && rule
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !key_ok {
                return Err(invalid(
                    &rule.id,
                    "id",
                    "must be letters, digits, - or _".into(),
                ));
            }
            for (key, value) in [
                ("article", &rule.article),
                ("text", &rule.text),
                ("title.zh", &rule.title.zh),
                ("title.en", &rule.title.en),
                ("event.zh", &rule.event.zh),
                ("event.en", &rule.event.en),
            ] {
                if value.trim().is_empty() {
                    return Err(invalid(&rule.id, key, "must not be empty".into()));
                }
            }
            if !(1..=rule.unit.max_amount()).contains(&rule.amount) {
                return Err(invalid(
                    &rule.id,
                    "amount",
                    format!(
                        "{} {} is outside 1–{}",
                        rule.amount,
                        rule.unit.as_str(),
                        rule.unit.max_amount()
                    ),
                ));
            }
            if let Some(ext) = &rule.extension {
                if !(1..=ext.unit.max_amount()).contains(&ext.amount) {
                    return Err(invalid(
                        &rule.id,
                        "extension.amount",
                        format!("{} is outside 1–{}", ext.amount, ext.unit.max_amount()),
                    ));
                }
                if ext.unit.in_hours() != rule.unit.in_hours() || ext.basis.trim().is_empty() {
                    return Err(invalid(
                        &rule.id,
                        "extension",
                        "needs a basis, and a unit of the period's kind (days or hours)".into(),
                    ));
                }
            }
            if rule.direction == Direction::Backward && rule.unit.in_hours() {
                return Err(invalid(
                    &rule.id,
                    "direction",
                    "a period in hours runs forward only".into(),
                ));
            }
        }
        for (i, rule) in rules.iter().enumerate() {
            if rules[..i].iter().any(|r| r.id == rule.id) {
                return Err(RuleError::Duplicate {
                    file: file.to_owned(),
                    what: "rule",
                    id: rule.id.clone(),
                });
            }
        }
        Ok(RuleSet {
            id: id.to_owned(),
            title: parsed.title,
            source: parsed.source,
            origin,
            rules,
            file: file.to_owned(),
            text: text.into(),
        })
    }
}

/// The id of the `[[rule]]` whose entry holds byte `at` of `text`, if one does.
/// The key whose value starts at byte `at` (`unit` in `unit = "weeks"`), if a value does.
fn key_at(text: &str, at: usize) -> Option<&str> {
    let before = text.get(..at)?;
    let line = &before[before.rfind('\n').map_or(0, |n| n + 1)..];
    let key = line
        .strip_suffix(|c: char| c.is_whitespace())
        .unwrap_or(line);
    let key = key.trim_end().strip_suffix('=')?.trim();
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    plain.then_some(key)
}

fn rule_at(text: &str, at: usize) -> Option<String> {
    let before = text.get(..at.min(text.len()))?;
    let start = before.rfind("[[rule]]")?;
    let entry = &text[start..];
    let end = entry[8..].find("[[rule]]").map_or(entry.len(), |e| e + 8);
    entry[..end].lines().find_map(|line| {
        let value = line.trim().strip_prefix("id")?.trim().strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_owned())
    })
}

/// The rule sets in force.
#[derive(Clone, Debug)]
pub struct RuleBook {
    sets: Vec<RuleSet>,
    version: String,
}

impl RuleBook {
    /// The rule sets in `sets`, in order; a later set with the id of an earlier one replaces
    /// it (an operator's `kizilsu.toml` replaces the embedded one).
    pub fn new(sets: Vec<RuleSet>) -> Self {
        use sha2::{Digest, Sha256};
        let mut merged: Vec<RuleSet> = Vec::new();
        for set in sets {
            match merged.iter_mut().find(|s| s.id == set.id) {
                Some(old) => *old = set,
                None => merged.push(set),
            }
        }
        let mut hash = Sha256::new();
        for set in &merged {
            hash.update(set.id.as_bytes());
            hash.update(format!("{:?}", set.rules).as_bytes());
            hash.update(set.source.as_bytes());
        }
        let version = hash.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        RuleBook {
            sets: merged,
            version,
        }
    }

    /// The embedded rule sets.
    pub fn embedded() -> Self {
        Self::new(
            EMBEDDED_RULES
                .iter()
                .map(|(id, text)| {
                    RuleSet::parse(id, &format!("rules/{id}.toml"), text, RuleOrigin::Embedded)
                        .expect("the embedded rules are valid (tested)")
                })
                .collect(),
        )
    }

    /// A digest of every rule in force.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The sets, in order.
    pub fn sets(&self) -> &[RuleSet] {
        &self.sets
    }

    /// The set `id`, in any case.
    pub fn set(&self, id: &str) -> Option<&RuleSet> {
        self.sets.iter().find(|s| s.id.eq_ignore_ascii_case(id))
    }

    /// The rule `id`: `<set>/<rule>`, or a rule's own id when exactly one set has it (the
    /// first ids, `countersign-reply`, stay valid so); in any case.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        match id.split_once('/') {
            Some((set, rule)) => self
                .set(set)?
                .rules
                .iter()
                .find(|r| r.id.eq_ignore_ascii_case(rule)),
            None => {
                let mut found = self.iter().filter(|r| r.id.eq_ignore_ascii_case(id));
                let first = found.next()?;
                found.next().is_none().then_some(first)
            }
        }
    }

    /// The rule `id`, as [`RuleBook::get`] reads it.
    ///
    /// # Errors
    /// [`super::DeadlineError::UnknownRule`] naming the known rules and the closest one.
    pub fn find(&self, id: &str) -> Result<&Rule, super::DeadlineError> {
        self.get(id)
            .ok_or_else(|| super::DeadlineError::UnknownRule {
                id: crate::time::shorten(id),
                known: self.ids(),
                suggestion: crate::time::closest(
                    id,
                    self.iter()
                        .map(|r| r.full_id())
                        .collect::<Vec<_>>()
                        .iter()
                        .map(String::as_str),
                )
                .map(str::to_owned)
                .or_else(|| {
                    crate::time::closest(id, self.iter().map(|r| r.id.as_str())).map(str::to_owned)
                }),
            })
    }

    /// Every rule, set by set.
    pub fn iter(&self) -> impl Iterator<Item = &Rule> {
        self.sets.iter().flat_map(|s| s.rules.iter())
    }

    /// The full ids of every rule, comma-separated.
    pub fn ids(&self) -> String {
        self.iter()
            .map(Rule::full_id)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The instrument a rule's citation names: its statute (with its version), else its set's.
    pub fn instrument(&self, rule: &Rule) -> String {
        match (&rule.statute, &rule.version) {
            (Some(statute), Some(version)) => format!("{statute}（{version}）"),
            (Some(statute), None) => statute.clone(),
            _ => self
                .set(&rule.set)
                .map(|s| s.source.clone())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests;
