//! The wasm-bindgen layer.
//!
//! - MobileIMSDK: the exports of its engine ([`mobileimsdk`]); the JS class
//!   `IMClientManager` (`js/engine/mobileimsdk.js`) performs sockets, the
//!   timer and callbacks from the batches they return.
//! - GoBelieve: the `IMService` class, which drives sockets and the timer
//!   from Rust ([`runtime`], [`transport`]) and calls observers one JS call
//!   per event (it has not moved to the engine yet).

#[cfg(feature = "gobelieve")]
mod convert;
#[cfg(feature = "gobelieve")]
mod host;
#[cfg(feature = "gobelieve")]
mod im_service;
#[cfg(feature = "mobileimsdk")]
pub mod mobileimsdk;
#[cfg(feature = "gobelieve")]
mod observer;
#[cfg(feature = "gobelieve")]
mod runtime;
#[cfg(feature = "gobelieve")]
mod transport;

#[cfg(feature = "gobelieve")]
pub use im_service::ImService;
