//! The GoBelieve frame decoder on arbitrary bytes (what a server can send).
//!
//! Beyond "no panic": a decoded packet that re-encodes decodes to itself, and
//! its encoding is a fixed point; a packet that cannot be re-encoded must owe
//! it to invalid UTF-8 (read as U+FFFD, which is longer) or to an auth body
//! whose token and device id are both empty, and nothing else.
#![no_main]

use imsdk::core::gobelieve::codec::{self, Body, DecodeError, EncodeError};
use imsdk::core::gobelieve::command::{HEADER_SIZE, MAX_BODY_LEN};
use libfuzzer_sys::fuzz_target;

fn texts(b: &Body) -> Vec<&str> {
    match b {
        Body::Im(m) | Body::GroupIm(m) => vec![&m.content],
        Body::Rt(m) | Body::RoomIm(m) => vec![&m.content],
        Body::Customer(m) => vec![&m.content],
        Body::GroupNotification(t) | Body::System(t) | Body::Notification(t) => vec![t],
        Body::AuthToken {
            token, device_id, ..
        } => vec![token, device_id],
        _ => vec![],
    }
}

fn lossy(b: &Body) -> bool {
    texts(b).iter().any(|t| t.contains('\u{fffd}'))
}

fuzz_target!(|data: &[u8]| {
    let decoded = codec::decode(data);
    if data.len() < HEADER_SIZE {
        assert_eq!(decoded, Err(DecodeError::ShortHeader { len: data.len() }));
        return;
    }
    let header = codec::decode_header(data);
    if let Ok(h) = header {
        assert!(h.length < MAX_BODY_LEN && HEADER_SIZE + h.length <= data.len());
    }
    let Ok(packet) = decoded else { return };
    let h = header.expect("a decoded frame has a valid header");
    assert_eq!(
        (h.cmd, h.seq, h.version, h.flag),
        (packet.cmd(), packet.seq, packet.version, packet.flag)
    );
    match packet.encode() {
        Ok(frame) => {
            assert!(frame.len() < HEADER_SIZE + MAX_BODY_LEN);
            let again = codec::decode(&frame).expect("a re-encoded packet decodes");
            assert_eq!(again, packet, "decode(encode(p)) != p");
            assert_eq!(
                again.encode().as_ref(),
                Ok(&frame),
                "encoding is not canonical"
            );
            if frame.len() > HEADER_SIZE + h.length {
                // Only lossy text (U+FFFD is 3 bytes) can grow a body.
                assert!(lossy(&packet.body), "re-encoding grew a body of valid text");
            }
        }
        // A 4-byte auth body with both lengths 0 reads as empty strings.
        Err(EncodeError::EmptyAuth) => assert!(matches!(
            &packet.body,
            Body::AuthToken { token, device_id, .. } if token.is_empty() && device_id.is_empty()
        )),
        Err(e) => {
            assert!(
                lossy(&packet.body),
                "a decoded packet failed to encode: {e:?}"
            );
            match e {
                EncodeError::EmptyAuth => unreachable!(),
                EncodeError::BodyTooLong { len } => assert!(len >= MAX_BODY_LEN),
                EncodeError::TokenTooLong | EncodeError::DeviceIdTooLong => {
                    assert!(matches!(packet.body, Body::AuthToken { .. }))
                }
            }
        }
    }
});
