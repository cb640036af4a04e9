//! The period to count: a rule's, possibly with the caller's amount and its extension, or an
//! ad hoc one in any form.

use chrono::NaiveDate;

use super::{Bound, Counting, DeadlineError, Direction, Earlier, PeriodLaw, Rule, RuleBook, Unit};

/// A period to count: a rule's, possibly with the caller's amount, or an ad hoc one.
#[derive(Clone, Copy, Debug)]
pub struct Period<'r> {
    /// The rule it comes from; none for an ad hoc period.
    pub rule: Option<&'r Rule>,
    /// How it is counted.
    pub unit: Unit,
    /// How many units it lasts.
    pub amount: u32,
    /// Which way it runs from the event.
    pub direction: Direction,
    /// What it bounds.
    pub bound: Bound,
    /// How rest days inside it count.
    pub counting: Counting,
    /// The rule's extension, when the caller asked for it (`extended=true`): its length.
    pub extension: Option<u32>,
    /// The rule's earlier text counted, when the event is before its current text came into
    /// force; `None` for the current text (and an ad hoc period).
    pub earlier: Option<&'r Earlier>,
    /// Whether the caller set the amount (an adjustable rule's `days`): an earlier text's own
    /// amount does not replace it.
    pub amount_given: bool,
}

impl PartialEq for Period<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.rule.map(|r| (&r.set, &r.id)) == other.rule.map(|r| (&r.set, &r.id))
            && self.unit == other.unit
            && self.amount == other.amount
            && self.direction == other.direction
            && self.bound == other.bound
            && self.counting == other.counting
            && self.extension == other.extension
            && self.earlier.map(|e| e.in_force) == other.earlier.map(|e| e.in_force)
    }
}
impl Eq for Period<'_> {}

/// The article that decides a step of a period: where it starts (the event's day not counted)
/// or where a rest-day last day moves. The text layer words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Article<'r> {
    /// 民法典 第二百零一条 (the start) or 第二百零三条 (the roll).
    CivilCode,
    /// 民事诉讼法 第八十五条, as the rule's statute sends its periods there (`via`, the
    /// article that does: `行政复议法 第八十八条第一款`).
    CivilProcedure {
        /// The article that sends the period there.
        via: &'r str,
    },
    /// 税收征收管理法实施细则 第一百零九条 (the tax counting's roll).
    TaxRules,
}

/// The form an ad hoc period takes, as the caller gave it; a rule's is its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Form {
    /// `direction`, if given.
    pub direction: Option<Direction>,
    /// `bound`, if given.
    pub bound: Option<Bound>,
    /// `counting`, if given.
    pub counting: Option<Counting>,
    /// `extended=true`.
    pub extended: bool,
}

impl<'r> Period<'r> {
    /// A rule's own period.
    pub fn of(rule: &'r Rule) -> Self {
        Period {
            rule: Some(rule),
            unit: rule.unit,
            amount: rule.amount,
            direction: rule.direction,
            bound: rule.bound,
            counting: rule.counting,
            extension: None,
            earlier: None,
            amount_given: false,
        }
    }

    /// An ad hoc period of `amount` `unit`s, forward, within, counted as civil law counts.
    pub fn ad_hoc(unit: Unit, amount: u32) -> Self {
        Period {
            rule: None,
            unit,
            amount,
            direction: Direction::Forward,
            bound: Bound::Within,
            counting: Counting::Civil,
            extension: None,
            earlier: None,
            amount_given: false,
        }
    }

