//! The `IMService` state machine, sans-IO: socket events and `now` go in,
//! socket requests ([`Io`]) and app events ([`Event`]) come out.
//!
//! Fixes the im.js defects of spec §12: exact ACK matching, one close path
//! per socket (stale sockets ignored), ACK timeout closes the socket,
//! back-off for connections that die before auth, no loop after an auth
//! failure, heartbeat state per connection, synchronous `stop()`.

use super::codec::{self, Body, Customer, Im, Packet, Relay};
use super::command::*;
use super::config::Config;
use super::event::*;
use super::held::{Hold, Weigh, HELD_CAPACITY};
use super::identity::{Identities, Ids, OpenBatch, Queue, StoredId};
use super::self_note::SelfNoteTwins;
use super::sync::{KeyTarget, Metadata, SyncOutput, SyncState};
use crate::core::backoff::Backoff;
use crate::core::dedupe::Dedupe;
use crate::core::hash::HashKeys;
use crate::core::io::{ConnId, Frame, Io};
use crate::core::late::woke_late;
use crate::core::link::Link;
use crate::core::liveness::{Liveness, LivenessAction, LivenessConfig};
use crate::core::outbox::Outbox;
use crate::core::rng::Rng;
use crate::core::text::{push_int, push_uint};
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use core::hash::{BuildHasher, Hash, Hasher};

#[cfg(test)]
mod tests;

/// Identities are not forgotten by age: a sync page cut off and re-sent
/// after a long time offline is still the same messages. Only the count
/// bound evicts (least recently seen first).
const DEDUPE_WINDOW_MS: u64 = u64::MAX;
/// How many message identities are remembered (a message has two or three).
const DEDUPE_CAPACITY: usize = 6_000;

/// The socket currently in use: its lifecycle (up once open; a socket not
/// open by its deadline has failed, as some transports never report) and
/// what GoBelieve keeps per connection.
#[derive(Debug, Clone, Copy)]
struct Connection {
    link: Link,
    /// Our packet counter; reset on open, pre-incremented.
    seq: i32,
    /// When AUTH_STATUS 0 arrived.
    authed_at: Option<u64>,
    /// PINGs written and PONGs read; the server answers every PING, in order.
    pings: u32,
    pongs: u32,
}

/// Which callback family a tracked message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Peer,
    Group,
    Customer,
}

/// A sent message awaiting its ACK.
#[derive(Debug, Clone, Copy)]
struct Tracked {
    kind: Kind,
    token: MsgToken,
    /// The group id for group messages (a super-group ACK advances its key).
    receiver: i64,
}

fn liveness_config(config: &Config) -> LivenessConfig {
    LivenessConfig {
        interval: config.heartbeat_ms,
        answer_timeout: config.pong_timeout_ms,
        // A wake-up later than one full ping cycle means the link went unwatched.
        silence_limit: config.heartbeat_ms.saturating_add(config.pong_timeout_ms),
    }
}

/// One GoBelieve client connection, across reconnects.
pub struct Session {
    config: Config,
    rng: Rng,
    /// Keys of the content hash and the indexes (from the seed).
    keys: HashKeys,
    backoff: Backoff,
    liveness: Liveness,
    state: ConnectState,
    started: bool,
    background: bool,
    unreachable: bool,
    /// Set by a refused token: no reconnect until `start()` or a new token.
    auth_failed: bool,
    link: Option<Connection>,
    last_conn: ConnId,
    reconnect_at: Option<u64>,
    room: i64,
    sync: SyncState,
    pending: Outbox<i32, Tracked>,
    /// A late check found every pending message with an ACK deadline up to
    /// this one overdue; they await the probe's PONG. Send order is deadline
    /// order, so they are a prefix of `pending` and later sends are not among
    /// them (O(1) per send, whatever the number in flight).
    overdue_through: Option<u64>,
    /// The PONG count that answers the probe sent for `overdue_through`.
    ack_probe: Option<u32>,
    last_token: MsgToken,
    identities: Identities,
    /// Synced messages waiting for their batch's END ([`Session::release_held`]).
    held: Hold<Held>,
    /// Synced messages of the open batch delivered before its END.
    early: Vec<Early>,
    self_notes: SelfNoteTwins,
    seen: Dedupe<StoredId>,
    io: VecDeque<Io>,
    events: VecDeque<Event>,
}

impl Session {
    /// A stopped session; `seed` drives the reconnect jitter and keys the
    /// hashes of its indexes.
    pub fn new(config: Config, seed: u64) -> Self {
        let mut liveness = Liveness::new(liveness_config(&config));
        liveness.probe_late_wake_ups(true);
        let keys = HashKeys::from_seed(seed);
        Session {
            rng: Rng::new(seed),
            keys,
            backoff: Backoff::new(config.backoff),
            liveness,
            state: ConnectState::Unconnected,
            started: false,
            background: false,
            unreachable: false,
            auth_failed: false,
            link: None,
            last_conn: 0,
            reconnect_at: None,
            room: 0,
            sync: SyncState::default(),
            pending: Outbox::new(config.max_pending, keys),
            overdue_through: None,
            ack_probe: None,
            last_token: 0,
            identities: Identities::new(keys),
            held: Hold::default(),
            early: Vec::new(),
            self_notes: SelfNoteTwins::default(),
            seen: Dedupe::new(DEDUPE_WINDOW_MS, DEDUPE_CAPACITY, keys),
            io: VecDeque::new(),
            events: VecDeque::new(),
            config,
        }
    }

