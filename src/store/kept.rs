//! The history's glue: kept versions compiled again from their inputs, and what changed
//! between one and the data in force.

use super::*;

/// What changed in one calendar between a kept version and the one in force.
#[derive(Clone, Debug)]
pub struct Changes {
    /// The version asked about.
    pub since: String,
    /// The version in force.
    pub data_version: String,
    /// The versions from `since` to the one in force, in the order they came into force.
    pub versions: Vec<Kept>,
    /// Every day that differs, in date order.
    pub days: Vec<DayChange>,
}

impl Store {
    /// The data of `version`: the data in force if it is that version, else the kept version
    /// compiled again (a few recently asked for are held compiled). Compiling takes about
    /// 13 ms of CPU: the HTTP layer calls [`Store::kept_at_hand`] on its workers and this only
    /// off them.
    ///
    /// # Errors
    /// [`HistoryError::NotKept`] for a version that is not kept (never in force, or pruned),
    /// naming the oldest kept; [`HistoryError::Unusable`] when its inputs do not compile to it.
    pub fn kept(&self, version: &str) -> Result<Arc<InForce>, HistoryError> {
        if let Some(set) = self.kept_at_hand(version)? {
            return Ok(set);
        }
        let recipe = self.history.recipe(version)?;
        let set = Arc::new(self.compile(&recipe).inspect_err(|e| {
            // The reason names inputs and OS errors: the log's, never the caller's.
            tracing::warn!("{e}");
        })?);
        self.compilations.fetch_add(1, Ordering::Relaxed);
        let mut compiled = self.compiled_lock();
        if let Some(at) = compiled.iter().position(|s| s.version() == version) {
            // Compiled meanwhile by another request: keep one.
            return Ok(compiled[at].clone());
        }
        compiled.push(set.clone());
        if compiled.len() > COMPILED_KEPT {
            compiled.remove(0);
        }
        Ok(set)
    }

    /// The data of `version` when they are at hand — in force, or held compiled — without
    /// compiling anything: `Ok(None)` for a kept version that must be compiled again
    /// ([`Store::kept`]).
    ///
    /// # Errors
    /// [`HistoryError::NotKept`] for a version that is not kept.
    pub fn kept_at_hand(&self, version: &str) -> Result<Option<Arc<InForce>>, HistoryError> {
        let current = self.in_force();
        if current.version() == version {
            return Ok(Some(current));
        }
        // Kept first: a version pruned from the history is gone, even while held compiled.
        self.history.recipe(version)?;
        let mut compiled = self.compiled_lock();
        let Some(at) = compiled.iter().position(|s| s.version() == version) else {
            return Ok(None);
        };
        let set = compiled.remove(at);
        compiled.push(set.clone());
        Ok(Some(set))
    }

    /// How many times a kept version has been compiled again since the store opened.
    pub fn compilations(&self) -> u64 {
        self.compilations.load(Ordering::Relaxed)
    }

    /// How many kept versions are held compiled now (at most [`COMPILED_KEPT`]).
    pub fn compiled_held(&self) -> usize {
        self.compiled_lock().len()
    }

    pub(super) fn compiled_lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<InForce>>> {
        self.compiled.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The versions kept, oldest first, each with when it came into force.
    pub fn versions(&self) -> Vec<Kept> {
        self.history.versions()
    }

    /// Whether the history is kept on disk (`QIXIAN_STATE_DIR`) rather than in memory only.
    pub fn history_is_durable(&self) -> bool {
        self.history.is_durable()
    }

    /// What changed in `calendar` between `old` (a kept version, from [`Store::kept`]) and
    /// `now` (the data a request holds): every day that differs, and the versions in between.
    /// A calendar that either version lacks changes nothing and lists no day.
    pub fn changes(&self, old: &InForce, now: &InForce, calendar: &str) -> Changes {
        let since = old.version();
        let days = match (old.get(calendar), now.get(calendar)) {
            (Ok(old), Ok(new)) => changed_days(old, new),
            _ => Vec::new(),
        };
        let kept = self.versions();
        let at = |v: &str| kept.iter().position(|k| k.data_version == v);
        let versions = match (at(since), at(now.version())) {
            (Some(from), Some(to)) if from <= to => kept[from..=to].to_vec(),
            (from, to) => from
                .into_iter()
                .chain(to)
                .map(|i| kept[i].clone())
                .collect(),
        };
        Changes {
            since: since.to_owned(),
            data_version: now.version().to_owned(),
            versions,
            days,
        }
    }

    /// Compiles a kept version from its inputs, and checks that they give that version.
    pub(super) fn compile(&self, recipe: &Recipe) -> Result<InForce, HistoryError> {
        let set = self.compile_inputs(recipe)?;
        if set.version() != recipe.version {
            return Err(HistoryError::Unusable {
                version: recipe.version.clone(),
                reason: format!("this build compiles its inputs to {}", set.version()),
            });
        }
        Ok(set)
    }

    /// Compiles a recipe's inputs, whatever version they give with this build.
    pub(super) fn compile_inputs(&self, recipe: &Recipe) -> Result<InForce, HistoryError> {
        let unusable = |reason: String| HistoryError::Unusable {
            version: recipe.version.clone(),
            reason,
        };
        let mut data = DataSet::default();
        for input in &recipe.layers {
            let bytes = self.history.blob(&input.sha256).map_err(unusable)?;
            let origin = input.origin.clone();
            let inserted = match input.year {
                Some(year) => data
                    .insert(&input.layer, year, &bytes, origin)
                    .map_err(|e| e.to_string()),
                None => data
                    .insert_hours(&input.layer, &bytes, origin)
                    .map_err(|e| e.to_string()),
            };
            inserted.map_err(unusable)?;
        }
        let mut sets = Vec::with_capacity(recipe.rules.len());
        for input in &recipe.rules {
            let bytes = self.history.blob(&input.sha256).map_err(unusable)?;
            let text = std::str::from_utf8(&bytes).map_err(|e| unusable(e.to_string()))?;
            let set = RuleSet::parse(&input.set, &input.shown, text, input.origin.clone())
                .map_err(|e| unusable(e.to_string()))?;
            sets.push(set);
        }
        Ok(InForce::new(
            CalendarSet::compile(&self.specs, &data),
            RuleBook::new(sets),
        ))
    }
}
