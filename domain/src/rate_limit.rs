//! Token-bucket rate limits per client address, in memory. Each instance limits on its own;
//! behind a load balancer that spreads clients evenly, the effective limit is per instance.
//! Every limiter counts IPv4 clients per address and IPv6 clients per /64 (see [`key`]).

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

/// The bucket a client address counts against: an IPv4 address itself (also when written
/// as `::ffff:a.b.c.d`), an IPv6 address's /64 — one subscriber's network, whose other
/// addresses it can pick at will.
pub fn key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        v4 => v4,
    }
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
        let b = buckets.entry(key(client)).or_insert(Bucket {
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

    #[test]
    fn ipv6_clients_count_per_64_and_ipv4_per_address() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(key(ip("2001:db8:1:2:aaaa::7")), ip("2001:db8:1:2::"));
        assert_eq!(
            key(ip("2001:db8:1:2::1")),
            key(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"))
        );
        assert_ne!(key(ip("2001:db8:1:2::1")), key(ip("2001:db8:1:3::1")));
        assert_eq!(key(ip("203.0.113.5")), ip("203.0.113.5"));
        assert_eq!(key(ip("::ffff:203.0.113.5")), ip("203.0.113.5"));
        assert_ne!(key(ip("203.0.113.5")), key(ip("203.0.113.6")));
        let l = RateLimiter::new(2, Duration::from_secs(60)).unwrap();
        let t = Instant::now();
        assert_eq!(l.check_at(ip("2001:db8::1"), t), Ok(1));
        assert_eq!(l.check_at(ip("2001:db8::2"), t), Ok(0));
        assert!(
            l.check_at(ip("2001:db8::3"), t).is_err(),
            "one /64, one bucket"
        );
        assert_eq!(l.check_at(ip("2001:db8:0:1::1"), t), Ok(1));
    }
}
