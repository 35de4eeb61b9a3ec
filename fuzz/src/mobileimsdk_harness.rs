//! Drives a MobileIMSDK [`Client`] with an op list decoded from fuzz bytes:
//! app calls (login, send, logout, release, network and visibility changes),
//! driver events (open, close, stale sockets) and server frames (login
//! responses, ACKs of what was sent, data, kick-outs, errors, raw text),
//! interleaved with clock ticks.
//!
//! After every op the harness drains `poll_io` and `poll_event` and checks:
//! - one socket at a time, connect ids increasing, frames only on the open
//!   socket, each a text the client's own reader accepts, within 64 KiB;
//! - at most one `LoginResult` per `login()` call, and exactly one once the
//!   client is released;
//! - at most one outcome (received or lost) per accepted QoS send, only for
//!   a fingerprint that is waiting, and never more waiting than the queue
//!   bound; a waiting message always has a deadline while logged in;
//! - a QoS data packet is delivered once per fingerprint within the
//!   receive window;
//! - the clock never spins: `handle_timeout(now)` settles in a few calls.

use crate::input::{clock_step_back, millis, start_time, Input};
use crate::mobileimsdk_gen as gen;
use crate::socket_model::SocketModel;
use imsdk::core::clock::MonoClock;
use imsdk::core::io::{ConnId, Frame, Io};
use imsdk::core::mobileimsdk::bodies::{PErrorResponse, PKickoutInfo, PLoginInfoResponse};
use imsdk::core::mobileimsdk::client::MAX_FRAME_BYTES;
use imsdk::core::mobileimsdk::constants::{code, packet_type};
use imsdk::core::mobileimsdk::{Client, Config, Dialect, Event, LoginInfo, Protocal, SendRequest};
use std::collections::HashMap;

const MAX_OPS: usize = 400;
/// Fingerprints come from a small set so ACKs and duplicates can hit them.
const FPS: &[&str] = &["a", "b", "c", "d"];
const UIDS: &[&str] = &["1", "2", ""];

fn config(inp: &mut Input) -> Config {
    Config {
        url: "ws://127.0.0.1:1/websocket".into(),
        dialect: gen::dialect(inp),
        keep_alive_interval_ms: millis(inp),
        keep_alive_timeout_ms: millis(inp),
        relogin_interval_ms: millis(inp),
        relogin_max_interval_ms: millis(inp),
        qos_check_ms: millis(inp),
        qos_just_now_ms: millis(inp),
        qos_max_resends: inp.pick(&[2, 0, 1, 100]),
        receive_window_ms: inp.pick(&[600_000, 1, 10_000]),
        connect_timeout_ms: millis(inp),
        srt_seed_ack_addressing: inp.bool(),
        max_pending: inp.pick(&[10_000, 0, 1, 2, 3]),
    }
}

struct Harness {
    c: Client,
    now: u64,
    dialect: Dialect,
    window_ms: u64,
    sock: SocketModel,
    /// `login()` calls still owed their `LoginResult`.
    logins_owed: usize,
    /// Accepted QoS sends per fingerprint still owed at most one outcome each.
    waiting: HashMap<String, usize>,
    /// When each received QoS fingerprint was last seen (the dedupe window),
    /// in monotonic time: the client's window runs on its monotonic clock,
    /// which a wall clock stepping back does not turn back.
    seen: HashMap<String, u64>,
    /// The client's view of time: every wall-clock step the client saw.
    mono: MonoClock,
    mono_now: u64,
    /// Set while feeding a QoS packet whose fp is still in the window.
    duplicate: Option<String>,
    /// A kick-out released the client during the current call.
    kicked: bool,
}

impl Harness {
    fn on_io(&mut self, io: Io) {
        crate::trace!("  io {io:?}");
        if let Some(frame) = self.sock.check(io) {
            let Frame::Text(text) = frame else {
                panic!("MobileIMSDK writes text frames only")
            };
            let p = Protocal::from_json(&text, self.dialect)
                .expect("the client wrote a frame it cannot read");
            if p.type_ == packet_type::COMMON_DATA {
                assert!(text.len() <= MAX_FRAME_BYTES, "data frame over 64 KiB");
            }
        }
    }

    fn outcome(&mut self, fp: &str) {
        let owed = self.waiting.get_mut(fp);
        assert!(
            owed.as_ref().is_some_and(|n| **n > 0),
            "outcome for fp {fp:?} that is not waiting"
        );
        if let Some(n) = owed {
            *n -= 1;
        }
    }

