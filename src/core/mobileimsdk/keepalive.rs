//! KeepAliveDaemon: sends type 1 every interval and declares the link dead
//! after `timeout` ms without hearing anything, measured from `now` so a
//! check that runs late (throttled timers) reports a dead link at once.
//!
//! As in the official client, the first keep-alive goes out one interval
//! after login success, and the silence clock starts at that first send.
//! Deadlines are exact instead of the official 2 s polling.

use crate::core::liveness::{Liveness, LivenessAction, LivenessConfig};

#[derive(Debug, Clone)]
enum State {
    Stopped,
    /// Logged in, first keep-alive not sent yet.
    Waiting {
        first_ping_at: u64,
        last_heard: u64,
    },
    Running(Liveness),
}

/// The keep-alive schedule of one logged-in connection.
#[derive(Debug, Clone)]
pub struct KeepAlive {
    config: LivenessConfig,
    state: State,
}

impl KeepAlive {
    /// A stopped daemon with the given interval and timeout (ms).
    pub fn new(interval_ms: u64, timeout_ms: u64) -> Self {
        KeepAlive {
            config: LivenessConfig {
                interval: interval_ms,
                answer_timeout: timeout_ms,
                silence_limit: timeout_ms,
            },
            state: State::Stopped,
        }
    }

    /// Starts after a login success: the first keep-alive one interval later.
    pub fn start_delayed(&mut self, now: u64) {
        self.state = State::Waiting {
            first_ping_at: now.saturating_add(self.config.interval),
            last_heard: now,
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
        match &mut self.state {
            State::Stopped => {}
            State::Waiting { last_heard, .. } => *last_heard = (*last_heard).max(now),
            State::Running(l) => l.heard(now),
        }
    }

    /// What is due at `now`; after `Dead` the daemon is stopped.
    pub fn poll(&mut self, now: u64) -> Option<LivenessAction> {
        let action = match &mut self.state {
            State::Stopped => None,
            State::Waiting {
                first_ping_at,
                last_heard,
            } => {
                // Woken far too late: the link cannot have survived that.
                let limit = self.config.interval + self.config.silence_limit;
                if now.saturating_sub(*last_heard) >= limit {
                    Some(LivenessAction::Dead)
                } else if now >= *first_ping_at {
                    let mut l = Liveness::new(self.config);
                    l.start(now);
                    self.state = State::Running(l);
                    Some(LivenessAction::SendPing)
                } else {
                    None
                }
            }
            State::Running(l) => l.poll(now),
        };
        if action == Some(LivenessAction::Dead) {
            self.state = State::Stopped;
        }
        action
    }

    /// When `poll` next has something to do.
    pub fn next_deadline(&self) -> Option<u64> {
        match &self.state {
            State::Stopped => None,
            State::Waiting { first_ping_at, .. } => Some(*first_ping_at),
            State::Running(l) => l.next_deadline(),
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
    fn a_late_check_is_dead_at_once() {
        let mut k = KeepAlive::new(5_000, 8_000);
        k.start_delayed(0);
        k.poll(5_000);
        k.heard(5_100);
        assert_eq!(k.poll(60_000), Some(Dead));

        let mut k = KeepAlive::new(5_000, 8_000);
        k.start_delayed(0);
        assert_eq!(k.poll(60_000), Some(Dead), "even before the first ping");
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
