//! MobileIMSDK `/websocket` against the official server rules (mobileimsdk.md §1-§3).

mod common;

use common::*;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Instant;
use tokio_tungstenite::tungstenite::Message;

async fn recv(ws: &mut Ws) -> Value {
    match next_frame(ws).await {
        Some(Message::Text(t)) => serde_json::from_str(t.as_str()).expect("json"),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

async fn recv_raw(ws: &mut Ws) -> String {
    match next_frame(ws).await {
        Some(Message::Text(t)) => t.as_str().to_string(),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

fn body(p: &Value) -> Value {
    serde_json::from_str(p["dataContent"].as_str().expect("dataContent")).expect("body json")
}

fn packet(
    kind: i32,
    data: Option<&str>,
    from: &str,
    to: &str,
    fp: Option<&str>,
    qos: bool,
) -> String {
    json!({"bridge": false, "type": kind, "dataContent": data, "from": from, "to": to, "fp": fp,
           "QoS": qos, "typeu": -1, "sm": -1})
    .to_string()
}

fn login_packet(uid: &str, token: &str, first_login_time: i64) -> String {
    let info = json!({"loginUserId": uid, "loginToken": token, "extra": null, "firstLoginTime": first_login_time});
    packet(0, Some(&info.to_string()), uid, "0", None, false)
}

/// Logs in and returns the socket and the issued firstLoginTime.
async fn login(server: &Server, uid: &str, first_login_time: i64) -> (Ws, i64) {
    let mut ws = server.ws("/websocket").await;
    send_text(&mut ws, &login_packet(uid, "t", first_login_time)).await;
    let reply = recv(&mut ws).await;
    assert_eq!(reply["type"], 50);
    let b = body(&reply);
    assert_eq!(b["code"], 0, "{reply}");
    (ws, b["firstLoginTime"].as_i64().expect("firstLoginTime"))
}

#[tokio::test]
async fn login_success_is_gson_shaped_and_repeatable() {
    let server = Server::start(&["--mobileimsdk-accept-all"]);
    let mut ws = server.ws("/websocket").await;
    send_text(&mut ws, &login_packet("1", "any", 0)).await;
    let raw = recv_raw(&mut ws).await;
    let t: Value = serde_json::from_str(&raw).unwrap();
    let flt = body(&t)["firstLoginTime"].as_i64().unwrap();
    assert_eq!(
        raw,
        format!(
            r#"{{"bridge":false,"type":50,"dataContent":"{{\"code\":0,\"firstLoginTime\":{flt}}}","from":"0","to":"1","QoS":false,"typeu":-1,"sm":-1}}"#
        )
    );
    // A repeat login on the same session succeeds with the same time.
    send_text(&mut ws, &login_packet("1", "any", 0)).await;
    assert_eq!(body(&recv(&mut ws).await)["firstLoginTime"], flt);
    // Keep-alive and echo.
    send_text(&mut ws, &packet(1, Some("{}"), "1", "0", None, false)).await;
    let ka = recv(&mut ws).await;
    assert_eq!(
        (ka["type"].as_i64(), ka["to"].as_str()),
        (Some(51), Some("1"))
    );
    send_text(&mut ws, &packet(5, Some("ping"), "1", "0", None, false)).await;
    let echo = recv(&mut ws).await;
    assert_eq!(
        (
            echo["type"].as_i64(),
            echo["dataContent"].as_str(),
            echo["from"].as_str()
        ),
        (Some(53), Some("ping"), Some("1"))
    );
    // Logout closes with 1000 "Bye".
    send_text(&mut ws, &packet(3, None, "1", "0", None, false)).await;
    assert_eq!(closed(&mut ws).await, Some((1000, "Bye".into())));
    assert_eq!(
        server.api("/api/stats").await["mobileimsdk"]["connections"],
        0
    );
}

#[tokio::test]
async fn login_failure_and_pre_login_error() {
    let server = Server::start(&["--mobileimsdk-token", "1=secret"]);
    let mut ws = server.ws("/websocket").await;
    send_text(&mut ws, &login_packet("1", "wrong", 0)).await;
    let reply = recv(&mut ws).await;
    assert_eq!(
        (reply["type"].as_i64(), reply["to"].as_str()),
        (Some(50), Some("-1"))
    );
    assert_eq!(body(&reply), json!({"code": 1025, "firstLoginTime": -1}));
    assert_eq!(closed(&mut ws).await, Some((1000, "Bye".into())));

    let (_ok, _) = {
        let mut ws = server.ws("/websocket").await;
        send_text(&mut ws, &login_packet("1", "secret", 0)).await;
        assert_eq!(body(&recv(&mut ws).await)["code"], 0);
        (ws, 0)
    };
    // A minted GoBelieve token for the uid is accepted too.
    let token = server.token(2).await;
    let mut ws = server.ws("/websocket").await;
    send_text(&mut ws, &login_packet("2", &token, 0)).await;
    assert_eq!(body(&recv(&mut ws).await)["code"], 0);

    for kind in [1, 2, 4] {
        let mut ws = server.ws("/websocket").await;
        let sent = packet(kind, Some("x"), "1", "0", None, false);
        send_text(&mut ws, &sent).await;
        let err = recv(&mut ws).await;
        assert_eq!(
            (err["type"].as_i64(), err["to"].as_str()),
            (Some(52), Some("-1"))
        );
        let b = body(&err);
        assert_eq!(b["errorCode"], 301);
        let echoed: Value = serde_json::from_str(b["errorMsg"].as_str().unwrap()).unwrap();
        assert_eq!(echoed["type"], kind);
        assert_eq!(closed(&mut ws).await, Some((1000, "Bye".into())));
    }
}

#[tokio::test]
async fn path_must_be_exact() {
    let server = Server::start(&["--mobileimsdk-accept-all"]);
    for path in ["/websocket?token=x", "/websocket/", "/nope"] {
        assert!(
            tokio_tungstenite::connect_async(server.ws_url(path))
                .await
                .is_err(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn multi_device_first_login_time_rules() {
    let server = Server::start(&["--mobileimsdk-accept-all"]);
    let (mut a, t_a) = login(&server, "7", 0).await;
    // A newer first login (0) kicks the old session out.
    let (mut b, t_b) = login(&server, "7", 0).await;
    let kick = recv(&mut a).await;
    assert_eq!(
        (kick["type"].as_i64(), body(&kick)),
        (Some(54), json!({"code": 1}))
    );
    assert_eq!(closed(&mut a).await, Some((1000, "Bye".into())));
    assert!(t_b >= t_a);

    // An older login gets success and then is kicked itself.
    let mut c = server.ws("/websocket").await;
    send_text(&mut c, &login_packet("7", "t", t_b - 1000)).await;
    assert_eq!(body(&recv(&mut c).await)["code"], 0);
    assert_eq!(recv(&mut c).await["type"], 54);
    assert_eq!(closed(&mut c).await, Some((1000, "Bye".into())));
    silent_for(&mut b, 100).await;

    // The same firstLoginTime replaces the old session silently.
    let (_d, t_d) = login(&server, "7", t_b).await;
    assert_eq!(t_d, t_b, "the client's time is echoed");
    assert_eq!(
        closed(&mut b).await,
        Some((1000, "Bye".into())),
        "no kick-out packet before the close"
    );
}

#[tokio::test]
async fn c2s_and_c2c_acks_and_duplicates() {
    let server = Server::start(&["--mobileimsdk-accept-all"]);
    let (mut one, _) = login(&server, "1", 0).await;
    let (mut two, _) = login(&server, "2", 0).await;

    // C2S with QoS: ACK from "0", duplicate ACKed again.
    for _ in 0..2 {
        send_text(
            &mut one,
            &packet(2, Some("srv"), "1", "0", Some("c2s"), true),
        )
        .await;
        let ack = recv(&mut one).await;
        assert_eq!(
            (
                ack["type"].as_i64(),
                ack["from"].as_str(),
                ack["to"].as_str(),
                ack["dataContent"].as_str()
            ),
            (Some(4), Some("0"), Some("1"), Some("c2s"))
        );
    }

    // C2C: forwarded re-serialized (unknown keys dropped), proxy ACK from the receiver.
    let mut sent: Value =
        serde_json::from_str(&packet(2, Some("hi"), "1", "2", Some("f1"), true)).unwrap();
    sent["extraKey"] = json!(1);
    send_text(&mut one, &sent.to_string()).await;
    let got = recv(&mut two).await;
    assert_eq!(
        (
            got["dataContent"].as_str(),
            got["fp"].as_str(),
            got["QoS"].as_bool()
        ),
        (Some("hi"), Some("f1"), Some(true))
    );
    assert!(got.get("extraKey").is_none());
    let ack = recv(&mut one).await;
    assert_eq!(
        (
            ack["type"].as_i64(),
            ack["from"].as_str(),
            ack["to"].as_str(),
            ack["dataContent"].as_str()
        ),
        (Some(4), Some("2"), Some("1"), Some("f1"))
    );
    send_text(&mut two, &packet(4, Some("f1"), "2", "1", None, false)).await;

    // No QoS: forwarded, no ACK.
    send_text(&mut one, &packet(2, Some("plain"), "1", "2", None, false)).await;
    assert_eq!(recv(&mut two).await["dataContent"], "plain");
    silent_for(&mut one, 150).await;

    // Offline receiver: no ACK (default).
    send_text(&mut one, &packet(2, Some("x"), "1", "9", Some("f2"), true)).await;
    silent_for(&mut one, 150).await;

    // Duplicate fault: the next data frame to "2" arrives twice.
    server.api("/api/fault/duplicate?uid=2").await;
    send_text(
        &mut one,
        &packet(2, Some("dup"), "1", "2", Some("f3"), true),
    )
    .await;
    assert_eq!(recv(&mut two).await["fp"], "f3");
    assert_eq!(recv(&mut two).await["fp"], "f3");
}

#[tokio::test]
async fn s2c_qos_resends_once_then_lost() {
    let server = Server::start(&[
        "--mobileimsdk-accept-all",
        "--mobileimsdk-qos-check-ms",
        "200",
        "--mobileimsdk-qos-just-now-ms",
        "100",
    ]);
    let (mut two, _) = login(&server, "2", 0).await;
    let sent = server
        .api("/api/mobileimsdk/send?to=2&from=5&data=hello&qos=1")
        .await;
    let fp = sent["fp"].as_str().unwrap().to_string();
    let first = recv(&mut two).await;
    assert_eq!(
        (
            first["from"].as_str(),
            first["fp"].as_str(),
            first["QoS"].as_bool()
        ),
        (Some("5"), Some(fp.as_str()), Some(true))
    );
    let start = Instant::now();
    let again = recv(&mut two).await;
    assert_eq!(again["fp"], fp.as_str(), "one resend");
    assert!(start.elapsed().as_millis() >= 50);
    silent_for(&mut two, 600).await; // no second resend
    assert_eq!(
        server.api("/api/stats").await["mobileimsdk"]["qos_pending"],
        0,
        "declared lost"
    );

    // An ACKed packet is not resent.
    let sent = server.api("/api/mobileimsdk/send?to=2&data=x").await;
    let fp = sent["fp"].as_str().unwrap();
    recv(&mut two).await;
    send_text(&mut two, &packet(4, Some(fp), "2", "0", None, false)).await;
    silent_for(&mut two, 500).await;
}

#[tokio::test]
async fn frame_rules_idle_timeout_and_faults() {
    let server = Server::start(&["--mobileimsdk-accept-all", "--mobileimsdk-idle-ms", "400"]);
    let mut ws = server.ws("/websocket").await;
    send_binary(&mut ws, b"{}".to_vec()).await;
    assert_eq!(closed(&mut ws).await, Some((1000, "Bye".into())));

    let mut ws = server.ws("/websocket").await;
    send_text(&mut ws, &"x".repeat(65537)).await;
    let (code, _) = closed(&mut ws).await.expect("close frame");
    assert_eq!(code, 1009);

    // Idle: only application frames count.
    let (mut ws, _) = login(&server, "3", 0).await;
    let start = Instant::now();
    assert_eq!(closed(&mut ws).await, Some((1000, "Bye".into())));
    assert!(start.elapsed().as_millis() >= 350);

    // Keep-alives unanswered while the fault is on.
    let (mut ws, _) = login(&server, "3", 0).await;
    server
        .api("/api/fault/pings?proto=mobileimsdk&answer=0")
        .await;
    send_text(&mut ws, &packet(1, Some("{}"), "3", "0", None, false)).await;
    silent_for(&mut ws, 150).await;
    server
        .api("/api/fault/pings?proto=mobileimsdk&answer=1")
        .await;
    send_text(&mut ws, &packet(1, Some("{}"), "3", "0", None, false)).await;
    assert_eq!(recv(&mut ws).await["type"], 51);

    // Raw frames for the client's defensive paths.
    server
        .api("/api/mobileimsdk/raw?uid=3&text=%7Bbroken")
        .await;
    assert_eq!(recv_raw(&mut ws).await, "{broken");

    // Kick-out through the API.
    server.api("/api/mobileimsdk/kickout?uid=3&code=2").await;
    assert_eq!(body(&recv(&mut ws).await), json!({"code": 2}));
    assert_eq!(closed(&mut ws).await, Some((1000, "Bye".into())));
}

#[tokio::test]
async fn stall_and_delay_hold_frames_without_closing() {
    let server = Server::start(&["--mobileimsdk-accept-all"]);
    let (mut ws, _) = login(&server, "3", 0).await;
    let keep_alive = packet(1, Some("{}"), "3", "0", None, false);
    server
        .api("/api/fault/stall?proto=mobileimsdk&uid=3&ms=500")
        .await;
    send_text(&mut ws, &keep_alive).await;
    silent_for(&mut ws, 250).await;
    assert_eq!(
        server.api("/api/stats").await["mobileimsdk"]["connections"],
        1
    );
    assert_eq!(recv(&mut ws).await["type"], 51, "answered after the stall");

    server
        .api("/api/fault/delay?proto=mobileimsdk&uid=3&ms=300")
        .await;
    send_text(&mut ws, &keep_alive).await;
    silent_for(&mut ws, 150).await;
    assert_eq!(recv(&mut ws).await["type"], 51, "answered late");
    server.api("/api/fault/delay?proto=mobileimsdk&ms=0").await;
    send_text(&mut ws, &keep_alive).await;
    assert_eq!(recv(&mut ws).await["type"], 51);
}

#[tokio::test]
async fn offline_store_acks_keeps_and_resends_until_acked() {
    let server = Server::start(&[
        "--mobileimsdk-accept-all",
        "--mobileimsdk-offline-store",
        "--mobileimsdk-qos-check-ms",
        "100",
        "--mobileimsdk-qos-just-now-ms",
        "50",
    ]);
    let (mut one, _) = login(&server, "1", 0).await;
    // Receiver offline: the sender is ACKed, the message is kept.
    send_text(
        &mut one,
        &packet(2, Some("later"), "1", "2", Some("s1"), true),
    )
    .await;
    let ack = recv(&mut one).await;
    assert_eq!(
        (ack["type"].as_i64(), ack["dataContent"].as_str()),
        (Some(4), Some("s1"))
    );
    let (mut two, _) = login(&server, "2", 0).await;
    // Resent on every check while unacknowledged, never declared lost.
    for _ in 0..3 {
        let got = recv(&mut two).await;
        assert_eq!(
            (got["dataContent"].as_str(), got["fp"].as_str()),
            (Some("later"), Some("s1"))
        );
    }
    send_text(&mut two, &packet(4, Some("s1"), "2", "1", None, false)).await;
    let deadline = Instant::now() + WAIT;
    while server.api("/api/stats").await["mobileimsdk"]["qos_pending"] != 0 {
        assert!(
            Instant::now() < deadline,
            "the ACK did not clear the stored message"
        );
        // Resends already in flight before the ACK may still arrive.
        let _ = tokio::time::timeout(std::time::Duration::from_millis(50), two.next()).await;
    }
}

#[tokio::test]
async fn a_write_into_a_stalled_link_counts_as_written() {
    let server = Server::start(&["--mobileimsdk-accept-all"]);
    let (mut one, _) = login(&server, "1", 0).await;
    let (mut two, _) = login(&server, "2", 0).await;
    server
        .api("/api/fault/stall?proto=mobileimsdk&uid=2&ms=600")
        .await;
    send_text(
        &mut one,
        &packet(2, Some("held"), "1", "2", Some("h1"), true),
    )
    .await;
    // The proxy ACK comes while the receiver's link still holds the message,
    // as when the write went into a socket buffer (mobileimsdk.md §3.5).
    let ack = recv(&mut one).await;
    assert_eq!(
        (ack["type"].as_i64(), ack["dataContent"].as_str()),
        (Some(4), Some("h1"))
    );
    silent_for(&mut two, 200).await;
    assert_eq!(
        recv(&mut two).await["fp"],
        "h1",
        "delivered once the stall ends"
    );
}

#[tokio::test]
async fn flood_fault_sends_max_size_frames_and_repeated_or_distinct_fingerprints() {
    let server = Server::start(&["--mobileimsdk-accept-all", "--mobileimsdk-server-timestamp"]);
    let (mut two, _) = login(&server, "2", 0).await;
    let r = server
        .api("/api/fault/flood?proto=mobileimsdk&uid=2&from=9&kind=max_frames&count=2")
        .await;
    assert_eq!(
        (r["links"].as_u64(), r["frames"].as_u64()),
        (Some(1), Some(2))
    );
    let mut fps = Vec::new();
    for _ in 0..2 {
        let raw = recv_raw(&mut two).await;
        assert_eq!(raw.len(), 65_536, "a frame of exactly the limit");
        let p: Value = serde_json::from_str(&raw).expect("json");
        assert_eq!(
            (p["type"].as_i64(), p["QoS"].as_bool()),
            (Some(2), Some(true))
        );
        assert_eq!(
            (p["from"].as_str(), p["to"].as_str()),
            (Some("9"), Some("2"))
        );
        fps.push(p["fp"].as_str().expect("fp").to_string());
    }
    assert_ne!(fps[0], fps[1]);

    server
        .api("/api/fault/flood?proto=mobileimsdk&uid=2&kind=same_fp&count=3")
        .await;
    let same: Vec<Value> = [
        recv(&mut two).await,
        recv(&mut two).await,
        recv(&mut two).await,
    ]
    .into();
    assert!(same
        .iter()
        .all(|p| p["fp"] == same[0]["fp"] && p["QoS"] == true));

    server
        .api("/api/fault/flood?proto=mobileimsdk&uid=2&kind=distinct_fp&count=3")
        .await;
    let mut distinct = Vec::new();
    for _ in 0..3 {
        distinct.push(recv(&mut two).await["fp"].as_str().expect("fp").to_string());
    }
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "{distinct:?}");
    assert!(
        !distinct.contains(&fps[0])
            && !distinct.contains(&same[0]["fp"].as_str().unwrap().to_string())
    );
    silent_for(&mut two, 200).await;

    let r = server
        .api("/api/fault/flood?proto=mobileimsdk&uid=3&kind=same_fp&count=3")
        .await;
    assert_eq!(r["frames"].as_u64(), Some(0), "an offline uid gets nothing");
}
