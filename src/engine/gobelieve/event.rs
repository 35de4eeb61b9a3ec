//! The `Event` records of a GoBelieve batch: `kind` and its values, which
//! `js/engine/gobelieve.js` turns into the observer calls (the same numbers
//! there). Ids are integers (the JS reader gives a Number when exact, else a
//! decimal string, as im.js passes 64-bit ids).
//!
//! A message is seven values: seq, cmd, flag, sender, receiver, timestamp,
//! content; a relay message six (no timestamp); a customer message eight:
//! seq, flag, senderAppID, sender, receiverAppID, receiver, timestamp, content.

use crate::core::gobelieve::{
    ConnectState, Event, FailReason, InCustomerMessage, InMessage, InRelayMessage, SendError,
};
use crate::engine::batch::{Record, Value};

/// The reply to a send, first in its batch: 0 and the token (0 for an
/// untracked send), or a [`SendError`] code ([`send_error`]).
pub const REPLY: u32 = 1;
/// `onConnectState`: the state.
pub const STATE: u32 = 2;
/// `handlePeerMessage`: a message.
pub const PEER_MESSAGE: u32 = 3;
/// `handleGroupMessage`: a message.
pub const GROUP_MESSAGE: u32 = 4;
/// `handleCustomerMessage`: a customer message.
pub const CUSTOMER_MESSAGE: u32 = 5;
/// `handleRTMessage`: a relay message.
pub const RT_MESSAGE: u32 = 6;
/// `handleRoomMessage`: a relay message.
pub const ROOM_MESSAGE: u32 = 7;
/// `handleSystemMessage`: text.
pub const SYSTEM_MESSAGE: u32 = 8;
/// `handleNotification`: text.
pub const NOTIFICATION: u32 = 9;
/// `handleGroupNotification`: text.
pub const GROUP_NOTIFICATION: u32 = 10;
/// An ACK: kind ([`PEER`], [`GROUP`], [`CUSTOMER`]), token.
pub const ACK: u32 = 11;
/// A failure: kind, token, reason ([`fail_reason`]), the refusal's status or null.
pub const FAILURE: u32 = 12;
/// `saveSyncKey`: key.
pub const SAVE_SYNC_KEY: u32 = 13;
/// `saveSuperGroupSyncKey`: group id, key.
pub const SAVE_SUPER_GROUP_SYNC_KEY: u32 = 14;
/// `handleSyncEnd`: key.
pub const SYNC_END: u32 = 15;
/// A reconnect after this delay in ms (before the next CONNECTING).
pub const RECONNECT_SCHEDULED: u32 = 16;
/// The server refused the token with this AUTH_STATUS.
pub const AUTH_REFUSED: u32 = 17;
/// A console warning: text.
pub const WARNING: u32 = 18;
/// The session's sync key after this input (the `syncKey` property): key.
pub const SYNC_KEY: u32 = 19;

/// Message kinds of [`ACK`] and [`FAILURE`].
pub const PEER: i64 = 0;
pub const GROUP: i64 = 1;
pub const CUSTOMER: i64 = 2;

/// Codes of a refused send in a [`REPLY`] ([`send_error`]).
pub const NOT_CONNECTED: i64 = 1;
pub const TOO_LONG: i64 = 2;
pub const OUTBOX_FULL: i64 = 3;

/// Reason codes of a [`FAILURE`] ([`fail_reason`]).
pub const REFUSED: i64 = 0;
pub const TIMEOUT: i64 = 1;
pub const DISCONNECTED: i64 = 2;
pub const STOPPED: i64 = 3;

/// The code of a refused send in a [`REPLY`].
pub fn send_error(e: SendError) -> i64 {
    match e {
        SendError::NotConnected => NOT_CONNECTED,
        SendError::TooLong => TOO_LONG,
        SendError::OutboxFull => OUTBOX_FULL,
    }
}

