//! Heartbeat and liveness, computed from `now` so throttled timers cannot
//! hide a dead link.
//!
//! Two rules declare the link dead:
//! - a ping has gone unanswered for `answer_timeout`;
//! - nothing at all was heard for `silence_limit` (this is what catches a
//!   timer that fired minutes late in a background tab or a suspended
//!   mini-program: the check runs once, sees the gap and reports at once).
//!
//! With [`Liveness::probe_late_wake_ups`] a late check is a hint, not a
//! verdict: the answer may be waiting behind the frozen timer, so a check
//! that wakes late ([`crate::core::late`]) after its deadline sends a probe
//! ping at once instead, and only a probe unanswered for `answer_timeout`
//! (judged by a check at most one `interval` late, so a throttled tab whose
//! timers all run a minute late still gets a verdict) declares the link
//! dead. Silence alone then only triggers a probe.

use crate::core::late::woke_late;

/// Heartbeat settings in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LivenessConfig {
    /// Time between pings.
    pub interval: u64,
    /// How long a ping may stay unanswered.
    pub answer_timeout: u64,
    /// Longest allowed silence from the peer, whatever was sent.
    pub silence_limit: u64,
}

/// What the driver must do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LivenessAction {
    SendPing,
    Dead,
}

/// Per-connection heartbeat state; create a new one (or `start`) for every
/// connection so no stale ping state survives a reconnect.
#[derive(Debug, Clone)]
pub struct Liveness {
    config: LivenessConfig,
    active: bool,
    last_heard: u64,
    next_ping: u64,
    unanswered_since: Option<u64>,
    /// The unanswered ping was sent at a late wake-up.
    probing: bool,
    probe_late: bool,
}

impl Liveness {
    pub fn new(config: LivenessConfig) -> Self {
        Liveness {
            config,
            active: false,
            last_heard: 0,
            next_ping: 0,
            unanswered_since: None,
            probing: false,
            probe_late: false,
        }
    }

    /// Judges late checks as hints (see the module notes); off by default.
    pub fn probe_late_wake_ups(&mut self, on: bool) {
        self.probe_late = on;
    }

    /// Sends a probe now (the caller writes the ping): an unanswered probe
    /// is judged as a fresh ping. False when not watching a link.
    pub fn probe(&mut self, now: u64) -> bool {
        if !self.active {
            return false;
        }
        self.unanswered_since = Some(now);
        self.probing = true;
        self.next_ping = now.saturating_add(self.config.interval);
        true
    }

    /// Replaces the settings; the current connection's state is kept.
    pub fn set_config(&mut self, config: LivenessConfig) {
        self.config = config;
    }

    /// Starts watching a connection; the first ping goes out one interval later.
    pub fn start(&mut self, now: u64) {
        self.active = true;
        self.last_heard = now;
        self.next_ping = now.saturating_add(self.config.interval);
        self.unanswered_since = None;
        self.probing = false;
    }

    pub fn stop(&mut self) {
        self.active = false;
        self.unanswered_since = None;
        self.probing = false;
    }

    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Anything received from the peer proves the link is alive.
    pub fn heard(&mut self, now: u64) {
        self.last_heard = self.last_heard.max(now);
        self.unanswered_since = None;
        self.probing = false;
    }

    /// Runs the checks at `now`. After `Dead` the watcher stops itself.
    pub fn poll(&mut self, now: u64) -> Option<LivenessAction> {
        if !self.active {
            return None;
        }
        if self.probe_late {
            return self.poll_probing(now);
        }
        let silent_too_long = now.saturating_sub(self.last_heard) >= self.config.silence_limit;
        let ping_expired = self
            .unanswered_since
            .is_some_and(|sent| now.saturating_sub(sent) >= self.config.answer_timeout);
        if silent_too_long || ping_expired {
            self.stop();
            return Some(LivenessAction::Dead);
        }
        if now >= self.next_ping {
            self.next_ping = now.saturating_add(self.config.interval);
            self.unanswered_since.get_or_insert(now);
            return Some(LivenessAction::SendPing);
        }
        None
    }

