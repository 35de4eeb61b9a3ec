//! Session tests against a fake server: frames the session writes are decoded
//! with the codec, server packets are encoded and fed back, time is a counter.

use super::*;
use crate::core::backoff::BackoffConfig;
use crate::core::fake_clock::FakeClock;

const URL: &str = "ws://127.0.0.1:13891/ws";

fn config() -> Config {
    Config {
        url: URL.into(),
        access_token: "token".into(),
        device_id: "dev".into(),
        backoff: BackoffConfig {
            base_ms: 1_000,
            cap_ms: 8_000,
        },
        ..Config::default()
    }
}

struct Harness {
    s: Session,
    now: u64,
    conn: Option<ConnId>,
    server_seq: i32,
    /// Packets the client wrote (on any conn), in order.
    sent: Vec<Packet>,
    closed: Vec<ConnId>,
    connects: Vec<ConnId>,
    events: Vec<Event>,
}

/// `jump` (what these tests mostly use: a timer that fires late, once) and
/// `advance` (each deadline on time) are the shared fake clock's.
impl FakeClock for Harness {
    type M = Session;
    fn machine(&mut self) -> &mut Session {
        &mut self.s
    }
    fn clock(&mut self) -> &mut u64 {
        &mut self.now
    }
    fn after_timeout(&mut self) {
        self.pump();
    }
}

impl Harness {
    fn new(config: Config) -> Self {
        Harness {
            s: Session::new(config, 42),
            now: 1_000_000,
            conn: None,
            server_seq: 0,
            sent: vec![],
            closed: vec![],
            connects: vec![],
            events: vec![],
        }
    }

    /// Started, opened and authenticated, with the output so far discarded.
    fn connected(config: Config) -> Self {
        let mut h = Harness::new(config);
        h.s.start(h.now);
        h.pump();
        h.open();
        h.server(0, Body::AuthStatus { status: 0 });
        h.server(
            0,
            Body::SyncEnd {
                sync_key: h.s.sync_key(),
            },
        );
        h.clear();
        h
    }

    fn pump(&mut self) {
        while let Some(io) = self.s.poll_io() {
            match io {
                Io::Connect { conn, url } => {
                    assert_eq!(url, URL);
                    self.conn = Some(conn);
                    self.connects.push(conn);
                }
                Io::Send { conn, frame } => {
                    assert_eq!(Some(conn), self.conn, "write on a stale socket");
                    let Frame::Binary(bytes) = frame else {
                        panic!("text frame written")
                    };
                    self.sent
                        .push(codec::decode(&bytes).expect("client frame decodes"));
                }
                Io::Close { conn } => self.closed.push(conn),
            }
        }
        while let Some(e) = self.s.poll_event() {
            self.events.push(e);
        }
    }

    fn clear(&mut self) {
        self.sent.clear();
        self.closed.clear();
        self.connects.clear();
        self.events.clear();
    }

    fn bodies(&mut self) -> Vec<Body> {
        core::mem::take(&mut self.sent)
            .into_iter()
            .map(|p| p.body)
            .collect()
    }

    fn take_events(&mut self) -> Vec<Event> {
        core::mem::take(&mut self.events)
    }

    /// Events other than warnings.
    fn app_events(&mut self) -> Vec<Event> {
        self.take_events()
            .into_iter()
            .filter(|e| !matches!(e, Event::Warning(_)))
            .collect()
    }

    fn open(&mut self) {
        self.server_seq = 0;
        self.s.handle_open(self.conn.unwrap(), self.now);
        self.pump();
    }

    /// The server sends one packet; returns its seq.
    fn server(&mut self, flag: u8, body: Body) -> i32 {
        self.server_seq += 1;
        let p = Packet {
            seq: self.server_seq,
            version: 2,
            flag,
            body,
        };
        self.s
            .handle_binary(self.conn.unwrap(), &p.encode().unwrap(), self.now);
        self.pump();
        self.server_seq
    }

    fn close(&mut self, error: bool) {
        self.s.handle_close(self.conn.unwrap(), error, self.now);
        self.pump();
    }

    /// The fact a scheduled reconnect reports: its delay is exactly the wait
    /// until the session's next deadline (the reconnect).
    fn reconnect_in(&self) -> Event {
        let at = self.s.poll_timeout().expect("a reconnect is armed");
        Event::ReconnectScheduled {
            delay_ms: at - self.now,
        }
    }

    /// Jumps to the session's next deadline and runs it.
    fn fire(&mut self) -> u64 {
        let at = self.s.poll_timeout().expect("a deadline is armed");
        assert!(at >= self.now);
        let waited = at - self.now;
        self.jump(waited);
        waited
    }

    fn send_peer(&mut self, content: &str) -> MsgToken {
        let t = self.s.send_peer_message(msg(content), self.now).unwrap();
        self.pump();
        t
    }

    /// The client seq of the last packet written.
    fn last_seq(&self) -> i32 {
        self.sent.last().unwrap().seq
    }
}

fn msg(content: &str) -> OutMessage {
    OutMessage {
        sender: 1,
        receiver: 2,
        content: content.into(),
        timestamp: 0,
        msg_local_id: 7,
    }
}

fn im(sender: i64, receiver: i64, msgid: i32, content: &str) -> Im {
    Im {
        sender,
        receiver,
        timestamp: 1_700_000_000,
        msgid,
        content: content.into(),
    }
}

fn ack(seq: i32) -> Body {
    Body::Ack {
        seq,
        status: Some(0),
    }
}

fn meta(key: i64, prev: i64) -> Body {
    Body::Metadata {
        sync_key: key,
        prev_sync_key: prev,
    }
}

// ---- connect and authenticate ----

