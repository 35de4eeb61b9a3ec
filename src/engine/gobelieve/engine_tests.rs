use super::command::{encode_command, encode_setup, Setup};
use super::event::*;
use super::*;
use crate::core::gobelieve::codec::{self, Body, Im, Packet};
use crate::core::gobelieve::OutMessage;
use crate::engine::batch::Record;
use crate::engine::driver::{events_except, records};

const URL: &str = "ws://127.0.0.1:13891/ws";
const T0: u64 = 1_000_000;

fn engine() -> Engine {
    let setup = Setup {
        seed: 7,
        settings: vec![
            Setting::AccessToken("token".into()),
            Setting::DeviceId("dev".into()),
            Setting::SyncKey(5),
        ],
    };
    Engine::new(&encode_setup(&setup)).unwrap()
}

/// The events but console warnings.
fn events(batch: impl AsRef<[u8]>) -> Vec<(u32, Vec<Value>)> {
    events_except(batch, Some(WARNING))
}

fn cmd(e: &mut Engine, c: Command) -> Vec<u8> {
    e.command(&encode_command(&c), T0).to_vec()
}

/// The packets of the batch's binary frames.
fn packets(records: &[Record]) -> Vec<Packet> {
    records
        .iter()
        .filter_map(|r| match r {
            Record::SendBinary { conn: 1, bytes } => Some(codec::decode(bytes).unwrap()),
            _ => None,
        })
        .collect()
}

fn server(e: &mut Engine, seq: i32, body: Body) -> Vec<u8> {
    server_flagged(e, seq, 0, body)
}

fn server_flagged(e: &mut Engine, seq: i32, flag: u8, body: Body) -> Vec<u8> {
    let p = Packet {
        seq,
        version: 2,
        flag,
        body,
    };
    e.binary(1, &p.encode().unwrap(), T0).to_vec()
}

