//! KeepAliveDaemon: sends type 1 every interval and declares the link dead
//! after `timeout` ms without hearing anything since the first unanswered
//! keep-alive, as the official client does (its first keep-alive goes out
//! one interval after login success and starts the silence clock). Deadlines
//! are exact instead of the official 2 s polling.
//!
//! A timer that wakes late (see [`crate::core::late`]) proves nothing about the
//! link: the silence may be the sleeper's own. It sends a keep-alive at once
//! and restarts the silence clock, so the link is dead only if that probe is
//! not answered within `timeout`. The verdict is put off once per silence:
//! a second late wake-up with still nothing heard is dead, so a tab whose
//! timers are always late still detects a dead link.

use crate::core::late::woke_late;
use crate::core::liveness::LivenessAction;

#[derive(Debug, Clone, Copy)]
enum State {
    Stopped,
    /// Logged in, first keep-alive not sent yet.
    Waiting {
        first_ping_at: u64,
    },
    Running {
        next_ping: u64,
        /// Silence is counted from here (the first unanswered keep-alive, or
        /// the last frame heard after it).
        silent_since: u64,
        /// The current silence already had its late-wake-up probe.
        woken_late: bool,
    },
}

/// The keep-alive schedule of one logged-in connection.
#[derive(Debug, Clone)]
pub struct KeepAlive {
    interval: u64,
    timeout: u64,
    state: State,
}

impl KeepAlive {
    /// A stopped daemon with the given interval and timeout (ms).
    pub fn new(interval_ms: u64, timeout_ms: u64) -> Self {
        KeepAlive {
            interval: interval_ms,
            timeout: timeout_ms,
            state: State::Stopped,
        }
    }

    /// Starts after a login success: the first keep-alive one interval later.
    pub fn start_delayed(&mut self, now: u64) {
        self.state = State::Waiting {
            first_ping_at: now.saturating_add(self.interval),
        };
    }

    /// Stops both timers (restartable with `start_delayed`).
    pub fn stop(&mut self) {
        self.state = State::Stopped;
    }

    /// True between a start and a stop or death.
    pub fn is_running(&self) -> bool {
        !matches!(self.state, State::Stopped)
    }

    /// Any frame from the server counts as an answer.
    pub fn heard(&mut self, now: u64) {
        if let State::Running {
            silent_since,
            woken_late,
            ..
        } = &mut self.state
        {
            *silent_since = (*silent_since).max(now);
            *woken_late = false;
        }
    }

    /// What is due at `now`; after `Dead` the daemon is stopped.
    pub fn poll(&mut self, now: u64) -> Option<LivenessAction> {
        let deadline = self.next_deadline()?;
        if now < deadline {
            return None;
        }
        let late = woke_late(deadline, now);
        let next_ping = now.saturating_add(self.interval);
        match &mut self.state {
            State::Stopped => None,
            State::Waiting { .. } => {
                self.state = State::Running {
                    next_ping,
                    silent_since: now,
                    woken_late: late,
                };
                Some(LivenessAction::SendPing)
            }
            State::Running {
                next_ping: at,
                silent_since,
                woken_late,
            } => {
                let silent_too_long = now.saturating_sub(*silent_since) >= self.timeout;
                if silent_too_long && (!late || *woken_late) {
                    self.state = State::Stopped;
                    return Some(LivenessAction::Dead);
                }
                if late {
                    // A hint, not a verdict: probe and wait for the answer.
                    *silent_since = now;
                    *woken_late = true;
                }
                *at = next_ping;
                Some(LivenessAction::SendPing)
            }
        }
    }

