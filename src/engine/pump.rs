//! One pump: drains a machine's I/O requests and events into one batch and
//! re-arms the one timer only when the deadline moved, so a burst of frames
//! costs one crossing out however many records it produces.

use super::batch::{BatchWriter, Record, Value};
use crate::core::io::{Frame, Io};
use crate::core::machine::Machine;

/// A machine's batch writer and the deadline its JS timer is armed for.
#[derive(Debug, Default)]
pub struct Pump {
    out: BatchWriter,
    armed: Option<u64>,
}

impl Pump {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends everything `machine` has to do to the batch: its I/O requests
    /// and its events (each written by `encode`, which may read the
    /// machine's state after the input, or write nothing to skip it), in the
    /// order it produced them, then the timer change, if any.
    pub fn drain<M: Machine>(
        &mut self,
        machine: &mut M,
        now: u64,
        mut encode: impl FnMut(&M, M::Event, &mut BatchWriter),
    ) {
        loop {
            if let Some(io) = machine.poll_io() {
                self.out.push(&io_record(io));
            } else if let Some(event) = machine.poll_event() {
                encode(machine, event, &mut self.out);
            } else {
                break;
            }
        }
        let want = machine.poll_timeout();
        if want != self.armed {
            self.armed = want;
            self.out.push(&match want {
                Some(at) => Record::ArmTimer {
                    delay_ms: at.saturating_sub(now),
                },
                None => Record::DisarmTimer,
            });
        }
    }

    /// The JS timer fired: it is no longer armed.
    pub fn timer_fired(&mut self) {
        self.armed = None;
    }

    /// Appends one record of the caller's (a command's reply, a state change).
    pub fn push(&mut self, record: &Record) {
        self.out.push(record);
    }

    /// Appends an `Event` record from borrowed values (no `Record` to build).
    pub fn event(&mut self, kind: u32, values: &[Value]) {
        self.out.event(kind, values);
    }

    /// The batch so far, for JS to perform (a view, valid until the next
    /// record); the next one starts empty.
    pub fn take(&mut self) -> &[u8] {
        self.out.take()
    }
}

fn io_record(io: Io) -> Record {
    match io {
        Io::Connect { conn, url } => Record::Connect { conn, url },
        Io::Send {
            conn,
            frame: Frame::Text(text),
        } => Record::SendText { conn, text },
        Io::Send {
            conn,
            frame: Frame::Binary(bytes),
        } => Record::SendBinary { conn, bytes },
        Io::Close { conn } => Record::Close { conn },
    }
}

#[cfg(all(test, feature = "mobileimsdk"))]
#[path = "pump_tests.rs"]
mod tests;
