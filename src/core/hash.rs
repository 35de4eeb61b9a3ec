//! The keyed hash of the in-memory indexes (the keyed queue's table, a
//! message's content hash, the dedupe digests): one folded multiply per
//! 64-bit word instead of SipHash rounds, the cost that dominated a received
//! message.
//!
//! The keys come from the engine's seed ([`HashKeys::from_seed`]), not from
//! std's `RandomState`: on `wasm32-unknown-unknown` that has no random source,
//! so its "secret" keys were the same fixed values on every page. A peer that
//! does not know the seed cannot aim keys at one probe chain of a table, and
//! never sees a hash. It is not a MAC: 64 bits of it alone never decide that
//! two messages are one ([`crate::core::dedupe::Digester`] uses two runs under
//! independent keys; exact identities are kept as they are).

use core::hash::{BuildHasher, Hasher};

/// Two secret 64-bit keys; copies hash alike.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HashKeys {
    start: u64,
    mul: u64,
}

impl HashKeys {
    /// Keys derived from `seed` (a different stream from the seed's
    /// [`crate::core::rng::Rng`], so taking them changes no jitter).
    pub fn from_seed(seed: u64) -> Self {
        let mut s = seed ^ 0xA076_1D64_78BD_642F;
        HashKeys {
            start: splitmix(&mut s),
            // Odd and not tiny, so the first fold spreads every input bit.
            mul: splitmix(&mut s) | 0x8000_0000_0000_0001,
        }
    }
}

/// Keys never reach a log.
impl core::fmt::Debug for HashKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("HashKeys(..)")
    }
}

impl BuildHasher for HashKeys {
    type Hasher = FoldHasher;
    fn build_hasher(&self) -> FoldHasher {
        FoldHasher {
            acc: self.start,
            mul: self.mul,
        }
    }
}

/// The state of one hash ([`HashKeys::build_hasher`]).
#[derive(Debug, Clone)]
pub struct FoldHasher {
    acc: u64,
    mul: u64,
}

/// The 128-bit product of `x` and `y`, its halves folded together.
#[cfg(not(target_arch = "wasm32"))]
fn fold(x: u64, y: u64) -> u64 {
    let p = u128::from(x) * u128::from(y);
    (p as u64) ^ ((p >> 64) as u64)
}

/// The same from four 32-bit products: wasm has no 64 x 64 -> 128 multiply,
/// and the `u128` form is a call to a 128 x 128 routine per word.
#[cfg(any(target_arch = "wasm32", test))]
fn fold_limbs(x: u64, y: u64) -> u64 {
    const LOW: u64 = 0xffff_ffff;
    let (x0, x1, y0, y1) = (x & LOW, x >> 32, y & LOW, y >> 32);
    let (p00, p01, p10, p11) = (x0 * y0, x0 * y1, x1 * y0, x1 * y1);
    let mid = (p00 >> 32) + (p01 & LOW) + (p10 & LOW);
    let lo = (p00 & LOW) | (mid << 32);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    lo ^ hi
}

#[cfg(target_arch = "wasm32")]
use fold_limbs as fold;

fn splitmix(s: &mut u64) -> u64 {
    *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *s;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Hasher for FoldHasher {
    fn write(&mut self, bytes: &[u8]) {
        // The length first: zero padding of the last word cannot alias.
        self.write_u64(bytes.len() as u64);
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.write_u64(u64::from_le_bytes(b));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(n.into());
    }

    fn write_u16(&mut self, n: u16) {
        self.write_u64(n.into());
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(n.into());
    }

    fn write_u64(&mut self, n: u64) {
        self.acc = fold(self.acc ^ n, self.mul);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        // One more fold with other key bits: the low bits (a table index) depend on every word.
        fold(self.acc, self.mul.rotate_left(29) ^ 0x2D35_8DCC_AA6C_78A5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_chooses_the_hash() {
        let (a, b) = (HashKeys::from_seed(1), HashKeys::from_seed(2));
        assert_eq!(a.hash_one("fp-1"), HashKeys::from_seed(1).hash_one("fp-1"));
        assert_ne!(a.hash_one("fp-1"), b.hash_one("fp-1"));
        assert_ne!(a.hash_one(7u64), b.hash_one(7u64));
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "HashKeys(..)");
    }

    #[test]
    fn padding_and_word_boundaries_do_not_alias() {
        let k = HashKeys::from_seed(9);
        let h = |b: &[u8]| {
            let mut s = k.build_hasher();
            s.write(b);
            s.finish()
        };
        assert_ne!(h(b"ab"), h(b"ab\0"));
        assert_ne!(h(b"abcdefgh"), h(b"abcdefgh\0"));
        assert_ne!(h(b""), h(b"\0"));
        assert_ne!(k.hash_one((1u64, 2u64)), k.hash_one((2u64, 1u64)));
    }

    #[test]
    fn the_wasm_fold_is_the_same_function() {
        let mut r = crate::core::rng::Rng::new(11);
        for _ in 0..100_000 {
            let (x, y) = (r.next_u64(), r.next_u64());
            assert_eq!(fold_limbs(x, y), fold(x, y), "{x:#x} * {y:#x}");
        }
        for (x, y) in [
            (u64::MAX, u64::MAX),
            (0, u64::MAX),
            (1 << 63, 3),
            (0xffff_ffff, 0xffff_ffff),
        ] {
            assert_eq!(fold_limbs(x, y), fold(x, y), "{x:#x} * {y:#x}");
        }
    }

    #[test]
    fn table_indexes_spread() {
        // Sequential keys (sequence numbers, sync keys) fill 1,024 cells evenly.
        let k = HashKeys::from_seed(3);
        let mut cells = vec![0u32; 1024];
        for i in 0..1024u64 * 16 {
            cells[(k.hash_one(i) & 1023) as usize] += 1;
        }
        let max = cells.iter().max().copied().unwrap_or(0);
        assert!(max < 48, "fullest cell holds {max} of 16 expected");
    }
}
