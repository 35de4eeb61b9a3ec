//! The wasm heap: a size-class allocator over whole 64 KiB pages, a fraction
//! of the code of the default dlmalloc (about 3 KB gzip less per wasm).
//!
//! Every block is a power of two of at least [`MIN`] bytes, aligned to its
//! size (up to a page), and a freed block goes on the free list of its size
//! for the next allocation of that size: blocks are never split or merged,
//! so an allocation is a list pop or a pointer bump. Blocks below a page are
//! carved from pages taken one at a time; larger ones take whole pages of
//! their own; such a block at the end of the memory grows in place (when no
//! free block of the larger class waits), so a doubling buffer leaves no
//! trail of copies. Memory is never given back (wasm memory cannot shrink
//! anyway); what one size class held stays available to it. The cost is
//! memory: a block is up to twice what was asked (the flood test's
//! high-water marks are in the README).
//!
//! Where pages come from is the [`Pages`] of the heap: `memory.grow` in the
//! wasm builds (`src/web/mod.rs`), an arena in the host tests.

use core::alloc::Layout;
use core::ptr::null_mut;

/// Smallest block: room for the free-list link and most small values.
pub const MIN: usize = 16;
/// The unit pages come in (a wasm page).
pub const PAGE: usize = 65_536;
/// Size classes 2^4 ..= 2^31.
const CLASSES: usize = 28;

/// A source of fresh, page-aligned memory that grows at its end.
pub trait Pages {
    /// The address of `count` new pages, `None` when there is no more.
    fn grow(&mut self, count: usize) -> Option<usize>;
    /// The end of the memory: where the next pages will start.
    fn end(&self) -> usize;
}

/// Free lists per size class and the page small blocks are carved from.
pub struct SizeClasses<P> {
    /// Head of the free list of each class (the link is a block's first word).
    free: [*mut u8; CLASSES],
    /// The unused tail of the current small-block page.
    next: usize,
    end: usize,
    pages: P,
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

impl<P: Pages> SizeClasses<P> {
    /// An empty heap over `pages`.
    pub const fn new(pages: P) -> Self {
        SizeClasses {
            free: [null_mut(); CLASSES],
            next: 0,
            end: 0,
            pages,
        }
    }

    /// A block for `layout`, or null (as `GlobalAlloc::alloc`).
    ///
    /// # Safety
    /// `layout` has a non-zero size, and every block of this heap is freed
    /// with the layout (or a layout of the same class) it was allocated with.
    pub unsafe fn alloc(&mut self, layout: Layout) -> *mut u8 {
        // Pages are only page aligned: a larger alignment cannot be met. (So
        // no block of this heap has one, and `dealloc` and `realloc` need not check.)
        let Some((class, size)) = class_of(layout).filter(|_| layout.align() <= PAGE) else {
            return null_mut();
        };
        let head = self.free[class];
        if !head.is_null() {
            // SAFETY: a free block's first word is the link to the next one.
            self.free[class] = unsafe { *(head as *mut *mut u8) };
            return head;
        }
        if size >= PAGE {
            return self
                .pages
                .grow(size / PAGE)
                .map_or(null_mut(), |at| at as *mut u8);
        }
        // Pages are page aligned, so aligning within one aligns absolutely.
        let mut at = (self.next + size - 1) & !(size - 1);
        if at + size > self.end {
            let Some(page) = self.pages.grow(1) else {
                return null_mut();
            };
            (at, self.end) = (page, page + PAGE);
        }
        self.next = at + size;
        at as *mut u8
    }

    /// Puts `ptr` on its class's free list (as `GlobalAlloc::dealloc`).
    ///
    /// # Safety
    /// `ptr` came from [`Self::alloc`] (or [`Self::realloc`]) of this heap
    /// with `layout`, and is not used again.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, layout: Layout) {
        if let Some((class, _)) = class_of(layout) {
            // SAFETY: the block is ours, unused, and at least MIN bytes.
            unsafe { *(ptr as *mut *mut u8) = self.free[class] };
            self.free[class] = ptr;
        }
    }

