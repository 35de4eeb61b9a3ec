//! A queue in insertion order whose entries are also found and removed by
//! key, each operation O(1) amortised: the bookkeeping under the outbox
//! (send order) and the inbox dedupe (least recently seen first).
//!
//! One purpose-built structure instead of a `HashMap` index beside a
//! `BTreeMap` or `VecDeque`: the entries live once, in the queue, and the
//! index is an open-addressing table of their sequence numbers (linear
//! probing, load at most 1/2, backward-shift deletion, so no tombstones in
//! the table). A removal by key leaves a hole in the queue; holes at the front
//! are popped at once, the others are swept out (and the table rebuilt to
//! fit) when they outnumber the live entries. Keys are hashed with the
//! engine's keyed fast hash ([`HashKeys`]), once per entry: a slot keeps its
//! key's hash, so removals, evictions and rebuilds hash nothing.

use alloc::collections::VecDeque;
use alloc::vec;
use alloc::vec::Vec;
use core::borrow::Borrow;
#[cfg(test)]
use core::cell::Cell;
use core::hash::{BuildHasher, Hash};

use crate::core::hash::HashKeys;

/// An entry that carries its own key.
pub trait Keyed {
    /// What the entry is found by.
    type Key: Hash + Eq;
    /// The key; it must not change while the entry is queued.
    fn key(&self) -> &Self::Key;
}

/// A queued entry and the hash of its key.
#[derive(Debug, Clone)]
struct Slot<T> {
    hash: u64,
    entry: T,
}

/// Entries in insertion order, indexed by key (keys are unique).
#[derive(Debug, Clone)]
pub struct KeyedQueue<T> {
    /// Insertion order; `None` is a hole left by a removal by key. The front
    /// is never a hole.
    slots: VecDeque<Option<Slot<T>>>,
    /// Sequence number of `slots[0]`: slot `i` holds entry `base + i`.
    base: u64,
    /// Live entries.
    len: usize,
    /// 1 + the sequence number of a live entry, 0 for a free cell; its
    /// length is a power of two (or 0 before the first insert).
    table: Vec<u64>,
    hasher: HashKeys,
    /// Queue slots and table cells visited (tests count work instead of timing it).
    #[cfg(test)]
    work: Cell<u64>,
}

impl<T: Keyed> KeyedQueue<T> {
    /// An empty queue hashing with `keys`.
    pub fn new(keys: HashKeys) -> Self {
        KeyedQueue {
            slots: VecDeque::new(),
            base: 0,
            len: 0,
            table: Vec::new(),
            hasher: keys,
            #[cfg(test)]
            work: Cell::new(0),
        }
    }

    /// An upper estimate of the bytes one entry takes: its queue slot twice
    /// (removal holes and growth leave up to one more per entry) and four
    /// index cells (the table is at least a quarter full once grown).
    pub fn entry_bytes() -> usize {
        2 * core::mem::size_of::<Option<Slot<T>>>() + 4 * core::mem::size_of::<u64>()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when an entry has `key`.
    pub fn contains<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> bool
    where
        T::Key: Borrow<Q>,
    {
        self.find(key).is_some()
    }

    /// The entry with `key`.
    pub fn get<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Option<&T>
    where
        T::Key: Borrow<Q>,
    {
        let (_, seq) = self.find(key)?;
        self.slot(seq).map(|s| &s.entry)
    }

    /// The entry with `key`, mutably (its key must stay as it is).
    pub fn get_mut<Q: Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<&mut T>
    where
        T::Key: Borrow<Q>,
    {
        let (_, seq) = self.find(key)?;
        let slot = self.slots.get_mut((seq - self.base) as usize)?.as_mut();
        slot.map(|s| &mut s.entry)
    }

    /// Appends `entry`; the caller makes sure its key is not queued yet.
    pub fn push_back(&mut self, entry: T) {
        let hash = self.hasher.hash_one(entry.key());
        self.push_hashed(hash, entry);
    }

    /// Appends `entry` behind the others, taking out the entry with the same
    /// key (returned) if one is queued: a move to the back, one hash.
    pub fn push_back_replacing(&mut self, entry: T) -> Option<T> {
        let hash = self.hasher.hash_one(entry.key());
        let old = self
            .find_hashed(entry.key(), hash)
            .and_then(|(cell, seq)| self.take(cell, seq));
        self.push_hashed(hash, entry);
        old
    }

    /// The oldest entry.
    pub fn front(&self) -> Option<&T> {
        self.slots.front()?.as_ref().map(|s| &s.entry)
    }

    /// Removes and returns the oldest entry.
    pub fn pop_front(&mut self) -> Option<T> {
        let hash = self.slots.front()?.as_ref()?.hash;
        let cell = self.cell_of(self.base, hash)?;
        self.take(cell, self.base)
    }

    /// Removes and returns the entry with `key`.
    pub fn remove<Q: Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<T>
    where
        T::Key: Borrow<Q>,
    {
        let (cell, seq) = self.find(key)?;
        self.take(cell, seq)
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.table.clear();
        self.len = 0;
    }

    /// The entries in order (lazily: stopping early is cheap).
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.slots
            .iter()
            .inspect(|_| self.count_work(1))
            .flatten()
            .map(|s| &s.entry)
    }

