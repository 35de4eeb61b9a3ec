//! The wasm exports of the MobileIMSDK engine (`crate::engine::mobileimsdk`)
//! for the JS class `IMClientManager` (`js/engine/mobileimsdk.js`): create
//! and free, one call per command, socket event and timer expiry, each
//! answering with its output batch. No JS is called from here, so nothing
//! re-enters while an engine is borrowed.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::engine::mobileimsdk::Engine;

thread_local! {
    /// Engines by handle - 1 (a freed slot is reused).
    static ENGINES: RefCell<Vec<Option<Engine>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on engine `handle`; an unknown handle gives an empty batch.
fn with(handle: u32, f: impl FnOnce(&mut Engine) -> Vec<u8>) -> Vec<u8> {
    ENGINES.with(|e| {
        let mut engines = e.borrow_mut();
        match engines.get_mut((handle as usize).wrapping_sub(1)) {
            Some(Some(engine)) => f(engine),
            _ => Vec::new(),
        }
    })
}

/// Milliseconds from JS (`Date.now()`) as the core's time.
fn ms(now: f64) -> u64 {
    now as u64
}

/// A new engine with the options `setup` encodes; 0 when it is malformed.
#[wasm_bindgen]
pub fn mim_create(setup: &[u8]) -> u32 {
    let Ok(engine) = Engine::new(setup) else {
        return 0;
    };
    ENGINES.with(|e| {
        let mut engines = e.borrow_mut();
        let at = match engines.iter().position(Option::is_none) {
            Some(at) => at,
            None => {
                engines.push(None);
                engines.len() - 1
            }
        };
        engines[at] = Some(engine);
        at as u32 + 1
    })
}

/// Drops engine `handle` (its sockets and timer are the JS class's to stop).
#[wasm_bindgen]
pub fn mim_free(handle: u32) {
    ENGINES.with(|e| {
        if let Some(slot) = e.borrow_mut().get_mut((handle as usize).wrapping_sub(1)) {
            *slot = None;
        }
    });
}

/// One command (`js/engine/command.js`).
#[wasm_bindgen]
pub fn mim_command(handle: u32, command: &[u8], now: f64) -> Vec<u8> {
    with(handle, |e| e.command(command, ms(now)))
}

#[wasm_bindgen]
pub fn mim_open(handle: u32, conn: u32, now: f64) -> Vec<u8> {
    with(handle, |e| e.open(conn, ms(now)))
}

#[wasm_bindgen]
pub fn mim_text(handle: u32, conn: u32, text: &str, now: f64) -> Vec<u8> {
    with(handle, |e| e.text(conn, text, ms(now)))
}

#[wasm_bindgen]
pub fn mim_binary(handle: u32, conn: u32, bytes: &[u8], now: f64) -> Vec<u8> {
    with(handle, |e| e.binary(conn, bytes, ms(now)))
}

#[wasm_bindgen]
pub fn mim_close(
    handle: u32,
    conn: u32,
    code: u32,
    reason: &str,
    error: bool,
    now: f64,
) -> Vec<u8> {
    with(handle, |e| e.close(conn, code, reason, error, ms(now)))
}

#[wasm_bindgen]
pub fn mim_timer(handle: u32, now: f64) -> Vec<u8> {
    with(handle, |e| e.timer(ms(now)))
}

/// Bytes of wasm linear memory (it grows, never shrinks): diagnostics and tests.
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}
