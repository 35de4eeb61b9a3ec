//! The one socket a client machine may own, as its driver sees it, with the
//! rules both protocols' harnesses check on every socket request: one socket
//! at a time, increasing connect ids, closes and writes on the current
//! socket only, no write before it opened.

use imsdk::core::io::{ConnId, Frame, Io};

/// The current socket and the connect ids seen so far.
#[derive(Debug, Default)]
pub struct SocketModel {
    /// The socket the machine owns, if any.
    pub live: Option<ConnId>,
    /// The harness reported `live` open.
    pub opened: bool,
    /// The latest connect id.
    pub last_conn: ConnId,
}

impl SocketModel {
    /// Checks one socket request; returns the frame of a write.
    pub fn check(&mut self, io: Io) -> Option<Frame> {
        match io {
            Io::Connect { conn, .. } => {
                assert_eq!(
                    self.live, None,
                    "a second socket while {:?} is open",
                    self.live
                );
                assert!(conn > self.last_conn, "connect ids must increase");
                self.last_conn = conn;
                self.live = Some(conn);
                self.opened = false;
                None
            }
            Io::Close { conn } => {
                assert_eq!(self.live, Some(conn), "closed a socket that is not current");
                self.live = None;
                None
            }
            Io::Send { conn, frame } => {
                assert_eq!(
                    self.live,
                    Some(conn),
                    "wrote on a socket that is not current"
                );
                assert!(self.opened, "wrote before the socket opened");
                Some(frame)
            }
        }
    }
}
