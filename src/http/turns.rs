//! Turns for batches: at most so many are read and answered at once, and at most a quarter of
//! them by one client address, which bounds their memory. A turn holds the answer's state (the
//! body it came from, the items still to answer); it is given back — and that state dropped —
//! when the answer has been sent, when the client hangs up, when its time is up, or when the
//! answer has made no progress for [`STALL`]: a client that stops reading holds neither a turn
//! nor the memory of its batch.

use std::any::Any;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use actix_web::HttpResponse;
use actix_web::web::Bytes;
use prometheus_client::metrics::gauge::Gauge;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long an answer may make no progress (no piece taken by the client, no piece of body
/// received) before its turn is taken back.
pub const STALL: Duration = Duration::from_secs(5);

/// The size of one piece of a streamed answer.
const PIECE: usize = 64 * 1024;

/// The turns of batches.
pub struct Turns {
    slots: Arc<Semaphore>,
    per_client: usize,
    clients: Arc<Mutex<HashMap<IpAddr, Arc<Semaphore>>>>,
    /// How long a turn lasts once granted: reading the body, computing, sending the answer.
    limit: Duration,
    stall: Duration,
    waiting: Gauge,
    answering: Gauge,
}

impl Turns {
    /// `count` turns of at most `limit` each, at most a quarter of them (one at least) for one
    /// client address; the gauges count batches waiting and answering.
    pub fn new(count: usize, limit: Duration, waiting: Gauge, answering: Gauge) -> Self {
        Self::with_stall(count, limit, STALL, waiting, answering)
    }

    /// As [`Turns::new`], with another stall limit (for tests).
    pub fn with_stall(
        count: usize,
        limit: Duration,
        stall: Duration,
        waiting: Gauge,
        answering: Gauge,
    ) -> Self {
        Turns {
            slots: Arc::new(Semaphore::new(count)),
            per_client: (count / 4).max(1),
            clients: Arc::new(Mutex::new(HashMap::new())),
            limit,
            stall,
            waiting,
            answering,
        }
    }

    /// Waits for a turn: one of the client's own first, then one of all. Dropping the future
    /// (the request timed out, the client left) leaves the queue.
    pub async fn take(&self, client: Option<IpAddr>) -> Turn {
        let waiting = InGauge::new(&self.waiting);
        let own = match client {
            None => None,
            Some(address) => {
                let semaphore = lock(&self.clients)
                    .entry(address)
                    .or_insert_with(|| Arc::new(Semaphore::new(self.per_client)))
                    .clone();
                Some(
                    semaphore
                        .acquire_owned()
                        .await
                        .expect("a client's semaphore is never closed"),
                )
            }
        };
        let permit = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .expect("the batch semaphore is never closed");
        drop(waiting);
        let started = Instant::now();
        let shared = Arc::new(Shared {
            held: Mutex::new(Some(Held {
                _permit: permit,
                _own: own,
                _answering: InGauge::new(&self.answering),
            })),
            answer: Mutex::new(None),
            started,
            progress_ms: AtomicU64::new(0),
        });
        if let Some(address) = client {
            // A client whose turns are all given back has no entry to keep.
            lock(&self.clients).retain(|a, s| *a == address || Arc::strong_count(s) > 1);
        }
        let watched = Arc::clone(&shared);
        let (limit, stall) = (self.limit, self.stall);
        let timer = tokio::spawn(async move {
            let deadline = started + limit;
            loop {
                let now = Instant::now();
                let last =
                    started + Duration::from_millis(watched.progress_ms.load(Ordering::Relaxed));
                if now >= deadline || now.duration_since(last) >= stall {
                    watched.give_back();
                    return;
                }
                tokio::time::sleep_until((last + stall).min(deadline)).await;
            }
        });
        Turn { shared, timer }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

struct Shared {
    /// The permits and the gauge while the turn is held; none once given back.
    held: Mutex<Option<Held>>,
    /// The answer's state, dropped with the turn.
    answer: Mutex<Option<Box<dyn Any + Send>>>,
    started: Instant,
    /// When the answer last made progress, in milliseconds after `started`.
    progress_ms: AtomicU64,
}

impl Shared {
    fn give_back(&self) {
        lock(&self.held).take();
        lock(&self.answer).take();
    }
}

/// A turn, held until dropped, until its time is up, or until its answer stalls.
pub struct Turn {
    shared: Arc<Shared>,
    timer: JoinHandle<()>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.timer.abort();
        self.shared.give_back();
    }
}

struct Held {
    _permit: OwnedSemaphorePermit,
    _own: Option<OwnedSemaphorePermit>,
    _answering: InGauge,
}

impl Turn {
    /// Says that the batch made progress (a piece of body arrived, a piece of answer was taken).
    pub fn progressed(&self) {
        let ms = self.shared.started.elapsed().as_millis();
        self.shared
            .progress_ms
            .store(u64::try_from(ms).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// Whether the turn is still held (not taken back for time or a stall).
    pub fn is_held(&self) -> bool {
        lock(&self.shared.held).is_some()
    }

    /// The answer, sent piece by piece as the client reads it: `write_next` appends one item of
    /// `state` to the piece being filled and says whether there are more. Nothing is computed
    /// ahead of the socket, so a large answer costs one piece of memory at a time, and a client
    /// that hangs up stops the work. `state` is kept by the turn: when the turn is taken back
    /// (its time is up, or the client stopped reading for [`STALL`]), the state is dropped at
    /// once and the answer is cut off (the connection is closed).
    pub fn answer<S: Send + 'static>(
        self,
        content_type: &'static str,
        state: S,
        mut write_next: impl FnMut(&mut S, &mut Vec<u8>) -> bool + 'static,
    ) -> HttpResponse {
        *lock(&self.shared.answer) = Some(Box::new(state));
        let mut more = true;
        let pieces = std::iter::from_fn(move || {
            if !more {
                return None;
            }
            self.progressed();
            let mut piece = Vec::with_capacity(PIECE + PIECE / 4);
            let mut answer = lock(&self.shared.answer);
            let Some(state) = answer.as_mut().and_then(|s| s.downcast_mut::<S>()) else {
                more = false;
                return Some(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the answer was not read in time",
                )));
            };
            while more && piece.len() < PIECE {
                more = write_next(state, &mut piece);
            }
            if !more {
                answer.take();
            }
            (!piece.is_empty()).then(|| Ok(Bytes::from(piece)))
        });
        super::render::negotiated(
            HttpResponse::Ok()
                .content_type(content_type)
                .streaming(futures_util::stream::iter(pieces)),
        )
    }
}

/// One in a gauge for as long as it lives.
struct InGauge(Gauge);

impl InGauge {
    fn new(gauge: &Gauge) -> Self {
        gauge.inc();
        InGauge(gauge.clone())
    }
}

impl Drop for InGauge {
    fn drop(&mut self) {
        self.0.dec();
    }
}
