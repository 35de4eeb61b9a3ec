//! Outbox: messages awaiting an acknowledgement, each with the time it was
//! first sent and a try count, bounded in size. Every entry leaves exactly
//! once, through `remove` (acknowledged), `take_expired` or `drain` (failed).
//!
//! Every operation is O(1) (amortised): with one fixed timeout, send order is
//! deadline order, so the entries sit in a queue in send order that also
//! finds one by key ([`KeyedQueue`]).

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::hash::Hash;

use crate::core::hash::HashKeys;
use crate::core::keyed_queue::{Keyed, KeyedQueue};

/// One pending message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending<K, V> {
    pub key: K,
    pub value: V,
    /// When it was first written (never earlier than any entry before it).
    pub first_sent: u64,
    /// How many times it was written again.
    pub resends: u32,
}

impl<K: Hash + Eq, V> Keyed for Pending<K, V> {
    type Key = K;
    fn key(&self) -> &K {
        &self.key
    }
}

/// Why `insert` refused an entry; the caller must refuse the new message,
/// never drop or replace an old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertError {
    /// The outbox holds `capacity` entries.
    Full,
    /// An entry with this key is still pending: two sends would share one outcome.
    DuplicateKey,
}

/// Pending messages in send order.
#[derive(Debug, Clone)]
pub struct Outbox<K, V> {
    capacity: usize,
    queue: KeyedQueue<Pending<K, V>>,
    /// Latest `first_sent` so far: later entries are stamped no earlier.
    latest: u64,
}

impl<K: Hash + Eq, V> Outbox<K, V> {
    /// An empty outbox holding at most `capacity` entries, indexed with `keys`.
    pub fn new(capacity: usize, keys: HashKeys) -> Self {
        Outbox {
            capacity,
            queue: KeyedQueue::new(keys),
            latest: 0,
        }
    }

