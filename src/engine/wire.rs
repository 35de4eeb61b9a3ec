//! The primitives of the engine's compact encodings (`batch`, `command`):
//! unsigned LEB128 integers, zigzag for signed ones, text and bytes as a
//! length then the bytes, optional text as 0 (absent) or length + 1.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

/// Why an encoding could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    /// The input ended inside a record.
    Truncated,
    /// An unknown tag at this offset.
    BadTag(usize),
    /// A varint longer than 64 bits, or a value out of its field's range.
    Overflow,
    /// Text that is not UTF-8.
    BadText,
}

/// Appends primitives to one buffer.
#[derive(Debug, Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    pub fn uint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.buf.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.buf.push(n as u8);
    }

    pub fn int(&mut self, n: i64) {
        self.uint(zigzag(n));
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.uint(b.len() as u64);
        self.buf.extend_from_slice(b);
    }

    pub fn text(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    pub fn opt_text(&mut self, s: Option<&str>) {
        match s {
            None => self.byte(0),
            Some(s) => {
                self.uint(s.len() as u64 + 1);
                self.buf.extend_from_slice(s.as_bytes());
            }
        }
    }
}

pub fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

pub fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

/// Reads primitives from the front of `input`.
pub struct Reader<'a> {
    input: &'a [u8],
    pub at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        Reader { input, at: 0 }
    }

    pub fn is_done(&self) -> bool {
        self.at >= self.input.len()
    }

    /// `value`, read whole: a byte after it is an error at that byte.
    pub fn end<T>(&self, value: T) -> Result<T, ReadError> {
        if self.is_done() {
            Ok(value)
        } else {
            Err(ReadError::BadTag(self.at))
        }
    }

    pub fn byte(&mut self) -> Result<u8, ReadError> {
        let b = *self.input.get(self.at).ok_or(ReadError::Truncated)?;
        self.at += 1;
        Ok(b)
    }

    pub fn uint(&mut self) -> Result<u64, ReadError> {
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

    pub fn int(&mut self) -> Result<i64, ReadError> {
        self.uint().map(unzigzag)
    }

    pub fn u32(&mut self) -> Result<u32, ReadError> {
        u32::try_from(self.uint()?).map_err(|_| ReadError::Overflow)
    }

    pub fn i32(&mut self) -> Result<i32, ReadError> {
        i32::try_from(self.int()?).map_err(|_| ReadError::Overflow)
    }

    pub fn bool(&mut self) -> Result<bool, ReadError> {
        match self.uint()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(ReadError::Overflow),
        }
    }

    pub fn bytes(&mut self) -> Result<&'a [u8], ReadError> {
        let len = self.uint()?;
        self.take(len)
    }

    pub fn text(&mut self) -> Result<String, ReadError> {
        let b = self.bytes()?;
        utf8(b)
    }

    pub fn opt_text(&mut self) -> Result<Option<String>, ReadError> {
        match self.uint()? {
            0 => Ok(None),
            n => {
                let b = self.take(n - 1)?;
                utf8(b).map(Some)
            }
        }
    }

    fn take(&mut self, len: u64) -> Result<&'a [u8], ReadError> {
        let rest = (self.input.len() - self.at) as u64;
        if len > rest {
            return Err(ReadError::Truncated);
        }
        let out = &self.input[self.at..self.at + len as usize];
        self.at += len as usize;
        Ok(out)
    }
}

fn utf8(b: &[u8]) -> Result<String, ReadError> {
    core::str::from_utf8(b)
        .map(str::to_owned)
        .map_err(|_| ReadError::BadText)
}
