use super::*;
use crate::core::rng::Rng;

fn frame(seq: i32, cmd: u8, version: u8, flag: u8, body: &[u8]) -> Vec<u8> {
    let mut f = (body.len() as i32).to_be_bytes().to_vec();
    f.extend_from_slice(&seq.to_be_bytes());
    f.extend_from_slice(&[cmd, version, flag, 0]);
    f.extend_from_slice(body);
    f
}

fn im(content: &str) -> Im {
    Im {
        sender: 1,
        receiver: 2,
        timestamp: 3,
        msgid: 4,
        content: content.into(),
    }
}

/// One body of every command the codec knows.
fn every_body() -> Vec<Body> {
    let relay = Relay {
        sender: -5,
        receiver: i64::MAX,
        content: "héllo".into(),
    };
    vec![
        Body::AuthStatus { status: 1 },
        Body::Im(im("hi")),
        Body::Ack {
            seq: 9,
            status: None,
        },
        Body::Ack {
            seq: 9,
            status: Some(64),
        },
        Body::GroupNotification("{\"create\":{}}".into()),
        Body::GroupIm(im("")),
        Body::Ping,
        Body::Pong,
        Body::AuthToken {
            platform_id: PLATFORM_WEB,
            token: "tok".into(),
            device_id: "dev".into(),
        },
        Body::Rt(relay.clone()),
        Body::EnterRoom { room_id: 7 },
        Body::LeaveRoom { room_id: 7 },
        Body::RoomIm(relay),
        Body::System("sys".into()),
        Body::UnreadCount { count: -1 },
        Body::Sync { sync_key: 1 },
        Body::SyncBegin { sync_key: 2 },
        Body::SyncEnd { sync_key: 3 },
        Body::SyncNotify { sync_key: i64::MIN },
        Body::SyncGroup {
            group_id: 1,
            sync_key: 2,
        },
        Body::SyncGroupBegin {
            group_id: 3,
            sync_key: 4,
        },
        Body::SyncGroupEnd {
            group_id: 5,
            sync_key: 6,
        },
        Body::SyncGroupNotify {
            group_id: 7,
            sync_key: 8,
        },
        Body::SyncKey { sync_key: 1 << 60 },
        Body::GroupSyncKey {
            group_id: 9,
            sync_key: 10,
        },
        Body::Notification("n".into()),
        Body::Metadata {
            sync_key: 11,
            prev_sync_key: 10,
        },
        Body::Customer(Customer {
            sender_app_id: 1,
            sender: 2,
            receiver_app_id: 3,
            receiver: 4,
            timestamp: 5,
            content: "c".into(),
        }),
    ]
}

#[test]
fn header_layout_is_big_endian_with_body_length_only() {
    let p = Packet {
        seq: 0x0102_0304,
        version: 2,
        flag: MESSAGE_FLAG_PUSH,
        body: Body::Sync { sync_key: 0x1122 },
    };
    assert_eq!(
        p.encode().unwrap(),
        [0, 0, 0, 8, 1, 2, 3, 4, 26, 2, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x22]
    );
}

#[test]
fn peer_message_layout_v1_and_v0() {
    let body = Body::Im(Im {
        sender: 1,
        receiver: 0x0100,
        timestamp: 0x0A0B0C0D,
        msgid: 7,
        content: "ab".into(),
    });
    let v1 = Packet::new(1, 1, body.clone()).encode().unwrap();
    #[rustfmt::skip]
    let expected = frame(1, 4, 1, 0, &[
        0, 0, 0, 0, 0, 0, 0, 1,
        0, 0, 0, 0, 0, 0, 1, 0,
        0x0A, 0x0B, 0x0C, 0x0D,
        0, 0, 0, 7,
        b'a', b'b',
    ]);
    assert_eq!(v1, expected);
    assert_eq!(decode(&v1).unwrap().body, body);

    // Version 0: 20-byte prefix, no timestamp.
    #[rustfmt::skip]
    let v0 = frame(3, 4, 0, 0, &[
        0, 0, 0, 0, 0, 0, 0, 1,
        0, 0, 0, 0, 0, 0, 0, 2,
        0, 0, 0, 9,
        b'x',
    ]);
    let p = decode(&v0).unwrap();
    assert_eq!(
        p.body,
        Body::Im(Im {
            sender: 1,
            receiver: 2,
            timestamp: 0,
            msgid: 9,
            content: "x".into()
        })
    );
    assert_eq!(p.encode().unwrap(), v0);
}

