//! The engines of one protocol by handle, for its wasm exports: JS holds a
//! small integer, never a pointer, so a stale or forged handle reaches
//! nothing (0 is never a handle).

use alloc::vec::Vec;
use core::cell::RefCell;

use super::exchange::hand_over;

/// Engines by handle - 1; a freed slot is reused.
pub struct Handles<E>(RefCell<Vec<Option<E>>>);

impl<E> Handles<E> {
    pub const fn new() -> Self {
        Handles(RefCell::new(Vec::new()))
    }

    /// Stores `engine`; returns its handle.
    pub fn insert(&self, engine: E) -> u32 {
        let mut engines = self.0.borrow_mut();
        let at = match engines.iter().position(Option::is_none) {
            Some(at) => at,
            None => {
                engines.push(None);
                engines.len() - 1
            }
        };
        engines[at] = Some(engine);
        at as u32 + 1
    }

    /// Drops the engine of `handle`, if any.
    pub fn remove(&self, handle: u32) {
        if let Some(slot) = self.0.borrow_mut().get_mut(index(handle)) {
            *slot = None;
        }
    }

    /// Hands over the batch `f` makes with the engine of `handle`
    /// ([`hand_over`]); an unknown handle gives an empty batch.
    pub fn with(&self, handle: u32, f: impl FnOnce(&mut E) -> &[u8]) -> *const u8 {
        match self.0.borrow_mut().get_mut(index(handle)) {
            Some(Some(engine)) => hand_over(f(engine)),
            _ => hand_over(&[]),
        }
    }
}

fn index(handle: u32) -> usize {
    (handle as usize).wrapping_sub(1)
}

/// Milliseconds from JS (`Date.now()`) as the core's time.
pub fn ms(now: f64) -> u64 {
    now as u64
}
