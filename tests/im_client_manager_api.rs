//! IMClientManager's JS surface without a server: the seed's constants, the
//! singleton and its release, argument errors, `send` codes when not logged
//! in, the Protocal objects. Runs in headless Chromium, on the JS class
//! (js/engine/mobileimsdk.js) over this binary's engine (tests/support/mobileimsdk.rs).
#![cfg(target_arch = "wasm32")]

mod support;

use js_sys::{Array, Error, Function, Object, RangeError, Reflect, TypeError};
use support::mobileimsdk::{Class, ImClientManager};
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Nothing listens there: a connection attempt fails at once.
const DEAD_URL: &str = "ws://127.0.0.1:9/websocket";

fn options(url: &str) -> JsValue {
    obj(&[("wsUrl", url.into())])
}

fn standalone() -> ImClientManager {
    ImClientManager::standalone(&options(DEAD_URL)).unwrap()
}

/// Calls `target[name](...args)` as JS would.
fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &name.into())?.dyn_into()?;
    f.apply(target, &args.iter().collect::<Array>())
}

/// The `IMClientManager` class as JS sees it.
fn class() -> JsValue {
    let instance = JsValue::from(standalone());
    Reflect::get(&instance, &"constructor".into()).unwrap()
}

/// A recorder with one callback `cb`; returns (recorder, cb).
fn callback() -> (JsValue, JsValue) {
    let rec = recorder(names(&["cb"]));
    let cb = get(&rec, "cb");
    (rec, cb)
}

/// The (a, b) arguments of every call recorded as `cb`.
fn cb_calls(rec: &JsValue) -> Vec<(JsValue, JsValue)> {
    calls_named(rec, "cb")
        .iter()
        .map(|c| {
            (
                Reflect::get(&c, &1.into()).unwrap(),
                Reflect::get(&c, &2.into()).unwrap(),
            )
        })
        .collect()
}

fn message_of(err: &JsValue) -> String {
    err.dyn_ref::<Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
fn every_seed_constant_is_a_static_with_its_exact_name_and_value() {
    let expected: &[(&str, i32)] = &[
        ("COMMON_CODE_OK", 0),
        ("COMMON_NO_LOGIN", 1),
        ("COMMON_UNKNOW_ERROR", 2),
        ("COMMON_DATA_SEND_FAILD", 3),
        ("COMMON_INVALID_PROTOCAL", 4),
        ("BREOKEN_CONNECT_TO_SERVER", 201),
        ("BAD_CONNECT_TO_SERVER", 202),
        ("CLIENT_SDK_NO_INITIALED", 203),
        ("LOCAL_NETWORK_NOT_WORKING", 204),
        ("TO_SERVER_NET_INFO_NOT_SETUP", 205),
        ("RESPONSE_FOR_UNLOGIN", 301),
        ("FROM_CLIENT_TYPE_OF_LOGIN", 0),
        ("FROM_CLIENT_TYPE_OF_KEEP$ALIVE", 1),
        ("FROM_CLIENT_TYPE_OF_COMMON$DATA", 2),
        ("FROM_CLIENT_TYPE_OF_LOGOUT", 3),
        ("FROM_CLIENT_TYPE_OF_RECIVED", 4),
        ("FROM_CLIENT_TYPE_OF_ECHO", 5),
        ("FROM_SERVER_TYPE_OF_RESPONSE$LOGIN", 50),
        ("FROM_SERVER_TYPE_OF_RESPONSE$KEEP$ALIVE", 51),
        ("FROM_SERVER_TYPE_OF_RESPONSE$FOR$ERROR", 52),
        ("FROM_SERVER_TYPE_OF_RESPONSE$ECHO", 53),
        ("FROM_SERVER_TYPE_OF_RESPONSE$RECIVED", 54),
        ("FROM_SERVER_TYPE_OF_KICKOUT", 54),
    ];
    let class = class();
    for (name, value) in expected {
        assert_eq!(
            get(&class, name).as_f64(),
            Some(*value as f64),
            "IMClientManager.{name}"
        );
    }
}

#[wasm_bindgen_test]
fn get_instance_is_a_singleton_until_release() {
    let c = Class::fresh();
    // Before any instance: an Error whose code is CLIENT_SDK_NO_INITIALED.
    let err = c.get_instance(JsValue::UNDEFINED).unwrap_err();
    assert!(err.is_instance_of::<Error>());
    assert_eq!(get(&err, "code").as_f64(), Some(203.0));
    assert!(message_of(&err).contains("getInstance(options)"));
    assert!(!c.get_init_flag());

    let first = c.get_instance(options(DEAD_URL)).unwrap();
    assert!(c.get_init_flag());
    assert!(get(&first, "isSharedInstance").is_truthy());
    assert!(get(&first, "watchingEnvironment").is_truthy());
    let again = c.get_instance(JsValue::UNDEFINED).unwrap();
    assert!(
        Object::is(&first, &again),
        "getInstance() returns the same object"
    );
    let with_options = c.get_instance(options("ws://other/websocket")).unwrap();
    assert!(
        Object::is(&first, &with_options),
        "options are ignored while initialised"
    );

    call(&first, "release", &[]).unwrap();
    assert!(!c.get_init_flag());
    assert!(!get(&first, "watchingEnvironment").is_truthy());
    assert!(!get(&first, "isSharedInstance").is_truthy());
    let err = c.get_instance(JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&err, "code").as_f64(), Some(203.0));

    // A released instance is spent: its calls report 203.
    let (rec, cb) = callback();
    call(
        &first,
        "login",
        &[obj(&[
            ("loginUserId", "u1".into()),
            ("callBack", cb.clone()),
        ])],
    )
    .unwrap();
    call(
        &first,
        "send",
        &[obj(&[
            ("dataContent", "x".into()),
            ("toId", "u2".into()),
            ("callBack", cb.clone()),
        ])],
    )
    .unwrap();
    call(&first, "logout", &[cb]).unwrap();
    let codes: Vec<f64> = cb_calls(&rec)
        .iter()
        .map(|(a, _)| a.as_f64().unwrap())
        .collect();
    assert_eq!(codes, [203.0, 203.0, 203.0]);

    let second = c.get_instance(options(DEAD_URL)).unwrap();
    assert!(
        !Object::is(&first, &second),
        "a new instance after release()"
    );
    call(&second, "release", &[]).unwrap();
}

