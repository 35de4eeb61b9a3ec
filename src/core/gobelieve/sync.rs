//! The client's sync-key bookkeeping (spec §10), kept apart from the socket
//! handling: it decides which SYNC packets to send and which keys to save.
//!
//! Keys are i64 and compared as integers (im.js compared decimal strings
//! with JS operators above 2^53).

use super::codec::Body;
use super::event::Event;
use crate::core::sorted_map::SortedMap;
use crate::core::text::push_int;
use alloc::string::String;
use alloc::vec::Vec;

/// A new SYNC_NOTIFY starts another sync only if the running one began this
/// long ago (a lost SYNC_END must not block syncing forever).
pub const SYNC_GUARD_MS: u64 = 4_000;

/// Most super groups the server can make the client sync without the app
/// registering them (`sync_unknown_groups`). Past it, a notify or end for
/// yet another unregistered group is ignored with a warning, as if the
/// option were off: a hostile server naming endless group ids costs at most
/// this many keys and per-group sync requests. Groups the app registers do
/// not count.
pub const MAX_LEARNED_GROUPS: usize = 1_024;

/// What the sync logic wants done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutput {
    /// Write this packet on the current connection.
    Send(Body),
    /// Report this to the app.
    Emit(Event),
}

/// Which queue a key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyTarget {
    /// The user's peer queue (`syncKey`).
    Peer,
    /// A super group's queue (`groupSyncKeys[gid]`).
    Group(i64),
}

/// The last `MSG_METADATA` received: keys of the packet with `seq + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metadata {
    pub seq: i32,
    pub sync_key: i64,
    pub prev_sync_key: i64,
}

/// Sync positions and the in-progress peer sync.
#[derive(Debug, Clone, Default)]
pub struct SyncState {
    /// Peer-queue position (`syncKey`).
    pub sync_key: i64,
    /// Super-group positions (`groupSyncKeys`): the app's groups and at most
    /// [`MAX_LEARNED_GROUPS`] learned ones.
    group_keys: SortedMap<i64, i64>,
    /// Unregistered groups the server made us sync (bounded, see above; a
    /// `Vec` scanned only for unregistered ids costs less wasm than a set).
    learned: Vec<i64>,
    syncing: bool,
    sync_started: u64,
    pending_sync_key: i64,
    metadata: Option<Metadata>,
}

impl SyncState {
    /// The app registers a super group, synced from `key` on the next connect.
    pub fn register_group(&mut self, gid: i64, key: i64) {
        self.learned.retain(|&g| g != gid);
        self.group_keys.insert(gid, key);
    }

    /// The app forgets a super group (registered or learned).
    pub fn forget_group(&mut self, gid: i64) {
        self.learned.retain(|&g| g != gid);
        self.group_keys.remove(&gid);
    }

    /// The app forgets every super group.
    pub fn forget_groups(&mut self) {
        self.learned.clear();
        self.group_keys.clear();
    }

    /// The position of `gid`: registered, learned, or (with `sync_unknown`
    /// and below the bound) newly learned from 0. `None` when ignored.
    fn group_position(&mut self, gid: i64, sync_unknown: bool) -> Option<i64> {
        if let Some(&k) = self.group_keys.get(&gid) {
            return Some(k);
        }
        let admit = sync_unknown
            && (self.learned.contains(&gid) || self.learned.len() < MAX_LEARNED_GROUPS);
        admit.then(|| {
            if !self.learned.contains(&gid) {
                self.learned.push(gid);
            }
            0
        })
    }

    /// True while a peer sync runs (SYNC sent, SYNC_END not yet received).
    pub fn is_syncing(&self) -> bool {
        self.syncing
    }

    /// On socket open: SYNC from the current key and one SYNC_GROUP per registered group.
    pub fn on_open(&mut self, now: u64, out: &mut Vec<SyncOutput>) {
        self.metadata = None;
        self.start_sync(now, out);
        for (&group_id, &sync_key) in self.group_keys.iter() {
            out.push(SyncOutput::Send(Body::SyncGroup { group_id, sync_key }));
        }
    }

