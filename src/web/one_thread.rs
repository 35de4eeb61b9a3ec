//! State the wasm exports share, as plain `static`s. The module runs on one
//! thread (wasm32-unknown-unknown without the `atomics` feature), where
//! `thread_local!` would only add std and an access check: the shipped wasm
//! is `no_std` (feature `lean`, see `src/lib.rs`).

#[cfg(target_feature = "atomics")]
compile_error!("imsdk's wasm statics assume one thread: build without the atomics target feature");

/// A value every export may use.
pub struct OneThread<T>(T);

// SAFETY: without the atomics feature (checked above) a wasm32 module has one
// thread, so no other thread can ever see the value.
unsafe impl<T> Sync for OneThread<T> {}

impl<T> OneThread<T> {
    pub const fn new(value: T) -> Self {
        OneThread(value)
    }

    /// Runs `f` on the value (the access `thread_local!` gave).
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.0)
    }
}
