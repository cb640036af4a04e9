//! The rule sets: the embedded ones and the operator's `<set>.toml` files (`QIXIAN_RULES_DIR`).

use super::*;

/// What the rules directory held at the last reload.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RulesStatus {
    /// `QIXIAN_RULES_DIR` when that directory is set (the setting's name, never its path).
    pub dir: Option<String>,
    /// The rule files in force, relative to it.
    pub files: Vec<String>,
    /// Files refused, each with its errors (file, rule, key), relative to it; a refused
    /// file's set keeps the version in force before, if any.
    pub refused: Vec<String>,
}

impl Store {
    /// What the rules directory held at the last reload; never waits.
    pub fn rules_status(&self) -> RulesStatus {
        self.status.load().rules.clone()
    }

    /// The embedded rule sets and the operator's `<set>.toml` files. A refused file is
    /// reported; its set stays as it was in force (the operator's last good file, else the
    /// embedded one, else none).
    pub(super) fn rule_sets(&self) -> (RuleBook, RulesStatus) {
        let mut status = RulesStatus {
            dir: self
                .rules_dir
                .as_ref()
                .map(|_| "QIXIAN_RULES_DIR".to_owned()),
            ..RulesStatus::default()
        };
        let mut sets: Vec<RuleSet> = RuleBook::embedded().sets().to_vec();
        let Some(dir) = &self.rules_dir else {
            return (RuleBook::new(sets), status);
        };
        let previous = self.in_force();
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                status.refused.push(format!(".: cannot be read: {e}"));
                return (RuleBook::new(previous.rules().sets().to_vec()), status);
            }
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for path in files {
            let shown = relative(dir, &path);
            let id = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            let origin = RuleOrigin::OperatorFile {
                path: shown.clone(),
            };
            let parsed = read_bounded(&path).and_then(|bytes| {
                let text = String::from_utf8(bytes).map_err(|_| "is not UTF-8".to_owned())?;
                RuleSet::parse(&id, &shown, &text, origin).map_err(|e| e.to_string())
            });
            match parsed {
                Ok(set) => {
                    status.files.push(shown);
                    sets.push(set);
                }
                Err(e) => {
                    let e = if e.starts_with(&shown) {
                        e
                    } else {
                        format!("{shown}: {e}")
                    };
                    tracing::warn!("rule file refused: {e}");
                    status.refused.push(e);
                    if let Some(kept) = previous.rules().set(&id) {
                        sets.push(kept.clone());
                    }
                }
            }
        }
        (RuleBook::new(sets), status)
    }
}
