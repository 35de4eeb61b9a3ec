//! Drives a GoBelieve [`Session`] with an op list decoded from fuzz bytes:
//! app calls (start, stop, sends, rooms, keys, settings), driver events
//! (open, close, stale sockets) and server frames (valid packets, ACKs of
//! what was sent, raw bytes), interleaved with clock ticks.
//!
//! After every op the harness drains `poll_io` and `poll_event` and checks:
//! - one socket at a time, connect ids increasing, a close for every socket
//!   the driver reports closed, frames only on the open socket, every frame
//!   decodable, under the size limit and numbered 1, 2, 3… per connection,
//!   the first one being AUTH_TOKEN;
//! - every state change is a change, and `state()` agrees with the last one;
//! - at most one outcome (ACK or failure) per accepted send, of its kind,
//!   never more accepted sends waiting than `max_pending`, none waiting
//!   outside state CONNECTED, and a waiting send always has a deadline;
//! - the clock never spins: `handle_timeout(now)` settles in a few calls;
//! - after the final `stop()`, every accepted send has had its outcome.

use crate::gobelieve_gen;
use crate::input::{clock_step_back, millis, start_time, Input};
use crate::socket_model::SocketModel;
use imsdk::core::backoff::BackoffConfig;
use imsdk::core::gobelieve::codec::{self, Body, Im, Packet};
use imsdk::core::gobelieve::command::*;
use imsdk::core::gobelieve::{
    Config, ConnectState, Event, MsgToken, OutCustomerMessage, OutMessage, Session,
};
use imsdk::core::io::{ConnId, Frame, Io};
use std::collections::HashMap;

/// Longest op list run per input (keeps one input fast).
const MAX_OPS: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Peer,
    Group,
    Customer,
}

fn config(inp: &mut Input) -> Config {
    Config {
        url: "ws://127.0.0.1:1/ws".into(),
        access_token: inp.text(255),
        device_id: inp.text(255),
        platform_id: inp.u8(),
        protocol_version: inp.pick(&[2, 1, 0]),
        ack_timeout_ms: millis(inp),
        connect_timeout_ms: millis(inp),
        heartbeat_ms: millis(inp),
        pong_timeout_ms: millis(inp),
        backoff: BackoffConfig {
            base_ms: millis(inp),
            cap_ms: millis(inp),
        },
        sync_unknown_groups: inp.bool(),
        max_pending: inp.pick(&[1_000, 0, 1, 2, 3]),
        healthy_link_ms: millis(inp),
    }
}

fn out_message(inp: &mut Input) -> OutMessage {
    OutMessage {
        sender: inp.edgy_i64(),
        receiver: inp.edgy_i64(),
        content: inp.text(MAX_BODY_LEN - 28),
        timestamp: inp.i32(),
        msg_local_id: inp.i32(),
    }
}

/// The model of what the driver and the app have seen so far.
struct Harness {
    s: Session,
    now: u64,
    max_pending: usize,
    /// The socket the session asked for and has not closed yet.
    sock: SocketModel,
    /// Seq of the last frame written on `live` (0 before the first).
    out_seq: i32,
    /// Seqs of tracked messages written on `live`, for the server's ACKs.
    sent_seqs: Vec<i32>,
    /// The server's own packet counter.
    server_seq: i32,
    state: ConnectState,
    waiting: HashMap<MsgToken, Kind>,
    /// Groups the app registered (each adds one SYNC_GROUP per connect).
    groups: usize,
}

impl Harness {
    fn new(config: Config, seed: u64, now: u64) -> Self {
        Harness {
            max_pending: config.max_pending,
            s: Session::new(config, seed),
            now,
            sock: SocketModel::default(),
            out_seq: 0,
            sent_seqs: Vec::new(),
            server_seq: 0,
            state: ConnectState::Unconnected,
            waiting: HashMap::new(),
            groups: 0,
        }
    }

    fn accepted(&mut self, r: Result<MsgToken, impl std::fmt::Debug>, kind: Kind) {
        if let Ok(token) = r {
            assert!(
                self.waiting.insert(token, kind).is_none(),
                "token {token} handed out twice"
            );
        }
    }

    fn outcome(&mut self, token: MsgToken, kind: Kind) {
        assert_eq!(
            self.waiting.remove(&token),
            Some(kind),
            "outcome for token {token} that is not waiting (or of another kind)"
        );
    }

    fn on_io(&mut self, io: Io) {
        crate::trace!("  io {io:?}");
        if matches!(io, Io::Connect { .. }) {
            self.out_seq = 0;
            self.sent_seqs.clear();
        }
        if let Some(frame) = self.sock.check(io) {
            let Frame::Binary(bytes) = frame else {
                panic!("GoBelieve writes binary frames only")
            };
            assert!(
                bytes.len() < HEADER_SIZE + MAX_BODY_LEN,
                "frame over the limit"
            );
            let p = codec::decode(&bytes).expect("the session wrote a frame it cannot decode");
            assert_eq!(
                p.seq,
                self.out_seq.wrapping_add(1),
                "seq must count 1, 2, 3…"
            );
            if self.out_seq == 0 {
                assert_eq!(
                    p.cmd(),
                    MSG_AUTH_TOKEN,
                    "the first packet must authenticate"
                );
            }
            self.out_seq = p.seq;
            if matches!(p.body, Body::Im(_) | Body::GroupIm(_) | Body::Customer(_)) {
                self.sent_seqs.push(p.seq);
            }
        }
    }