    /// The current settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Changes settings such as timings and the protocol version; timings
    /// apply at once, the version from the next connection.
    pub fn update_config(&mut self, change: impl FnOnce(&mut Config)) {
        change(&mut self.config);
        self.liveness.set_config(liveness_config(&self.config));
        self.backoff.set_config(self.config.backoff);
        self.pending.set_capacity(self.config.max_pending);
    }

    /// Sets the token for the next connection. After an authentication
    /// failure a different token reconnects at once.
    pub fn set_access_token(&mut self, token: String, now: u64) {
        let changed = token != self.config.access_token;
        self.config.access_token = token;
        if changed && self.auth_failed {
            self.auth_failed = false;
            self.backoff.reset();
            self.connect(now);
        }
    }

    /// Sets the URL used by the next connection.
    pub fn set_url(&mut self, url: String) {
        self.config.url = url;
    }

    /// Sets the device id sent by the next connection.
    pub fn set_device_id(&mut self, device_id: String) {
        self.config.device_id = device_id;
    }

    /// Sets the platform id sent by the next connection.
    pub fn set_platform_id(&mut self, platform_id: u8) {
        self.config.platform_id = platform_id;
    }

    /// The peer-queue sync key.
    pub fn sync_key(&self) -> i64 {
        self.sync.sync_key
    }

    /// Restores the peer-queue sync key (before `start()`).
    pub fn set_sync_key(&mut self, key: i64) {
        self.sync.sync_key = key;
    }

    /// Registers a super group; it is synced from `key` on the next connect.
    pub fn add_super_group_sync_key(&mut self, gid: i64, key: i64) {
        self.sync.register_group(gid, key);
    }

    /// Forgets a super group.
    pub fn remove_super_group_sync_key(&mut self, gid: i64) {
        self.sync.forget_group(gid);
    }

    /// Forgets every super group.
    pub fn clear_super_group_sync_key(&mut self) {
        self.sync.forget_groups();
    }

    /// The connection state.
    pub fn state(&self) -> ConnectState {
        self.state
    }

    /// Starts connecting; a no-op when already started. Like im.js's
    /// `resume()`, it connects whatever background or reachability was reported.
    pub fn start(&mut self, now: u64) {
        if self.started {
            return;
        }
        self.started = true;
        self.auth_failed = false;
        self.background = false;
        self.unreachable = false;
        self.backoff.reset();
        self.connect(now);
    }

    /// Closes the socket now, fails every pending message with `Stopped` and
    /// reports state 0; nothing reconnects until `start()`.
    pub fn stop(&mut self, _now: u64) {
        if !self.started {
            return;
        }
        self.started = false;
        self.auth_failed = false;
        self.reconnect_at = None;
        self.close_link(FailReason::Stopped, ConnectState::Unconnected);
        self.set_state(ConnectState::Unconnected);
    }

    /// The app went to the background: disconnect until `enter_foreground`.
    pub fn enter_background(&mut self, _now: u64) {
        self.background = true;
        self.suspend();
    }

    /// The app came back: connect at once.
    pub fn enter_foreground(&mut self, now: u64) {
        self.background = false;
        self.connect(now);
    }

    /// The network became reachable (connect at once) or unreachable
    /// (disconnect and wait for it to come back).
    pub fn handle_connectivity_change(&mut self, reachable: bool, now: u64) {
        if reachable {
            self.unreachable = false;
            self.connect(now);
        } else {
            self.unreachable = true;
            self.suspend();
        }
    }

    /// The network is back or the page became visible: if waiting to
    /// reconnect, try at once instead of waiting out the back-off.
    pub fn network_online(&mut self, now: u64) {
        self.unreachable = false;
        self.connect(now);
    }

    /// Sends a peer message, tracked until its ACK or failure.
    pub fn send_peer_message(&mut self, m: OutMessage, now: u64) -> Result<MsgToken, SendError> {
        let receiver = m.receiver;
        self.send_tracked(Kind::Peer, receiver, Body::Im(out_im(m)), now)
    }

    /// Sends a group message (`receiver` = group id), tracked like a peer message.
    pub fn send_group_message(&mut self, m: OutMessage, now: u64) -> Result<MsgToken, SendError> {
        let receiver = m.receiver;
        self.send_tracked(Kind::Group, receiver, Body::GroupIm(out_im(m)), now)
    }

    /// Sends a customer-service message (cmd 64), tracked like a peer message.
    pub fn send_customer_message(
        &mut self,
        m: OutCustomerMessage,
        now: u64,
    ) -> Result<MsgToken, SendError> {
        let receiver = m.receiver;
        let body = Body::Customer(Customer {
            sender_app_id: m.sender_app_id,
            sender: m.sender,
            receiver_app_id: m.receiver_app_id,
            receiver: m.receiver,
            timestamp: m.timestamp,
            content: m.content,
        });
        self.send_tracked(Kind::Customer, receiver, body, now)
    }

