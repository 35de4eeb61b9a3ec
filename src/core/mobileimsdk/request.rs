//! The app's inputs to `login()` and `send()`.

use alloc::string::String;
use core::fmt;

use crate::core::redact::Secret;

/// The credentials of a manual login; saved for automatic re-logins. Its
/// `Debug` hides the token.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct LoginInfo {
    /// The uid to log in as.
    pub user_id: String,
    /// The login token.
    pub token: String,
    /// Extra data for the server's login verifier.
    pub extra: Option<String>,
    /// SRT dialect only: the application name sent in the login body.
    pub app: Option<String>,
}

impl fmt::Debug for LoginInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginInfo")
            .field("user_id", &self.user_id)
            .field("token", &Secret(&self.token))
            .field("extra", &self.extra.as_deref().map(Secret))
            .field("app", &self.app)
            .finish()
    }
}

/// One data message (type 2) to send.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SendRequest {
    /// The payload (wire `dataContent`).
    pub data_content: String,
    /// The receiver's uid; "0" addresses the server.
    pub to: String,
    /// Ask for an ACK and retransmission.
    pub qos: bool,
    /// The fingerprint; generated (a UUID) for QoS messages when absent.
    pub fp: Option<String>,
    /// Application message type (wire `typeu`); the web layer defaults it to 0.
    pub typeu: i32,
}
