//! How bytes cross the boundary without wasm-bindgen's copies: JS writes an
//! input (a frame, a text, a command) into the staging buffer
//! ([`engine_input`]) and passes its length; an export answers with the
//! address of its batch in wasm memory and leaves the batch's length at
//! [`engine_batch_len_at`]. JS reads the batch in place
//! (`js/engine/exchange.js`) before its next call into the module, which may
//! reuse both buffers. A socket event so costs one call in and no
//! allocation on either side for the bytes.

use alloc::vec::Vec;
use core::cell::Cell;
use core::sync::atomic::{AtomicU32, Ordering};

use wasm_bindgen::prelude::*;

use super::one_thread::OneThread;

/// The staged input; it keeps the size of the largest input so far
/// (inputs are bounded: the transport refuses frames over the protocol limit).
/// (A `Cell` taken and put back: no borrow flag, no panic path.)
static INPUT: OneThread<Cell<Vec<u8>>> = OneThread::new(Cell::new(Vec::new()));

/// The length of the batch the last export answered with.
static BATCH_LEN: AtomicU32 = AtomicU32::new(0);

/// The address of a staging buffer of at least `len` bytes, for the next
/// call's input. The buffer moves only when it grows: JS keeps the address
/// and calls again only for an input larger than any before
/// (`js/engine/exchange.js`), so nothing else may move or shrink it.
#[wasm_bindgen]
pub fn engine_input(len: u32) -> *mut u8 {
    INPUT.with(|i| {
        let mut v = i.take();
        if v.len() < len as usize {
            v.resize(len as usize, 0);
        }
        let at = v.as_mut_ptr();
        i.set(v);
        at
    })
}

/// The address of the `u32` that holds the length of the last batch (it
/// never moves: JS asks once).
#[wasm_bindgen]
pub fn engine_batch_len_at() -> *const u32 {
    BATCH_LEN.as_ptr()
}

/// Runs `f` on the first `len` staged bytes (none when fewer were staged).
pub fn with_input<R>(len: u32, f: impl FnOnce(&[u8]) -> R) -> R {
    INPUT.with(|i| {
        let v = i.take();
        let out = f(v.get(..len as usize).unwrap_or(&[]));
        i.set(v);
        out
    })
}

/// Runs `f` on the first `len` staged bytes as text (JS stages UTF-8 only,
/// from `TextEncoder`; anything else would read as empty text).
pub fn with_text<R>(len: u32, f: impl FnOnce(&str) -> R) -> R {
    with_input(len, |b| f(core::str::from_utf8(b).unwrap_or_default()))
}

/// Hands `batch` to JS: its address, with its length at [`engine_batch_len_at`].
pub fn hand_over(batch: &[u8]) -> *const u8 {
    BATCH_LEN.store(batch.len() as u32, Ordering::Relaxed);
    batch.as_ptr()
}