    fn on_event(&mut self, e: Event) {
        crate::trace!("  event {e:?}");
        match e {
            Event::StateChanged(s) => {
                assert_ne!(s, self.state, "state change to the same state");
                self.state = s;
            }
            Event::PeerAck(t) | Event::PeerFailure { token: t, .. } => self.outcome(t, Kind::Peer),
            Event::GroupAck(t) | Event::GroupFailure { token: t, .. } => {
                self.outcome(t, Kind::Group)
            }
            Event::CustomerAck(t) | Event::CustomerFailure { token: t, .. } => {
                self.outcome(t, Kind::Customer)
            }
            _ => {}
        }
    }

    /// Drains both queues and checks the invariants that hold between calls.
    fn settle(&mut self) {
        let budget = 64 + self.groups + self.max_pending.min(1_000);
        let mut ios = 0;
        while let Some(io) = self.s.poll_io() {
            ios += 1;
            assert!(
                ios <= budget,
                "one call queued over {budget} socket requests"
            );
            self.on_io(io);
        }
        let mut events = 0;
        while let Some(e) = self.s.poll_event() {
            events += 1;
            assert!(events <= budget, "one call queued over {budget} events");
            self.on_event(e);
        }
        assert_eq!(
            self.s.state(),
            self.state,
            "state() disagrees with the events"
        );
        assert!(
            self.waiting.len() <= self.max_pending,
            "more waiting than max_pending"
        );
        if self.state != ConnectState::Connected {
            assert!(self.waiting.is_empty(), "sends waiting while not connected");
        }
        if !self.waiting.is_empty() || (self.sock.live.is_some() && !self.sock.opened) {
            assert!(
                self.s.poll_timeout().is_some(),
                "something waits without a deadline"
            );
        }
    }

    /// Runs the timers at `now` as a driver would: again while the session
    /// asks for `now` or earlier; a few rounds must settle it.
    fn tick(&mut self) {
        for _ in 0..4 {
            self.s.handle_timeout(self.now);
            self.settle();
            match self.s.poll_timeout() {
                Some(t) if t <= self.now => continue,
                _ => return,
            }
        }
        panic!("handle_timeout({}) keeps asking for itself", self.now);
    }

    fn server_frame(&mut self, inp: &mut Input) {
        let Some(conn) = self.sock.live else { return };
        self.server_seq = self.server_seq.wrapping_add(1);
        let seq = match inp.u8() % 4 {
            0 => inp.i32(),
            _ => self.server_seq,
        };
        let version = self.s.config().protocol_version;
        let flag = inp.pick(&[
            0,
            MESSAGE_FLAG_PUSH,
            MESSAGE_FLAG_PUSH | MESSAGE_FLAG_SUPER_GROUP,
            MESSAGE_FLAG_SELF,
            MESSAGE_FLAG_SUPER_GROUP,
            0xff,
        ]);
        let key = |inp: &mut Input| inp.pick(&[0i64, 1, 2, 3, 10, 11, i64::MAX, -1]);
        let body = match inp.u8() % 12 {
            // The ACK of something we sent, with or without a status.
            0..=2 => {
                let acked = match self.sent_seqs.as_slice() {
                    [] => inp.i32(),
                    seqs => seqs[inp.u8() as usize % seqs.len()],
                };
                let status = match version {
                    2 => Some(inp.pick(&[ACK_OK, ACK_OK, ACK_NOT_MY_FRIEND, ACK_GROUP_NONEXIST])),
                    _ => None,
                };
                Body::Ack { seq: acked, status }
            }
            3 => Body::AuthStatus {
                status: inp.pick(&[0, 0, 0, 1, -1]),
            },
            4 => Body::Metadata {
                sync_key: key(inp),
                prev_sync_key: key(inp),
            },
            5 => Body::Im(Im {
                sender: key(inp),
                receiver: key(inp),
                timestamp: inp.i32(),
                msgid: inp.pick(&[1, 2, 3]),
                content: inp.text(MAX_BODY_LEN - 40),
            }),
            6 => Body::GroupIm(Im {
                sender: key(inp),
                receiver: key(inp),
                timestamp: inp.i32(),
                msgid: inp.pick(&[1, 2, 3]),
                content: inp.text(64),
            }),
            7 => Body::SyncNotify { sync_key: key(inp) },
            8 => Body::SyncEnd { sync_key: key(inp) },
            9 => Body::SyncGroupNotify {
                group_id: key(inp),
                sync_key: key(inp),
            },
            10 => Body::SyncGroupEnd {
                group_id: key(inp),
                sync_key: key(inp),
            },
            _ => gobelieve_gen::body(inp),
        };
        let packet = Packet {
            seq,
            version,
            flag,
            body,
        };
        if let Ok(frame) = packet.encode() {
            self.s.handle_binary(conn, &frame, self.now);
        }
    }

