//! Token-bucket rate limits per client address, in memory. Each instance limits on its own;
//! behind a load balancer that spreads clients evenly, the effective limit is per instance.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Forget buckets once this many clients are tracked and they have refilled.
const SWEEP_AT: usize = 50_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// `capacity` requests at once, refilled at `capacity` per `period`.
pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
    /// `None` when `capacity` is 0 (no limit).
    pub fn new(capacity: u32, period: Duration) -> Option<RateLimiter> {
        (capacity > 0 && !period.is_zero()).then(|| RateLimiter {
            capacity: capacity as f64,
            per_second: capacity as f64 / period.as_secs_f64(),
            buckets: Mutex::new(HashMap::new()),
        })
    }

    /// [`RateLimiter::new`], shared by the handlers that check it.
    pub fn shared(capacity: u32, period: Duration) -> Option<Arc<RateLimiter>> {
        Self::new(capacity, period).map(Arc::new)
    }

    pub fn capacity(&self) -> u32 {
        self.capacity as u32
    }

    /// Take one request for `client`: `Ok(remaining)`, or `Err(seconds to wait)`.
    pub fn check(&self, client: IpAddr) -> Result<u32, u64> {
        self.check_at(client, Instant::now())
    }

    fn check_at(&self, client: IpAddr, now: Instant) -> Result<u32, u64> {
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(0);
        };
        if buckets.len() >= SWEEP_AT {
            let (cap, rate) = (self.capacity, self.per_second);
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < cap
            });
        }
        let b = buckets.entry(client).or_insert(Bucket {
            tokens: self.capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_second).min(self.capacity);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(b.tokens as u32)
        } else {
            let wait = (1.0 - b.tokens) / self.per_second;
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_empties_then_refills() {
        let l = RateLimiter::new(3, Duration::from_secs(60)).unwrap();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let t = Instant::now();
        assert_eq!(l.check_at(a, t), Ok(2));
        assert_eq!(l.check_at(a, t), Ok(1));
        assert_eq!(l.check_at(a, t), Ok(0));
        // One token comes back every 20 s.
        assert_eq!(l.check_at(a, t), Err(20));
        assert_eq!(l.check_at(b, t), Ok(2), "clients are limited separately");
        assert_eq!(l.check_at(a, t + Duration::from_secs(10)), Err(10));
        assert_eq!(l.check_at(a, t + Duration::from_secs(21)), Ok(0));
        assert!(RateLimiter::new(0, Duration::from_secs(60)).is_none());
    }
}
