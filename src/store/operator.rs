//! The operator's directory (`QIXIAN_HOLIDAYS_DIR`): its files found, read and put in force
//! above the embedded and feed files, or refused with the reason in its status.

use super::*;

/// What the operator's directory held at the last reload.
#[derive(Clone, Debug, Default, Serialize)]
pub struct OperatorStatus {
    /// `QIXIAN_HOLIDAYS_DIR` when that directory is set (the setting's name, never its path).
    pub dir: Option<String>,
    /// The files in force, relative to it.
    pub files: Vec<String>,
    /// Files refused, each with the reason, relative to it.
    pub refused: Vec<String>,
}

/// Puts one file's bytes in force in a data set, or says why not.
type Insert<'a> = dyn FnMut(&[u8], Origin) -> Result<(), DataError> + 'a;

impl Store {
    /// What the operator's directory held at the last reload; never waits.
    pub fn operator_status(&self) -> OperatorStatus {
        self.status.load().operator.clone()
    }

    /// Re-reads the operator's directory, and what other replicas put in the shared state
    /// directory (accepted feed files, withdrawals), and recompiles; a change the shared
    /// database cannot record is logged and not made ([`Store::reload`] says so).
    pub fn reload_operator_files(&self) -> OperatorStatus {
        self.reload().unwrap_or_else(|e| {
            tracing::error!(cause = %crate::base::error_chain(&e), "reload not made");
            self.operator_status()
        })
    }

    /// Re-reads the operator's directory and what the other replicas decided (in the shared
    /// state directory, or the shared database), and recompiles; with a shared database the
    /// version is recorded there before it is put in force.
    ///
    /// # Errors
    /// [`StoreError::Database`] when the shared database cannot be read or cannot record the
    /// version: nothing changes.
    pub fn reload(&self) -> Result<OperatorStatus, StoreError> {
        let mut sources = self.lock();
        match self.history.database() {
            None => {
                self.follow_shared(&mut sources);
            }
            Some(shared) => {
                let state =
                    shared_state::read(shared, &self.history).map_err(StoreError::Database)?;
                sources.feed_files = state.files;
                sources.withdrawn = state.withdrawn;
            }
        }
        self.rebuild(&sources, FeedChange::None)?;
        Ok(self.operator_status())
    }

    /// `<dir>/<calendar-id>/<year>.json` and `<dir>/<calendar-id>/hours.json` for every known
    /// calendar; anything else is reported.
    #[allow(clippy::type_complexity)]
    pub(super) fn operator_files(
        &self,
        dir: &Path,
        refused: &mut Vec<String>,
    ) -> (
        Vec<(&CalendarSpec, i32, PathBuf)>,
        Vec<(&CalendarSpec, PathBuf)>,
    ) {
        let mut files = Vec::new();
        let mut hours = Vec::new();
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                refused.push(format!(".: cannot be read: {e}"));
                return (files, hours);
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let id = entry.file_name().to_string_lossy().into_owned();
            if !path.is_dir() {
                continue;
            }
            let Some(spec) = self.spec(&id) else {
                refused.push(format!(
                    "{id}: {} is not a known calendar",
                    crate::time::quoted(&id)
                ));
                continue;
            };
            let mut ignored = Vec::new();
            for (year, file) in year_files(&path, "json", &mut ignored) {
                files.push((spec, year, file));
            }
            for name in ignored {
                if name == HOURS_FILE {
                    hours.push((spec, path.join(HOURS_FILE)));
                    continue;
                }
                refused.push(format!(
                    "{id}/{name}: not a <year>.json file (four digits, such as 2027.json) or {HOURS_FILE}"
                ));
            }
        }
        files.sort_by(|a, b| (&a.0.id, a.1).cmp(&(&b.0.id, b.1)));
        hours.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        (files, hours)
    }
}

impl Store {
    /// Puts the operator's files in `data` above the embedded and feed files; says which were
    /// taken and which refused.
    pub(super) fn operator_layer(&self, data: &mut DataSet) -> OperatorStatus {
        let mut operator = OperatorStatus {
            // The setting, not the path: where the operator keeps files is none of a caller's
            // business (the log names the path at start-up).
            dir: self
                .operator_dir
                .as_ref()
                .map(|_| "QIXIAN_HOLIDAYS_DIR".to_owned()),
            ..OperatorStatus::default()
        };
        if let Some(dir) = &self.operator_dir {
            let (years, hours) = self.operator_files(dir, &mut operator.refused);
            // One operator file: read within bounds, put in force by `insert`, or refused.
            let mut take = |path: &Path, insert: &mut Insert<'_>| {
                let shown = relative(dir, path);
                let origin = Origin::OperatorFile {
                    path: shown.clone(),
                };
                let outcome =
                    read_bounded(path).and_then(|b| insert(&b, origin).map_err(|e| e.to_string()));
                match outcome {
                    Ok(()) => operator.files.push(shown),
                    Err(e) => {
                        tracing::warn!(path = %shown, "operator file refused: {e}");
                        operator.refused.push(format!("{shown}: {e}"));
                    }
                }
            };
            for (spec, path) in hours {
                take(&path, &mut |b, origin| {
                    Ok(data.insert_hours(&spec.id, b, origin)?)
                });
            }
            for (spec, year, path) in years {
                take(&path, &mut |b, origin| {
                    data.insert_checked(spec, year, b, origin)
                });
            }
        }
        operator
    }
}