/// A peer message as the server forwards it (timestamp 1,700,000,000, msgid 3).
fn incoming(sender: i64, receiver: i64, content: &str) -> Im {
    Im {
        sender,
        receiver,
        timestamp: 1_700_000_000,
        msgid: 3,
        content: content.into(),
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

/// Started, open and authenticated on socket 1.
fn connected() -> Engine {
    let mut e = engine();
    let started = records(cmd(
        &mut e,
        Command::Start {
            url: URL.to_string(),
        },
    ));
    assert!(matches!(&started[0], Record::Connect { conn: 1, url } if url == URL));
    assert!(started.contains(&Record::Event {
        kind: STATE,
        values: vec![Value::Int(1)]
    }));
    assert!(started.iter().any(|r| matches!(r, Record::ArmTimer { .. })));
    let opened = records(e.open(1, T0));
    let auth = packets(&opened);
    assert!(
        matches!(&auth[0].body, Body::AuthToken { token, device_id, .. } if token.expose() == "token" && device_id == "dev")
    );
    assert!(opened.contains(&Record::Event {
        kind: STATE,
        values: vec![Value::Int(2)]
    }));
    server(&mut e, 1, Body::AuthStatus { status: 0 });
    // The first sync ends where it began: nothing is held back after this.
    server(&mut e, 100, Body::SyncEnd { sync_key: 5 });
    e
}

#[test]
fn a_send_replies_first_with_its_token_then_writes_the_frame() {
    let mut e = connected();
    let batch = records(cmd(&mut e, Command::Send(Send::Peer(msg("hi")))));
    let Record::Event {
        kind: REPLY,
        values,
    } = &batch[0]
    else {
        panic!("no reply first: {batch:?}")
    };
    assert_eq!(values[0], Value::Int(0));
    let Value::Int(token) = values[1] else {
        panic!()
    };
    let sent = packets(&batch);
    assert!(matches!(&sent[0].body, Body::Im(m) if m.content == "hi" && m.msgid == 7));
    let got = events(server(
        &mut e,
        2,
        Body::Ack {
            seq: sent[0].seq,
            status: Some(0),
        },
    ));
    assert_eq!(got, vec![(ACK, vec![Value::Int(PEER), Value::Int(token)])]);
}

#[test]
fn refused_sends_reply_with_their_code_and_write_nothing() {
    let mut e = engine();
    for send in [Send::Peer(msg("x")), Send::Rt(msg("x"))] {
        let batch = records(cmd(&mut e, Command::Send(send)));
        assert_eq!(
            batch,
            vec![Record::Event {
                kind: REPLY,
                values: vec![Value::Int(1)]
            }]
        );
    }
    let mut e = connected();
    let batch = records(cmd(&mut e, Command::Send(Send::Room(msg("x")))));
    assert_eq!(
        batch[0],
        Record::Event {
            kind: REPLY,
            values: vec![Value::Int(0), Value::Int(0)]
        }
    );
    let too_long = msg(&"x".repeat(40_000));
    let batch = records(cmd(&mut e, Command::Send(Send::Group(too_long))));
    assert_eq!(
        batch,
        vec![Record::Event {
            kind: REPLY,
            values: vec![Value::Int(2)]
        }]
    );
    // A malformed command (a JS bug) is a refused send, never a panic.
    assert_eq!(
        records(e.command(&[0xee], T0)),
        vec![Record::Event {
            kind: REPLY,
            values: vec![Value::Int(1)]
        }]
    );
}

#[test]
fn is_self_and_cmd_come_from_the_session_not_from_js() {
    use crate::core::gobelieve::command::MESSAGE_FLAG_SELF;
    let mut e = connected();
    let m = incoming(1, 2, "from my other device");
    let got = events(server_flagged(&mut e, 2, MESSAGE_FLAG_SELF, Body::Im(m)));
    assert_eq!(got[0].0, PEER_MESSAGE, "{got:?}");
    assert_eq!(got[0].1[2..4], [Value::Int(8), Value::Bool(true)]);
    let c = codec::Customer {
        sender_app_id: 10,
        sender: 11,
        receiver_app_id: 20,
        receiver: 21,
        timestamp: 1_700_000_000,
        content: "hi".into(),
    };
    let got = events(server_flagged(
        &mut e,
        3,
        MESSAGE_FLAG_SELF,
        Body::Customer(c),
    ));
    assert_eq!(
        got[0],
        (
            CUSTOMER_MESSAGE,
            vec![
                Value::Int(3),
                Value::Int(i64::from(crate::core::gobelieve::command::MSG_CUSTOMER)),
                Value::Int(8),
                Value::Bool(true),
                Value::Int(10),
                Value::Int(11),
                Value::Int(20),
                Value::Int(21),
                Value::Int(1_700_000_000),
                Value::Text("hi".into()),
            ]
        )
    );
}

#[test]
fn an_incoming_message_is_its_eight_values_and_the_sync_key_follows() {
    let mut e = connected();
    let m = incoming(9_007_199_254_740_993, 1, "yo");
    let got = events(server(&mut e, 2, Body::Im(m)));
    assert_eq!(
        got[0],
        (
            PEER_MESSAGE,
            vec![
                Value::Int(2),
                Value::Int(4),
                Value::Int(0),
                Value::Bool(false),
                Value::Int(9_007_199_254_740_993),
                Value::Int(1),
                Value::Int(1_700_000_000),
                Value::Text("yo".into()),
            ]
        )
    );
    // A sync key the server confirms is reported once as SAVE_SYNC_KEY and as the property's value.
    server(&mut e, 3, Body::SyncBegin { sync_key: 5 });
    let got = events(server(&mut e, 4, Body::SyncEnd { sync_key: 12 }));
    assert!(
        got.contains(&(SAVE_SYNC_KEY, vec![Value::Int(12)])),
        "{got:?}"
    );
    assert!(got.contains(&(SYNC_KEY, vec![Value::Int(12)])), "{got:?}");
    let again = events(server(&mut e, 5, Body::SyncEnd { sync_key: 12 }));
    assert!(!again.iter().any(|(k, _)| *k == SYNC_KEY), "{again:?}");
}

#[test]
fn stop_fails_pending_messages_with_stopped_closes_and_disarms() {
    let mut e = connected();
    let batch = records(cmd(&mut e, Command::Send(Send::Customer(customer()))));
    let Record::Event { values, .. } = &batch[0] else {
        panic!()
    };
    let token = values[1].clone();
    let stopped = records(cmd(&mut e, Command::Stop));
    assert!(stopped.contains(&Record::Close { conn: 1 }));
    assert!(stopped.contains(&Record::Event {
        kind: FAILURE,
        values: vec![Value::Int(CUSTOMER), token, Value::Int(3), Value::Null]
    }));
    assert!(stopped.contains(&Record::Event {
        kind: STATE,
        values: vec![Value::Int(0)]
    }));
    assert_eq!(stopped.last(), Some(&Record::DisarmTimer));
}

fn customer() -> crate::core::gobelieve::OutCustomerMessage {
    crate::core::gobelieve::OutCustomerMessage {
        sender_app_id: 1,
        sender: 1,
        receiver_app_id: 2,
        receiver: 2,
        content: "c".into(),
        timestamp: 0,
    }
}

#[test]
fn a_refused_token_reports_its_status_and_a_new_token_reconnects_at_once() {
    let mut e = engine();
    cmd(
        &mut e,
        Command::Start {
            url: URL.to_string(),
        },
    );
    e.open(1, T0);
    let got = events(server(&mut e, 1, Body::AuthStatus { status: 7 }));
    assert!(
        got.contains(&(AUTH_REFUSED, vec![Value::Int(7)])),
        "{got:?}"
    );
    assert!(got.contains(&(STATE, vec![Value::Int(4)])), "{got:?}");
    let again = records(cmd(
        &mut e,
        Command::Set(Setting::AccessToken("new".into())),
    ));
    assert!(
        matches!(&again[0], Record::Connect { conn: 2, .. }),
        "{again:?}"
    );
}

#[test]
fn a_lost_link_schedules_a_reconnect_that_the_timer_runs() {
    let mut e = connected();
    let got = records(e.close(1, true, T0));
    let delay = got
        .iter()
        .find_map(|r| match r {
            Record::Event {
                kind: RECONNECT_SCHEDULED,
                values,
            } => Some(values[0].clone()),
            _ => None,
        })
        .expect("a reconnect is scheduled");
    let Value::Int(delay) = delay else { panic!() };
    assert!(got.contains(&Record::ArmTimer {
        delay_ms: delay as u64
    }));
    let fired = records(e.timer(T0 + delay as u64));
    assert!(
        matches!(&fired[0], Record::Connect { conn: 2, .. }),
        "{fired:?}"
    );
    // Signals reach the session: offline suspends the new attempt.
    let offline = records(cmd(&mut e, Command::Signal(Signal::Offline)));
    assert!(offline.contains(&Record::Close { conn: 2 }), "{offline:?}");
}

#[test]
fn settings_apply_to_the_session() {
    let mut e = engine();
    let set = |e: &mut Engine, s| cmd(e, Command::Set(s));
    set(&mut e, Setting::Timing(Timing::AckTimeout, 1234));
    set(&mut e, Setting::Timing(Timing::PingInterval, 2345));
    set(&mut e, Setting::Timing(Timing::PongTimeout, 345));
    set(&mut e, Setting::Timing(Timing::ReconnectDelay, 45));
    set(&mut e, Setting::Timing(Timing::ReconnectMaxDelay, 4567));
    set(&mut e, Setting::Timing(Timing::ConnectTimeout, 5678));
    set(&mut e, Setting::PlatformId(1));
    set(&mut e, Setting::ProtocolVersion(1));
    let c = e.machine.config();
    assert_eq!(
        (
            c.ack_timeout_ms,
            c.heartbeat_ms,
            c.pong_timeout_ms,
            c.backoff.base_ms,
            c.backoff.cap_ms,
            c.connect_timeout_ms,
            c.platform_id,
            c.protocol_version,
        ),
        (1234, 2345, 345, 45, 4567, 5678, 1, 1)
    );
    assert_eq!(e.machine.sync_key(), 5);
    // Whoever changed it, the property's value follows the session's.
    assert_eq!(
        events(set(&mut e, Setting::SyncKey(6))),
        vec![(SYNC_KEY, vec![Value::Int(6)])]
    );
}

#[test]
fn max_pending_from_the_setup_bounds_the_messages_in_flight() {
    let setup = Setup {
        seed: 7,
        settings: vec![Setting::AccessToken("token".into()), Setting::MaxPending(2)],
    };
    let mut e = Engine::new(&encode_setup(&setup)).unwrap();
    cmd(&mut e, Command::Start { url: URL.into() });
    e.open(1, T0);
    let reply =
        |e: &mut Engine| match records(cmd(e, Command::Send(Send::Peer(msg("x")))))[0].clone() {
            Record::Event {
                kind: REPLY,
                values,
            } => values[0].clone(),
            other => panic!("no reply first: {other:?}"),
        };
    assert_eq!(reply(&mut e), Value::Int(0));
    assert_eq!(reply(&mut e), Value::Int(0));
    assert_eq!(reply(&mut e), Value::Int(send_error(SendError::OutboxFull)));
    assert_eq!(e.machine.config().max_pending, 2);
}