    fn on_event(&mut self, e: Event) {
        crate::trace!("  event {e:?}");
        match e {
            Event::LoginResult(_) => {
                assert!(self.logins_owed > 0, "a LoginResult no login() asked for");
                self.logins_owed -= 1;
            }
            Event::MessageBeReceived(fp) => self.outcome(&fp),
            Event::MessagesLost(lost) => {
                for p in lost {
                    self.outcome(p.fp.as_deref().expect("a lost QoS message has an fp"));
                }
            }
            Event::TransBuffer(p) => {
                if p.qos && p.fp.is_some() {
                    assert_ne!(
                        p.fp, self.duplicate,
                        "a QoS packet delivered twice within the receive window"
                    );
                }
            }
            // A kick-out releases the client: both QoS queues are cleared.
            Event::Kickout { .. } => {
                self.waiting.clear();
                self.seen.clear();
                self.kicked = true;
            }
            _ => {}
        }
    }

    fn settle(&mut self) {
        let waiting: usize = self.waiting.values().sum();
        let budget = 64 + waiting;
        let mut ios = 0;
        while let Some(io) = self.c.poll_io() {
            ios += 1;
            assert!(
                ios <= budget,
                "one call queued over {budget} socket requests"
            );
            self.on_io(io);
        }
        let mut events = 0;
        while let Some(e) = self.c.poll_event() {
            events += 1;
            assert!(events <= budget, "one call queued over {budget} events");
            self.on_event(e);
        }
        assert!(self.waiting.values().sum::<usize>() <= self.c.config().max_pending);
        if self.sock.live.is_some() && !self.sock.opened && self.logins_owed > 0 {
            assert!(
                self.c.poll_timeout().is_some(),
                "a login waits without a deadline"
            );
        }
    }

    /// Forgets the dedupe model and the owed outcomes: release clears both queues.
    fn released(&mut self) {
        self.settle();
        assert_eq!(
            self.logins_owed, 0,
            "release left a login without its result"
        );
        self.waiting.clear();
        self.seen.clear();
    }

    fn tick(&mut self) {
        for _ in 0..4 {
            self.c.handle_timeout(self.now);
            self.settle();
            match self.c.poll_timeout() {
                Some(t) if t <= self.now => continue,
                _ => return,
            }
        }
        panic!("handle_timeout({}) keeps asking for itself", self.now);
    }

    /// A frame the server could send, as text.
    fn server_text(&mut self, inp: &mut Input) -> String {
        let me = self.c.user_id().unwrap_or("1").to_string();
        let mut p = Protocal::new(0, None, "0", &me);
        match inp.u8() % 9 {
            0 | 1 => {
                p.type_ = packet_type::LOGIN_RESPONSE;
                let r = PLoginInfoResponse {
                    code: inp.pick(&[0, 0, 0, 1, 301, -1]),
                    first_login_time: inp.edgy_i64(),
                };
                p.data_content = Some(r.to_json());
            }
            2 | 3 => {
                p.type_ = match self.dialect {
                    Dialect::Srt if inp.bool() => packet_type::SRT_RECEIVED,
                    _ => packet_type::RECEIVED,
                };
                p.data_content = Some(inp.pick(FPS).into());
            }
            4 | 5 => {
                p.type_ = packet_type::COMMON_DATA;
                p.from = inp.pick(UIDS).into();
                p.data_content = Some(inp.text(gen::NEAR_LIMIT));
                p.qos = inp.bool();
                p.fp = inp.bool().then(|| inp.pick(FPS).into());
            }
            6 => {
                p.type_ = packet_type::ERROR_RESPONSE;
                let e = PErrorResponse {
                    error_code: inp.pick(&[code::RESPONSE_FOR_UNLOGIN, 1, 0]),
                    error_msg: Some("x".into()),
                };
                p.data_content = Some(e.to_json());
            }
            7 => {
                p.type_ = packet_type::KICKOUT;
                let k = PKickoutInfo {
                    code: inp.pick(&[1, 2, 101]),
                    reason: None,
                };
                p.data_content = Some(k.to_json());
            }
            _ => p = gen::protocal(inp),
        }
        if inp.u8().is_multiple_of(8) {
            p.qos = !p.qos;
            p.fp = Some(inp.pick(FPS).into());
        }
        p.to_json(self.dialect)
    }

