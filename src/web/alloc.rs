//! The wasm heap: a size-class allocator over `memory.grow`, a fraction of
//! the size of the default dlmalloc.
//!
//! Every block is a power of two of at least [`MIN`] bytes, aligned to its
//! size, and a freed block goes on the free list of its size for the next
//! allocation of that size (blocks are never split or merged). Blocks below
//! a page are carved from 64 KiB pages taken one at a time; larger ones take
//! whole pages of their own. Memory is never given back to the host (wasm
//! memory cannot shrink anyway); what one size class held stays available to
//! it. wasm32 has one thread, so the state needs no lock.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr::null_mut;

/// Smallest block: room for the free-list link and most small values.
const MIN: usize = 16;
const PAGE: usize = 65_536;
/// Size classes 2^4 ..= 2^31.
const CLASSES: usize = 28;

struct Heap {
    /// Head of the free list of each class (the link is a block's first word).
    free: [*mut u8; CLASSES],
    /// The unused tail of the page small blocks are carved from.
    next: usize,
    end: usize,
}

/// The global allocator of the wasm builds.
pub struct SizeClasses(UnsafeCell<Heap>);

// SAFETY: wasm32-unknown-unknown runs one thread.
unsafe impl Sync for SizeClasses {}

impl SizeClasses {
    pub const fn new() -> Self {
        SizeClasses(UnsafeCell::new(Heap {
            free: [null_mut(); CLASSES],
            next: 0,
            end: 0,
        }))
    }
}

/// The class and block size of `layout`, `None` when too large.
fn class_of(layout: Layout) -> Option<(usize, usize)> {
    let size = layout
        .size()
        .max(layout.align())
        .max(MIN)
        .checked_next_power_of_two()?;
    let class = (size.trailing_zeros() - MIN.trailing_zeros()) as usize;
    (class < CLASSES).then_some((class, size))
}

/// `pages` new pages of wasm memory; `None` when the host refuses.
fn grow(pages: usize) -> Option<usize> {
    let first = core::arch::wasm32::memory_grow(0, pages);
    (first != usize::MAX).then_some(first * PAGE)
}

unsafe impl GlobalAlloc for SizeClasses {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some((class, size)) = class_of(layout) else {
            return null_mut();
        };
        // SAFETY: one thread, and no allocation re-enters the allocator.
        let heap = unsafe { &mut *self.0.get() };
        let head = heap.free[class];
        if !head.is_null() {
            // SAFETY: a free block's first word is the link to the next one.
            heap.free[class] = unsafe { *(head as *mut *mut u8) };
            return head;
        }
        if size >= PAGE {
            return grow(size / PAGE).map_or(null_mut(), |at| at as *mut u8);
        }
        // Pages are 64 KiB aligned, so aligning within one aligns absolutely.
        let mut at = (heap.next + size - 1) & !(size - 1);
        if at + size > heap.end {
            let Some(page) = grow(1) else {
                return null_mut();
            };
            (at, heap.end) = (page, page + PAGE);
        }
        heap.next = at + size;
        at as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some((class, _)) = class_of(layout) {
            // SAFETY: one thread; `ptr` is a block of this class, now unused.
            let heap = unsafe { &mut *self.0.get() };
            unsafe { *(ptr as *mut *mut u8) = heap.free[class] };
            heap.free[class] = ptr;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY (all below): the caller's contract for `realloc`.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class_of(layout) == class_of(new_layout) {
            return ptr; // the block already fits
        }
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}
