//! IMService's JS surface without a server: constants, properties, argument
//! errors, the documented `false` when not connected. Runs in headless Chromium.
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::{Object, RangeError, TypeError};
use support::gobelieve::ImService;
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn service() -> ImService {
    ImService::new(JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap()
}

fn msg(sender: JsValue, receiver: JsValue, content: JsValue) -> JsValue {
    obj(&[
        ("sender", sender),
        ("receiver", receiver),
        ("content", content),
        ("msgLocalID", 7.into()),
    ])
}

#[wasm_bindgen_test]
fn constants_have_the_im_js_values() {
    assert_eq!(
        [
            ImService::state_unconnected(),
            ImService::state_connecting(),
            ImService::state_connected(),
            ImService::state_connectfail(),
            ImService::state_authentication_fail()
        ],
        [0, 1, 2, 3, 4]
    );
    assert_eq!(
        [
            ImService::message_flag_text(),
            ImService::message_flag_self(),
            ImService::message_flag_push()
        ],
        [1, 8, 16]
    );
    assert_eq!(ImService::message_flag_super_group(), 32);
    assert_eq!(
        (ImService::platform_web(), ImService::platform_osx()),
        (3, 5)
    );
    let g = ImService::guid();
    assert_eq!(g.len(), 36);
    assert_eq!(g.matches('-').count(), 4);
    assert_ne!(g, ImService::guid());
}

#[wasm_bindgen_test]
fn defaults_and_url_composition() {
    let s = service();
    assert_eq!(s.connect_state(), 0);
    assert_eq!(s.host(), "imnode2.gobelieve.io");
    assert_eq!(s.port(), 13891);
    assert_eq!(s.url(), "ws://imnode2.gobelieve.io:13891/ws");
    assert_eq!(s.platform_id(), 3);
    assert_eq!(s.protocol_version(), 2);
    assert_eq!(s.device_id().len(), 36);
    s.set_host("example.org".into()).unwrap();
    s.set_port(JsValue::from(4000)).unwrap();
    s.set_protocol("wss://".into()).unwrap();
    assert_eq!(s.url(), "wss://example.org:4000/ws");
    s.set_url("ws://127.0.0.1:1/x".into()).unwrap();
    assert_eq!(s.url(), "ws://127.0.0.1:1/x");
    assert!(s.set_protocol("http://".into()).is_err());
    assert!(s.set_port(JsValue::from(70000)).is_err());
}

#[wasm_bindgen_test]
fn sync_keys_cross_the_boundary_as_number_or_decimal_string() {
    let s = service();
    s.set_sync_key(JsValue::from(12345)).unwrap();
    assert_eq!(s.sync_key(), JsValue::from(12345.0));
    s.set_sync_key("9007199254740993".into()).unwrap();
    assert_eq!(s.sync_key(), JsValue::from_str("9007199254740993"));
    s.set_sync_key(js_sys::BigInt::from(9_007_199_254_740_995i64).into())
        .unwrap();
    assert_eq!(s.sync_key(), JsValue::from_str("9007199254740995"));
    assert!(s
        .set_sync_key("12x".into())
        .unwrap_err()
        .is_instance_of::<TypeError>());
}

#[wasm_bindgen_test]
fn sends_return_false_when_not_connected() {
    let s = service();
    let m = msg(1.into(), 2.into(), "hi".into());
    assert_eq!(s.send_peer_message(m.clone()), Ok(false));
    assert_eq!(s.send_group_message(m.clone()), Ok(false));
    assert_eq!(s.send_rt_message(m), Ok(false));
}

#[wasm_bindgen_test]
fn bad_arguments_throw_errors_naming_the_field_and_the_service_stays_usable() {
    let s = service();
    let cases: Vec<(JsValue, &str, bool)> = vec![
        (
            msg(JsValue::UNDEFINED, 2.into(), "x".into()),
            "msg.sender",
            true,
        ),
        (
            msg(1.into(), "abc".into(), "x".into()),
            "msg.receiver",
            true,
        ),
        (msg(1.into(), 2.into(), 5.into()), "msg.content", true),
        (msg(1.into(), 2.5.into(), "x".into()), "msg.receiver", true),
        (
            msg(1.into(), 2.into(), "x".repeat(40_000).into()),
            "msg.content",
            false,
        ),
        (
            msg(
                1.into(),
                2.into(),
                js_sys::JsString::from_char_code1(0xD800).into(),
            ),
            "msg.content",
            false,
        ),
        ("not an object".into(), "msg", true),
    ];
    for (m, field, is_type_error) in cases {
        let err = s.send_peer_message(m).expect_err(field);
        if is_type_error {
            assert!(err.is_instance_of::<TypeError>(), "{field}: {err:?}");
        } else {
            assert!(err.is_instance_of::<RangeError>(), "{field}: {err:?}");
        }
        let text: String = err.unchecked_ref::<js_sys::Error>().message().into();
        assert!(text.contains(field), "{text:?} should name {field}");
    }
    assert_eq!(
        s.send_peer_message(msg(1.into(), 2.into(), "ok".into())),
        Ok(false)
    );
    assert!(s.set_access_token(JsValue::from(5)).is_err());
    assert!(s.set_ack_timeout(JsValue::from(-1)).is_err());
}

#[wasm_bindgen_test]
fn observers_are_plain_properties() {
    let s = ImService::new(Object::new().into(), JsValue::UNDEFINED).unwrap();
    assert!(s.observer().is_object());
    let peer: JsValue = Object::new().into();
    s.set_peer_message_observer(peer.clone());
    assert_eq!(s.peer_message_observer(), peer);
    let opts = obj(&[
        ("url", "ws://127.0.0.1:9/ws".into()),
        ("ackTimeout", 1234.into()),
    ]);
    let s = ImService::new(JsValue::UNDEFINED, opts).unwrap();
    assert_eq!(
        (s.url(), s.ack_timeout()),
        ("ws://127.0.0.1:9/ws".to_string(), 1234.0)
    );
}

#[wasm_bindgen_test]
fn inexact_numbers_are_refused_naming_the_field() {
    let s = service();
    let with = |key: &str, v: JsValue| {
        let m = msg(1.into(), 2.into(), "x".into());
        js_sys::Reflect::set(&m, &key.into(), &v).unwrap();
        m
    };
    let cases = [
        (with("msgLocalID", f64::NAN.into()), "msg.msgLocalID", false),
        (
            with("msgLocalID", f64::INFINITY.into()),
            "msg.msgLocalID",
            false,
        ),
        (with("msgLocalID", 1.5.into()), "msg.msgLocalID", false),
        (
            with("timestamp", f64::NEG_INFINITY.into()),
            "msg.timestamp",
            false,
        ),
        (
            with("timestamp", 4_294_967_296.0.into()),
            "msg.timestamp",
            true,
        ),
        (
            with("receiver", 9_007_199_254_740_992.0.into()),
            "msg.receiver",
            true,
        ),
        (
            with("sender", (-9_007_199_254_740_992.0).into()),
            "msg.sender",
            true,
        ),
    ];
    for (m, field, is_range_error) in cases {
        let err = s.send_peer_message(m).expect_err(field);
        assert_eq!(
            err.is_instance_of::<RangeError>(),
            is_range_error,
            "{field}: {err:?}"
        );
        assert!(
            err.is_instance_of::<TypeError>() != is_range_error,
            "{field}: {err:?}"
        );
        let text: String = err.unchecked_ref::<js_sys::Error>().message().into();
        assert!(text.starts_with(field), "{text:?} should name {field}");
    }
    // The largest exact Number, an unsigned 32-bit msgLocalID and a decimal string above 2^53 still pass.
    assert_eq!(
        s.send_peer_message(with("receiver", 9_007_199_254_740_991.0.into())),
        Ok(false)
    );
    assert_eq!(
        s.send_peer_message(with("msgLocalID", 4_294_967_295.0.into())),
        Ok(false)
    );
    assert_eq!(
        s.send_peer_message(with("receiver", "9007199254740993".into())),
        Ok(false)
    );
}