    /// Resolves what the caller asked for: a rule id (with `days` where the rule allows it,
    /// and its extension when `form.extended`), or an ad hoc `unit` and `amount` in `form`.
    ///
    /// # Errors
    /// [`DeadlineError::UnknownRule`], [`DeadlineError::DaysNotAllowed`],
    /// [`DeadlineError::UnitNotAllowed`], [`DeadlineError::FormNotAllowed`],
    /// [`DeadlineError::NoExtension`], [`DeadlineError::AmountOutOfRange`], or
    /// [`DeadlineError::MissingPeriod`].
    ///
    /// # Example
    /// ```
    /// use qixian::deadline::{Form, Period, RuleBook};
    /// let book = RuleBook::embedded();
    /// let p = Period::resolve(&book, Some("countersign-reply"), None, Some(10), Form::default()).unwrap();
    /// assert_eq!(p.amount, 10);
    /// assert!(Period::resolve(&book, Some("meeting-issuance"), None, Some(10), Form::default()).is_err());
    /// let extended = Form { extended: true, ..Form::default() };
    /// let p = Period::resolve(&book, Some("national/gov-info-reply"), None, None, extended).unwrap();
    /// assert_eq!((p.amount, p.extension), (20, Some(20)));
    /// ```
    pub fn resolve(
        book: &'r RuleBook,
        rule: Option<&str>,
        unit: Option<Unit>,
        amount: Option<i64>,
        form: Form,
    ) -> Result<Self, DeadlineError> {
        match rule {
            None => Period::asked(unit, amount, form),
            Some(id) => Period::of_rule(book.find(id)?, unit, amount, form),
        }
    }

    /// An ad hoc period: `unit` and `amount` in `form`, which cannot be extended.
    fn asked(unit: Option<Unit>, amount: Option<i64>, form: Form) -> Result<Self, DeadlineError> {
        let (Some(unit), Some(n)) = (unit, amount) else {
            return Err(DeadlineError::MissingPeriod);
        };
        if form.extended {
            return Err(DeadlineError::NoExtension { rule: None });
        }
        let period = Period {
            direction: form.direction.unwrap_or_default(),
            bound: form.bound.unwrap_or_default(),
            counting: form.counting.unwrap_or_default(),
            ..Period::ad_hoc(unit, checked_amount(unit, n)?)
        };
        if period.direction == Direction::Backward && unit.in_hours() {
            return Err(DeadlineError::FormNotAllowed {
                rule: None,
                key: "direction",
            });
        }
        Ok(period)
    }

    /// `rule`'s period, with the `amount` the caller gives where the rule allows one, and its
    /// extension when `form.extended`; a `unit` or form other than the rule's is refused.
    ///
    /// # Errors
    /// As [`Period::resolve`] for a rule found.
    pub fn of_rule(
        rule: &'r Rule,
        unit: Option<Unit>,
        amount: Option<i64>,
        form: Form,
    ) -> Result<Self, DeadlineError> {
        let amount_given_by_caller = amount.is_some();
        let amount = match amount {
            None => rule.amount,
            Some(_) if !rule.adjustable => {
                return Err(DeadlineError::DaysNotAllowed {
                    rule: rule.full_id(),
                    amount: rule.amount,
                    unit: rule.unit,
                });
            }
            Some(n) => checked_amount(rule.unit, n)?,
        };
        if unit.is_some_and(|u| u != rule.unit) {
            return Err(DeadlineError::UnitNotAllowed {
                rule: rule.full_id(),
                unit: rule.unit,
            });
        }
        check_rule_form(rule, form)?;
        let extension = match (&rule.extension, form.extended) {
            (_, false) => None,
            (Some(ext), true) => Some(ext.amount),
            (None, true) => {
                return Err(DeadlineError::NoExtension {
                    rule: Some(rule.full_id()),
                });
            }
        };
        Ok(Period {
            amount,
            extension,
            amount_given: amount_given_by_caller,
            ..Period::of(rule)
        })
    }

