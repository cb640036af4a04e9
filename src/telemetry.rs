//! Logging: the service's own events with `tracing` (readable lines by default, JSON lines on
//! request), and the access log, one line per request, written by its own fast path.
//!
//! Both go to standard output through background writer threads, so a request never waits
//! for the terminal or the disk. The access line is formatted by hand into its worker's batch —
//! the same fields and shape as a `tracing` event would have, at a tenth of the cost, because
//! it is written for every request (BENCHMARKS.md). Colours only on a terminal.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Where access lines go, once [`init`] has run; before (in tests), they go to `tracing`.
static ACCESS: OnceLock<AccessWriter> = OnceLock::new();

/// How often the writer thread takes the access lines gathered by the workers.
const FLUSH_EVERY: Duration = Duration::from_millis(50);

/// A worker that has gathered this much writes it out itself (and so waits for the output,
/// as a full queue would make it wait; nothing is dropped).
const WORKER_BATCH_LIMIT: usize = 1 << 20;

/// Keep it for as long as the process logs: dropping it writes out every line still gathered.
#[must_use = "dropping the guard stops the log writer"]
pub struct LogGuard {
    _events: WorkerGuard,
    batches: Option<Arc<Batches>>,
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        if let Some(batches) = &self.batches {
            batches.flush_all();
        }
    }
}

/// Installs the global subscriber (`RUST_LOG` filters its events, default `info`) and the
/// access log's writer. A second call installs nothing.
pub fn init(format: LogFormat) -> LogGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Not lossy: when the queue (128,000 lines) is full, a worker waits rather than losing
    // lines; the queue only absorbs bursts. The writer thread takes what is queued in one go
    // and writes it with one system call (standard output alone would make one per line).
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("qixian-log")
        .finish(std::io::BufWriter::with_capacity(
            64 * 1024,
            std::io::stdout(),
        ));
    let ansi = std::io::stdout().is_terminal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    let batches = Arc::new(Batches::new(Box::new(std::io::BufWriter::with_capacity(
        64 * 1024,
        std::io::stdout(),
    ))));
    let installed = ACCESS
        .set(AccessWriter {
            format,
            batches: batches.clone(),
        })
        .is_ok();
    if installed {
        let flusher = batches.clone();
        let spawned = std::thread::Builder::new()
            .name("qixian-access-log".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(FLUSH_EVERY);
                    flusher.flush_all();
                }
            });
        if let Err(err) = spawned {
            tracing::warn!("no access log writer thread ({err}); workers write their lines");
        }
    }
    LogGuard {
        _events: guard,
        batches: installed.then_some(batches),
    }
}

/// One request, as its access line shows it.
#[derive(Debug)]
pub struct Access<'a> {
    /// When it was answered.
    pub at: SystemTime,
    /// Its `x-request-id`.
    pub request_id: &'a str,
    /// Its method.
    pub method: &'a str,
    /// Its path, without the query string.
    pub path: &'a str,
    /// The answer's status.
    pub status: u16,
    /// Microseconds to the answer's head.
    pub latency_us: u64,
}

/// Writes one access line.
pub fn access(line: &Access<'_>) {
    match ACCESS.get() {
        Some(writer) => writer.write(line),
        None => tracing::info!(
            target: "qixian::access",
            request_id = line.request_id,
            method = line.method,
            path = line.path,
            status = line.status,
            latency_us = line.latency_us,
            "request"
        ),
    }
}

/// A worker's gathered lines. Only its worker and the writer thread ever lock it, the writer
/// for as long as it takes to swap two buffers.
type Slot = Arc<Mutex<Vec<u8>>>;

/// The access lines of every worker, gathered per worker and written out in batches: one
/// system call per batch, no allocation or cross-thread wake-up per line (a queue message per
/// line cost 0.06 of the floor's throughput; BENCHMARKS.md). Lines of one worker keep their
/// order; lines of two workers may interleave by up to [`FLUSH_EVERY`].
struct Batches {
    slots: Mutex<Vec<Slot>>,
    out: Mutex<Box<dyn Write + Send>>,
}

