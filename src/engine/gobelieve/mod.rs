//! The GoBelieve session behind the JS class `IMService`
//! (`js/engine/gobelieve.js`), in pure Rust: a [`Session`] driven by
//! compact commands ([`command`]) and socket events, answering each input
//! with one batch (`crate::engine::batch`) of socket work, timer changes
//! and events ([`event`]). `src/web/gobelieve.rs` exports it to wasm.

pub mod command;
pub mod event;

use crate::core::gobelieve::{Config, Event, MsgToken, SendError, Session};
use crate::engine::batch::{BatchWriter, Value};
use crate::engine::pump::Pump;
use crate::engine::shell::{Glue, Shell};
use crate::engine::wire::ReadError;
use command::{decode_command, decode_setup, Command, Send, Setting, Signal, Timing};

/// One service's session in the shared engine shell.
pub type Engine = Shell<GobelieveGlue>;

/// What the GoBelieve engine adds to the shell: the sync key it last reported.
pub struct GobelieveGlue {
    sync_key: i64,
}

impl Engine {
    /// A stopped session with the settings of `setup` (see [`command`]).
    pub fn new(setup: &[u8]) -> Result<Engine, ReadError> {
        let setup = decode_setup(setup)?;
        let mut session = Session::new(Config::default(), setup.seed);
        for s in setup.settings {
            apply(&mut session, s, 0);
        }
        let sync_key = session.sync_key();
        Ok(Shell::from_parts(session, GobelieveGlue { sync_key }))
    }
}

impl Glue for GobelieveGlue {
    type Machine = Session;

    /// A send's reply leads the batch.
    fn command(&mut self, s: &mut Session, bytes: &[u8], now: u64, pump: &mut Pump) {
        let result = match decode_command(bytes) {
            Ok(Command::Start { url }) => {
                s.set_url(url);
                s.start(now);
                None
            }
            Ok(Command::Stop) => {
                s.stop(now);
                None
            }
            Ok(Command::Set(setting)) => {
                apply(s, setting, now);
                None
            }
            Ok(Command::Send(send)) => Some(match send {
                Send::Peer(m) => s.send_peer_message(m, now),
                Send::Group(m) => s.send_group_message(m, now),
                Send::Customer(m) => s.send_customer_message(m, now),
                Send::Rt(m) => s.send_rt_message(m, now).map(|()| 0),
                Send::Room(m) => s.send_room_message(m, now).map(|()| 0),
            }),
            Ok(Command::EnterRoom(room)) => {
                s.enter_room(room, now);
                None
            }
            Ok(Command::LeaveRoom(room)) => {
                s.leave_room(room, now);
                None
            }
            Ok(Command::AddSuperGroup { gid, key }) => {
                s.add_super_group_sync_key(gid, key);
                None
            }
            Ok(Command::RemoveSuperGroup(gid)) => {
                s.remove_super_group_sync_key(gid);
                None
            }
            Ok(Command::ClearSuperGroups) => {
                s.clear_super_group_sync_key();
                None
            }
            Ok(Command::Signal(signal)) => {
                match signal {
                    Signal::Online => s.network_online(now),
                    Signal::Offline => s.handle_connectivity_change(false, now),
                    Signal::Background => s.enter_background(now),
                    Signal::Foreground => s.enter_foreground(now),
                    Signal::Reachable => s.handle_connectivity_change(true, now),
                }
                None
            }
            // The JS encoder never writes one: a bug, answered as a refused send.
            Err(_) => Some(Err(SendError::NotConnected)),
        };
        if let Some(result) = result {
            reply(result, pump);
        }
    }

    fn write(&self, _: &Session, e: Event, out: &mut BatchWriter) {
        event::write(e, out);
    }

    /// A changed sync key.
    fn after(&mut self, s: &Session, _: u64, pump: &mut Pump) {
        let key = s.sync_key();
        if key != self.sync_key {
            self.sync_key = key;
            pump.push(&event::sync_key(key));
        }
    }
}

/// A send's reply, written from borrowed values (no allocation per send).
fn reply(result: Result<MsgToken, SendError>, pump: &mut Pump) {
    match result {
        Ok(token) => pump.event(event::REPLY, &[Value::Int(0), Value::Int(token.into())]),
        Err(e) => pump.event(event::REPLY, &[Value::Int(event::send_error(e))]),
    }
}

/// Applies one setting as the old property setters did: the token may
/// reconnect at once, timings apply at once, the rest from the next connection.
fn apply(s: &mut Session, setting: Setting, now: u64) {
    match setting {
        Setting::AccessToken(t) => s.set_access_token(t, now),
        Setting::DeviceId(d) => s.set_device_id(d),
        Setting::PlatformId(p) => s.set_platform_id(p),
        Setting::ProtocolVersion(v) => s.update_config(|c| c.protocol_version = v),
        Setting::SyncKey(k) => s.set_sync_key(k),
        Setting::MaxPending(n) => {
            s.update_config(|c| c.max_pending = usize::try_from(n).unwrap_or(usize::MAX))
        }
        Setting::Timing(t, ms) => s.update_config(|c| match t {
            Timing::AckTimeout => c.ack_timeout_ms = ms,
            Timing::PingInterval => c.heartbeat_ms = ms,
            Timing::PongTimeout => c.pong_timeout_ms = ms,
            Timing::ReconnectDelay => c.backoff.base_ms = ms,
            Timing::ReconnectMaxDelay => c.backoff.cap_ms = ms,
            Timing::ConnectTimeout => c.connect_timeout_ms = ms,
        }),
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
