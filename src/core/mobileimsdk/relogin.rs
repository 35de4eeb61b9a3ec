//! AutoReLoginDaemon schedule, on the shared [`Backoff`]: after a link loss
//! the first attempt is immediate when the link had proved healthy, every
//! later one waits a fully jittered, exponentially growing, capped delay,
//! the first of them up to the base interval (the immediate attempt is free:
//! it does not take a step of the back-off).
//! The failure count is reset only by a healthy link (a keep-alive answered
//! after login), never by a login success alone, so a server that
//! authenticates and then drops cannot cause a storm.
//!
//! An attempt (a new connection and the saved login) runs until it succeeds,
//! fails, or reaches its connect timeout (the connection's deadline, see
//! [`crate::core::link`]); the schedule never aborts it.

use crate::core::backoff::{Backoff, BackoffConfig};
use crate::core::rng::Rng;

/// The automatic re-login schedule.
#[derive(Debug, Clone)]
pub struct Relogin {
    backoff: Backoff,
    rng: Rng,
    /// The next attempt, while waiting.
    next_at: Option<u64>,
    /// An attempt is in progress.
    attempting: bool,
    /// The free immediate attempt since the link last proved healthy was made.
    immediate_spent: bool,
}

impl Relogin {
    /// A stopped schedule: delays grow from `config.base_ms` to
    /// `config.cap_ms`.
    pub fn new(config: BackoffConfig, rng: Rng) -> Self {
        Relogin {
            backoff: Backoff::new(config),
            rng,
            next_at: None,
            attempting: false,
            immediate_spent: false,
        }
    }

    /// The link was lost: retry at once after a healthy link, else after
    /// the next back-off delay. An attempt in progress is left alone.
    pub fn link_lost(&mut self, now: u64) {
        if self.in_attempt() {
            return;
        }
        self.next_at = Some(if self.immediate_spent {
            now.saturating_add(self.backoff.next_delay(&mut self.rng))
        } else {
            self.immediate_spent = true;
            now
        });
    }

    /// The attempt in progress (or the session) failed: wait the next delay.
    pub fn failed(&mut self, now: u64) {
        self.attempting = false;
        let delay = self.backoff.next_delay(&mut self.rng);
        self.next_at = Some(now.saturating_add(delay));
    }

    /// Make the next attempt now (network back, app shown), unless one runs.
    pub fn retry_now(&mut self, now: u64) {
        if !self.in_attempt() {
            self.next_at = Some(now);
        }
    }

    /// An attempt was started.
    pub fn attempt_started(&mut self) {
        self.next_at = None;
        self.attempting = true;
    }

    /// A login succeeded: nothing more to schedule (the failure count stays
    /// until the link proves healthy).
    pub fn succeeded(&mut self) {
        self.next_at = None;
        self.attempting = false;
    }

    /// The logged-in link answered a keep-alive: forget past failures.
    pub fn link_healthy(&mut self) {
        self.backoff.reset();
        self.immediate_spent = false;
    }

    /// No more attempts (refused, offline, logout, release, manual login);
    /// with `forget`, past failures are forgotten too (the app acted).
    pub fn stop(&mut self, forget: bool) {
        self.next_at = None;
        self.attempting = false;
        if forget {
            self.backoff.reset();
            self.immediate_spent = false;
        }
    }

    /// True while an attempt is in progress.
    pub fn in_attempt(&self) -> bool {
        self.attempting
    }

    /// True while attempts are scheduled or running.
    pub fn is_running(&self) -> bool {
        self.next_at.is_some() || self.attempting
    }

    /// When the next attempt starts, while one is waiting.
    pub fn next_attempt_at(&self) -> Option<u64> {
        self.next_at
    }

    /// Attempts since the link last proved healthy, the free immediate one
    /// included (the number of the one waiting or running, from 1).
    pub fn failures(&self) -> u32 {
        self.backoff.failures() + u32::from(self.immediate_spent)
    }

    /// True when an attempt is due at `now` (start it: open a new
    /// connection, log in on open, then call `attempt_started`).
    pub fn poll(&mut self, now: u64) -> bool {
        let due = self.next_at.is_some_and(|t| now >= t);
        if due {
            self.next_at = None;
        }
        due
    }

    /// When the next attempt is due.
    pub fn next_deadline(&self) -> Option<u64> {
        self.next_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CFG: BackoffConfig = BackoffConfig {
        base_ms: 3_000,
        cap_ms: 60_000,
    };

    fn relogin() -> Relogin {
        Relogin::new(CFG, Rng::new(7))
    }

    #[test]
    fn immediate_after_a_healthy_link_then_jittered_growing_delays() {
        let mut r = relogin();
        r.link_lost(10_000);
        assert!(r.poll(10_000));
        let mut at = 10_000;
        let mut ceilings = vec![];
        for _ in 0..6 {
            r.attempt_started();
            ceilings.push(r.backoff.ceiling());
            r.failed(at + 100);
            let next = r.next_deadline().unwrap();
            assert!(next - (at + 100) <= *ceilings.last().unwrap());
            assert!(r.poll(next));
            at = next;
        }
        // The immediate attempt takes no step: the first wait is up to the base interval.
        assert_eq!(ceilings, [3_000, 6_000, 12_000, 24_000, 48_000, 60_000]);
    }

    #[test]
    fn nothing_aborts_an_attempt_in_progress() {
        let mut r = relogin();
        r.link_lost(0);
        assert!(r.poll(0));
        r.attempt_started();
        r.link_lost(1_000);
        r.retry_now(2_000);
        assert_eq!(r.next_deadline(), None, "no attempt scheduled over it");
        assert!(!r.poll(u64::MAX));
        r.failed(60_000);
        assert!(r.next_deadline().is_some_and(|t| t >= 60_000));
    }

    #[test]
    fn only_a_healthy_link_resets_the_failures() {
        let mut r = relogin();
        for _ in 0..3 {
            r.link_lost(0);
            r.poll(u64::MAX);
            r.attempt_started();
            r.succeeded();
        }
        assert_eq!(r.failures(), 3, "a login success alone resets nothing");
        r.link_healthy();
        r.stop(false);
        r.link_lost(5);
        assert_eq!(r.next_deadline(), Some(5));
        r.stop(true);
        assert_eq!((r.failures(), r.is_running()), (0, false));
    }
}
