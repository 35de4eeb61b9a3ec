//! imsdk dev server: static files, a loopback-only test API, GoBelieve on
//! `/ws` and MobileIMSDK v6 on `/websocket`, all on one port. For demos and
//! end-to-end tests only; not a production server.

pub mod api;
pub mod clock;
pub mod config;
pub mod conn;
pub mod flood;
pub mod gobelieve;
pub mod http;
pub mod mobileimsdk;
pub mod server;
pub mod static_files;
