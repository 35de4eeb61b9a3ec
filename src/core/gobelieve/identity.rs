//! Which stored message a received frame carries, as far as the server says.
//!
//! The server numbers the messages of each queue (the user's peer queue, or a
//! super group's queue) with increasing keys, and its queues only grow. What
//! it tells the client about a message's place differs by path (spec §4.2,
//! §5.2, §5.3, §5.5):
//! - a PUSH comes right after `METADATA{key, prev}`: it is *the message after
//!   `prev`* in its queue;
//! - a synced message has no METADATA, but a sync answers `SYNC(k)` with the
//!   messages after `k`, oldest first, between BEGIN and END: the n-th one
//!   (counted by server seq from BEGIN) is *the n-th message after `k`*;
//! - a sync batch's END names its last key (spec §5.2 `SYNC_END(last)`):
//!   its n-th message from the end is *the message n places before that
//!   key*, which holds even for an answer that pairs with no request (a
//!   page the server sent twice); the session holds a batch's messages
//!   until its END to give them this identity, counting only messages so
//!   that other frames in the batch do not shift it;
//! - every packet of one connection has its own server seq.
//!
//! A message gets every identity that can be derived for it ([`StoredId`]),
//! and two frames are copies of one message when they share one. Anything
//! not known (a sync from key 0, which means "the server's stored key", or
//! overlapping requests with different keys) yields no queue identity, so
//! such a frame is delivered rather than guessed about. Each identity also
//! holds a hash of the message's fields, so even a wrong position (a server
//! that dropped or interleaved frames) merges only identical messages.

use crate::core::dedupe::{DedupeKey, Digester};
use crate::core::hash::HashKeys;
use crate::core::io::ConnId;
use crate::core::keyed_queue::{Keyed, KeyedQueue};
use alloc::collections::VecDeque;

/// Most server key links remembered (from pushes and ACKs).
const LINK_CAPACITY: usize = 1_024;
/// Most sync requests awaiting their answer per queue on one connection.
const REQUEST_CAPACITY: usize = 8;
/// Most recent sync batches kept to place late frames.
const BATCH_CAPACITY: usize = 4;

/// A server-side message queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Queue {
    /// The user's peer queue (ordinary groups and customer messages too).
    Peer,
    /// A super group's queue.
    Group(i64),
}

/// One identity of a stored message; `content` hashes its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoredId {
    /// The message `offset + 1` places after key `after` in `queue`.
    InQueue {
        queue: Queue,
        after: i64,
        offset: u32,
        content: u64,
    },
    /// The message `back` places before the last one of a sync batch whose
    /// END named key `end` in `queue`.
    BeforeEnd {
        queue: Queue,
        end: i64,
        back: u32,
        content: u64,
    },
    /// The packet with server seq `seq` on our connection `conn`.
    Packet {
        conn: ConnId,
        seq: i32,
        content: u64,
    },
}

impl DedupeKey for StoredId {
    type Id = StoredId;
    /// Exact: a collision here would cost a message.
    fn id(&self, _: &Digester) -> StoredId {
        *self
    }
}

/// The identities of one message: at most four (a packet, a queue place,
/// one through known links, an END anchor), kept on the stack.
#[derive(Debug, Clone, Copy)]
pub struct Ids {
    ids: [StoredId; 4],
    len: usize,
}

impl Ids {
    fn one(id: StoredId) -> Self {
        Ids {
            ids: [id; 4],
            len: 1,
        }
    }

    /// Adds `id` (a fifth is never derived).
    pub fn push(&mut self, id: StoredId) {
        debug_assert!(self.len < self.ids.len(), "a fifth identity");
        if let Some(slot) = self.ids.get_mut(self.len) {
            *slot = id;
            self.len += 1;
        }
    }
}

impl core::ops::Deref for Ids {
    type Target = [StoredId];
    fn deref(&self) -> &[StoredId] {
        &self.ids[..self.len]
    }
}

/// What the session needs to know of a batch still waiting for its END.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenBatch {
    pub queue: Queue,
    /// No request was awaiting it: it repeats an earlier answer, so only its
    /// END can identify its messages (and they were delivered before).
    pub unsolicited: bool,
}

/// One sync answer on the current connection.
#[derive(Debug, Clone, Copy)]
struct Batch {
    queue: Queue,
    /// The key the sync started after; `None` when unknown.
    after: Option<i64>,
    begin_seq: i32,
    end_seq: Option<i32>,
    /// It answered a request of ours (else it was taken for a page sent again).
    paired: bool,
}

impl Batch {
    fn holds(&self, seq: i32) -> bool {
        seq > self.begin_seq && self.end_seq.is_none_or(|end| seq < end)
    }
}