    /// Sends a real-time message (not stored, not tracked).
    pub fn send_rt_message(&mut self, m: OutMessage, _now: u64) -> Result<(), SendError> {
        self.send_untracked(Body::Rt(out_relay(m)))
    }

    /// Sends a room message (`receiver` = room id; not tracked).
    pub fn send_room_message(&mut self, m: OutMessage, _now: u64) -> Result<(), SendError> {
        self.send_untracked(Body::RoomIm(out_relay(m)))
    }

    /// Enters a room (0 is ignored); re-entered on every reconnect.
    pub fn enter_room(&mut self, room: i64, _now: u64) {
        if room == 0 {
            return;
        }
        self.room = room;
        if self.can_send() {
            self.send(Body::EnterRoom { room_id: room });
        }
    }

    /// Leaves the current room if it is `room`, so it is not re-entered.
    pub fn leave_room(&mut self, room: i64, _now: u64) {
        if room == 0 || room != self.room {
            return;
        }
        self.room = 0;
        if self.can_send() {
            self.send(Body::LeaveRoom { room_id: room });
        }
    }

    /// Socket `conn` opened: authenticate, re-enter the room, sync.
    pub fn handle_open(&mut self, conn: ConnId, now: u64) {
        match &mut self.link {
            Some(c) if c.link.is(conn) && !c.link.is_open() => {
                c.link.opened();
                c.link.up();
                c.seq = 0;
            }
            _ => return,
        }
        let auth = Body::AuthToken {
            platform_id: self.config.platform_id,
            token: self.config.access_token.clone().into(),
            device_id: self.config.device_id.clone(),
        };
        if let Err(e) = self.try_send(auth, 0) {
            self.warn_because("cannot authenticate: ", |out| e.describe(out));
            self.auth_failed = true;
            self.close_link(FailReason::Disconnected, ConnectState::AuthenticationFail);
            return;
        }
        self.liveness.start(now);
        self.identities.on_open(conn);
        if self.room != 0 {
            self.send(Body::EnterRoom { room_id: self.room });
        }
        let mut out = Vec::new();
        self.sync.on_open(now, &mut out);
        self.apply(out);
        // CONNECTED on open, before AUTH_STATUS: sends are accepted from here.
        self.set_state(ConnectState::Connected);
    }

    /// A binary frame arrived on `conn`.
    pub fn handle_binary(&mut self, conn: ConnId, data: &[u8], now: u64) {
        if !self.is_open(conn) {
            return;
        }
        self.liveness.heard(now);
        let packet = match codec::decode(data) {
            Ok(p) => p,
            Err(e) => {
                self.warn_because("dropped a malformed packet: ", |out| e.describe(out));
                return;
            }
        };
        if let Body::Metadata {
            sync_key,
            prev_sync_key,
        } = packet.body
        {
            self.sync.remember_metadata(Metadata {
                seq: packet.seq,
                sync_key,
                prev_sync_key,
            });
            return;
        }
        let meta = self.sync.take_metadata_for(packet.seq);
        self.dispatch(packet, meta, now);
    }

    /// A text frame arrived: the protocol has none, so it is ignored.
    pub fn handle_text(&mut self, conn: ConnId, _text: &str, _now: u64) {
        if self.is_open(conn) {
            self.warn("ignored a text frame (the protocol is binary only)".into());
        }
    }

    /// Socket `conn` closed (or failed, `error`). Before open this is a
    /// connect failure (state 3); after, a disconnect (state 0). Either way
    /// pending messages fail and a reconnect is scheduled.
    pub fn handle_close(&mut self, conn: ConnId, error: bool, now: u64) {
        let Some(c) = self.link.filter(|c| c.link.is(conn)) else {
            return;
        };
        if error {
            self.warn("socket error".into());
        }
        let state = if c.link.is_open() {
            ConnectState::Unconnected
        } else {
            ConnectState::ConnectFail
        };
        self.note_health(false, now);
        self.close_link(FailReason::Disconnected, state);
        self.schedule_reconnect(now);
    }

    /// Runs whatever is due at `now`: reconnect, ACK deadlines, heartbeat.
    pub fn handle_timeout(&mut self, now: u64) {
        // A late wake-up gets one short grace (see `Link::timed_out`).
        if self.link.as_mut().is_some_and(|c| c.link.timed_out(now)) {
            self.warn("the socket did not open in time".into());
            self.close_link(FailReason::Disconnected, ConnectState::ConnectFail);
            self.schedule_reconnect(now);
        }
        if self.reconnect_at.is_some_and(|t| t <= now) {
            self.reconnect_at = None;
            self.connect(now);
        }
        if self.held.deadline().is_some_and(|t| t <= now) {
            // An END this late may never come: do not withhold the messages.
            self.release_held(None);
        }
        self.check_ack_deadlines(now);
        match self.liveness.poll(now) {
            Some(LivenessAction::SendPing) => self.send_ping(),
            Some(LivenessAction::Dead) => {
                self.warn("no PONG in time: resetting the connection".into());
                self.drop_connection(now);
            }
            None => {}
        }
    }

    /// The next socket request for the driver.
    pub fn poll_io(&mut self) -> Option<Io> {
        self.io.pop_front()
    }

