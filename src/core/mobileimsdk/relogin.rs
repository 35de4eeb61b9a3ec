//! AutoReLoginDaemon schedule: one attempt now (or after one interval), then
//! one every interval until a login succeeds. Each attempt is made by the
//! client on a new connection.

/// When the next automatic re-login attempt is due.
#[derive(Debug, Clone)]
pub struct Relogin {
    interval: u64,
    next_at: Option<u64>,
}

impl Relogin {
    /// A stopped schedule with the given interval (ms).
    pub fn new(interval_ms: u64) -> Self {
        Relogin {
            interval: interval_ms,
            next_at: None,
        }
    }

    /// First attempt at `now` (after a link loss).
    pub fn start_immediate(&mut self, now: u64) {
        self.next_at = Some(now);
    }

    /// First attempt one interval from `now` (after error 301).
    pub fn start_delayed(&mut self, now: u64) {
        self.next_at = Some(now.saturating_add(self.interval));
    }

    /// No more attempts (a login succeeded, or release).
    pub fn stop(&mut self) {
        self.next_at = None;
    }

    /// True while attempts are scheduled.
    pub fn is_running(&self) -> bool {
        self.next_at.is_some()
    }

    /// True when an attempt is due at `now`; the next one is then scheduled.
    pub fn poll(&mut self, now: u64) -> bool {
        match self.next_at {
            Some(at) if now >= at => {
                self.next_at = Some(now.saturating_add(self.interval));
                true
            }
            _ => false,
        }
    }

    /// When the next attempt is due.
    pub fn next_deadline(&self) -> Option<u64> {
        self.next_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn immediate_then_every_interval() {
        let mut r = Relogin::new(3_000);
        assert!(!r.poll(0));
        r.start_immediate(10_000);
        assert!(r.poll(10_000));
        assert!(!r.poll(12_999));
        assert!(r.poll(13_000));
        assert_eq!(r.next_deadline(), Some(16_000));
        r.stop();
        assert!(!r.poll(20_000));
        assert_eq!(r.next_deadline(), None);
    }

    #[test]
    fn delayed_start_waits_one_interval_and_restarts_after_stop() {
        let mut r = Relogin::new(3_000);
        r.start_delayed(0);
        r.stop();
        r.start_delayed(1_000);
        assert!(!r.poll(3_999));
        assert!(r.poll(4_000));
    }
}
