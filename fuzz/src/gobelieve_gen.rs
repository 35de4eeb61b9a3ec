//! Valid GoBelieve packets built from fuzz bytes, covering every body
//! variant with contents from empty to past the 32 KiB limit.

use crate::input::Input;
use imsdk::core::gobelieve::codec::{Body, Customer, Im, Packet, Relay};
use imsdk::core::gobelieve::command::MAX_BODY_LEN;

/// Texts are drawn around this length so some bodies land on either side of the limit.
const NEAR_LIMIT: usize = MAX_BODY_LEN - 40;

fn im(inp: &mut Input) -> Im {
    Im {
        sender: inp.edgy_i64(),
        receiver: inp.edgy_i64(),
        timestamp: inp.i32(),
        msgid: inp.i32(),
        content: inp.text(NEAR_LIMIT),
    }
}

fn relay(inp: &mut Input) -> Relay {
    Relay {
        sender: inp.edgy_i64(),
        receiver: inp.edgy_i64(),
        content: inp.text(NEAR_LIMIT),
    }
}

/// Any body, chosen by the next byte.
pub fn body(inp: &mut Input) -> Body {
    let key = |inp: &mut Input| inp.edgy_i64();
    match inp.u8() % 27 {
        0 => Body::AuthStatus { status: inp.i32() },
        1 => Body::Im(im(inp)),
        2 => Body::Ack {
            seq: inp.i32(),
            status: inp.bool().then(|| inp.u8()),
        },
        3 => Body::GroupNotification(inp.text(NEAR_LIMIT)),
        4 => Body::GroupIm(im(inp)),
        5 => Body::Ping,
        6 => Body::Pong,
        7 => Body::AuthToken {
            platform_id: inp.u8(),
            token: inp.text(255).into(),
            device_id: inp.text(255),
        },
        8 => Body::Rt(relay(inp)),
        9 => Body::EnterRoom { room_id: key(inp) },
        10 => Body::LeaveRoom { room_id: key(inp) },
        11 => Body::RoomIm(relay(inp)),
        12 => Body::System(inp.text(NEAR_LIMIT)),
        13 => Body::UnreadCount { count: inp.i32() },
        14 => Body::Sync { sync_key: key(inp) },
        15 => Body::SyncBegin { sync_key: key(inp) },
        16 => Body::SyncEnd { sync_key: key(inp) },
        17 => Body::SyncNotify { sync_key: key(inp) },
        18 => Body::SyncGroup {
            group_id: key(inp),
            sync_key: key(inp),
        },
        19 => Body::SyncGroupBegin {
            group_id: key(inp),
            sync_key: key(inp),
        },
        20 => Body::SyncGroupEnd {
            group_id: key(inp),
            sync_key: key(inp),
        },
        21 => Body::SyncGroupNotify {
            group_id: key(inp),
            sync_key: key(inp),
        },
        22 => Body::SyncKey { sync_key: key(inp) },
        23 => Body::GroupSyncKey {
            group_id: key(inp),
            sync_key: key(inp),
        },
        24 => Body::Notification(inp.text(NEAR_LIMIT)),
        25 => Body::Metadata {
            sync_key: key(inp),
            prev_sync_key: key(inp),
        },
        _ => Body::Customer(Customer {
            sender_app_id: key(inp),
            sender: key(inp),
            receiver_app_id: key(inp),
            receiver: key(inp),
            timestamp: inp.i32(),
            content: inp.text(NEAR_LIMIT),
        }),
    }
}

/// Any packet: header fields then a body.
pub fn packet(inp: &mut Input) -> Packet {
    Packet {
        seq: inp.i32(),
        version: inp.pick(&[0, 1, 2, 3, 255]),
        flag: inp.u8(),
        body: body(inp),
    }
}

/// What decoding `p.encode()` must give back: version-0 IM bodies carry no
/// timestamp, so it reads as 0.
pub fn as_decoded(p: &Packet) -> Packet {
    let mut p = p.clone();
    if p.version == 0 {
        if let Body::Im(m) | Body::GroupIm(m) = &mut p.body {
            m.timestamp = 0;
        }
    }
    p
}
