//! What the JS class `IMClientManager` (`js/engine/mobileimsdk.js`) hands the
//! engine: its options once (a [`Setup`]), then one [`Command`] per API call,
//! each in one compact byte string written by `js/engine/command.js`
//! (primitives: `super::super::wire`). The JS side has already checked the
//! arguments; this side only refuses what is malformed.
//!
//! A setup is the URL, then `key, value` pairs applied in order onto the
//! defaults ([`SETUP_KEYS`]; a sense mode first, so explicit timings win).
//! A command is a tag, then its fields:
//!
//! | tag | command | fields |
//! |---|---|---|
//! | 1 | `Login` | user id, token (text), extra, app (optional text) |
//! | 2 | `Send` | data, to (text), flags (bit 0 QoS), fp (optional text), typeu (zigzag) |
//! | 3 | `Logout` | - |
//! | 4 | `Release` | - |
//! | 5 | `Signal` | 1 online, 2 offline, 3 shown, 4 hidden |

use crate::core::mobileimsdk::{Config, Dialect, LoginInfo, SendRequest, SenseMode};
use crate::engine::wire::{ReadError, Reader, Writer};
use alloc::vec::Vec;

/// The options of one manager and the seed of its random source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub config: Config,
    pub seed: u64,
}

/// One API call of the JS class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Login(LoginInfo),
    Send(SendRequest),
    Logout,
    Release,
    Signal(Signal),
}

/// What the host environment reported (`js/host.js` `watchEnvironment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Online,
    Offline,
    /// The page became visible or the app came to the foreground.
    Shown,
    /// The page was hidden or the app went to the background.
    Hidden,
}

pub(crate) const LOGIN: u8 = 1;
pub(crate) const SEND: u8 = 2;
pub(crate) const LOGOUT: u8 = 3;
pub(crate) const RELEASE: u8 = 4;
pub(crate) const SIGNAL: u8 = 5;

/// [`Signal`] codes.
pub(crate) const SIGNAL_ONLINE: u64 = 1;
pub(crate) const SIGNAL_OFFLINE: u64 = 2;
pub(crate) const SIGNAL_SHOWN: u64 = 3;
pub(crate) const SIGNAL_HIDDEN: u64 = 4;

const SEND_QOS: u64 = 1;

/// The setup keys, in the order `encode_setup` writes them (JS writes a subset).
pub mod key {
    pub const DIALECT_SRT: u64 = 1;
    pub const SRT_SEED_ACK_ADDRESSING: u64 = 2;
    pub const SENSE_MODE_SECONDS: u64 = 3;
    pub const KEEP_ALIVE_INTERVAL: u64 = 4;
    pub const KEEP_ALIVE_TIMEOUT: u64 = 5;
    pub const RELOGIN_INTERVAL: u64 = 6;
    pub const RELOGIN_MAX_INTERVAL: u64 = 7;
    pub const QOS_CHECK_INTERVAL: u64 = 8;
    pub const QOS_JUST_NOW: u64 = 9;
    pub const QOS_MAX_RESENDS: u64 = 10;
    pub const RECEIVE_WINDOW: u64 = 11;
    pub const CONNECT_TIMEOUT: u64 = 12;
    pub const MAX_PENDING: u64 = 13;
    pub const SEED: u64 = 14;
}

/// Every key with a value, for tests and the fuzz target's round trip.
pub const SETUP_KEYS: [u64; 14] = [
    key::DIALECT_SRT,
    key::SRT_SEED_ACK_ADDRESSING,
    key::SENSE_MODE_SECONDS,
    key::KEEP_ALIVE_INTERVAL,
    key::KEEP_ALIVE_TIMEOUT,
    key::RELOGIN_INTERVAL,
    key::RELOGIN_MAX_INTERVAL,
    key::QOS_CHECK_INTERVAL,
    key::QOS_JUST_NOW,
    key::QOS_MAX_RESENDS,
    key::RECEIVE_WINDOW,
    key::CONNECT_TIMEOUT,
    key::MAX_PENDING,
    key::SEED,
];

/// Reads a setup written by `js/engine/command.js` (or [`encode_setup`]).
pub fn decode_setup(input: &[u8]) -> Result<Setup, ReadError> {
    let mut r = Reader::new(input);
    let mut config = Config {
        url: r.text()?,
        ..Config::default()
    };
    let mut seed = 0;
    while !r.is_done() {
        let at = r.at;
        let k = r.uint()?;
        match k {
            key::DIALECT_SRT => {
                config.dialect = if r.bool()? {
                    Dialect::Srt
                } else {
                    Dialect::Official
                }
            }
            key::SRT_SEED_ACK_ADDRESSING => config.srt_seed_ack_addressing = r.bool()?,
            key::SENSE_MODE_SECONDS => config = config.with_sense_mode(sense_mode(r.uint()?)?),
            key::KEEP_ALIVE_INTERVAL => config.keep_alive_interval_ms = r.uint()?,
            key::KEEP_ALIVE_TIMEOUT => config.keep_alive_timeout_ms = r.uint()?,
            key::RELOGIN_INTERVAL => config.relogin_interval_ms = r.uint()?,
            key::RELOGIN_MAX_INTERVAL => config.relogin_max_interval_ms = r.uint()?,
            key::QOS_CHECK_INTERVAL => config.qos_check_ms = r.uint()?,
            key::QOS_JUST_NOW => config.qos_just_now_ms = r.uint()?,
            key::QOS_MAX_RESENDS => config.qos_max_resends = r.u32()?,
            key::RECEIVE_WINDOW => config.receive_window_ms = r.uint()?,
            key::CONNECT_TIMEOUT => config.connect_timeout_ms = r.uint()?,
            key::MAX_PENDING => {
                config.max_pending = usize::try_from(r.uint()?).map_err(|_| ReadError::Overflow)?
            }
            key::SEED => seed = r.uint()?,
            _ => return Err(ReadError::BadTag(at)),
        }
    }
    Ok(Setup { config, seed })
}

