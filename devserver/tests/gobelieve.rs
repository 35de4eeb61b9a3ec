//! GoBelieve `/ws` against the spec's server rules (gobelieve.md §5, §6).

mod common;

use common::*;
use imsdk::core::gobelieve::codec::{self, Body, Im, Packet};
use imsdk::core::gobelieve::command::*;
use tokio_tungstenite::tungstenite::Message;

/// A GoBelieve client connection with its own seq counter.
struct Client {
    ws: Ws,
    seq: i32,
    version: u8,
}

impl Client {
    async fn connect(server: &Server, version: u8) -> Client {
        Client {
            ws: server.ws("/ws").await,
            seq: 0,
            version,
        }
    }

    /// Connects and authenticates; returns the client after AUTH_STATUS 0.
    async fn login(server: &Server, uid: i64, version: u8) -> Client {
        let token = server.token(uid).await;
        let mut c = Client::connect(server, version).await;
        assert_eq!(c.auth(&token).await, 0);
        c
    }

    async fn send(&mut self, flag: u8, body: Body) -> i32 {
        self.seq += 1;
        let p = Packet {
            seq: self.seq,
            version: self.version,
            flag,
            body,
        };
        send_binary(&mut self.ws, p.encode().expect("encode")).await;
        self.seq
    }

    async fn recv(&mut self) -> Packet {
        match next_frame(&mut self.ws).await {
            Some(Message::Binary(b)) => codec::decode(&b).expect("decode"),
            other => panic!("expected a binary packet, got {other:?}"),
        }
    }

    async fn auth(&mut self, token: &str) -> i32 {
        let body = Body::AuthToken {
            platform_id: PLATFORM_WEB,
            token: token.into(),
            device_id: "d".into(),
        };
        self.send(0, body).await;
        match self.recv().await.body {
            Body::AuthStatus { status } => status,
            other => panic!("expected AUTH_STATUS, got {other:?}"),
        }
    }

    async fn send_im(&mut self, sender: i64, receiver: i64, content: &str) -> i32 {
        let im = Im {
            sender,
            receiver,
            timestamp: 0,
            msgid: 77,
            content: content.into(),
        };
        self.send(0, Body::Im(im)).await
    }

    /// Sends PING and expects the very next packet to be PONG: proves that
    /// nothing else was queued before it.
    async fn expect_nothing_pending(&mut self) {
        self.send(0, Body::Ping).await;
        assert_eq!(self.recv().await.body, Body::Pong);
    }
}

fn im_of(p: &Packet) -> &Im {
    match &p.body {
        Body::Im(m) | Body::GroupIm(m) => m,
        other => panic!("expected a message, got {other:?}"),
    }
}

fn metadata(p: &Packet) -> (i64, i64) {
    match p.body {
        Body::Metadata {
            sync_key,
            prev_sync_key,
        } => (sync_key, prev_sync_key),
        ref other => panic!("expected METADATA, got {other:?}"),
    }
}

#[tokio::test]
async fn auth_ok_fail_and_pre_auth_rules() {
    let server = Server::start(&["--token", "fixed=9"]);
    let mut c = Client::connect(&server, 2).await;
    // Before auth only PING is answered; a message is ignored.
    c.send_im(9, 1, "early").await;
    c.expect_nothing_pending().await;
    assert_eq!(c.auth("nope").await, 1);
    // The connection stays open after a failed auth.
    c.expect_nothing_pending().await;
    assert_eq!(c.auth("fixed").await, 0);
    let stats = server.api("/api/stats").await;
    assert_eq!(stats["gobelieve"]["by_uid"]["9"], 1);
    // A repeat AUTH is ignored.
    c.send(
        0,
        Body::AuthToken {
            platform_id: 3,
            token: "fixed".into(),
            device_id: String::new(),
        },
    )
    .await;
    c.expect_nothing_pending().await;
}

