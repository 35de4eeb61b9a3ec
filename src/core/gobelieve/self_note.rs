//! Notes to oneself: the server stores a peer message whose sender is its
//! receiver twice in the same queue (the receiver's copy and the sender's
//! copy, spec §5.4), so another device of that user gets two stored messages
//! for one send. They are twins: the same fields, different sync keys. The
//! first is delivered, its twin only ACKed; a third copy is a new send.

use alloc::collections::VecDeque;

/// How many delivered notes wait for their twin.
const CAPACITY: usize = 256;
/// How long a delivered note waits for its twin.
const WINDOW_MS: u64 = 10 * 60_000;

/// Delivered notes to oneself whose twin has not come yet.
#[derive(Debug, Default)]
pub struct SelfNoteTwins {
    unpaired: VecDeque<(u64, u64)>,
}

impl SelfNoteTwins {
    /// Called for each new stored note to oneself (never for a copy of one
    /// already seen); true when it is the twin of a delivered one.
    pub fn is_twin(&mut self, content_hash: u64, now: u64) -> bool {
        self.unpaired
            .retain(|&(_, t)| now.saturating_sub(t) < WINDOW_MS && t <= now);
        if let Some(at) = self.unpaired.iter().position(|&(h, _)| h == content_hash) {
            self.unpaired.remove(at);
            return true;
        }
        if self.unpaired.len() == CAPACITY {
            self.unpaired.pop_front();
        }
        self.unpaired.push_back((content_hash, now));
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_pair_up_two_by_two() {
        let mut t = SelfNoteTwins::default();
        let verdicts: Vec<bool> = (0..5).map(|i| t.is_twin(7, i)).collect();
        assert_eq!(verdicts, [false, true, false, true, false]);
        assert!(!t.is_twin(8, 10), "another note is no twin");
    }

    #[test]
    fn a_twin_is_awaited_for_a_window_and_a_bounded_number() {
        let mut t = SelfNoteTwins::default();
        t.is_twin(1, 0);
        assert!(!t.is_twin(1, WINDOW_MS), "too late: a new note");
        for h in 0..(CAPACITY as u64 + 10) {
            t.is_twin(1_000 + h, WINDOW_MS);
        }
        assert!(t.unpaired.len() <= CAPACITY);
    }
}
