//! Seeded random operation sequences through the fake clock (issue 7 B):
//! sends, ACKs (some refused, some withheld), new stored messages pushed by
//! the server, sync answers sent twice, duplicated and reordered inbound
//! frames, cuts, time jumps forward and backward, stop/start; the [`Ledger`] checks its invariants
//! after every step, and a final fault-free phase checks that every stored
//! message reached the app.
//!
//! The fake server keeps the user's peer queue like the reference server
//! (increasing keys, SYNC answers with BEGIN, up to a batch, END, NOTIFY
//! when more remain; a PUSH is METADATA + message + NOTIFY).

mod ledger;

use super::*;
use crate::core::property::{self, Figures, Scenario};
use ledger::Ledger;
use std::collections::{BTreeMap, VecDeque};

const SEEDS: u64 = 6;
const STEPS_PER_SEED: u64 = 20_000;
const SYNC_BATCH: usize = 4;

/// The fake server and the in-flight frames of the current socket.
struct Server {
    /// The user's peer queue: (key, message id).
    queue: Vec<(i64, u32)>,
    stored_key: i64,
    next_key: i64,
    conn: Option<ConnId>,
    /// A connect asked for and not opened yet.
    connecting: Option<ConnId>,
    seq: i32,
    /// Frames on their way to the client.
    inbox: VecDeque<Vec<u8>>,
    /// Which stored message each server seq of this socket carried.
    carried: BTreeMap<i32, u32>,
    /// Answer PINGs (off: a stalled link).
    alive: bool,
}

fn content(id: u32) -> String {
    format!("m{id}")
}

impl Server {
    fn frame(&mut self, flag: u8, body: Body) -> i32 {
        self.seq += 1;
        let p = Packet {
            seq: self.seq,
            version: 2,
            flag,
            body,
        };
        self.inbox.push_back(p.encode().unwrap());
        self.seq
    }

    fn message(&mut self, flag: u8, id: u32) {
        let seq = self.frame(flag, Body::Im(im(2, 1, 0, &content(id))));
        self.carried.insert(seq, id);
    }

    /// One answer, or now and then two (a server-side retry of the page).
    fn sync(&mut self, key: i64, rng: &mut Rng) {
        let key = if key == 0 { self.stored_key } else { key };
        let after: Vec<(i64, u32)> = self.queue.iter().copied().filter(|m| m.0 > key).collect();
        let batch = &after[..after.len().min(SYNC_BATCH)];
        let last = batch.last().map_or(key, |m| m.0);
        let copies = if rng.up_to(8) == 0 { 2 } else { 1 };
        for _ in 0..copies {
            self.frame(0, Body::SyncBegin { sync_key: last });
            for &(_, id) in batch {
                self.message(0, id);
            }
            self.frame(0, Body::SyncEnd { sync_key: last });
        }
        if after.len() > batch.len() {
            self.frame(0, Body::SyncNotify { sync_key: last + 1 });
        }
    }

    /// A new stored message; pushed if a socket is up.
    fn store(&mut self, id: u32, rng: &mut Rng) {
        self.next_key += 1 + rng.up_to(3) as i64;
        let prev = self.queue.last().map_or(0, |m| m.0);
        let key = self.next_key;
        self.queue.push((key, id));
        if self.conn.is_some() {
            self.frame(0, meta(key, prev));
            self.message(MESSAGE_FLAG_PUSH, id);
            self.frame(0, Body::SyncNotify { sync_key: key });
        }
    }

    /// A client frame arrived. Returns the message the client ACKed, if any.
    fn receive(&mut self, bytes: &[u8], rng: &mut Rng) -> Option<u32> {
        let p = codec::decode(bytes).expect("the client writes valid frames");
        match p.body {
            Body::AuthToken { .. } => {
                self.frame(0, Body::AuthStatus { status: 0 });
            }
            Body::Sync { sync_key } => self.sync(sync_key, rng),
            Body::SyncKey { sync_key } => self.stored_key = self.stored_key.max(sync_key),
            Body::Ping if self.alive => {
                self.frame(0, Body::Pong);
            }
            Body::Im(_) => match rng.up_to(9) {
                0 => {} // withheld (a muted sender): no ACK
                1 => {
                    self.frame(
                        0,
                        Body::Ack {
                            seq: p.seq,
                            status: Some(1),
                        },
                    );
                }
                _ => {
                    self.frame(
                        0,
                        Body::Ack {
                            seq: p.seq,
                            status: Some(0),
                        },
                    );
                }
            },
            Body::Ack { seq, .. } => return self.carried.get(&seq).copied(),
            _ => {}
        }
        None
    }

