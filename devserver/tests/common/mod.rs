//! Test harness: the dev server as a child process on a free port (always
//! killed on drop), a raw HTTP client and raw WebSocket helpers.

#![allow(dead_code)]

use futures_util::{SinkExt, StreamExt};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// A client WebSocket.
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a test waits for something that should happen.
pub const WAIT: Duration = Duration::from_secs(3);

/// A running dev server.
pub struct Server {
    child: Child,
    /// Its port.
    pub port: u16,
}

impl Server {
    /// Starts `devserver --port 0 --exit-on-stdin-close ARGS` and waits for
    /// its "listening" line. Set `DEVSERVER_LOG=1` to see its log.
    pub fn start(args: &[&str]) -> Server {
        let log = std::env::var_os("DEVSERVER_LOG").is_some();
        let mut child = Command::new(env!("CARGO_BIN_EXE_devserver"))
            .args(["--port", "0", "--exit-on-stdin-close"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if log { Stdio::inherit() } else { Stdio::null() })
            .spawn()
            .expect("spawn devserver");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read line");
        let prefix = "devserver listening on http://127.0.0.1:";
        let port = line
            .trim_end()
            .strip_prefix(prefix)
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        Server { child, port }
    }

    /// `ws://127.0.0.1:PORT` + path.
    pub fn ws_url(&self, path: &str) -> String {
        format!("ws://127.0.0.1:{}{}", self.port, path)
    }

    /// Connects a WebSocket to `path`.
    pub async fn ws(&self, path: &str) -> Ws {
        tokio_tungstenite::connect_async(self.ws_url(path))
            .await
            .expect("ws connect")
            .0
    }

    /// A raw HTTP request; returns (status, head text, body).
    pub async fn http(&self, method: &str, target: &str) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port))
            .await
            .expect("connect");
        let req =
            format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        s.write_all(req.as_bytes()).await.expect("write");
        let mut raw = Vec::new();
        tokio::time::timeout(WAIT, s.read_to_end(&mut raw))
            .await
            .expect("http timeout")
            .expect("read");
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("head end");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        (status, head, raw[split + 4..].to_vec())
    }

    /// `POST` to the API, body parsed as JSON.
    pub async fn api(&self, target: &str) -> serde_json::Value {
        let (status, _, body) = self.http("POST", target).await;
        assert_eq!(status, 200, "{target}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).expect("json")
    }

    /// Mints a GoBelieve token for a uid.
    pub async fn token(&self, uid: i64) -> String {
        self.api(&format!("/api/token?uid={uid}")).await["token"]
            .as_str()
            .expect("token")
            .to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The next data frame, or `None` if the connection ended (close, error).
pub async fn next_frame(ws: &mut Ws) -> Option<Message> {
    loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("timed out waiting for a frame")
        {
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return None,
            Some(Ok(m)) => return Some(m),
        }
    }
}

/// Waits for the end of the connection; returns the close frame's code and reason, if any.
pub async fn closed(ws: &mut Ws) -> Option<(u16, String)> {
    loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("connection not closed in time")
        {
            Some(Ok(Message::Close(Some(f)))) => {
                return Some((f.code.into(), f.reason.as_str().to_string()))
            }
            Some(Ok(Message::Close(None))) | Some(Err(_)) | None => return None,
            Some(Ok(_)) => continue,
        }
    }
}

/// Asserts nothing arrives for `ms` milliseconds.
pub async fn silent_for(ws: &mut Ws, ms: u64) {
    if let Ok(Some(Ok(m))) = tokio::time::timeout(Duration::from_millis(ms), ws.next()).await {
        panic!("expected silence, got {m:?}");
    }
}

/// Sends a text frame.
pub async fn send_text(ws: &mut Ws, text: &str) {
    ws.send(Message::text(text)).await.expect("send text");
}

/// Sends a binary frame.
pub async fn send_binary(ws: &mut Ws, bytes: Vec<u8>) {
    ws.send(Message::binary(bytes)).await.expect("send binary");
}
