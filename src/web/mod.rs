//! The wasm-bindgen layer: JS classes, socket and timer drivers, observer calls.
//!
//! Thin by design: it moves bytes between sockets and the core, arms one timer
//! at the core's next deadline, turns core events into observer calls and
//! converts JS arguments into core types with errors that name the field.
//!
//! Each class is behind its protocol's Cargo feature; the helpers below are
//! shared, so a single-protocol build leaves some of them unused.

#![cfg_attr(
    not(all(feature = "gobelieve", feature = "mobileimsdk")),
    allow(dead_code, unused_imports)
)]

mod convert;
mod host;
#[cfg(feature = "mobileimsdk")]
mod im_client_manager;
#[cfg(feature = "gobelieve")]
mod im_service;
#[cfg(feature = "mobileimsdk")]
mod mim_options;
mod observer;
#[cfg(feature = "mobileimsdk")]
mod protocal_object;
mod runtime;
mod transport;

#[cfg(feature = "mobileimsdk")]
pub use im_client_manager::ImClientManager;
#[cfg(feature = "gobelieve")]
pub use im_service::ImService;
