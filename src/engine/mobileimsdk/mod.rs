//! The MobileIMSDK client behind the JS class `IMClientManager`
//! (`js/engine/mobileimsdk.js`), in pure Rust: a [`Client`] driven by
//! compact commands ([`command`]) and socket events, answering each input
//! with one batch (`crate::engine::batch`) of socket work, timer changes
//! and events ([`event`]). `src/web/mobileimsdk.rs` exports it to wasm.

pub mod command;
pub mod event;

use crate::core::mobileimsdk::constants::code;
use crate::core::mobileimsdk::send_error::SendError;
use crate::core::mobileimsdk::{Client, Event};
use crate::engine::batch::{BatchWriter, Record, Value};
use crate::engine::pump::Pump;
use crate::engine::shell::{Glue, Shell};
use crate::engine::wire::ReadError;
use alloc::string::String;
use alloc::string::ToString;
use alloc::vec;
use command::{decode_command, decode_setup, Command, Signal};

/// One manager's client in the shared engine shell.
pub type Engine = Shell<MobileimsdkGlue>;

/// What the MobileIMSDK engine adds to the shell: what it last reported.
pub struct MobileimsdkGlue {
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
        let glue = MobileimsdkGlue {
            max_resends: setup.config.qos_max_resends,
            closing: None,
            state: (false, false),
            plan: None,
        };
        Ok(Shell::from_parts(
            Client::new(setup.config, setup.seed),
            glue,
        ))
    }

    /// Socket `conn` closed with the WebSocket `code` and `reason`, or
    /// failed (`error`); also when JS could not open it or write to it.
    pub fn close_with_reason(
        &mut self,
        conn: u32,
        code: u32,
        reason: &str,
        error: bool,
        now: u64,
    ) -> &[u8] {
        self.glue.closing = Some((code, reason.to_string()));
        self.machine.handle_close(conn, error, now);
        self.drain(now);
        self.glue.closing = None;
        self.take()
    }
}

impl Glue for MobileimsdkGlue {
    type Machine = Client;

    /// The reply of `send` and `logout` leads the batch.
    fn command(&mut self, c: &mut Client, bytes: &[u8], now: u64, pump: &mut Pump) {
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
            Ok(Command::Logout) => {
                let code = c.logout(now).map_or_else(SendError::code, |()| 0);
                Some(vec![Value::Int(code.into())])
            }
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
            pump.push(&Record::Event {
                kind: event::REPLY,
                values,
            });
        }
    }

    fn write(&self, c: &Client, e: Event, out: &mut BatchWriter) {
        out.push(&event::record(
            e,
            c,
            self.max_resends,
            self.closing.as_ref(),
        ));
    }

    /// A changed re-login plan, then a changed state.
    fn after(&mut self, c: &Client, now: u64, pump: &mut Pump) {
        let plan = c.relogin_plan();
        if plan != self.plan {
            let announced = matches!(self.plan, Some((_, Some(_))));
            let delay = match plan {
                Some((attempt, Some(at))) => Some((attempt, at.saturating_sub(now))),
                // An attempt that started without a wait being announced first.
                Some((attempt, None)) if !announced => Some((attempt, 0)),
                _ => None,
            };
            if let Some((attempt, delay_ms)) = delay {
                pump.push(&event::reconnecting(attempt, delay_ms));
            }
            self.plan = plan;
        }
        let state = (c.is_logged_in(), c.is_connected());
        if state != self.state {
            self.state = state;
            pump.push(&Record::Event {
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
