//! The GoBelieve side: path `/ws`, binary frames, the core's codec.

pub mod hub;
pub mod store;

use crate::conn::{self, Ending, Incoming};
use hub::SharedGobelieve;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;

/// The request path of the endpoint.
pub const PATH: &str = "/ws";
/// WebSocket read limit of the reference server.
pub const MAX_FRAME: usize = 65536;

/// Serves one accepted WebSocket until it ends.
pub async fn serve(hub: SharedGobelieve, ws: WebSocketStream<TcpStream>, read_timeout: Duration) {
    let id = conn::next_conn_id();
    let (tx, rx) = conn::channel();
    hub.lock().unwrap_or_else(|e| e.into_inner()).open(id, tx);
    let handler_hub = hub.clone();
    conn::run(
        ws,
        rx,
        read_timeout,
        move |incoming| match incoming {
            Incoming::Binary(b) => handler_hub
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .on_binary(id, &b),
            // A text frame, an oversized frame: the reference server just closes.
            Incoming::Text(_) | Incoming::TooLarge => Some(Ending::Abort),
            Incoming::Gone => None,
        },
        Ending::Abort,
        move || hub.lock().unwrap_or_else(|e| e.into_inner()).closed(id),
    )
    .await;
}
