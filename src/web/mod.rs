//! The wasm-bindgen layer: the exports of each protocol's engine
//! ([`gobelieve`] for the JS class `IMService`, [`mobileimsdk`] for
//! `IMClientManager`, in `js/engine/`), which perform sockets, the timer and
//! callbacks from the batches these return, read in place ([`exchange`]).
//! No JS is imported. The heap is [`crate::heap`]'s, over `memory.grow`.

pub mod exchange;
#[cfg(feature = "gobelieve")]
pub mod gobelieve;
mod handles;
#[cfg(feature = "mobileimsdk")]
pub mod mobileimsdk;
mod one_thread;

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

use wasm_bindgen::prelude::*;

use crate::heap::{Pages, SizeClasses, PAGE};

/// Pages from `memory.grow`.
struct WasmPages;

impl Pages for WasmPages {
    fn grow(&mut self, count: usize) -> Option<usize> {
        let first = core::arch::wasm32::memory_grow(0, count);
        (first != usize::MAX).then_some(first * PAGE)
    }

    fn end(&self) -> usize {
        core::arch::wasm32::memory_size(0) * PAGE
    }
}

/// The heap of every wasm build ([`crate::heap`]: smaller than dlmalloc).
struct Heap(UnsafeCell<SizeClasses<WasmPages>>);

// SAFETY: wasm32-unknown-unknown runs one thread.
unsafe impl Sync for Heap {}

// SAFETY (each method): one thread, and the heap never allocates itself, so
// no call re-enters it; the caller's contract is `SizeClasses`' own.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { (*self.0.get()).alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { (*self.0.get()).dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe { (*self.0.get()).realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static HEAP: Heap = Heap(UnsafeCell::new(SizeClasses::new(WasmPages)));

/// Bytes of wasm linear memory (it grows, never shrinks): diagnostics and tests.
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}

/// The shipped wasm (feature `lean`) is `no_std`: a panic traps at once and
/// formats nothing. (std's handler formatted a message for a stderr that
/// wasm32-unknown-unknown does not have, and then trapped too.)
#[cfg(all(feature = "lean", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