#[tokio::test]
async fn peer_message_metadata_push_ack_order() {
    let server = Server::start(&[]);
    let mut alice = Client::login(&server, 1, 2).await;
    let mut bob = Client::login(&server, 2, 1).await;
    let n = alice.send_im(1, 2, "hello").await;

    let meta = bob.recv().await;
    let push = bob.recv().await;
    let notify = bob.recv().await;
    let (key, prev) = metadata(&meta);
    assert_eq!(prev, 0, "first message into an empty queue");
    assert_eq!(
        push.seq,
        meta.seq + 1,
        "METADATA immediately precedes the push"
    );
    assert_eq!(push.flag & MESSAGE_FLAG_PUSH, MESSAGE_FLAG_PUSH);
    let m = im_of(&push);
    assert_eq!(
        (m.sender, m.receiver, m.msgid, m.content.as_str()),
        (1, 2, 77, "hello")
    );
    assert!(
        m.timestamp > 1_600_000_000,
        "timestamp overwritten with server seconds"
    );
    assert_eq!(notify.body, Body::SyncNotify { sync_key: key });

    let meta = alice.recv().await;
    let ack = alice.recv().await;
    let (key2, _) = metadata(&meta);
    assert!(
        key2 > 0 && key2 != key,
        "sender's own queue has its own key"
    );
    assert_eq!(ack.seq, meta.seq + 1);
    assert_eq!(
        ack.body,
        Body::Ack {
            seq: n,
            status: Some(0)
        },
        "version 2: ACK with status"
    );

    // Bob (version 1) sends back: his ACK has no status byte; keys continue.
    let n = bob.send_im(2, 1, "hi").await;
    let (k, p) = metadata(&alice.recv().await);
    assert_eq!(p, key2, "prev is the previous key of alice's queue");
    assert!(k > p);
    let _push = alice.recv().await;
    let _notify = alice.recv().await;
    let _meta = bob.recv().await;
    assert_eq!(
        bob.recv().await.body,
        Body::Ack {
            seq: n,
            status: None
        }
    );

    // A sender that is not the authenticated uid is dropped silently.
    alice.send_im(5, 2, "forged").await;
    alice.expect_nothing_pending().await;
    bob.expect_nothing_pending().await;
}

#[tokio::test]
async fn sync_after_offline_in_batches() {
    let server = Server::start(&["--gobelieve-sync-batch", "2"]);
    let mut alice = Client::login(&server, 1, 2).await;
    for text in ["a", "b", "c"] {
        alice.send_im(1, 3, text).await;
        alice.recv().await; // METADATA
        alice.recv().await; // ACK
    }
    let mut carol = Client::login(&server, 3, 2).await;
    carol.send(0, Body::Sync { sync_key: 0 }).await;
    assert!(matches!(carol.recv().await.body, Body::SyncBegin { .. }));
    let first = carol.recv().await;
    let second = carol.recv().await;
    assert_eq!(
        (
            im_of(&first).content.as_str(),
            im_of(&second).content.as_str()
        ),
        ("a", "b")
    );
    assert_eq!(first.flag, 0, "synced messages carry no PUSH flag");
    let Body::SyncEnd { sync_key: end } = carol.recv().await.body else {
        panic!("SYNC_END")
    };
    assert_eq!(
        carol.recv().await.body,
        Body::SyncNotify { sync_key: end + 1 },
        "more remain"
    );
    carol.send(0, Body::SyncKey { sync_key: end }).await;
    carol.send(0, Body::Sync { sync_key: 0 }).await; // 0 = the stored key
    assert!(matches!(carol.recv().await.body, Body::SyncBegin { .. }));
    assert_eq!(im_of(&carol.recv().await).content, "c");
    let Body::SyncEnd { sync_key: last } = carol.recv().await.body else {
        panic!("SYNC_END")
    };
    carol.expect_nothing_pending().await;
    carol.send(0, Body::SyncKey { sync_key: last }).await;
    carol.send(0, Body::SyncKey { sync_key: 1 }).await; // a smaller key is not stored
    carol.send(0, Body::Sync { sync_key: 0 }).await;
    assert!(matches!(carol.recv().await.body, Body::SyncBegin { .. }));
    assert_eq!(carol.recv().await.body, Body::SyncEnd { sync_key: last });

    // The sender's own queue holds its messages with SELF.
    alice.send(0, Body::Sync { sync_key: 0 }).await;
    assert!(matches!(alice.recv().await.body, Body::SyncBegin { .. }));
    let own = alice.recv().await;
    assert_eq!(own.flag, MESSAGE_FLAG_SELF);
}

