//! A monotonic view of the wall clock the drivers pass in (`Date.now()`).
//!
//! Wall time can step back (NTP, a user changing the clock). Deadlines that
//! were computed before such a step would then lie far in the future and
//! every timer would freeze until the clock caught up. The machine instead
//! runs on this clock: it advances by every forward step of wall time and
//! ignores backward ones; deadlines are converted back to wall time for the
//! driver's timer. Without a backward step the two clocks are equal.

/// Wall-clock milliseconds in, monotonic milliseconds out.
#[derive(Debug, Clone, Default)]
pub struct MonoClock {
    /// The last wall time seen and the monotonic time it mapped to.
    last: Option<(u64, u64)>,
}

impl MonoClock {
    /// A clock that starts at the first wall time it sees.
    pub fn new() -> Self {
        MonoClock::default()
    }

    /// Monotonic time for the wall time `wall`.
    pub fn observe(&mut self, wall: u64) -> u64 {
        let mono = match self.last {
            None => wall,
            Some((last_wall, last_mono)) => {
                last_mono.saturating_add(wall.saturating_sub(last_wall))
            }
        };
        self.last = Some((wall, mono));
        mono
    }

    /// The wall time at which monotonic time `mono` will be reached, if wall
    /// time runs on from the last observation.
    pub fn to_wall(&self, mono: u64) -> u64 {
        match self.last {
            None => mono,
            Some((wall, now)) if mono >= now => wall.saturating_add(mono - now),
            Some((wall, now)) => wall.saturating_sub(now - mono),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_to_wall_time_until_it_steps_back_then_runs_on() {
        let mut c = MonoClock::new();
        assert_eq!(c.observe(1_000), 1_000);
        assert_eq!(c.observe(1_500), 1_500);
        assert_eq!(c.to_wall(6_500), 6_500);
        // Wall time stepped back: monotonic time stands still, then runs on.
        let back = 1_500 - 1_000;
        assert_eq!(c.observe(back), 1_500);
        assert_eq!(c.observe(back + 200), 1_700);
        // A deadline 5 s ahead is 5 s ahead on the wall clock too.
        assert_eq!(c.to_wall(6_700), back + 5_200);
        assert_eq!(c.to_wall(1_600), back + 100);
        // Forward jumps count in full (a suspended tab really lost that time).
        assert_eq!(c.observe(back + 60_200), 61_700);
    }
}
