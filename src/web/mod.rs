//! The wasm-bindgen layer: the exports of each protocol's engine
//! ([`gobelieve`] for the JS class `IMService`, [`mobileimsdk`] for
//! `IMClientManager`, in `js/engine/`), which perform sockets, the timer and
//! callbacks from the batches these return, read in place ([`exchange`]).
//! No JS is imported.

pub mod exchange;
#[cfg(feature = "gobelieve")]
pub mod gobelieve;
mod handles;
#[cfg(feature = "mobileimsdk")]
pub mod mobileimsdk;

use wasm_bindgen::prelude::*;

/// Bytes of wasm linear memory (it grows, never shrinks): diagnostics and tests.
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}
