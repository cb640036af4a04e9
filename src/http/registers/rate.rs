//! Rate limits per register key (and per calendar token): a token bucket for each, kept in
//! memory by each replica, keyed by the key's digest (never the key). A bucket holds up to
//! `QIXIAN_REGISTER_BURST` requests and refills at `QIXIAN_REGISTER_RATE` a second; a request
//! that finds it empty is answered 429 with the seconds until the next one is taken.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Beyond this many buckets, the full ones are dropped (a full bucket is the same as none).
/// Only keys and tokens that opened a register get a bucket, so their number is the keys'.
const PRUNE_ABOVE: usize = 10_000;

/// The buckets of every key seen, and how they fill.
#[derive(Debug)]
pub struct Buckets {
    /// Requests a second, on average.
    rate: f64,
    /// Requests at once, after a quiet spell.
    burst: f64,
    held: Mutex<HashMap<String, Bucket>>,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Buckets {
    /// Buckets that refill at `rate` a second and hold up to `burst` (each at least 1).
    pub fn new(rate: usize, burst: usize) -> Self {
        Buckets {
            rate: rate.max(1) as f64,
            burst: burst.max(1) as f64,
            held: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from the bucket of `who` (a key's digest), or says in how many
    /// seconds (at least 1) one will be there.
    ///
    /// # Errors
    /// The seconds to wait, when the bucket is empty.
    pub fn take(&self, who: &str) -> Result<(), u64> {
        self.take_at(who, Instant::now())
    }

    fn take_at(&self, who: &str, now: Instant) -> Result<(), u64> {
        // A poisoned lock only means a panic elsewhere while it was held: the counts are
        // still numbers.
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if held.len() > PRUNE_ABOVE {
            let (rate, burst) = (self.rate, self.burst);
            held.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
        }
        let bucket = held.entry(who.to_owned()).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refilled = now.saturating_duration_since(bucket.at).as_secs_f64() * self.rate;
        bucket.tokens = (bucket.tokens + refilled).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        Err(((1.0 - bucket.tokens) / self.rate).ceil().max(1.0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_is_taken_then_one_a_refill_and_each_key_has_its_own() {
        // 2 a second, 3 at once.
        let buckets = Buckets::new(2, 3);
        let start = Instant::now();
        for n in 1..=3 {
            assert_eq!(
                buckets.take_at("a", start),
                Ok(()),
                "request {n} of the burst"
            );
        }
        assert_eq!(buckets.take_at("a", start), Err(1), "the fourth waits 1 s");
        assert_eq!(
            buckets.take_at("b", start),
            Ok(()),
            "another key is not held back"
        );
        // Half a second refills one request (2 a second).
        let later = start + Duration::from_millis(500);
        assert_eq!(buckets.take_at("a", later), Ok(()), "one refilled");
        assert_eq!(buckets.take_at("a", later), Err(1));
        // Ten seconds refill the burst and no more.
        let much_later = later + Duration::from_secs(10);
        for n in 1..=3 {
            assert_eq!(
                buckets.take_at("a", much_later),
                Ok(()),
                "request {n} again"
            );
        }
        assert_eq!(
            buckets.take_at("a", much_later),
            Err(1),
            "no more than the burst"
        );
    }

    #[test]
    fn the_wait_is_the_time_one_request_takes_to_refill() {
        // One every 10 s: the rate is at least 1 a second, so `new(0, 1)` is 1 a second.
        let buckets = Buckets::new(0, 1);
        let start = Instant::now();
        assert_eq!(buckets.take_at("a", start), Ok(()));
        assert_eq!(buckets.take_at("a", start), Err(1));
        assert_eq!(
            buckets.take_at("a", start + Duration::from_millis(1000)),
            Ok(())
        );
    }
}
