//! Turns for batches: at most so many are read and answered at once, which bounds their
//! memory. A turn is given back when its answer has been sent or the client has hung up, and
//! at the latest when its time is up, so a client that stops reading cannot keep it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use prometheus_client::metrics::gauge::Gauge;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;
use tokio::time::Instant;

pub struct Turns {
    slots: Arc<Semaphore>,
    /// How long a turn lasts once granted: reading the body, computing, sending the answer.
    limit: Duration,
    waiting: Gauge,
    answering: Gauge,
}

impl Turns {
    /// `count` turns of at most `limit` each; the gauges count batches waiting and answering.
    pub fn new(count: usize, limit: Duration, waiting: Gauge, answering: Gauge) -> Self {
        Turns {
            slots: Arc::new(Semaphore::new(count)),
            limit,
            waiting,
            answering,
        }
    }

    /// Waits for a turn. Dropping the future (the request timed out, the client left) leaves
    /// the queue.
    pub async fn take(&self) -> Turn {
        let waiting = Counted::new(&self.waiting);
        let permit = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .expect("the batch semaphore is never closed");
        drop(waiting);
        let held = Arc::new(Mutex::new(Some(Held {
            _permit: permit,
            _answering: Counted::new(&self.answering),
        })));
        let expiry = Arc::clone(&held);
        let limit = self.limit;
        let timer = tokio::spawn(async move {
            tokio::time::sleep(limit).await;
            give_back(&expiry);
        });
        Turn {
            held,
            timer,
            deadline: Instant::now() + limit,
        }
    }
}

/// A turn, held until dropped or until its deadline.
pub struct Turn {
    held: Arc<Mutex<Option<Held>>>,
    timer: JoinHandle<()>,
    /// When the turn is taken back; an answer still being sent then is cut off.
    pub deadline: Instant,
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.timer.abort();
        give_back(&self.held);
    }
}

struct Held {
    _permit: OwnedSemaphorePermit,
    _answering: Counted,
}

fn give_back(held: &Mutex<Option<Held>>) {
    held.lock().unwrap_or_else(PoisonError::into_inner).take();
}

/// One in a gauge for as long as it lives.
struct Counted(Gauge);

impl Counted {
    fn new(gauge: &Gauge) -> Self {
        gauge.inc();
        Counted(gauge.clone())
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.dec();
    }
}
