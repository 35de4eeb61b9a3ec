//! Numbers as text without `core::fmt`: the wasm builds write every number
//! they show (JSON integers, counts in messages, fingerprints) through these
//! few lines instead of pulling the formatting machinery in (`format!`,
//! `to_string()` and `write!` of an integer each cost the wasm bytes).

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
}