    /// The connection ended: forget what belonged to it.
    pub fn on_close(&mut self) {
        self.metadata = None;
        self.syncing = false;
        self.pending_sync_key = 0;
    }

    /// Remembers a METADATA packet for the packet that follows it.
    pub fn remember_metadata(&mut self, meta: Metadata) {
        self.metadata = Some(meta);
    }

    /// Consumes the remembered METADATA; it applies only to the packet with seq + 1.
    pub fn take_metadata_for(&mut self, seq: i32) -> Option<Metadata> {
        self.metadata
            .take()
            .filter(|m| m.seq.wrapping_add(1) == seq)
    }

    fn current(&self, target: KeyTarget) -> i64 {
        match target {
            KeyTarget::Peer => self.sync_key,
            KeyTarget::Group(gid) => self.group_keys.get(&gid).copied().unwrap_or(0),
        }
    }

    /// The key to adopt if a PUSH may be accepted: matching METADATA, both
    /// keys non-zero, and `prev` equal to the current key of its queue.
    pub fn check_push(&self, meta: Option<Metadata>, target: KeyTarget) -> Option<i64> {
        let m = meta?;
        let contiguous =
            m.sync_key != 0 && m.prev_sync_key != 0 && m.prev_sync_key == self.current(target);
        contiguous.then_some(m.sync_key)
    }

    /// Moves a queue to `key`, confirms it to the server and asks the app to save it.
    pub fn adopt(&mut self, target: KeyTarget, key: i64, out: &mut Vec<SyncOutput>) {
        match target {
            KeyTarget::Peer => {
                self.sync_key = key;
                out.push(SyncOutput::Send(Body::SyncKey { sync_key: key }));
                out.push(SyncOutput::Emit(Event::SaveSyncKey(key)));
            }
            KeyTarget::Group(gid) => {
                self.group_keys.insert(gid, key);
                out.push(SyncOutput::Send(Body::GroupSyncKey {
                    group_id: gid,
                    sync_key: key,
                }));
                out.push(SyncOutput::Emit(Event::SaveSuperGroupSyncKey { gid, key }));
            }
        }
    }

    /// An ACK preceded by METADATA: our own stored message advances our key,
    /// so the next sync does not bring it back. `super_group_gid` is the
    /// receiver of the acknowledged group message when the ACK has the
    /// SUPER_GROUP flag (`Some(None)` if that message is unknown).
    pub fn on_ack(
        &mut self,
        meta: Option<Metadata>,
        super_group_gid: Option<Option<i64>>,
        out: &mut Vec<SyncOutput>,
    ) {
        let Some(m) = meta else { return };
        if m.sync_key == 0 || m.prev_sync_key == 0 {
            return;
        }
        let target = match super_group_gid {
            None => KeyTarget::Peer,
            Some(Some(gid)) if self.group_keys.contains_key(&gid) => KeyTarget::Group(gid),
            Some(_) => return,
        };
        let current = self.current(target);
        if m.prev_sync_key == current && m.sync_key != current {
            self.adopt(target, m.sync_key, out);
        }
    }

    fn start_sync(&mut self, now: u64, out: &mut Vec<SyncOutput>) {
        out.push(SyncOutput::Send(Body::Sync {
            sync_key: self.sync_key,
        }));
        self.syncing = true;
        self.sync_started = now;
        self.pending_sync_key = 0;
    }

    /// `SYNC_NOTIFY(k)`: sync now unless one is running (for less than 4 s);
    /// otherwise remember `k` for when it ends.
    pub fn on_sync_notify(&mut self, key: i64, now: u64, out: &mut Vec<SyncOutput>) {
        let idle = !self.syncing || now.saturating_sub(self.sync_started) >= SYNC_GUARD_MS;
        if idle && self.sync_key < key {
            self.start_sync(now, out);
        } else {
            self.pending_sync_key = self.pending_sync_key.max(key);
        }
    }

