//! The vocabulary between a sans-IO protocol machine and its driver.

use crate::core::redact::redact_url;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Identifies one socket the machine asked for. Events carrying an id that is
/// no longer current are ignored, so a late event from an old socket can never
/// touch the new connection.
pub type ConnId = u32;

/// A WebSocket message payload.
#[derive(Clone, PartialEq, Eq)]
pub enum Frame {
    Binary(Vec<u8>),
    Text(String),
}

/// What the machine asks its driver to do with sockets.
#[derive(Clone, PartialEq, Eq)]
pub enum Io {
    /// Open a new socket to `url`; report it with `conn`.
    Connect { conn: ConnId, url: String },
    /// Write one frame on socket `conn`.
    Send { conn: ConnId, frame: Frame },
    /// Detach every handler from socket `conn` and close it, whatever its state.
    Close { conn: ConnId },
}

/// Only sizes: a frame may be a login or AUTH frame holding a token.
impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Frame::Binary(b) => write!(f, "Binary({} bytes)", b.len()),
            Frame::Text(t) => write!(f, "Text({} bytes)", t.len()),
        }
    }
}

/// The URL without its query (`?token=` deployments), frames by size.
impl fmt::Debug for Io {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Io::Connect { conn, url } => f
                .debug_struct("Connect")
                .field("conn", conn)
                .field("url", &redact_url(url))
                .finish(),
            Io::Send { conn, frame } => f
                .debug_struct("Send")
                .field("conn", conn)
                .field("frame", frame)
                .finish(),
            Io::Close { conn } => f.debug_struct("Close").field("conn", conn).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_token() {
        let connect = Io::Connect {
            conn: 1,
            url: "wss://u:pw@im.example/ws?token=s3cr3t".into(),
        };
        let login = Io::Send {
            conn: 1,
            frame: Frame::Text(r#"{"type":0,"dataContent":"{\"token\":\"s3cr3t\"}"}"#.into()),
        };
        let auth = Io::Send {
            conn: 1,
            frame: Frame::Binary(b"\x0fs3cr3t".to_vec()),
        };
        for io in [connect, login, auth] {
            let shown = format!("{io:?}");
            assert!(
                !shown.contains("s3cr3t") && !shown.contains("pw"),
                "{shown}"
            );
        }
    }
}
