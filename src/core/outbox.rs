//! Outbox: messages awaiting an acknowledgement, each with the time it was
//! (last) sent and a try count, bounded in size. Every entry leaves exactly
//! once, through `remove` (acknowledged), `take_expired` or `drain` (failed).

/// One pending message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending<K, V> {
    pub key: K,
    pub value: V,
    /// When it was first written.
    pub first_sent: u64,
    /// How many times it was written again.
    pub resends: u32,
}

/// The outbox is full: the caller must refuse the new message, never drop an old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxFull;

/// Pending messages in send order.
#[derive(Debug, Clone)]
pub struct Outbox<K: PartialEq, V> {
    capacity: usize,
    entries: Vec<Pending<K, V>>,
}

impl<K: PartialEq, V> Outbox<K, V> {
    pub fn new(capacity: usize) -> Self {
        Outbox {
            capacity,
            entries: Vec::new(),
        }
    }

    /// Tracks `value` under `key`; a key already present is replaced.
    pub fn insert(&mut self, key: K, value: V, now: u64) -> Result<(), OutboxFull> {
        self.entries.retain(|p| p.key != key);
        if self.entries.len() >= self.capacity {
            return Err(OutboxFull);
        }
        self.entries.push(Pending {
            key,
            value,
            first_sent: now,
            resends: 0,
        });
        Ok(())
    }

    /// Removes and returns the entry with `key` (its acknowledgement came).
    pub fn remove(&mut self, key: &K) -> Option<Pending<K, V>> {
        let at = self.entries.iter().position(|p| &p.key == key)?;
        Some(self.entries.remove(at))
    }

    pub fn contains(&self, key: &K) -> bool {
        self.entries.iter().any(|p| &p.key == key)
    }

    /// Removes and returns every entry first sent at or before `now - max_age`.
    pub fn take_expired(&mut self, now: u64, max_age: u64) -> Vec<Pending<K, V>> {
        let (expired, kept) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(|p| now.saturating_sub(p.first_sent) >= max_age);
        self.entries = kept;
        expired
    }

    /// Removes and returns everything, oldest first (the link is gone).
    pub fn drain(&mut self) -> Vec<Pending<K, V>> {
        std::mem::take(&mut self.entries)
    }

    /// The first-sent time of the oldest entry, for arming a deadline.
    pub fn oldest(&self) -> Option<u64> {
        self.entries.iter().map(|p| p.first_sent).min()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Pending<K, V>> {
        self.entries.iter_mut()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Pending<K, V>> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_entry_leaves_exactly_once() {
        let mut o = Outbox::new(10);
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
    }

    #[test]
    fn a_full_outbox_refuses_instead_of_dropping() {
        let mut o = Outbox::new(2);
        o.insert(1, (), 0).unwrap();
        o.insert(2, (), 0).unwrap();
        assert_eq!(o.insert(3, (), 0), Err(OutboxFull));
        assert!(o.contains(&1) && o.contains(&2));
        o.insert(2, (), 5).unwrap();
        assert_eq!(o.len(), 2);
    }
}