    /// The next event for the app.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When `handle_timeout` should run next: the earliest of the reconnect
    /// time, the heartbeat deadline, the oldest pending ACK deadline and the
    /// deadline of a socket still opening.
    pub fn poll_timeout(&self) -> Option<u64> {
        let ack = self
            .pending
            .iter()
            .map(|p| p.first_sent.saturating_add(self.config.ack_timeout_ms))
            .find(|&deadline| !self.is_overdue(deadline));
        let opening = self.link.and_then(|c| c.link.deadline());
        [
            self.reconnect_at,
            self.liveness.next_deadline(),
            ack,
            opening,
            self.held.deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    // ---- deadlines ----

    /// Messages past their ACK deadline fail with `Timeout` and the link is
    /// reset. A check that ran late is only a hint (the ACK may be queued
    /// behind the frozen timer): a PING goes out at once and, since the
    /// server answers in order, its PONG settles it ([`Session::on_pong`]);
    /// no PONG in time and the link is dead.
    fn check_ack_deadlines(&mut self, now: u64) {
        let timeout = self.config.ack_timeout_ms;
        let due: Vec<(i32, u64)> = self
            .pending
            .iter()
            .map(|p| (p.key, p.first_sent.saturating_add(timeout)))
            .skip_while(|&(_, deadline)| self.is_overdue(deadline))
            .take_while(|&(_, deadline)| deadline <= now)
            .collect();
        let (Some(&(_, earliest)), Some(&(_, latest))) = (due.first(), due.last()) else {
            return;
        };
        if woke_late(earliest, now) && self.can_send() {
            self.overdue_through = Some(latest);
            if self.liveness.probe(now) {
                self.send_ping();
                self.ack_probe = self.link.map(|l| l.pings);
            }
            return;
        }
        for (seq, _) in due {
            if let Some(p) = self.pending.remove(&seq) {
                self.fail(p.value, FailReason::Timeout);
            }
        }
        self.warn("ACK timeout: resetting the connection".into());
        self.drop_connection(now);
    }

    /// True when a pending ACK `deadline` awaits the probe's PONG already.
    fn is_overdue(&self, deadline: u64) -> bool {
        self.overdue_through.is_some_and(|t| deadline <= t)
    }

    fn send_ping(&mut self) {
        self.send(Body::Ping);
        if let Some(link) = self.link.as_mut() {
            link.pings = link.pings.wrapping_add(1);
        }
    }

    /// A PONG proves the link; if it answers the probe for late ACK
    /// deadlines, whatever is still unacknowledged will not be.
    fn on_pong(&mut self, now: u64) {
        self.note_health(true, now);
        let Some(link) = self.link.as_mut() else {
            return;
        };
        link.pongs = link.pongs.wrapping_add(1);
        if self.ack_probe.is_none_or(|n| link.pongs < n) {
            return;
        }
        self.ack_probe = None;
        let mut failed = false;
        if let Some(through) = self.overdue_through.take() {
            let timeout = self.config.ack_timeout_ms;
            for p in self.pending.take_expired(through, timeout) {
                self.fail(p.value, FailReason::Timeout);
                failed = true;
            }
        }
        if failed {
            self.warn("ACK timeout: resetting the connection".into());
            self.drop_connection(now);
        }
    }

    // ---- connection lifecycle ----

    fn active(&self) -> bool {
        self.started && !self.background && !self.unreachable && !self.auth_failed
    }

    /// Opens a socket now if the session should be connected and has none.
    fn connect(&mut self, now: u64) {
        if !self.active() || self.link.is_some() {
            return;
        }
        self.reconnect_at = None;
        self.last_conn = self.last_conn.wrapping_add(1);
        let conn = self.last_conn;
        self.link = Some(Connection {
            link: Link::connecting(conn, now.saturating_add(self.config.connect_timeout_ms)),
            seq: 0,
            authed_at: None,
            pings: 0,
            pongs: 0,
        });
        self.io.push_back(Io::Connect {
            conn,
            url: self.config.url.clone(),
        });
        self.set_state(ConnectState::Connecting);
    }

    /// Disconnects without reconnecting (background, offline).
    fn suspend(&mut self) {
        self.reconnect_at = None;
        if self.link.is_some() {
            self.close_link(FailReason::Disconnected, ConnectState::Unconnected);
        }
    }

    /// We judged the link dead: close it and reconnect through the back-off.
    fn drop_connection(&mut self, now: u64) {
        if self.link.is_some() {
            self.note_health(false, now);
            self.close_link(FailReason::Disconnected, ConnectState::Unconnected);
            self.schedule_reconnect(now);
        }
    }

    /// The single close path of a socket: detach and close it, forget its
    /// per-connection state, fail everything pending, report `state`.
    fn close_link(&mut self, reason: FailReason, state: ConnectState) {
        // The batch cannot end now. What it brought is neither delivered nor
        // ACKed: the key was not confirmed past it (a batch is confirmed at
        // its END, after delivery), so the next SYNC brings it again.
        self.held.take();
        self.forget_batch();
        if let Some(c) = self.link.take() {
            self.io.push_back(Io::Close { conn: c.link.id() });
        }
        self.liveness.stop();
        self.sync.on_close();
        self.identities.on_close();
        self.overdue_through = None;
        self.ack_probe = None;
        for p in self.pending.drain() {
            self.fail(p.value, reason);
        }
        self.set_state(state);
    }

    /// The link proved healthy (authenticated, then a PONG or
    /// `healthy_link_ms` of uptime): past failures are forgiven.
    fn note_health(&mut self, pong: bool, now: u64) {
        let Some(authed) = self.link.and_then(|l| l.authed_at) else {
            return;
        };
        if pong || now.saturating_sub(authed) >= self.config.healthy_link_ms {
            self.backoff.reset();
        }
    }

    /// Every connection that ends counts as a failure unless it proved
    /// healthy first ([`Session::note_health`], run before the close).
    fn schedule_reconnect(&mut self, now: u64) {
        if self.active() && self.link.is_none() {
            let delay = self.backoff.next_delay(&mut self.rng);
            self.reconnect_at = Some(now.saturating_add(delay));
            self.events
                .push_back(Event::ReconnectScheduled { delay_ms: delay });
        }
    }

    fn set_state(&mut self, state: ConnectState) {
        if self.state != state {
            self.state = state;
            self.events.push_back(Event::StateChanged(state));
        }
    }

    fn is_open(&self, conn: ConnId) -> bool {
        self.link
            .is_some_and(|c| c.link.is(conn) && c.link.is_open())
    }

    fn can_send(&self) -> bool {
        self.state == ConnectState::Connected && self.link.is_some_and(|c| c.link.is_open())
    }

    // ---- writing ----

    /// Encodes and queues one packet with the next seq; returns that seq.
    fn try_send(&mut self, body: Body, flag: u8) -> Result<i32, codec::EncodeError> {
        let Some(c) = self.link.as_mut().filter(|c| c.link.is_open()) else {
            return Ok(0);
        };
        let seq = c.seq.wrapping_add(1);
        let packet = Packet {
            seq,
            version: self.config.protocol_version,
            flag,
            body,
        };
        let frame = packet.encode()?;
        c.seq = seq;
        let conn = c.link.id();
        self.io.push_back(Io::Send {
            conn,
            frame: Frame::Binary(frame),
        });
        Ok(seq)
    }

    /// Queues a small control packet (it cannot exceed the limits).
    fn send(&mut self, body: Body) {
        if let Err(e) = self.try_send(body, 0) {
            self.warn_because("could not encode a control packet: ", |out| e.describe(out));
        }
    }

    fn send_tracked(
        &mut self,
        kind: Kind,
        receiver: i64,
        body: Body,
        now: u64,
    ) -> Result<MsgToken, SendError> {
        if !self.can_send() {
            return Err(SendError::NotConnected);
        }
        if self.pending.len() >= self.config.max_pending {
            return Err(SendError::OutboxFull);
        }
        let seq = self.try_send(body, 0).map_err(|_| SendError::TooLong)?;
        self.last_token = self.last_token.wrapping_add(1);
        let token = self.last_token;
        let tracked = Tracked {
            kind,
            token,
            receiver,
        };
        self.pending
            .insert(seq, tracked, now)
            .map_err(|_| SendError::OutboxFull)?;
        Ok(token)
    }

    fn send_untracked(&mut self, body: Body) -> Result<(), SendError> {
        if !self.can_send() {
            return Err(SendError::NotConnected);
        }
        self.try_send(body, 0)
            .map(drop)
            .map_err(|_| SendError::TooLong)
    }

    fn apply(&mut self, out: Vec<SyncOutput>) {
        for o in out {
            match o {
                SyncOutput::Send(body) => {
                    match body {
                        Body::Sync { sync_key } => self.identities.requested(Queue::Peer, sync_key),
                        Body::SyncGroup { group_id, sync_key } => {
                            self.identities.requested(Queue::Group(group_id), sync_key)
                        }
                        _ => {}
                    }
                    self.send(body)
                }
                SyncOutput::Emit(event) => self.events.push_back(event),
            }
        }
    }

    fn warn(&mut self, text: String) {
        self.events.push_back(Event::Warning(text));
    }

    /// Warns `start` followed by what `rest` appends (the wasm has no `format!`).
    fn warn_because(&mut self, start: &str, rest: impl FnOnce(&mut String)) {
        let mut text = String::from(start);
        rest(&mut text);
        self.warn(text);
    }

    // ---- outcomes ----

    fn ack(&mut self, t: Tracked) {
        self.events.push_back(match t.kind {
            Kind::Peer => Event::PeerAck(t.token),
            Kind::Group => Event::GroupAck(t.token),
            Kind::Customer => Event::CustomerAck(t.token),
        });
    }

    fn fail(&mut self, t: Tracked, reason: FailReason) {
        let token = t.token;
        self.events.push_back(match t.kind {
            Kind::Peer => Event::PeerFailure { token, reason },
            Kind::Group => Event::GroupFailure { token, reason },
            Kind::Customer => Event::CustomerFailure { token, reason },
        });
    }

    // ---- reading ----

    fn dispatch(&mut self, p: Packet, meta: Option<Metadata>, now: u64) {
        let (seq, flag) = (p.seq, p.flag);
        let mut out = Vec::new();
        match p.body {
            // Not yet proof of health: a proxy may authenticate and drop.
            Body::AuthStatus { status: 0 } => {
                if let Some(link) = self.link.as_mut() {
                    link.authed_at.get_or_insert(now);
                }
            }
            Body::AuthStatus { status } => {
                self.warn_because("authentication refused (status ", |out| {
                    push_int(out, status.into());
                    out.push(')');
                });
                self.events.push_back(Event::AuthRefused(status));
                self.auth_failed = true;
                self.reconnect_at = None;
                self.close_link(FailReason::Disconnected, ConnectState::AuthenticationFail);
            }
            Body::Ack { seq: acked, status } => self.on_ack(acked, status, flag, meta, &mut out),
            Body::Im(m) => self.on_stored(seq, flag, Stored::Peer(m), meta, now, &mut out),
            Body::GroupIm(m) => self.on_stored(seq, flag, Stored::Group(m), meta, now, &mut out),
            Body::Customer(m) => {
                self.on_stored(seq, flag, Stored::Customer(m), meta, now, &mut out)
            }
            Body::GroupNotification(text) => {
                self.events.push_back(Event::GroupNotification(text));
                self.send(Body::Ack { seq, status: None });
            }
            Body::Rt(m) => self
                .events
                .push_back(Event::RtMessage(in_relay(seq, MSG_RT, flag, m))),
            Body::RoomIm(m) => {
                self.events
                    .push_back(Event::RoomMessage(in_relay(seq, MSG_ROOM_IM, flag, m)))
            }
            Body::System(text) => self.events.push_back(Event::SystemMessage(text)),
            Body::Notification(text) => self.events.push_back(Event::Notification(text)),
            Body::Pong => self.on_pong(now),
            Body::SyncBegin { sync_key } => {
                self.release_held(None);
                self.forget_batch();
                self.identities
                    .batch_begin(Queue::Peer, seq, Some(sync_key))
            }
            Body::SyncGroupBegin { group_id, sync_key } => {
                self.release_held(None);
                self.forget_batch();
                self.identities
                    .batch_begin(Queue::Group(group_id), seq, Some(sync_key))
            }
            Body::SyncNotify { sync_key } => self.sync.on_sync_notify(sync_key, now, &mut out),
            Body::SyncEnd { sync_key } => {
                self.identities.batch_end(Queue::Peer, seq, sync_key);
                self.release_held(Some((Queue::Peer, sync_key)));
                self.sync.on_sync_end(sync_key, now, &mut out)
            }
            Body::SyncGroupNotify { group_id, sync_key } => self.sync.on_group_notify(
                group_id,
                sync_key,
                self.config.sync_unknown_groups,
                &mut out,
            ),
            Body::SyncGroupEnd { group_id, sync_key } => {
                self.identities
                    .batch_end(Queue::Group(group_id), seq, sync_key);
                self.release_held(Some((Queue::Group(group_id), sync_key)));
                self.sync.on_group_end(
                    group_id,
                    sync_key,
                    self.config.sync_unknown_groups,
                    &mut out,
                )
            }
            other => self.warn_because("ignored command ", |out| {
                push_uint(out, other.cmd().into());
                out.push_str(" (not sent by servers)");
            }),
        }
        self.apply(out);
    }

    /// Exactly one outcome per tracked message: the ACK with its seq settles it.
    fn on_ack(
        &mut self,
        acked: i32,
        status: Option<u8>,
        flag: u8,
        meta: Option<Metadata>,
        out: &mut Vec<SyncOutput>,
    ) {
        let tracked = self.pending.remove(&acked).map(|p| p.value);
        if let Some(t) = tracked {
            match status {
                None | Some(ACK_OK) => self.ack(t),
                Some(code) => self.fail(t, FailReason::Refused(code)),
            }
        }
        let super_group_gid = (flag & MESSAGE_FLAG_SUPER_GROUP != 0).then(|| {
            tracked
                .filter(|t| t.kind == Kind::Group)
                .map(|t| t.receiver)
        });
        // Our own stored message: the server told us what follows `prev`.
        let queue = match super_group_gid {
            None => Some(Queue::Peer),
            Some(gid) => gid.map(Queue::Group),
        };
        if let (Some(m), Some(q)) = (meta, queue) {
            self.identities.learn_link(q, m.prev_sync_key, m.sync_key);
        }
        self.sync.on_ack(meta, super_group_gid, out);
    }

    /// A stored message (peer, group, customer): a PUSH must pass the
    /// METADATA checks; every processed one is ACKed; a copy of a stored
    /// message already delivered (push and sync, a re-sent sync page, see
    /// [`Identities`]) is ACKed but not delivered again.
    fn on_stored(
        &mut self,
        seq: i32,
        flag: u8,
        msg: Stored,
        meta: Option<Metadata>,
        now: u64,
        out: &mut Vec<SyncOutput>,
    ) {
        let content = msg.content_hash(&self.keys);
        if flag & MESSAGE_FLAG_PUSH == 0 {
            return self.on_synced(seq, flag, msg, content, now);
        }
        let target = if flag & MESSAGE_FLAG_SUPER_GROUP != 0 {
            match &msg {
                Stored::Group(m) => KeyTarget::Group(m.receiver),
                _ => {
                    self.warn("dropped a super-group push that is not a group message".into());
                    return;
                }
            }
        } else {
            KeyTarget::Peer
        };
        // A push during a peer sync may also be in the sync batch; the
        // SYNC_NOTIFY that follows it fetches it if it is not.
        if target == KeyTarget::Peer && self.sync.is_syncing() {
            return;
        }
        let (Some(key), Some(m)) = (self.sync.check_push(meta, target), meta) else {
            // Not contiguous: the SYNC_NOTIFY that follows brings it by sync.
            return;
        };
        let queue = match target {
            KeyTarget::Peer => Queue::Peer,
            KeyTarget::Group(gid) => Queue::Group(gid),
        };
        self.identities
            .learn_link(queue, m.prev_sync_key, m.sync_key);
        let ids = self
            .identities
            .of_push(queue, m.prev_sync_key, seq, content);
        self.deliver(ids, seq, flag, msg, content, now);
        self.send(Body::Ack { seq, status: None });
        self.sync.adopt(target, key, out);
    }

    /// A stored message that came without PUSH: held until its batch's END
    /// while the batch is open, delivered otherwise; ACKed once delivered
    /// (or known as a copy), as the server may then forget it. An answer to
    /// a request waits for its END [`super::held::HELD_MAX_MS`] at most (a slow page is
    /// then identified when the END comes); a repeated answer waits for its
    /// END, as only the END can tell its messages apart from new ones.
    fn on_synced(&mut self, seq: i32, flag: u8, msg: Stored, content: u64, now: u64) {
        let open = self.identities.open_batch_of(seq);
        let held = Held {
            seq,
            flag,
            msg,
            content,
            at: now,
            queue: open.map(|b| b.queue),
        };
        if let (Some(OpenBatch { unsolicited, .. }), true) = (open, self.held.has_room_for(&held)) {
            self.held.push(held, now, !unsolicited);
        } else {
            self.release_held(None);
            self.deliver_early(held);
        }
    }

    /// Delivers the synced messages held for their batch's END, in arrival
    /// order: at the END (`end`: its queue and key, so they carry its
    /// identity), or before it when waiting is no longer worth it (the hold
    /// is full or held too long; their identity is recorded if the END still
    /// comes). A closed link drops them instead ([`Session::close_link`]).
    fn release_held(&mut self, end: Option<(Queue, i64)>) {
        let held = self.held.take();
        let Some((queue, key)) = end else {
            return held.into_iter().for_each(|h| self.deliver_early(h));
        };
        let early = core::mem::take(&mut self.early);
        let of_end = |q: Option<Queue>| q == Some(queue);
        // Places from the end count distinct server seqs, so a repeated
        // frame or other frames between the messages do not shift them.
        // (A sorted insert: seqs come nearly in order, and it spares the
        // wasm a sort routine.)
        let mut seqs: Vec<i32> = Vec::new();
        let all =
            (held.iter().map(|h| (h.queue, h.seq))).chain(early.iter().map(|e| (e.queue, e.seq)));
        for (_, seq) in all.filter(|&(q, _)| of_end(q)) {
            if let Err(at) = seqs.binary_search(&seq) {
                seqs.insert(at, seq);
            }
        }
        let back = |seq: i32| (seqs.len() - seqs.partition_point(|&s| s <= seq)) as u32;
        for e in early.iter().filter(|e| of_end(e.queue)) {
            let id = Identities::before_end(queue, e.group, key, back(e.seq), e.content);
            if let Some(id) = id {
                self.seen.insert(id, e.at);
            }
        }
        for h in held {
            let anchor = of_end(h.queue)
                .then(|| {
                    Identities::before_end(queue, h.msg.group_id(), key, back(h.seq), h.content)
                })
                .flatten();
            self.deliver_synced(h, anchor);
        }
    }

    /// Delivers a synced message before its batch's END, remembering what
    /// the END would need to give it its identity (bounded like the hold).
    fn deliver_early(&mut self, h: Held) {
        if h.queue.is_some() && self.early.len() < HELD_CAPACITY {
            self.early.push(Early {
                seq: h.seq,
                content: h.content,
                group: h.msg.group_id(),
                queue: h.queue,
                at: h.at,
            });
        }
        self.deliver_synced(h, None);
    }

    /// The batch ended without its END (a new BEGIN, the link closed).
    fn forget_batch(&mut self) {
        self.early.clear();
    }

    fn deliver_synced(&mut self, h: Held, anchor: Option<StoredId>) {
        let mut ids = self
            .identities
            .of_synced(h.msg.group_id(), h.seq, h.content);
        if let Some(anchor) = anchor {
            ids.push(anchor);
        }
        self.deliver(ids, h.seq, h.flag, h.msg, h.content, h.at);
        self.send(Body::Ack {
            seq: h.seq,
            status: None,
        });
    }

    /// Emits a stored message unless one of its identities was seen (a copy)
    /// or it is the twin of a note to oneself; remembers its identities.
    fn deliver(&mut self, ids: Ids, seq: i32, flag: u8, msg: Stored, content: u64, now: u64) {
        // One pass: recording an identity tells whether it was seen (the
        // window is endless, so "remembered" is "seen within it"); one
        // listed twice is not a sighting of its own.
        let mut copy = false;
        for (i, id) in ids.iter().enumerate() {
            let fresh = self.seen.insert(*id, now);
            copy |= !fresh && !ids[..i].contains(id);
        }
        let twin = !copy && msg.is_note_to_self() && self.self_notes.is_twin(content, now);
        if !copy && !twin {
            self.events.push_back(msg.into_event(seq, flag));
        }
    }
}

/// A summary without credentials: queued frames (the AUTH frame holds the
/// token) are counted, not shown.
impl core::fmt::Debug for Session {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.config)
            .field("state", &self.state)
            .field("started", &self.started)
            .field("auth_failed", &self.auth_failed)
            .field("link", &self.link)
            .field("reconnect_at", &self.reconnect_at)
            .field("backoff_failures", &self.backoff.failures())
            .field("sync_key", &self.sync.sync_key)
            .field("pending", &self.pending.len())
            .field("queued_io", &self.io.len())
            .field("queued_events", &self.events.len())
            .field("held", &self.held.len())
            .finish_non_exhaustive()
    }
}

