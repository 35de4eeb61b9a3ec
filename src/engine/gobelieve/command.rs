//! What the JS class `IMService` (`js/engine/gobelieve.js`) hands the
//! engine: a setup once (the seed, then settings), then one [`Command`] per
//! API call, each one compact byte string written by `js/engine/command.js`
//! (primitives: `crate::engine::wire`). The JS side has already checked the
//! arguments (`js/checks.js`); this side only refuses what is malformed.
//!
//! An id (64-bit) is a tag then its value: 0 and a zigzag integer, or 1 and
//! decimal text (a BigInt or a string beyond what a Number holds exactly).
//! A setup is the seed, then [`Setting`]s (key, value) applied in order.
//! A command is a tag, then its fields:
//!
//! | tag | command | fields |
//! |---|---|---|
//! | 1 | `Start` | url (text) |
//! | 2 | `Stop` | - |
//! | 3 | `Set` | a setting |
//! | 4 | `Send` peer | sender, receiver (ids), content (text), timestamp, msgLocalID (zigzag) |
//! | 5 | `Send` group | as peer |
//! | 6 | `Send` customer | senderAppID, sender, receiverAppID, receiver (ids), content, timestamp |
//! | 7 | `Send` rt | sender, receiver, content |
//! | 8 | `Send` room | as rt |
//! | 9 | `EnterRoom` | id |
//! | 10 | `LeaveRoom` | id |
//! | 11 | `AddSuperGroup` | group id, sync key (ids) |
//! | 12 | `RemoveSuperGroup` | group id |
//! | 13 | `ClearSuperGroups` | - |
//! | 14 | `Signal` | 1 online, 2 offline (or unreachable), 3 background, 4 foreground, 5 reachable |

use crate::core::gobelieve::{OutCustomerMessage, OutMessage};
use crate::engine::wire::{ReadError, Reader, Writer};
use alloc::string::String;
use alloc::vec::Vec;

/// One setting of the session (a property of `IMService`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    AccessToken(String),
    DeviceId(String),
    PlatformId(u8),
    ProtocolVersion(u8),
    SyncKey(i64),
    /// `maxPending` (an option of the constructor only): most tracked
    /// messages awaiting their ACK.
    MaxPending(u64),
    /// `ackTimeout` and the other timings, in ms.
    Timing(Timing, u64),
}

/// The timing properties, by their setting key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    AckTimeout,
    PingInterval,
    PongTimeout,
    ReconnectDelay,
    ReconnectMaxDelay,
    ConnectTimeout,
}

/// A send: which one and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Send {
    Peer(OutMessage),
    Group(OutMessage),
    Customer(OutCustomerMessage),
    /// Real-time: `timestamp` and `msg_local_id` are 0.
    Rt(OutMessage),
    Room(OutMessage),
}

/// What the host or the app reported (`js/host.js` `watchEnvironment`,
/// `enterBackground`, `handleConnectivityChange`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// The network is back or the page became visible.
    Online,
    Offline,
    Background,
    Foreground,
    /// `handleConnectivityChange('wifi' | 'cell')` (anything else is `Offline`).
    Reachable,
}

/// The options of one service and the seed of its random source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub seed: u64,
    pub settings: Vec<Setting>,
}

/// One API call of the JS class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Start { url: String },
    Stop,
    Set(Setting),
    Send(Send),
    EnterRoom(i64),
    LeaveRoom(i64),
    AddSuperGroup { gid: i64, key: i64 },
    RemoveSuperGroup(i64),
    ClearSuperGroups,
    Signal(Signal),
}

pub(crate) const START: u8 = 1;
pub(crate) const STOP: u8 = 2;
pub(crate) const SET: u8 = 3;
pub(crate) const SEND_PEER: u8 = 4;
pub(crate) const SEND_GROUP: u8 = 5;
pub(crate) const SEND_CUSTOMER: u8 = 6;
pub(crate) const SEND_RT: u8 = 7;
pub(crate) const SEND_ROOM: u8 = 8;
pub(crate) const ENTER_ROOM: u8 = 9;
pub(crate) const LEAVE_ROOM: u8 = 10;
pub(crate) const ADD_SUPER_GROUP: u8 = 11;
pub(crate) const REMOVE_SUPER_GROUP: u8 = 12;
pub(crate) const CLEAR_SUPER_GROUPS: u8 = 13;
pub(crate) const SIGNAL: u8 = 14;

