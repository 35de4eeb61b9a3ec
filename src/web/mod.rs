//! The wasm-bindgen layer: JS classes, socket and timer drivers, observer calls.
//!
//! Thin by design: it moves bytes between sockets and the core, arms one timer
//! at the core's next deadline, turns core events into observer calls and
//! converts JS arguments into core types with errors that name the field.

mod convert;
mod host;
mod im_client_manager;
mod im_service;
mod mim_options;
mod observer;
mod protocal_object;
mod runtime;
mod transport;

pub use im_client_manager::ImClientManager;
pub use im_service::ImService;
