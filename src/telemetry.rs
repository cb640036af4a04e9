//! Logging with `tracing`: readable lines by default, JSON lines on request. Lines are handed
//! to a background thread that writes them, so a request never waits for the terminal or the
//! disk; colours only when the output is a terminal.

use std::io::IsTerminal;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber; `RUST_LOG` filters (default `info`). Keep the guard for
/// as long as the process logs: dropping it flushes what is queued. A second call installs
/// nothing and returns a guard of its own writer.
pub fn init(format: LogFormat) -> WorkerGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Not lossy: when the queue (128,000 lines) is full, a worker waits rather than losing
    // lines; the queue only absorbs bursts.
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("qixian-log")
        .finish(std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(std::io::stdout().is_terminal());
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    guard
}
