//! Text without `core::fmt` or the standard library's heavier helpers: the
//! wasm builds write every number they show (JSON integers, counts in
//! messages, fingerprints) through these few lines instead of pulling the
//! formatting machinery in (`format!`, `to_string()` and `write!` of an
//! integer each cost the wasm bytes), and decode lossy UTF-8 here too.

use alloc::string::String;

/// Appends `v` in decimal.
pub fn push_uint(out: &mut String, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// Appends `v` in decimal, with a `-` when negative.
pub fn push_int(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_uint(out, v.unsigned_abs());
}

/// `v` in decimal.
pub fn int_text(v: i64) -> String {
    let mut out = String::new();
    push_int(&mut out, v);
    out
}

/// Appends the low `width` hex digits of `v`, lowercase, zero-padded.
pub fn push_hex(out: &mut String, v: u64, width: u32) {
    for i in (0..width).rev() {
        let nibble = (v >> (4 * i)) & 0xF;
        out.push(char::from(b"0123456789abcdef"[nibble as usize]));
    }
}

/// Concatenates `parts`.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// `bytes` as text, each invalid UTF-8 sequence replaced by U+FFFD exactly
/// as `String::from_utf8_lossy` does (one per maximal invalid subpart), in a
/// few lines instead of the standard library's chunk iterator.
pub fn utf8_lossy(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match core::str::from_utf8(bytes) {
            Ok(rest) => {
                out.push_str(rest);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(core::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{FFFD}');
                // No error length: the text ends inside a sequence.
                bytes = &rest[e.error_len().unwrap_or(rest.len())..];
            }
        }
    }
}

/// `Display` (and `Error`) for error types that write their text with a
/// `describe(&self, out: &mut String)` method, the one text both show.
macro_rules! display_by_describe {
    ($($t:ty),+) => {$(
        impl ::core::fmt::Display for $t {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let mut text = ::alloc::string::String::new();
                self.describe(&mut text);
                f.write_str(&text)
            }
        }

        impl ::core::error::Error for $t {}
    )+};
}
pub(crate) use display_by_describe;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;

    #[test]
    fn decimal_matches_the_formatter() {
        let mut rng = Rng::new(1);
        let mut cases = vec![
            0,
            1,
            -1,
            9,
            10,
            -10,
            99,
            100,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ];
        cases.extend((0..2_000).map(|_| rng.next_u64() as i64 >> rng.up_to(63)));
        for v in cases {
            assert_eq!(int_text(v), v.to_string());
            let mut u = String::new();
            push_uint(&mut u, v as u64);
            assert_eq!(u, (v as u64).to_string());
        }
    }

    #[test]
    fn hex_matches_the_formatter() {
        let mut rng = Rng::new(2);
        for _ in 0..2_000 {
            let v = rng.next_u64();
            for width in [1u32, 4, 8, 12, 16] {
                let mut s = String::new();
                let masked = if width == 16 {
                    v
                } else {
                    v & ((1 << (4 * width)) - 1)
                };
                push_hex(&mut s, v, width);
                assert_eq!(s, format!("{masked:0w$x}", w = width as usize));
            }
        }
        assert_eq!(concat(&["a", "", "bc"]), "abc");
    }

    #[test]
    fn lossy_text_is_the_standard_librarys_over_random_bytes() {
        let mut rng = Rng::new(11);
        let pieces: [&[u8]; 9] = [
            b"a",
            "\u{e9}".as_bytes(),
            "\u{4e2d}".as_bytes(),
            "\u{1f600}".as_bytes(),
            &[0xF0, 0x9F],
            &[0xE4, 0xB8],
            &[0x80],
            &[0xFF],
            &[0xED, 0xA0, 0x80],
        ];
        for _ in 0..20_000 {
            let mut bytes = Vec::new();
            for _ in 0..rng.up_to(12) {
                if rng.up_to(3) == 0 {
                    bytes.push(rng.up_to(255) as u8);
                } else {
                    bytes.extend_from_slice(pieces[rng.up_to(8) as usize]);
                }
            }
            assert_eq!(
                utf8_lossy(&bytes),
                String::from_utf8_lossy(&bytes),
                "{bytes:02x?}"
            );
        }
    }
}
