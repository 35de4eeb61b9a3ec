//! Late timers. A background tab, a suspended mini-program or a sleeping
//! laptop runs a timer long after its deadline, and the socket events of
//! that time may still be queued behind it. Such a wake-up is a hint, never a
//! verdict: the daemons probe again and decide on what happens next.

/// A timer running more than this after its deadline woke late (the official
/// client polls every 2 s, so it is never later than this when awake).
pub const LATE_AFTER_MS: u64 = 2_000;

/// True when a timer due at `deadline` runs late at `now`.
pub fn woke_late(deadline: u64, now: u64) -> bool {
    now > deadline.saturating_add(LATE_AFTER_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_past_the_deadline_is_late() {
        assert!(!woke_late(10_000, 9_000));
        assert!(!woke_late(10_000, 12_000));
        assert!(woke_late(10_000, 12_001));
    }
}
