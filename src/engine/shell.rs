//! The engine shell both protocols share: a protocol machine, its pump and
//! the protocol's [`Glue`], with one method per input of the wasm boundary
//! (a command, a socket event, the timer), each answering with the batch it
//! produced (a view of the pump's buffer, valid until the next input). The
//! glue says what differs: how a command runs, how an event is written, and
//! what is reported after each input.

use super::batch::BatchWriter;
use super::pump::Pump;
use crate::core::machine::Machine;

/// What one protocol adds to the shell.
pub trait Glue {
    type Machine: Machine;
    /// Runs one encoded command, writing its reply (if it has one) first.
    fn command(&mut self, machine: &mut Self::Machine, bytes: &[u8], now: u64, pump: &mut Pump);
    /// Writes one machine event (or nothing, to skip it); may read the
    /// machine's state after the input.
    fn write(
        &self,
        machine: &Self::Machine,
        event: <Self::Machine as Machine>::Event,
        out: &mut BatchWriter,
    );
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
    pub fn command(&mut self, bytes: &[u8], now: u64) -> &[u8] {
        self.glue
            .command(&mut self.machine, bytes, now, &mut self.pump);
        self.finish(now)
    }

    /// Socket `conn` opened.
    pub fn open(&mut self, conn: u32, now: u64) -> &[u8] {
        self.machine.handle_open(conn, now);
        self.finish(now)
    }

    /// One binary frame from socket `conn` (MobileIMSDK: reported, then ignored).
    pub fn binary(&mut self, conn: u32, bytes: &[u8], now: u64) -> &[u8] {
        self.machine.handle_binary(conn, bytes, now);
        self.finish(now)
    }

    /// One text frame from socket `conn` (GoBelieve: reported, then ignored).
    pub fn text(&mut self, conn: u32, text: &str, now: u64) -> &[u8] {
        self.machine.handle_text(conn, text, now);
        self.finish(now)
    }

    /// Socket `conn` closed or failed (`error`); also when JS could not
    /// open it or write to it.
    pub fn close(&mut self, conn: u32, error: bool, now: u64) -> &[u8] {
        self.machine.handle_close(conn, error, now);
        self.finish(now)
    }

    /// The JS timer fired.
    pub fn timer(&mut self, now: u64) -> &[u8] {
        self.pump.timer_fired();
        self.machine.handle_timeout(now);
        self.finish(now)
    }

    /// Drains the machine into the batch and adds what the glue reports.
    pub(super) fn drain(&mut self, now: u64) {
        let glue = &self.glue;
        self.pump
            .drain(&mut self.machine, now, |m, e, w| glue.write(m, e, w));
        self.glue.after(&self.machine, now, &mut self.pump);
    }

    /// The batch so far; the next one starts empty.
    pub(super) fn take(&mut self) -> &[u8] {
        self.pump.take()
    }

    fn finish(&mut self, now: u64) -> &[u8] {
        self.drain(now);
        self.take()
    }
}
