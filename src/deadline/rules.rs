//! Rule sets as data: `rules/<set>.toml` (embedded, each file found by build.rs) and the
//! operator's `<set>.toml` files. A new rule is a new `[[rule]]` entry; a new set is a new
//! file. Nothing in the code names a rule.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::lang::Texts;

vocabulary! {
    "snake_case";
    /// How a period is counted. Its names (`working_days`) are derived once, for serde, for
    /// [`strum::VariantNames`] (the choices the API lists) and for parsing in any case.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, strum::EnumString)]
    #[strum(
        ascii_case_insensitive,
        parse_err_ty = UnknownUnit,
        parse_err_fn = UnknownUnit::of
    )]
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
}

impl Unit {
    /// The name the API and rule files give it (`working_days`).
    pub fn as_str(self) -> &'static str {
        self.into()
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

/// A unit name that is none of [`Unit`]'s names, shortened.
///
/// # Example
/// ```
/// use qixian::deadline::Unit;
/// assert_eq!("working_days".parse(), Ok(Unit::WorkingDays));
/// assert_eq!("Months".parse(), Ok(Unit::Months));
/// assert!("weeks".parse::<Unit>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownUnit(pub String);

impl UnknownUnit {
    /// The refusal of `text`, which names no unit.
    fn of(text: &str) -> Self {
        UnknownUnit(crate::time::shorten(text))
    }
}

impl std::error::Error for UnknownUnit {}

vocabulary! {
    "snake_case";
    /// Which way a period runs from its event.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, strum::EnumString)]
    #[strum(ascii_case_insensitive)]
    pub enum Direction {
        /// After the event (`自收到申请之日起20个工作日内`).
        #[default]
        Forward,
        /// Before it (`会前5个工作日报送`, `举行听证的七日前通知`).
        Backward,
    }
}

vocabulary! {
    "snake_case";
    /// What the period bounds.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, strum::EnumString)]
    #[strum(ascii_case_insensitive)]
    pub enum Bound {
        /// The act must happen within the period: the answer is its last day.
        #[default]
        Within,
        /// The period must run in full (`不少于30日`): forward, the answer is the earliest day the
        /// next step may happen; backward, the latest day to act.
        AtLeast,
    }
}

vocabulary! {
    "snake_case";
    /// How a calendar-day period treats rest days inside it.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize, strum::EnumString)]
    #[strum(ascii_case_insensitive)]
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
}

impl Counting {
    /// The name rule files and the API give it.
    pub fn as_str(self) -> &'static str {
        self.into()
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

vocabulary! {
    "snake_case";
    /// What follows when a deadline passes without the act. The statute's own words are the
    /// rule's `on_lapse_text`; this is the code a program reads.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
    pub enum Consequence {
        /// 逾期不回复视为无不同意见: silence counts as no objection (工作规则 五十).
        DeemedNoObjection,
        /// 视为受理 / 即为受理: the application counts as accepted (行政复议法 第三十条第三款,
        /// 行政许可法 第三十二条第一款第（四）项).
        DeemedAccepted,
        /// 逾期未提出意见的视为同意公开: silence counts as consent (政府信息公开条例 第三十四条).
        DeemedConsent,
        /// 视为该行政行为没有证据、依据: a respondent's missing answer (行政复议法 第七十条).
        DeemedNoEvidence,
    }
}

impl Consequence {
    /// The name the API gives it (`deemed_no_objection`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

vocabulary! {
    "snake_case";
    /// When a rule's last day ends, as its law says (民法典 第二百零三条第二款 applies the close of
    /// business only to an act done where there are business hours).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
    pub enum RuleCutoff {
        /// The act is done at an office (报备 to 州政府办公室, a reply to the host department): the
        /// last day ends when that office stops business.
        CloseOfBusiness,
        /// The office's own duty (a decision, 印发, a reply to an applicant): the law ends the last
        /// day at 24:00; the answer gives the close of business as a conservative target and says
        /// so.
        OfficeTarget,
        /// The public's or an applicant's period: the last day ends at 24:00.
        Midnight,
    }
}

impl RuleCutoff {
    /// The name rule files and the API give it (`office_target`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The law that counts a rule's periods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodLaw {
    /// 民法典 第二百零一条至第二百零四条.
    #[default]
    CivilCode,
    /// 民事诉讼法 第八十五条, where the statute sends its periods there (行政复议法 第八十八条第一款):
    /// the same days, and 「期满前交邮的，不算过期」.
    CivilProcedure,
}

/// An earlier text of a rule's time limit, for events before the current text came into force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Earlier {
    /// The instrument then in force (`中华人民共和国政府信息公开条例`).
    pub statute: String,
    /// Its version (`2007-04-05`).
    pub version: String,
    /// The day it came into force.
    pub in_force: NaiveDate,
    /// The article that set the period then.
    pub article: String,
    /// The article's words, exactly.
    pub text: String,
    /// How the period was counted then.
    pub unit: Unit,
    /// Its length then.
    pub amount: u32,
    /// Which way it ran, when not as the rule's.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// What it bounded, when not as the rule's.
    #[serde(default)]
    pub bound: Option<Bound>,
    /// The extension it allowed then, if any.
    #[serde(default)]
    pub extension: Option<Extension>,
    /// The article that made its 日 working days, if any.
    #[serde(default)]
    pub working_days_basis: Option<String>,
    /// Where `text` was copied from.
    #[serde(default)]
    pub source: Option<TextSource>,
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
    /// The article that says so (`行政复议法 第三十条第三款`).
    #[serde(default)]
    pub on_lapse_basis: Option<String>,
    /// The statute's words for it, exactly (`逾期不回复视为无不同意见`).
    #[serde(default)]
    pub on_lapse_text: Option<String>,
    /// When its last day ends.
    pub cutoff: RuleCutoff,
    /// Why, with the article that decides it.
    pub cutoff_basis: String,
    /// The law that counts its periods.
    #[serde(default)]
    pub period_law: PeriodLaw,
    /// The article that sends its periods to that law (`行政复议法 第八十八条第一款`).
    #[serde(default)]
    pub period_law_basis: Option<String>,
    /// The statute's words that allow a due date agreed with another office (第五十条:
    /// 商定回复时限); a request's `agreed_due` is refused on a rule without them.
    #[serde(default)]
    pub agreed_due: Option<String>,
    /// The day the quoted text came into force.
    pub in_force: NaiveDate,
    /// Earlier texts of the same time limit, oldest first, for events before `in_force`.
    #[serde(default)]
    pub earlier: Vec<Earlier>,
    /// The words an office searches by (`会议纪要`, `印发`).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Where `text` was copied from.
    #[serde(default)]
    pub source: Option<TextSource>,
}

impl Rule {
    /// Its full id, `<set>/<rule>` (`kizilsu/countersign-reply`).
    pub fn full_id(&self) -> String {
        format!("{}/{}", self.set, self.id)
    }