    /// `SYNC_END(k)`: adopt `k` if it differs, always report the end, and
    /// sync again if a notify came in meanwhile for a later key.
    pub fn on_sync_end(&mut self, key: i64, now: u64, out: &mut Vec<SyncOutput>) {
        if key != self.sync_key {
            self.adopt(KeyTarget::Peer, key, out);
        }
        out.push(SyncOutput::Emit(Event::SyncEnd(self.sync_key)));
        self.syncing = false;
        if self.pending_sync_key > self.sync_key {
            self.start_sync(now, out);
        }
    }

    /// `SYNC_GROUP_NOTIFY(gid, k)`: sync a registered group that is behind.
    /// An unregistered gid is ignored (with a warning) unless `sync_unknown`
    /// and fewer than [`MAX_LEARNED_GROUPS`] are learned (then from 0).
    pub fn on_group_notify(
        &mut self,
        gid: i64,
        key: i64,
        sync_unknown: bool,
        out: &mut Vec<SyncOutput>,
    ) {
        let Some(current) = self.group_position(gid, sync_unknown) else {
            let why = if sync_unknown {
                "the bound of learned groups is reached"
            } else {
                "unregistered group"
            };
            let mut text = String::from("ignored SYNC_GROUP_NOTIFY for group ");
            push_int(&mut text, gid);
            text.push_str(" (");
            text.push_str(why);
            text.push(')');
            out.push(SyncOutput::Emit(Event::Warning(text)));
            return;
        };
        if key > current {
            out.push(SyncOutput::Send(Body::SyncGroup {
                group_id: gid,
                sync_key: current,
            }));
        }
    }

    /// `SYNC_GROUP_END(gid, k)`: adopt `k` if it differs from the stored key.
    pub fn on_group_end(
        &mut self,
        gid: i64,
        key: i64,
        sync_unknown: bool,
        out: &mut Vec<SyncOutput>,
    ) {
        let Some(current) = self.group_position(gid, sync_unknown) else {
            return;
        };
        if key != current {
            self.adopt(KeyTarget::Group(gid), key, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sends(out: &[SyncOutput]) -> usize {
        out.iter()
            .filter(|o| matches!(o, SyncOutput::Send(Body::SyncGroup { .. })))
            .count()
    }

    #[test]
    fn a_server_naming_endless_groups_grows_the_keys_only_to_the_bound() {
        let mut s = SyncState::default();
        s.register_group(-1, 5); // registered by the app: not counted
        let mut out = Vec::new();
        for gid in 0..20_000 {
            s.on_group_notify(gid, 9, true, &mut out);
            s.on_group_end(gid, 9, true, &mut out);
        }
        assert_eq!(s.group_keys.len(), MAX_LEARNED_GROUPS + 1);
        assert_eq!(sends(&out), MAX_LEARNED_GROUPS);
        // Notifies alone (no END) count too: each one would send a SYNC_GROUP.
        let mut s = SyncState::default();
        let mut out = Vec::new();
        for gid in 0..20_000 {
            s.on_group_notify(gid, 9, true, &mut out);
        }
        assert_eq!(sends(&out), MAX_LEARNED_GROUPS);
    }

    #[test]
    fn an_ignored_group_notify_warns_with_the_group_and_why() {
        let warnings = |sync_unknown: bool, gid: i64| {
            let mut s = SyncState::default();
            let mut out = Vec::new();
            s.on_group_notify(gid, 9, sync_unknown, &mut out);
            out.into_iter()
                .filter_map(|o| match o {
                    SyncOutput::Emit(Event::Warning(w)) => Some(w),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            warnings(false, -42),
            ["ignored SYNC_GROUP_NOTIFY for group -42 (unregistered group)"]
        );
        assert!(warnings(true, 7).is_empty(), "learned, not ignored");
    }
}
