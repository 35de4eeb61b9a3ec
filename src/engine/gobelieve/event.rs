//! The `Event` records of a GoBelieve batch: `kind` and its values, which
//! `js/engine/gobelieve.js` turns into the observer calls (the same numbers
//! there). Ids are integers (the JS reader gives a Number when exact, else a
//! decimal string, as im.js passes 64-bit ids).
//!
//! A message is eight values: seq, cmd, flag, isSelf, sender, receiver,
//! timestamp, content; a relay message six: seq, cmd, flag, sender, receiver,
//! content; a customer message ten: seq, cmd, flag, isSelf, senderAppID,
//! sender, receiverAppID, receiver, timestamp, content. `isSelf` is the
//! session's (`flag & MESSAGE_FLAG_SELF`), so JS does not decode the flag again.

use crate::core::gobelieve::{
    ConnectState, Event, FailReason, InCustomerMessage, InMessage, InRelayMessage, SendError,
};
use crate::engine::batch::{BatchWriter, Record, Value};
use alloc::vec;

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

fn message(w: &mut BatchWriter, kind: u32, m: InMessage) {
    let values = [
        int(m.seq),
        int(m.cmd),
        int(m.flag),
        Value::Bool(m.is_self),
        int(m.sender),
        int(m.receiver),
        int(m.timestamp),
        Value::Text(m.content),
    ];
    w.event(kind, &values);
}

fn relay(w: &mut BatchWriter, kind: u32, m: InRelayMessage) {
    let values = [
        int(m.seq),
        int(m.cmd),
        int(m.flag),
        int(m.sender),
        int(m.receiver),
        Value::Text(m.content),
    ];
    w.event(kind, &values);
}

fn customer(w: &mut BatchWriter, m: InCustomerMessage) {
    let values = [
        int(m.seq),
        int(m.cmd),
        int(m.flag),
        Value::Bool(m.is_self),
        int(m.sender_app_id),
        int(m.sender),
        int(m.receiver_app_id),
        int(m.receiver),
        int(m.timestamp),
        Value::Text(m.content),
    ];
    w.event(CUSTOMER_MESSAGE, &values);
}

fn failure(w: &mut BatchWriter, kind: i64, token: u32, reason: FailReason) {
    let (code, status) = fail_reason(reason);
    w.event(FAILURE, &[int(kind), int(token), int(code), status]);
}

/// Writes the record of one session event (its values on the stack: no
/// allocation but the event's own text).
pub fn write(event: Event, w: &mut BatchWriter) {
    match event {
        Event::StateChanged(s) => w.event(STATE, &[state(s)]),
        Event::PeerMessage(m) => message(w, PEER_MESSAGE, m),
        Event::GroupMessage(m) => message(w, GROUP_MESSAGE, m),
        Event::CustomerMessage(m) => customer(w, m),
        Event::RtMessage(m) => relay(w, RT_MESSAGE, m),
        Event::RoomMessage(m) => relay(w, ROOM_MESSAGE, m),
        Event::SystemMessage(t) => w.event(SYSTEM_MESSAGE, &[Value::Text(t)]),
        Event::Notification(t) => w.event(NOTIFICATION, &[Value::Text(t)]),
        Event::GroupNotification(t) => w.event(GROUP_NOTIFICATION, &[Value::Text(t)]),
        Event::PeerAck(t) => w.event(ACK, &[int(PEER), int(t)]),
        Event::GroupAck(t) => w.event(ACK, &[int(GROUP), int(t)]),
        Event::CustomerAck(t) => w.event(ACK, &[int(CUSTOMER), int(t)]),
        Event::PeerFailure { token, reason } => failure(w, PEER, token, reason),
        Event::GroupFailure { token, reason } => failure(w, GROUP, token, reason),
        Event::CustomerFailure { token, reason } => failure(w, CUSTOMER, token, reason),
        Event::SaveSyncKey(k) => w.event(SAVE_SYNC_KEY, &[int(k)]),
        Event::SaveSuperGroupSyncKey { gid, key } => {
            w.event(SAVE_SUPER_GROUP_SYNC_KEY, &[int(gid), int(key)])
        }
        Event::SyncEnd(k) => w.event(SYNC_END, &[int(k)]),
        Event::ReconnectScheduled { delay_ms } => w.event(
            RECONNECT_SCHEDULED,
            &[int(i64::try_from(delay_ms).unwrap_or(i64::MAX))],
        ),
        Event::AuthRefused(status) => w.event(AUTH_REFUSED, &[int(status)]),
        Event::Warning(t) => w.event(WARNING, &[Value::Text(t)]),
    }
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
