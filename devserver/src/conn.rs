//! What every WebSocket connection shares: an id, an outgoing queue that the
//! protocol handlers fill while holding the state lock (so the order of
//! packets is the order of decisions), and the task that writes it.
//!
//! The task also shapes the link for fault injection ([`Out::Stall`],
//! [`Out::Delay`]): frames in both directions wait in order until they are
//! due, so a stalled or slow link stays open and loses nothing by itself.

use futures_util::{SinkExt, StreamExt};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;
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
    /// Stop moving frames in both directions for this long, keeping the link
    /// open; what was held then flows in order (fault injection). A frame
    /// queued meanwhile counts as written at once (its hook runs), as into a
    /// socket's send buffer, and is lost if the link dies before it moves.
    Stall(Duration),
    /// Hold every later frame, in both directions, this long before it is
    /// written or handled; zero ends the delay (fault injection). Hooks run
    /// at once, as for a stall.
    Delay(Duration),
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

/// An outgoing item held by the shaper.
enum Held {
    Frame(Message, Option<WriteHook>),
    Close(u16, String),
}

/// The fault-injection state of one link: held frames with the time each is
/// due, and the end of the current stall.
struct Shaper {
    delay: Duration,
    stalled_until: Option<Instant>,
    outgoing: VecDeque<(Instant, Held)>,
    incoming: VecDeque<(Instant, Incoming)>,
}

impl Shaper {
    fn new() -> Shaper {
        Shaper {
            delay: Duration::ZERO,
            stalled_until: None,
            outgoing: VecDeque::new(),
            incoming: VecDeque::new(),
        }
    }

    fn stall(&mut self, d: Duration) {
        let until = Instant::now() + d;
        self.stalled_until = Some(self.stalled_until.map_or(until, |t| t.max(until)));
    }

    /// Whether frames are being held (delayed or stalled) at `now`.
    fn shaping(&self, now: Instant) -> bool {
        !self.delay.is_zero() || self.stalled_until.is_some_and(|t| t > now)
    }

    /// When a held item due at `due` may move: not before the stall ends.
    fn ready_at(&self, due: Instant) -> Instant {
        self.stalled_until.map_or(due, |s| s.max(due))
    }

    /// The earliest time something held may move, if anything is held.
    fn next_ready(&self) -> Option<Instant> {
        let out = self.outgoing.front().map(|(t, _)| *t);
        let inc = self.incoming.front().map(|(t, _)| *t);
        let due = match (out, inc) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        due.map(|d| self.ready_at(d))
    }

    fn pop_ready_outgoing(&mut self, now: Instant) -> Option<Held> {
        let (due, _) = self.outgoing.front()?;
        (self.ready_at(*due) <= now).then(|| self.outgoing.pop_front().map(|(_, h)| h))?
    }

    fn pop_ready_incoming(&mut self, now: Instant) -> Option<Incoming> {
        let (due, _) = self.incoming.front()?;
        (self.ready_at(*due) <= now).then(|| self.incoming.pop_front().map(|(_, i)| i))?
    }
}

type Sink = futures_util::stream::SplitSink<WebSocketStream<TcpStream>, Message>;

/// Writes a frame and runs its hook; false when the socket failed.
async fn write(sink: &mut Sink, msg: Message, hook: Option<WriteHook>) -> bool {
    if sink.send(msg).await.is_err() {
        return false;
    }
    if let Some(hook) = hook {
        hook();
    }
    true
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
    let mut shaper = Shaper::new();
    let deadline = tokio::time::sleep(idle);
    tokio::pin!(deadline);
    let ending = 'conn: loop {
        // Move whatever is due, outgoing first (the order of decisions).
        let now = Instant::now();
        while let Some(held) = shaper.pop_ready_outgoing(now) {
            match held {
                Held::Frame(msg, hook) => {
                    if !write(&mut sink, msg, hook).await {
                        break 'conn Ending::Abort;
                    }
                }
                Held::Close(code, reason) => break 'conn Ending::Close(code, reason),
            }
        }
        while let Some(incoming) = shaper.pop_ready_incoming(now) {
            let gone = matches!(incoming, Incoming::Gone);
            // Only application frames that were handled re-arm the idle deadline.
            deadline.as_mut().reset(Instant::now() + idle);
            if let Some(ending) = on_frame(incoming) {
                break 'conn ending;
            }
            if gone {
                break 'conn Ending::Abort;
            }
        }
        let wake = shaper.next_ready();
        // Once the peer is gone nothing more can be read.
        let reading = !matches!(shaper.incoming.back(), Some((_, Incoming::Gone)));
        tokio::select! {
            biased;
            out = rx.recv() => {
                let due = Instant::now() + shaper.delay;
                match out {
                    Some(Out::Frame(msg, hook)) => {
                        // On a shaped link the write "succeeds" into the network at once, as
                        // into a socket's send buffer: the frame is then lost if the link dies.
                        let hook = match hook {
                            Some(h) if shaper.shaping(Instant::now()) => {
                                h();
                                None
                            }
                            other => other,
                        };
                        shaper.outgoing.push_back((due, Held::Frame(msg, hook)));
                    }
                    Some(Out::Close(code, reason)) => shaper.outgoing.push_back((due, Held::Close(code, reason))),
                    Some(Out::Stall(d)) => shaper.stall(d),
                    Some(Out::Delay(d)) => shaper.delay = d,
                    Some(Out::Abort) | None => break Ending::Abort,
                }
            }
            _ = tokio::time::sleep_until(wake.unwrap_or(now)), if wake.is_some() => {}
            msg = stream.next(), if reading => {
                let incoming = match msg {
                    Some(Ok(Message::Text(t))) => Incoming::Text(t.as_str().to_string()),
                    Some(Ok(Message::Binary(b))) => Incoming::Binary(b.to_vec()),
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                    Some(Err(tokio_tungstenite::tungstenite::Error::Capacity(_))) => Incoming::TooLarge,
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => Incoming::Gone,
                };
                shaper.incoming.push_back((Instant::now() + shaper.delay, incoming));
            }
            _ = &mut deadline => break idle_ending,
        }
    };
    on_end();
    if let Ending::Close(code, reason) = ending {
        // Flush what the handler queued before deciding to close (e.g. a
        // login failure or a kick-out packet), then the close frame.
        let held = std::mem::take(&mut shaper.outgoing)
            .into_iter()
            .map(|(_, h)| h);
        let queued = std::iter::from_fn(|| match rx.try_recv() {
            Ok(Out::Frame(msg, hook)) => Some(Held::Frame(msg, hook)),
            _ => None,
        });
        for item in held.chain(queued) {
            let Held::Frame(msg, hook) = item else { break };
            if !write(&mut sink, msg, hook).await {
                return;
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