#[tokio::test]
async fn group_statuses_and_super_group_push() {
    let server = Server::start(&[]);
    server.api("/api/group?gid=10&members=1,2&super=1").await;
    server.api("/api/group?gid=11&members=1,3&muted=3").await;
    let mut u1 = Client::login(&server, 1, 2).await;
    let mut u2 = Client::login(&server, 2, 2).await;
    let mut u3 = Client::login(&server, 3, 2).await;
    let group_im = |sender, gid| {
        Body::GroupIm(Im {
            sender,
            receiver: gid,
            timestamp: 0,
            msgid: 1,
            content: "g".into(),
        })
    };

    let n = u1.send(0, group_im(1, 99)).await;
    assert_eq!(
        u1.recv().await.body,
        Body::Ack {
            seq: n,
            status: Some(ACK_GROUP_NONEXIST)
        }
    );
    let n = u2.send(0, group_im(2, 11)).await;
    assert_eq!(
        u2.recv().await.body,
        Body::Ack {
            seq: n,
            status: Some(ACK_NOT_GROUP_MEMBER)
        }
    );
    u3.send(0, group_im(3, 11)).await;
    u3.expect_nothing_pending().await; // muted: no ACK at all

    let n = u1.send(0, group_im(1, 10)).await;
    let meta = u2.recv().await;
    let push = u2.recv().await;
    let (key, prev) = metadata(&meta);
    assert_eq!(
        (push.seq, push.flag),
        (meta.seq + 1, MESSAGE_FLAG_PUSH | MESSAGE_FLAG_SUPER_GROUP)
    );
    assert_eq!(
        u2.recv().await.body,
        Body::SyncGroupNotify {
            group_id: 10,
            sync_key: key
        }
    );
    assert_eq!(metadata(&u1.recv().await), (key, prev));
    let ack = u1.recv().await;
    assert_eq!(
        (ack.flag, ack.body),
        (
            MESSAGE_FLAG_SUPER_GROUP,
            Body::Ack {
                seq: n,
                status: Some(0)
            }
        )
    );

    // Group sync: members get the queue, others get no reply.
    u2.send(
        0,
        Body::SyncGroup {
            group_id: 10,
            sync_key: 0,
        },
    )
    .await;
    assert!(matches!(
        u2.recv().await.body,
        Body::SyncGroupBegin { group_id: 10, .. }
    ));
    assert_eq!(im_of(&u2.recv().await).receiver, 10);
    assert_eq!(
        u2.recv().await.body,
        Body::SyncGroupEnd {
            group_id: 10,
            sync_key: key
        }
    );
    u3.send(
        0,
        Body::SyncGroup {
            group_id: 10,
            sync_key: 0,
        },
    )
    .await;
    u3.expect_nothing_pending().await;

    // Ordinary group: fanned out into members' peer queues.
    server.api("/api/group?gid=12&members=1,3").await;
    u1.send(0, group_im(1, 12)).await;
    let (_, _) = metadata(&u3.recv().await);
    let push = u3.recv().await;
    assert_eq!((push.flag, im_of(&push).receiver), (MESSAGE_FLAG_PUSH, 12));
    assert!(matches!(u3.recv().await.body, Body::SyncNotify { .. }));
}

#[tokio::test]
async fn rooms_and_rt_relay() {
    let server = Server::start(&[]);
    let mut u1 = Client::login(&server, 1, 2).await;
    let mut u2 = Client::login(&server, 2, 2).await;
    let relay = |sender, receiver| imsdk::core::gobelieve::codec::Relay {
        sender,
        receiver,
        content: "r".into(),
    };
    u1.send(0, Body::Rt(relay(1, 2))).await;
    assert_eq!(u2.recv().await.body, Body::Rt(relay(1, 2)));
    u1.expect_nothing_pending().await; // RT is never ACKed

    u1.send(0, Body::EnterRoom { room_id: 5 }).await;
    u2.send(0, Body::EnterRoom { room_id: 5 }).await;
    u1.send(0, Body::RoomIm(relay(1, 6))).await; // not the entered room: dropped
    u1.expect_nothing_pending().await;
    let n = u1.send(0, Body::RoomIm(relay(1, 5))).await;
    assert_eq!(u2.recv().await.body, Body::RoomIm(relay(1, 5)));
    assert_eq!(
        u1.recv().await.body,
        Body::Ack {
            seq: n,
            status: Some(0)
        }
    );
    u2.send(0, Body::LeaveRoom { room_id: 5 }).await;
    u2.expect_nothing_pending().await;
    u1.send(0, Body::RoomIm(relay(1, 5))).await;
    u1.recv().await; // ACK
    u2.expect_nothing_pending().await;
}