#[wasm_bindgen_test]
fn reset_init_flag_lets_get_instance_build_a_new_manager_and_releases_the_old_one() {
    let c = Class::fresh();
    let first = c.get_instance(options(DEAD_URL)).unwrap();
    call(&first, "resetInitFlag", &[]).unwrap();
    assert!(!c.get_init_flag());
    // Without options the existing one is still returned.
    let same = c.get_instance(JsValue::UNDEFINED).unwrap();
    assert!(Object::is(&first, &same));
    let second = c.get_instance(options(DEAD_URL)).unwrap();
    assert!(!Object::is(&first, &second));
    assert!(c.get_init_flag());
    assert!(
        !get(&first, "watchingEnvironment").is_truthy(),
        "the old one was released"
    );
    call(&second, "release", &[]).unwrap();
}

#[wasm_bindgen_test]
fn options_errors_name_the_field() {
    let c = Class::fresh();
    let cases: Vec<(JsValue, &str, bool)> = vec![
        (obj(&[]), "wsUrl", true),
        (options(""), "wsUrl", true),
        (options("http://x/websocket"), "wsUrl", true),
        (
            obj(&[("wsUrl", DEAD_URL.into()), ("dialect", "gson".into())]),
            "dialect",
            true,
        ),
        (
            obj(&[("wsUrl", DEAD_URL.into()), ("senseMode", 7.into())]),
            "senseMode",
            false,
        ),
        (
            obj(&[("wsUrl", DEAD_URL.into()), ("keepAliveInterval", 0.into())]),
            "keepAliveInterval",
            false,
        ),
        (
            obj(&[("wsUrl", DEAD_URL.into()), ("qosMaxResends", 1.5.into())]),
            "qosMaxResends",
            false,
        ),
        (
            obj(&[("wsUrl", DEAD_URL.into()), ("chatBaseCB", 5.into())]),
            "chatBaseCB",
            true,
        ),
    ];
    for (opts, name, is_type_error) in cases {
        let err = c
            .get_instance(opts)
            .err()
            .unwrap_or_else(|| panic!("options with a bad {name} were accepted"));
        assert!(
            message_of(&err).contains(name),
            "{name}: {}",
            message_of(&err)
        );
        if is_type_error {
            assert!(err.is_instance_of::<TypeError>(), "{name}");
        } else {
            assert!(err.is_instance_of::<RangeError>(), "{name}");
        }
    }
    assert!(!c.get_init_flag(), "no instance was left behind");
    for ok in [
        obj(&[("wsUrl", DEAD_URL.into()), ("senseMode", "MODE_15S".into())]),
        obj(&[
            ("wsUrl", DEAD_URL.into()),
            ("senseMode", 3.into()),
            ("dialect", "srt".into()),
        ]),
    ] {
        assert!(ImClientManager::standalone(&ok).is_ok());
    }
}

