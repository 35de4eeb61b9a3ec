//! The driver's view of a sans-IO protocol machine, implemented by both
//! protocols so one pump (`crate::engine::pump`) and one fake-clock driver
//! serve both.

use crate::core::io::{ConnId, Io};

pub trait Machine {
    type Event;
    /// Binary (GoBelieve) or text (MobileIMSDK) frames.
    const BINARY: bool;
    /// The protocol's largest frame in bytes: the transport closes the link
    /// on a larger one before it is copied into wasm.
    const MAX_FRAME: usize;
    fn handle_open(&mut self, conn: ConnId, now: u64);
    fn handle_binary(&mut self, conn: ConnId, data: &[u8], now: u64);
    fn handle_text(&mut self, conn: ConnId, text: &str, now: u64);
    fn handle_close(&mut self, conn: ConnId, error: bool, now: u64);
    fn handle_timeout(&mut self, now: u64);
    fn poll_io(&mut self) -> Option<Io>;
    fn poll_event(&mut self) -> Option<Self::Event>;
    fn poll_timeout(&self) -> Option<u64>;
}

/// Forwards every `Machine` method to the type's inherent method of the same name.
macro_rules! machine {
    ($ty:ty, $event:ty, $binary:expr, $max:expr) => {
        impl Machine for $ty {
            type Event = $event;
            const BINARY: bool = $binary;
            const MAX_FRAME: usize = $max;
            fn handle_open(&mut self, conn: ConnId, now: u64) {
                <$ty>::handle_open(self, conn, now)
            }
            fn handle_binary(&mut self, conn: ConnId, data: &[u8], now: u64) {
                <$ty>::handle_binary(self, conn, data, now)
            }
            fn handle_text(&mut self, conn: ConnId, text: &str, now: u64) {
                <$ty>::handle_text(self, conn, text, now)
            }
            fn handle_close(&mut self, conn: ConnId, error: bool, now: u64) {
                <$ty>::handle_close(self, conn, error, now)
            }
            fn handle_timeout(&mut self, now: u64) {
                <$ty>::handle_timeout(self, now)
            }
            fn poll_io(&mut self) -> Option<Io> {
                <$ty>::poll_io(self)
            }
            fn poll_event(&mut self) -> Option<$event> {
                <$ty>::poll_event(self)
            }
            fn poll_timeout(&self) -> Option<u64> {
                <$ty>::poll_timeout(self)
            }
        }
    };
}

#[cfg(feature = "mobileimsdk")]
machine!(
    crate::core::mobileimsdk::Client,
    crate::core::mobileimsdk::Event,
    false,
    crate::core::mobileimsdk::client::MAX_FRAME_BYTES
);

#[cfg(feature = "gobelieve")]
machine!(
    crate::core::gobelieve::Session,
    crate::core::gobelieve::Event,
    true,
    crate::core::gobelieve::command::HEADER_SIZE + crate::core::gobelieve::command::MAX_BODY_LEN
        - 1
);