#[test]
fn ack_status_byte_only_when_present() {
    let v1 = frame(5, 5, 1, 0, &[0, 0, 0, 42]);
    assert_eq!(
        decode(&v1).unwrap().body,
        Body::Ack {
            seq: 42,
            status: None
        }
    );
    let v2 = frame(5, 5, 2, MESSAGE_FLAG_SUPER_GROUP, &[0, 0, 0, 42, 65]);
    let p = decode(&v2).unwrap();
    assert_eq!(
        p.body,
        Body::Ack {
            seq: 42,
            status: Some(ACK_GROUP_NONEXIST)
        }
    );
    assert_eq!(p.flag, MESSAGE_FLAG_SUPER_GROUP);
    assert_eq!(p.encode().unwrap(), v2);
}

#[test]
fn auth_token_layout_and_limits() {
    let p = Packet::new(
        1,
        2,
        Body::AuthToken {
            platform_id: 3,
            token: "tk".into(),
            device_id: "d".into(),
        },
    );
    let bytes = p.encode().unwrap();
    assert_eq!(bytes, frame(1, 15, 2, 0, &[3, 2, b't', b'k', 1, b'd']));
    assert_eq!(decode(&bytes).unwrap(), p);

    let long = Packet::new(
        1,
        2,
        Body::AuthToken {
            platform_id: 3,
            token: "x".repeat(256).into(),
            device_id: String::new(),
        },
    );
    assert_eq!(long.encode(), Err(EncodeError::TokenTooLong));
    let long_dev = Packet::new(
        1,
        2,
        Body::AuthToken {
            platform_id: 3,
            token: "x".repeat(255).into(),
            device_id: "é".repeat(128),
        },
    );
    assert_eq!(long_dev.encode(), Err(EncodeError::DeviceIdTooLong));

    // A token length that overruns the body, and the server's "> 3 bytes" rule.
    assert!(matches!(
        decode(&frame(1, 15, 2, 0, &[3, 9, b'a', 0])),
        Err(DecodeError::BodyTooShort { cmd: 15, .. })
    ));
    assert!(decode(&frame(1, 15, 2, 0, &[3, 0, 0])).is_err());
}

/// Found by fuzzing (gobelieve_frame): an empty token with an empty device
/// id encoded to a 3-byte body that the decoder and the server refuse.
#[test]
fn encode_refuses_the_auth_body_the_server_refuses() {
    let auth = |token: &str, device_id: &str| {
        Packet::new(
            1,
            2,
            Body::AuthToken {
                platform_id: 3,
                token: token.into(),
                device_id: device_id.into(),
            },
        )
    };
    assert_eq!(auth("", "").encode(), Err(EncodeError::EmptyAuth));
    for (token, device_id) in [("", "d"), ("t", "")] {
        let p = auth(token, device_id);
        assert_eq!(decode(&p.encode().unwrap()), Ok(p));
    }
}

#[test]
fn metadata_has_sixteen_bytes_of_padding() {
    let p = Packet::new(
        4,
        2,
        Body::Metadata {
            sync_key: 0x10,
            prev_sync_key: 0x0F,
        },
    );
    let mut body = vec![0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x0F];
    body.extend_from_slice(&[0; 16]);
    assert_eq!(p.encode().unwrap(), frame(4, 37, 2, 0, &body));
    assert!(matches!(
        decode(&frame(4, 37, 2, 0, &body[..31])),
        Err(DecodeError::BodyTooShort { cmd: 37, len: 31 })
    ));
}

