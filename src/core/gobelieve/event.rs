//! What a session reports to the app layer.

use alloc::string::String;

/// Connection states, with the im.js `STATE_*` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectState {
    Unconnected = 0,
    Connecting = 1,
    Connected = 2,
    ConnectFail = 3,
    AuthenticationFail = 4,
}

/// Handle for a tracked send; its ACK or failure event carries it.
pub type MsgToken = u32;

/// A peer or group message to send (`receiver` is the group id for groups).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutMessage {
    pub sender: i64,
    pub receiver: i64,
    pub content: String,
    /// Seconds; the server overwrites it.
    pub timestamp: i32,
    /// Written as `msgid`, forwarded unchanged to the receiver.
    pub msg_local_id: i32,
}

/// A customer-service message (cmd 64) to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutCustomerMessage {
    pub sender_app_id: i64,
    pub sender: i64,
    pub receiver_app_id: i64,
    pub receiver: i64,
    pub content: String,
    pub timestamp: i32,
}

/// Why a send was refused; nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// The socket is not open (state is not CONNECTED).
    NotConnected,
    /// The packet body would reach the 32 KiB protocol limit.
    TooLong,
    /// Too many messages await their ACK.
    OutboxFull,
}

/// A received peer or group message (the fields im.js passes, plus `msgid`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InMessage {
    /// The server's packet seq.
    pub seq: i32,
    pub cmd: u8,
    pub flag: u8,
    /// `flag & MESSAGE_FLAG_SELF`.
    pub is_self: bool,
    pub sender: i64,
    pub receiver: i64,
    /// Server time in seconds.
    pub timestamp: i32,
    /// The sender's `msgLocalID`.
    pub msgid: i32,
    pub content: String,
}

/// A received customer-service message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InCustomerMessage {
    pub seq: i32,
    pub cmd: u8,
    pub flag: u8,
    pub is_self: bool,
    pub sender_app_id: i64,
    pub sender: i64,
    pub receiver_app_id: i64,
    pub receiver: i64,
    pub timestamp: i32,
    pub content: String,
}

/// A received RT or room message (`receiver` is the room id for rooms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InRelayMessage {
    pub seq: i32,
    pub cmd: u8,
    pub flag: u8,
    pub sender: i64,
    pub receiver: i64,
    pub content: String,
}

/// Why a tracked message failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailReason {
    /// The server answered with a non-zero ACK status (`ACK_*`).
    Refused(u8),
    /// No ACK within `ack_timeout_ms`.
    Timeout,
    /// The connection ended first.
    Disconnected,
    /// `stop()` was called first.
    Stopped,
}

/// Something for the app layer, in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The state changed (each transition once).
    StateChanged(ConnectState),
    PeerMessage(InMessage),
    GroupMessage(InMessage),
    CustomerMessage(InCustomerMessage),
    RtMessage(InRelayMessage),
    RoomMessage(InRelayMessage),
    SystemMessage(String),
    Notification(String),
    GroupNotification(String),
    PeerAck(MsgToken),
    PeerFailure {
        token: MsgToken,
        reason: FailReason,
    },
    GroupAck(MsgToken),
    GroupFailure {
        token: MsgToken,
        reason: FailReason,
    },
    CustomerAck(MsgToken),
    CustomerFailure {
        token: MsgToken,
        reason: FailReason,
    },
    /// The app should persist the peer-queue key (`saveSyncKey`).
    SaveSyncKey(i64),
    /// The app should persist a super-group key (`saveSuperGroupSyncKey`).
    SaveSuperGroupSyncKey {
        gid: i64,
        key: i64,
    },
    /// A peer sync finished at this key (`handleSyncEnd`).
    SyncEnd(i64),
    /// A lost or failed connection will be retried after `delay_ms` (the
    /// back-off's pick); follows the state change that ended the connection.
    ReconnectScheduled {
        delay_ms: u64,
    },
    /// The server refused the token with this AUTH_STATUS; the state
    /// AUTHENTICATION_FAIL follows.
    AuthRefused(i32),
    /// A protocol oddity worth a console line; nothing for the app to do.
    Warning(String),
}
