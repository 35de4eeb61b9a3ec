//! The MobileIMSDK v6 side: path `/websocket`, JSON text frames.

pub mod hub;
pub mod protocal;

use crate::conn::{self, ConnId, Ending, Incoming};
use hub::{MobileimsdkHub, SharedMobileimsdk};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::WebSocketStream;

/// The exact request URI of the endpoint.
pub const PATH: &str = "/websocket";
/// Frame and message size limit of the official gateway.
pub const MAX_FRAME: usize = 65536;

/// Serves one accepted WebSocket until it ends.
pub async fn serve(hub: SharedMobileimsdk, ws: WebSocketStream<TcpStream>, idle: Duration) {
    let id: ConnId = conn::next_conn_id();
    let (tx, rx) = conn::channel();
    hub.lock().unwrap_or_else(|e| e.into_inner()).open(id, tx);
    let bye = || Ending::Close(1000, "Bye".into());
    let handler_hub = hub.clone();
    conn::run(
        ws,
        rx,
        idle,
        move |incoming| match incoming {
            Incoming::Text(t) => MobileimsdkHub::on_text(&handler_hub, id, &t),
            Incoming::Binary(_) => Some(bye()),
            Incoming::TooLarge => Some(Ending::Close(
                1009,
                format!("Max frame length of {MAX_FRAME} has been exceeded"),
            )),
            Incoming::Gone => None,
        },
        bye(),
        move || hub.lock().unwrap_or_else(|e| e.into_inner()).closed(id),
    )
    .await;
}

/// Runs the S2C QoS checker at a fixed rate for the server's lifetime.
pub async fn qos_checker(hub: SharedMobileimsdk, period: Duration, just_now: Duration) {
    let mut tick = tokio::time::interval(period);
    tick.tick().await;
    loop {
        tick.tick().await;
        hub.lock()
            .unwrap_or_else(|e| e.into_inner())
            .qos_tick(just_now);
    }
}