    fn socket_gone(&mut self) {
        self.conn = None;
        self.inbox.clear();
        self.carried.clear();
    }
}

/// One run: the session, the server, the clock and the ledger.
struct Run {
    s: Session,
    server: Server,
    rng: Rng,
    now: u64,
    ledger: Ledger<MsgToken, u32>,
    next_msg: u32,
    ops: usize,
}

impl Run {
    fn new(seed: u64) -> Self {
        Run {
            s: Session::new(config(), seed),
            server: Server {
                queue: vec![],
                stored_key: 0,
                next_key: 100,
                conn: None,
                connecting: None,
                seq: 0,
                inbox: VecDeque::new(),
                carried: BTreeMap::new(),
                alive: true,
            },
            rng: Rng::new(seed.wrapping_mul(0x9E37_79B9) | 1),
            now: 10_000_000,
            ledger: Ledger::default(),
            next_msg: 0,
            ops: 0,
        }
    }

    /// Moves the session's output to the server and the ledger.
    fn pump(&mut self) {
        // Events first: the session queues a delivery before its ACK.
        while let Some(e) = self.s.poll_event() {
            match e {
                Event::PeerMessage(m) => {
                    let id = m.content[1..].parse().expect("a stored message");
                    self.ledger.delivered(id);
                }
                Event::PeerAck(t) | Event::PeerFailure { token: t, .. } => self.ledger.outcome(t),
                _ => {}
            }
        }
        while let Some(io) = self.s.poll_io() {
            match io {
                Io::Connect { conn, .. } => {
                    self.server.socket_gone();
                    self.server.connecting = Some(conn);
                }
                Io::Send { conn, frame } => {
                    let Frame::Binary(bytes) = frame else {
                        panic!("text frame")
                    };
                    if std::env::var_os("PROP_TRACE").is_some() {
                        eprintln!(
                            "  client writes {:?}",
                            codec::decode(&bytes).map(|p| (p.seq, p.body))
                        );
                    }
                    if Some(conn) == self.server.conn {
                        if let Some(id) = self.server.receive(&bytes, &mut self.rng) {
                            self.ledger.acked(id);
                        }
                    }
                }
                Io::Close { conn } => {
                    if Some(conn) == self.server.conn {
                        self.server.socket_gone();
                    }
                    if Some(conn) == self.server.connecting {
                        self.server.connecting = None;
                    }
                }
            }
        }
    }

    /// Delivers the next in-flight frame, maybe twice or swapped with the
    /// one behind it. A SYNC_END never overtakes a message: a transport
    /// that did would make the confirmed key skip it whatever the client does;
    /// nor does a message overtake its SYNC_BEGIN: the client could not tell
    /// it from one outside the batch (a WebSocket reorders neither).
    fn deliver(&mut self, faults: bool) {
        let Some(conn) = self.server.conn else { return };
        if faults && self.rng.up_to(9) == 0 && self.server.inbox.len() >= 2 {
            let fixed = |f: &Vec<u8>| f[8] == MSG_SYNC_END || f[8] == MSG_SYNC_BEGIN;
            if !fixed(&self.server.inbox[0]) && !fixed(&self.server.inbox[1]) {
                self.server.inbox.swap(0, 1);
            }
        }
        let Some(frame) = self.server.inbox.pop_front() else {
            return;
        };
        if faults && self.rng.up_to(14) == 0 {
            self.server.inbox.push_front(frame.clone());
        }
        if std::env::var_os("PROP_TRACE").is_some() {
            eprintln!(
                "deliver {:?}",
                codec::decode(&frame).map(|p| (p.seq, p.flag, p.body))
            );
        }
        self.s.handle_binary(conn, &frame, self.now);
    }