#[wasm_bindgen_test]
fn login_argument_errors_throw_a_type_error_naming_the_field() {
    let m = standalone();
    for (args, field) in [
        (JsValue::UNDEFINED, "login options"),
        (obj(&[]), "loginUserId"),
        (obj(&[("loginUserId", "".into())]), "loginUserId"),
        (obj(&[("loginUserId", JsValue::TRUE)]), "loginUserId"),
        (
            obj(&[("loginUserId", "u".into()), ("extra", 5.into())]),
            "extra",
        ),
    ] {
        let err = m.login(args).unwrap_err();
        assert!(err.is_instance_of::<TypeError>());
        assert!(message_of(&err).contains(field), "{}", message_of(&err));
    }
    assert_eq!((m.open_socket_count(), m.timer_armed()), (0, false));
    m.release();
}

#[wasm_bindgen_test]
async fn login_accepts_the_seed_spelling_and_reports_an_unreachable_server_once() {
    let m = standalone();
    let (rec, cb) = callback();
    m.login(obj(&[
        ("logiUserId", "u1".into()),
        ("loginToken", "t".into()),
        ("app", "test".into()),
        ("callBack", cb),
    ]))
    .unwrap();
    wait_until("the login result", 5000.0, || !cb_calls(&rec).is_empty()).await;
    assert_eq!(
        cb_calls(&rec)[0].0.as_f64(),
        Some(202.0),
        "BAD_CONNECT_TO_SERVER"
    );
    sleep(300).await; // nothing more may come
    assert_eq!(cb_calls(&rec).len(), 1, "callBack fires exactly once");
    assert_eq!((m.open_socket_count(), m.timer_armed()), (0, false));
    m.release();
}

#[wasm_bindgen_test]
fn a_second_login_supersedes_the_first_whose_callback_gets_201() {
    let m = standalone();
    let (first, cb1) = callback();
    let (_second, cb2) = callback();
    m.login(obj(&[("loginUserId", "u1".into()), ("callBack", cb1)]))
        .unwrap();
    m.login(obj(&[("loginUserId", "u1".into()), ("callBack", cb2)]))
        .unwrap();
    let codes: Vec<f64> = cb_calls(&first)
        .iter()
        .map(|(a, _)| a.as_f64().unwrap())
        .collect();
    assert_eq!(codes, [201.0]);
    m.release();
}

#[wasm_bindgen_test]
fn send_before_login_reports_no_login_with_the_packet() {
    let m = standalone();
    let (rec, cb) = callback();
    m.send(obj(&[
        ("dataContent", "hello".into()),
        ("toId", 42.into()),
        ("fingerPrint", "fp-1".into()),
        ("typeu", 7.into()),
        ("callBack", cb),
    ]));
    let calls = cb_calls(&rec);
    assert_eq!(calls.len(), 1);
    let (code, p) = &calls[0];
    assert_eq!(code.as_f64(), Some(1.0), "COMMON_NO_LOGIN");
    // Plain properties ...
    assert_eq!(get(p, "type").as_f64(), Some(2.0));
    assert_eq!(get(p, "dataContent").as_string().as_deref(), Some("hello"));
    assert_eq!(get(p, "to").as_string().as_deref(), Some("42"));
    assert_eq!(get(p, "fp").as_string().as_deref(), Some("fp-1"));
    assert_eq!(get(p, "QoS"), JsValue::TRUE);
    assert_eq!(get(p, "Qos"), JsValue::TRUE);
    assert_eq!(get(p, "bridge"), JsValue::FALSE);
    assert_eq!(get(p, "typeu").as_f64(), Some(7.0));
    assert_eq!(get(p, "retryCount").as_f64(), Some(0.0));
    assert_eq!(get(p, "sendTs"), JsValue::NULL);
    // ... and the seed's accessors.
    assert_eq!(call(p, "getType", &[]).unwrap().as_f64(), Some(2.0));
    assert_eq!(
        call(p, "getDataContent", &[])
            .unwrap()
            .as_string()
            .as_deref(),
        Some("hello")
    );
    assert_eq!(
        call(p, "getFp", &[]).unwrap().as_string().as_deref(),
        Some("fp-1")
    );
    assert_eq!(
        call(p, "getTo", &[]).unwrap().as_string().as_deref(),
        Some("42")
    );
    assert_eq!(
        call(p, "getFrom", &[]).unwrap().as_string().as_deref(),
        Some("-1")
    );
    assert_eq!(call(p, "isQoS", &[]).unwrap(), JsValue::TRUE);
    assert_eq!(call(p, "isBridge", &[]).unwrap(), JsValue::FALSE);
    assert_eq!(call(p, "getTypeu", &[]).unwrap().as_f64(), Some(7.0));
    assert_eq!(call(p, "getRetryCount", &[]).unwrap().as_f64(), Some(0.0));
    assert_eq!(
        call(p, "toGsonString", &[]).unwrap().as_string().as_deref(),
        Some(
            r#"{"bridge":false,"type":2,"dataContent":"hello","from":"-1","to":"42","fp":"fp-1","QoS":true,"typeu":7,"sm":-1}"#
        )
    );
    assert_eq!((m.open_socket_count(), m.timer_armed()), (0, false));
    m.release();
}

