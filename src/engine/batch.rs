//! The output batch of one pump: the machine's I/O requests and its events
//! in one compact byte string, read in one pass by `js/engine/batch.js`.
//!
//! Layout (all integers unsigned LEB128; signed values zigzag-encoded;
//! text is a length then UTF-8 bytes; bytes are a length then raw bytes):
//!
//! | tag | record | fields |
//! |---|---|---|
//! | 1 | `Connect` | conn, url (text) |
//! | 2 | `SendText` | conn, text |
//! | 3 | `SendBinary` | conn, bytes |
//! | 4 | `Close` | conn |
//! | 5 | `ArmTimer` | delay in ms |
//! | 6 | `DisarmTimer` | - |
//! | 7 | `Event` | kind, value count, values |
//!
//! A value is a type byte then its payload: 0 integer (zigzag), 1 text,
//! 2 bytes, 3 null, 4 false, 5 true. Events are self-describing so the JS
//! side decodes every batch with one reader and maps `kind` to objects.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

/// One I/O request or event of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Connect {
        conn: u32,
        url: String,
    },
    SendText {
        conn: u32,
        text: String,
    },
    SendBinary {
        conn: u32,
        bytes: Vec<u8>,
    },
    Close {
        conn: u32,
    },
    /// (Re-)arm the one timer `delay_ms` from now.
    ArmTimer {
        delay_ms: u64,
    },
    DisarmTimer,
    /// A protocol event: `kind` is the protocol's event code.
    Event {
        kind: u32,
        values: Vec<Value>,
    },
}

/// A field of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    Null,
    Bool(bool),
}

pub(crate) const TAG_CONNECT: u8 = 1;
pub(crate) const TAG_SEND_TEXT: u8 = 2;
pub(crate) const TAG_SEND_BINARY: u8 = 3;
pub(crate) const TAG_CLOSE: u8 = 4;
pub(crate) const TAG_ARM_TIMER: u8 = 5;
pub(crate) const TAG_DISARM_TIMER: u8 = 6;
pub(crate) const TAG_EVENT: u8 = 7;

const VALUE_INT: u8 = 0;
const VALUE_TEXT: u8 = 1;
const VALUE_BYTES: u8 = 2;
const VALUE_NULL: u8 = 3;
const VALUE_FALSE: u8 = 4;
const VALUE_TRUE: u8 = 5;

/// A buffer that grew past this is let go once its batch was read, so a
/// burst does not hold its memory for the engine's life.
const KEEP_BYTES: usize = 64 * 1024;

/// Appends records to one buffer, reused from batch to batch: `take` hands
/// the batch over (a view, read by JS in place), and the next record starts
/// the next batch.
#[derive(Debug, Default)]
pub struct BatchWriter {
    buf: Vec<u8>,
    /// The batch in `buf` was handed over: the next write starts afresh.
    handed: bool,
}

impl BatchWriter {
    pub fn new() -> Self {
        Self::default()
    }

    /// True when nothing was written since the last `take`.
    pub fn is_empty(&self) -> bool {
        self.handed || self.buf.is_empty()
    }

    /// The batch written since the last `take`; valid until the next write.
    pub fn take(&mut self) -> &[u8] {
        self.fresh();
        self.handed = true;
        &self.buf
    }

    fn fresh(&mut self) {
        if self.handed {
            self.handed = false;
            if self.buf.capacity() > KEEP_BYTES {
                self.buf = Vec::new();
            } else {
                self.buf.clear();
            }
        }
    }

    pub fn push(&mut self, record: &Record) {
        self.fresh();
        match record {
            Record::Connect { conn, url } => {
                self.byte(TAG_CONNECT);
                self.uint(u64::from(*conn));
                self.bytes(url.as_bytes());
            }
            Record::SendText { conn, text } => {
                self.byte(TAG_SEND_TEXT);
                self.uint(u64::from(*conn));
                self.bytes(text.as_bytes());
            }
            Record::SendBinary { conn, bytes } => {
                self.byte(TAG_SEND_BINARY);
                self.uint(u64::from(*conn));
                self.bytes(bytes);
            }
            Record::Close { conn } => {
                self.byte(TAG_CLOSE);
                self.uint(u64::from(*conn));
            }
            Record::ArmTimer { delay_ms } => {
                self.byte(TAG_ARM_TIMER);
                self.uint(*delay_ms);
            }
            Record::DisarmTimer => self.byte(TAG_DISARM_TIMER),
            Record::Event { kind, values } => self.event(*kind, values),
        }
    }

