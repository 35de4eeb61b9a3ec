//! The MobileIMSDK client behind the JS class `IMClientManager`
//! (`js/engine/mobileimsdk.js`), in pure Rust: a [`Client`] driven by
//! compact commands ([`command`]) and socket events, answering each input
//! with one batch (`crate::engine::batch`) of socket work, timer changes
//! and events ([`event`]). `src/web/mobileimsdk.rs` exports it to wasm.

pub mod command;
pub mod event;

use crate::core::mobileimsdk::constants::code;
use crate::core::mobileimsdk::Client;
use crate::engine::batch::{Record, Value};
use crate::engine::pump::Pump;
use crate::engine::wire::ReadError;
use command::{decode_command, decode_setup, Command, Signal};

/// One manager's client, its pump and what it last reported.
pub struct Engine {
    client: Client,
    pump: Pump,
    /// The resend count a lost message reports.
    max_resends: u32,
    /// `(code, reason)` of the socket close being handled, for the
    /// `LINK_CLOSE` it causes.
    closing: Option<(u32, String)>,
    /// `(logged in, connected)` as last reported.
    state: (bool, bool),
    /// The re-login plan as last reported (`Client::relogin_plan`).
    plan: Option<(u32, Option<u64>)>,
}

impl Engine {
    /// A released client with the options of `setup` (see [`command`]).
    pub fn new(setup: &[u8]) -> Result<Engine, ReadError> {
        let setup = decode_setup(setup)?;
        Ok(Engine {
            max_resends: setup.config.qos_max_resends,
            client: Client::new(setup.config, setup.seed),
            pump: Pump::new(),
            closing: None,
            state: (false, false),
            plan: None,
        })
    }

    /// Runs one command: its reply (`send`, `logout`) leads the batch.
    pub fn command(&mut self, bytes: &[u8], now: u64) -> &[u8] {
        let c = &mut self.client;
        let reply = match decode_command(bytes) {
            Ok(Command::Login(info)) => {
                c.login(info, now);
                None
            }
            Ok(Command::Send(req)) => Some(match c.send(req, now) {
                Ok(p) => vec![Value::Int(0), Value::Text(p.from), opt_text(p.fp)],
                Err(e) => vec![
                    Value::Int(e.code().into()),
                    Value::Text(c.user_id().unwrap_or("-1").to_string()),
                    Value::Null,
                ],
            }),
            Ok(Command::Logout) => Some(vec![Value::Int(c.logout(now).into())]),
            Ok(Command::Release) => {
                c.release(now);
                None
            }
            Ok(Command::Signal(s)) => {
                match s {
                    Signal::Online => c.network_changed(true, now),
                    Signal::Offline => c.network_changed(false, now),
                    Signal::Shown => c.app_show(now),
                    Signal::Hidden => c.app_hide(now),
                }
                None
            }
            // The JS encoder never writes one: a bug, answered as an invalid request.
            Err(_) => Some(vec![
                Value::Int(code::COMMON_INVALID_PROTOCAL.into()),
                Value::Text("-1".into()),
                Value::Null,
            ]),
        };
        if let Some(values) = reply {
            self.pump.push(&Record::Event {
                kind: event::REPLY,
                values,
            });
        }
        self.finish(now)
    }

    /// Socket `conn` opened.
    pub fn open(&mut self, conn: u32, now: u64) -> &[u8] {
        self.client.handle_open(conn, now);
        self.finish(now)
    }

    /// One text frame from socket `conn`.
    pub fn text(&mut self, conn: u32, text: &str, now: u64) -> &[u8] {
        self.client.handle_text(conn, text, now);
        self.finish(now)
    }

    /// One binary frame (not part of the protocol: reported, then ignored).
    pub fn binary(&mut self, conn: u32, bytes: &[u8], now: u64) -> &[u8] {
        self.client.handle_binary(conn, bytes, now);
        self.finish(now)
    }

    /// Socket `conn` closed with the WebSocket `code` and `reason`, or
    /// failed (`error`); also when JS could not open it or write to it.
    pub fn close(&mut self, conn: u32, code: u32, reason: &str, error: bool, now: u64) -> &[u8] {
        self.closing = Some((code, reason.to_string()));
        self.client.handle_close(conn, error, now);
        self.drain(now);
        self.closing = None;
        self.pump.take()
    }

    /// The JS timer fired.
    pub fn timer(&mut self, now: u64) -> &[u8] {
        self.pump.timer_fired();
        self.client.handle_timeout(now);
        self.finish(now)
    }

    /// Drains the client into the batch, adds what changed, hands it over.
    fn finish(&mut self, now: u64) -> &[u8] {
        self.drain(now);
        self.pump.take()
    }

    /// Drains the client into the batch and adds what changed.
    fn drain(&mut self, now: u64) {
        let (max_resends, closing) = (self.max_resends, &self.closing);
        self.pump.drain(&mut self.client, now, |c, e, w| {
            w.push(&event::record(e, c, max_resends, closing.as_ref()))
        });
        let plan = self.client.relogin_plan();
        if plan != self.plan {
            let announced = matches!(self.plan, Some((_, Some(_))));
            let delay = match plan {
                Some((attempt, Some(at))) => Some((attempt, at.saturating_sub(now))),
                // An attempt that started without a wait being announced first.
                Some((attempt, None)) if !announced => Some((attempt, 0)),
                _ => None,
            };
            if let Some((attempt, delay_ms)) = delay {
                self.pump.push(&event::reconnecting(attempt, delay_ms));
            }
            self.plan = plan;
        }
        let state = (self.client.is_logged_in(), self.client.is_connected());
        if state != self.state {
            self.state = state;
            self.pump.push(&Record::Event {
                kind: event::STATE,
                values: vec![Value::Bool(state.0), Value::Bool(state.1)],
            });
        }
    }
}

fn opt_text(s: Option<String>) -> Value {
    s.map_or(Value::Null, Value::Text)
}
#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
