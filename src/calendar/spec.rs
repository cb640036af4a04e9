//! The calendars themselves — ids, names, parents, zones, weekend rules — as data
//! (`holidays/calendars.json`), so that a new prefecture is a new entry, not new code.

use chrono::Weekday;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// How a layer publishes its days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Notice {
    /// A notice every year; a year without one (or one that lacks a holiday in `requires`) is
    /// unpublished for this layer and every layer below it.
    Yearly {
        #[serde(default)]
        /// The holidays a notice must name to count as the year's notice.
        requires: Vec<String>,
    },
    /// Days of its own only now and then; a year without a file simply adds nothing.
    Occasional,
}

/// How a layer's days are estimated for a year it has not published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Projection {
    /// The national notice as the State Council would arrange it ([`super::projection::national`]).
    National,
    /// 肉孜节 and 古尔邦节 from the Umm al-Qura calendar, by the region's habit
    /// ([`super::projection::xinjiang_on`]).
    Xinjiang,
}

impl Projection {
    /// The estimated days of `year`, on a parent calendar where `parent(date)` is `Some(true)`
    /// for a day its notices give off, `Some(false)` for one they make a working day, `None` for
    /// a day the weekend rule decides (Xinjiang moves its festivals off national breaks).
    pub fn days(
        self,
        year: i32,
        parent: &dyn Fn(chrono::NaiveDate) -> Option<bool>,
    ) -> Vec<super::projection::ProjectedDay> {
        match self {
            Projection::National => super::projection::national(year),
            Projection::Xinjiang => super::projection::xinjiang_on(year, parent),
        }
    }
}

/// One calendar layer as `holidays/calendars.json` describes it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CalendarSpec {
    /// Its id (`cn-xj`).
    pub id: String,
    /// Its name (`新疆维吾尔自治区`).
    pub name: String,
    /// The layer it adds to; none for the national one.
    pub parent: Option<String>,
    /// The zone whose clock official business runs on.
    pub timezone: Tz,
    /// Rest days of the week; a layer without its own inherits its parent's.
    #[serde(default, with = "weekdays")]
    pub weekend: Option<Vec<Weekday>>,
    /// How it publishes its days.
    pub notice: Notice,
    /// How the layer's days are estimated for a year it has not published; none: not at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub projection: Option<Projection>,
    /// A note for people, in Chinese and in English.
    pub note: crate::lang::Texts,
}

#[derive(Deserialize)]
struct SpecFile {
    calendars: Vec<CalendarSpec>,
}

/// Why the calendar list is unusable.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// Not JSON of the list's shape.
    #[error("calendar list is not valid: {0}")]
    Malformed(String),
    /// A calendar whose parent is not listed before it.
    #[error("calendar {id} names unknown parent {parent}")]
    UnknownParent {
        /// The calendar.
        id: String,
        /// The parent it names.
        parent: String,
    },
    /// Two calendars with one id.
    #[error("calendar {id} is listed twice")]
    Duplicate {
        /// The id.
        id: String,
    },
    /// A national calendar with no weekend rule.
    #[error("root calendar {id} has no weekend rule")]
    NoWeekend {
        /// The calendar.
        id: String,
    },
}

/// The calendar list compiled into the binary.
pub const EMBEDDED_SPECS: &str = include_str!("../../holidays/calendars.json");

/// Parses a calendar list and checks that every parent is listed before its children.
///
/// # Errors
/// [`SpecError`] if the JSON is malformed, an id repeats, a parent is unknown, or a root
/// calendar has no weekend rule.
pub fn parse_specs(json: &str) -> Result<Vec<CalendarSpec>, SpecError> {
    let file: SpecFile =
        serde_json::from_str(json).map_err(|e| SpecError::Malformed(e.to_string()))?;
    for (i, spec) in file.calendars.iter().enumerate() {
        let before = &file.calendars[..i];
        if before.iter().any(|s| s.id == spec.id) {
            return Err(SpecError::Duplicate {
                id: spec.id.clone(),
            });
        }
        match &spec.parent {
            Some(parent) if !before.iter().any(|s| &s.id == parent) => {
                return Err(SpecError::UnknownParent {
                    id: spec.id.clone(),
                    parent: parent.clone(),
                });
            }
            None if spec.weekend.is_none() => {
                return Err(SpecError::NoWeekend {
                    id: spec.id.clone(),
                });
            }
            _ => {}
        }
    }
    Ok(file.calendars)
}

mod weekdays {
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(days: &Option<Vec<Weekday>>, s: S) -> Result<S::Ok, S::Error> {
        days.as_ref()
            .map(|d| d.iter().map(|w| w.to_string()).collect::<Vec<_>>())
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Weekday>>, D::Error> {
        let names: Option<Vec<String>> = Option::deserialize(d)?;
        names
            .map(|names| {
                names
                    .iter()
                    .map(|n| n.parse::<Weekday>().map_err(serde::de::Error::custom))
                    .collect()
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_list_has_the_three_layers_in_order() {
        let specs = parse_specs(EMBEDDED_SPECS).expect("embedded calendar list is valid");
        let ids: Vec<&str> = specs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["cn", "cn-xj", "cn-xj-kizilsu"],
            "expected the three layers"
        );
        assert_eq!(
            specs[2].parent.as_deref(),
            Some("cn-xj"),
            "kizilsu sits on xinjiang"
        );
    }

    #[test]
    fn a_child_before_its_parent_is_refused() {
        let json = r#"{"calendars": [
            {"id": "b", "name": "b", "parent": "a", "timezone": "Asia/Shanghai", "notice": {"kind": "occasional"}, "note": {"zh": "乙", "en": "b"}},
            {"id": "a", "name": "a", "parent": null, "timezone": "Asia/Shanghai", "weekend": ["Sat"], "notice": {"kind": "occasional"}, "note": {"zh": "甲", "en": "a"}}]}"#;
        assert!(matches!(
            parse_specs(json),
            Err(SpecError::UnknownParent { .. })
        ));
    }
}