    /// When `poll` next has something to do.
    pub fn next_deadline(&self) -> Option<u64> {
        match self.state {
            State::Stopped => None,
            State::Waiting { first_ping_at } => Some(first_ping_at),
            State::Running {
                next_ping,
                silent_since,
                ..
            } => Some(next_ping.min(silent_since.saturating_add(self.timeout))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LivenessAction::{Dead, SendPing};

    #[test]
    fn first_ping_one_interval_after_login_then_every_interval() {
        let mut k = KeepAlive::new(5_000, 8_000);
        k.start_delayed(1_000);
        assert_eq!(k.next_deadline(), Some(6_000));
        assert_eq!(k.poll(5_999), None);
        assert_eq!(k.poll(6_000), Some(SendPing));
        k.heard(6_050);
        assert_eq!(k.poll(10_999), None);
        assert_eq!(k.poll(11_000), Some(SendPing));
        k.heard(11_040);
        assert_eq!(k.poll(16_000), Some(SendPing));
    }

    #[test]
    fn dead_after_timeout_without_any_answer() {
        let mut k = KeepAlive::new(5_000, 8_000);
        k.start_delayed(0);
        assert_eq!(k.poll(5_000), Some(SendPing));
        assert_eq!(k.poll(10_000), Some(SendPing));
        assert_eq!(k.next_deadline(), Some(13_000));
        assert_eq!(k.poll(12_999), None);
        assert_eq!(k.poll(13_000), Some(Dead));
        assert!(!k.is_running());
        assert_eq!(k.next_deadline(), None);
        assert_eq!(k.poll(20_000), None);
    }

    #[test]
    fn an_answered_ping_pushes_death_back() {
        let mut k = KeepAlive::new(5_000, 8_000);
        k.start_delayed(0);
        k.poll(5_000);
        k.heard(5_100);
        k.poll(10_000); // unanswered from here on
        assert_eq!(k.poll(13_099), None);
        assert_eq!(k.poll(13_100), Some(Dead));
    }

    #[test]
    fn a_late_wake_up_probes_instead_of_declaring_death() {
        // Answered keep-alive at 5 s, then the tab slept until 60 s.
        let mut k = KeepAlive::new(5_000, 8_000);
        k.start_delayed(0);
        k.poll(5_000);
        k.heard(5_100);
        assert_eq!(k.poll(60_000), Some(SendPing), "probe at once");
        k.heard(60_040);
        assert_eq!(k.next_deadline(), Some(65_000));
        assert_eq!(k.poll(65_000), Some(SendPing));

        // Same sleep, no answer: dead one timeout after the probe.
        let mut k = KeepAlive::new(5_000, 8_000);
        k.start_delayed(0);
        k.poll(5_000);
        assert_eq!(k.poll(60_000), Some(SendPing));
        assert_eq!(k.poll(65_000), Some(SendPing));
        assert_eq!(k.poll(67_999), None);
        assert_eq!(k.poll(68_000), Some(Dead));

        // Even before the first keep-alive.
        let mut k = KeepAlive::new(5_000, 8_000);
        k.start_delayed(0);
        assert_eq!(k.poll(60_000), Some(SendPing));
        assert_eq!(k.poll(68_000), Some(Dead));
    }

    #[test]
    fn always_late_timers_keep_a_healthy_link_and_still_find_a_dead_one() {
        for answered in [true, false] {
            let mut k = KeepAlive::new(5_000, 8_000);
            k.start_delayed(0);
            let mut dead_at = None;
            for _ in 0..20 {
                // Every timer runs 60 s after its deadline.
                let Some(at) = k.next_deadline() else { break };
                let now = at + 60_000;
                match k.poll(now) {
                    Some(SendPing) if answered => k.heard(now + 30),
                    Some(Dead) => dead_at = Some(now),
                    _ => {}
                }
            }
            assert_eq!(dead_at.is_some(), !answered, "{dead_at:?}");
            assert_eq!(k.is_running(), answered);
        }
    }

    #[test]
    fn restartable_after_stop() {
        let mut k = KeepAlive::new(5_000, 8_000);
        k.start_delayed(0);
        k.stop();
        assert_eq!(k.poll(5_000), None);
        k.start_delayed(100_000);
        assert_eq!(k.poll(105_000), Some(SendPing));
    }
}
