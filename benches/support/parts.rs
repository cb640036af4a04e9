//! The whole application as the in-process measurements build it (`benches/http.rs`,
//! `examples/instructions.rs`): the embedded data, every setting at its default but the access
//! log, which is off, since what is measured is the request path, not the terminal.

use std::sync::Arc;

use qixian::calendar::DataSet;
use qixian::calendar::spec::{EMBEDDED_SPECS, parse_specs};
use qixian::config::Config;
use qixian::http::AppState;
use qixian::startup::Parts;
use qixian::store::{Store, StoreSettings};

/// The application's parts, for `qixian::startup::app`.
pub fn parts() -> Parts {
    parts_over(store(StoreSettings::default()))
}

/// A store of the embedded data, with `settings` (an operator's directory, for a change of
/// the data made while it runs).
pub fn store(settings: StoreSettings) -> Arc<Store> {
    Arc::new(
        Store::open(
            parse_specs(EMBEDDED_SPECS).expect("specs"),
            DataSet::embedded().expect("data"),
            settings,
        )
        .expect("a store"),
    )
}

/// The application's parts over `store`.
pub fn parts_over(store: Arc<Store>) -> Parts {
    let config =
        Config::from_lookup(|name| (name == "QIXIAN_ACCESS_LOG").then(|| "off".to_owned()))
            .expect("the defaults are valid");
    Parts::new(&config, AppState::new(&config, store, None))
}
