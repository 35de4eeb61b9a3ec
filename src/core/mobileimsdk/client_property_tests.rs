//! Seeded random operation sequences through the fake-clock harness: the
//! app sends (QoS and not, fingerprints reused), logs in and out, releases;
//! a scripted server opens or fails connections, accepts or refuses logins,
//! ACKs, kicks out, cuts links, duplicates and reorders its frames; the
//! clock jumps forward and back and timers fire on time or late.
//!
//! Checked after every step:
//! - each accepted QoS send has at most one outcome (`MessageBeReceived` or
//!   one entry of `MessagesLost`), and a send reusing a pending fingerprint
//!   is refused with 206;
//! - no inbound message reaches the app twice;
//! - every QoS message the client ACKed to the server reached the app;
//! - each `login()` gets at most one `LoginResult`.
//!
//! At the end, with timers on time and nothing more from the app, every
//! accepted send and every `login()` has exactly one outcome.

use std::collections::{HashMap, HashSet};

use super::config::Config;
use super::event::Event;
use super::protocal::{Dialect, Protocal};
use super::request::SendRequest;
use super::send_error::SendError;
use super::test_harness::*;
use crate::core::clock::MonoClock;
use crate::core::io::{ConnId, Frame, Io};
use crate::core::property::{self, Figures, Scenario};
use crate::core::rng::Rng;

/// The server's view of the client's current socket.
#[derive(Debug, Clone, Copy)]
struct ServerConn {
    id: ConnId,
    opened: bool,
    logged_in: bool,
    /// A login frame arrived and waits for its answer.
    login_waiting: bool,
}

/// One frame the server has put on the wire, not yet delivered.
struct InFlight {
    conn: ConnId,
    packet: Protocal,
}

struct Sim {
    h: Harness,
    rng: Rng,
    // ---- the server
    conn: Option<ServerConn>,
    refuse_logins: bool,
    answer_keep_alives: bool,
    /// Fingerprints of QoS data the server received and may ACK.
    to_ack: Vec<String>,
    /// Frames on the wire towards the client (delivered in any order).
    wire: Vec<InFlight>,
    /// QoS messages sent to this client since its last release, with when
    /// (monotonic): the server may resend them while the client's window lasts.
    resendable: Vec<(Protocal, u64)>,
    server_clock: MonoClock,
    next_message: u64,
    // ---- what the app saw
    /// Fingerprint → id of the accepted QoS send still waiting for its outcome.
    pending: HashMap<String, u64>,
    accepted: u64,
    outcomes: u64,
    /// Fingerprints whose send already had its outcome (reusable).
    finished: Vec<String>,
    /// `dataContent` of every message delivered (each is unique per message).
    delivered: HashSet<String>,
    delivered_fps: HashSet<String>,
    logins_waiting: u64,
    ops: u64,
    connected_steps: u64,
}

/// Within this, a server resend is still inside the client's dedupe window
/// (10 min) however the window was refreshed.
const RESEND_HORIZON_MS: u64 = 300_000;

