//! The engine shell both protocols share: a protocol machine, its pump and
//! the protocol's [`Glue`], with one method per input of the wasm boundary
//! (a command, a socket event, the timer), each answering with the batch it
//! produced. The glue says what differs: how a command runs, how an event
//! becomes a record, and what is reported after each input.

use super::batch::{Record, Value};
use super::pump::Pump;
use crate::core::machine::Machine;

/// What one protocol adds to the shell.
pub trait Glue {
    type Machine: Machine;
    /// The event kind of a command's reply record.
    const REPLY: u32;
    /// Runs one encoded command; the values of its reply, if it has one.
    fn command(
        &mut self,
        machine: &mut Self::Machine,
        bytes: &[u8],
        now: u64,
    ) -> Option<Vec<Value>>;
    /// The record of one machine event, which may read the machine's state.
    fn record(
        &self,
        machine: &Self::Machine,
        event: <Self::Machine as Machine>::Event,
    ) -> Option<Record>;
    /// Records of what changed over the input, after the machine's own.
    fn after(&mut self, machine: &Self::Machine, now: u64, pump: &mut Pump);
}

/// One machine, its pump and its protocol's glue.
pub struct Shell<G: Glue> {
    pub(super) machine: G::Machine,
    pub(super) glue: G,
    pump: Pump,
}

impl<G: Glue> Shell<G> {
    pub(super) fn from_parts(machine: G::Machine, glue: G) -> Self {
        Shell {
            machine,
            glue,
            pump: Pump::new(),
        }
    }

    /// Runs one command: its reply, if any, leads the batch.
    pub fn command(&mut self, bytes: &[u8], now: u64) -> Vec<u8> {
        if let Some(values) = self.glue.command(&mut self.machine, bytes, now) {
            self.pump.push(&Record::Event {
                kind: G::REPLY,
                values,
            });
        }
        self.finish(now)
    }

    /// Socket `conn` opened.
    pub fn open(&mut self, conn: u32, now: u64) -> Vec<u8> {
        self.machine.handle_open(conn, now);
        self.finish(now)
    }

    /// One binary frame from socket `conn` (MobileIMSDK: reported, then ignored).
    pub fn binary(&mut self, conn: u32, bytes: &[u8], now: u64) -> Vec<u8> {
        self.machine.handle_binary(conn, bytes, now);
        self.finish(now)
    }

    /// One text frame from socket `conn` (GoBelieve: reported, then ignored).
    pub fn text(&mut self, conn: u32, text: &str, now: u64) -> Vec<u8> {
        self.machine.handle_text(conn, text, now);
        self.finish(now)
    }

    /// Socket `conn` closed or failed (`error`); also when JS could not
    /// open it or write to it.
    pub fn close(&mut self, conn: u32, error: bool, now: u64) -> Vec<u8> {
        self.machine.handle_close(conn, error, now);
        self.finish(now)
    }

    /// The JS timer fired.
    pub fn timer(&mut self, now: u64) -> Vec<u8> {
        self.pump.timer_fired();
        self.machine.handle_timeout(now);
        self.finish(now)
    }

    /// Drains the machine into the batch, adds what the glue reports, hands it over.
    fn finish(&mut self, now: u64) -> Vec<u8> {
        let glue = &self.glue;
        self.pump
            .drain(&mut self.machine, now, |m, e| glue.record(m, e));
        self.glue.after(&self.machine, now, &mut self.pump);
        self.pump.take()
    }
}
