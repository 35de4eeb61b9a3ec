//! Static files, the test API and the restart fault.

mod common;

use common::*;
use std::time::Duration;

fn www() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("devserver-www-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(dir.join("index.html"), "<h1>demo</h1>").unwrap();
    std::fs::write(dir.join("pkg/imsdk_bg.wasm"), b"\0asm").unwrap();
    std::fs::write(dir.join("pkg/imsdk.js"), "export {}").unwrap();
    dir
}

#[tokio::test]
async fn static_files_with_types_and_no_traversal() {
    let dir = www();
    let pkg = format!("/pkg/={}", dir.join("pkg").display());
    let server = Server::start(&["--www", dir.to_str().unwrap(), "--static", &pkg]);
    let (status, head, body) = server.http("GET", "/").await;
    assert_eq!(
        (status, body.as_slice()),
        (200, b"<h1>demo</h1>".as_slice())
    );
    assert!(head.contains("Content-Type: text/html"), "{head}");
    let (status, head, _) = server.http("GET", "/pkg/imsdk_bg.wasm").await;
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: application/wasm"), "{head}");
    let (_, head, _) = server.http("GET", "/pkg/imsdk.js").await;
    assert!(head.contains("Content-Type: text/javascript"), "{head}");
    let (status, head, body) = server.http("HEAD", "/pkg/imsdk.js").await;
    assert_eq!((status, body.len()), (200, 0));
    assert!(head.contains("Content-Length: 9"));
    for bad in [
        "/../Cargo.toml",
        "/pkg/../../etc/passwd",
        "/%2e%2e/etc/passwd",
        "/missing.js",
    ] {
        assert_eq!(server.http("GET", bad).await.0, 404, "{bad}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn api_validation_and_stats() {
    let server = Server::start(&["--mobileimsdk-accept-all"]);
    assert_eq!(server.http("POST", "/api/token").await.0, 400);
    assert_eq!(server.http("POST", "/api/nope").await.0, 404);
    assert_eq!(server.http("POST", "/api/fault/drop?proto=x").await.0, 400);
    let a = server.token(1).await;
    let b = server.token(1).await;
    assert_ne!(a, b, "every minted token is new");
    // An answered echo / PING proves each connection is registered.
    let mut mobileimsdk = server.ws("/websocket").await;
    send_text(&mut mobileimsdk, r#"{"type":5,"dataContent":"e"}"#).await;
    assert!(next_frame(&mut mobileimsdk).await.is_some());
    let mut gobelieve = server.ws("/ws").await;
    let ping =
        imsdk::core::gobelieve::codec::Packet::new(1, 2, imsdk::core::gobelieve::codec::Body::Ping);
    send_binary(&mut gobelieve, ping.encode().unwrap()).await;
    assert!(next_frame(&mut gobelieve).await.is_some());
    let stats = server.api("/api/stats").await;
    assert_eq!(
        (
            stats["mobileimsdk"]["connections"].as_u64(),
            stats["gobelieve"]["connections"].as_u64()
        ),
        (Some(1), Some(1))
    );
}

#[tokio::test]
async fn restart_drops_everything_and_refuses_upgrades_for_a_while() {
    let server = Server::start(&[]);
    let mut ws = server.ws("/ws").await;
    server.api("/api/fault/restart?down_ms=300").await;
    assert!(closed(&mut ws).await.is_none(), "dropped abruptly");
    assert!(
        tokio_tungstenite::connect_async(server.ws_url("/ws"))
            .await
            .is_err(),
        "refused while down"
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(
        tokio_tungstenite::connect_async(server.ws_url("/ws"))
            .await
            .is_ok(),
        "back up"
    );
}
