//! Inbox dedupe: remembers message identities for a time window so a message
//! that arrives twice (a server resend, push and sync) reaches the app once.
//!
//! Memory is bounded by count and by bytes whatever the peer sends: every
//! entry has a fixed size (see [`DedupeKey`]: a long key such as a
//! MobileIMSDK fingerprint is remembered as a 128-bit keyed digest, a small
//! exact identity is kept as is), and a repeat refreshes its entry in place
//! instead of adding one.

use alloc::string::String;
use core::hash::{BuildHasher, Hash};

use crate::core::hash::HashKeys;
use crate::core::keyed_queue::{Keyed, KeyedQueue};

/// Fixed-size secret-keyed digests, so a long key costs 16 bytes: two runs
/// of the keyed hash under independent keys derived from the engine's seed
/// (never std's `RandomState`, which has no random source on wasm32 and so
/// would give every page the same keys). A peer never sees a digest, so to
/// merge two of its keys it would have to guess 128 secret-keyed bits.
#[derive(Clone)]
pub struct Digester([HashKeys; 2]);

impl Digester {
    /// A digester whose keys derive from `keys`.
    pub fn new(keys: &HashKeys) -> Self {
        let derive = |i: u64| HashKeys::from_seed(keys.hash_one((0xD1_6E57u32, i)));
        Digester([derive(0), derive(1)])
    }

    /// 128 bits from two independently keyed runs over `value`.
    pub fn digest<T: Hash + ?Sized>(&self, value: &T) -> u128 {
        let [a, b] = &self.0;
        (u128::from(a.hash_one(value)) << 64) | u128::from(b.hash_one(value))
    }
}

/// Keys never reach a log.
impl core::fmt::Debug for Digester {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Digester(..)")
    }
}

/// How a key is remembered: as a fixed-size value ([`DedupeKey::Id`]).
///
/// Exact identities (integers, small structs) remember themselves, so two
/// different keys can never be merged. Strings are remembered as a 128-bit
/// digest: their length is chosen by the peer, and a collision needs about
/// 2^64 distinct keys.
pub trait DedupeKey {
    /// What is stored; its size is the size of an entry.
    type Id: Hash + Eq + Copy;
    /// The stored form of `self`.
    fn id(&self, digester: &Digester) -> Self::Id;
}

macro_rules! exact_key {
    ($($t:ty),*) => {$(
        impl DedupeKey for $t {
            type Id = $t;
            fn id(&self, _: &Digester) -> $t {
                *self
            }
        }
    )*};
}
exact_key!(u32, u64, u128, i32, i64);

impl DedupeKey for String {
    type Id = u128;
    fn id(&self, digester: &Digester) -> u128 {
        digester.digest(self.as_str())
    }
}

impl DedupeKey for &str {
    type Id = u128;
    fn id(&self, digester: &Digester) -> u128 {
        digester.digest(*self)
    }
}

/// A remembered key and when it was last seen.
#[derive(Debug, Clone, Copy)]
struct Sighting<Id> {
    id: Id,
    at: u64,
}

impl<Id: Hash + Eq> Keyed for Sighting<Id> {
    type Key = Id;
    fn key(&self) -> &Id {
        &self.id
    }
}

/// A time-windowed set of seen keys, bounded in count and bytes.
#[derive(Debug, Clone)]
pub struct Dedupe<K: DedupeKey> {
    window_ms: u64,
    capacity: usize,
    digester: Digester,
    /// Keys from least to most recently seen (a repeat moves to the back,
    /// so time jumps cannot reorder it).
    seen: KeyedQueue<Sighting<K::Id>>,
}

impl<K: DedupeKey> Dedupe<K> {
    /// Keys are kept `window_ms` after they were last seen; at most
    /// `capacity` keys are kept (the least recently seen go first). `keys`
    /// (from the engine's seed) key the index and the digests.
    pub fn new(window_ms: u64, capacity: usize, keys: HashKeys) -> Self {
        Dedupe {
            window_ms,
            capacity: capacity.max(1),
            digester: Digester::new(&keys),
            seen: KeyedQueue::new(keys),
        }
    }

    /// Like [`Dedupe::new`], with the count also capped so that the
    /// entries take at most `max_bytes` (see [`Dedupe::entry_bytes`]).
    pub fn with_byte_limit(
        window_ms: u64,
        capacity: usize,
        max_bytes: usize,
        keys: HashKeys,
    ) -> Self {
        Self::new(
            window_ms,
            capacity.min(max_bytes / Self::entry_bytes()),
            keys,
        )
    }

    /// An upper estimate of the bytes one entry takes
    /// ([`KeyedQueue::entry_bytes`]).
    pub fn entry_bytes() -> usize {
        KeyedQueue::<Sighting<K::Id>>::entry_bytes()
    }

