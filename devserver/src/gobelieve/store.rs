//! Per-user and per-group message queues with increasing sync keys.

use imsdk::core::gobelieve::codec::Body;
use std::collections::{HashMap, HashSet};

/// Who sent a stored message (for the SELF flag on sync).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin {
    /// App id.
    pub appid: i64,
    /// Uid.
    pub uid: i64,
    /// Numeric device id (0 for web).
    pub device: i64,
}

/// One stored message: its key and what to send on sync.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Sync key of this message in its queue.
    pub id: i64,
    /// Body (IM, GROUP_IM or CUSTOMER).
    pub body: Body,
    /// The sending connection's identity.
    pub origin: Origin,
}

/// A queue of stored messages, oldest first.
#[derive(Debug, Default)]
pub struct Queue {
    items: Vec<Stored>,
}

impl Queue {
    /// Appends with a fresh key from `next_id`; returns `(key, prev key)`.
    pub fn push(&mut self, next_id: &mut i64, body: Body, origin: Origin) -> (i64, i64) {
        *next_id += 1;
        let prev = self.last_id();
        self.items.push(Stored {
            id: *next_id,
            body,
            origin,
        });
        (*next_id, prev)
    }

    /// Key of the newest message, 0 when empty.
    pub fn last_id(&self) -> i64 {
        self.items.last().map_or(0, |m| m.id)
    }

    /// Up to `limit` messages after `key`, and whether more remain.
    pub fn after(&self, key: i64, limit: usize) -> (Vec<Stored>, bool) {
        let start = self.items.partition_point(|m| m.id <= key);
        let rest = &self.items[start..];
        let batch = rest.iter().take(limit).cloned().collect();
        (batch, rest.len() > limit)
    }
}

/// A user's peer queue and stored positions.
#[derive(Debug, Default)]
pub struct User {
    /// Peer queue (ordinary-group messages are fanned out into it too).
    pub queue: Queue,
    /// Stored peer sync key.
    pub sync_key: i64,
    /// Stored super-group sync keys.
    pub group_sync_keys: HashMap<i64, i64>,
}

/// A group.
#[derive(Debug, Default)]
pub struct Group {
    /// Members.
    pub members: HashSet<i64>,
    /// Super group (own queue) or ordinary (fan-out).
    pub super_group: bool,
    /// Muted members: their messages get no ACK and are not delivered.
    pub muted: HashSet<i64>,
    /// Super-group queue.
    pub queue: Queue,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_increase_and_batches_report_more() {
        let origin = Origin {
            appid: 1,
            uid: 1,
            device: 0,
        };
        let mut next = 0;
        let mut q = Queue::default();
        assert_eq!(q.push(&mut next, Body::Ping, origin), (1, 0));
        assert_eq!(q.push(&mut next, Body::Ping, origin), (2, 1));
        next += 5;
        assert_eq!(q.push(&mut next, Body::Ping, origin), (8, 2));
        let (b, more) = q.after(0, 2);
        assert_eq!(
            (b.iter().map(|m| m.id).collect::<Vec<_>>(), more),
            (vec![1, 2], true)
        );
        let (b, more) = q.after(2, 2);
        assert_eq!((b.len(), more), (1, false));
        assert!(q.after(8, 2).0.is_empty());
    }
}