    /// The request fields that change its period which its statute allows: `days` (an
    /// adjustable amount), `extended`, `paused` (time its statute excludes), `agreed_due`.
    pub fn forms_allowed(&self) -> Vec<&'static str> {
        [
            (self.adjustable, "days"),
            (self.extension.is_some(), "extended"),
            (self.excluded_time.is_some(), "paused"),
            (self.agreed_due.is_some(), "agreed_due"),
        ]
        .into_iter()
        .filter_map(|(allowed, name)| allowed.then_some(name))
        .collect()
    }

    /// Whether `query` names it: a part of its id, title, article or statute, or one of its
    /// keywords that contains the query or that the query contains (`会议纪要印发`).
    ///
    /// # Example
    /// ```
    /// use qixian::deadline::RuleBook;
    /// let book = RuleBook::embedded();
    /// let issuance = book.get("kizilsu/meeting-issuance").unwrap();
    /// assert!(issuance.matches("会议纪要"));
    /// assert!(!issuance.matches("信访"));
    /// ```
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim();
        if query.is_empty() {
            return true;
        }
        let lower = query.to_lowercase();
        self.keywords
            .iter()
            .any(|k| k.contains(query) || query.contains(k.as_str()))
            || self.title.zh.contains(query)
            || self.title.en.to_lowercase().contains(&lower)
            || self.full_id().contains(&lower)
            || self.article.contains(query)
            || self.statute.as_deref().is_some_and(|s| s.contains(query))
    }