/// The server said the message after `at.1` in queue `at.0` has key `key`.
#[derive(Debug, Clone)]
struct Link {
    at: (Queue, i64),
    key: i64,
}

impl Keyed for Link {
    type Key = (Queue, i64);
    fn key(&self) -> &(Queue, i64) {
        &self.at
    }
}

/// Start keys of one queue's unanswered sync requests (`None`: unknown).
#[derive(Debug, Clone)]
struct Requests {
    queue: Queue,
    starts: VecDeque<Option<i64>>,
}

impl Keyed for Requests {
    type Key = Queue;
    fn key(&self) -> &Queue {
        &self.queue
    }
}

/// Derives identities; per-connection state is reset on open and close.
#[derive(Debug, Clone)]
pub struct Identities {
    conn: ConnId,
    /// `(queue, prev) → key`: what the server told us follows `prev`,
    /// oldest first.
    links: KeyedQueue<Link>,
    /// Per queue, start keys of sync requests not answered yet, in request order.
    requests: KeyedQueue<Requests>,
    batches: VecDeque<Batch>,
}

impl Identities {
    /// Nothing known yet; `keys` key the link and request indexes.
    pub fn new(keys: HashKeys) -> Self {
        Identities {
            conn: 0,
            links: KeyedQueue::new(keys),
            requests: KeyedQueue::new(keys),
            batches: VecDeque::new(),
        }
    }

    /// A new connection: forget the previous one's requests and batches
    /// (links are facts about the server's queues and are kept).
    pub fn on_open(&mut self, conn: ConnId) {
        self.conn = conn;
        self.requests.clear();
        self.batches.clear();
    }

    /// The connection ended.
    pub fn on_close(&mut self) {
        self.requests.clear();
        self.batches.clear();
    }

    /// We sent `SYNC(start)` or `SYNC_GROUP(gid, start)`. Key 0 asks for
    /// the server's stored key, which we do not know. The server answers
    /// every SYNC in order, but not a SYNC_GROUP for a group the user is
    /// not in: a group request while an earlier one for another key is
    /// unanswered makes both unknown, as the pairing could shift.
    pub fn requested(&mut self, queue: Queue, start: i64) {
        if !self.requests.contains(&queue) {
            self.requests.push_back(Requests {
                queue,
                starts: VecDeque::new(),
            });
        }
        let Some(pending) = self.requests.get_mut(&queue).map(|r| &mut r.starts) else {
            return;
        };
        let start = (start != 0).then_some(start);
        let ambiguous = queue != Queue::Peer && pending.iter().any(|&p| p != start);
        if ambiguous {
            pending.iter_mut().for_each(|p| *p = None);
            pending.push_back(None);
        } else {
            pending.push_back(start);
        }
        while pending.len() > REQUEST_CAPACITY {
            pending.pop_front();
        }
    }

    /// SYNC_BEGIN or SYNC_GROUP_BEGIN with server seq `seq` and its key
    /// (`None` for a batch that came without BEGIN).
    ///
    /// The server answers each SYNC once, in order, so a BEGIN normally
    /// answers the oldest request. Two BEGINs cannot: one beyond our
    /// requests, and one whose key is below the oldest request's start
    /// (the answer to `SYNC(k)` carries `k`, or, from the reference server,
    /// its END key, which is at least `k` once the page holds messages).
    /// Such a BEGIN can only start a page sent again: its start is not
    /// guessed; the session holds its messages for the END's identity
    /// ([`Identities::before_end`]).
    pub fn batch_begin(&mut self, queue: Queue, seq: i32, key: Option<i64>) {
        if self.batches.iter().any(|b| b.begin_seq == seq) {
            return; // a copy of a BEGIN already seen
        }
        let oldest = self.oldest_request(queue);
        let answers_oldest = match (oldest, key) {
            (None, _) => false,
            (Some(Some(start)), Some(key)) => key >= start,
            (Some(_), _) => true,
        };
        let after = if answers_oldest {
            self.requests
                .get_mut(&queue)
                .and_then(|r| r.starts.pop_front())
                .flatten()
        } else {
            None
        };
        self.open_batch(queue, after, seq, answers_oldest);
    }

    /// SYNC_END or SYNC_GROUP_END with server seq `seq` and key `key`:
    /// closes the latest batch of `queue` that began before it.
    pub fn batch_end(&mut self, queue: Queue, seq: i32, key: i64) {
        let batch = self
            .batches
            .iter_mut()
            .rev()
            .find(|b| b.queue == queue && b.begin_seq < seq);
        let used_request = match batch {
            Some(b) if b.end_seq.is_none() => {
                b.end_seq = Some(seq);
                // A page taken for a repeat that ends below the oldest
                // request's start was that request's empty answer (a server
                // whose last key is below it, spec §5.2).
                !b.paired
                    && self
                        .requests
                        .get(&queue)
                        .and_then(|r| r.starts.front().copied().flatten())
                        .is_some_and(|start| key < start)
            }
            Some(_) => false,
            // An empty answer without BEGIN: it used up its request.
            None => true,
        };
        if used_request {
            if let Some(r) = self.requests.get_mut(&queue) {
                r.starts.pop_front();
            }
        }
    }

