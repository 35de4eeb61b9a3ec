//! Secrets kept out of logs and `Debug` output: login tokens, and the parts
//! of a URL where deployments put them (`?token=…`, `user:password@`).

use std::fmt;

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// `url` without its credentials: the query and fragment are replaced, and
/// so is any `user:password@` before the host.
pub fn redact_url(url: &str) -> String {
    let (base, hidden_tail) = match url.find(['?', '#']) {
        Some(at) => (&url[..at], true),
        None => (url, false),
    };
    let mut out = String::with_capacity(base.len() + 16);
    let after_scheme = base.find("://").map_or(0, |at| at + 3);
    let authority_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |at| after_scheme + at);
    match base[after_scheme..authority_end].rfind('@') {
        Some(at) => {
            out.push_str(&base[..after_scheme]);
            out.push_str(REDACTED);
            out.push_str(&base[after_scheme + at..]);
        }
        None => out.push_str(base),
    }
    if hidden_tail {
        out.push('?');
        out.push_str(REDACTED);
    }
    out
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
