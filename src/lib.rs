//! imsdk: an instant-messaging client SDK for web pages and WeChat mini-programs.
//!
//! Two front doors share one sans-IO core:
//! - `IMService`, the GoBelieve `im.js` API over GoBelieve's binary protocol;
//! - `IMClientManager`, the MobileIMSDK client API over its JSON protocol.
//!
//! [`core`] is pure Rust (no I/O, time passed in) and is tested on the host;
//! [`engine`] holds the compact encodings that cross the wasm boundary;
//! `web` (wasm32 only) binds it to JavaScript sockets, timers and observers,
//! over the [`heap`] allocator.

// The shipped wasm is `no_std` (feature `lean`, in every build of
// scripts/builds.mjs): no std panic machinery, which only formatted messages
// nobody could read. Every other build (host tests, the dev server, the
// wasm-bindgen suites) has std; the code names `core` and `alloc` paths,
// which both kinds have.
#![cfg_attr(all(feature = "lean", target_arch = "wasm32", not(test)), no_std)]

extern crate alloc;

pub mod core;
pub mod engine;
pub mod heap;

#[cfg(target_arch = "wasm32")]
pub mod web;
