//! The working rules' deadlines as data (`rules/*.toml`, embedded): a new rule is a new entry.

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
    /// N个工作小时内: office time on the calendar's working days, from the event's instant
    /// (民法典 第二百零一条第二款), moved to the next opening when the office is closed.
    WorkingHours,
}

impl Unit {
    /// Every unit, in the order the API lists them.
    pub const ALL: [Unit; 3] = [Unit::WorkingDays, Unit::CalendarDays, Unit::WorkingHours];

    /// The name the API and rule files give it (`working_days`).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::WorkingDays => "working_days",
            Unit::CalendarDays => "calendar_days",
            Unit::WorkingHours => "working_hours",
        }
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
    /// assert_eq!("Calendar_Days".parse(), Ok(Unit::CalendarDays));
    /// assert!("weeks".parse::<Unit>().is_err());
    /// ```
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Unit::ALL
            .into_iter()
            .find(|u| u.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| UnknownUnit(crate::time::shorten(text)))
    }
}

/// Why a rule file is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// Not TOML of the rule file's shape.
    #[error("the rule file is not valid: {0}")]
    Malformed(String),
    /// Two rules with one id.
    #[error("rule {0} is listed twice")]
    Duplicate(String),
    /// An amount outside 1–3650.
    #[error("rule {id} has amount {amount} outside 1–3650")]
    Amount {
        /// The rule.
        id: String,
        /// Its amount.
        amount: u32,
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

/// One deadline of the working rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Its id (`countersign-reply`).
    pub id: String,
    /// Its title, as a document would give it, in Chinese and in English.
    pub title: Texts,
    /// The article that sets it (`第五十条`).
    pub article: String,
    /// The article's words, exactly.
    pub text: String,
    /// What the period runs from, in Chinese and in English.
    pub event: Texts,
    /// How its period is counted.
    pub unit: Unit,
    /// Its period's length.
    pub amount: u32,
    /// Whether a caller may set its own amount (`days`).
    pub adjustable: bool,
    #[serde(default)]
    /// What follows its lapse, if anything.
    pub on_lapse: Option<Consequence>,
}

#[derive(Deserialize)]
struct RuleFile {
    source: String,
    rule: Vec<Rule>,
}

/// The rules in force, with the instrument they come from.
#[derive(Clone, Debug)]
pub struct RuleBook {
    /// The instrument the rules come from.
    pub source: String,
    rules: Vec<Rule>,
}

/// The Kizilsu working rules, compiled into the binary.
pub const EMBEDDED_RULES: &str = include_str!("../../rules/kizilsu.toml");

impl RuleBook {
    /// Parses a rule file.
    ///
    /// # Errors
    /// [`RuleError`] naming what is wrong: malformed TOML or a missing field, an id listed
    /// twice, or an amount outside 1–3,650.
    ///
    /// # Example
    /// ```
    /// use qixian::deadline::{RuleBook, EMBEDDED_RULES, Unit};
    /// let book = RuleBook::parse(EMBEDDED_RULES).unwrap();
    /// assert_eq!(book.get("approved-filing").unwrap().unit, Unit::CalendarDays);
    /// ```
    pub fn parse(toml_text: &str) -> Result<Self, RuleError> {
        let file: RuleFile =
            toml::from_str(toml_text).map_err(|e| RuleError::Malformed(e.to_string()))?;
        for (i, rule) in file.rule.iter().enumerate() {
            if file.rule[..i].iter().any(|r| r.id == rule.id) {
                return Err(RuleError::Duplicate(rule.id.clone()));
            }
            if !super::AMOUNTS.contains(&i64::from(rule.amount)) {
                return Err(RuleError::Amount {
                    id: rule.id.clone(),
                    amount: rule.amount,
                });
            }
        }
        Ok(RuleBook {
            source: file.source,
            rules: file.rule,
        })
    }

    /// The embedded rules.
    pub fn embedded() -> Self {
        Self::parse(EMBEDDED_RULES).expect("the embedded rules are valid (tested)")
    }

    /// The rule `id`, in any case, if there is one.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.id == id)
            .or_else(|| self.rules.iter().find(|r| r.id.eq_ignore_ascii_case(id)))
    }

    /// The rule `id`, in any case.
    ///
    /// # Errors
    /// [`super::DeadlineError::UnknownRule`] naming the known rules and the closest one.
    pub fn find(&self, id: &str) -> Result<&Rule, super::DeadlineError> {
        self.get(id)
            .ok_or_else(|| super::DeadlineError::UnknownRule {
                id: crate::time::shorten(id),
                known: self.ids(),
                suggestion: crate::time::closest(id, self.rules.iter().map(|r| r.id.as_str()))
                    .map(str::to_owned),
            })
    }

    /// Every rule, in the file's order.
    pub fn iter(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter()
    }

    /// The ids of every rule, comma-separated.
    pub fn ids(&self) -> String {
        self.rules
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_ARTICLES: [(&str, &str); 3] = [
        ("meeting-issuance", "原则上须在会议结束后7个工作日内印发"),
        (
            "approved-filing",
            "文件印发后30日内应向自治州人民政府办公室报备",
        ),
        ("countersign-reply", "一般应在7个工作日内回复"),
    ];

    #[test]
    fn the_embedded_rules_quote_the_articles_that_set_them() {
        let book = RuleBook::embedded();
        for (id, words) in SEED_ARTICLES {
            let rule = book.get(id).unwrap_or_else(|| panic!("rule {id} exists"));
            assert!(rule.text.contains(words), "rule {id} quotes {words}");
        }
        let reply = book.get("countersign-reply").unwrap();
        assert!(
            reply.adjustable,
            "the host department may set its own period"
        );
        assert_eq!(reply.on_lapse, Some(Consequence::DeemedNoObjection));
        assert!(!book.get("meeting-issuance").unwrap().adjustable);
    }

    #[test]
    fn a_rule_file_with_a_repeated_id_or_bad_amount_is_refused() {
        let rule = |id: &str, amount: u32| {
            format!(
                "[[rule]]\nid = \"{id}\"\ntitle = {{ zh = \"t\", en = \"t\" }}\narticle = \"a\"\ntext = \"x\"\nevent = {{ zh = \"e\", en = \"e\" }}\nunit = \"working_days\"\namount = {amount}\nadjustable = false\n"
            )
        };
        let twice = format!("source = \"s\"\n{}{}", rule("a", 7), rule("a", 7));
        assert_eq!(
            RuleBook::parse(&twice).unwrap_err(),
            RuleError::Duplicate("a".into())
        );
        let zero = format!("source = \"s\"\n{}", rule("a", 0));
        assert!(matches!(
            RuleBook::parse(&zero).unwrap_err(),
            RuleError::Amount { .. }
        ));
    }
}
