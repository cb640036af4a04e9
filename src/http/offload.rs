//! Work too heavy for an actix worker — compiling a kept data version again (about 13 ms of CPU
//! and a few megabytes), building a workbook (about 33 ms) — runs on the blocking pool, a few
//! at a time. A worker that computed them itself stopped answering everything else on it,
//! probes included, for as long as a burst lasted; here a burst waits briefly for a permit and
//! is then answered 503 with `Retry-After`, while the workers stay free.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use tokio::sync::Semaphore;

use super::problem::ApiError;
use crate::text::{Heavy, Slow};

/// How long a request waits for a permit before it is answered 503.
pub const WAIT: Duration = Duration::from_secs(1);

/// What `Retry-After` asks a refused request to wait, in seconds.
pub const RETRY_AFTER_SECS: u64 = 1;

/// At most `permits` of one kind of heavy work at once, off the workers.
pub struct Gate {
    permits: Arc<Semaphore>,
    work: Heavy,
}

impl Gate {
    /// A gate letting `permits` pieces of `work` run at once.
    pub fn new(work: Heavy, permits: usize) -> Self {
        Gate {
            permits: Arc::new(Semaphore::new(permits)),
            work,
        }
    }

    /// Runs `job` on the blocking pool once a permit is free.
    ///
    /// # Errors
    /// [`ApiError::Timeout`] ([`Slow::Busy`], a 503 with `Retry-After`) when no permit was
    /// free within [`WAIT`].
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let busy = || {
            ApiError::Timeout(Slow::Busy {
                work: self.work,
                retry_after: RETRY_AFTER_SECS,
            })
        };
        let permit = tokio::time::timeout(WAIT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        web::block(move || {
            let _permit = permit;
            job()
        })
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))
    }

    /// Takes every permit, for a test that needs the gate full.
    #[cfg(test)]
    pub(crate) fn close(&self) -> tokio::sync::OwnedSemaphorePermit {
        let all = u32::try_from(self.permits.available_permits()).unwrap_or(u32::MAX);
        self.permits
            .clone()
            .try_acquire_many_owned(all)
            .expect("the permits are free")
    }
}

/// The kept data version `version` (`data_version=`, `since=`, a recheck's): at once when it
/// is in force or held compiled, else compiled again through `gate`.
///
/// # Errors
/// [`ApiError::Gone`] for a version not kept or not usable; as [`Gate::run`].
pub async fn kept(
    state: &super::AppState,
    version: &str,
) -> Result<Arc<crate::store::InForce>, ApiError> {
    if let Some(set) = state.store.kept_at_hand(version)? {
        return Ok(set);
    }
    let store = state.store.clone();
    let version = version.to_owned();
    Ok(state.compiling.run(move || store.kept(&version)).await??)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With every permit taken, heavy work waits [`WAIT`] and is then refused with a 503 that
    /// says when to come back, as a problem document: it never runs on the worker instead.
    #[actix_rt::test]
    async fn a_full_gate_answers_503_with_retry_after() {
        let gate = Gate::new(Heavy::Compile, 1);
        let _held = gate.close();

        let refused = gate.run(|| "compiled").await.expect_err("refused");

        let response = refused.response(crate::text::Lang::En);
        assert_eq!(response.status(), 503, "the service is busy, not broken");
        assert_eq!(
            response.headers().get("retry-after").map(|v| v.as_bytes()),
            Some(&b"1"[..]),
            "and says when to ask again"
        );
        assert_eq!(
            response.headers().get("content-type").map(|v| v.as_bytes()),
            Some(&b"application/problem+json"[..]),
            "as a problem document"
        );
        assert!(
            refused
                .detail(crate::text::Lang::En)
                .contains("try again in 1 s"),
            "the detail says so"
        );
    }

    #[actix_rt::test]
    async fn a_free_gate_runs_the_work_off_the_worker() {
        let gate = Gate::new(Heavy::Export, 1);
        let worker = std::thread::current().id();

        let ran_on = gate.run(|| std::thread::current().id()).await.expect("run");

        assert_ne!(ran_on, worker, "the work ran on another thread");
    }
}