    /// The text in force on `date`: `None` for the rule's own, `Some` for an earlier one.
    ///
    /// # Errors
    /// The day from which any text of the rule applies, when `date` is before it.
    pub fn text_on(&self, date: NaiveDate) -> Result<Option<&Earlier>, NaiveDate> {
        if date >= self.in_force {
            return Ok(None);
        }
        self.earlier
            .iter()
            .rev()
            .find(|e| e.in_force <= date)
            .map(Some)
            .ok_or_else(|| self.earlier.first().map_or(self.in_force, |e| e.in_force))
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

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

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
    /// in_force = "2024-01-01"
    /// cutoff = "office_target"
    /// cutoff_basis = "本办公室自身办理的事项：法定期间截止于二十四时，以下班时间为内部目标"
    /// "#;
    /// let set = RuleSet::parse("office", "office.toml", text, RuleOrigin::Embedded).unwrap();
    /// assert_eq!(set.rules[0].full_id(), "office/reply");
    /// assert_eq!(set.rules[0].unit, Unit::WorkingDays);
    /// ```
    pub fn parse(id: &str, file: &str, text: &str, origin: RuleOrigin) -> Result<Self, RuleError> {
        let id = &id.to_ascii_lowercase();
        let parsed: RuleFile = toml::from_str(text).map_err(|e| malformed(file, text, &e))?;
        let mut rules = parsed.rule;
        for rule in rules.iter_mut() {
            rule.set = id.to_owned();
            check_rule(rule).map_err(|(key, reason)| RuleError::Invalid {
                file: file.to_owned(),
                rule: rule.id.clone(),
                key,
                reason,
            })?;
        }
        check_unique(file, &rules)?;
        Ok(RuleSet {
            // `KIZILSU.toml` is the set `kizilsu`: ids are read in any case.
            id: id.to_ascii_lowercase(),
            title: parsed.title,
            source: parsed.source,
            origin,
            rules,
            file: file.to_owned(),
            text: text.into(),
        })
    }
}

/// A file that is no TOML of rules, with the rule and the key where it went wrong when the
/// error's place names them.
fn malformed(file: &str, text: &str, e: &toml::de::Error) -> RuleError {
    RuleError::Malformed {
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
    }
}

/// One rule's own checks: its id, the texts it must have, its amount and extension, its
/// direction, and its facts of law; the key at fault and why.
fn check_rule(rule: &Rule) -> Result<(), (&'static str, String)> {
    let key_ok = !rule.id.is_empty()
        && rule
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !key_ok {
        return Err(("id", "must be letters, digits, - or _".into()));
    }
    for (key, value) in [
        ("article", &rule.article),
        ("text", &rule.text),
        ("title.zh", &rule.title.zh),
        ("title.en", &rule.title.en),
        ("event.zh", &rule.event.zh),
        ("event.en", &rule.event.en),
        ("cutoff_basis", &rule.cutoff_basis),
    ] {
        if value.trim().is_empty() {
            return Err((key, "must not be empty".into()));
        }
    }
    if !(1..=rule.unit.max_amount()).contains(&rule.amount) {
        return Err((
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
            return Err((
                "extension.amount",
                format!("{} is outside 1–{}", ext.amount, ext.unit.max_amount()),
            ));
        }
        if ext.unit.in_hours() != rule.unit.in_hours() || ext.basis.trim().is_empty() {
            return Err((
                "extension",
                "needs a basis, and a unit of the period's kind (days or hours)".into(),
            ));
        }
    }
    if rule.direction == Direction::Backward && rule.unit.in_hours() {
        return Err(("direction", "a period in hours runs forward only".into()));
    }
    check_law(rule)
}

/// Ids are read in any case, so `Reply` and `reply` in one set would be one id: the first
/// given twice is refused.
fn check_unique(file: &str, rules: &[Rule]) -> Result<(), RuleError> {
    for (i, rule) in rules.iter().enumerate() {
        if rules[..i]
            .iter()
            .any(|r| r.id.eq_ignore_ascii_case(&rule.id))
        {
            return Err(RuleError::Duplicate {
                file: file.to_owned(),
                what: "rule",
                id: rule.id.clone(),
            });
        }
    }
    Ok(())
}

/// A rule's facts of law that need one another: a basis for each consequence, law and
/// excluded time; agreed-due words the text holds; earlier texts older than the current one.
fn check_law(rule: &Rule) -> Result<(), (&'static str, String)> {
    let needs = |given: bool, basis: &Option<String>, key: &'static str| {
        if given && basis.as_deref().is_none_or(|b| b.trim().is_empty()) {
            Err((key, "must be given, citing the article".to_owned()))
        } else {
            Ok(())
        }
    };
    needs(
        rule.period_law != PeriodLaw::CivilCode,
        &rule.period_law_basis,
        "period_law_basis",
    )?;
    needs(
        rule.excluded_time.is_some(),
        &rule.excluded_time_basis,
        "excluded_time_basis",
    )?;
    needs(
        rule.on_lapse.is_some(),
        &rule.on_lapse_basis,
        "on_lapse_basis",
    )?;
    needs(
        rule.on_lapse.is_some(),
        &rule.on_lapse_text,
        "on_lapse_text",
    )?;
    if let Some(words) = &rule.agreed_due
        && (words.trim().is_empty() || !rule.text.contains(words.as_str()))
    {
        return Err((
            "agreed_due",
            "must be the rule text's own words that allow an agreed date".to_owned(),
        ));
    }
    if rule.keywords.iter().any(|k| k.trim().is_empty()) {
        return Err(("keywords", "must not hold an empty word".to_owned()));
    }
    let mut until = rule.in_force;
    for earlier in rule.earlier.iter().rev() {
        if earlier.in_force >= until {
            return Err((
                "earlier",
                format!(
                    "the text in force from {} must come before {until}, oldest first",
                    earlier.in_force
                ),
            ));
        }
        if earlier.text.trim().is_empty() || earlier.article.trim().is_empty() {
            return Err(("earlier", "needs its article and its text".to_owned()));
        }
        if !(1..=earlier.unit.max_amount()).contains(&earlier.amount)
            || earlier.unit.in_hours() != rule.unit.in_hours()
        {
            return Err((
                "earlier.amount",
                format!(
                    "{} {} is not a period of the rule's kind",
                    earlier.amount,
                    earlier.unit.as_str()
                ),
            ));
        }
        until = earlier.in_force;
    }
    Ok(())
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
    /// The rule sets in `sets`, in order; a later set with the id of an earlier one (in any
    /// case) replaces it (an operator's `kizilsu.toml` replaces the embedded one).
    pub fn new(sets: Vec<RuleSet>) -> Self {
        use sha2::{Digest, Sha256};
        let mut merged: Vec<RuleSet> = Vec::new();
        for set in sets {
            match merged
                .iter_mut()
                .find(|s| s.id.eq_ignore_ascii_case(&set.id))
            {
                Some(old) => *old = set,
                None => merged.push(set),
            }
        }
        // From the files' bytes, as the calendars' inputs are: a release that adds a field to
        // `Rule` leaves every kept version's digest as it was.
        let mut hash = Sha256::new();
        for set in &merged {
            hash.update(set.id.as_bytes());
            hash.update([0]);
            hash.update(set.text.as_bytes());
            hash.update([0]);
        }
        let version = crate::base::short_digest(&hash.finalize());
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

    /// The rule `id`: `<set>/<rule>`, or a rule's own id when exactly one embedded set has it,
    /// else when exactly one set has it (the documented ids, `countersign-reply`, keep their
    /// meaning when an operator's set reuses one); in any case.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        if let Some((set, rule)) = id.split_once('/') {
            return self
                .set(set)?
                .rules
                .iter()
                .find(|r| r.id.eq_ignore_ascii_case(rule));
        }
        let only = |embedded: bool| {
            let mut found = self
                .sets
                .iter()
                .filter(|s| !embedded || s.origin == RuleOrigin::Embedded)
                .flat_map(|s| s.rules.iter())
                .filter(|r| r.id.eq_ignore_ascii_case(id));
            let first = found.next()?;
            found.next().is_none().then_some(first)
        };
        only(true).or_else(|| only(false))
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

    /// The instrument a rule's citation names, with the day its text came into force (a clerk
    /// reads a date beside a statute as the day it took effect, not the day it was adopted):
    /// its statute, else its set's source.
    pub fn instrument(&self, rule: &Rule) -> String {
        self.instrument_on(rule, None)
    }

    /// The name of the instrument whose text is applied, as a citation puts it between 《》
    /// before the article: an `earlier` text's, the rule's own statute, else its set's title
    /// (`克孜勒苏柯尔克孜自治州人民政府工作规则`), without the dates [`Self::instrument_on`] adds.
    pub fn statute_name<'a>(&'a self, rule: &'a Rule, earlier: Option<&'a Earlier>) -> &'a str {
        match (earlier, &rule.statute) {
            (Some(e), _) => &e.statute,
            (None, Some(statute)) => statute,
            (None, None) => self.set(&rule.set).map_or("", |s| s.title.zh.as_str()),
        }
    }

    /// The instrument of the text applied: the rule's own, or an `earlier` one.
    pub fn instrument_on(&self, rule: &Rule, earlier: Option<&Earlier>) -> String {
        match (earlier, &rule.statute) {
            (Some(e), _) => format!("{}（{}起施行）", e.statute, e.in_force),
            (None, Some(statute)) => format!("{statute}（{}起施行）", rule.in_force),
            (None, None) => self
                .set(&rule.set)
                .map(|s| s.source.clone())
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests;