    /// `ptr`'s block grown or shrunk to `new_size` bytes, its contents kept
    /// (as `GlobalAlloc::realloc`): in place while the class stays the same,
    /// and a block of whole pages that ends the memory grows where it is (a
    /// doubling buffer then leaves no copies of itself in the free lists).
    ///
    /// # Safety
    /// As [`Self::dealloc`] for `ptr` and `layout`; `new_size` is non-zero
    /// and, rounded up to `layout.align()`, does not overflow `isize`.
    pub unsafe fn realloc(&mut self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY (all below): the caller's contract.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let (was, will) = (class_of(layout), class_of(new_layout));
        if was == will {
            return ptr;
        }
        if let (Some((_, from)), Some((class, to))) = (was, will) {
            let end = ptr as usize + from;
            // Only when no free block of the new class waits: else every
            // cycle of a buffer growing from small would add a block to it.
            // (Should another user of the memory grow it in between, the
            // pages it gives here are never used: this heap is its only user.)
            if from >= PAGE
                && to > from
                && self.free[class].is_null()
                && end == self.pages.end()
                && self.pages.grow((to - from) / PAGE) == Some(end)
            {
                return ptr;
            }
        }
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;

    /// Pages handed out in order from one page-aligned arena.
    struct Arena {
        base: usize,
        used: usize,
        limit: usize,
    }

    impl Pages for Arena {
        fn grow(&mut self, count: usize) -> Option<usize> {
            if self.used + count > self.limit {
                return None;
            }
            self.used += count;
            Some(self.base + (self.used - count) * PAGE)
        }

        fn end(&self) -> usize {
            self.base + self.used * PAGE
        }
    }

    /// An arena of `limit` pages in `memory` (made one page larger, for
    /// the alignment), the first `used` of them taken.
    fn arena(memory: &mut Vec<u8>, used: usize, limit: usize) -> Arena {
        *memory = vec![0u8; (limit + 1) * PAGE];
        let base = (memory.as_mut_ptr() as usize + PAGE - 1) & !(PAGE - 1);
        Arena { base, used, limit }
    }

    /// A live block: where, its layout, and the byte its contents repeat.
    struct Block {
        at: *mut u8,
        layout: Layout,
        fill: u8,
    }

    fn fill(b: &Block) {
        // SAFETY: the block is live and `layout.size()` long.
        unsafe { core::ptr::write_bytes(b.at, b.fill, b.layout.size()) };
    }

    fn intact(b: &Block, len: usize) -> bool {
        // SAFETY: as above.
        let bytes = unsafe { core::slice::from_raw_parts(b.at, len) };
        bytes.iter().all(|&x| x == b.fill)
    }

    fn layout(rng: &mut Rng) -> Layout {
        let size = match rng.up_to(10) {
            0 => 1 + rng.up_to(2 * PAGE as u64) as usize,
            1..=3 => 1 + rng.up_to(2_000) as usize,
            _ => 1 + rng.up_to(64) as usize,
        };
        let align = 1 << rng.up_to(7);
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_keep_their_contents_over_random_runs() {
        const LIMIT: usize = 512;
        let mut memory = Vec::new();
        for seed in 0..20 {
            let mut rng = Rng::new(seed);
            let mut heap = SizeClasses::new(arena(&mut memory, 0, LIMIT));
            let base = heap.pages.base;
            let mut live: Vec<Block> = Vec::new();
            for step in 0..3_000u32 {
                match rng.up_to(8) {
                    0..=3 => {
                        let layout = layout(&mut rng);
                        // SAFETY: a non-zero size; freed below with this layout.
                        let at = unsafe { heap.alloc(layout) };
                        assert!(!at.is_null(), "seed {seed} step {step}: out of pages");
                        assert_eq!(at as usize % layout.align(), 0, "misaligned");
                        let b = Block {
                            at,
                            layout,
                            fill: step as u8,
                        };
                        fill(&b);
                        live.push(b);
                    }
                    4 | 5 if !live.is_empty() => {
                        let b = live.swap_remove(rng.up_to(live.len() as u64 - 1) as usize);
                        assert!(intact(&b, b.layout.size()), "seed {seed}: contents changed");
                        // SAFETY: allocated above with this layout, not used again.
                        unsafe { heap.dealloc(b.at, b.layout) };
                    }
                    6 | 7 if !live.is_empty() => {
                        let i = rng.up_to(live.len() as u64 - 1) as usize;
                        let old = &live[i];
                        let new_size = layout(&mut rng).size();
                        let kept = old.layout.size().min(new_size);
                        // SAFETY: a live block with its layout; the old pointer is replaced.
                        let at = unsafe { heap.realloc(old.at, old.layout, new_size) };
                        assert!(!at.is_null());
                        let layout = Layout::from_size_align(new_size, old.layout.align()).unwrap();
                        let b = Block {
                            at,
                            layout,
                            fill: old.fill,
                        };
                        assert!(intact(&b, kept), "seed {seed}: realloc lost contents");
                        assert_eq!(at as usize % layout.align(), 0, "misaligned");
                        fill(&b);
                        live[i] = b;
                    }
                    _ => {}
                }
            }
            // No two live blocks overlap, and every one still holds its bytes.
            let mut spans: Vec<(usize, usize)> = live
                .iter()
                .map(|b| (b.at as usize, b.at as usize + b.layout.size()))
                .collect();
            spans.sort_unstable();
            assert!(
                spans.windows(2).all(|w| w[0].1 <= w[1].0),
                "seed {seed}: overlap"
            );
            assert!(live.iter().all(|b| intact(b, b.layout.size())));
            assert!(spans
                .iter()
                .all(|&(a, z)| a >= base && z <= base + LIMIT * PAGE));
        }
        drop(memory);
    }

    #[test]
    fn a_doubling_buffer_at_the_end_of_memory_grows_in_place() {
        let mut memory = Vec::new();
        let mut heap = SizeClasses::new(arena(&mut memory, 0, 9));
        let page = Layout::from_size_align(PAGE, 8).unwrap();
        let eight = Layout::from_size_align(8 * PAGE, 8).unwrap();
        // SAFETY: non-zero sizes, each realloc and dealloc with the block's current layout.
        unsafe {
            let big = heap.alloc(page);
            *big = 7;
            for size in [PAGE, 2 * PAGE, 4 * PAGE] {
                let layout = Layout::from_size_align(size, 8).unwrap();
                assert_eq!(heap.realloc(big, layout, 2 * size), big, "moved at {size}");
            }
            assert_eq!(*big, 7);
            // Eight pages in all: no earlier copy holds any.
            assert_eq!(heap.pages.used, 8);
            // Freed, it serves the next buffer that grows to its class, even
            // one that could grow in place at the end.
            heap.dealloc(big, eight);
            let next = heap.alloc(page);
            assert_eq!(heap.pages.used, 9);
            assert_eq!(heap.realloc(next, page, 8 * PAGE), big);
            assert_eq!(
                heap.alloc(page),
                next,
                "its first page went back to its class"
            );
            // Not at the end any more, the big block must move: no room for 16 pages.
            assert!(heap.realloc(big, eight, 16 * PAGE).is_null());
        }
        drop(memory);
    }

    #[test]
    fn a_freed_block_is_reused_by_its_class_and_a_refused_grow_is_null() {
        let mut memory = Vec::new();
        let mut heap = SizeClasses::new(arena(&mut memory, 0, 1));
        let small = Layout::from_size_align(24, 8).unwrap();
        // SAFETY: non-zero sizes, freed with their layouts.
        unsafe {
            let a = heap.alloc(small);
            heap.dealloc(a, small);
            assert_eq!(heap.alloc(Layout::from_size_align(32, 4).unwrap()), a);
            // Two pages are more than the arena has.
            assert!(heap
                .alloc(Layout::from_size_align(2 * PAGE, 8).unwrap())
                .is_null());
            // The one page fills with 32-byte blocks, then the next is refused.
            let per_page = PAGE / 32 - 1;
            for _ in 0..per_page {
                assert!(!heap.alloc(small).is_null());
            }
            assert!(heap.alloc(small).is_null());
        }
        drop(memory);
    }

    #[test]
    fn alignment_beyond_a_page_is_refused_not_broken() {
        let mut memory = Vec::new();
        let mut heap = SizeClasses::new(arena(&mut memory, 1, 8));
        for align in [2 * PAGE, 4 * PAGE] {
            // SAFETY: a non-zero size; nothing is allocated.
            let at = unsafe { heap.alloc(Layout::from_size_align(PAGE, align).unwrap()) };
            assert!(at.is_null(), "align {align}: got {at:?}");
        }
        drop(memory);
    }
}
