//! A tiny reader that turns fuzz bytes into choices. It never fails: past
//! the end every read returns zeros, so any input is a valid program and
//! libFuzzer's mutations map to small changes of the decoded ops.

/// A cursor over the fuzz input.
pub struct Input<'a> {
    rest: &'a [u8],
}

impl<'a> Input<'a> {
    /// Reads from `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Input { rest: data }
    }

    /// True when every byte was consumed.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// One byte (0 past the end).
    pub fn u8(&mut self) -> u8 {
        match self.rest.split_first() {
            Some((&b, tail)) => {
                self.rest = tail;
                b
            }
            None => 0,
        }
    }

    /// A little-endian integer of `N` bytes, zero-filled past the end.
    fn le<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for b in &mut out {
            *b = self.u8();
        }
        out
    }

    pub fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.le())
    }

    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.le())
    }

    pub fn i32(&mut self) -> i32 {
        i32::from_le_bytes(self.le())
    }

    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.le())
    }

    pub fn i64(&mut self) -> i64 {
        i64::from_le_bytes(self.le())
    }

    /// One of `items` (the first past the end).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.u8() as usize % items.len()]
    }

    /// An interesting 64-bit value: small, a boundary, or arbitrary.
    pub fn edgy_i64(&mut self) -> i64 {
        match self.u8() % 8 {
            0 => 0,
            1 => self.u8() as i64,
            2 => i64::MAX - self.u8() as i64,
            3 => i64::MIN + self.u8() as i64,
            4 => (1i64 << 53) - 1 + (self.u8() as i64 % 3),
            5 => -(self.u8() as i64),
            _ => self.i64(),
        }
    }

    /// Up to `n` raw bytes (fewer at the end).
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.rest.len());
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        head
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.rest)
    }

    /// A string: short raw text, or a long run of one character with a
    /// length chosen near `limit` (so inputs of a few bytes reach the
    /// protocol maximums without megabyte corpora).
    pub fn text(&mut self, limit: usize) -> String {
        let tag = self.u8();
        match tag % 8 {
            // Long: `limit` plus or minus up to 127, or anywhere below it.
            0 => {
                let delta = self.u8() as i64 - 128;
                let len = (limit as i64 + delta).max(0) as usize;
                let c = self.pick(&['a', '\u{e9}', '\u{4e2d}', '\u{1f600}', '"', '\u{1}']);
                fill(c, len)
            }
            1 => {
                let len = self.u16() as usize % (limit + 256);
                fill(self.pick(&['x', '\u{e9}', '\\']), len)
            }
            // Short raw bytes, lossily decoded.
            _ => {
                let n = (tag >> 3) as usize;
                String::from_utf8_lossy(self.bytes(n)).into_owned()
            }
        }
    }
}

/// A timing as the JS layer can set it: 1 ms to one day.
pub fn millis(inp: &mut Input) -> u64 {
    match inp.u8() % 4 {
        0 => inp.pick(&[1, 2, 10, 1_000, 3_000, 5_000, 60_000, 86_400_000]),
        _ => inp.u32() as u64 % 86_400_000 + 1,
    }
}

/// A wall-clock start (`Date.now()` today), or small values near the epoch.
pub fn start_time(inp: &mut Input) -> u64 {
    match inp.u8() % 4 {
        0 => inp.u16() as u64,
        _ => 1_700_000_000_000 + inp.u32() as u64,
    }
}

/// `Date.now()` can step back (a clock correction): by up to one day, or
/// not at all.
pub fn clock_step_back(now: u64, inp: &mut Input) -> u64 {
    match inp.u8() % 4 {
        0 => now.saturating_sub(millis(inp)),
        _ => now,
    }
}

/// `c` repeated until the UTF-8 length reaches `bytes` (it may end a few bytes short).
fn fill(c: char, bytes: usize) -> String {
    c.to_string().repeat(bytes / c.len_utf8())
}
