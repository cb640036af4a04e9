//! The data in force: one version of the compiled calendars and the rules.

use super::*;

/// Everything in force at once — the calendars and the rules — with one version, so that a
/// request answers from one of each and its ETag names both.
#[derive(Debug)]
pub struct InForce {
    calendars: CalendarSet,
    rules: RuleBook,
    version: String,
}

impl InForce {
    /// The calendars and the rules, under one version.
    pub fn new(calendars: CalendarSet, rules: RuleBook) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new()
            .chain_update(calendars.version())
            .chain_update(rules.version())
            .finalize();
        InForce {
            version: crate::base::short_digest(&digest),
            calendars,
            rules,
        }
    }

    /// The inputs that compile to it, with their bytes: what the history keeps of it.
    pub(super) fn inputs(&self, data: &DataSet) -> Inputs {
        let hex_of = |sha: &[u8; 32]| hex(sha);
        let mut inputs = Inputs::default();
        for (layer, year, file) in data.files() {
            let input = LayerInput {
                layer: layer.to_owned(),
                year: Some(year),
                origin: file.origin.clone(),
                sha256: hex_of(&file.sha256),
            };
            inputs.layers.push((input, file.bytes.clone()));
        }
        for (layer, hours) in data.all_hours() {
            let input = LayerInput {
                layer: layer.to_owned(),
                year: None,
                origin: hours.origin.clone(),
                sha256: hex_of(&hours.sha256),
            };
            inputs.layers.push((input, hours.bytes.clone()));
        }
        for set in self.rules.sets() {
            let bytes: Arc<[u8]> = Arc::from(set.text.as_bytes());
            let input = RuleInput {
                set: set.id.clone(),
                shown: set.file.clone(),
                origin: set.origin.clone(),
                sha256: hex(&Sha256::digest(&bytes)),
            };
            inputs.rules.push((input, bytes));
        }
        inputs
    }

    /// The data version: a digest of every calendar and rule in force (`x-data-version`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The calendars.
    pub fn calendars(&self) -> &CalendarSet {
        &self.calendars
    }

    /// The rules.
    pub fn rules(&self) -> &RuleBook {
        &self.rules
    }
}

impl std::ops::Deref for InForce {
    type Target = CalendarSet;

    /// The calendars, which most requests use.
    fn deref(&self) -> &CalendarSet {
        &self.calendars
    }
}
