//! Synced messages held until their batch's END, so they can be known by
//! the END's key (see [`super::identity`]). Bounded by count, bytes and
//! time: a page that never ends can neither grow memory nor withhold its
//! messages; at a bound the session delivers what it holds (a later copy
//! may then come twice, never lost).
//! Held messages are not ACKed yet, so a link that closes drops them and the
//! next sync brings them again.

use alloc::vec::Vec;

/// Most messages held at once (the dev server's page is 100).
pub const HELD_CAPACITY: usize = 1_000;
/// Most bytes of message content held at once.
pub const HELD_MAX_BYTES: usize = 256 * 1024;
/// Longest a message is held waiting for its END, in ms.
pub const HELD_MAX_MS: u64 = 1_000;

/// What a held item costs against [`HELD_MAX_BYTES`].
pub trait Weigh {
    fn weight(&self) -> usize;
}

/// The held messages of the open batch, in arrival order.
#[derive(Debug)]
pub struct Hold<T> {
    items: Vec<T>,
    bytes: usize,
    /// When the oldest held item that may time out arrived.
    since: Option<u64>,
}

impl<T> Default for Hold<T> {
    fn default() -> Self {
        Hold {
            items: Vec::new(),
            bytes: 0,
            since: None,
        }
    }
}

impl<T: Weigh> Hold<T> {
    /// Whether `item` fits under both bounds.
    pub fn has_room_for(&self, item: &T) -> bool {
        self.items.len() < HELD_CAPACITY && self.bytes + item.weight() <= HELD_MAX_BYTES
    }

    /// Holds `item`; with `times_out`, [`Hold::deadline`] counts from it.
    pub fn push(&mut self, item: T, now: u64, times_out: bool) {
        self.bytes += item.weight();
        self.items.push(item);
        if times_out {
            self.since.get_or_insert(now);
        }
    }

    /// When what is held must be released ([`HELD_MAX_MS`] after the oldest
    /// item that may time out).
    pub fn deadline(&self) -> Option<u64> {
        self.since.map(|t| t.saturating_add(HELD_MAX_MS))
    }

    /// Everything held, oldest first; the hold is empty afterwards.
    pub fn take(&mut self) -> Vec<T> {
        self.bytes = 0;
        self.since = None;
        core::mem::take(&mut self.items)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Weigh for usize {
        fn weight(&self) -> usize {
            *self
        }
    }

    #[test]
    fn bounds_count_and_bytes_and_empties_on_take() {
        let mut h = Hold::default();
        assert_eq!(h.deadline(), None);
        for t in 0..HELD_CAPACITY {
            assert!(h.has_room_for(&1));
            h.push(1, 5 + t as u64, t > 0);
        }
        assert_eq!(h.deadline(), Some(6 + HELD_MAX_MS), "from the oldest timed");
        assert!(!h.has_room_for(&1), "count bound");
        assert_eq!(h.take().len(), HELD_CAPACITY);
        assert!(h.is_empty());
        assert_eq!(h.deadline(), None);
        h.push(HELD_MAX_BYTES - 10, 0, false);
        assert_eq!(h.deadline(), None, "nothing times out");
        assert!(h.has_room_for(&10));
        assert!(!h.has_room_for(&11), "byte bound");
    }
}