    /// Changes the bound; entries beyond a lower one are kept (only new ones are refused).
    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
    }

    /// Tracks `value` under `key`, first sent at `now`. A key still pending
    /// is refused, and so is any entry once `capacity` are pending. A `now`
    /// earlier than a previous entry's (a clock stepped back) is raised to it,
    /// so send order stays deadline order.
    pub fn insert(&mut self, key: K, value: V, now: u64) -> Result<(), InsertError> {
        if self.queue.contains(&key) {
            return Err(InsertError::DuplicateKey);
        }
        if self.queue.len() >= self.capacity {
            return Err(InsertError::Full);
        }
        self.latest = self.latest.max(now);
        self.queue.push_back(Pending {
            key,
            value,
            first_sent: self.latest,
            resends: 0,
        });
        Ok(())
    }

    /// Removes and returns the entry with `key` (its acknowledgement came).
    pub fn remove<Q: Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<Pending<K, V>>
    where
        K: Borrow<Q>,
    {
        self.queue.remove(key)
    }

    /// True while an entry with `key` is pending.
    pub fn contains<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.queue.contains(key)
    }

    /// Removes and returns, oldest first, every entry first sent at or
    /// before `now - max_age`.
    pub fn take_expired(&mut self, now: u64, max_age: u64) -> Vec<Pending<K, V>> {
        let mut expired = Vec::new();
        while let Some(front) = self.queue.front() {
            if now.saturating_sub(front.first_sent) < max_age {
                break;
            }
            expired.extend(self.queue.pop_front());
        }
        expired
    }

    /// Removes and returns everything, oldest first (the link is gone).
    pub fn drain(&mut self) -> Vec<Pending<K, V>> {
        let mut all = Vec::with_capacity(self.queue.len());
        while let Some(p) = self.queue.pop_front() {
            all.push(p);
        }
        all
    }

    /// The first-sent time of the oldest entry, for arming a deadline.
    pub fn oldest(&self) -> Option<u64> {
        self.queue.front().map(|p| p.first_sent)
    }

    /// The pending entries in send order (keys must stay as they are).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Pending<K, V>> {
        self.queue.iter_mut()
    }

    /// The pending entries in send order (lazily: stopping early is cheap).
    pub fn iter(&self) -> impl Iterator<Item = &Pending<K, V>> {
        self.queue.iter()
    }

    /// Number of pending entries.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Queue slots and table cells visited (tests count work instead of timing it).
    #[cfg(test)]
    pub fn work(&self) -> u64 {
        self.queue.work()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;

    #[test]
    fn each_entry_leaves_exactly_once() {
        let mut o = Outbox::new(10, HashKeys::from_seed(1));
        o.insert(1, "a", 0).unwrap();
        o.insert(2, "b", 100).unwrap();
        o.insert(3, "c", 200).unwrap();
        assert_eq!(o.remove(&2).map(|p| p.value), Some("b"));
        assert_eq!(o.remove(&2), None);
        let expired: Vec<_> = o
            .take_expired(5_100, 5_000)
            .into_iter()
            .map(|p| p.key)
            .collect();
        assert_eq!(expired, [1]);
        assert_eq!(o.oldest(), Some(200));
        let rest: Vec<_> = o.drain().into_iter().map(|p| p.key).collect();
        assert_eq!(rest, [3]);
        assert!(o.is_empty());
        assert_eq!(o.oldest(), None);
    }

    #[test]
    fn a_full_outbox_refuses_instead_of_dropping() {
        let mut o = Outbox::new(2, HashKeys::from_seed(1));
        o.insert(1, (), 0).unwrap();
        o.insert(2, (), 0).unwrap();
        assert_eq!(o.insert(3, (), 0), Err(InsertError::Full));
        assert!(o.contains(&1) && o.contains(&2));
        o.remove(&1);
        o.insert(3, (), 5).unwrap();
        assert_eq!(o.len(), 2);
    }

    #[test]
    fn a_pending_key_is_refused_not_replaced() {
        let mut o = Outbox::new(10, HashKeys::from_seed(1));
        o.insert("fp", "first", 0).unwrap();
        assert_eq!(o.insert("fp", "second", 10), Err(InsertError::DuplicateKey));
        assert_eq!(o.len(), 1);
        assert_eq!(o.remove(&"fp").map(|p| p.value), Some("first"));
        o.insert("fp", "again", 20).unwrap();
        assert_eq!(o.drain().len(), 1);
    }

    #[test]
    fn order_survives_removals_in_the_middle_and_a_clock_stepped_back() {
        let mut o = Outbox::new(100, HashKeys::from_seed(1));
        for k in 0..40u32 {
            o.insert(k, k, 1_000 + u64::from(k)).unwrap();
        }
        for k in (0..40).filter(|k| k % 3 != 0) {
            assert!(o.remove(&k).is_some());
        }
        // The clock stepped back: the entry keeps deadline order anyway.
        o.insert(99, 99, 5).unwrap();
        assert_eq!(o.iter().last().map(|p| p.first_sent), Some(1_039));
        assert_eq!(o.oldest(), Some(1_000));
        let expired: Vec<u32> = o
            .take_expired(1_020, 10)
            .into_iter()
            .map(|p| p.key)
            .collect();
        assert_eq!(expired, [0, 3, 6, 9]);
        let rest: Vec<u32> = o.drain().into_iter().map(|p| p.key).collect();
        let want: Vec<u32> = (12..40).step_by(3).chain([99]).collect();
        assert_eq!(rest, want);
    }

    #[test]
    fn matches_a_naive_model_under_random_operations() {
        let mut rng = Rng::new(11);
        let mut o = Outbox::new(64, HashKeys::from_seed(1));
        let mut model: Vec<(u32, u64)> = Vec::new();
        let mut now = 0;
        for _ in 0..20_000 {
            now += rng.up_to(50);
            match rng.up_to(9) {
                0..=4 => {
                    let k = rng.up_to(200) as u32;
                    let dup = model.iter().any(|(m, _)| *m == k);
                    let full = model.len() >= 64;
                    let r = o.insert(k, (), now);
                    match (dup, full) {
                        (true, _) => assert_eq!(r, Err(InsertError::DuplicateKey)),
                        (false, true) => assert_eq!(r, Err(InsertError::Full)),
                        _ => {
                            r.unwrap();
                            model.push((k, now));
                        }
                    }
                }
                5..=7 => {
                    let k = rng.up_to(200) as u32;
                    let at = model.iter().position(|(m, _)| *m == k);
                    assert_eq!(o.remove(&k).is_some(), at.is_some());
                    if let Some(at) = at {
                        model.remove(at);
                    }
                }
                8 => {
                    let got: Vec<u32> = o.take_expired(now, 500).iter().map(|p| p.key).collect();
                    let want: Vec<u32> = model
                        .iter()
                        .filter(|(_, t)| now - t >= 500)
                        .map(|(k, _)| *k)
                        .collect();
                    model.retain(|(_, t)| now - t < 500);
                    assert_eq!(got, want);
                }
                _ => {
                    let got: Vec<u32> = o.drain().iter().map(|p| p.key).collect();
                    let want: Vec<u32> = model.drain(..).map(|(k, _)| k).collect();
                    assert_eq!(got, want);
                }
            }
            assert_eq!(o.len(), model.len());
            assert_eq!(o.oldest(), model.first().map(|(_, t)| *t));
            let keys: Vec<u32> = o.iter().map(|p| p.key).collect();
            let want: Vec<u32> = model.iter().map(|(k, _)| *k).collect();
            assert_eq!(keys, want);
        }
    }

    /// Slots and index cells visited per operation for `n` messages in flight: n inserts,
    /// removals in a scrambled order with a deadline read after each, then
    /// n more inserts expired together.
    fn work_per_op(n: u32) -> f64 {
        let mut o = Outbox::new(n as usize, HashKeys::from_seed(1));
        let mut rng = Rng::new(u64::from(n));
        let mut keys: Vec<u32> = (0..n).collect();
        for &k in &keys {
            o.insert(k, (), 0).unwrap();
        }
        for i in (1..keys.len()).rev() {
            keys.swap(i, rng.up_to(i as u64) as usize);
        }
        for k in &keys {
            o.remove(k).unwrap();
            let _ = o.oldest();
        }
        for k in 0..n {
            o.insert(k, (), 10).unwrap();
        }
        assert_eq!(o.take_expired(1_000, 100).len(), n as usize);
        o.work() as f64 / (3.0 * f64::from(n))
    }

    #[test]
    fn cost_per_operation_does_not_grow_with_the_number_in_flight() {
        let small = work_per_op(10);
        let large = work_per_op(100_000);
        // Queue slots plus index cells (probes, shifts and amortised table
        // rebuilds): a constant per operation, whatever the number in flight.
        assert!(small <= 12.0 && large <= 12.0, "{small} {large}");
        assert!(large <= small * 2.0 + 1.0, "{small} {large}");
    }
}