#[test]
fn open_authenticates_reenters_room_and_syncs_before_reporting_connected() {
    let mut h = Harness::new(config());
    h.s.set_sync_key(5);
    h.s.add_super_group_sync_key(70, 3);
    h.s.add_super_group_sync_key(71, 0);
    h.s.enter_room(900, h.now);
    h.s.start(h.now);
    h.pump();
    assert_eq!(h.connects.len(), 1);
    assert_eq!(
        h.take_events(),
        [Event::StateChanged(ConnectState::Connecting)]
    );
    assert!(h.sent.is_empty());
    h.open();
    let seqs: Vec<i32> = h.sent.iter().map(|p| p.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    assert!(h.sent.iter().all(|p| p.version == 2 && p.flag == 0));
    assert_eq!(
        h.bodies(),
        [
            Body::AuthToken {
                platform_id: PLATFORM_WEB,
                token: "token".into(),
                device_id: "dev".into()
            },
            Body::EnterRoom { room_id: 900 },
            Body::Sync { sync_key: 5 },
            Body::SyncGroup {
                group_id: 70,
                sync_key: 3
            },
            Body::SyncGroup {
                group_id: 71,
                sync_key: 0
            },
        ]
    );
    assert_eq!(
        h.take_events(),
        [Event::StateChanged(ConnectState::Connected)]
    );
    // Sends are accepted right after open, before AUTH_STATUS.
    assert!(h.s.send_peer_message(msg("early"), h.now).is_ok());
    // A second start is a no-op.
    h.s.start(h.now);
    h.pump();
    assert_eq!(h.connects.len(), 1);
}

#[test]
fn version_one_is_selectable_and_seq_restarts_per_connection() {
    let mut h = Harness::connected(Config {
        protocol_version: 1,
        ..config()
    });
    h.send_peer("a");
    assert_eq!(h.sent[0].version, 1);
    h.close(false);
    h.fire();
    h.open();
    assert_eq!(h.sent[1].seq, 1);
    assert_eq!(h.sent[1].version, 1);
}

#[test]
fn a_too_long_token_is_an_authentication_failure_without_a_loop() {
    let mut h = Harness::new(Config {
        access_token: "t".repeat(256),
        ..config()
    });
    h.s.start(h.now);
    h.pump();
    h.open();
    assert!(h.sent.is_empty());
    assert_eq!(h.s.state(), ConnectState::AuthenticationFail);
    assert_eq!(h.s.poll_timeout(), None);
}

/// Found by fuzzing (gobelieve_session): with no token and no device id
/// the session wrote an AUTH_TOKEN the server refuses as a parse error, so
/// it reconnected forever instead of reporting the failure.
#[test]
fn an_empty_token_and_device_id_is_an_authentication_failure_without_a_loop() {
    let mut h = Harness::new(Config {
        access_token: String::new(),
        device_id: String::new(),
        ..config()
    });
    h.s.start(h.now);
    h.pump();
    h.open();
    assert!(h.sent.is_empty());
    assert_eq!(h.s.state(), ConnectState::AuthenticationFail);
    assert_eq!(h.s.poll_timeout(), None);
}

// ---- tracked messages ----

#[test]
fn acks_match_the_exact_seq_in_each_map() {
    let mut h = Harness::connected(config());
    let p1 = h.send_peer("one");
    let s1 = h.last_seq();
    let g1 = h.s.send_group_message(msg("group"), h.now).unwrap();
    h.pump();
    let sg = h.last_seq();
    let p2 = h.send_peer("two");
    let s2 = h.last_seq();
    assert_eq!(h.sent[1].body.cmd(), MSG_GROUP_IM);
    h.take_events();

    // An ACK for an unrelated (room) seq settles nothing: no group-ACK loop.
    h.server(0, ack(999));
    assert_eq!(h.app_events(), []);
    h.server(0, ack(s2));
    assert_eq!(h.app_events(), [Event::PeerAck(p2)]);
    h.server(0, ack(s2));
    assert_eq!(h.app_events(), [], "a repeated ACK is not a second outcome");
    h.server(0, ack(sg));
    h.server(0, ack(s1));
    assert_eq!(h.app_events(), [Event::GroupAck(g1), Event::PeerAck(p1)]);
}

#[test]
fn refusal_statuses_end_in_failure_with_the_reason() {
    let mut h = Harness::connected(config());
    let g = h.s.send_group_message(msg("g"), h.now).unwrap();
    h.pump();
    let sg = h.last_seq();
    let p = h.send_peer("p");
    let sp = h.last_seq();
    let c =
        h.s.send_customer_message(
            OutCustomerMessage {
                sender_app_id: 1,
                sender: 1,
                receiver_app_id: 2,
                receiver: 3,
                content: "c".into(),
                timestamp: 0,
            },
            h.now,
        )
        .unwrap();
    h.pump();
    let sc = h.last_seq();
    h.server(
        0,
        Body::Ack {
            seq: sg,
            status: Some(ACK_NOT_GROUP_MEMBER),
        },
    );
    h.server(
        0,
        Body::Ack {
            seq: sp,
            status: Some(ACK_IN_YOUR_BLACKLIST),
        },
    );
    h.server(
        0,
        Body::Ack {
            seq: sc,
            status: None,
        },
    );
    assert_eq!(
        h.app_events(),
        [
            Event::GroupFailure {
                token: g,
                reason: FailReason::Refused(64)
            },
            Event::PeerFailure {
                token: p,
                reason: FailReason::Refused(3)
            },
            Event::CustomerAck(c),
        ]
    );
}

#[test]
fn version_one_parses_a_status_byte_when_present() {
    let mut h = Harness::connected(Config {
        protocol_version: 1,
        ..config()
    });
    let a = h.send_peer("a");
    let sa = h.last_seq();
    let b = h.send_peer("b");
    let sb = h.last_seq();
    h.server(
        0,
        Body::Ack {
            seq: sa,
            status: None,
        },
    );
    h.server(
        0,
        Body::Ack {
            seq: sb,
            status: Some(1),
        },
    );
    assert_eq!(
        h.app_events(),
        [
            Event::PeerAck(a),
            Event::PeerFailure {
                token: b,
                reason: FailReason::Refused(1)
            }
        ]
    );
}

#[test]
fn ack_timeout_fails_closes_and_reconnects_through_backoff() {
    let mut h = Harness::connected(config());
    let old = h.conn.unwrap();
    let a = h.send_peer("a");
    let sa = h.last_seq();
    h.jump(1_000);
    let b = h.send_peer("b");
    assert_eq!(h.s.poll_timeout(), Some(h.now - 1_000 + 5_000));
    h.jump(3_999);
    assert_eq!(h.app_events(), []);
    h.jump(1);
    assert_eq!(
        h.app_events(),
        [
            Event::PeerFailure {
                token: a,
                reason: FailReason::Timeout
            },
            Event::PeerFailure {
                token: b,
                reason: FailReason::Disconnected
            },
            Event::StateChanged(ConnectState::Unconnected),
            h.reconnect_in(),
        ]
    );
    assert_eq!(h.closed, [old]);
    // The late ACK on the old socket matches nothing, even if seqs repeat.
    h.s.handle_binary(old, &Packet::new(9, 2, ack(sa)).encode().unwrap(), h.now);
    h.s.handle_close(old, false, h.now);
    h.pump();
    assert_eq!(h.app_events(), []);
    // Reconnect within the first back-off ceiling.
    let waited = h.fire();
    assert!(waited <= 1_000, "{waited}");
    assert_eq!(h.connects.len(), 1);
    assert_ne!(h.conn, Some(old));
    h.open();
    let fresh = h.send_peer("c");
    assert_eq!(h.last_seq(), sa, "seq restarted on the new connection");
    h.server(0, ack(sa));
    assert!(h.app_events().contains(&Event::PeerAck(fresh)));
}

#[test]
fn send_refusals() {
    let mut h = Harness::new(Config {
        max_pending: 2,
        ..config()
    });
    assert_eq!(
        h.s.send_peer_message(msg("x"), h.now),
        Err(SendError::NotConnected)
    );
    h.s.start(h.now);
    h.pump();
    assert_eq!(
        h.s.send_rt_message(msg("x"), h.now),
        Err(SendError::NotConnected),
        "connecting is not connected"
    );
    h.open();
    h.clear();
    let big = "x".repeat(MAX_BODY_LEN - 24);
    assert_eq!(
        h.s.send_peer_message(msg(&big), h.now),
        Err(SendError::TooLong)
    );
    let big_relay = "x".repeat(MAX_BODY_LEN - 16);
    assert_eq!(
        h.s.send_room_message(msg(&big_relay), h.now),
        Err(SendError::TooLong)
    );
    h.send_peer("1");
    h.send_peer("2");
    assert_eq!(
        h.s.send_group_message(msg("3"), h.now),
        Err(SendError::OutboxFull)
    );
    h.pump();
    assert_eq!(h.sent.len(), 2, "refused sends write nothing");
    // RT and room messages are not tracked, so a full outbox does not block them.
    assert_eq!(h.s.send_rt_message(msg("rt"), h.now), Ok(()));
}

/// Random operations; every tracked message must end in exactly one outcome.
#[test]
fn every_tracked_message_has_exactly_one_outcome() {
    let mut rng = Rng::new(77);
    let mut kinds = std::collections::BTreeSet::new();
    for round in 0..30 {
        let mut h = Harness::new(config());
        h.s.start(h.now);
        h.pump();
        let mut tokens = vec![];
        for _ in 0..200 {
            let open = h.s.state() == ConnectState::Connected;
            match rng.up_to(9) {
                0..=2 if open => {
                    let r = match rng.up_to(2) {
                        0 => h.s.send_peer_message(msg("m"), h.now),
                        1 => h.s.send_group_message(msg("g"), h.now),
                        _ => h.s.send_customer_message(
                            OutCustomerMessage {
                                sender_app_id: 1,
                                sender: 1,
                                receiver_app_id: 2,
                                receiver: 2,
                                content: "c".into(),
                                timestamp: 0,
                            },
                            h.now,
                        ),
                    };
                    tokens.push(r.unwrap());
                    h.pump();
                }
                3..=4 if open => {
                    let seq = rng.up_to(h.sent.last().map_or(1, |p| p.seq) as u64) as i32;
                    let status = [None, Some(0), Some(64)][rng.up_to(2) as usize];
                    h.server(0, Body::Ack { seq, status });
                }
                5 => h.jump(rng.up_to(6_000)),
                6 if h.conn.is_some() && h.s.state() == ConnectState::Connecting => h.open(),
                7 if h.conn.is_some() && rng.up_to(3) == 0 => h.close(rng.up_to(1) == 0),
                8 if rng.up_to(10) == 0 => {
                    h.s.stop(h.now);
                    h.pump();
                    h.s.start(h.now);
                    h.pump();
                }
                _ => h.jump(100),
            }
        }
        h.s.stop(h.now);
        h.pump();
        let mut outcomes = std::collections::HashMap::new();
        for e in &h.events {
            let token = match e {
                Event::PeerAck(t) | Event::GroupAck(t) | Event::CustomerAck(t) => *t,
                Event::PeerFailure { token, .. }
                | Event::GroupFailure { token, .. }
                | Event::CustomerFailure { token, .. } => *token,
                _ => continue,
            };
            kinds.insert(
                format!("{e:?}")
                    .split(['(', ' '])
                    .next()
                    .unwrap()
                    .to_owned(),
            );
            if let Event::PeerFailure { reason, .. } = e {
                kinds.insert(format!("{reason:?}"));
            }
            *outcomes.entry(token).or_insert(0) += 1;
        }
        for t in &tokens {
            assert_eq!(outcomes.get(t), Some(&1), "round {round} token {t}");
        }
        assert_eq!(outcomes.len(), tokens.len());
    }
    // The random walk reached every kind of outcome.
    for k in [
        "PeerAck",
        "GroupAck",
        "CustomerAck",
        "PeerFailure",
        "GroupFailure",
        "CustomerFailure",
        "Timeout",
        "Disconnected",
        "Stopped",
        "Refused",
    ] {
        assert!(
            kinds.iter().any(|x| x.starts_with(k)),
            "{k} never happened: {kinds:?}"
        );
    }
}

// ---- close, reconnect, stop ----

#[test]
fn a_drop_fails_pending_reports_state_zero_once_and_reconnects() {
    let mut h = Harness::connected(config());
    let t = h.send_peer("a");
    h.take_events();
    h.close(true);
    assert_eq!(
        h.take_events()
            .into_iter()
            .filter(|e| !matches!(e, Event::Warning(_)))
            .collect::<Vec<_>>(),
        [
            Event::PeerFailure {
                token: t,
                reason: FailReason::Disconnected
            },
            Event::StateChanged(ConnectState::Unconnected),
            h.reconnect_in(),
        ]
    );
    // A second close (error then close) is stale: nothing more.
    let old = h.conn.unwrap();
    h.s.handle_close(old, false, h.now);
    h.pump();
    assert_eq!(h.take_events(), []);
    assert!(h.s.poll_timeout().is_some());
}

#[test]
fn socket_error_before_open_is_connect_fail_then_backoff() {
    let mut h = Harness::new(config());
    h.s.start(h.now);
    h.pump();
    h.close(true);
    assert_eq!(
        h.app_events(),
        [
            Event::StateChanged(ConnectState::Connecting),
            Event::StateChanged(ConnectState::ConnectFail),
            h.reconnect_in(),
        ]
    );
    h.fire();
    assert_eq!(
        h.app_events(),
        [Event::StateChanged(ConnectState::Connecting)]
    );
}

#[test]
fn reconnect_delays_grow_to_the_cap_with_full_jitter_and_reset_after_a_healthy_link() {
    let mut maxima = [0u64; 7];
    let mut minima = [u64::MAX; 7];
    for seed in 0..60 {
        let mut h = Harness::new(config());
        h.s = Session::new(config(), seed);
        h.s.start(h.now);
        h.pump();
        for i in 0..7 {
            // Alternate: fail before open, and open-then-close before auth;
            // both count as failures.
            if i % 2 == 0 {
                h.close(true);
            } else {
                h.open();
                h.close(false);
            }
            let delay = h.s.poll_timeout().unwrap() - h.now;
            let ceiling = (1_000u64 << i).min(8_000);
            assert!(delay <= ceiling, "attempt {i}: {delay} > {ceiling}");
            maxima[i] = maxima[i].max(delay);
            minima[i] = minima[i].min(delay);
            h.fire();
        }
        // A link that proved healthy after its auth resets the schedule.
        h.open();
        h.server(0, Body::AuthStatus { status: 0 });
        h.jump(30_000);
        h.close(false);
        assert!(h.s.poll_timeout().unwrap() - h.now <= 1_000);
    }
    // Full jitter: the spread reaches both ends of each range.
    assert!(
        maxima[6] > 6_000 && minima[6] < 2_000,
        "{maxima:?} {minima:?}"
    );
    assert!(
        maxima[2] > 3_000 && minima[2] < 1_000,
        "{maxima:?} {minima:?}"
    );
}

#[test]
fn network_online_and_foreground_retry_at_once() {
    let mut h = Harness::new(config());
    h.s.start(h.now);
    h.pump();
    for _ in 0..5 {
        h.close(true);
        h.fire();
    }
    h.close(true);
    assert!(h.s.poll_timeout().is_some());
    h.connects.clear();
    h.s.network_online(h.now);
    h.pump();
    assert_eq!(h.connects.len(), 1, "connects without waiting");
    // Already connecting: another call does not open a second socket.
    h.s.network_online(h.now);
    h.s.enter_foreground(h.now);
    h.pump();
    assert_eq!(h.connects.len(), 1);
}

#[test]
fn background_and_unreachable_suspend_until_resumed() {
    let mut h = Harness::connected(config());
    let t = h.send_peer("a");
    h.take_events();
    h.s.enter_background(h.now);
    h.pump();
    assert_eq!(h.closed.len(), 1);
    assert_eq!(
        h.app_events(),
        [
            Event::PeerFailure {
                token: t,
                reason: FailReason::Disconnected
            },
            Event::StateChanged(ConnectState::Unconnected)
        ]
    );
    assert_eq!(h.s.poll_timeout(), None);
    h.s.enter_foreground(h.now);
    h.pump();
    assert_eq!(h.connects.len(), 1);
    h.open();
    h.s.handle_connectivity_change(false, h.now);
    h.pump();
    assert_eq!(h.s.state(), ConnectState::Unconnected);
    assert_eq!(h.s.poll_timeout(), None);
    h.connects.clear();
    h.s.handle_connectivity_change(true, h.now);
    h.pump();
    assert_eq!(h.connects.len(), 1);
    // As im.js's resume(): start() connects even if backgrounded while stopped.
    h.s.stop(h.now);
    h.s.enter_background(h.now);
    h.connects.clear();
    h.s.start(h.now);
    h.pump();
    assert_eq!(h.connects.len(), 1);
}

#[test]
fn stop_closes_fails_pending_and_reports_state_zero_synchronously() {
    // Stopping while connecting.
    let mut h = Harness::new(config());
    h.s.start(h.now);
    h.pump();
    let conn = h.conn.unwrap();
    h.s.stop(h.now);
    h.pump();
    assert_eq!(h.closed, [conn]);
    assert_eq!(h.s.state(), ConnectState::Unconnected);
    // The browser's late error for that socket changes nothing.
    h.s.handle_close(conn, true, h.now);
    h.pump();
    assert_eq!(h.s.state(), ConnectState::Unconnected);
    assert_eq!(h.s.poll_timeout(), None);

    // Stopping while connected.
    let mut h = Harness::connected(config());
    let t = h.send_peer("a");
    h.take_events();
    h.s.stop(h.now);
    h.pump();
    assert_eq!(
        h.app_events(),
        [
            Event::PeerFailure {
                token: t,
                reason: FailReason::Stopped
            },
            Event::StateChanged(ConnectState::Unconnected)
        ]
    );
    assert_eq!(h.s.poll_timeout(), None);
    h.jump(3_600_000);
    assert!(h.connects.is_empty());
    h.s.start(h.now);
    h.pump();
    assert_eq!(h.connects.len(), 1);
}

#[test]
fn authentication_failure_closes_and_does_not_loop() {
    let mut h = Harness::new(config());
    h.s.start(h.now);
    h.pump();
    h.open();
    let t = h.send_peer("a");
    h.server(0, Body::AuthStatus { status: 1 });
    assert_eq!(h.closed.len(), 1);
    let events = h.app_events();
    assert_eq!(
        events,
        [
            Event::StateChanged(ConnectState::Connecting),
            Event::StateChanged(ConnectState::Connected),
            // The server's status, before the state it causes.
            Event::AuthRefused(1),
            Event::PeerFailure {
                token: t,
                reason: FailReason::Disconnected
            },
            Event::StateChanged(ConnectState::AuthenticationFail),
        ]
    );
    assert_eq!(h.s.poll_timeout(), None);
    h.connects.clear();
    h.jump(24 * 3_600_000);
    h.s.network_online(h.now);
    h.s.enter_foreground(h.now);
    h.s.handle_connectivity_change(true, h.now);
    h.s.set_access_token("token".into(), h.now);
    h.pump();
    assert!(h.connects.is_empty(), "no reconnect with the same token");
    assert_eq!(
        h.s.send_peer_message(msg("x"), h.now),
        Err(SendError::NotConnected)
    );
    // A new token starts over at once.
    h.s.set_access_token("better".into(), h.now);
    h.pump();
    assert_eq!(h.connects.len(), 1);
    h.open();
    assert_eq!(
        h.sent.last().map(|p| &p.body),
        Some(&Body::Sync { sync_key: 0 })
    );
    assert!(h.sent.iter().any(|p| matches!(
        &p.body,
        Body::AuthToken { token, .. } if token == "better"
    )));
}

#[test]
fn stop_then_start_retries_after_an_authentication_failure() {
    let mut h = Harness::new(config());
    h.s.start(h.now);
    h.pump();
    h.open();
    h.server(0, Body::AuthStatus { status: 1 });
    h.s.start(h.now);
    h.pump();
    h.connects.clear();
    h.s.start(h.now);
    h.pump();
    assert!(h.connects.is_empty(), "start while started is a no-op");
    h.s.stop(h.now);
    h.s.start(h.now);
    h.pump();
    assert_eq!(h.connects.len(), 1);
}

#[test]
fn events_from_stale_connections_are_ignored() {
    let mut h = Harness::connected(config());
    let old = h.conn.unwrap();
    h.close(false);
    h.fire();
    let new = h.conn.unwrap();
    assert_ne!(old, new);
    h.clear();
    h.s.handle_open(old, h.now);
    let push = Packet::new(1, 2, Body::System("old".into()))
        .encode()
        .unwrap();
    h.s.handle_binary(old, &push, h.now);
    h.s.handle_close(old, true, h.now);
    h.s.handle_text(old, "x", h.now);
    h.pump();
    assert_eq!(h.take_events(), []);
    assert!(h.sent.is_empty() && h.closed.is_empty());
    assert_eq!(h.s.state(), ConnectState::Connecting);
    // Data before open on the current socket is ignored too.
    h.s.handle_binary(new, &push, h.now);
    h.pump();
    assert_eq!(h.take_events(), []);
}

// ---- heartbeat ----

#[test]
fn heartbeat_pings_and_a_missing_pong_resets_the_link() {
    let mut h = Harness::connected(config());
    assert_eq!(h.s.poll_timeout(), Some(h.now + 180_000));
    h.jump(180_000);
    assert_eq!(h.bodies(), [Body::Ping]);
    h.jump(2_000);
    h.server(0, Body::Pong);
    h.jump(1_000);
    assert_eq!(h.s.state(), ConnectState::Connected);
    h.jump(177_000);
    assert_eq!(h.bodies(), [Body::Ping]);
    h.jump(2_999);
    assert_eq!(h.s.state(), ConnectState::Connected);
    h.jump(1);
    assert_eq!(h.s.state(), ConnectState::Unconnected);
    assert_eq!(h.closed.len(), 1);
    // Reconnect; the heartbeat starts over from the new open.
    h.fire();
    h.open();
    h.sent.clear();
    let opened = h.now;
    assert_eq!(h.s.poll_timeout(), Some(opened + 180_000));
    h.jump(179_999);
    assert!(h.sent.is_empty());
}

// ---- receiving ----

#[test]
fn received_messages_are_delivered_and_acked_by_kind() {
    let mut h = Harness::connected(config());
    let s1 = h.server(MESSAGE_FLAG_SELF, Body::Im(im(2, 1, 9, "hi")));
    let s2 = h.server(0, Body::GroupIm(im(2, 50, 1, "g")));
    let s3 = h.server(0, Body::GroupNotification("{}".into()));
    let s4 = h.server(
        0,
        Body::Customer(Customer {
            sender_app_id: 7,
            sender: 2,
            receiver_app_id: 8,
            receiver: 1,
            timestamp: 3,
            content: "c".into(),
        }),
    );
    h.server(
        0,
        Body::Rt(Relay {
            sender: 2,
            receiver: 1,
            content: "rt".into(),
        }),
    );
    h.server(
        0,
        Body::RoomIm(Relay {
            sender: 2,
            receiver: 900,
            content: "room".into(),
        }),
    );
    h.server(0, Body::System("sys".into()));
    h.server(0, Body::Notification("note".into()));
    assert_eq!(
        h.bodies(),
        [s1, s2, s3, s4].map(|seq| Body::Ack { seq, status: None })
    );
    let events = h.app_events();
    assert_eq!(
        events[0],
        Event::PeerMessage(InMessage {
            seq: s1,
            cmd: MSG_IM,
            flag: MESSAGE_FLAG_SELF,
            is_self: true,
            sender: 2,
            receiver: 1,
            timestamp: 1_700_000_000,
            msgid: 9,
            content: "hi".into()
        })
    );
    assert!(
        matches!(&events[1], Event::GroupMessage(m) if m.receiver == 50 && m.cmd == 8 && !m.is_self)
    );
    assert_eq!(events[2], Event::GroupNotification("{}".into()));
    assert!(matches!(&events[3], Event::CustomerMessage(m) if m.sender_app_id == 7 && m.cmd == 64));
    assert!(matches!(&events[4], Event::RtMessage(m) if m.content == "rt" && m.cmd == 17));
    assert!(matches!(&events[5], Event::RoomMessage(m) if m.receiver == 900 && m.cmd == 20));
    assert_eq!(
        events[6..],
        [
            Event::SystemMessage("sys".into()),
            Event::Notification("note".into())
        ]
    );
}

#[test]
fn malformed_input_and_text_frames_warn_and_carry_on() {
    let mut h = Harness::connected(config());
    let conn = h.conn.unwrap();
    for bad in [
        &[0u8, 0, 0][..],
        &[0, 0, 0x80, 0, 0, 0, 0, 1, 4, 2, 0, 0],
        &[0, 0, 0, 1, 0, 0, 0, 1, 99, 2, 0, 0, 0],
    ] {
        h.s.handle_binary(conn, bad, h.now);
    }
    h.s.handle_text(conn, "hello", h.now);
    h.pump();
    assert_eq!(h.take_events().len(), 4);
    assert!(h.sent.is_empty());
    // Bad UTF-8 content is delivered (with U+FFFD) and ACKed.
    let mut body = [0u8; 24].to_vec();
    body.push(0xFF);
    let mut frame = (body.len() as i32).to_be_bytes().to_vec();
    frame.extend_from_slice(&[0, 0, 0, 5, MSG_IM, 2, 0, 0]);
    frame.extend_from_slice(&body);
    h.s.handle_binary(conn, &frame, h.now);
    h.pump();
    assert!(matches!(&h.take_events()[..], [Event::PeerMessage(m)] if m.content == "\u{FFFD}"));
    assert_eq!(
        h.bodies(),
        [Body::Ack {
            seq: 5,
            status: None
        }]
    );
}

// ---- rooms ----

#[test]
fn leave_room_is_sent_and_not_reentered() {
    let mut h = Harness::connected(config());
    h.s.enter_room(5, h.now);
    h.s.leave_room(6, h.now);
    h.pump();
    assert_eq!(h.bodies(), [Body::EnterRoom { room_id: 5 }]);
    h.s.leave_room(5, h.now);
    h.pump();
    assert_eq!(h.bodies(), [Body::LeaveRoom { room_id: 5 }]);
    h.close(false);
    h.fire();
    h.open();
    assert!(!h.bodies().iter().any(|b| b.cmd() == MSG_ENTER_ROOM));
}

// ---- sync keys ----

#[test]
fn a_push_is_accepted_only_after_matching_metadata() {
    let mut h = Harness::connected(config());
    h.s.set_sync_key(10);
    // No METADATA: dropped, no ACK.
    h.server(MESSAGE_FLAG_PUSH, Body::Im(im(2, 1, 1, "a")));
    // METADATA for another seq.
    h.server(0, meta(11, 10));
    h.server(0, Body::Pong);
    h.server(MESSAGE_FLAG_PUSH, Body::Im(im(2, 1, 2, "b")));
    // prev does not match our key.
    h.server(0, meta(12, 11));
    h.server(MESSAGE_FLAG_PUSH, Body::Im(im(2, 1, 3, "c")));
    // A zero key.
    h.server(0, meta(11, 0));
    h.server(MESSAGE_FLAG_PUSH, Body::Im(im(2, 1, 4, "d")));
    assert_eq!(h.app_events(), []);
    assert!(h.sent.is_empty());
    // Contiguous: accepted.
    h.server(0, meta(11, 10));
    let seq = h.server(MESSAGE_FLAG_PUSH, Body::Im(im(2, 1, 5, "e")));
    assert_eq!(
        h.bodies(),
        [
            Body::Ack { seq, status: None },
            Body::SyncKey { sync_key: 11 }
        ]
    );
    let events = h.app_events();
    assert!(matches!(&events[0], Event::PeerMessage(m) if m.content == "e"));
    assert_eq!(events[1..], [Event::SaveSyncKey(11)]);
    assert_eq!(h.s.sync_key(), 11);
}

#[test]
fn pushes_are_dropped_while_a_sync_runs_and_never_delivered_twice() {
    let mut h = Harness::new(config());
    h.s.set_sync_key(10);
    h.s.start(h.now);
    h.pump();
    h.open();
    h.server(0, Body::AuthStatus { status: 0 });
    h.clear();
    // The sync started on open is running: a contiguous push is dropped...
    h.server(0, meta(11, 10));
    h.server(MESSAGE_FLAG_PUSH, Body::Im(im(2, 1, 5, "during sync")));
    h.server(0, Body::SyncNotify { sync_key: 11 });
    assert_eq!(h.app_events(), []);
    assert!(h.sent.is_empty(), "no ACK, and no second SYNC within 4 s");
    // ...and comes in the batch instead, once.
    h.server(0, Body::SyncBegin { sync_key: 10 });
    h.server(0, Body::Im(im(2, 1, 5, "during sync")));
    h.server(0, Body::SyncEnd { sync_key: 11 });
    let events = h.app_events();
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(matches!(&events[0], Event::PeerMessage(m) if m.content == "during sync"));
    assert_eq!(events[1..], [Event::SaveSyncKey(11), Event::SyncEnd(11)]);
    h.sent.clear();

    // Not syncing: a push is accepted; the same message in a later sync batch is
    // ACKed but not delivered again.
    h.server(0, meta(12, 11));
    h.server(MESSAGE_FLAG_PUSH, Body::Im(im(2, 1, 6, "pushed")));
    assert_eq!(h.app_events().len(), 2);
    h.s.set_sync_key(11); // as if the key had not been saved in time
    h.server(0, Body::SyncNotify { sync_key: 12 });
    assert_eq!(h.bodies().last(), Some(&Body::Sync { sync_key: 11 }));
    let seq = h.server(0, Body::Im(im(2, 1, 6, "pushed")));
    h.server(0, Body::SyncEnd { sync_key: 12 });
    assert_eq!(h.app_events(), [Event::SaveSyncKey(12), Event::SyncEnd(12)]);
    assert_eq!(h.bodies()[0], Body::Ack { seq, status: None });
}

#[test]
fn sync_notify_respects_the_four_second_guard_and_pending_key() {
    let mut h = Harness::new(config());
    h.s.start(h.now);
    h.pump();
    h.open();
    h.clear();
    // Syncing since open; a notify within 4 s only records the key.
    h.jump(3_999);
    h.server(0, Body::SyncNotify { sync_key: 20 });
    assert!(h.sent.is_empty());
    // SYNC_END below the pending key: adopt, report, sync again.
    h.server(0, Body::SyncEnd { sync_key: 15 });
    assert_eq!(
        h.bodies(),
        [Body::SyncKey { sync_key: 15 }, Body::Sync { sync_key: 15 }]
    );
    assert_eq!(h.app_events(), [Event::SaveSyncKey(15), Event::SyncEnd(15)]);
    // After 4 s without an end, a notify syncs again.
    h.jump(4_000);
    h.server(0, Body::SyncNotify { sync_key: 30 });
    assert_eq!(h.bodies(), [Body::Sync { sync_key: 15 }]);
    // An end at the same key still reports; a notify for an old key does nothing.
    h.server(0, Body::SyncEnd { sync_key: 15 });
    assert_eq!(h.app_events(), [Event::SyncEnd(15)]);
    assert!(h.sent.is_empty());
    h.server(0, Body::SyncNotify { sync_key: 15 });
    assert!(h.sent.is_empty());
}

#[test]
fn keys_above_two_to_the_53_compare_as_integers() {
    let big = (1i64 << 53) + 1;
    let mut h = Harness::connected(config());
    h.s.set_sync_key(big);
    h.server(0, Body::SyncNotify { sync_key: big + 1 });
    assert_eq!(h.bodies(), [Body::Sync { sync_key: big }]);
    h.server(0, Body::SyncEnd { sync_key: big + 1 });
    h.server(0, meta(big + 2, big + 1));
    h.server(MESSAGE_FLAG_PUSH, Body::Im(im(2, 1, 1, "x")));
    assert_eq!(h.s.sync_key(), big + 2);
}

#[test]
fn an_ack_after_metadata_advances_the_key() {
    let mut h = Harness::connected(config());
    h.s.set_sync_key(10);
    h.s.add_super_group_sync_key(50, 100);
    h.send_peer("mine");
    let s = h.last_seq();
    h.server(0, meta(11, 10));
    h.server(0, ack(s));
    assert_eq!(h.s.sync_key(), 11);
    // A super-group ACK advances that group's key (the group of the acked message).
    h.s.send_group_message(
        OutMessage {
            receiver: 50,
            ..msg("g")
        },
        h.now,
    )
    .unwrap();
    h.pump();
    let sg = h.last_seq();
    h.sent.clear();
    h.take_events();
    h.server(0, meta(101, 100));
    h.server(MESSAGE_FLAG_SUPER_GROUP, ack(sg));
    assert_eq!(
        h.bodies(),
        [Body::GroupSyncKey {
            group_id: 50,
            sync_key: 101
        }]
    );
    assert!(h
        .app_events()
        .contains(&Event::SaveSuperGroupSyncKey { gid: 50, key: 101 }));
    assert_eq!(h.s.sync_key(), 11);
    // METADATA not matching our key: nothing.
    h.send_peer("x");
    let s = h.last_seq();
    h.sent.clear();
    h.server(0, meta(30, 20));
    h.server(0, ack(s));
    assert!(h.sent.is_empty());
    assert_eq!(h.s.sync_key(), 11);
}

#[test]
fn super_group_pushes_and_syncs() {
    let mut h = Harness::connected(config());
    h.s.add_super_group_sync_key(50, 100);
    let sg = MESSAGE_FLAG_PUSH | MESSAGE_FLAG_SUPER_GROUP;
    // A super-group push that is not a group message is dropped.
    h.server(0, meta(101, 100));
    h.server(sg, Body::Im(im(2, 50, 1, "bad")));
    assert!(h.sent.is_empty());
    // Contiguous for group 50: accepted, even during a peer sync.
    h.server(0, meta(101, 100));
    let seq = h.server(sg, Body::GroupIm(im(2, 50, 2, "ok")));
    assert_eq!(
        h.bodies(),
        [
            Body::Ack { seq, status: None },
            Body::GroupSyncKey {
                group_id: 50,
                sync_key: 101
            }
        ]
    );
    // Unregistered group: not contiguous.
    h.server(0, meta(5, 4));
    h.server(sg, Body::GroupIm(im(2, 51, 3, "x")));
    assert!(h.sent.is_empty());
    h.take_events();
    // Notify: registered and behind → SYNC_GROUP from the stored key.
    h.server(
        0,
        Body::SyncGroupNotify {
            group_id: 50,
            sync_key: 105,
        },
    );
    h.server(
        0,
        Body::SyncGroupNotify {
            group_id: 50,
            sync_key: 101,
        },
    );
    h.server(
        0,
        Body::SyncGroupNotify {
            group_id: 51,
            sync_key: 9,
        },
    );
    assert_eq!(
        h.bodies(),
        [Body::SyncGroup {
            group_id: 50,
            sync_key: 101
        }]
    );
    h.server(
        0,
        Body::SyncGroupBegin {
            group_id: 50,
            sync_key: 105,
        },
    );
    h.server(
        0,
        Body::SyncGroupEnd {
            group_id: 50,
            sync_key: 105,
        },
    );
    h.server(
        0,
        Body::SyncGroupEnd {
            group_id: 51,
            sync_key: 9,
        },
    );
    assert_eq!(
        h.bodies(),
        [Body::GroupSyncKey {
            group_id: 50,
            sync_key: 105
        }]
    );
    assert!(h
        .app_events()
        .contains(&Event::SaveSuperGroupSyncKey { gid: 50, key: 105 }));
}

#[test]
fn unknown_groups_sync_from_zero_only_when_opted_in() {
    let mut h = Harness::connected(Config {
        sync_unknown_groups: true,
        ..config()
    });
    h.server(
        0,
        Body::SyncGroupNotify {
            group_id: 51,
            sync_key: 9,
        },
    );
    assert_eq!(
        h.bodies(),
        [Body::SyncGroup {
            group_id: 51,
            sync_key: 0
        }]
    );
    h.server(
        0,
        Body::SyncGroupEnd {
            group_id: 51,
            sync_key: 9,
        },
    );
    assert_eq!(
        h.app_events(),
        [Event::SaveSuperGroupSyncKey { gid: 51, key: 9 }]
    );
    h.s.remove_super_group_sync_key(51);
    h.s.add_super_group_sync_key(52, 1);
    h.s.clear_super_group_sync_key();
    h.close(false);
    h.fire();
    h.open();
    assert!(!h.bodies().iter().any(|b| b.cmd() == MSG_SYNC_GROUP));
}

#[test]
fn a_socket_that_never_opens_fails_at_the_connect_timeout_and_backs_off() {
    let mut h = Harness::new(config());
    h.s.start(h.now);
    h.pump();
    let first = h.conn.unwrap();
    let deadline = h.now + Config::default().connect_timeout_ms;
    assert_eq!(h.s.poll_timeout(), Some(deadline));
    h.s.handle_timeout(deadline - 1);
    h.pump();
    assert!(h.closed.is_empty());
    h.now = deadline;
    h.s.handle_timeout(h.now);
    h.pump();
    assert_eq!(h.closed, [first]);
    assert_eq!(h.s.state(), ConnectState::ConnectFail);
    // The retry comes from the back-off, not at once.
    assert_eq!(h.connects, [first]);
    let retry = h.s.poll_timeout().unwrap();
    assert!(retry >= h.now && retry <= h.now + Config::default().backoff.base_ms);
    // A late open of the abandoned socket is ignored.
    h.s.handle_open(first, h.now);
    h.pump();
    assert_eq!(h.s.state(), ConnectState::ConnectFail);
}

mod late_timers;
mod property;
mod redaction;
mod stored_identity;
mod storm;

/// Outbox slots visited per send for `n` messages in flight, the next
/// deadline read after each send as the driver does.
fn outbox_work_per_send(n: usize) -> f64 {
    let mut h = Harness::connected(Config {
        max_pending: n,
        ..config()
    });
    let before = h.s.pending.work();
    for _ in 0..n {
        h.s.send_peer_message(msg("x"), h.now).unwrap();
        assert!(h.s.poll_timeout().is_some());
    }
    (h.s.pending.work() - before) as f64 / n as f64
}

#[test]
fn a_send_costs_the_same_with_100_000_in_flight_as_with_10() {
    assert!(Config::default().max_pending >= 10_000);
    let (small, large) = (outbox_work_per_send(10), outbox_work_per_send(100_000));
    assert!(large <= small * 2.0 + 1.0, "{small} {large}");
}

/// A connect timeout that fires far past its deadline (a throttled tab) is a
/// hint: the open event may be queued behind the wake-up, so the socket gets a
/// short grace, once; an on-time timeout, or a second late one, still fails it.
#[test]
fn a_late_connect_timeout_gives_a_queued_open_one_grace() {
    let timeout = config().connect_timeout_ms;
    let mut h = Harness::new(config());
    h.s.start(h.now);
    h.pump();
    h.clear();
    // The timer wakes 60 s late; the open event is queued right behind it.
    h.jump(timeout + 60_000);
    assert!(h.closed.is_empty(), "a late timeout closed the socket");
    h.open();
    h.server(0, Body::AuthStatus { status: 0 });
    assert_eq!(h.s.state(), ConnectState::Connected);
    assert!(h.closed.is_empty());

    // On time, the timeout still fails the socket.
    let mut h = Harness::new(config());
    h.s.start(h.now);
    h.pump();
    h.clear();
    h.jump(timeout);
    assert_eq!(h.closed.len(), 1, "an on-time connect timeout must close");

    // Late twice: the grace is given once, then the socket fails.
    let mut h = Harness::new(config());
    h.s.start(h.now);
    h.pump();
    h.clear();
    h.jump(timeout + 60_000);
    assert!(h.closed.is_empty());
    h.jump(60_000);
    assert_eq!(h.closed.len(), 1, "a socket that never opens must fail");
}