#[test]
fn customer_and_relay_layouts() {
    #[rustfmt::skip]
    let body = [
        0, 0, 0, 0, 0, 0, 0, 1,
        0, 0, 0, 0, 0, 0, 0, 2,
        0, 0, 0, 0, 0, 0, 0, 3,
        0, 0, 0, 0, 0, 0, 0, 4,
        0, 0, 0, 5,
        b'z',
    ];
    let p = decode(&frame(2, 64, 2, 0, &body)).unwrap();
    assert_eq!(
        p.body,
        Body::Customer(Customer {
            sender_app_id: 1,
            sender: 2,
            receiver_app_id: 3,
            receiver: 4,
            timestamp: 5,
            content: "z".into()
        })
    );
    let rt = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2];
    assert_eq!(
        decode(&frame(2, 17, 2, 0, &rt)).unwrap().body,
        Body::Rt(Relay {
            sender: 1,
            receiver: 2,
            content: String::new()
        })
    );
    assert_eq!(
        decode(&frame(2, 20, 2, 0, &rt)).unwrap().body,
        Body::RoomIm(Relay {
            sender: 1,
            receiver: 2,
            content: String::new()
        })
    );
}

#[test]
fn every_command_round_trips() {
    for body in every_body() {
        for version in [1u8, 2] {
            let p = Packet {
                seq: -7,
                version,
                flag: MESSAGE_FLAG_SELF,
                body: body.clone(),
            };
            let bytes = p.encode().unwrap();
            assert_eq!(bytes[8], body.cmd());
            assert_eq!(decode(&bytes).as_ref(), Ok(&p), "{body:?}");
        }
    }
}

#[test]
fn every_truncation_is_an_error() {
    for body in every_body() {
        let bytes = Packet::new(1, 2, body.clone()).encode().unwrap();
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "{body:?} cut at {cut}");
        }
    }
}

#[test]
fn short_bodies_under_a_correct_length_are_errors() {
    let minimums = [
        (MSG_AUTH_STATUS, 4),
        (MSG_IM, 24),
        (MSG_ACK, 4),
        (MSG_GROUP_IM, 24),
        (MSG_RT, 16),
        (MSG_ENTER_ROOM, 8),
        (MSG_LEAVE_ROOM, 8),
        (MSG_ROOM_IM, 16),
        (MSG_UNREAD_COUNT, 4),
        (MSG_SYNC, 8),
        (MSG_SYNC_END, 8),
        (MSG_SYNC_NOTIFY, 8),
        (MSG_SYNC_GROUP, 16),
        (MSG_SYNC_GROUP_END, 16),
        (MSG_SYNC_GROUP_NOTIFY, 16),
        (MSG_SYNC_KEY, 8),
        (MSG_GROUP_SYNC_KEY, 16),
        (MSG_METADATA, 32),
        (MSG_CUSTOMER, 36),
    ];
    for (cmd, min) in minimums {
        let body = vec![0u8; min];
        assert!(decode(&frame(1, cmd, 2, 0, &body)).is_ok(), "cmd {cmd}");
        assert_eq!(
            decode(&frame(1, cmd, 2, 0, &body[..min - 1])),
            Err(DecodeError::BodyTooShort { cmd, len: min - 1 })
        );
    }
    assert_eq!(
        decode(&frame(1, MSG_PONG, 2, 0, &[0])),
        Err(DecodeError::BodyNotEmpty { cmd: MSG_PONG })
    );
}

#[test]
fn length_limits_are_checked_before_allocating() {
    let mut huge = frame(1, 4, 2, 0, &[]);
    huge[0..4].copy_from_slice(&32_768i32.to_be_bytes());
    assert_eq!(decode(&huge), Err(DecodeError::BadLength(32_768)));
    huge[0..4].copy_from_slice(&(-1i32).to_be_bytes());
    assert_eq!(decode(&huge), Err(DecodeError::BadLength(-1)));
    huge[0..4].copy_from_slice(&10i32.to_be_bytes());
    assert_eq!(
        decode(&huge),
        Err(DecodeError::Truncated {
            expected: 22,
            got: 12
        })
    );
    assert_eq!(decode(&[0; 11]), Err(DecodeError::ShortHeader { len: 11 }));

    let too_long = Packet::new(1, 2, Body::Im(im(&"a".repeat(32_768 - 24))));
    assert_eq!(
        too_long.encode(),
        Err(EncodeError::BodyTooLong { len: 32_768 })
    );
    let just_fits = Packet::new(1, 2, Body::Im(im(&"a".repeat(32_767 - 24))));
    assert!(decode(&just_fits.encode().unwrap()).is_ok());
}

