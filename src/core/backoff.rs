//! Reconnect schedule: exponential back-off with full jitter and a cap.
//!
//! The n-th consecutive failure waits a random time in
//! `0..=min(cap, base * 2^n)`; a success resets the count. Full jitter keeps a
//! crowd of clients from reconnecting in lock-step after a server restart.

use super::rng::Rng;

/// Back-off settings in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackoffConfig {
    pub base_ms: u64,
    pub cap_ms: u64,
}

impl Default for BackoffConfig {
    fn default() -> Self {
        BackoffConfig {
            base_ms: 1_000,
            cap_ms: 60_000,
        }
    }
}

/// Consecutive-failure counter that yields the next delay.
#[derive(Debug, Clone)]
pub struct Backoff {
    config: BackoffConfig,
    failures: u32,
}

impl Backoff {
    pub fn new(config: BackoffConfig) -> Self {
        Backoff {
            config,
            failures: 0,
        }
    }

    /// Replaces the settings; the failure count is kept.
    pub fn set_config(&mut self, config: BackoffConfig) {
        self.config = config;
    }

    /// The upper bound of the delay for the current failure count.
    pub fn ceiling(&self) -> u64 {
        let shift = self.failures.min(40);
        self.config
            .base_ms
            .saturating_mul(1u64 << shift)
            .min(self.config.cap_ms)
    }

    /// Records one more failure and returns the delay before the next attempt.
    pub fn next_delay(&mut self, rng: &mut Rng) -> u64 {
        let delay = rng.up_to(self.ceiling());
        self.failures = self.failures.saturating_add(1);
        delay
    }

    /// Forgets past failures (after a successful authentication).
    pub fn reset(&mut self) {
        self.failures = 0;
    }

    /// Consecutive failures so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let mut b = Backoff::new(BackoffConfig {
            base_ms: 500,
            cap_ms: 10_000,
        });
        let mut rng = Rng::new(1);
        let mut ceilings = vec![];
        for _ in 0..8 {
            ceilings.push(b.ceiling());
            b.next_delay(&mut rng);
        }
        assert_eq!(
            ceilings,
            [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]
        );
    }

    #[test]
    fn delays_are_jittered_within_bounds() {
        let mut rng = Rng::new(3);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            let mut b = Backoff::new(BackoffConfig {
                base_ms: 1000,
                cap_ms: 60_000,
            });
            for _ in 0..3 {
                b.next_delay(&mut rng);
            }
            let d = b.next_delay(&mut rng);
            assert!(d <= 8000, "{d}");
            seen.insert(d / 1000);
        }
        // Full jitter spreads over the whole range, not just near the ceiling.
        assert!(seen.contains(&0) && seen.contains(&7), "{seen:?}");
    }

    #[test]
    fn reset_starts_over_and_huge_counts_do_not_overflow() {
        let mut b = Backoff::new(BackoffConfig::default());
        let mut rng = Rng::new(9);
        for _ in 0..200 {
            assert!(b.next_delay(&mut rng) <= 60_000);
        }
        assert_eq!(b.ceiling(), 60_000);
        b.reset();
        assert_eq!((b.failures(), b.ceiling()), (0, 1000));
    }
}
