//! The vocabulary between a sans-IO protocol machine and its driver.

/// Identifies one socket the machine asked for. Events carrying an id that is
/// no longer current are ignored, so a late event from an old socket can never
/// touch the new connection.
pub type ConnId = u32;

/// A WebSocket message payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Binary(Vec<u8>),
    Text(String),
}

/// What the machine asks its driver to do with sockets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Io {
    /// Open a new socket to `url`; report it with `conn`.
    Connect { conn: ConnId, url: String },
    /// Write one frame on socket `conn`.
    Send { conn: ConnId, frame: Frame },
    /// Detach every handler from socket `conn` and close it, whatever its state.
    Close { conn: ConnId },
}
