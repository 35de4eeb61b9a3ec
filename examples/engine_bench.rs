//! A native microbench of the GoBelieve engine behind `IMService`, through
//! the same calls the wasm exports make (`src/web/gobelieve.rs`): what the
//! P2 and P3 figures of `scripts/bench.mjs` cost on the Rust side alone.
//!
//! `cargo run --release --example engine_bench [messages [receive|send]]`
//! prints ns per message; under `valgrind --tool=callgrind` (with few
//! messages, one figure) it gives instruction counts that a busy machine
//! does not disturb (the difference of two counts is the per-message cost).

use imsdk::core::gobelieve::codec::{Body, Im, Packet};
use imsdk::core::gobelieve::OutMessage;
use imsdk::engine::gobelieve::command::{
    encode_command, encode_setup, Command, Send, Setting, Setup, Timing,
};
use imsdk::engine::gobelieve::Engine;
use std::time::Instant;

const T0: u64 = 1_700_000_000_000;
const SYNC_KEY: i64 = 1000;

fn frame(seq: i32, flag: u8, body: Body) -> Vec<u8> {
    let mut p = Packet::new(seq, 2, body);
    p.flag = flag;
    p.encode().expect("a small frame")
}

/// Started, open, authenticated, first sync ended: as the bench's fake socket
/// leaves it; up to `in_flight` messages may await their ACK.
fn connected(in_flight: usize) -> Engine {
    let setup = Setup {
        seed: 7,
        settings: vec![
            Setting::AccessToken("bench".into()),
            Setting::SyncKey(SYNC_KEY),
            Setting::Timing(Timing::AckTimeout, 3_600_000),
            Setting::Timing(Timing::PingInterval, 3_600_000),
            Setting::MaxPending(in_flight.max(10_000) as u64),
        ],
    };
    let mut e = Engine::new(&encode_setup(&setup)).expect("a valid setup");
    let start = Command::Start {
        url: "ws://fake/ws".into(),
    };
    e.command(&encode_command(&start), T0);
    e.open(1, T0);
    e.binary(1, &frame(0, 0, Body::AuthStatus { status: 0 }), T0);
    let key = SYNC_KEY;
    e.binary(1, &frame(0, 0, Body::SyncBegin { sync_key: key }), T0);
    e.binary(1, &frame(0, 0, Body::SyncEnd { sync_key: key }), T0);
    e
}

/// P2: per message a METADATA, then the MSG_IM with the PUSH flag.
fn receive(n: usize) -> f64 {
    let frames: Vec<(Vec<u8>, Vec<u8>)> = (0..n)
        .map(|i| {
            let key = SYNC_KEY + i as i64;
            let meta = Body::Metadata {
                sync_key: key + 1,
                prev_sync_key: key,
            };
            let im = Body::Im(Im {
                sender: 2,
                receiver: 1,
                timestamp: 1_700_000_000,
                msgid: i as i32,
                content: format!("bench {i}"),
            });
            (
                frame(2 * i as i32 + 1, 0, meta),
                frame(2 * i as i32 + 2, 16, im),
            )
        })
        .collect();
    let mut e = connected(0);
    let mut out = 0;
    let t = Instant::now();
    for (meta, im) in &frames {
        out += e.binary(1, meta, T0).len();
        out += e.binary(1, im, T0).len();
    }
    let ns = t.elapsed().as_nanos() as f64 / n as f64;
    assert!(out > 30 * n, "every message made a batch");
    ns
}

/// P3: `n` sendPeerMessage commands, no ACKs.
fn send(n: usize) -> f64 {
    let commands: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            encode_command(&Command::Send(Send::Peer(OutMessage {
                sender: 1,
                receiver: 2,
                content: format!("bench {i}"),
                timestamp: 0,
                msg_local_id: i as i32,
            })))
        })
        .collect();
    let mut e = connected(n);
    let mut out = 0;
    let t = Instant::now();
    for c in &commands {
        out += e.command(c, T0).len();
    }
    let ns = t.elapsed().as_nanos() as f64 / n as f64;
    assert!(out > 30 * n, "every send made a batch");
    ns
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let only = args.next();
    if only.as_deref() != Some("send") {
        println!("receive (P2): {:.0} ns/message", receive(n));
    }
    if only.as_deref() != Some("receive") {
        println!("send (P3, {n} in flight): {:.0} ns/message", send(n));
    }
}
