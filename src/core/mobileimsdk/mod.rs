#![warn(missing_docs)]
//! MobileIMSDK v6: the JSON `Protocal` model and the `IMClientManager` client.
//!
//! - [`json`], [`protocal`], [`bodies`], [`constants`]: the wire format;
//! - [`client`]: the sans-IO client machine, built from the daemons
//!   [`keepalive`], [`relogin`], [`qos_send`] and [`qos_receive`].

pub mod bodies;
pub mod client;
pub mod config;
pub mod constants;
pub mod event;
pub mod fingerprint;
pub mod json;
pub mod keepalive;
pub mod protocal;
pub mod qos_receive;
pub mod qos_send;
pub mod relogin;
pub mod request;
pub mod send_error;
pub mod trans_fault;

#[cfg(test)]
mod client_guarantee_tests;
#[cfg(test)]
mod client_property_tests;
#[cfg(test)]
mod client_tests;
#[cfg(test)]
mod test_harness;

pub use client::Client;
pub use config::{Config, SenseMode};
pub use event::Event;
pub use protocal::{Dialect, Protocal, ProtocalError};
pub use request::{LoginInfo, SendRequest};
pub use send_error::SendError;
