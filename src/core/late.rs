//! Late timers, one rule for both protocols. A background tab, a suspended
//! mini-program or a sleeping laptop runs a timer long after its deadline,
//! and the socket events of that time may still be queued behind it. Such a
//! wake-up is a hint, never a verdict: the machine probes (or waits a short
//! grace) and decides on what happens next.

/// A timer running more than this after its deadline woke late (awake, a
/// timer runs within milliseconds; the official MobileIMSDK client polls
/// every 2 s, so it is never later than this either).
pub const LATE_AFTER_MS: u64 = 2_000;

/// True when a timer due at `due` that runs at `now` woke late.
pub fn woke_late(due: u64, now: u64) -> bool {
    now > due.saturating_add(LATE_AFTER_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_past_the_deadline_is_late() {
        assert!(!woke_late(10_000, 9_000));
        assert!(!woke_late(10_000, 12_000));
        assert!(woke_late(10_000, 12_001));
        assert!(!woke_late(u64::MAX, u64::MAX));
    }
}