    /// A socket id the session no longer (or never) used.
    fn stale_conn(&self, inp: &mut Input) -> ConnId {
        let conn = match inp.u8() % 3 {
            0 => self.sock.last_conn.wrapping_sub(1),
            1 => self.sock.last_conn.wrapping_add(1),
            _ => inp.u32(),
        };
        if Some(conn) == self.sock.live {
            conn ^ 0x8000_0000
        } else {
            conn
        }
    }

    fn step(&mut self, inp: &mut Input) {
        let now = self.now;
        let op = inp.u8();
        crate::trace!("op {op} at {now}");
        match op % 26 {
            0 => self.s.start(now),
            1 => self.s.stop(now),
            2 => self.s.enter_background(now),
            3 => self.s.enter_foreground(now),
            4 => self.s.handle_connectivity_change(inp.bool(), now),
            5 => self.s.network_online(now),
            6 => self.s.set_access_token(inp.text(300), now),
            7 => match inp.u8() % 4 {
                0 => self.s.set_sync_key(inp.edgy_i64()),
                1 => {
                    self.groups += 1;
                    self.s
                        .add_super_group_sync_key(inp.pick(&[1, 2, 3, 10]), inp.edgy_i64())
                }
                2 => self.s.remove_super_group_sync_key(inp.pick(&[1, 2, 3, 10])),
                _ => self.s.clear_super_group_sync_key(),
            },
            8 => self.s.enter_room(inp.pick(&[0, 1, 2, i64::MAX]), now),
            9 => self.s.leave_room(inp.pick(&[0, 1, 2, i64::MAX]), now),
            10 | 11 => {
                let r = self.s.send_peer_message(out_message(inp), now);
                self.accepted(r, Kind::Peer);
            }
            12 => {
                let r = self.s.send_group_message(out_message(inp), now);
                self.accepted(r, Kind::Group);
            }
            13 => {
                let m = OutCustomerMessage {
                    sender_app_id: inp.edgy_i64(),
                    sender: inp.edgy_i64(),
                    receiver_app_id: inp.edgy_i64(),
                    receiver: inp.edgy_i64(),
                    content: inp.text(MAX_BODY_LEN - 44),
                    timestamp: inp.i32(),
                };
                let r = self.s.send_customer_message(m, now);
                self.accepted(r, Kind::Customer);
            }
            14 => {
                let _ = self.s.send_rt_message(out_message(inp), now);
            }
            15 => {
                let _ = self.s.send_room_message(out_message(inp), now);
            }
            16 => {
                let (a, b, c, d) = (millis(inp), millis(inp), millis(inp), millis(inp));
                let version = inp.pick(&[2, 1]);
                self.s.update_config(|cfg| {
                    cfg.ack_timeout_ms = a;
                    cfg.heartbeat_ms = b;
                    cfg.pong_timeout_ms = c;
                    cfg.backoff.base_ms = d;
                    cfg.protocol_version = version;
                });
            }
            17 | 18 => {
                if let Some(conn) = self.sock.live {
                    self.s.handle_open(conn, now);
                    self.sock.opened = true;
                }
            }
            19 => {
                if let Some(conn) = self.sock.live {
                    self.s.handle_close(conn, inp.bool(), now);
                    self.settle();
                    assert_eq!(
                        self.sock.live, None,
                        "a reported close was not answered by Close"
                    );
                }
            }
            20 => {
                let conn = self.stale_conn(inp);
                match inp.u8() % 4 {
                    0 => self.s.handle_open(conn, now),
                    1 => self.s.handle_close(conn, inp.bool(), now),
                    2 => self.s.handle_binary(conn, inp.bytes(40), now),
                    _ => self.s.handle_text(conn, "x", now),
                }
            }
            21..=23 => self.server_frame(inp),
            24 => {
                if let Some(conn) = self.sock.live {
                    let n = inp.u8() as usize;
                    self.s.handle_binary(conn, inp.bytes(n), now);
                }
            }
            _ => {
                match inp.u8() % 4 {
                    0 => {
                        if let Some(t) = self.s.poll_timeout() {
                            self.now = self.now.max(t);
                        }
                    }
                    1 => self.now = self.now.saturating_add(inp.u16() as u64),
                    2 => self.now = self.now.saturating_add(millis(inp)),
                    _ => self.now = clock_step_back(self.now, inp),
                }
                self.tick();
            }
        }
        self.settle();
    }
}

/// Runs one op list and its final checks.
pub fn run(data: &[u8]) {
    let mut inp = Input::new(data);
    let config = config(&mut inp);
    let start = start_time(&mut inp);
    let mut h = Harness::new(config, inp.u64(), start);
    for _ in 0..MAX_OPS {
        if inp.is_empty() {
            break;
        }
        h.step(&mut inp);
    }
    h.s.stop(h.now);
    h.settle();
    assert!(h.waiting.is_empty(), "stop() left sends without an outcome");
    assert_eq!(h.sock.live, None, "stop() left a socket open");
}