#[tokio::test]
async fn closes_on_text_unknown_command_and_bad_length() {
    let server = Server::start(&[]);
    let mut c = Client::login(&server, 1, 2).await;
    send_text(&mut c.ws, "hello").await;
    closed(&mut c.ws).await;

    let mut c = Client::login(&server, 1, 2).await;
    let mut frame = Packet::new(9, 2, Body::Ping).encode().unwrap();
    frame[8] = 99; // unknown command
    send_binary(&mut c.ws, frame).await;
    closed(&mut c.ws).await;

    let mut c = Client::connect(&server, 2).await;
    let mut frame = Packet::new(1, 2, Body::Ping).encode().unwrap();
    frame[0..4].copy_from_slice(&32768i32.to_be_bytes()); // body length over the limit
    send_binary(&mut c.ws, frame).await;
    closed(&mut c.ws).await;

    let stats = server.api("/api/stats").await;
    assert_eq!(stats["gobelieve"]["connections"], 0);
}

#[tokio::test]
async fn inject_and_fault_controls() {
    let server = Server::start(&[]);
    let mut c = Client::login(&server, 4, 2).await;
    server
        .api("/api/gobelieve/inject?uid=4&kind=system&text=hello%20world")
        .await;
    assert_eq!(c.recv().await.body, Body::System("hello world".into()));
    server
        .api("/api/gobelieve/inject?uid=4&kind=raw&hex=00000000000000070e020000")
        .await;
    assert_eq!(c.recv().await.seq, 7, "raw bytes are sent verbatim");

    server
        .api("/api/fault/pings?proto=gobelieve&answer=0")
        .await;
    c.send(0, Body::Ping).await;
    silent_for(&mut c.ws, 200).await;
    server
        .api("/api/fault/pings?proto=gobelieve&answer=1")
        .await;
    c.expect_nothing_pending().await;

    server
        .api("/api/fault/withhold_acks?proto=gobelieve&on=1")
        .await;
    c.send_im(4, 4, "self").await;
    c.expect_nothing_pending().await;

    server.api("/api/fault/drop?proto=gobelieve&uid=4").await;
    assert!(
        closed(&mut c.ws).await.is_none(),
        "dropped without a close frame"
    );
}

/// The next packet's body, skipping none.
async fn body_of(c: &mut Client) -> Body {
    c.recv().await.body
}

#[tokio::test]
async fn stall_holds_both_directions_without_closing() {
    let server = Server::start(&[]);
    let mut c = Client::login(&server, 4, 2).await;
    let stalled = server
        .api("/api/fault/stall?proto=gobelieve&uid=4&ms=600")
        .await;
    assert_eq!(stalled["links"], 1);
    server
        .api("/api/gobelieve/inject?uid=4&kind=system&text=held")
        .await;
    c.send(0, Body::Ping).await;
    silent_for(&mut c.ws, 300).await;
    assert_eq!(
        server.api("/api/stats").await["gobelieve"]["connections"],
        1,
        "the stalled link stays open"
    );
    // After the stall, what was held flows in order: the push, then the PING's PONG.
    assert_eq!(body_of(&mut c).await, Body::System("held".into()));
    assert_eq!(body_of(&mut c).await, Body::Pong);
    c.expect_nothing_pending().await;
}

#[tokio::test]
async fn delay_holds_every_frame_in_order_until_cleared() {
    let server = Server::start(&[]);
    let mut c = Client::login(&server, 4, 2).await;
    server
        .api("/api/fault/delay?proto=gobelieve&uid=4&ms=400")
        .await;
    for text in ["one", "two"] {
        server
            .api(&format!(
                "/api/gobelieve/inject?uid=4&kind=system&text={text}"
            ))
            .await;
    }
    silent_for(&mut c.ws, 200).await;
    assert_eq!(body_of(&mut c).await, Body::System("one".into()));
    assert_eq!(body_of(&mut c).await, Body::System("two".into()));
    // The client's frames are held too: a PING sent now is answered late.
    c.send(0, Body::Ping).await;
    silent_for(&mut c.ws, 200).await;
    assert_eq!(body_of(&mut c).await, Body::Pong);
    server
        .api("/api/fault/delay?proto=gobelieve&uid=4&ms=0")
        .await;
    c.expect_nothing_pending().await;
    // Other users' links were not touched.
    let mut other = Client::login(&server, 5, 2).await;
    other.expect_nothing_pending().await;
}