/// What identifies a synced message delivered before its batch's END.
#[derive(Debug)]
struct Early {
    seq: i32,
    content: u64,
    group: Option<i64>,
    queue: Option<Queue>,
    at: u64,
}

/// A synced message held for its batch's END, with when it arrived.
struct Held {
    seq: i32,
    flag: u8,
    msg: Stored,
    content: u64,
    at: u64,
    /// The queue of its open batch; `None` when it came outside one.
    queue: Option<Queue>,
}

impl core::fmt::Debug for Held {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Held")
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

impl Weigh for Held {
    /// Content bytes plus the fixed fields.
    fn weight(&self) -> usize {
        let text = match &self.msg {
            Stored::Peer(m) | Stored::Group(m) => m.content.len(),
            Stored::Customer(m) => m.content.len(),
        };
        text + core::mem::size_of::<Self>()
    }
}

/// A received message that is stored by the server and ACKed by the client.
enum Stored {
    Peer(Im),
    Group(Im),
    Customer(Customer),
}

impl Stored {
    /// A hash of the fields, part of every identity: the same stored message
    /// has the same fields whether it came by push or by sync (flags differ,
    /// so they are left out). Alone it is no identity: two messages "ok" in
    /// one second are different messages.
    fn content_hash(&self, keys: &HashKeys) -> u64 {
        let mut h = keys.build_hasher();
        match self {
            Stored::Peer(m) | Stored::Group(m) => {
                matches!(self, Stored::Group(_)).hash(&mut h);
                (m.sender, m.receiver, m.timestamp, m.msgid, &m.content).hash(&mut h);
            }
            Stored::Customer(m) => {
                (MSG_CUSTOMER, m.sender_app_id, m.sender, m.receiver_app_id).hash(&mut h);
                (m.receiver, m.timestamp, &m.content).hash(&mut h);
            }
        }
        h.finish()
    }