#[wasm_bindgen_test]
fn bad_send_arguments_give_code_4_and_an_error_naming_the_field() {
    let m = standalone();
    let base = || {
        vec![
            ("dataContent", JsValue::from("x")),
            ("toId", JsValue::from("2")),
        ]
    };
    let with = |key: &'static str, v: JsValue| {
        let mut pairs = base();
        pairs.retain(|(k, _)| *k != key);
        pairs.push((key, v));
        pairs
    };
    let cases: Vec<(Vec<(&str, JsValue)>, &str)> = vec![
        (with("dataContent", JsValue::UNDEFINED), "dataContent"),
        (with("dataContent", 5.into()), "dataContent"),
        (with("toId", "".into()), "toId"),
        (with("toId", JsValue::UNDEFINED), "toId"),
        (with("Qos", "yes".into()), "Qos"),
        (with("fingerPrint", "".into()), "fingerPrint"),
        (with("typeu", 1.5.into()), "typeu"),
    ];
    for (mut pairs, field) in cases {
        let (rec, cb) = callback();
        pairs.push(("callBack", cb));
        m.send(obj(&pairs));
        let calls = cb_calls(&rec);
        assert_eq!(calls.len(), 1, "{field}");
        assert_eq!(
            calls[0].0.as_f64(),
            Some(4.0),
            "{field}: COMMON_INVALID_PROTOCAL"
        );
        assert!(
            message_of(&calls[0].1).contains(field),
            "{field}: {}",
            message_of(&calls[0].1)
        );
    }
    // Without a callback nothing throws.
    m.send(obj(&[("toId", "2".into())]));
    m.send(JsValue::UNDEFINED);
    m.release();
}

#[wasm_bindgen_test]
fn logout_when_not_logged_in_reports_1_and_leaves_nothing_running() {
    let m = standalone();
    let (rec, cb) = callback();
    m.logout(cb);
    assert_eq!(cb_calls(&rec)[0].0.as_f64(), Some(1.0), "COMMON_NO_LOGIN");
    assert_eq!((m.open_socket_count(), m.timer_armed()), (0, false));
    assert!(m.watching_environment(), "logout keeps the instance alive");
    m.release();
    assert!(!m.watching_environment());
}

#[wasm_bindgen_test]
fn the_listener_accessors_return_the_groups_given() {
    let base = obj(&[]);
    let trans = obj(&[]);
    let qos = obj(&[]);
    let m = ImClientManager::standalone(&obj(&[
        ("wsUrl", DEAD_URL.into()),
        ("chatBaseCB", base.clone()),
        ("chatTransDataCB", trans.clone()),
        ("messageQoSCB", qos.clone()),
    ]))
    .unwrap();
    assert!(Object::is(&m.get_base_event_listener(), &base));
    assert!(Object::is(&m.get_trans_data_listener(), &trans));
    assert!(Object::is(&m.get_message_qos_listener(), &qos));
    m.release();
}
