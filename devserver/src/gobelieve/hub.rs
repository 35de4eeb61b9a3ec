//! GoBelieve server state and packet handling (spec §5, §6). Handlers run
//! under the hub lock and only queue frames, so every connection sees its
//! packets in decision order with consecutive seqs (METADATA then PUSH).

mod flood;

use super::store::{Group, Origin, User};
use crate::config::GroupSpec;
use crate::conn::{ConnId, Ending, Out, OutTx};
use imsdk::core::gobelieve::codec::{self, Body, Customer, Im, Packet, Relay};
use imsdk::core::gobelieve::command::*;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio_tungstenite::tungstenite::Message;

/// Shared handle.
pub type SharedGobelieve = Arc<Mutex<GobelieveHub>>;

/// Commands the reference server accepts from clients; anything else closes.
const ACCEPTED: &[u8] = &[
    4, 5, 8, 13, 14, 15, 17, 18, 19, 20, 22, 24, 25, 26, 30, 34, 35, 37, 64,
];

#[derive(Debug, Clone, Copy)]
struct Auth {
    appid: i64,
    uid: i64,
    device: i64,
}

struct Conn {
    tx: OutTx,
    seq: i32,
    /// The AUTH header's version; 0 before auth.
    version: u8,
    auth: Option<Auth>,
    room: i64,
}

/// The GoBelieve side's whole state.
pub struct GobelieveHub {
    tokens: HashMap<String, (i64, i64)>,
    sync_batch: usize,
    conns: HashMap<ConnId, Conn>,
    users: HashMap<(i64, i64), User>,
    groups: HashMap<i64, Group>,
    devices: HashMap<(String, u8), i64>,
    next_id: i64,
    /// Answer PING with PONG (fault control).
    pub answer_pings: bool,
    /// Withhold METADATA+ACK to senders (fault control).
    pub withhold_acks: bool,
    /// Uids whose next stored message (a push or a sync page) is sent twice (fault control).
    duplicate_next: HashSet<i64>,
}

fn now_secs() -> i32 {
    (crate::clock::now_ms() / 1000) as i32
}

impl GobelieveHub {
    /// A new hub with `tokens` (token → (appid, uid)) and groups.
    pub fn new(
        tokens: HashMap<String, (i64, i64)>,
        groups: &[GroupSpec],
        sync_batch: usize,
    ) -> GobelieveHub {
        let mut hub = GobelieveHub {
            tokens,
            sync_batch: sync_batch.max(1),
            conns: HashMap::new(),
            users: HashMap::new(),
            groups: HashMap::new(),
            devices: HashMap::new(),
            next_id: 0,
            answer_pings: true,
            withhold_acks: false,
            duplicate_next: HashSet::new(),
        };
        for g in groups {
            hub.set_group(g);
        }
        hub
    }

    /// Adds a token.
    pub fn add_token(&mut self, token: String, appid: i64, uid: i64) {
        self.tokens.insert(token, (appid, uid));
    }

    /// Creates or replaces a group's membership (its queue is kept).
    pub fn set_group(&mut self, g: &GroupSpec) {
        let group = self.groups.entry(g.gid).or_default();
        group.members = g.members.iter().copied().collect();
        group.super_group = g.super_group;
        group.muted = g.muted.iter().copied().collect();
    }

    /// Registers a new connection.
    pub fn open(&mut self, id: ConnId, tx: OutTx) {
        self.conns.insert(
            id,
            Conn {
                tx,
                seq: 0,
                version: 0,
                auth: None,
                room: 0,
            },
        );
    }

    /// Forgets a finished connection (and its room membership).
    pub fn closed(&mut self, id: ConnId) {
        self.conns.remove(&id);
    }

    /// Queues one packet to a connection with its next seq; returns that seq.
    fn send(&mut self, id: ConnId, flag: u8, body: Body) -> i32 {
        let Some(c) = self.conns.get_mut(&id) else {
            return 0;
        };
        c.seq = c.seq.wrapping_add(1);
        let packet = Packet {
            seq: c.seq,
            version: c.version,
            flag,
            body,
        };
        match packet.encode() {
            Ok(bytes) => {
                let _ = c.tx.send(Out::Frame(Message::binary(bytes), None));
            }
            Err(e) => eprintln!("gobelieve: conn {id}: cannot encode: {e}"),
        }
        c.seq
    }