/// Setting keys (`js/engine/gobelieve-command.js` `SETTING`).
pub mod key {
    pub const ACCESS_TOKEN: u64 = 1;
    pub const DEVICE_ID: u64 = 2;
    pub const PLATFORM_ID: u64 = 3;
    pub const PROTOCOL_VERSION: u64 = 4;
    pub const SYNC_KEY: u64 = 5;
    pub const ACK_TIMEOUT: u64 = 6;
    pub const PING_INTERVAL: u64 = 7;
    pub const PONG_TIMEOUT: u64 = 8;
    pub const RECONNECT_DELAY: u64 = 9;
    pub const RECONNECT_MAX_DELAY: u64 = 10;
    pub const CONNECT_TIMEOUT: u64 = 11;
    pub const MAX_PENDING: u64 = 12;
}

const TIMINGS: [(u64, Timing); 6] = [
    (key::ACK_TIMEOUT, Timing::AckTimeout),
    (key::PING_INTERVAL, Timing::PingInterval),
    (key::PONG_TIMEOUT, Timing::PongTimeout),
    (key::RECONNECT_DELAY, Timing::ReconnectDelay),
    (key::RECONNECT_MAX_DELAY, Timing::ReconnectMaxDelay),
    (key::CONNECT_TIMEOUT, Timing::ConnectTimeout),
];

const ID_INT: u8 = 0;
const ID_TEXT: u8 = 1;

pub(crate) const SIGNALS: [(u64, Signal); 5] = [
    (1, Signal::Online),
    (2, Signal::Offline),
    (3, Signal::Background),
    (4, Signal::Foreground),
    (5, Signal::Reachable),
];

fn id(r: &mut Reader) -> Result<i64, ReadError> {
    let at = r.at;
    match r.byte()? {
        ID_INT => r.int(),
        // The JS checks allow surrounding blanks and a sign, as `str::parse` after `trim`.
        ID_TEXT => r.text()?.trim().parse().map_err(|_| ReadError::Overflow),
        _ => Err(ReadError::BadTag(at)),
    }
}

fn write_id(w: &mut Writer, v: i64) {
    w.byte(ID_INT);
    w.int(v);
}

fn u8_of(n: u64) -> Result<u8, ReadError> {
    u8::try_from(n).map_err(|_| ReadError::Overflow)
}

fn setting(r: &mut Reader) -> Result<Setting, ReadError> {
    let at = r.at;
    Ok(match r.uint()? {
        key::ACCESS_TOKEN => Setting::AccessToken(r.text()?),
        key::DEVICE_ID => Setting::DeviceId(r.text()?),
        key::PLATFORM_ID => Setting::PlatformId(u8_of(r.uint()?)?),
        key::PROTOCOL_VERSION => match r.uint()? {
            v @ (1 | 2) => Setting::ProtocolVersion(v as u8),
            _ => return Err(ReadError::Overflow),
        },
        key::SYNC_KEY => Setting::SyncKey(id(r)?),
        key::MAX_PENDING => Setting::MaxPending(r.uint()?),
        k => match TIMINGS.iter().find(|(tk, _)| *tk == k) {
            Some((_, t)) => Setting::Timing(*t, r.uint()?),
            None => return Err(ReadError::BadTag(at)),
        },
    })
}

fn write_setting(w: &mut Writer, s: &Setting) {
    match s {
        Setting::AccessToken(t) => {
            w.uint(key::ACCESS_TOKEN);
            w.text(t);
        }
        Setting::DeviceId(t) => {
            w.uint(key::DEVICE_ID);
            w.text(t);
        }
        Setting::PlatformId(p) => {
            w.uint(key::PLATFORM_ID);
            w.uint((*p).into());
        }
        Setting::ProtocolVersion(v) => {
            w.uint(key::PROTOCOL_VERSION);
            w.uint((*v).into());
        }
        Setting::SyncKey(k) => {
            w.uint(key::SYNC_KEY);
            write_id(w, *k);
        }
        Setting::MaxPending(n) => {
            w.uint(key::MAX_PENDING);
            w.uint(*n);
        }
        Setting::Timing(t, ms) => {
            let k = TIMINGS
                .iter()
                .find(|(_, tt)| tt == t)
                .map_or(0, |(k, _)| *k);
            w.uint(k);
            w.uint(*ms);
        }
    }
}

/// Reads a setup written by `js/engine/gobelieve.js` (or [`encode_setup`]).
pub fn decode_setup(input: &[u8]) -> Result<Setup, ReadError> {
    let mut r = Reader::new(input);
    let seed = r.uint()?;
    let mut settings = Vec::new();
    while !r.is_done() {
        settings.push(setting(&mut r)?);
    }
    Ok(Setup { seed, settings })
}

/// Writes `setup` as the JS class does (tests, fuzzing).
pub fn encode_setup(setup: &Setup) -> Vec<u8> {
    let mut w = Writer::default();
    w.uint(setup.seed);
    setup.settings.iter().for_each(|s| write_setting(&mut w, s));
    w.buf
}

