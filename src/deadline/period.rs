//! The period to count: a rule's, possibly with the caller's amount, or an ad hoc one.

use super::{AMOUNTS, DeadlineError, Rule, RuleBook, Unit};

/// A period to count: a rule's, possibly with the caller's amount, or an ad hoc one.
#[derive(Clone, Copy, Debug)]
pub struct Period<'r> {
    /// The rule it comes from; none for an ad hoc period.
    pub rule: Option<&'r Rule>,
    /// How it is counted.
    pub unit: Unit,
    /// How many units it lasts.
    pub amount: u32,
}

impl PartialEq for Period<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.rule.map(|r| &r.id) == other.rule.map(|r| &r.id)
            && self.unit == other.unit
            && self.amount == other.amount
    }
}
impl Eq for Period<'_> {}

impl<'r> Period<'r> {
    /// A rule's own period.
    pub fn of(rule: &'r Rule) -> Self {
        Period {
            rule: Some(rule),
            unit: rule.unit,
            amount: rule.amount,
        }
    }

    /// Resolves what the caller asked for: a rule id (with `days` where the rule allows it), or
    /// an ad hoc `unit` and `amount`.
    ///
    /// # Errors
    /// [`DeadlineError::UnknownRule`], [`DeadlineError::DaysNotAllowed`],
    /// [`DeadlineError::UnitNotAllowed`], [`DeadlineError::AmountOutOfRange`], or
    /// [`DeadlineError::MissingPeriod`].
    ///
    /// # Example
    /// ```
    /// use qixian::deadline::{Period, RuleBook};
    /// let book = RuleBook::embedded();
    /// let p = Period::resolve(&book, Some("countersign-reply"), None, Some(10)).unwrap();
    /// assert_eq!(p.amount, 10);
    /// assert!(Period::resolve(&book, Some("meeting-issuance"), None, Some(10)).is_err());
    /// ```
    pub fn resolve(
        book: &'r RuleBook,
        rule: Option<&str>,
        unit: Option<Unit>,
        amount: Option<i64>,
    ) -> Result<Self, DeadlineError> {
        let checked = |amount: i64| {
            if AMOUNTS.contains(&amount) {
                Ok(amount as u32)
            } else {
                Err(DeadlineError::AmountOutOfRange { amount })
            }
        };
        match rule {
            Some(id) => {
                let rule = book.find(id)?;
                let amount = match amount {
                    None => rule.amount,
                    Some(_) if !rule.adjustable => {
                        return Err(DeadlineError::DaysNotAllowed {
                            rule: rule.id.clone(),
                            amount: rule.amount,
                            unit: rule.unit,
                        });
                    }
                    Some(n) => checked(n)?,
                };
                if unit.is_some_and(|u| u != rule.unit) {
                    return Err(DeadlineError::UnitNotAllowed {
                        rule: rule.id.clone(),
                        unit: rule.unit,
                    });
                }
                Ok(Period {
                    rule: Some(rule),
                    unit: rule.unit,
                    amount,
                })
            }
            None => match (unit, amount) {
                (Some(unit), Some(n)) => Ok(Period {
                    rule: None,
                    unit,
                    amount: checked(n)?,
                }),
                _ => Err(DeadlineError::MissingPeriod),
            },
        }
    }
}