fn sense_mode(seconds: u64) -> Result<SenseMode, ReadError> {
    SenseMode::from_seconds(seconds).ok_or(ReadError::Overflow)
}

/// Writes every field of `setup` (no sense mode: its timings are explicit).
pub fn encode_setup(setup: &Setup) -> Vec<u8> {
    let c = &setup.config;
    let mut w = Writer::default();
    w.text(&c.url);
    let pairs = [
        (key::DIALECT_SRT, u64::from(c.dialect == Dialect::Srt)),
        (
            key::SRT_SEED_ACK_ADDRESSING,
            u64::from(c.srt_seed_ack_addressing),
        ),
        (key::KEEP_ALIVE_INTERVAL, c.keep_alive_interval_ms),
        (key::KEEP_ALIVE_TIMEOUT, c.keep_alive_timeout_ms),
        (key::RELOGIN_INTERVAL, c.relogin_interval_ms),
        (key::RELOGIN_MAX_INTERVAL, c.relogin_max_interval_ms),
        (key::QOS_CHECK_INTERVAL, c.qos_check_ms),
        (key::QOS_JUST_NOW, c.qos_just_now_ms),
        (key::QOS_MAX_RESENDS, u64::from(c.qos_max_resends)),
        (key::RECEIVE_WINDOW, c.receive_window_ms),
        (key::CONNECT_TIMEOUT, c.connect_timeout_ms),
        (key::MAX_PENDING, c.max_pending as u64),
        (key::SEED, setup.seed),
    ];
    for (k, v) in pairs {
        w.uint(k);
        w.uint(v);
    }
    w.buf
}

/// Reads one command; trailing bytes are an error (one command per call).
pub fn decode_command(input: &[u8]) -> Result<Command, ReadError> {
    let mut r = Reader::new(input);
    let command = match r.byte()? {
        LOGIN => Command::Login(LoginInfo {
            user_id: r.text()?,
            token: r.text()?,
            extra: r.opt_text()?,
            app: r.opt_text()?,
        }),
        SEND => {
            let data_content = r.text()?;
            let to = r.text()?;
            let flags = r.uint()?;
            if flags & !SEND_QOS != 0 {
                return Err(ReadError::Overflow);
            }
            Command::Send(SendRequest {
                data_content,
                to,
                qos: flags & SEND_QOS != 0,
                fp: r.opt_text()?,
                typeu: r.i32()?,
            })
        }
        LOGOUT => Command::Logout,
        RELEASE => Command::Release,
        SIGNAL => Command::Signal(match r.uint()? {
            SIGNAL_ONLINE => Signal::Online,
            SIGNAL_OFFLINE => Signal::Offline,
            SIGNAL_SHOWN => Signal::Shown,
            SIGNAL_HIDDEN => Signal::Hidden,
            _ => return Err(ReadError::BadTag(r.at - 1)),
        }),
        _ => return Err(ReadError::BadTag(0)),
    };
    r.end(command)
}

/// Writes `command` as the JS encoder does (tests, fuzzing).
pub fn encode_command(command: &Command) -> Vec<u8> {
    let mut w = Writer::default();
    match command {
        Command::Login(info) => {
            w.byte(LOGIN);
            w.text(&info.user_id);
            w.text(&info.token);
            w.opt_text(info.extra.as_deref());
            w.opt_text(info.app.as_deref());
        }
        Command::Send(req) => {
            w.byte(SEND);
            w.text(&req.data_content);
            w.text(&req.to);
            w.uint(if req.qos { SEND_QOS } else { 0 });
            w.opt_text(req.fp.as_deref());
            w.int(req.typeu.into());
        }
        Command::Logout => w.byte(LOGOUT),
        Command::Release => w.byte(RELEASE),
        Command::Signal(s) => {
            w.byte(SIGNAL);
            w.uint(match s {
                Signal::Online => SIGNAL_ONLINE,
                Signal::Offline => SIGNAL_OFFLINE,
                Signal::Shown => SIGNAL_SHOWN,
                Signal::Hidden => SIGNAL_HIDDEN,
            });
        }
    }
    w.buf
}

#[cfg(test)]
#[path = "command_tests.rs"]
mod tests;
