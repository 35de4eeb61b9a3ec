//! The wasm exports of the GoBelieve engine (`crate::engine::gobelieve`) for
//! the JS class `IMService` (`js/engine/gobelieve.js`): create and free, one
//! call per command, socket event and timer expiry, each answering with the
//! address of its output batch. Inputs (a command, a frame) are the first
//! `len` bytes staged in [`super::exchange`]. No JS is called from here, so
//! nothing re-enters while an engine is borrowed.

use wasm_bindgen::prelude::*;

use super::exchange::{with_input, with_text};
use super::handles::{ms, Handles};
use super::one_thread::OneThread;
use crate::engine::gobelieve::Engine;

static ENGINES: OneThread<Handles<Engine>> = OneThread::new(Handles::new());

fn with(handle: u32, f: impl FnOnce(&mut Engine) -> &[u8]) -> *const u8 {
    ENGINES.with(|e| e.with(handle, f))
}

/// A new engine with the settings of the `len` staged setup bytes; 0 when
/// they are malformed.
#[wasm_bindgen]
pub fn gobelieve_create(len: u32) -> u32 {
    with_input(len, |setup| match Engine::new(setup) {
        Ok(engine) => ENGINES.with(|e| e.insert(engine)),
        Err(_) => 0,
    })
}

/// Drops engine `handle` (its sockets and timer are the JS class's to stop).
#[wasm_bindgen]
pub fn gobelieve_free(handle: u32) {
    ENGINES.with(|e| e.remove(handle));
}

/// One command (`js/engine/gobelieve-command.js`) of `len` staged bytes.
#[wasm_bindgen]
pub fn gobelieve_command(handle: u32, len: u32, now: f64) -> *const u8 {
    with_input(len, |c| with(handle, |e| e.command(c, ms(now))))
}

#[wasm_bindgen]
pub fn gobelieve_open(handle: u32, conn: u32, now: f64) -> *const u8 {
    with(handle, |e| e.open(conn, ms(now)))
}

/// A binary frame of `len` staged bytes.
#[wasm_bindgen]
pub fn gobelieve_binary(handle: u32, conn: u32, len: u32, now: f64) -> *const u8 {
    with_input(len, |b| with(handle, |e| e.binary(conn, b, ms(now))))
}

/// A text frame of `len` staged UTF-8 bytes.
#[wasm_bindgen]
pub fn gobelieve_text(handle: u32, conn: u32, len: u32, now: f64) -> *const u8 {
    with_text(len, |t| with(handle, |e| e.text(conn, t, ms(now))))
}

#[wasm_bindgen]
pub fn gobelieve_close(handle: u32, conn: u32, error: bool, now: f64) -> *const u8 {
    with(handle, |e| e.close(conn, error, ms(now)))
}

#[wasm_bindgen]
pub fn gobelieve_timer(handle: u32, now: f64) -> *const u8 {
    with(handle, |e| e.timer(ms(now)))
}