    fn ack(&mut self, id: ConnId, flag: u8, seq: i32, status: u8) {
        let version = self.conns.get(&id).map_or(0, |c| c.version);
        let status = (version >= 2).then_some(status);
        self.send(id, flag, Body::Ack { seq, status });
    }

    fn conns_of(&self, appid: i64, uid: i64) -> Vec<ConnId> {
        let mut ids: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| c.auth.is_some_and(|a| a.appid == appid && a.uid == uid))
            .map(|(&id, _)| id)
            .collect();
        ids.sort_unstable();
        ids
    }

    fn origin(&self, id: ConnId) -> Option<Origin> {
        let a = self.conns.get(&id)?.auth?;
        Some(Origin {
            appid: a.appid,
            uid: a.uid,
            device: a.device,
        })
    }

    /// Whether `other` is the same (appid, uid, device) as `origin`: the
    /// reference server skips those connections when pushing to the sender.
    fn same_device(&self, other: ConnId, origin: Origin) -> bool {
        self.origin(other) == Some(origin)
    }

    /// Handles one binary frame. Returns how to end the connection, if it must.
    pub fn on_binary(&mut self, id: ConnId, frame: &[u8]) -> Option<Ending> {
        let header = match codec::decode_header(frame) {
            Ok(h) => h,
            Err(e) => return self.refuse(id, &e.to_string()),
        };
        if !ACCEPTED.contains(&header.cmd) {
            return self.refuse(id, &format!("command {} not accepted", header.cmd));
        }
        if matches!(header.cmd, MSG_CUSTOMER_ | MSG_CUSTOMER_SUPPORT_) {
            return None; // accepted and ignored by the reference server
        }
        let packet = match codec::decode(frame) {
            Ok(p) => p,
            Err(e) => return self.refuse(id, &e.to_string()),
        };
        let authed = self.conns.get(&id).and_then(|c| c.auth);
        match (packet.body, authed) {
            (Body::Ping, _) if self.answer_pings => {
                self.send(id, 0, Body::Pong);
            }
            (
                Body::AuthToken {
                    platform_id,
                    token,
                    device_id,
                },
                None,
            ) => self.auth(id, packet.version, platform_id, &token, device_id),
            (_, None) => {} // everything but PING is ignored before auth
            (Body::Im(m), Some(a)) => self.peer(id, a, packet.seq, packet.flag, m),
            (Body::Customer(m), Some(a)) => self.customer(id, a, packet.seq, packet.flag, m),
            (Body::GroupIm(m), Some(a)) => self.group(id, a, packet.seq, m),
            (Body::Rt(m), Some(a)) => self.rt(id, a, m),
            (Body::EnterRoom { room_id }, Some(_)) if room_id != 0 => self.set_room(id, room_id),
            (Body::LeaveRoom { room_id }, Some(_))
                if room_id != 0 && self.conns.get(&id).is_some_and(|c| c.room == room_id) =>
            {
                self.set_room(id, 0);
            }
            (Body::RoomIm(m), Some(a)) => self.room(id, a, packet.seq, m),
            (Body::Sync { sync_key }, Some(a)) => self.sync(id, a, sync_key),
            (Body::SyncKey { sync_key }, Some(a)) => {
                let user = self.users.entry((a.appid, a.uid)).or_default();
                user.sync_key = user.sync_key.max(sync_key);
            }
            (Body::SyncGroup { group_id, sync_key }, Some(a)) => {
                self.sync_group(id, a, group_id, sync_key)
            }
            (Body::GroupSyncKey { group_id, sync_key }, Some(a)) => {
                let keys = &mut self
                    .users
                    .entry((a.appid, a.uid))
                    .or_default()
                    .group_sync_keys;
                let stored = keys.entry(group_id).or_default();
                *stored = (*stored).max(sync_key);
            }
            (Body::Ack { seq, .. }, Some(a)) => eprintln!("gobelieve: {} acked seq {seq}", a.uid),
            _ => {} // repeat AUTH, PONG, METADATA, UNREAD_COUNT: ignored
        }
        None
    }

    fn refuse(&self, id: ConnId, why: &str) -> Option<Ending> {
        eprintln!("gobelieve: conn {id}: {why}; closing");
        Some(Ending::Abort)
    }

    fn auth(&mut self, id: ConnId, version: u8, platform: u8, token: &str, device_id: String) {
        let found = self.tokens.get(token).copied().filter(|&(_, uid)| uid != 0);
        let Some((appid, uid)) = found else {
            eprintln!("gobelieve: conn {id}: unknown token");
            self.send(id, 0, Body::AuthStatus { status: 1 });
            return;
        };
        let device = if platform == PLATFORM_WEB || device_id.is_empty() {
            0
        } else {
            let next = self.devices.len() as i64 + 1;
            *self.devices.entry((device_id, platform)).or_insert(next)
        };
        if let Some(c) = self.conns.get_mut(&id) {
            c.auth = Some(Auth { appid, uid, device });
            c.version = version;
        }
        eprintln!("gobelieve: conn {id}: uid {uid} authenticated (version {version})");
        self.send(id, 0, Body::AuthStatus { status: 0 });
    }

    /// Peer message: store twice, push to receiver and sender's other
    /// devices, METADATA+ACK to the sender.
    fn peer(&mut self, id: ConnId, a: Auth, seq: i32, flag: u8, mut m: Im) {
        if m.sender != a.uid {
            return; // silent drop: the client hits its ACK timeout
        }
        m.timestamp = now_secs();
        let receiver = m.receiver;
        self.deliver_peer_like(id, a, seq, flag, Body::Im(m), (a.appid, receiver));
    }

    fn customer(&mut self, id: ConnId, a: Auth, seq: i32, flag: u8, mut m: Customer) {
        if m.sender != a.uid || m.sender_app_id != a.appid {
            return;
        }
        m.timestamp = now_secs();
        let to = (m.receiver_app_id, m.receiver);
        self.deliver_peer_like(id, a, seq, flag, Body::Customer(m), to);
    }

    fn deliver_peer_like(
        &mut self,
        id: ConnId,
        a: Auth,
        seq: i32,
        flag: u8,
        body: Body,
        to: (i64, i64),
    ) {
        let origin = Origin {
            appid: a.appid,
            uid: a.uid,
            device: a.device,
        };
        let (key, prev) = self.store_peer(to, body.clone(), origin);
        let (key2, prev2) = self.store_peer((a.appid, a.uid), body.clone(), origin);
        for c in self.conns_of(to.0, to.1) {
            if !self.same_device(c, origin) {
                self.push(
                    c,
                    flag,
                    body.clone(),
                    key,
                    prev,
                    Body::SyncNotify { sync_key: key },
                );
            }
        }
        if to != (a.appid, a.uid) {
            for c in self.conns_of(a.appid, a.uid) {
                if !self.same_device(c, origin) {
                    // Quirk kept: the notify carries the receiver-queue key.
                    self.push(
                        c,
                        flag,
                        body.clone(),
                        key2,
                        prev2,
                        Body::SyncNotify { sync_key: key },
                    );
                }
            }
        }
        if !self.withhold_acks {
            self.send(
                id,
                0,
                Body::Metadata {
                    sync_key: key2,
                    prev_sync_key: prev2,
                },
            );
            self.ack(id, 0, seq, ACK_OK);
        }
    }

    fn store_peer(&mut self, user: (i64, i64), body: Body, origin: Origin) -> (i64, i64) {
        let queue = &mut self.users.entry(user).or_default().queue;
        queue.push(&mut self.next_id, body, origin)
    }

    /// Whether the duplicate fault is armed for the user of connection `c`
    /// (disarms it).
    fn take_duplicate(&mut self, c: ConnId) -> bool {
        let uid = self.conns.get(&c).and_then(|c| c.auth).map(|a| a.uid);
        uid.is_some_and(|uid| self.duplicate_next.remove(&uid))
    }

    /// METADATA, the message with PUSH, then a notify, to one connection.
    /// Armed by the duplicate fault, METADATA and message go twice: the same
    /// stored message pushed again, as after a server-side retry.
    fn push(&mut self, c: ConnId, flag: u8, body: Body, key: i64, prev: i64, notify: Body) {
        let copies = if self.take_duplicate(c) { 2 } else { 1 };
        if copies == 2 {
            eprintln!(
                "gobelieve: conn {c}: duplicate fault: push of key {key} (prev {prev}) sent twice"
            );
        }
        for _ in 0..copies {
            self.send(
                c,
                0,
                Body::Metadata {
                    sync_key: key,
                    prev_sync_key: prev,
                },
            );
            self.send(c, flag | MESSAGE_FLAG_PUSH, body.clone());
        }
        self.send(c, 0, notify);
    }

    fn group(&mut self, id: ConnId, a: Auth, seq: i32, mut m: Im) {
        if m.sender != a.uid {
            return;
        }
        let gid = m.receiver;
        let Some(group) = self.groups.get(&gid) else {
            return self.ack(id, 0, seq, ACK_GROUP_NONEXIST);
        };
        if !group.members.contains(&a.uid) {
            return self.ack(id, 0, seq, ACK_NOT_GROUP_MEMBER);
        }
        if group.muted.contains(&a.uid) {
            return; // muted: no ACK at all
        }
        m.timestamp = now_secs();
        let origin = Origin {
            appid: a.appid,
            uid: a.uid,
            device: a.device,
        };
        let mut members: Vec<i64> = group.members.iter().copied().collect();
        members.sort_unstable();
        let body = Body::GroupIm(m);
        if group.super_group {
            let (key, prev) = self.groups.get_mut(&gid).map_or((0, 0), |g| {
                g.queue.push(&mut self.next_id, body.clone(), origin)
            });
            for uid in members {
                for c in self.conns_of(a.appid, uid) {
                    if !self.same_device(c, origin) {
                        let notify = Body::SyncGroupNotify {
                            group_id: gid,
                            sync_key: key,
                        };
                        self.push(c, MESSAGE_FLAG_SUPER_GROUP, body.clone(), key, prev, notify);
                    }
                }
            }
            if !self.withhold_acks {
                self.send(
                    id,
                    0,
                    Body::Metadata {
                        sync_key: key,
                        prev_sync_key: prev,
                    },
                );
                self.ack(id, MESSAGE_FLAG_SUPER_GROUP, seq, ACK_OK);
            }
        } else {
            let mut own = (0, 0);
            for uid in members {
                let (key, prev) = self.store_peer((a.appid, uid), body.clone(), origin);
                if uid == a.uid {
                    own = (key, prev);
                }
                for c in self.conns_of(a.appid, uid) {
                    if !self.same_device(c, origin) {
                        self.push(
                            c,
                            0,
                            body.clone(),
                            key,
                            prev,
                            Body::SyncNotify { sync_key: key },
                        );
                    }
                }
            }
            if !self.withhold_acks {
                self.send(
                    id,
                    0,
                    Body::Metadata {
                        sync_key: own.0,
                        prev_sync_key: own.1,
                    },
                );
                self.ack(id, 0, seq, ACK_OK);
            }
        }
    }

    fn rt(&mut self, id: ConnId, a: Auth, m: Relay) {
        if m.sender != a.uid {
            return;
        }
        for c in self.conns_of(a.appid, m.receiver) {
            if c != id {
                self.send(c, 0, Body::Rt(m.clone()));
            }
        }
    }

    fn set_room(&mut self, id: ConnId, room: i64) {
        if let Some(c) = self.conns.get_mut(&id) {
            c.room = room;
        }
    }

    fn room(&mut self, id: ConnId, a: Auth, seq: i32, m: Relay) {
        if self.conns.get(&id).map_or(0, |c| c.room) != m.receiver {
            return;
        }
        let origin = Origin {
            appid: a.appid,
            uid: a.uid,
            device: a.device,
        };
        let mut members: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(_, c)| c.room == m.receiver && c.auth.is_some_and(|x| x.appid == a.appid))
            .map(|(&c, _)| c)
            .collect();
        members.sort_unstable();
        for c in members {
            if c != id && !self.same_device(c, origin) {
                self.send(c, 0, Body::RoomIm(m.clone()));
            }
        }
        self.ack(id, 0, seq, ACK_OK);
    }

    fn sync(&mut self, id: ConnId, a: Auth, key: i64) {
        let user = self.users.entry((a.appid, a.uid)).or_default();
        let key = if key == 0 { user.sync_key } else { key };
        let (batch, more) = user.queue.after(key, self.sync_batch);
        let queue_last = user.queue.last_id();
        let last = match batch.last() {
            Some(m) => m.id,
            None if queue_last > 0 && queue_last < key => queue_last,
            None => key,
        };
        self.send_batch(
            id,
            a,
            Body::SyncBegin { sync_key: key },
            batch,
            Body::SyncEnd { sync_key: last },
        );
        if more {
            self.send(id, 0, Body::SyncNotify { sync_key: last + 1 });
        }
    }

    fn sync_group(&mut self, id: ConnId, a: Auth, gid: i64, key: i64) {
        let Some(group) = self
            .groups
            .get(&gid)
            .filter(|g| g.super_group && g.members.contains(&a.uid))
        else {
            return; // unknown group or not a member: no reply
        };
        let stored = self
            .users
            .get(&(a.appid, a.uid))
            .and_then(|u| u.group_sync_keys.get(&gid).copied());
        let key = if key == 0 { stored.unwrap_or(0) } else { key };
        let (batch, more) = group.queue.after(key, self.sync_batch);
        let last = batch.last().map_or(key, |m| m.id);
        let begin = Body::SyncGroupBegin {
            group_id: gid,
            sync_key: key,
        };
        self.send_batch(
            id,
            a,
            begin,
            batch,
            Body::SyncGroupEnd {
                group_id: gid,
                sync_key: last,
            },
        );
        if more {
            self.send(
                id,
                0,
                Body::SyncGroupNotify {
                    group_id: gid,
                    sync_key: last + 1,
                },
            );
        }
    }

    fn send_batch(
        &mut self,
        id: ConnId,
        a: Auth,
        begin: Body,
        batch: Vec<super::store::Stored>,
        end: Body,
    ) {
        let me = Origin {
            appid: a.appid,
            uid: a.uid,
            device: a.device,
        };
        // Armed by the duplicate fault, a page with messages goes twice.
        let copies = if !batch.is_empty() && self.take_duplicate(id) {
            2
        } else {
            1
        };
        if copies == 2 {
            eprintln!("gobelieve: conn {id}: duplicate fault: sync page {begin:?} .. {end:?} ({} messages) sent twice", batch.len());
        }
        for _ in 0..copies {
            self.send(id, 0, begin.clone());
            for m in &batch {
                let flag = if m.origin == me { MESSAGE_FLAG_SELF } else { 0 };
                self.send(id, flag, m.body.clone());
            }
            self.send(id, 0, end.clone());
        }
    }

    /// Arms "send the next stored message (push or sync page) to this uid twice".
    pub fn duplicate_next(&mut self, uid: i64) {
        self.duplicate_next.insert(uid);
    }

    /// Pushes a server packet (system, notification, group notification) to
    /// every connection of a uid; returns how many got it.
    pub fn inject(&mut self, appid: i64, uid: i64, body: Body) -> usize {
        let conns = self.conns_of(appid, uid);
        for &c in &conns {
            self.send(c, 0, body.clone());
        }
        conns.len()
    }

    /// Sends raw bytes as one binary frame to every connection of a uid.
    pub fn inject_raw(&mut self, appid: i64, uid: i64, bytes: Vec<u8>) -> usize {
        let conns = self.conns_of(appid, uid);
        for c in &conns {
            if let Some(conn) = self.conns.get(c) {
                let _ = conn
                    .tx
                    .send(Out::Frame(Message::binary(bytes.clone()), None));
            }
        }
        conns.len()
    }

    /// Drops connections abruptly: all, or those of one uid.
    pub fn drop_connections(&mut self, uid: Option<i64>) -> usize {
        self.signal(uid, || Out::Abort)
    }

    /// Queues a link control (abort, stall, delay) to every connection, or
    /// to those of one uid; returns how many got it.
    pub fn signal(&self, uid: Option<i64>, out: impl Fn() -> Out) -> usize {
        let mut n = 0;
        for c in self.conns.values() {
            if uid.is_none() || c.auth.map(|a| a.uid) == uid {
                let _ = c.tx.send(out());
                n += 1;
            }
        }
        n
    }

    /// Connection counts for `/api/stats`.
    pub fn stats(&self) -> serde_json::Value {
        let mut by_uid: HashMap<String, usize> = HashMap::new();
        for a in self.conns.values().filter_map(|c| c.auth) {
            *by_uid.entry(a.uid.to_string()).or_default() += 1;
        }
        serde_json::json!({
            "connections": self.conns.len(),
            "authenticated": by_uid.values().sum::<usize>(),
            "by_uid": by_uid,
        })
    }
}