    /// Estimated bytes held by the entries now (at most `capacity` of them).
    pub fn bytes(&self) -> usize {
        self.seen.len() * Self::entry_bytes()
    }

    /// The most keys remembered at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Records `key` at `now`; true when it was not seen within the window.
    /// A repeat refreshes the key's time in place, as the official QoS
    /// receiver does.
    pub fn insert(&mut self, key: K, now: u64) -> bool {
        self.expire(now);
        let id = key.id(&self.digester);
        let fresh = self
            .seen
            .push_back_replacing(Sighting { id, at: now })
            .is_none();
        while self.seen.len() > self.capacity {
            self.seen.pop_front();
        }
        fresh
    }

    /// True when `key` was seen within the window (does not record it).
    pub fn contains(&self, key: &K, now: u64) -> bool {
        self.seen
            .get(&key.id(&self.digester))
            .is_some_and(|s| self.live(s.at, now))
    }

    /// Number of keys remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.seen.clear();
    }

    /// Forgets keys last seen a window or more before `now`. A clock that
    /// went back makes entries look recent: they stay until the count bound.
    pub fn expire(&mut self, now: u64) {
        while let Some(s) = self.seen.front() {
            if self.live(s.at, now) {
                break;
            }
            self.seen.pop_front();
        }
    }

    fn live(&self, at: u64, now: u64) -> bool {
        now.saturating_sub(at) < self.window_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> HashKeys {
        HashKeys::from_seed(5)
    }

    #[test]
    fn the_engine_seed_keys_the_digests() {
        // Before, std's RandomState keyed them: random on a host, and on
        // wasm32 (no random source) the same predictable keys on every page.
        let digest = |seed| Digester::new(&HashKeys::from_seed(seed)).digest("fp-1");
        assert_eq!(digest(1), digest(1));
        assert_ne!(digest(1), digest(2));
        let d = Digester::new(&keys());
        assert_ne!(d.digest("fp-1"), d.digest("fp-2"));
        assert_eq!(format!("{d:?}"), "Digester(..)");
    }

    #[test]
    fn repeats_within_the_window_are_caught() {
        let mut d = Dedupe::new(600_000, 100, keys());
        assert!(d.insert("a", 0));
        assert!(!d.insert("a", 1000));
        assert!(d.insert("b", 1000));
        assert!(d.contains(&"a", 500_000));
    }

    #[test]
    fn ids_expire_after_the_window_counted_from_the_last_sighting() {
        let mut d = Dedupe::new(10_000, 100, keys());
        d.insert(1u64, 0);
        d.insert(1, 8_000);
        assert!(!d.insert(1, 15_000), "refreshed at 8 s, still inside");
        assert!(d.insert(1, 26_000));
        d.expire(100_000);
        assert!(d.is_empty());
    }

    #[test]
    fn capacity_bounds_memory() {
        let mut d = Dedupe::new(u64::MAX, 3, keys());
        for i in 0..10u64 {
            d.insert(i, i);
        }
        assert_eq!(d.len(), 3);
        assert!(d.insert(0, 11));
        assert!(!d.insert(9, 12));
    }

    #[test]
    fn a_repeated_key_refreshes_in_place() {
        let mut d = Dedupe::new(600_000, 20_000, keys());
        for i in 0..200_000u64 {
            d.insert("same fingerprint".to_string(), i);
        }
        assert_eq!(d.len(), 1);
        assert_eq!(d.bytes(), Dedupe::<String>::entry_bytes());
        // The refresh moved it to the back: it outlives a newer key's eviction.
        let mut d = Dedupe::new(u64::MAX, 2, keys());
        d.insert(1u64, 0);
        d.insert(2, 1);
        d.insert(1, 2);
        d.insert(3, 3);
        assert!(d.contains(&1, 4) && !d.contains(&2, 4));
    }

    #[test]
    fn huge_keys_cost_a_fixed_size_and_the_byte_limit_holds() {
        const LIMIT: usize = 16 * 1024;
        let mut d = Dedupe::<String>::with_byte_limit(u64::MAX, 20_000, LIMIT, keys());
        let big = "x".repeat(64 * 1024);
        for i in 0..500 {
            assert!(d.insert(format!("{i}{big}"), i));
            assert!(d.bytes() <= LIMIT, "{} bytes after {i}", d.bytes());
        }
        assert_eq!(d.len(), LIMIT / Dedupe::<String>::entry_bytes());
        assert!(!d.insert(format!("499{big}"), 600), "the newest is kept");
    }

    #[test]
    fn a_clock_that_goes_back_neither_forgets_nor_grows() {
        let mut d = Dedupe::new(10_000, 4, keys());
        d.insert(1u64, 50_000);
        assert!(!d.insert(1, 1_000), "still a repeat after the jump back");
        for i in 2..100u64 {
            d.insert(i, 1_000 - i);
        }
        assert_eq!(d.len(), 4);
    }
}
