//! The `Event` records of a MobileIMSDK batch: `kind` and its values, which
//! `js/engine/mobileimsdk.js` turns into the documented callbacks and
//! events (the same numbers there; `tests/engine/mobileimsdk-fixture.hex`
//! pins one of each for both sides).
//!
//! A protocal is nine values: bridge, type, dataContent (text or null),
//! from, to, fp (text or null), QoS, typeu, sm.

use crate::core::mobileimsdk::{Client, Event, Protocal};
use crate::engine::batch::{Record, Value};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// The reply to `send` (code, from, fp or null) or `logout` (code): first in its batch.
pub const REPLY: u32 = 1;
/// A `login()` result: code.
pub const LOGIN_RESULT: u32 = 2;
/// `onLoginOrReloginSuccessCB`: no values.
pub const LOGIN_OK: u32 = 3;
/// `onLoginOrReloginFailCB`: code.
pub const LOGIN_FAIL: u32 = 4;
/// `onLinkCloseMessageCB`: code, then the WebSocket close code and reason
/// that caused it (null when the client closed the link itself), will retry.
pub const LINK_CLOSE: u32 = 5;
/// A re-login attempt is waiting or starting: attempt, delay in ms.
pub const RECONNECTING: u32 = 6;
/// `onKickoutCB`: code, reason or null.
pub const KICKOUT: u32 = 7;
/// `onTransBufferCB`: a protocal.
pub const MESSAGE: u32 = 8;
/// `onTransErrorCB`: code, message.
pub const TRANS_ERROR: u32 = 9;
/// `handleMessageLost`: the resend count, then the lost protocals.
pub const LOST: u32 = 10;
/// `messagesBeReceivedCB`: fp.
pub const ACK: u32 = 11;
/// A console warning: text.
pub const WARNING: u32 = 12;
/// `loggedIn` and `connected` changed: both.
pub const STATE: u32 = 13;

/// The record of one client event; `closing` is the socket close being handled.
pub fn record(
    event: Event,
    client: &Client,
    max_resends: u32,
    closing: Option<&(u32, String)>,
) -> Record {
    let int = |n: i32| Value::Int(n.into());
    let (kind, values) = match event {
        Event::LoginResult(code) => (LOGIN_RESULT, vec![int(code)]),
        Event::LoginOrReloginSuccess => (LOGIN_OK, vec![]),
        Event::LoginOrReloginFail(code) => (LOGIN_FAIL, vec![int(code)]),
        Event::LinkClose(code) => {
            let (ws_code, reason) = match closing {
                Some((c, r)) => (Value::Int((*c).into()), Value::Text(r.clone())),
                None => (Value::Null, Value::Null),
            };
            (
                LINK_CLOSE,
                vec![
                    int(code),
                    ws_code,
                    reason,
                    Value::Bool(client.will_relogin()),
                ],
            )
        }
        Event::Kickout { code, reason } => (KICKOUT, vec![int(code), opt_text(reason)]),
        Event::TransBuffer(p) => {
            let mut values = Vec::with_capacity(9);
            protocal(&mut values, p);
            (MESSAGE, values)
        }
        Event::TransError(fault) => {
            let mut msg = String::new();
            fault.describe(&mut msg);
            (TRANS_ERROR, vec![int(fault.code()), Value::Text(msg)])
        }
        Event::MessagesLost(list) => {
            let mut values = Vec::with_capacity(1 + 9 * list.len());
            values.push(Value::Int(max_resends.into()));
            list.into_iter().for_each(|p| protocal(&mut values, p));
            (LOST, values)
        }
        Event::MessageBeReceived(fp) => (ACK, vec![Value::Text(fp)]),
        Event::Warning(text) => (WARNING, vec![Value::Text(text)]),
    };
    Record::Event { kind, values }
}

/// A `RECONNECTING` record.
pub fn reconnecting(attempt: u32, delay_ms: u64) -> Record {
    Record::Event {
        kind: RECONNECTING,
        values: vec![
            Value::Int(attempt.into()),
            Value::Int(i64::try_from(delay_ms).unwrap_or(i64::MAX)),
        ],
    }
}

fn protocal(out: &mut Vec<Value>, p: Protocal) {
    out.extend([
        Value::Bool(p.bridge),
        Value::Int(p.type_.into()),
        opt_text(p.data_content),
        Value::Text(p.from),
        Value::Text(p.to),
        opt_text(p.fp),
        Value::Bool(p.qos),
        Value::Int(p.typeu.into()),
        Value::Int(p.sm),
    ]);
}

fn opt_text(s: Option<String>) -> Value {
    s.map_or(Value::Null, Value::Text)
}