    /// The group of a group message (it may be in a super group's batch).
    fn group_id(&self) -> Option<i64> {
        match self {
            Stored::Group(m) => Some(m.receiver),
            _ => None,
        }
    }

    /// A peer message from this user to this user (stored twice by the server).
    fn is_note_to_self(&self) -> bool {
        matches!(self, Stored::Peer(m) if m.sender == m.receiver)
    }

    fn into_event(self, seq: i32, flag: u8) -> Event {
        let is_self = flag & MESSAGE_FLAG_SELF != 0;
        let in_msg = |cmd: u8, m: Im| InMessage {
            seq,
            cmd,
            flag,
            is_self,
            sender: m.sender,
            receiver: m.receiver,
            timestamp: m.timestamp,
            msgid: m.msgid,
            content: m.content,
        };
        match self {
            Stored::Peer(m) => Event::PeerMessage(in_msg(MSG_IM, m)),
            Stored::Group(m) => Event::GroupMessage(in_msg(MSG_GROUP_IM, m)),
            Stored::Customer(m) => Event::CustomerMessage(InCustomerMessage {
                seq,
                cmd: MSG_CUSTOMER,
                flag,
                is_self,
                sender_app_id: m.sender_app_id,
                sender: m.sender,
                receiver_app_id: m.receiver_app_id,
                receiver: m.receiver,
                timestamp: m.timestamp,
                content: m.content,
            }),
        }
    }
}

fn out_im(m: OutMessage) -> Im {
    Im {
        sender: m.sender,
        receiver: m.receiver,
        timestamp: m.timestamp,
        msgid: m.msg_local_id,
        content: m.content,
    }
}

fn out_relay(m: OutMessage) -> Relay {
    Relay {
        sender: m.sender,
        receiver: m.receiver,
        content: m.content,
    }
}

fn in_relay(seq: i32, cmd: u8, flag: u8, m: Relay) -> InRelayMessage {
    InRelayMessage {
        seq,
        cmd,
        flag,
        sender: m.sender,
        receiver: m.receiver,
        content: m.content,
    }
}