    /// Feeds a frame and updates the dedupe model from what the client reads.
    fn receive(&mut self, conn: ConnId, text: &str) {
        if self.sock.live == Some(conn) {
            if let Ok(p) = Protocal::from_json(text, self.dialect) {
                let failed_login = p.type_ == packet_type::LOGIN_RESPONSE
                    && p.data_content
                        .as_deref()
                        .and_then(|d| PLoginInfoResponse::from_json(d).ok())
                        .is_none_or(|r| r.code != 0);
                if let (true, false, Some(fp)) = (p.qos, failed_login, &p.fp) {
                    let in_window = self
                        .seen
                        .get(fp)
                        .is_some_and(|&t| self.mono_now - t < self.window_ms);
                    self.duplicate = in_window.then(|| fp.clone());
                    self.kicked = false;
                    self.c.handle_text(conn, text, self.now);
                    self.settle();
                    self.duplicate = None;
                    // Every sighting refreshes the window, unless the client was released.
                    if !self.kicked {
                        self.seen.insert(fp.clone(), self.mono_now);
                    }
                    return;
                }
            }
        }
        self.c.handle_text(conn, text, self.now);
    }

    fn step(&mut self, inp: &mut Input) {
        let now = self.now;
        let op = inp.u8();
        crate::trace!("op {op} at {now}");
        match op % 20 {
            0 | 1 => {
                let info = LoginInfo {
                    user_id: inp.pick(UIDS).into(),
                    token: inp.text(64),
                    extra: inp.bool().then(|| inp.text(64)),
                    app: None,
                };
                self.logins_owed += 1;
                self.c.login(info, now);
            }
            2..=4 => {
                let req = SendRequest {
                    data_content: inp.text(gen::NEAR_LIMIT),
                    to: inp.pick(&["2", "0", ""]).into(),
                    qos: !inp.u8().is_multiple_of(4),
                    fp: match inp.u8() % 3 {
                        0 => None,
                        1 => Some(String::new()),
                        _ => Some(inp.pick(FPS).into()),
                    },
                    typeu: inp.i32(),
                };
                if let Ok(p) = self.c.send(req, now) {
                    if let (true, Some(fp)) = (p.qos, p.fp) {
                        *self.waiting.entry(fp).or_default() += 1;
                    }
                }
            }
            5 => {
                self.c.logout(now);
                self.released();
            }
            6 => {
                self.c.release(now);
                self.released();
            }
            7 => self.c.network_changed(inp.bool(), now),
            8 => self.c.app_show(now),
            9 => self.c.app_hide(now),
            10 | 11 => {
                if let Some(conn) = self.sock.live {
                    self.c.handle_open(conn, now);
                    self.sock.opened = true;
                }
            }
            12 => {
                if let Some(conn) = self.sock.live {
                    // The socket is gone: the client forgets it without a Close.
                    self.sock.live = None;
                    self.c.handle_close(conn, inp.bool(), now);
                }
            }
            13 => {
                // An older socket, or one never opened.
                let conn = match inp.u8() % 2 {
                    0 => self.sock.last_conn.wrapping_sub(1),
                    _ => self.sock.last_conn.wrapping_add(1),
                };
                match inp.u8() % 3 {
                    0 => self.c.handle_open(conn, now),
                    1 => self.c.handle_close(conn, inp.bool(), now),
                    _ => self.c.handle_text(conn, "{\"type\":50}", now),
                }
            }
            14..=16 => {
                if let Some(conn) = self.sock.live.filter(|_| self.sock.opened) {
                    let text = self.server_text(inp);
                    self.receive(conn, &text);
                }
            }
            17 => {
                if let Some(conn) = self.sock.live.filter(|_| self.sock.opened) {
                    let n = inp.u8() as usize;
                    let text = String::from_utf8_lossy(inp.bytes(n)).into_owned();
                    self.receive(conn, &text);
                    self.c.handle_binary(conn, b"x", now);
                }
            }
            _ => {
                match inp.u8() % 4 {
                    0 => {
                        if let Some(t) = self.c.poll_timeout() {
                            self.now = self.now.max(t);
                        }
                    }
                    1 => self.now = self.now.saturating_add(inp.u16() as u64),
                    2 => self.now = self.now.saturating_add(millis(inp)),
                    _ => self.now = clock_step_back(self.now, inp),
                }
                self.mono_now = self.mono.observe(self.now);
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
    let now = start_time(&mut inp);
    let mut mono = MonoClock::new();
    let mono_now = mono.observe(now);
    let mut h = Harness {
        dialect: config.dialect,
        window_ms: config.receive_window_ms,
        c: Client::new(config, inp.u64()),
        now,
        sock: SocketModel::default(),
        logins_owed: 0,
        waiting: HashMap::new(),
        seen: HashMap::new(),
        mono,
        mono_now,
        duplicate: None,
        kicked: false,
    };
    for _ in 0..MAX_OPS {
        if inp.is_empty() {
            break;
        }
        h.step(&mut inp);
    }
    h.c.release(h.now);
    h.released();
    assert_eq!(h.sock.live, None, "release() left a socket open");
}