    fn poll_probing(&mut self, now: u64) -> Option<LivenessAction> {
        if let Some(sent) = self.unanswered_since {
            let due = sent.saturating_add(self.config.answer_timeout);
            if now >= due {
                let judged =
                    !woke_late(due, now) || (self.probing && now - due <= self.config.interval);
                if judged {
                    self.stop();
                    return Some(LivenessAction::Dead);
                }
                self.probe(now);
                return Some(LivenessAction::SendPing);
            }
            return None;
        }
        let silence_due = self.last_heard.saturating_add(self.config.silence_limit);
        if now >= self.next_ping || now >= silence_due {
            let due = self.next_ping.min(silence_due);
            if woke_late(due, now) {
                self.probe(now);
            } else {
                self.next_ping = now.saturating_add(self.config.interval);
                self.unanswered_since = Some(now);
            }
            return Some(LivenessAction::SendPing);
        }
        None
    }

    /// The earliest time `poll` has something to do.
    pub fn next_deadline(&self) -> Option<u64> {
        if !self.active {
            return None;
        }
        let silence = self.last_heard.saturating_add(self.config.silence_limit);
        let answer = self
            .unanswered_since
            .map_or(u64::MAX, |s| s.saturating_add(self.config.answer_timeout));
        if self.probe_late && answer != u64::MAX {
            // Only the answer deadline matters while a ping is out.
            return Some(answer);
        }
        Some(self.next_ping.min(silence).min(answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CFG: LivenessConfig = LivenessConfig {
        interval: 180_000,
        answer_timeout: 3_000,
        silence_limit: 183_000,
    };

    #[test]
    fn pings_each_interval_while_answered() {
        let mut l = Liveness::new(CFG);
        l.start(0);
        assert_eq!(l.next_deadline(), Some(180_000));
        assert_eq!(l.poll(179_999), None);
        assert_eq!(l.poll(180_000), Some(LivenessAction::SendPing));
        assert_eq!(l.next_deadline(), Some(183_000));
        l.heard(180_050);
        assert_eq!(l.poll(183_000), None);
        assert_eq!(l.poll(360_000), Some(LivenessAction::SendPing));
    }

    #[test]
    fn unanswered_ping_is_dead_at_the_deadline() {
        let mut l = Liveness::new(CFG);
        l.start(0);
        assert_eq!(l.poll(180_000), Some(LivenessAction::SendPing));
        assert_eq!(l.poll(182_999), None);
        assert_eq!(l.poll(183_000), Some(LivenessAction::Dead));
        assert!(!l.is_active());
        assert_eq!(l.poll(200_000), None);
    }

    #[test]
    fn a_late_wake_up_is_dead_at_once_without_another_interval() {
        let mut l = Liveness::new(CFG);
        l.start(0);
        // The timer should have fired at 180 s but the tab was throttled.
        assert_eq!(l.poll(600_000), Some(LivenessAction::Dead));
    }

    fn probing() -> Liveness {
        let mut l = Liveness::new(CFG);
        l.probe_late_wake_ups(true);
        l.start(0);
        l
    }

    #[test]
    fn probing_keeps_the_on_time_rules() {
        let mut l = probing();
        assert_eq!(l.poll(180_000), Some(LivenessAction::SendPing));
        l.heard(180_050);
        assert_eq!(l.poll(360_000), Some(LivenessAction::SendPing));
        assert_eq!(l.poll(362_999), None);
        assert_eq!(l.poll(363_000), Some(LivenessAction::Dead));
    }

    #[test]
    fn a_late_wake_up_probes_and_only_an_unanswered_probe_is_dead() {
        let mut l = probing();
        // Woken long after the ping was due: probe instead of a verdict.
        assert_eq!(l.poll(600_000), Some(LivenessAction::SendPing));
        assert_eq!(l.next_deadline(), Some(603_000));
        l.heard(600_040);
        assert_eq!(l.poll(603_000), None, "answered: alive");
        // A ping sent on time, then frozen past its deadline: probe again.
        assert_eq!(l.poll(780_040), Some(LivenessAction::SendPing));
        assert_eq!(l.poll(900_000), Some(LivenessAction::SendPing));
        // The probe's check also runs a minute late: still a verdict.
        assert_eq!(l.poll(963_000), Some(LivenessAction::Dead));
    }

    #[test]
    fn restart_forgets_stale_ping_state() {
        let mut l = Liveness::new(CFG);
        l.start(0);
        l.poll(180_000);
        l.start(181_000);
        assert_eq!(l.poll(183_500), None);
        assert_eq!(l.next_deadline(), Some(361_000));
    }
}
