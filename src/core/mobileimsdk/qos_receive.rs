//! QoS4ReciveDaemon: remembers the fingerprints of received QoS packets for
//! the receive window, so each is delivered once however often it arrives.

use crate::core::dedupe::Dedupe;
use crate::core::hash::HashKeys;
use alloc::string::String;
use alloc::string::ToString;

/// Upper bound on remembered fingerprints (memory guard against a flood).
const CAPACITY: usize = 20_000;

/// Fingerprints seen recently.
#[derive(Debug, Clone)]
pub struct QosReceive {
    seen: Dedupe<String>,
}

impl QosReceive {
    /// Fingerprints are remembered `window_ms` after they were last seen.
    pub fn new(window_ms: u64, keys: HashKeys) -> Self {
        QosReceive {
            seen: Dedupe::new(window_ms, CAPACITY, keys),
        }
    }

    /// Records `fp` at `now`; true when it is new (deliver it), false for a
    /// duplicate within the window (re-ACK and drop it). A duplicate
    /// refreshes the fingerprint's time, as in the official client.
    pub fn record(&mut self, fp: &str, now: u64) -> bool {
        self.seen.insert(fp.to_string(), now)
    }

    /// Forgets everything (release).
    pub fn clear(&mut self) {
        self.seen.clear();
    }

    /// Number of remembered fingerprints.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_within_ten_minutes_are_caught() {
        let mut q = QosReceive::new(600_000, HashKeys::from_seed(1));
        assert!(q.record("a", 0));
        assert!(!q.record("a", 5_300));
        assert!(!q.record("a", 600_000), "refreshed at 5.3 s");
        assert!(q.record("a", 1_200_001));
        q.clear();
        assert!(q.is_empty());
    }
}
