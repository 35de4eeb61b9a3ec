use super::command::{encode_command, encode_setup, Setup};
use super::event::*;
use super::*;
use crate::core::mobileimsdk::{Config, Dialect, LoginInfo, Protocal, SendRequest};
use crate::engine::driver::{events, records};

const URL: &str = "ws://127.0.0.1:3000/websocket";
const T0: u64 = 1_000_000;

fn engine() -> Engine {
    let setup = Setup {
        config: Config {
            url: URL.into(),
            ..Config::default()
        },
        seed: 7,
    };
    Engine::new(&encode_setup(&setup)).unwrap()
}

fn login(e: &mut Engine) -> Vec<u8> {
    let info = LoginInfo {
        user_id: "u1".into(),
        token: "t".into(),
        extra: None,
        app: None,
    };
    e.command(&encode_command(&Command::Login(info)), T0)
        .to_vec()
}

fn login_ok() -> String {
    let body = r#"{"code":0,"firstLoginTime":1}"#.to_string();
    Protocal::new(50, Some(body), "0", "u1").to_json(Dialect::Official)
}

/// A logged-in engine on socket 1.
fn logged_in() -> Engine {
    let mut e = engine();
    let batch = records(login(&mut e));
    assert!(matches!(&batch[0], Record::Connect { conn: 1, url } if url == URL));
    let sent = records(e.open(1, T0));
    assert!(matches!(&sent[0], Record::SendText { conn: 1, text } if text.contains("\"type\":0")));
    let got = events(e.text(1, &login_ok(), T0));
    assert_eq!(
        got,
        vec![
            (LOGIN_RESULT, vec![Value::Int(0)]),
            (LOGIN_OK, vec![]),
            (STATE, vec![Value::Bool(true), Value::Bool(true)]),
        ]
    );
    e
}

fn send(e: &mut Engine, qos: bool) -> Vec<Record> {
    let req = SendRequest {
        data_content: "hi".into(),
        to: "u2".into(),
        qos,
        fp: None,
        typeu: 3,
    };
    records(e.command(&encode_command(&Command::Send(req)), T0 + 10))
}

#[test]
fn a_send_reply_leads_its_batch_and_carries_the_sender_and_generated_fp() {
    let mut e = engine();
    let refused = send(&mut e, true);
    assert_eq!(
        refused[0],
        Record::Event {
            kind: REPLY,
            values: vec![Value::Int(1), Value::Text("-1".into()), Value::Null]
        },
        "not logged in: code 1 from -1"
    );
    let mut e = logged_in();
    let batch = send(&mut e, true);
    let Record::Event { kind, values } = &batch[0] else {
        panic!("{batch:?}")
    };
    assert_eq!(
        (*kind, &values[..2]),
        (REPLY, &[Value::Int(0), Value::Text("u1".into())][..])
    );
    let Value::Text(fp) = &values[2] else {
        panic!("no fp: {values:?}")
    };
    assert_eq!(fp.len(), 36, "a UUID");
    assert!(matches!(&batch[1], Record::SendText { conn: 1, text } if text.contains(fp.as_str())));
}

