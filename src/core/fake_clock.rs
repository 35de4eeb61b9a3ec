//! The fake clock of both protocols' host tests: a harness holds a protocol
//! machine ([`Machine`]) and the time it is at, and moves that time on in one
//! of two ways: [`FakeClock::advance_to`] fires every deadline the machine
//! arms on the way at its own time (as a timer on time would), and
//! [`FakeClock::jump`] moves the clock at once and fires the timer once at
//! the end, which is how a throttled tab or a frozen mini-program sees every
//! deadline it slept through: late, all at once.

use crate::core::machine::Machine;

/// A harness driven by the fake clock.
pub trait FakeClock {
    /// The protocol machine under test.
    type M: Machine;
    /// The machine.
    fn machine(&mut self) -> &mut Self::M;
    /// The time the harness is at, in ms.
    fn clock(&mut self) -> &mut u64;
    /// Called after each deadline fired (a harness collects the machine's output here).
    fn after_timeout(&mut self) {}

    /// Moves the clock to `to`, firing each deadline up to it at its time;
    /// a clock never goes back.
    fn advance_to(&mut self, to: u64) {
        while let Some(at) = self.machine().poll_timeout() {
            if at > to {
                break;
            }
            let now = (*self.clock()).max(at);
            *self.clock() = now;
            self.machine().handle_timeout(now);
            self.after_timeout();
        }
        let now = (*self.clock()).max(to);
        *self.clock() = now;
    }

    /// Moves the clock on by `ms`, firing each deadline on the way at its time.
    fn advance(&mut self, ms: u64) {
        let to = *self.clock() + ms;
        self.advance_to(to);
    }

    /// Moves the clock on by `ms` at once, then fires the timer once (late
    /// for every deadline passed on the way).
    fn jump(&mut self, ms: u64) {
        let now = *self.clock() + ms;
        *self.clock() = now;
        self.machine().handle_timeout(now);
        self.after_timeout();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::io::{ConnId, Io};
    use alloc::vec;
    use alloc::vec::Vec;

    /// A machine with fixed deadlines that records when its timer fired.
    struct Deadlines {
        due: Vec<u64>,
        fired: Vec<u64>,
        now: u64,
    }

    impl Machine for Deadlines {
        type Event = ();
        const BINARY: bool = true;
        const MAX_FRAME: usize = 0;
        fn handle_open(&mut self, _: ConnId, _: u64) {}
        fn handle_binary(&mut self, _: ConnId, _: &[u8], _: u64) {}
        fn handle_text(&mut self, _: ConnId, _: &str, _: u64) {}
        fn handle_close(&mut self, _: ConnId, _: bool, _: u64) {}
        fn handle_timeout(&mut self, now: u64) {
            self.fired.push(now);
            self.due.retain(|&d| d > now);
        }
        fn poll_io(&mut self) -> Option<Io> {
            None
        }
        fn poll_event(&mut self) -> Option<()> {
            None
        }
        fn poll_timeout(&self) -> Option<u64> {
            self.due.iter().copied().min()
        }
    }

    impl FakeClock for Deadlines {
        type M = Deadlines;
        fn machine(&mut self) -> &mut Deadlines {
            self
        }
        fn clock(&mut self) -> &mut u64 {
            &mut self.now
        }
    }

    fn at(due: &[u64]) -> Deadlines {
        Deadlines {
            due: due.to_vec(),
            fired: vec![],
            now: 0,
        }
    }

    #[test]
    fn advance_fires_each_deadline_at_its_time_and_jump_once_late() {
        let mut m = at(&[10, 30, 30, 70]);
        m.advance(50);
        assert_eq!((m.fired.as_slice(), m.now), (&[10, 30][..], 50));
        m.advance_to(40); // never back
        assert_eq!(m.now, 50);
        let mut late = at(&[10, 30, 70]);
        late.jump(50);
        assert_eq!((late.fired.as_slice(), late.now), (&[50][..], 50));
        assert_eq!(late.poll_timeout(), Some(70));
    }
}