impl Sim {
    fn new(seed: u64) -> Self {
        let config = Config {
            url: URL.into(),
            ..Config::default()
        };
        let mut h = Harness::with_seed(config, seed);
        h.now = 1_000_000_000;
        Sim {
            h,
            rng: Rng::new(seed.wrapping_mul(0x9E37_79B9)),
            conn: None,
            refuse_logins: false,
            answer_keep_alives: true,
            to_ack: Vec::new(),
            wire: Vec::new(),
            resendable: Vec::new(),
            server_clock: MonoClock::new(),
            next_message: 0,
            pending: HashMap::new(),
            accepted: 0,
            outcomes: 0,
            finished: Vec::new(),
            delivered: HashSet::new(),
            delivered_fps: HashSet::new(),
            logins_waiting: 0,
            ops: 0,
            connected_steps: 0,
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.rng.up_to(99) < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
        if items.is_empty() {
            return None;
        }
        Some(items[self.rng.up_to(items.len() as u64 - 1) as usize].clone())
    }

    fn now(&self) -> u64 {
        self.h.now
    }

    // ---- one random operation, then the checks ---------------------------

    fn operate(&mut self) {
        self.ops += 1;
        // An app logged out, refused or released logs in again before long.
        if !self.h.c.is_logged_in() && self.chance(4) {
            self.app_login();
            self.settle();
        }
        // A server usually answers a handshake or a login within a step or two.
        if self.conn.is_some_and(|c| !c.logged_in) && self.chance(50) {
            self.server_handles_connection();
            self.settle();
        }
        match self.rng.up_to(999) {
            0..=199 => self.app_send(),
            200..=299 => self.server_ack(),
            300..=419 => self.server_data(),
            420..=519 => {
                for _ in 0..=self.rng.up_to(4) {
                    self.deliver_from_wire();
                }
            }
            520..=619 => self.server_handles_connection(),
            620..=634 => self.cut(),
            635..=814 => {
                let to = self.now() + self.rng.up_to(3_000);
                self.h.advance_to(to);
            }
            815..=844 => {
                // A late wake-up: the clock moved on, the timer runs now.
                self.h.now += self.rng.up_to(90_000);
                self.h.c.handle_timeout(self.h.now);
            }
            845..=859 => {
                self.h.now -= self.rng.up_to(30_000);
                self.h.c.handle_timeout(self.h.now);
            }
            860..=879 => self.app_login(),
            880..=882 => {
                let _ = self.h.c.logout(self.h.now);
            }
            883..=885 => self.server_kicks_out(),
            886..=888 => self.h.c.release(self.h.now),
            889..=898 => {
                let online = self.chance(70);
                self.h.c.network_changed(online, self.h.now);
            }
            899..=908 => self.h.c.app_show(self.h.now),
            909..=918 => self.refuse_logins = self.chance(15),
            919..=928 => self.answer_keep_alives = self.chance(80),
            _ => self.server_resends_something(),
        }
        self.settle();
        if self.h.c.is_connected() {
            self.connected_steps += 1;
        }
    }

    /// Lets the server read what the client wrote and checks the events.
    fn settle(&mut self) {
        loop {
            let ios: Vec<Io> = core::iter::from_fn(|| self.h.c.poll_io()).collect();
            let events: Vec<Event> = core::iter::from_fn(|| self.h.c.poll_event()).collect();
            if ios.is_empty() && events.is_empty() {
                break;
            }
            // Events first: an ACK and its delivery come out of one call.
            for e in events {
                self.check_event(e);
            }
            for io in ios {
                self.server_reads(io);
            }
        }
    }

    fn check_event(&mut self, e: Event) {
        match e {
            Event::MessageBeReceived(fp) => self.outcome(&fp),
            Event::MessagesLost(list) => {
                assert!(!list.is_empty(), "an empty loss report");
                for p in list {
                    self.outcome(p.fp.as_deref().expect("lost QoS messages have an fp"));
                }
            }
            Event::TransBuffer(p) => {
                let id = p.data_content.clone().unwrap_or_default();
                assert!(
                    self.delivered.insert(id.clone()),
                    "op {}: message {id} delivered twice",
                    self.ops
                );
                if let (true, Some(fp)) = (p.qos, p.fp) {
                    self.delivered_fps.insert(fp);
                }
            }
            Event::LoginResult(_) => {
                assert!(
                    self.logins_waiting > 0,
                    "op {}: a second login result",
                    self.ops
                );
                self.logins_waiting -= 1;
            }
            _ => {}
        }
    }

    fn outcome(&mut self, fp: &str) {
        assert!(
            self.pending.remove(fp).is_some(),
            "op {}: an outcome for {fp}, which has none pending",
            self.ops
        );
        self.outcomes += 1;
        self.finished.push(fp.to_string());
        if self.finished.len() > 64 {
            self.finished.remove(0);
        }
    }

    // ---- the app ----------------------------------------------------------

    fn app_send(&mut self) {
        let qos = self.chance(75);
        let pending: Vec<String> = self.pending.keys().cloned().collect();
        let finished = self.finished.clone();
        let fp = match self.rng.up_to(9) {
            0 => self.pick(&pending),
            1 => self.pick(&finished),
            _ => None,
        };
        let reused_pending = fp.as_ref().is_some_and(|f| self.pending.contains_key(f));
        let req = SendRequest {
            data_content: format!("app-{}", self.ops),
            to: "2".into(),
            qos,
            fp,
            typeu: 0,
        };
        match self.h.c.send(req, self.h.now) {
            Ok(p) => {
                assert!(
                    !(qos && reused_pending),
                    "op {}: a pending fp reused",
                    self.ops
                );
                if qos {
                    let fp = p.fp.expect("QoS sends carry an fp");
                    self.accepted += 1;
                    self.pending.insert(fp, self.accepted);
                }
            }
            Err(e) => {
                let expected = matches!(e, SendError::NotLoggedIn | SendError::NotConnected)
                    || (e == SendError::FingerprintInUse && qos && reused_pending);
                assert!(expected, "op {}: send refused with {e:?}", self.ops);
            }
        }
    }

    fn app_login(&mut self) {
        if self.h.c.is_connected() && self.chance(80) {
            return; // an app rarely logs in again while connected
        }
        self.logins_waiting += 1;
        self.h.c.login(info(), self.h.now);
    }

    // ---- the server ---------------------------------------------------------

    fn server_reads(&mut self, io: Io) {
        match io {
            Io::Connect { conn, .. } => {
                self.conn = Some(ServerConn {
                    id: conn,
                    opened: false,
                    logged_in: false,
                    login_waiting: false,
                });
            }
            Io::Close { conn } => {
                if self.conn.is_some_and(|c| c.id == conn) {
                    self.conn = None;
                }
            }
            Io::Send { conn, frame } => {
                let Some(c) = self.conn.filter(|c| c.id == conn && c.opened) else {
                    panic!("op {}: a write on a socket that is not open", self.ops)
                };
                let Frame::Text(text) = frame else {
                    panic!("a binary frame")
                };
                let p = Protocal::from_json(&text, Dialect::Official).unwrap();
                self.server_receives(c, p);
            }
        }
    }

    fn server_receives(&mut self, c: ServerConn, p: Protocal) {
        match p.type_ {
            0 => self.set_conn(ServerConn {
                login_waiting: true,
                ..c
            }),
            1 if self.answer_keep_alives && c.logged_in => {
                let answer = Protocal::new(51, Some("{}".into()), "0", "1");
                if self.chance(70) {
                    let text = answer.to_json(Dialect::Official);
                    self.h.c.handle_text(c.id, &text, self.h.now);
                } else {
                    self.wire.push(InFlight {
                        conn: c.id,
                        packet: answer,
                    });
                }
            }
            2 if p.qos && c.logged_in => self.to_ack.push(p.fp.unwrap()),
            3 => {
                self.conn = None;
                self.h.c.handle_close(c.id, false, self.h.now);
            }
            4 => {
                let fp = p.data_content.unwrap_or_default();
                assert!(
                    self.delivered_fps.contains(&fp),
                    "op {}: the client ACKed {fp} but the app never got it",
                    self.ops
                );
            }
            _ => {}
        }
    }

    fn set_conn(&mut self, c: ServerConn) {
        self.conn = Some(c);
    }

    /// Opens, fails or answers the login on the current socket.
    fn server_handles_connection(&mut self) {
        let Some(c) = self.conn else { return };
        if !c.opened {
            if self.chance(85) {
                self.set_conn(ServerConn { opened: true, ..c });
                self.h.c.handle_open(c.id, self.h.now);
            } else {
                self.conn = None;
                self.h.c.handle_close(c.id, true, self.h.now);
            }
        } else if c.login_waiting {
            let refused = self.refuse_logins;
            let body = format!(
                r#"{{"code":{},"firstLoginTime":{}}}"#,
                if refused { 1025 } else { 0 },
                if refused { -1 } else { 1_700_000_000_000i64 }
            );
            self.set_conn(ServerConn {
                login_waiting: false,
                logged_in: !refused,
                ..c
            });
            let answer = Protocal::new(50, Some(body), "0", "1");
            self.h
                .c
                .handle_text(c.id, &answer.to_json(Dialect::Official), self.h.now);
            if refused {
                self.conn = None;
                self.h.c.handle_close(c.id, false, self.h.now);
            }
        }
    }

    fn server_ack(&mut self) {
        let Some(c) = self.conn.filter(|c| c.logged_in) else {
            return;
        };
        let fp = if self.chance(5) {
            Some(format!("unknown-{}", self.ops))
        } else {
            let fps = self.to_ack.clone();
            self.pick(&fps)
        };
        let Some(fp) = fp else { return };
        if self.chance(80) {
            self.to_ack.retain(|f| *f != fp);
        }
        let ack = Protocal::new(4, Some(fp), "2", "1");
        self.wire.push(InFlight {
            conn: c.id,
            packet: ack,
        });
    }

    fn server_data(&mut self) {
        let Some(c) = self.conn.filter(|c| c.logged_in) else {
            return;
        };
        self.next_message += 1;
        let mut p = Protocal::new(2, Some(format!("srv-{}", self.next_message)), "2", "1");
        if self.chance(70) {
            p.qos = true;
            p.fp = Some(format!("srv-fp-{}", self.next_message));
            let now = self.server_clock.observe(self.h.now);
            self.resendable.push((p.clone(), now));
        }
        self.wire.push(InFlight {
            conn: c.id,
            packet: p,
        });
    }

    /// The server resends a QoS message (its own retransmission, or the
    /// race that resends after the ACK).
    fn server_resends_something(&mut self) {
        let Some(c) = self.conn.filter(|c| c.logged_in) else {
            return;
        };
        let now = self.server_clock.observe(self.h.now);
        self.resendable
            .retain(|(_, at)| now.saturating_sub(*at) < RESEND_HORIZON_MS);
        let list: Vec<Protocal> = self.resendable.iter().map(|(p, _)| p.clone()).collect();
        if let Some(p) = self.pick(&list) {
            self.wire.push(InFlight {
                conn: c.id,
                packet: p,
            });
        }
    }

    /// Delivers one frame from the wire, not necessarily the oldest; now and
    /// then one is delivered twice.
    fn deliver_from_wire(&mut self) {
        // Frames for a socket long gone are mostly dropped, some still arrive.
        if self.wire.len() > 32 {
            let current = self.conn.map(|c| c.id);
            self.wire.retain(|f| Some(f.conn) == current);
        }
        if self.wire.is_empty() {
            return;
        }
        let at = self.rng.up_to(self.wire.len() as u64 - 1) as usize;
        let f = if self.chance(10) && is_qos_data(&self.wire[at].packet) {
            InFlight {
                conn: self.wire[at].conn,
                packet: self.wire[at].packet.clone(),
            }
        } else {
            self.wire.swap_remove(at)
        };
        let text = f.packet.to_json(Dialect::Official);
        self.h.c.handle_text(f.conn, &text, self.h.now);
    }

    fn server_kicks_out(&mut self) {
        let Some(c) = self.conn.filter(|c| c.logged_in) else {
            return;
        };
        let kick = Protocal::new(54, Some(r#"{"code":1}"#.into()), "0", "1");
        self.h
            .c
            .handle_text(c.id, &kick.to_json(Dialect::Official), self.h.now);
    }

    fn cut(&mut self) {
        let Some(c) = self.conn.take() else { return };
        let error = self.chance(50);
        self.h.c.handle_close(c.id, error, self.h.now);
    }

    // ---- the end ------------------------------------------------------------

    /// Two minutes with timers on time and a silent app: everything pending
    /// must end by itself; then a release changes nothing more.
    fn end_quietly(&mut self) {
        let end = self.h.now + 120_000;
        while let Some(at) = self.h.c.poll_timeout() {
            if at > end {
                break;
            }
            self.h.advance_to(at.max(self.h.now));
            self.settle();
        }
        self.h.now = end;
        assert!(self.pending.is_empty(), "no outcome for {:?}", self.pending);
        assert_eq!(self.logins_waiting, 0, "a login() without its result");
        assert_eq!(self.accepted, self.outcomes);
        self.h.c.release(self.h.now);
        self.settle();
    }
}

/// True for QoS data, the only frames a server retransmits.
fn is_qos_data(p: &Protocal) -> bool {
    p.type_ == 2 && p.qos
}

impl Scenario for Sim {
    fn start(seed: u64) -> Self {
        let mut sim = Sim::new(seed);
        sim.app_login();
        sim.settle();
        sim
    }

    fn step(&mut self) {
        let had_session = self.h.c.user_id().is_some();
        self.operate();
        if had_session && self.h.c.user_id().is_none() {
            // The client released (logout, kick-out, release) and forgot its
            // dedupe window; the server's resend duty ends with the session.
            self.resendable.clear();
        }
    }

    fn finish(&mut self) {
        self.end_quietly();
    }

    fn figures(&self) -> Figures {
        Figures {
            ops: self.ops,
            sends: self.accepted,
            deliveries: self.delivered.len() as u64,
        }
    }

    fn detail(&self) -> String {
        format!("(connected in {} steps)", self.connected_steps)
    }
}

#[test]
fn random_operation_sequences_keep_every_delivery_invariant() {
    let per_seed = property::run::<Sim>("MobileIMSDK", 1..=5, 25_000);
    for (seed, f) in (1..).zip(&per_seed) {
        assert!(f.sends > 500, "seed {seed}: only {} sends", f.sends);
    }
    assert!(property::total(&per_seed).ops >= 100_000);
}