#[tokio::test]
async fn duplicate_fault_repeats_one_push_and_one_sync_page() {
    let server = Server::start(&[]);
    let mut a = Client::login(&server, 1, 2).await;
    let mut b = Client::login(&server, 2, 2).await;
    server
        .api("/api/fault/duplicate?proto=gobelieve&uid=2")
        .await;
    a.send_im(1, 2, "twice").await;
    let first = metadata(&b.recv().await);
    let p1 = b.recv().await;
    let second = metadata(&b.recv().await);
    let p2 = b.recv().await;
    assert_eq!(first, second, "the same stored message");
    assert_eq!(
        (im_of(&p1).content.as_str(), im_of(&p2).content.as_str()),
        ("twice", "twice")
    );
    assert_ne!(p1.seq, p2.seq, "each copy has its own seq");
    assert!(matches!(b.recv().await.body, Body::SyncNotify { .. }));
    // Disarmed: the next push comes once.
    a.send_im(1, 2, "once").await;
    metadata(&b.recv().await);
    assert_eq!(im_of(&b.recv().await).content, "once");
    assert!(matches!(b.recv().await.body, Body::SyncNotify { .. }));
    b.expect_nothing_pending().await;

    // A sync page with messages goes twice.
    server
        .api("/api/fault/duplicate?proto=gobelieve&uid=2")
        .await;
    b.send(0, Body::Sync { sync_key: 0 }).await;
    for _ in 0..2 {
        assert!(matches!(b.recv().await.body, Body::SyncBegin { .. }));
        assert_eq!(im_of(&b.recv().await).content, "twice");
        assert_eq!(im_of(&b.recv().await).content, "once");
        assert!(matches!(b.recv().await.body, Body::SyncEnd { .. }));
    }
    b.expect_nothing_pending().await;
}

/// The largest MSG_IM body a peer may send: one byte under the limit.
const MAX_IM_CONTENT: usize = MAX_BODY_LEN - 1 - 24;

#[tokio::test]
async fn flood_fault_sends_max_size_messages_and_endless_sync_pages() {
    let server = Server::start(&[]);
    let mut b = Client::login(&server, 2, 2).await;
    let r = server
        .api("/api/fault/flood?proto=gobelieve&uid=2&from=9&kind=max_frames&count=3")
        .await;
    assert_eq!(
        (r["links"].as_u64(), r["frames"].as_u64()),
        (Some(1), Some(3))
    );
    let mut seqs = Vec::new();
    for _ in 0..3 {
        let p = b.recv().await;
        let m = im_of(&p);
        assert_eq!((m.sender, m.receiver), (9, 2));
        assert_eq!(
            m.content.len(),
            MAX_IM_CONTENT,
            "a body of the maximum size"
        );
        seqs.push(p.seq);
    }
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "new packets: {seqs:?}"
    );
    b.expect_nothing_pending().await;

    // A sync that never ends: BEGIN, messages, no END.
    server
        .api("/api/fault/flood?proto=gobelieve&uid=2&kind=sync_open&count=2")
        .await;
    assert!(matches!(b.recv().await.body, Body::SyncBegin { .. }));
    for _ in 0..2 {
        assert_eq!(im_of(&b.recv().await).content.len(), MAX_IM_CONTENT);
    }
    b.expect_nothing_pending().await;

    // Pages that always say there is more, with keys that keep growing.
    let r = server
        .api("/api/fault/flood?proto=gobelieve&uid=2&kind=sync_more&count=2&page=3")
        .await;
    assert_eq!(r["frames"].as_u64(), Some(2 * (3 + 3)));
    let mut last_end = 0;
    for _ in 0..2 {
        let Body::SyncBegin { sync_key: begin } = b.recv().await.body else {
            panic!("expected SYNC_BEGIN")
        };
        assert!(begin >= last_end);
        for _ in 0..3 {
            assert_eq!(im_of(&b.recv().await).content.len(), MAX_IM_CONTENT);
        }
        let Body::SyncEnd { sync_key: end } = b.recv().await.body else {
            panic!("expected SYNC_END")
        };
        assert_eq!(end, begin + 3);
        assert_eq!(b.recv().await.body, Body::SyncNotify { sync_key: end + 1 });
        last_end = end;
    }
    b.expect_nothing_pending().await;

    let (status, _, body) = server
        .http(
            "POST",
            "/api/fault/flood?proto=gobelieve&uid=2&kind=nope&count=1",
        )
        .await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
}