    /// An `Event` record from borrowed values (no `Record` to build).
    pub fn event(&mut self, kind: u32, values: &[Value]) {
        self.fresh();
        self.byte(TAG_EVENT);
        self.uint(u64::from(kind));
        self.uint(values.len() as u64);
        values.iter().for_each(|v| self.value(v));
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Int(n) => {
                self.byte(VALUE_INT);
                self.uint(zigzag(*n));
            }
            Value::Text(s) => {
                self.byte(VALUE_TEXT);
                self.bytes(s.as_bytes());
            }
            Value::Bytes(b) => {
                self.byte(VALUE_BYTES);
                self.bytes(b);
            }
            Value::Null => self.byte(VALUE_NULL),
            Value::Bool(false) => self.byte(VALUE_FALSE),
            Value::Bool(true) => self.byte(VALUE_TRUE),
        }
    }

    fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    fn uint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.buf.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.buf.push(n as u8);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.uint(b.len() as u64);
        self.buf.extend_from_slice(b);
    }
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

/// Why a batch could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    /// The input ended inside a record.
    Truncated,
    /// An unknown record or value tag at this offset.
    BadTag(usize),
    /// A varint longer than 64 bits, or a conn id or kind over 32 bits.
    Overflow,
    /// Text that is not UTF-8.
    BadText,
}

/// Reads a whole batch back (tests, fuzzing; the product reads it in JS).
pub fn read_batch(input: &[u8]) -> Result<Vec<Record>, ReadError> {
    let mut r = Reader { input, at: 0 };
    let mut out = Vec::new();
    while r.at < input.len() {
        out.push(r.record()?);
    }
    Ok(out)
}

struct Reader<'a> {
    input: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn record(&mut self) -> Result<Record, ReadError> {
        let start = self.at;
        Ok(match self.byte()? {
            TAG_CONNECT => Record::Connect {
                conn: self.u32()?,
                url: self.text()?,
            },
            TAG_SEND_TEXT => Record::SendText {
                conn: self.u32()?,
                text: self.text()?,
            },
            TAG_SEND_BINARY => Record::SendBinary {
                conn: self.u32()?,
                bytes: self.bytes()?.to_vec(),
            },
            TAG_CLOSE => Record::Close { conn: self.u32()? },
            TAG_ARM_TIMER => Record::ArmTimer {
                delay_ms: self.uint()?,
            },
            TAG_DISARM_TIMER => Record::DisarmTimer,
            TAG_EVENT => {
                let kind = self.u32()?;
                let count = self.uint()?;
                // Every value takes at least one byte: a bound that needs no allocation first.
                if count > (self.input.len() - self.at) as u64 {
                    return Err(ReadError::Truncated);
                }
                let values = (0..count).map(|_| self.value()).collect::<Result<_, _>>()?;
                Record::Event { kind, values }
            }
            _ => return Err(ReadError::BadTag(start)),
        })
    }

    fn value(&mut self) -> Result<Value, ReadError> {
        let start = self.at;
        Ok(match self.byte()? {
            VALUE_INT => Value::Int(unzigzag(self.uint()?)),
            VALUE_TEXT => Value::Text(self.text()?),
            VALUE_BYTES => Value::Bytes(self.bytes()?.to_vec()),
            VALUE_NULL => Value::Null,
            VALUE_FALSE => Value::Bool(false),
            VALUE_TRUE => Value::Bool(true),
            _ => return Err(ReadError::BadTag(start)),
        })
    }

    fn byte(&mut self) -> Result<u8, ReadError> {
        let b = *self.input.get(self.at).ok_or(ReadError::Truncated)?;
        self.at += 1;
        Ok(b)
    }

    fn uint(&mut self) -> Result<u64, ReadError> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err(ReadError::Overflow);
            }
            n |= part << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(ReadError::Overflow)
    }

    fn u32(&mut self) -> Result<u32, ReadError> {
        u32::try_from(self.uint()?).map_err(|_| ReadError::Overflow)
    }

    fn bytes(&mut self) -> Result<&[u8], ReadError> {
        let len = self.uint()?;
        let rest = (self.input.len() - self.at) as u64;
        if len > rest {
            return Err(ReadError::Truncated);
        }
        let out = &self.input[self.at..self.at + len as usize];
        self.at += len as usize;
        Ok(out)
    }

    fn text(&mut self) -> Result<String, ReadError> {
        let b = self.bytes()?;
        core::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| ReadError::BadText)
    }
}

#[cfg(test)]
#[path = "batch_tests.rs"]
mod tests;
