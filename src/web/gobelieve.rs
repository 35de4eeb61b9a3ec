//! The wasm exports of the GoBelieve engine (`crate::engine::gobelieve`) for
//! the JS class `IMService` (`js/engine/gobelieve.js`): create and free, one
//! call per command, socket event and timer expiry, each answering with its
//! output batch. No JS is called from here, so nothing re-enters while an
//! engine is borrowed.

use wasm_bindgen::prelude::*;

use super::handles::{ms, Handles};
use crate::engine::gobelieve::Engine;

thread_local! {
    static ENGINES: Handles<Engine> = const { Handles::new() };
}

fn with(handle: u32, f: impl FnOnce(&mut Engine) -> Vec<u8>) -> Vec<u8> {
    ENGINES.with(|e| e.with(handle, f))
}

/// A new engine with the settings `setup` encodes; 0 when it is malformed.
#[wasm_bindgen]
pub fn gobelieve_create(setup: &[u8]) -> u32 {
    match Engine::new(setup) {
        Ok(engine) => ENGINES.with(|e| e.insert(engine)),
        Err(_) => 0,
    }
}

/// Drops engine `handle` (its sockets and timer are the JS class's to stop).
#[wasm_bindgen]
pub fn gobelieve_free(handle: u32) {
    ENGINES.with(|e| e.remove(handle));
}

/// One command (`js/engine/gobelieve-command.js`).
#[wasm_bindgen]
pub fn gobelieve_command(handle: u32, command: &[u8], now: f64) -> Vec<u8> {
    with(handle, |e| e.command(command, ms(now)))
}

#[wasm_bindgen]
pub fn gobelieve_open(handle: u32, conn: u32, now: f64) -> Vec<u8> {
    with(handle, |e| e.open(conn, ms(now)))
}

#[wasm_bindgen]
pub fn gobelieve_binary(handle: u32, conn: u32, bytes: &[u8], now: f64) -> Vec<u8> {
    with(handle, |e| e.binary(conn, bytes, ms(now)))
}

#[wasm_bindgen]
pub fn gobelieve_text(handle: u32, conn: u32, text: &str, now: f64) -> Vec<u8> {
    with(handle, |e| e.text(conn, text, ms(now)))
}

#[wasm_bindgen]
pub fn gobelieve_close(handle: u32, conn: u32, error: bool, now: f64) -> Vec<u8> {
    with(handle, |e| e.close(conn, error, ms(now)))
}

#[wasm_bindgen]
pub fn gobelieve_timer(handle: u32, now: f64) -> Vec<u8> {
    with(handle, |e| e.timer(ms(now)))
}
