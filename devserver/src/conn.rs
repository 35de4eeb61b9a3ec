//! What every WebSocket connection shares: an id, an outgoing queue that the
//! protocol handlers fill while holding the state lock (so the order of
//! packets is the order of decisions), and the task that writes it.

use futures_util::{SinkExt, StreamExt};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Server-wide connection id.
pub type ConnId = u64;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh connection id.
pub fn next_conn_id() -> ConnId {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

/// Called once a frame was written successfully (MobileIMSDK proxy ACK and
/// S2C QoS tracking start only then).
pub type WriteHook = Box<dyn FnOnce() + Send>;

/// One item of a connection's outgoing queue.
pub enum Out {
    /// Write a frame, then run the hook if the write succeeded.
    Frame(Message, Option<WriteHook>),
    /// Write a close frame with this code and reason, then end.
    Close(u16, String),
    /// Drop the TCP connection at once, without a close frame (fault injection).
    Abort,
}

/// The sending half kept in the protocol state.
pub type OutTx = mpsc::UnboundedSender<Out>;
/// The receiving half owned by the connection task.
pub type OutRx = mpsc::UnboundedReceiver<Out>;

/// A new outgoing queue.
pub fn channel() -> (OutTx, OutRx) {
    mpsc::unbounded_channel()
}

/// What the read side saw.
pub enum Incoming {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
    /// A frame over the size limit (tungstenite refused it).
    TooLarge,
    /// The peer closed or the socket failed.
    Gone,
}

/// How a connection task's main loop ended.
pub enum Ending {
    /// Send a close frame (code, reason), drain briefly, then drop.
    Close(u16, String),
    /// Drop at once.
    Abort,
}

/// Runs a connection: `on_frame` handles each application frame and may
/// return an ending; `on_idle` is called when `idle` passes without an
/// application frame; `on_end` runs as soon as the connection is decided
/// over (before the closing handshake, so statistics never count a closing
/// connection). Returns when the connection is over.
pub async fn run(
    ws: WebSocketStream<TcpStream>,
    mut rx: OutRx,
    idle: Duration,
    mut on_frame: impl FnMut(Incoming) -> Option<Ending>,
    idle_ending: Ending,
    on_end: impl FnOnce(),
) {
    let (mut sink, mut stream) = ws.split();
    let deadline = tokio::time::sleep(idle);
    tokio::pin!(deadline);
    let ending = loop {
        tokio::select! {
            biased;
            out = rx.recv() => match out {
                Some(Out::Frame(msg, hook)) => {
                    if sink.send(msg).await.is_err() {
                        break Ending::Abort;
                    }
                    if let Some(hook) = hook {
                        hook();
                    }
                }
                Some(Out::Close(code, reason)) => break Ending::Close(code, reason),
                Some(Out::Abort) | None => break Ending::Abort,
            },
            msg = stream.next() => {
                let incoming = match msg {
                    Some(Ok(Message::Text(t))) => Incoming::Text(t.as_str().to_string()),
                    Some(Ok(Message::Binary(b))) => Incoming::Binary(b.to_vec()),
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                    Some(Err(tokio_tungstenite::tungstenite::Error::Capacity(_))) => Incoming::TooLarge,
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => Incoming::Gone,
                };
                let gone = matches!(incoming, Incoming::Gone);
                // Only application frames re-arm the idle deadline.
                deadline.as_mut().reset(tokio::time::Instant::now() + idle);
                if let Some(ending) = on_frame(incoming) {
                    break ending;
                }
                if gone {
                    break Ending::Abort;
                }
            }
            _ = &mut deadline => break idle_ending,
        }
    };
    on_end();
    if let Ending::Close(code, reason) = ending {
        // Flush what the handler queued before deciding to close (e.g. a
        // login failure or a kick-out packet), then the close frame.
        while let Ok(Out::Frame(msg, hook)) = rx.try_recv() {
            if sink.send(msg).await.is_err() {
                return;
            }
            if let Some(hook) = hook {
                hook();
            }
        }
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.into(),
        };
        if sink.send(Message::Close(Some(frame))).await.is_ok() {
            // Wait briefly for the peer's close reply so it sees a clean close.
            let _ = tokio::time::timeout(Duration::from_secs(1), async {
                while let Some(Ok(_)) = stream.next().await {}
            })
            .await;
        }
    }
}