impl Batches {
    fn new(out: Box<dyn Write + Send>) -> Self {
        Batches {
            slots: Mutex::new(Vec::new()),
            out: Mutex::new(out),
        }
    }

    /// A new worker's slot.
    fn slot(&self) -> Slot {
        let slot = Slot::default();
        lock(&self.slots).push(slot.clone());
        slot
    }

    /// Writes out what every worker has gathered.
    fn flush_all(&self) {
        let slots = lock(&self.slots).clone();
        let mut out = lock(&self.out);
        let mut taken = Vec::new();
        for slot in slots {
            std::mem::swap(&mut *lock(&slot), &mut taken);
            // A log that cannot be written is not a reason to stop answering.
            let _ = out.write_all(&taken);
            taken.clear();
        }
        let _ = out.flush();
    }

    /// Writes one worker's lines now (its batch reached [`WORKER_BATCH_LIMIT`]).
    fn write_out(&self, lines: &[u8]) {
        let mut out = lock(&self.out);
        let _ = out.write_all(lines);
        let _ = out.flush();
    }
}

/// A lock whose holder panicked still guards bytes that are fine to write.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct AccessWriter {
    format: LogFormat,
    batches: Arc<Batches>,
}

/// A worker's slot and the timestamp's second already formatted.
struct Local {
    slot: Option<Slot>,
    second: u64,
    prefix: Vec<u8>,
}

thread_local! {
    static LOCAL: RefCell<Local> = const {
        RefCell::new(Local { slot: None, second: u64::MAX, prefix: Vec::new() })
    };
}

impl AccessWriter {
    fn write(&self, line: &Access<'_>) {
        LOCAL.with_borrow_mut(|local| {
            let since = line.at.duration_since(UNIX_EPOCH).unwrap_or_default();
            if since.as_secs() != local.second {
                local.second = since.as_secs();
                local.prefix.clear();
                let time =
                    chrono::DateTime::from_timestamp(since.as_secs() as i64, 0).unwrap_or_default();
                let _ = write!(local.prefix, "{}", time.format("%Y-%m-%dT%H:%M:%S"));
            }
            let slot = local.slot.get_or_insert_with(|| self.batches.slot());
            let mut gathered = lock(slot);
            format_line(self.format, &local.prefix, since, line, &mut gathered);
            if gathered.len() >= WORKER_BATCH_LIMIT {
                let full = std::mem::take(&mut *gathered);
                drop(gathered);
                self.batches.write_out(&full);
            }
        });
    }
}

/// Appends one access line to `buf`; `prefix` is `since`'s second, formatted.
fn format_line(
    format: LogFormat,
    prefix: &[u8],
    since: Duration,
    line: &Access<'_>,
    buf: &mut Vec<u8>,
) {
    let mut micros = itoa::Buffer::new();
    let micros = micros.format(since.subsec_micros() + 1_000_000);
    let mut status = itoa::Buffer::new();
    let mut latency = itoa::Buffer::new();
    match format {
        LogFormat::Json => {
            buf.extend_from_slice(b"{\"timestamp\":\"");
            buf.extend_from_slice(prefix);
            buf.push(b'.');
            buf.extend_from_slice(&micros.as_bytes()[1..]);
            buf.extend_from_slice(
                b"Z\",\"level\":\"INFO\",\"message\":\"request\",\"request_id\":",
            );
            json_string(buf, line.request_id);
            buf.extend_from_slice(b",\"method\":");
            json_string(buf, line.method);
            buf.extend_from_slice(b",\"path\":");
            json_string(buf, line.path);
            buf.extend_from_slice(b",\"status\":");
            buf.extend_from_slice(status.format(line.status).as_bytes());
            buf.extend_from_slice(b",\"latency_us\":");
            buf.extend_from_slice(latency.format(line.latency_us).as_bytes());
            buf.extend_from_slice(b",\"target\":\"qixian::access\"}\n");
        }
        LogFormat::Text => {
            buf.extend_from_slice(prefix);
            buf.push(b'.');
            buf.extend_from_slice(&micros.as_bytes()[1..]);
            buf.extend_from_slice(b"Z  INFO qixian::access: request request_id=");
            buf.extend_from_slice(line.request_id.as_bytes());
            buf.extend_from_slice(b" method=");
            buf.extend_from_slice(line.method.as_bytes());
            buf.extend_from_slice(b" path=");
            // Control characters cannot reach a path; anything else is kept as sent.
            buf.extend(line.path.bytes().filter(|b| !b.is_ascii_control()));
            buf.extend_from_slice(b" status=");
            buf.extend_from_slice(status.format(line.status).as_bytes());
            buf.extend_from_slice(b" latency_us=");
            buf.extend_from_slice(latency.format(line.latency_us).as_bytes());
            buf.push(b'\n');
        }
    }
}

