//! The listener: one port for static files, the test API and both
//! WebSocket endpoints. Each connection's request head is peeked to decide.

use crate::config::Config;
use crate::gobelieve::hub::{GobelieveHub, SharedGobelieve};
use crate::http::{self, RequestHead, Response};
use crate::mobileimsdk::hub::{MobileimsdkHub, Offline, SharedMobileimsdk, Verify};
use crate::{api, gobelieve, mobileimsdk, static_files};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::{
    ErrorResponse, Request, Response as WsResponse,
};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Everything the connection handlers share.
pub struct App {
    /// Start options.
    pub cfg: Config,
    /// GoBelieve state.
    pub gobelieve: SharedGobelieve,
    /// MobileIMSDK state.
    pub mobileimsdk: SharedMobileimsdk,
    /// While set and in the future, WebSocket upgrades are refused (restart fault).
    pub refuse_ws_until: Mutex<Option<Instant>>,
}

impl App {
    /// Builds the state from the options.
    pub fn new(cfg: Config) -> Arc<App> {
        let tokens = cfg
            .gobelieve_tokens
            .iter()
            .map(|(t, &uid)| (t.clone(), (cfg.gobelieve_appid, uid)))
            .collect();
        let gobelieve = GobelieveHub::new(tokens, &cfg.gobelieve_groups, cfg.gobelieve_sync_batch);
        let verify = Verify {
            accept_all: cfg.mobileimsdk_accept_all,
            tokens: cfg.mobileimsdk_tokens.clone(),
        };
        let offline = if cfg.mobileimsdk_offline_store {
            Offline::Store
        } else if cfg.mobileimsdk_offline_ack {
            Offline::Ack
        } else {
            Offline::Drop
        };
        let mobileimsdk = MobileimsdkHub::new(verify, offline, cfg.mobileimsdk_server_timestamp);
        Arc::new(App {
            cfg,
            gobelieve: Arc::new(Mutex::new(gobelieve)),
            mobileimsdk: Arc::new(Mutex::new(mobileimsdk)),
            refuse_ws_until: Mutex::new(None),
        })
    }

    fn ws_refused(&self) -> bool {
        let until = self
            .refuse_ws_until
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        until.is_some_and(|t| Instant::now() < t)
    }
}

/// Binds the listener.
pub async fn bind(cfg: &Config) -> std::io::Result<TcpListener> {
    TcpListener::bind((cfg.host.as_str(), cfg.port)).await
}

/// Accepts connections forever (and runs the MobileIMSDK QoS checker).
pub async fn serve(listener: TcpListener, app: Arc<App>) {
    tokio::spawn(mobileimsdk::qos_checker(
        app.mobileimsdk.clone(),
        app.cfg.mobileimsdk_qos_check,
        app.cfg.mobileimsdk_qos_just_now,
    ));
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(handle(stream, peer, app.clone()));
            }
            Err(e) => {
                eprintln!("devserver: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

async fn handle(mut stream: TcpStream, peer: SocketAddr, app: Arc<App>) {
    let Ok(Some(head)) =
        tokio::time::timeout(Duration::from_secs(10), http::peek_head(&stream)).await
    else {
        return;
    };
    if head.is_websocket_upgrade() {
        return upgrade(stream, head, app).await;
    }
    http::consume_request(&mut stream, &head).await;
    let head_only = head.method == "HEAD";
    let response = if head.path().starts_with("/api/") {
        if peer.ip().is_loopback() {
            api::handle(&app, &head)
        } else {
            Response::text(403, "loopback only")
        }
    } else if head.method == "GET" || head_only {
        static_files::serve(&app.cfg.mounts, head.path())
    } else {
        Response::text(405, "method not allowed")
    };
    response.write(&mut stream, head_only).await;
}

#[derive(Clone, Copy, PartialEq)]
enum Endpoint {
    GoBelieve,
    MobileImSdk,
}

/// The endpoint a request target names: `/ws` by path, `/websocket` only as
/// the exact whole URI (a query string fails, as on the official gateway).
fn endpoint(target: &str) -> Option<Endpoint> {
    if target == mobileimsdk::PATH {
        Some(Endpoint::MobileImSdk)
    } else if target.split('?').next() == Some(gobelieve::PATH) {
        Some(Endpoint::GoBelieve)
    } else {
        None
    }
}

async fn upgrade(mut stream: TcpStream, head: RequestHead, app: Arc<App>) {
    let Some(wanted) = endpoint(&head.target) else {
        http::consume_request(&mut stream, &head).await;
        return Response::text(404, "no WebSocket endpoint here")
            .write(&mut stream, false)
            .await;
    };
    if app.ws_refused() {
        http::consume_request(&mut stream, &head).await;
        return Response::text(503, "restarting")
            .write(&mut stream, false)
            .await;
    }
    let max = if wanted == Endpoint::MobileImSdk {
        mobileimsdk::MAX_FRAME
    } else {
        gobelieve::MAX_FRAME
    };
    let config = WebSocketConfig::default()
        .max_frame_size(Some(max))
        .max_message_size(Some(max));
    // The handshake reads the request itself; re-check the URI there too.
    #[allow(clippy::result_large_err)] // the signature tungstenite requires
    let check = move |req: &Request, resp: WsResponse| -> Result<WsResponse, ErrorResponse> {
        let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("");
        if endpoint(target) == Some(wanted) {
            Ok(resp)
        } else {
            let mut err = ErrorResponse::new(Some("wrong path".into()));
            *err.status_mut() = tokio_tungstenite::tungstenite::http::StatusCode::NOT_FOUND;
            Err(err)
        }
    };
    let ws =
        match tokio_tungstenite::accept_hdr_async_with_config(stream, check, Some(config)).await {
            Ok(ws) => ws,
            Err(e) => return eprintln!("devserver: handshake failed: {e}"),
        };
    match wanted {
        Endpoint::GoBelieve => {
            gobelieve::serve(app.gobelieve.clone(), ws, app.cfg.gobelieve_read_timeout).await
        }
        Endpoint::MobileImSdk => {
            mobileimsdk::serve(app.mobileimsdk.clone(), ws, app.cfg.mobileimsdk_idle).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_paths_are_exact() {
        assert!(endpoint("/websocket") == Some(Endpoint::MobileImSdk));
        assert!(endpoint("/websocket?token=x").is_none());
        assert!(endpoint("/websocket/").is_none());
        assert!(endpoint("/ws") == Some(Endpoint::GoBelieve));
        assert!(endpoint("/wss").is_none());
    }
}