fn message(r: &mut Reader, tracked: bool) -> Result<OutMessage, ReadError> {
    Ok(OutMessage {
        sender: id(r)?,
        receiver: id(r)?,
        content: r.text()?,
        timestamp: if tracked { r.i32()? } else { 0 },
        msg_local_id: if tracked { r.i32()? } else { 0 },
    })
}

fn write_message(w: &mut Writer, m: &OutMessage, tracked: bool) {
    write_id(w, m.sender);
    write_id(w, m.receiver);
    w.text(&m.content);
    if tracked {
        w.int(m.timestamp.into());
        w.int(m.msg_local_id.into());
    }
}

/// Reads one command; trailing bytes are an error (one command per call).
pub fn decode_command(input: &[u8]) -> Result<Command, ReadError> {
    let mut r = Reader::new(input);
    let r = &mut r;
    let command = match r.byte()? {
        START => Command::Start { url: r.text()? },
        STOP => Command::Stop,
        SET => Command::Set(setting(r)?),
        SEND_PEER => Command::Send(Send::Peer(message(r, true)?)),
        SEND_GROUP => Command::Send(Send::Group(message(r, true)?)),
        SEND_CUSTOMER => Command::Send(Send::Customer(OutCustomerMessage {
            sender_app_id: id(r)?,
            sender: id(r)?,
            receiver_app_id: id(r)?,
            receiver: id(r)?,
            content: r.text()?,
            timestamp: r.i32()?,
        })),
        SEND_RT => Command::Send(Send::Rt(message(r, false)?)),
        SEND_ROOM => Command::Send(Send::Room(message(r, false)?)),
        ENTER_ROOM => Command::EnterRoom(id(r)?),
        LEAVE_ROOM => Command::LeaveRoom(id(r)?),
        ADD_SUPER_GROUP => Command::AddSuperGroup {
            gid: id(r)?,
            key: id(r)?,
        },
        REMOVE_SUPER_GROUP => Command::RemoveSuperGroup(id(r)?),
        CLEAR_SUPER_GROUPS => Command::ClearSuperGroups,
        SIGNAL => {
            let at = r.at;
            let code = r.uint()?;
            match SIGNALS.iter().find(|(c, _)| *c == code) {
                Some((_, s)) => Command::Signal(*s),
                None => return Err(ReadError::BadTag(at)),
            }
        }
        _ => return Err(ReadError::BadTag(0)),
    };
    r.end(command)
}

/// Writes `command` as the JS class does (tests, fuzzing).
pub fn encode_command(command: &Command) -> Vec<u8> {
    let mut w = Writer::default();
    let w_ = &mut w;
    match command {
        Command::Start { url } => {
            w_.byte(START);
            w_.text(url);
        }
        Command::Stop => w_.byte(STOP),
        Command::Set(s) => {
            w_.byte(SET);
            write_setting(w_, s);
        }
        Command::Send(send) => match send {
            Send::Peer(m) => {
                w_.byte(SEND_PEER);
                write_message(w_, m, true);
            }
            Send::Group(m) => {
                w_.byte(SEND_GROUP);
                write_message(w_, m, true);
            }
            Send::Customer(m) => {
                w_.byte(SEND_CUSTOMER);
                for v in [m.sender_app_id, m.sender, m.receiver_app_id, m.receiver] {
                    write_id(w_, v);
                }
                w_.text(&m.content);
                w_.int(m.timestamp.into());
            }
            Send::Rt(m) => {
                w_.byte(SEND_RT);
                write_message(w_, m, false);
            }
            Send::Room(m) => {
                w_.byte(SEND_ROOM);
                write_message(w_, m, false);
            }
        },
        Command::EnterRoom(room) => {
            w_.byte(ENTER_ROOM);
            write_id(w_, *room);
        }
        Command::LeaveRoom(room) => {
            w_.byte(LEAVE_ROOM);
            write_id(w_, *room);
        }
        Command::AddSuperGroup { gid, key } => {
            w_.byte(ADD_SUPER_GROUP);
            write_id(w_, *gid);
            write_id(w_, *key);
        }
        Command::RemoveSuperGroup(gid) => {
            w_.byte(REMOVE_SUPER_GROUP);
            write_id(w_, *gid);
        }
        Command::ClearSuperGroups => w_.byte(CLEAR_SUPER_GROUPS),
        Command::Signal(s) => {
            w_.byte(SIGNAL);
            let code = SIGNALS
                .iter()
                .find(|(_, ss)| ss == s)
                .map_or(0, |(c, _)| *c);
            w_.uint(code);
        }
    }
    w.buf
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod tests;