    /// The start of `queue`'s oldest unanswered request (`Some(None)`: unknown).
    fn oldest_request(&self, queue: Queue) -> Option<Option<i64>> {
        self.requests
            .get(&queue)
            .and_then(|r| r.starts.front().copied())
    }

    /// The server said the message after `prev` in `queue` has key `key`.
    pub fn learn_link(&mut self, queue: Queue, prev: i64, key: i64) {
        if prev == 0 || key == 0 {
            return;
        }
        match self.links.get_mut(&(queue, prev)) {
            // A known link keeps its place in the eviction order.
            Some(link) => link.key = key,
            None => {
                self.links.push_back(Link {
                    at: (queue, prev),
                    key,
                });
                while self.links.len() > LINK_CAPACITY {
                    self.links.pop_front();
                }
            }
        }
    }

    /// Identities of an accepted PUSH (METADATA `prev` in `queue`).
    pub fn of_push(&self, queue: Queue, prev: i64, seq: i32, content: u64) -> Ids {
        let mut ids = Ids::one(self.packet(seq, content));
        if prev != 0 {
            ids.push(StoredId::InQueue {
                queue,
                after: prev,
                offset: 0,
                content,
            });
        }
        ids
    }

    /// Identities of a stored message that came without PUSH (by sync).
    /// `group` is the group id of a group message (it may be in a super
    /// group's batch); other kinds belong to the peer queue only.
    pub fn of_synced(&mut self, group: Option<i64>, seq: i32, content: u64) -> Ids {
        let mut ids = Ids::one(self.packet(seq, content));
        let batch = self.batch_for(seq);
        let Some(b) = batch else { return ids };
        let fits = match b.queue {
            Queue::Peer => true,
            Queue::Group(gid) => group == Some(gid),
        };
        let Some(after) = b.after.filter(|_| fits) else {
            return ids;
        };
        let offset = (seq.wrapping_sub(b.begin_seq) - 1) as u32;
        let raw = StoredId::InQueue {
            queue: b.queue,
            after,
            offset,
            content,
        };
        ids.push(raw);
        // Follow known links: the message after `after` may have a known key.
        // A chain uses each link once at most, so a walk longer than the
        // links known is going round a cycle (a server's links can make one)
        // and places nothing; without the bound, an offset of up to 2^32
        // would be walked round it.
        let (mut anchor, mut rest) = (after, offset);
        let mut steps_left = self.links.len();
        while rest > 0 {
            let Some(link) = self.links.get(&(b.queue, anchor)) else {
                break;
            };
            if steps_left == 0 {
                return ids;
            }
            steps_left -= 1;
            (anchor, rest) = (link.key, rest - 1);
        }
        if anchor != after {
            ids.push(StoredId::InQueue {
                queue: b.queue,
                after: anchor,
                offset: rest,
                content,
            });
        }
        ids
    }

    /// The batch a synced frame with server seq `seq` belongs to, if its
    /// END has not come yet (the session holds the frame for the END's
    /// identity, [`Identities::before_end`]).
    pub fn open_batch_of(&mut self, seq: i32) -> Option<OpenBatch> {
        self.batch_for(seq)
            .filter(|b| b.end_seq.is_none())
            .map(|b| OpenBatch {
                queue: b.queue,
                unsolicited: !b.paired,
            })
    }

    /// The END-anchored identity of the message `back` places before the
    /// last one of a batch of `queue` whose END named `end` (0: unknown).
    /// `group` is the group id of a group message, as for [`Self::of_synced`].
    pub fn before_end(
        queue: Queue,
        group: Option<i64>,
        end: i64,
        back: u32,
        content: u64,
    ) -> Option<StoredId> {
        let fits = match queue {
            Queue::Peer => true,
            Queue::Group(gid) => group == Some(gid),
        };
        (fits && end != 0).then_some(StoredId::BeforeEnd {
            queue,
            end,
            back,
            content,
        })
    }

    fn packet(&self, seq: i32, content: u64) -> StoredId {
        StoredId::Packet {
            conn: self.conn,
            seq,
            content,
        }
    }