#[test]
fn logout_replies_its_code_and_reports_state_and_the_waiting_message_as_lost() {
    let mut e = logged_in();
    send(&mut e, true);
    let batch = records(e.command(&encode_command(&Command::Logout), T0 + 20));
    assert_eq!(
        batch[0],
        Record::Event {
            kind: REPLY,
            values: vec![Value::Int(0)]
        }
    );
    let lost: Vec<_> = batch
        .iter()
        .filter_map(|r| match r {
            Record::Event { kind: LOST, values } => Some(values.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(lost.len(), 1, "{batch:?}");
    assert_eq!(lost[0].len(), 1 + 9, "the resend count and one protocal");
    assert_eq!(lost[0][0], Value::Int(2));
    assert_eq!(lost[0][3], Value::Text("hi".into()));
    assert!(batch.contains(&Record::Close { conn: 1 }));
    assert_eq!(
        batch.last(),
        Some(&Record::Event {
            kind: STATE,
            values: vec![Value::Bool(false), Value::Bool(false)]
        })
    );
}

#[test]
fn a_socket_close_gives_its_code_and_reason_then_the_reconnect_with_its_delay() {
    let mut e = logged_in();
    let got = events(e.close_with_reason(1, 1011, "server going away", false, T0 + 100));
    assert_eq!(
        got[0],
        (
            LINK_CLOSE,
            vec![
                Value::Int(-1),
                Value::Int(1011),
                Value::Text("server going away".into()),
                Value::Bool(true)
            ]
        )
    );
    // The first attempt after a link loss starts at once.
    assert_eq!(got[1], (RECONNECTING, vec![Value::Int(1), Value::Int(0)]));
    // It fails before opening: the second waits a back-off delay, announced once.
    let got = events(e.close_with_reason(2, 1006, "error", true, T0 + 200));
    let [(RECONNECTING, values)] = &got[..] else {
        panic!("{got:?}")
    };
    let (Value::Int(2), Value::Int(delay)) = (&values[0], &values[1]) else {
        panic!("{values:?}")
    };
    assert!(
        (1..=6_000).contains(delay),
        "a jittered delay up to 6 s: {delay}"
    );
    let later = records(e.timer(T0 + 200 + *delay as u64));
    assert!(
        matches!(later[..], [Record::Connect { conn: 3, .. }, ..]),
        "{later:?}"
    );
    assert!(
        !later.iter().any(|r| matches!(
            r,
            Record::Event {
                kind: RECONNECTING,
                ..
            }
        )),
        "the announced attempt starts without a second announcement"
    );
}

#[test]
fn a_link_the_client_closes_itself_has_no_close_code_and_a_kickout_will_not_retry() {
    let mut e = logged_in();
    // Silence past the keep-alive timeout: the client gives the link up.
    let mut dead = vec![];
    for t in (T0..T0 + 60_000).step_by(1_000) {
        dead.extend(events(e.timer(t)));
    }
    let close = dead
        .iter()
        .find(|(k, _)| *k == LINK_CLOSE)
        .expect("link closed");
    assert_eq!(close.1[1..3], [Value::Null, Value::Null]);

    let mut e = logged_in();
    let kick = r#"{"code":1,"reason":"elsewhere"}"#.to_string();
    let frame = Protocal::new(54, Some(kick), "0", "u1").to_json(Dialect::Official);
    let got = events(e.text(1, &frame, T0 + 5));
    assert_eq!(
        got[0],
        (
            KICKOUT,
            vec![Value::Int(1), Value::Text("elsewhere".into())]
        )
    );
    assert_eq!(got[1].0, LINK_CLOSE);
    assert_eq!(got[1].1[3], Value::Bool(false), "no retry after a kick-out");
    assert!(!got.iter().any(|(k, _)| *k == RECONNECTING));
}

#[test]
fn an_incoming_message_is_nine_values_and_a_malformed_command_is_refused() {
    let mut e = logged_in();
    let mut p = Protocal::new(2, Some("yo".into()), "u9", "u1");
    p.typeu = 5;
    p.sm = 1_700_000_000_000;
    let got = events(e.text(1, &p.to_json(Dialect::Official), T0 + 5));
    assert_eq!(
        got,
        vec![(
            MESSAGE,
            vec![
                Value::Bool(false),
                Value::Int(2),
                Value::Text("yo".into()),
                Value::Text("u9".into()),
                Value::Text("u1".into()),
                Value::Null,
                Value::Bool(false),
                Value::Int(5),
                Value::Int(1_700_000_000_000),
            ]
        )]
    );
    let got = events(e.command(&[99], T0 + 6));
    assert_eq!(got[0].0, REPLY);
    assert_eq!(got[0].1[0], Value::Int(4));
}
