//! Heartbeat and liveness, computed from `now` so throttled timers cannot
//! hide a dead link.
//!
//! Two rules declare the link dead:
//! - a ping has gone unanswered for `answer_timeout`;
//! - nothing at all was heard for `silence_limit` (this is what catches a
//!   timer that fired minutes late in a background tab or a suspended
//!   mini-program: the check runs once, sees the gap and reports at once).

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
}

impl Liveness {
    pub fn new(config: LivenessConfig) -> Self {
        Liveness {
            config,
            active: false,
            last_heard: 0,
            next_ping: 0,
            unanswered_since: None,
        }
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
    }

    pub fn stop(&mut self) {
        self.active = false;
        self.unanswered_since = None;
    }

    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Anything received from the peer proves the link is alive.
    pub fn heard(&mut self, now: u64) {
        self.last_heard = self.last_heard.max(now);
        self.unanswered_since = None;
    }

    /// Runs the checks at `now`. After `Dead` the watcher stops itself.
    pub fn poll(&mut self, now: u64) -> Option<LivenessAction> {
        if !self.active {
            return None;
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

    /// The earliest time `poll` has something to do.
    pub fn next_deadline(&self) -> Option<u64> {
        if !self.active {
            return None;
        }
        let silence = self.last_heard.saturating_add(self.config.silence_limit);
        let answer = self
            .unanswered_since
            .map_or(u64::MAX, |s| s.saturating_add(self.config.answer_timeout));
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
