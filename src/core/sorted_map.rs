//! A small map kept as a `Vec` sorted by key: lookups by binary search,
//! iteration in key order, and a fraction of the wasm bytes of a `BTreeMap`
//! (whose node code costs several KB). For maps the app sizes (a user's
//! super groups), where an insert may move the entries after it.

use alloc::vec::Vec;

/// Entries sorted by key, keys unique.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K: Ord, V> SortedMap<K, V> {
    /// The value of `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        let at = self.entries.binary_search_by(|(k, _)| k.cmp(key)).ok()?;
        self.entries.get(at).map(|(_, v)| v)
    }

    /// True when `key` has a value.
    pub fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    /// Sets the value of `key`.
    pub fn insert(&mut self, key: K, value: V) {
        match self.entries.binary_search_by(|(k, _)| k.cmp(&key)) {
            Ok(at) => {
                if let Some(e) = self.entries.get_mut(at) {
                    e.1 = value;
                }
            }
            Err(at) => self.entries.insert(at, (key, value)),
        }
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &K) {
        if let Ok(at) = self.entries.binary_search_by(|(k, _)| k.cmp(key)) {
            self.entries.remove(at);
        }
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;
    use std::collections::BTreeMap;

    #[test]
    fn matches_a_btree_map() {
        let mut rng = Rng::new(4);
        let mut m = SortedMap::default();
        let mut model = BTreeMap::new();
        for i in 0..20_000i64 {
            let k = rng.up_to(100) as i64 - 50;
            match rng.up_to(3) {
                0 | 1 => {
                    m.insert(k, i);
                    model.insert(k, i);
                }
                2 => {
                    m.remove(&k);
                    model.remove(&k);
                }
                _ => {
                    m.clear();
                    model.clear();
                }
            }
            assert_eq!(m.get(&k), model.get(&k));
            assert_eq!(m.contains_key(&k), model.contains_key(&k));
            assert_eq!(m.len(), model.len());
            assert!(m.iter().eq(model.iter()));
        }
        assert_eq!(m.is_empty(), model.is_empty());
    }
}
