//! MobileIMSDK v6: the JSON `Protocal` model and the `IMClientManager` client.

pub mod bodies;
pub mod constants;
pub mod json;
pub mod protocal;

pub use protocal::{Dialect, Protocal, ProtocalError};
