//! AutoReLoginDaemon schedule, on the shared [`Backoff`]: after a link loss
//! the first attempt is immediate when the link had proved healthy, every
//! later one waits a fully jittered, exponentially growing, capped delay.
//! The failure count is reset only by a healthy link (a keep-alive answered
//! after login), never by a login success alone, so a server that
//! authenticates and then drops cannot cause a storm.
//!
//! An attempt (a new connection and the saved login) runs until it succeeds,
//! fails, or reaches its connect timeout; the schedule never aborts it.

use crate::core::backoff::{Backoff, BackoffConfig};
use crate::core::rng::Rng;

/// What `poll` found due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReloginAction {
    /// Start an attempt now: open a new connection, log in on open.
    Attempt,
    /// The attempt in progress reached its connect timeout: give it up.
    GiveUp,
}

/// The automatic re-login schedule.
#[derive(Debug, Clone)]
pub struct Relogin {
    backoff: Backoff,
    rng: Rng,
    connect_timeout: u64,
    /// The next attempt, while waiting.
    next_at: Option<u64>,
    /// The deadline of the attempt in progress.
    attempt_until: Option<u64>,
}

impl Relogin {
    /// A stopped schedule: delays grow from `config.base_ms` to
    /// `config.cap_ms`; each attempt may take `connect_timeout_ms`.
    pub fn new(config: BackoffConfig, connect_timeout_ms: u64, rng: Rng) -> Self {
        Relogin {
            backoff: Backoff::new(config),
            rng,
            connect_timeout: connect_timeout_ms,
            next_at: None,
            attempt_until: None,
        }
    }

    /// The link was lost: retry at once after a healthy link, else after
    /// the next back-off delay. An attempt in progress is left alone.
    pub fn link_lost(&mut self, now: u64) {
        if self.in_attempt() {
            return;
        }
        let delay = self.backoff.next_delay(&mut self.rng);
        let immediate = self.backoff.failures() == 1;
        self.next_at = Some(if immediate {
            now
        } else {
            now.saturating_add(delay)
        });
    }

    /// The attempt in progress (or the session) failed: wait the next delay.
    pub fn failed(&mut self, now: u64) {
        self.attempt_until = None;
        let delay = self.backoff.next_delay(&mut self.rng);
        self.next_at = Some(now.saturating_add(delay));
    }

    /// Make the next attempt now (network back, app shown), unless one runs.
    pub fn retry_now(&mut self, now: u64) {
        if !self.in_attempt() {
            self.next_at = Some(now);
        }
    }

    /// An attempt was started at `now`.
    pub fn attempt_started(&mut self, now: u64) {
        self.next_at = None;
        self.attempt_until = Some(now.saturating_add(self.connect_timeout));
    }

    /// A login succeeded: nothing more to schedule (the failure count stays
    /// until the link proves healthy).
    pub fn succeeded(&mut self) {
        self.next_at = None;
        self.attempt_until = None;
    }

    /// The logged-in link answered a keep-alive: forget past failures.
    pub fn link_healthy(&mut self) {
        self.backoff.reset();
    }

    /// No more attempts (refused, offline, logout, release, manual login);
    /// with `forget`, past failures are forgotten too (the app acted).
    pub fn stop(&mut self, forget: bool) {
        self.next_at = None;
        self.attempt_until = None;
        if forget {
            self.backoff.reset();
        }
    }

    /// True while an attempt is in progress.
    pub fn in_attempt(&self) -> bool {
        self.attempt_until.is_some()
    }

    /// True while attempts are scheduled or running.
    pub fn is_running(&self) -> bool {
        self.next_at.is_some() || self.attempt_until.is_some()
    }

    /// When the next attempt starts, while one is waiting.
    pub fn next_attempt_at(&self) -> Option<u64> {
        self.next_at
    }

    /// Consecutive failures so far.
    pub fn failures(&self) -> u32 {
        self.backoff.failures()
    }

    /// What is due at `now`.
    pub fn poll(&mut self, now: u64) -> Option<ReloginAction> {
        if self.attempt_until.is_some_and(|t| now >= t) {
            self.attempt_until = None;
            return Some(ReloginAction::GiveUp);
        }
        if self.next_at.is_some_and(|t| now >= t) {
            self.next_at = None;
            return Some(ReloginAction::Attempt);
        }
        None
    }

    /// When `poll` next has something to do.
    pub fn next_deadline(&self) -> Option<u64> {
        [self.next_at, self.attempt_until]
            .into_iter()
            .flatten()
            .min()
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
        Relogin::new(CFG, 60_000, Rng::new(7))
    }

    #[test]
    fn immediate_after_a_healthy_link_then_jittered_growing_delays() {
        let mut r = relogin();
        r.link_lost(10_000);
        assert_eq!(r.poll(10_000), Some(ReloginAction::Attempt));
        let mut at = 10_000;
        let mut ceilings = vec![];
        for _ in 0..6 {
            r.attempt_started(at);
            ceilings.push(r.backoff.ceiling());
            r.failed(at + 100);
            let next = r.next_deadline().unwrap();
            assert!(next - (at + 100) <= *ceilings.last().unwrap());
            assert_eq!(r.poll(next), Some(ReloginAction::Attempt));
            at = next;
        }
        assert_eq!(ceilings, [6_000, 12_000, 24_000, 48_000, 60_000, 60_000]);
    }

    #[test]
    fn an_attempt_runs_to_its_connect_timeout() {
        let mut r = relogin();
        r.link_lost(0);
        r.poll(0);
        r.attempt_started(0);
        r.link_lost(1_000);
        r.retry_now(2_000);
        assert_eq!(r.next_deadline(), Some(60_000), "nothing aborts it");
        assert_eq!(r.poll(59_999), None);
        assert_eq!(r.poll(60_000), Some(ReloginAction::GiveUp));
    }

    #[test]
    fn only_a_healthy_link_resets_the_failures() {
        let mut r = relogin();
        for _ in 0..3 {
            r.link_lost(0);
            r.poll(u64::MAX);
            r.attempt_started(0);
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
