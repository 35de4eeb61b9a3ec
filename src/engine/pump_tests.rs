use super::*;
use crate::core::mobileimsdk::{Client, Config, Event, LoginInfo};
use crate::engine::batch::{BatchWriter, Value};
use crate::engine::driver::records;

const URL: &str = "ws://127.0.0.1:9/websocket";

fn client() -> Client {
    Client::new(
        Config {
            url: URL.into(),
            ..Config::default()
        },
        7,
    )
}

fn login(c: &mut Client, now: u64) {
    let info = LoginInfo {
        user_id: "u1".into(),
        token: "t".into(),
        extra: None,
        app: None,
    };
    c.login(info, now);
}

/// Events as a record of their debug-free kind: the login result's code, else kind 99.
fn encode(_: &Client, event: Event, w: &mut BatchWriter) {
    match event {
        Event::LoginResult(code) => w.event(1, &[Value::Int(code.into())]),
        _ => w.event(99, &[]),
    }
}

fn drained(pump: &mut Pump, c: &mut Client, now: u64) -> Vec<Record> {
    pump.drain(c, now, encode);
    records(pump.take())
}

#[test]
fn a_login_asks_for_a_socket_and_arms_the_timer_once() {
    let (mut pump, mut c) = (Pump::new(), client());
    login(&mut c, 1_000);
    let first = drained(&mut pump, &mut c, 1_000);
    assert!(
        matches!(&first[0], Record::Connect { conn, url } if *conn > 0 && url == URL),
        "{first:?}"
    );
    let deadline = c.poll_timeout().expect("a connect deadline");
    assert_eq!(
        first.last(),
        Some(&Record::ArmTimer {
            delay_ms: deadline - 1_000
        })
    );
    // Nothing changed: an empty batch, no second arm.
    assert!(drained(&mut pump, &mut c, 1_500).is_empty());
}

#[test]
fn the_open_socket_gets_the_login_frame_in_the_same_batch_as_the_new_deadline() {
    let (mut pump, mut c) = (Pump::new(), client());
    login(&mut c, 0);
    let Record::Connect { conn, .. } = drained(&mut pump, &mut c, 0)[0].clone() else {
        panic!("no connect");
    };
    c.handle_open(conn, 10);
    let batch = drained(&mut pump, &mut c, 10);
    assert!(
        batch.iter().any(
            |r| matches!(r, Record::SendText { conn: k, text } if *k == conn && text.contains("u1"))
        ),
        "{batch:?}"
    );
}

#[test]
fn release_closes_the_socket_disarms_the_timer_and_reports_the_pending_login() {
    let (mut pump, mut c) = (Pump::new(), client());
    login(&mut c, 0);
    let Record::Connect { conn, .. } = drained(&mut pump, &mut c, 0)[0].clone() else {
        panic!("no connect");
    };
    c.release(5);
    let batch = drained(&mut pump, &mut c, 5);
    assert!(batch.contains(&Record::Close { conn }), "{batch:?}");
    assert!(
        batch
            .iter()
            .any(|r| matches!(r, Record::Event { kind: 1, .. })),
        "{batch:?}"
    );
    assert_eq!(batch.last(), Some(&Record::DisarmTimer));
}

#[test]
fn after_the_timer_fires_the_same_deadline_is_armed_again() {
    let (mut pump, mut c) = (Pump::new(), client());
    login(&mut c, 0);
    drained(&mut pump, &mut c, 0);
    let deadline = c.poll_timeout().unwrap();
    pump.timer_fired();
    // Fired early (a clock step): the machine keeps its deadline, the JS timer must be re-armed.
    assert_eq!(
        drained(&mut pump, &mut c, deadline - 1),
        vec![Record::ArmTimer { delay_ms: 1 }]
    );
}