    /// The entries in order, mutably (keys must stay as they are).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.count_work(self.slots.len() as u64);
        self.slots.iter_mut().flatten().map(|s| &mut s.entry)
    }

    fn slot(&self, seq: u64) -> Option<&Slot<T>> {
        self.slots.get((seq - self.base) as usize)?.as_ref()
    }

    fn home(&self, hash: u64) -> usize {
        hash as usize & (self.table.len() - 1)
    }

    fn push_hashed(&mut self, hash: u64, entry: T) {
        if 2 * (self.len + 1) > self.table.len() {
            self.rebuild(2 * (self.len + 1));
        }
        let seq = self.base + self.slots.len() as u64;
        let cell = self.free_cell(hash);
        self.table[cell] = seq + 1;
        self.slots.push_back(Some(Slot { hash, entry }));
        self.len += 1;
    }

    /// Removes the entry `seq`, whose index cell is `cell`.
    fn take(&mut self, cell: usize, seq: u64) -> Option<T> {
        self.unlink(cell);
        let slot = self.slots.get_mut((seq - self.base) as usize)?.take();
        self.len -= 1;
        self.pop_holes();
        self.shrink_if_sparse();
        slot.map(|s| s.entry)
    }

    /// `(table cell, sequence number)` of the entry with `key`.
    fn find<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Option<(usize, u64)>
    where
        T::Key: Borrow<Q>,
    {
        self.find_hashed(key, self.hasher.hash_one(key))
    }

    /// [`Self::find`] with the key's hash given (the hash of a `Q` equals
    /// the hash of the `T::Key` it borrows from, as `Borrow` requires).
    fn find_hashed<Q: Eq + ?Sized>(&self, key: &Q, hash: u64) -> Option<(usize, u64)>
    where
        T::Key: Borrow<Q>,
    {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut cell = self.home(hash);
        loop {
            self.count_work(1);
            let seq = self.table[cell].checked_sub(1)?;
            if self
                .slot(seq)
                .is_some_and(|s| s.hash == hash && s.entry.key().borrow() == key)
            {
                return Some((cell, seq));
            }
            cell = (cell + 1) & mask;
        }
    }

    /// The cell of entry `seq`, whose key hashes to `hash`.
    fn cell_of(&self, seq: u64, hash: u64) -> Option<usize> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.table.len() - 1;
        let mut cell = self.home(hash);
        loop {
            self.count_work(1);
            if self.table[cell].checked_sub(1)? == seq {
                return Some(cell);
            }
            cell = (cell + 1) & mask;
        }
    }

    /// The first free cell on the probe path of `hash`.
    fn free_cell(&self, hash: u64) -> usize {
        let mask = self.table.len() - 1;
        let mut cell = self.home(hash);
        while self.table[cell] != 0 {
            self.count_work(1);
            cell = (cell + 1) & mask;
        }
        cell
    }

    /// Frees `cell`, shifting back the entries probed past it so every
    /// lookup still ends at the first free cell.
    fn unlink(&mut self, mut cell: usize) {
        let mask = self.table.len() - 1;
        let mut next = cell;
        loop {
            next = (next + 1) & mask;
            self.count_work(1);
            let Some(seq) = self.table[next].checked_sub(1) else {
                break;
            };
            let Some(slot) = self.slot(seq) else {
                break;
            };
            let home = self.home(slot.hash);
            // `next` may move to `cell` unless its home lies in (cell, next].
            if (next.wrapping_sub(home) & mask) >= (next.wrapping_sub(cell) & mask) {
                self.table[cell] = self.table[next];
                cell = next;
            }
        }
        self.table[cell] = 0;
    }

    fn pop_holes(&mut self) {
        while let Some(None) = self.slots.front() {
            self.slots.pop_front();
            self.base += 1;
            self.count_work(1);
        }
    }

    /// Sweeps out the holes and renumbers when they outnumber the entries,
    /// and fits the table to the entries when it is mostly free: each paid
    /// for by the removals that made the room (memory follows the entries
    /// down after a burst).
    fn shrink_if_sparse(&mut self) {
        if self.slots.len() > 2 * self.len + 16 {
            self.count_work(self.slots.len() as u64);
            self.slots.retain(Option::is_some);
            self.slots.shrink_to_fit();
            self.base = 0;
            self.rebuild(2 * self.len);
        } else if self.table.len() > 8 * (self.len + 8) {
            self.rebuild(2 * self.len);
        }
    }

    /// A new table of at least `min_cells` cells (a power of two) holding
    /// every live entry.
    fn rebuild(&mut self, min_cells: usize) {
        self.table = vec![0; min_cells.max(8).next_power_of_two()];
        self.count_work(self.table.len() as u64);
        for i in 0..self.slots.len() {
            if let Some(slot) = &self.slots[i] {
                let cell = self.free_cell(slot.hash);
                self.table[cell] = self.base + i as u64 + 1;
            }
        }
    }

    /// Slots and cells visited so far (tests count work instead of timing it).
    #[cfg(test)]
    pub fn work(&self) -> u64 {
        self.work.get()
    }

    #[cfg(test)]
    fn count_work(&self, n: u64) {
        self.work.set(self.work.get() + n);
    }

    #[cfg(not(test))]
    fn count_work(&self, _n: u64) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;

    impl Keyed for (u32, u32) {
        type Key = u32;
        fn key(&self) -> &u32 {
            &self.0
        }
    }

    impl Keyed for String {
        type Key = String;
        fn key(&self) -> &String {
            self
        }
    }

    #[test]
    fn matches_a_naive_model_under_random_operations() {
        let mut rng = Rng::new(7);
        let mut q = KeyedQueue::new(HashKeys::from_seed(1));
        let mut model: Vec<(u32, u32)> = Vec::new();
        for step in 0..50_000u32 {
            // Few keys, so probe chains collide and wrap around the table.
            let k = rng.up_to(300) as u32;
            match rng.up_to(5) {
                0 | 1 => {
                    if !model.iter().any(|e| e.0 == k) {
                        q.push_back((k, step));
                        model.push((k, step));
                    }
                }
                4 => {
                    let at = model.iter().position(|e| e.0 == k);
                    assert_eq!(
                        q.push_back_replacing((k, step)),
                        at.map(|at| model.remove(at))
                    );
                    model.push((k, step));
                }
                2 => {
                    let at = model.iter().position(|e| e.0 == k);
                    assert_eq!(q.remove(&k), at.map(|at| model.remove(at)));
                }
                _ => assert_eq!(q.pop_front(), (!model.is_empty()).then(|| model.remove(0))),
            }
            assert_eq!(q.len(), model.len());
            assert_eq!(q.front(), model.first());
            assert_eq!(q.get(&k), model.iter().find(|e| e.0 == k));
            if step % 97 == 0 {
                assert!(q.iter().eq(model.iter()));
                for e in &model {
                    assert!(q.contains(&e.0));
                }
            }
        }
        q.clear();
        assert!(q.is_empty() && q.front().is_none() && !q.contains(&1));
    }

    thread_local!(static HASHED: Cell<u64> = const { Cell::new(0) });

    /// A key that counts how often it is hashed.
    #[derive(Debug, PartialEq, Eq)]
    struct Counted(u64);

    impl Hash for Counted {
        fn hash<H: core::hash::Hasher>(&self, h: &mut H) {
            HASHED.with(|n| n.set(n.get() + 1));
            self.0.hash(h);
        }
    }

    impl Keyed for Counted {
        type Key = Counted;
        fn key(&self) -> &Counted {
            self
        }
    }

    #[test]
    fn an_entry_is_hashed_once_however_it_leaves() {
        let hashed = || HASHED.with(Cell::get);
        let mut q = KeyedQueue::new(HashKeys::from_seed(1));
        // Growth rebuilds the table many times over these.
        for k in 0..10_000 {
            q.push_back(Counted(k));
        }
        assert_eq!(hashed(), 10_000);
        // A move to the back hashes the new entry only.
        assert_eq!(q.push_back_replacing(Counted(5)), Some(Counted(5)));
        assert_eq!(hashed(), 10_001);
        // Evictions and the backward shifts of removals read the stored hashes.
        while q.len() > 5_000 {
            q.pop_front();
        }
        assert_eq!(hashed(), 10_001);
        assert_eq!(q.remove(&Counted(9_999)), Some(Counted(9_999)));
        assert_eq!(hashed(), 10_002);
        assert_eq!(q.iter().last(), Some(&Counted(5)));
    }

    #[test]
    fn string_keys_are_found_by_str() {
        let mut q = KeyedQueue::new(HashKeys::from_seed(1));
        q.push_back("fp-1".to_string());
        q.push_back("fp-2".to_string());
        assert!(q.contains("fp-2"));
        assert_eq!(q.remove("fp-1").as_deref(), Some("fp-1"));
        assert_eq!(q.front().map(String::as_str), Some("fp-2"));
    }

    #[test]
    fn holes_and_the_table_stay_proportional_to_the_live_entries() {
        let mut q = KeyedQueue::new(HashKeys::from_seed(1));
        for k in 0..100_000u32 {
            q.push_back((k, 0));
        }
        // Remove all but the first: the queue is compacted, the table shrinks.
        for k in 1..100_000u32 {
            q.remove(&k);
        }
        assert_eq!(q.len(), 1);
        assert!(q.slots.len() <= 2 * q.len() + 16, "{}", q.slots.len());
        assert!(q.table.len() <= 8 * (q.len() + 8), "{}", q.table.len());
        assert_eq!(q.front(), Some(&(0, 0)));
        // Popping from the front shrinks the table too.
        for k in 1..100_000u32 {
            q.push_back((k, 0));
        }
        while q.len() > 1 {
            q.pop_front();
        }
        assert!(q.table.len() <= 8 * (q.len() + 8), "{}", q.table.len());
    }
}