/// `(reason code, status)`: refused (with the ACK status), timeout,
/// disconnected, stopped.
pub fn fail_reason(r: FailReason) -> (i64, Value) {
    match r {
        FailReason::Refused(status) => (REFUSED, Value::Int(status.into())),
        FailReason::Timeout => (TIMEOUT, Value::Null),
        FailReason::Disconnected => (DISCONNECTED, Value::Null),
        FailReason::Stopped => (STOPPED, Value::Null),
    }
}

fn int(n: impl Into<i64>) -> Value {
    Value::Int(n.into())
}

fn message(m: InMessage) -> Vec<Value> {
    vec![
        int(m.seq),
        int(m.cmd),
        int(m.flag),
        int(m.sender),
        int(m.receiver),
        int(m.timestamp),
        Value::Text(m.content),
    ]
}

fn relay(m: InRelayMessage) -> Vec<Value> {
    vec![
        int(m.seq),
        int(m.cmd),
        int(m.flag),
        int(m.sender),
        int(m.receiver),
        Value::Text(m.content),
    ]
}

fn customer(m: InCustomerMessage) -> Vec<Value> {
    vec![
        int(m.seq),
        int(m.flag),
        int(m.sender_app_id),
        int(m.sender),
        int(m.receiver_app_id),
        int(m.receiver),
        int(m.timestamp),
        Value::Text(m.content),
    ]
}

fn failure(kind: i64, token: u32, reason: FailReason) -> Vec<Value> {
    let (code, status) = fail_reason(reason);
    vec![int(kind), int(token), int(code), status]
}

/// The record of one session event.
pub fn record(event: Event) -> Record {
    let (kind, values) = match event {
        Event::StateChanged(s) => (STATE, vec![state(s)]),
        Event::PeerMessage(m) => (PEER_MESSAGE, message(m)),
        Event::GroupMessage(m) => (GROUP_MESSAGE, message(m)),
        Event::CustomerMessage(m) => (CUSTOMER_MESSAGE, customer(m)),
        Event::RtMessage(m) => (RT_MESSAGE, relay(m)),
        Event::RoomMessage(m) => (ROOM_MESSAGE, relay(m)),
        Event::SystemMessage(t) => (SYSTEM_MESSAGE, vec![Value::Text(t)]),
        Event::Notification(t) => (NOTIFICATION, vec![Value::Text(t)]),
        Event::GroupNotification(t) => (GROUP_NOTIFICATION, vec![Value::Text(t)]),
        Event::PeerAck(t) => (ACK, vec![int(PEER), int(t)]),
        Event::GroupAck(t) => (ACK, vec![int(GROUP), int(t)]),
        Event::CustomerAck(t) => (ACK, vec![int(CUSTOMER), int(t)]),
        Event::PeerFailure { token, reason } => (FAILURE, failure(PEER, token, reason)),
        Event::GroupFailure { token, reason } => (FAILURE, failure(GROUP, token, reason)),
        Event::CustomerFailure { token, reason } => (FAILURE, failure(CUSTOMER, token, reason)),
        Event::SaveSyncKey(k) => (SAVE_SYNC_KEY, vec![int(k)]),
        Event::SaveSuperGroupSyncKey { gid, key } => {
            (SAVE_SUPER_GROUP_SYNC_KEY, vec![int(gid), int(key)])
        }
        Event::SyncEnd(k) => (SYNC_END, vec![int(k)]),
        Event::ReconnectScheduled { delay_ms } => (
            RECONNECT_SCHEDULED,
            vec![int(i64::try_from(delay_ms).unwrap_or(i64::MAX))],
        ),
        Event::AuthRefused(status) => (AUTH_REFUSED, vec![int(status)]),
        Event::Warning(t) => (WARNING, vec![Value::Text(t)]),
    };
    Record::Event { kind, values }
}

fn state(s: ConnectState) -> Value {
    int(s as u8)
}

/// A [`SYNC_KEY`] record.
pub fn sync_key(key: i64) -> Record {
    Record::Event {
        kind: SYNC_KEY,
        values: vec![int(key)],
    }
}
