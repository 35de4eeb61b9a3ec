//! What the client machine reports to the app (the seed's callbacks).

use super::protocal::Protocal;
use super::trans_fault::TransFault;
use alloc::string::String;
use alloc::vec::Vec;

/// One notification for the app, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The result of one `login()` call, exactly once per call: 0 on success,
    /// the server's code when it refused, or a client code: 201 (the link
    /// broke or timed out after opening), 202 (it never opened), 204 (the
    /// local network is offline).
    LoginResult(i32),
    /// A manual login or an automatic re-login succeeded (`onLoginOrReloginSuccessCB`).
    LoginOrReloginSuccess,
    /// The server refused a login or re-login with this code (`onLoginOrReloginFailCB`).
    LoginOrReloginFail(i32),
    /// The link went down (`onLinkCloseMessageCB`): -1 link loss or kick-out,
    /// -9999 the local network went offline.
    LinkClose(i32),
    /// A data packet (type 2), delivered once per fingerprint (`onTransBufferCB`).
    TransBuffer(Protocal),
    /// A server error (type 52), or a frame or packet that could not be used (`onTransErrorCB`).
    TransError(TransFault),
    /// QoS messages that got no ACK after every resend (`handleMessageLost`).
    MessagesLost(Vec<Protocal>),
    /// The QoS message with this fingerprint was acknowledged (`messagesBeReceivedCB`).
    MessageBeReceived(String),
    /// The server kicked this session out (official type 54); no re-login follows.
    Kickout {
        /// 1 duplicate login, 2 kicked by an admin, > 100 custom.
        code: i32,
        /// The server's reason, when given.
        reason: Option<String>,
    },
    /// Something worth a debug log line (for example a suspicious URL).
    Warning(String),
}