#[test]
fn trailing_bytes_are_ignored() {
    let mut bytes = Packet::new(1, 2, Body::SyncKey { sync_key: 5 })
        .encode()
        .unwrap();
    bytes.extend_from_slice(&[0xFF; 9]);
    assert_eq!(decode(&bytes).unwrap().body, Body::SyncKey { sync_key: 5 });
    // The text body stops at `length` too.
    let mut sys = frame(1, MSG_SYSTEM, 2, 0, b"ok");
    sys.extend_from_slice(b"junk");
    assert_eq!(decode(&sys).unwrap().body, Body::System("ok".into()));
}

#[test]
fn invalid_utf8_is_replaced_not_rejected() {
    let mut body = vec![0u8; 24];
    body.extend_from_slice(&[b'a', 0xFF, 0xC3]);
    match decode(&frame(1, MSG_IM, 2, 0, &body)).unwrap().body {
        Body::Im(m) => assert_eq!(m.content, "a\u{FFFD}\u{FFFD}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        decode(&frame(1, MSG_NOTIFICATION, 2, 0, &[0xE2, 0x82]))
            .unwrap()
            .body,
        Body::Notification("\u{FFFD}".into())
    );
}

#[test]
fn unknown_and_legacy_commands_are_error_values() {
    for cmd in [0u8, 1, 2, 6, 9, 16, 23, 24, 25, 38, 63, 65, 255] {
        assert_eq!(
            decode(&frame(1, cmd, 2, 0, &[0; 40])),
            Err(DecodeError::UnknownCommand(cmd))
        );
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng::new(0xC0DE);
    for i in 0..20_000 {
        let len = rng.up_to(80) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        // Make most frames structurally plausible so bodies get exercised.
        if bytes.len() >= 12 && i % 4 != 0 {
            let body_len =
                (bytes.len() - 12 - rng.up_to((bytes.len() - 12) as u64) as usize) as i32;
            bytes[0..4].copy_from_slice(&body_len.to_be_bytes());
            if i % 2 == 0 {
                bytes[8] = [3, 4, 5, 7, 8, 13, 14, 15, 17, 20, 26, 30, 37, 64][i % 14];
            }
        }
        if let Ok(p) = decode(&bytes) {
            // Whatever decodes re-encodes to a frame that decodes the same.
            let again = p.encode().unwrap();
            assert_eq!(decode(&again).unwrap(), p);
        }
    }
}

#[test]
fn errors_describe_themselves_without_core_fmt_as_display_shows() {
    let cases: [(Box<dyn core::fmt::Display>, &str); 10] = [
        (
            Box::new(DecodeError::ShortHeader { len: 7 }),
            "frame of 7 bytes has no full header",
        ),
        (
            Box::new(DecodeError::BadLength(-2)),
            "body length -2 out of range 0..32768",
        ),
        (
            Box::new(DecodeError::Truncated {
                expected: 40,
                got: 12,
            }),
            "frame truncated: 12 of 40 bytes",
        ),
        (
            Box::new(DecodeError::BodyTooShort { cmd: 4, len: 3 }),
            "body of 3 bytes too short for command 4",
        ),
        (
            Box::new(DecodeError::BodyNotEmpty { cmd: 13 }),
            "command 13 must have an empty body",
        ),
        (
            Box::new(DecodeError::UnknownCommand(250)),
            "unknown command 250",
        ),
        (
            Box::new(EncodeError::BodyTooLong { len: 40_000 }),
            "body of 40000 bytes over the 32768-byte limit",
        ),
        (
            Box::new(EncodeError::TokenTooLong),
            "access token longer than 255 bytes",
        ),
        (
            Box::new(EncodeError::DeviceIdTooLong),
            "device id longer than 255 bytes",
        ),
        (
            Box::new(EncodeError::EmptyAuth),
            "no access token (and no device id)",
        ),
    ];
    for (e, want) in cases {
        assert_eq!(e.to_string(), want);
    }
}
