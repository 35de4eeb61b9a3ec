//! Secrets kept out of logs and `Debug` output: login tokens, and the parts
//! of a URL where deployments put them (`?token=…`, `user:password@`).

use alloc::string::String;
use core::fmt;

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// `url` without its credentials: the query and fragment are replaced, and
/// so is any `user:password@` before the host.
pub fn redact_url(url: &str) -> String {
    // Byte searches for ASCII delimiters and `split_at_checked` (all ASCII
    // positions are char boundaries): no slicing panic path, with its
    // message formatting, in the wasm.
    let (base, tail) = split_at_byte(url, |b| b == b'?' || b == b'#');
    let hidden_tail = !tail.is_empty();
    let mut out = String::with_capacity(base.len() + 16);
    let (scheme, rest) = match base.as_bytes().windows(3).position(|w| w == b"://") {
        Some(at) => base.split_at_checked(at + 3).unwrap_or(("", base)),
        None => ("", base),
    };
    let (authority, path) = split_at_byte(rest, |b| b == b'/');
    let at_sign = authority.as_bytes().iter().rposition(|&b| b == b'@');
    match at_sign.and_then(|at| authority.split_at_checked(at)) {
        Some((_, host)) => {
            out.push_str(scheme);
            out.push_str(REDACTED);
            out.push_str(host);
            out.push_str(path);
        }
        None => out.push_str(base),
    }
    if hidden_tail {
        out.push('?');
        out.push_str(REDACTED);
    }
    out
}

/// `s` split before the first byte that matches (`(s, "")` when none does).
fn split_at_byte(s: &str, matches: impl Fn(u8) -> bool) -> (&str, &str) {
    s.as_bytes()
        .iter()
        .position(|&b| matches(b))
        .and_then(|at| s.split_at_checked(at))
        .unwrap_or((s, ""))
}

/// Formats as [`REDACTED`] for a non-empty secret, `""` for an empty one
/// (so a missing token is still visible when debugging).
pub struct Secret<'a>(pub &'a str);

impl fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("\"\"")
        } else {
            f.write_str(REDACTED)
        }
    }
}

/// Formats a URL through [`redact_url`].
pub struct SafeUrl<'a>(pub &'a str);

impl fmt::Debug for SafeUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact_url(self.0), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_query_and_credentials_only() {
        let cases = [
            ("ws://h:3000/websocket", "ws://h:3000/websocket"),
            (
                "wss://h/websocket?token=s3cret&x=1",
                "wss://h/websocket?<redacted>",
            ),
            ("ws://h/ws#s3cret", "ws://h/ws?<redacted>"),
            (
                "ws://bob:s3cret@h:3000/websocket",
                "ws://<redacted>@h:3000/websocket",
            ),
            ("ws://bob:s3cret@h?t=s3cret", "ws://<redacted>@h?<redacted>"),
            ("ws://h/a@b", "ws://h/a@b"),
            ("not a url?s3cret", "not a url?<redacted>"),
        ];
        for (url, want) in cases {
            assert_eq!(redact_url(url), want, "{url}");
            assert!(!format!("{:?}", SafeUrl(url)).contains("s3cret"));
        }
        assert_eq!(format!("{:?}", Secret("s3cret")), "<redacted>");
        assert_eq!(format!("{:?}", Secret("")), "\"\"");
    }
}