    /// The batch holding `seq`; a peer message with none, while a peer
    /// sync is awaited, opens one (a server that sent no BEGIN).
    fn batch_for(&mut self, seq: i32) -> Option<Batch> {
        if let Some(b) = self.batches.iter().rev().find(|b| b.holds(seq)) {
            return Some(*b);
        }
        let awaited = self
            .requests
            .get(&Queue::Peer)
            .is_some_and(|r| !r.starts.is_empty());
        let open = self.batches.iter().any(|b| b.end_seq.is_none());
        if !awaited || open {
            return None;
        }
        self.batch_begin(Queue::Peer, seq.wrapping_sub(1), None);
        self.batches.back().copied()
    }

    fn open_batch(&mut self, queue: Queue, after: Option<i64>, begin_seq: i32, paired: bool) {
        // A new BEGIN ends any batch still open (its END went missing).
        for b in self.batches.iter_mut().filter(|b| b.end_seq.is_none()) {
            if b.begin_seq < begin_seq {
                b.end_seq = Some(begin_seq);
            }
        }
        self.batches.push_back(Batch {
            queue,
            after,
            begin_seq,
            end_seq: None,
            paired,
        });
        while self.batches.len() > BATCH_CAPACITY {
            self.batches.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue_ids(ids: &[StoredId]) -> Vec<(i64, u32)> {
        ids.iter()
            .filter_map(|id| match *id {
                StoredId::InQueue { after, offset, .. } => Some((after, offset)),
                StoredId::Packet { .. } | StoredId::BeforeEnd { .. } => None,
            })
            .collect()
    }

    #[test]
    fn synced_messages_are_placed_after_the_requested_key() {
        let mut ids = Identities::new(HashKeys::from_seed(1));
        ids.on_open(1);
        ids.requested(Queue::Peer, 10);
        ids.batch_begin(Queue::Peer, 5, Some(10));
        assert_eq!(queue_ids(&ids.of_synced(None, 6, 0)), [(10, 0)]);
        assert_eq!(queue_ids(&ids.of_synced(None, 8, 0)), [(10, 2)]);
        ids.batch_end(Queue::Peer, 9, 13);
        // A late frame of the closed batch is still placed; later ones are not.
        assert_eq!(queue_ids(&ids.of_synced(None, 7, 0)), [(10, 1)]);
        assert_eq!(queue_ids(&ids.of_synced(None, 10, 0)), []);
    }

    #[test]
    fn unknown_starts_give_no_queue_identity() {
        let mut ids = Identities::new(HashKeys::from_seed(1));
        ids.requested(Queue::Peer, 0);
        ids.batch_begin(Queue::Peer, 1, Some(0));
        assert_eq!(queue_ids(&ids.of_synced(None, 2, 0)), []);
        // Two different outstanding group requests: which one BEGIN answers is unknown.
        ids.requested(Queue::Group(7), 3);
        ids.requested(Queue::Group(7), 4);
        ids.batch_begin(Queue::Group(7), 10, Some(4));
        assert_eq!(queue_ids(&ids.of_synced(Some(7), 11, 0)), []);
    }

    #[test]
    fn links_relate_sync_positions_to_pushed_messages() {
        let mut ids = Identities::new(HashKeys::from_seed(1));
        ids.learn_link(Queue::Group(7), 100, 101);
        ids.learn_link(Queue::Group(7), 101, 104);
        ids.requested(Queue::Group(7), 100);
        ids.batch_begin(Queue::Group(7), 1, Some(100));
        let third = ids.of_synced(Some(7), 4, 0);
        assert_eq!(queue_ids(&third), [(100, 2), (104, 0)]);
        // A peer-queue message cannot be in a super group's batch.
        assert_eq!(queue_ids(&ids.of_synced(None, 3, 0)), []);
    }

    #[test]
    fn a_cycle_of_links_is_walked_at_most_once_round() {
        // A fuzzed server linked 100 -> 101 -> 100 and sent a synced frame
        // whose seq lies far past its BEGIN: the walk went round the cycle
        // once per place of the offset (up to 2^32 lookups for one frame).
        let mut ids = Identities::new(HashKeys::from_seed(1));
        ids.learn_link(Queue::Peer, 100, 101);
        ids.learn_link(Queue::Peer, 101, 100);
        ids.requested(Queue::Peer, 100);
        ids.batch_begin(Queue::Peer, 0, Some(100));
        let before = ids.links.work();
        let far = ids.of_synced(None, 10_000_001, 0);
        let work = ids.links.work() - before;
        assert!(work < 100, "{work} table cells visited for one frame");
        // The position after the requested key stands; the cycle adds none.
        assert_eq!(queue_ids(&far), [(100, 10_000_000)]);
        // A chain that ends is still followed to its end.
        ids.learn_link(Queue::Peer, 200, 201);
        ids.requested(Queue::Peer, 200);
        ids.batch_begin(Queue::Peer, 20, Some(200));
        assert_eq!(queue_ids(&ids.of_synced(None, 23, 0)), [(200, 2), (201, 1)]);
    }
}