    fn operate(&mut self) {
        self.ops += 1;
        let op = self.rng.up_to(99);
        if std::env::var_os("PROP_TRACE").is_some() {
            eprintln!(
                "op {op} now {} conn {:?} key {}",
                self.now,
                self.server.conn,
                self.s.sync_key()
            );
        }
        match op {
            0..=34 => self.deliver(true),
            35..=44 => {
                self.next_msg += 1;
                let id = self.next_msg;
                self.server.store(id, &mut self.rng);
            }
            45..=54 => {
                let m = OutMessage {
                    content: format!("out{}", self.ops),
                    ..msg("")
                };
                if let Ok(t) = self.s.send_peer_message(m, self.now) {
                    self.ledger.accepted(t);
                }
            }
            55..=59 => {
                if let Some(conn) = self.server.connecting.take() {
                    self.server.conn = Some(conn);
                    self.server.seq = 0;
                    self.s.handle_open(conn, self.now);
                }
            }
            60..=62 => {
                // A cut: the socket dies, the client hears of it (or not).
                let conn = self.server.conn.or(self.server.connecting);
                self.server.socket_gone();
                self.server.connecting = None;
                if let (Some(conn), true) = (conn, self.rng.up_to(3) != 0) {
                    self.s.handle_close(conn, self.rng.up_to(1) == 0, self.now);
                }
            }
            63..=64 => self.server.alive = !self.server.alive,
            65..=84 => {
                self.now += self.rng.up_to(3_000);
                self.s.handle_timeout(self.now);
            }
            85..=89 => {
                // Run the next deadline, sometimes late.
                if let Some(at) = self.s.poll_timeout() {
                    let late = [0, 0, 100, 65_000][self.rng.up_to(3) as usize];
                    self.now = self.now.max(at) + late;
                    self.s.handle_timeout(self.now);
                }
            }
            90..=91 => {
                self.now += 100_000 + self.rng.up_to(900_000);
                self.s.handle_timeout(self.now);
            }
            92..=93 => {
                self.now = self.now.saturating_sub(self.rng.up_to(120_000));
                self.s.handle_timeout(self.now);
            }
            94..=95 => self.s.stop(self.now),
            96..=97 => self.s.start(self.now),
            _ => self.s.network_online(self.now),
        }
        self.pump();
    }

    /// No more faults: stop and start, answer everything until quiet.
    fn settle(&mut self) {
        self.s.stop(self.now);
        self.pump();
        self.ledger.settled();
        self.server.alive = true;
        self.s.start(self.now);
        self.pump();
        for _ in 0..10_000 {
            if let Some(conn) = self.server.connecting.take() {
                self.server.conn = Some(conn);
                self.server.seq = 0;
                self.s.handle_open(conn, self.now);
            } else if !self.server.inbox.is_empty() {
                self.deliver(false);
            } else if self.server.queue.iter().all(|&(_, id)| self.ledger.has(id)) {
                break;
            } else {
                self.now += 1_000;
                self.s.handle_timeout(self.now);
            }
            self.pump();
        }
        let missing: Vec<u32> = self
            .server
            .queue
            .iter()
            .map(|&(_, id)| id)
            .filter(|&id| !self.ledger.has(id))
            .collect();
        assert!(missing.is_empty(), "never delivered: {missing:?}");
        self.s.stop(self.now);
        self.pump();
        self.ledger.settled();
    }
}

impl Scenario for Run {
    fn start(seed: u64) -> Self {
        let mut run = Run::new(seed);
        // A saved key (the app restores it): a sync from 0 would mean "the
        // server's stored key", whose pages have no known position.
        run.s.set_sync_key(100);
        run.s.start(run.now);
        run.pump();
        run
    }

    fn step(&mut self) {
        self.operate();
    }

    fn finish(&mut self) {
        self.settle();
    }

    fn figures(&self) -> Figures {
        Figures {
            ops: self.ops as u64,
            sends: self.ledger.sends() as u64,
            deliveries: self.ledger.deliveries() as u64,
        }
    }
}

#[test]
fn random_operations_keep_every_delivery_promise() {
    let per_seed = property::run::<Run>("GoBelieve", 1..=SEEDS, STEPS_PER_SEED);
    let total = property::total(&per_seed);
    assert!(total.ops >= 100_000);
    assert!(total.sends > 1_000 && total.deliveries > 1_000, "{total:?}");
}
