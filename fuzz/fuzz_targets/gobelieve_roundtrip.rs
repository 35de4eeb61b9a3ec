//! Every valid GoBelieve packet survives encode then decode unchanged, and
//! encode refuses exactly what the protocol forbids (a body of 32 KiB or
//! more, a token or device id over 255 bytes, an auth body of 3 bytes).
#![no_main]

use imsdk::core::gobelieve::codec::{self, Body, EncodeError};
use imsdk::core::gobelieve::command::{HEADER_SIZE, MAX_BODY_LEN};
use imsdk_fuzz::gobelieve_gen;
use imsdk_fuzz::input::Input;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let packet = gobelieve_gen::packet(&mut inp);
    match packet.encode() {
        Ok(frame) => {
            assert!(frame.len() < HEADER_SIZE + MAX_BODY_LEN);
            let back = codec::decode(&frame).expect("an encoded packet decodes");
            assert_eq!(back, gobelieve_gen::as_decoded(&packet));
            // Bytes after the frame are not part of it.
            let mut longer = frame.clone();
            longer.extend_from_slice(inp.rest());
            assert_eq!(codec::decode(&longer), codec::decode(&frame));
        }
        Err(EncodeError::BodyTooLong { len }) => assert!(len >= MAX_BODY_LEN),
        Err(EncodeError::TokenTooLong) => {
            assert!(matches!(&packet.body, Body::AuthToken { token, .. } if token.len() > 255))
        }
        Err(EncodeError::EmptyAuth) => assert!(matches!(
            &packet.body,
            Body::AuthToken { token, device_id, .. } if token.is_empty() && device_id.is_empty()
        )),
        Err(EncodeError::DeviceIdTooLong) => {
            assert!(
                matches!(&packet.body, Body::AuthToken { device_id, .. } if device_id.len() > 255)
            )
        }
    }
});
