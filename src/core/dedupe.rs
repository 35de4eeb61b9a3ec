//! Inbox dedupe: remembers message ids for a time window so a message that
//! arrives twice (a server resend, push and sync) reaches the app once.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// A time-windowed set of seen ids, bounded in size.
#[derive(Debug, Clone)]
pub struct Dedupe<K: Hash + Eq + Clone> {
    window_ms: u64,
    capacity: usize,
    seen: HashMap<K, u64>,
    order: VecDeque<(K, u64)>,
}

impl<K: Hash + Eq + Clone> Dedupe<K> {
    /// Ids are kept `window_ms` after they were last seen; at most `capacity`
    /// ids are kept (the oldest go first).
    pub fn new(window_ms: u64, capacity: usize) -> Self {
        Dedupe {
            window_ms,
            capacity: capacity.max(1),
            seen: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Records `key` at `now`; true when it was not seen within the window.
    /// A repeat refreshes the id's time, as the official QoS receiver does.
    pub fn insert(&mut self, key: K, now: u64) -> bool {
        self.expire(now);
        let fresh = self.seen.insert(key.clone(), now).is_none();
        self.order.push_back((key, now));
        while self.seen.len() > self.capacity {
            self.pop_oldest();
        }
        fresh
    }

    /// True when `key` was seen within the window (does not record it).
    pub fn contains(&self, key: &K, now: u64) -> bool {
        self.seen
            .get(key)
            .is_some_and(|&t| now.saturating_sub(t) < self.window_ms)
    }

    /// Number of ids remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    pub fn clear(&mut self) {
        self.seen.clear();
        self.order.clear();
    }

    /// Forgets ids older than the window.
    pub fn expire(&mut self, now: u64) {
        while let Some((_, t)) = self.order.front() {
            if now.saturating_sub(*t) < self.window_ms {
                break;
            }
            self.pop_oldest();
        }
    }

    fn pop_oldest(&mut self) {
        if let Some((k, t)) = self.order.pop_front() {
            // Only the newest record of a refreshed id removes it.
            if self.seen.get(&k) == Some(&t) {
                self.seen.remove(&k);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_within_the_window_are_caught() {
        let mut d = Dedupe::new(600_000, 100);
        assert!(d.insert("a", 0));
        assert!(!d.insert("a", 1000));
        assert!(d.insert("b", 1000));
        assert!(d.contains(&"a", 500_000));
    }

    #[test]
    fn ids_expire_after_the_window_counted_from_the_last_sighting() {
        let mut d = Dedupe::new(10_000, 100);
        d.insert(1, 0);
        d.insert(1, 8_000);
        assert!(!d.insert(1, 15_000), "refreshed at 8 s, still inside");
        assert!(d.insert(1, 26_000));
        d.expire(100_000);
        assert!(d.is_empty());
    }

    #[test]
    fn capacity_bounds_memory() {
        let mut d = Dedupe::new(u64::MAX, 3);
        for i in 0..10 {
            d.insert(i, i);
        }
        assert_eq!(d.len(), 3);
        assert!(d.insert(0, 11));
        assert!(!d.insert(9, 12));
    }
}
