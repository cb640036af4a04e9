//! The working rules' deadlines as data (`rules/*.toml`, embedded): a new rule is a new entry.

use serde::{Deserialize, Serialize};

/// How a period is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// N个工作日内: only working days count, makeup working days included.
    WorkingDays,
    /// N日内: every day counts; a last day that is a rest day rolls forward (民法典 第二百零三条).
    CalendarDays,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::WorkingDays => "working_days",
            Unit::CalendarDays => "calendar_days",
        }
    }
}

/// What follows when a deadline passes without the act.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consequence {
    /// 逾期不回复视为无不同意见: silence counts as no objection.
    DeemedNoObjection,
}

/// One deadline of the working rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub title: String,
    /// The article that sets it (`第五十条`).
    pub article: String,
    /// The article's words, exactly.
    pub text: String,
    /// What the period runs from.
    pub event: String,
    pub unit: Unit,
    pub amount: u32,
    /// Whether a caller may set its own amount (`days`).
    pub adjustable: bool,
    #[serde(default)]
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
    pub source: String,
    rules: Vec<Rule>,
}

/// The Kizilsu working rules, compiled into the binary.
pub const EMBEDDED_RULES: &str = include_str!("../../rules/kizilsu.toml");

impl RuleBook {
    /// Parses a rule file.
    ///
    /// # Errors
    /// A message naming what is wrong when the TOML is malformed, a field is missing, an id
    /// repeats, or an amount is outside 1–3,650.
    ///
    /// # Example
    /// ```
    /// use qixian::deadline::{RuleBook, EMBEDDED_RULES, Unit};
    /// let book = RuleBook::parse(EMBEDDED_RULES).unwrap();
    /// assert_eq!(book.get("approved-filing").unwrap().unit, Unit::CalendarDays);
    /// ```
    pub fn parse(toml_text: &str) -> Result<Self, String> {
        let file: RuleFile = toml::from_str(toml_text).map_err(|e| e.to_string())?;
        for (i, rule) in file.rule.iter().enumerate() {
            if file.rule[..i].iter().any(|r| r.id == rule.id) {
                return Err(format!("rule {} is listed twice", rule.id));
            }
            if !super::AMOUNTS.contains(&i64::from(rule.amount)) {
                return Err(format!(
                    "rule {} has amount {} outside 1–3650",
                    rule.id, rule.amount
                ));
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

    /// The rule `id`, if there is one.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter()
    }

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
                "[[rule]]\nid = \"{id}\"\ntitle = \"t\"\narticle = \"a\"\ntext = \"x\"\nevent = \"e\"\nunit = \"working_days\"\namount = {amount}\nadjustable = false\n"
            )
        };
        let twice = format!("source = \"s\"\n{}{}", rule("a", 7), rule("a", 7));
        assert!(RuleBook::parse(&twice).unwrap_err().contains("twice"));
        let zero = format!("source = \"s\"\n{}", rule("a", 0));
        assert!(RuleBook::parse(&zero).unwrap_err().contains("outside"));
    }
}
