//! Giving memory back after a spike.
//!
//! glibc's allocator keeps what a burst of connections or batches freed (one arena per worker
//! thread, pages in the middle of a heap) until the process exits. Measured with
//! `scripts/hostile.sh`: 4,000 connections opened and closed left the release binary at
//! 60 MiB resident; trimming every few seconds brings it back to 16 MiB, the idle figure.
//! mimalloc was measured too and idled at 37 MiB, so the system allocator stays.

use std::time::Duration;

/// How often freed memory is handed back. A trim of this service's heaps takes well under a
/// millisecond; a spike is back down within this long after it ends.
pub const TRIM_EVERY: Duration = Duration::from_secs(5);

/// Trims the allocator's free memory every [`TRIM_EVERY`] until the task is aborted.
pub async fn trim_periodically() {
    let mut ticks = tokio::time::interval(TRIM_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        trim();
    }
}

/// Returns the free pages of every glibc arena to the operating system.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn trim() {
    // SAFETY: malloc_trim takes no pointers and only walks the allocator's own free lists
    // under its own locks; it is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Other allocators (musl, macOS) return memory on their own terms; nothing to do.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