    /// The article that starts the period on the day after its event.
    pub fn start_article(&self) -> Article<'r> {
        match self.rule {
            Some(r) if r.period_law == PeriodLaw::CivilProcedure => Article::CivilProcedure {
                via: r.period_law_basis.as_deref().unwrap_or_default(),
            },
            _ => Article::CivilCode,
        }
    }

    /// The article that moves a last day that is a rest day.
    pub fn roll_article(&self) -> Article<'r> {
        match self.counting {
            Counting::Tax => Article::TaxRules,
            Counting::Civil => self.start_article(),
        }
    }

    /// The unit of the extension: the rule's extension's own (or its earlier text's).
    pub fn extension_unit(&self) -> Unit {
        self.extension_of().map_or(self.unit, |e| e.unit)
    }

    /// The extension the text applied allows, if any.
    pub fn extension_of(&self) -> Option<&'r super::Extension> {
        match self.earlier {
            Some(earlier) => earlier.extension.as_ref(),
            None => self.rule.and_then(|r| r.extension.as_ref()),
        }
    }

    /// The article, words and working-day basis of the text applied.
    pub fn article(&self) -> Option<(&'r str, &'r str, Option<&'r str>)> {
        let rule = self.rule?;
        Some(match self.earlier {
            Some(e) => (&e.article, &e.text, e.working_days_basis.as_deref()),
            None => (
                &rule.article,
                &rule.text,
                rule.working_days_basis.as_deref(),
            ),
        })
    }

    /// This period under the rule's text in force on `event` (the event's day): the rule's
    /// own, or the earlier text then in force with the period it set.
    ///
    /// # Errors
    /// [`DeadlineError::NotInForce`] when no text of the rule was in force on `event`;
    /// [`DeadlineError::NoExtension`] when the extension asked for did not exist then.
    ///
    /// # Example
    /// ```
    /// use chrono::NaiveDate;
    /// use qixian::deadline::{Form, Period, RuleBook};
    /// let book = RuleBook::embedded();
    /// let reply = Period::resolve(&book, Some("national/gov-info-reply"), None, None, Form::default()).unwrap();
    /// let then = reply.in_force_on(NaiveDate::from_ymd_opt(2018, 6, 1).unwrap()).unwrap();
    /// assert_eq!(then.amount, 15, "政府信息公开条例 (2007) 第二十四条: 15个工作日");
    /// ```
    // Inlined into a deadline's computation (a hint alone was not taken): its result is
    // built where the deadline uses it instead of returned through memory.
    #[inline(always)]
    pub fn in_force_on(self, event: NaiveDate) -> Result<Self, DeadlineError> {
        let Some(rule) = self.rule else {
            return Ok(self);
        };
        let earlier = match rule.text_on(event) {
            Ok(None) => return Ok(self),
            Ok(Some(earlier)) => earlier,
            Err(from) => {
                return Err(DeadlineError::NotInForce {
                    rule: rule.full_id(),
                    from,
                });
            }
        };
        let extension = match (self.extension, &earlier.extension) {
            (None, _) => None,
            (Some(_), Some(ext)) => Some(ext.amount),
            (Some(_), None) => {
                return Err(DeadlineError::NoExtension {
                    rule: Some(rule.full_id()),
                });
            }
        };
        Ok(Period {
            unit: earlier.unit,
            // An adjustable rule's amount set by the caller stays the caller's.
            amount: if self.amount_given {
                self.amount
            } else {
                earlier.amount
            },
            direction: earlier.direction.unwrap_or(rule.direction),
            bound: earlier.bound.unwrap_or(rule.bound),
            extension,
            earlier: Some(earlier),
            ..self
        })
    }
}

/// `amount` when `unit` can have it (1 to its most).
fn checked_amount(unit: Unit, amount: i64) -> Result<u32, DeadlineError> {
    if (1..=i64::from(unit.max_amount())).contains(&amount) {
        Ok(amount as u32)
    } else {
        Err(DeadlineError::AmountOutOfRange { amount, unit })
    }
}

/// A rule's forms are its statute's: a direction, bound or counting other than its own is
/// refused by name.
fn check_rule_form(rule: &Rule, form: Form) -> Result<(), DeadlineError> {
    for (given, key) in [
        (
            form.direction.is_some_and(|d| d != rule.direction),
            "direction",
        ),
        (form.bound.is_some_and(|b| b != rule.bound), "bound"),
        (
            form.counting.is_some_and(|c| c != rule.counting),
            "counting",
        ),
    ] {
        if given {
            return Err(DeadlineError::FormNotAllowed {
                rule: Some(rule.full_id()),
                key,
            });
        }
    }
    Ok(())
}