/// `text` as a JSON string.
fn json_string(buf: &mut Vec<u8>, text: &str) {
    buf.push(b'"');
    if !text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        // The usual case: nothing to escape.
        buf.extend_from_slice(text.as_bytes());
        buf.push(b'"');
        return;
    }
    for c in text.chars() {
        match c {
            '"' => buf.extend_from_slice(b"\\\""),
            '\\' => buf.extend_from_slice(b"\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(buf, "\\u{:04x}", c as u32);
            }
            c => {
                let mut utf8 = [0; 4];
                buf.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
    buf.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(path: &str) -> Access<'_> {
        Access {
            at: UNIX_EPOCH + Duration::from_micros(1_764_400_000_000_042),
            request_id: "abc",
            method: "GET",
            path,
            status: 200,
            latency_us: 12,
        }
    }

    #[test]
    fn a_json_access_line_is_one_json_object_with_every_field() {
        let mut buf = Vec::new();
        let since = Duration::from_micros(1_764_400_000_000_042);
        format_line(
            LogFormat::Json,
            b"2025-11-29T07:06:40",
            since,
            &line("/v1/days/\"x\""),
            &mut buf,
        );
        let value: serde_json::Value = serde_json::from_slice(&buf).expect("one JSON object");
        assert_eq!(value["timestamp"], "2025-11-29T07:06:40.000042Z");
        assert_eq!(value["path"], "/v1/days/\"x\"");
        assert_eq!(
            (value["status"].as_u64(), value["latency_us"].as_u64()),
            (Some(200), Some(12))
        );
        assert_eq!(value["target"], "qixian::access");
    }

    /// Collects what the writer writes.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            lock(&self.0).extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_of_every_worker_is_written_whole_and_in_each_workers_order() {
        let out = Shared::default();
        let writer = Arc::new(AccessWriter {
            format: LogFormat::Json,
            batches: Arc::new(Batches::new(Box::new(out.clone()))),
        });
        let workers: Vec<_> = (0..4)
            .map(|worker| {
                let writer = writer.clone();
                std::thread::spawn(move || {
                    for n in 0..3_000 {
                        writer.write(&line(&format!("/w{worker}/{n}")));
                    }
                })
            })
            .collect();
        // The writer thread's part, run meanwhile and after.
        for _ in 0..5 {
            writer.batches.flush_all();
        }
        for worker in workers {
            worker.join().unwrap();
        }
        writer.batches.flush_all();
        let text = String::from_utf8(lock(&out.0).clone()).unwrap();
        let mut next = [0usize; 4];
        for json in text.lines() {
            let value: serde_json::Value = serde_json::from_str(json).expect("a whole line");
            let path = value["path"].as_str().unwrap();
            let (worker, n) = path[2..].split_once('/').unwrap();
            let worker: usize = worker.parse().unwrap();
            assert_eq!(
                n.parse::<usize>().unwrap(),
                next[worker],
                "worker {worker}'s order"
            );
            next[worker] += 1;
        }
        assert_eq!(next, [3_000; 4], "every line was written");
    }
}
