//! A moved matter's `moved_by`: the days whose change moved it, among its calendar's changed
//! days between the data version its due date was acknowledged on and the data in force,
//! picked as `/v1/deadlines/recheck` picks them. A version no longer kept (pruned from the
//! history, or never recorded: a matter kept before versions were) names no day; the matter
//! says so (`moved_by_unknown`) rather than guess.
//!
//! Only moved matters need the changes, and a register's moved matters were mostly
//! acknowledged on a few versions: each version's changes are found once (a compilation off
//! the workers) and held for the next reading while the same data are in force
//! ([`changes_since`]).

use std::collections::HashMap;

use serde::Serialize;

use super::super::changes::{ChangesSince, DayChangeDto, changes_since};
use super::super::{AppState, Snapshot};
use crate::calendar::diff::DayChange;
use crate::deadline::Context;
use crate::register::{ChangedDays, Reading};
use crate::registers::Kept;
use crate::text::{DayFacts, Lang};

/// The changes since each acknowledged version of the matters read, or why there are none.
pub struct Found {
    now: String,
    since: HashMap<String, ChangesSince>,
    none: ChangedDays,
}

impl Found {
    /// The changes since the versions of `kept`'s matters whose `first` reading (with no
    /// changes) found them moved.
    ///
    /// # Errors
    /// As [`changes_since`] when the compilations are busy.
    pub async fn of_moved<'k, 'r, 'c: 'r>(
        state: &AppState,
        data: &Snapshot,
        read: impl Iterator<Item = (&'k Kept, &'r Reading<'c>)>,
    ) -> Result<Self, super::ApiError> {
        let now = data.set.version().to_owned();
        let mut versions: Vec<String> = read
            .filter(|(_, r)| r.as_ref().is_ok_and(|d| d.moved))
            .filter_map(|(k, _)| k.matter.acknowledged_version.clone())
            .filter(|v| *v != now)
            .collect();
        versions.sort_unstable();
        versions.dedup();
        let since = changes_since(state, &data.set, versions).await?;
        Ok(Found {
            now,
            since,
            none: ChangedDays::new(),
        })
    }

    /// The changes since `version`; the version, or none when it was never recorded, when
    /// they cannot be named.
    fn changes<'v>(&self, version: Option<&'v str>) -> Result<&ChangedDays, Option<&'v str>> {
        let version = version.ok_or(None)?;
        if version == self.now {
            return Ok(&self.none);
        }
        match self.since.get(version) {
            Some(Ok(changes)) => Ok(changes),
            _ => Err(Some(version)),
        }
    }

    /// `kept` read again against the changes since its acknowledged version, when its `first`
    /// reading found it moved; else `first` as it is.
    pub fn again<'f>(
        &'f self,
        kept: &Kept,
        first: Reading<'f>,
        context: &Context<'_>,
    ) -> Reading<'f> {
        match &first {
            Ok(due) if due.moved => match self.changes(kept.matter.acknowledged_version.as_deref())
            {
                Ok(changes) => kept.matter.read_since(context, changes),
                Err(_) => first,
            },
            _ => first,
        }
    }

    /// A matter's `moved_by` and `moved_by_unknown`: no day when it did not move; the days
    /// that moved it; or none, and why, when they cannot be named.
    pub fn days<'r>(
        &self,
        kept: &Kept,
        reading: &'r Reading<'_>,
        lang: Lang,
    ) -> (Option<Vec<MovedDayDto<'r>>>, Option<String>) {
        match reading {
            Ok(due) if due.moved => {
                match self.changes(kept.matter.acknowledged_version.as_deref()) {
                    Ok(_) => (
                        Some(
                            due.moved_by
                                .iter()
                                .map(|c| MovedDayDto::new(c, lang))
                                .collect(),
                        ),
                        None,
                    ),
                    Err(version) => (None, Some(lang.says().moved_by_unknown(version))),
                }
            }
            _ => (Some(Vec::new()), None),
        }
    }
}

/// A day that moved a matter: the day before and after (as `/v1/deadlines/recheck` shows
/// it), and a sentence saying so in the answer's language.
#[derive(Serialize)]
pub struct MovedDayDto<'a> {
    #[serde(flatten)]
    day: DayChangeDto<'a>,
    text: String,
}

impl<'a> MovedDayDto<'a> {
    fn new(change: &'a DayChange, lang: Lang) -> Self {
        let says = lang.says();
        let words = |state: &crate::calendar::diff::DayState| {
            says.day(DayFacts {
                kind: state.kind,
                name: state.name.as_deref(),
                estimated: state.estimated,
            })
        };
        MovedDayDto {
            day: DayChangeDto::from(change),
            text: says.day_changed(change.date, &words(&change.old), &words(&change.new)),
        }
    }
}
