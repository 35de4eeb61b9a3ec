//! A minimal HTTP/1.1 request head parser and response writer: one request
//! per connection, `Connection: close`. Enough for static files and the test
//! API; not a general server.

use std::collections::HashMap;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Largest request head accepted.
pub const MAX_HEAD: usize = 16 * 1024;

/// The parsed request line and headers.
#[derive(Debug, Clone)]
pub struct RequestHead {
    /// Method, e.g. `GET`.
    pub method: String,
    /// Raw request target (path and query).
    pub target: String,
    /// Header names lower-cased.
    pub headers: HashMap<String, String>,
    /// Length of the head in bytes, including the final blank line.
    pub len: usize,
}

impl RequestHead {
    /// Path part of the target (before `?`).
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// Decoded query parameters.
    pub fn query(&self) -> HashMap<String, String> {
        let mut out = HashMap::new();
        if let Some((_, q)) = self.target.split_once('?') {
            for pair in q.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                out.insert(percent_decode_str(k), percent_decode_str(v));
            }
        }
        out
    }

    /// Whether the request asks for a WebSocket upgrade.
    pub fn is_websocket_upgrade(&self) -> bool {
        self.headers
            .get("upgrade")
            .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
    }
}

/// Parses a complete request head from `buf`; `None` while it is incomplete,
/// `Some(Err)` when it is malformed.
pub fn parse_head(buf: &[u8]) -> Option<Result<RequestHead, ()>> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let Ok(text) = std::str::from_utf8(&buf[..end]) else {
        return Some(Err(()));
    };
    let mut lines = text.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Some(Err(()));
    };
    if !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return Some(Err(()));
    }
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Ok(RequestHead {
        method: method.into(),
        target: target.into(),
        headers,
        len: end,
    }))
}

/// Peeks at the stream until a full request head is buffered, without
/// consuming it (so a WebSocket handshake can still read it).
pub async fn peek_head(stream: &TcpStream) -> Option<RequestHead> {
    let mut buf = vec![0u8; MAX_HEAD];
    let mut last = 0;
    loop {
        let n = stream.peek(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        if let Some(parsed) = parse_head(&buf[..n]) {
            return parsed.ok();
        }
        if n == MAX_HEAD {
            return None;
        }
        if n == last {
            // peek returns at once while the data is unchanged: wait a little.
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        last = n;
    }
}

/// Reads and discards the head and a `Content-Length` body.
pub async fn consume_request(stream: &mut TcpStream, head: &RequestHead) {
    let body = head
        .headers
        .get("content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(1 << 20);
    let mut rest = vec![0u8; head.len + body];
    let _ = stream.read_exact(&mut rest).await;
}

/// A response to write.
#[derive(Debug)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Content type.
    pub content_type: &'static str,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response {
            status,
            content_type: "application/json",
            body: value.to_string().into_bytes(),
        }
    }

    /// A plain-text response.
    pub fn text(status: u16, text: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{text}\n").into_bytes(),
        }
    }

    /// Writes the response; `head_only` omits the body (HEAD requests).
    pub async fn write(&self, stream: &mut TcpStream, head_only: bool) {
        let head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        let _ = stream.write_all(head.as_bytes()).await;
        if !head_only {
            let _ = stream.write_all(&self.body).await;
        }
        let _ = stream.shutdown().await;
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Decodes `%XX` escapes and `+` (as space); invalid escapes stay literal.
pub fn percent_decode_str(s: &str) -> String {
    String::from_utf8_lossy(&percent_decode(s, true)).into_owned()
}

/// Decodes `%XX` escapes into raw bytes; `plus_is_space` for query strings.
pub fn percent_decode(s: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex_val(bytes[i + 1]), hex_val(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn hex_val(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_head_and_query() {
        let raw = b"POST /api/token?uid=5&text=a%20b+c HTTP/1.1\r\nHost: x\r\nUpgrade: WebSocket\r\n\r\nbody";
        let head = parse_head(raw).unwrap().unwrap();
        assert_eq!(head.method, "POST");
        assert_eq!(head.path(), "/api/token");
        assert_eq!(head.query()["text"], "a b c");
        assert_eq!(head.query()["uid"], "5");
        assert!(head.is_websocket_upgrade());
        assert_eq!(head.len, raw.len() - 4);
        assert!(parse_head(b"GET / HTTP/1.1\r\n").is_none());
        assert!(parse_head(b"GARBAGE\r\n\r\n").unwrap().is_err());
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(percent_decode("%41%zz%4", false), b"A%zz%4");
        assert_eq!(percent_decode("%ff", false), vec![0xff]);
    }
}
