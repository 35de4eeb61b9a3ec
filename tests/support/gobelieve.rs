//! The JS class `IMService` (js/engine/gobelieve.js) for the wasm-bindgen
//! suites, over this test binary's own copy of the engine exports
//! (`imsdk::web::gobelieve`): [`ImService`] calls its members as JS would,
//! with the names the suites used for the former wasm-bindgen class.
#![allow(dead_code)]

pub use super::exports::call;
use super::exports::{at, read};
use imsdk::web::gobelieve as engine;
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/target/wasm-test-js/support.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineIMService)]
    fn define_class(engine: &JsValue) -> JsValue;
}

/// The engine exports as the glue module has them (what `defineIMService` takes).
fn exports() -> JsValue {
    let close = Closure::<dyn Fn(u32, u32, bool, f64) -> u32>::new(|h, conn, error, now| {
        at(engine::gobelieve_close(h, conn, error, now))
    });
    super::exports::exports(super::exports::Engine {
        prefix: "gobelieve",
        create: engine::gobelieve_create,
        free: engine::gobelieve_free,
        command: engine::gobelieve_command,
        open: engine::gobelieve_open,
        binary: engine::gobelieve_binary,
        text: engine::gobelieve_text,
        close: close.into_js_value(),
        timer: engine::gobelieve_timer,
    })
}

thread_local! {
    /// One class for the whole test binary (as one glue has one).
    static CLASS: JsValue = define_class(&exports());
}

/// The `IMService` class as JS sees it.
pub fn class() -> JsValue {
    CLASS.with(JsValue::clone)
}

/// `target[name] = v` as JS would (a setter's throw is the `Err`).
fn write(target: &JsValue, name: &str, v: JsValue) -> Result<(), JsValue> {
    Reflect::set(target, &name.into(), &v).map(drop)
}

fn static_u8(name: &str) -> u8 {
    read(&class(), name).as_f64().unwrap() as u8
}

fn string(v: JsValue) -> String {
    v.as_string().unwrap_or_default()
}

fn number(v: JsValue) -> f64 {
    v.as_f64().unwrap()
}

/// An `IMService`, driven through its JS members.
pub struct ImService {
    pub js: JsValue,
}

impl From<ImService> for JsValue {
    fn from(s: ImService) -> JsValue {
        s.js
    }
}

/// A getter and a setter of the JS property `$js`.
macro_rules! property {
    ($get:ident, $set:ident, $js:literal, $conv:expr, $ty:ty) => {
        pub fn $get(&self) -> $ty {
            $conv(read(&self.js, $js))
        }
        pub fn $set(&self, v: JsValue) -> Result<(), JsValue> {
            write(&self.js, $js, v)
        }
    };
}

impl ImService {
    /// `new IMService(observer, options)`.
    pub fn new(observer: JsValue, options: JsValue) -> Result<ImService, JsValue> {
        let args: Array = [observer, options].iter().collect();
        Reflect::construct(class().unchecked_ref::<Function>(), &args).map(|js| ImService { js })
    }

    property!(host, set_host, "host", string, String);
    property!(port, set_port, "port", |v| number(v) as u16, u16);
    property!(protocol, set_protocol, "protocol", |v| v, JsValue);
    property!(url, set_url, "url", string, String);
    property!(
        access_token,
        set_access_token,
        "accessToken",
        string,
        String
    );
    property!(device_id, set_device_id, "deviceID", string, String);
    property!(
        platform_id,
        set_platform_id,
        "platformID",
        |v| number(v) as u8,
        u8
    );
    property!(
        protocol_version,
        set_protocol_version,
        "protocolVersion",
        |v| number(v) as u8,
        u8
    );
    property!(sync_key, set_sync_key, "syncKey", |v| v, JsValue);
    property!(ack_timeout, set_ack_timeout, "ackTimeout", number, f64);
    property!(
        reconnect_delay,
        set_reconnect_delay,
        "reconnectDelay",
        number,
        f64
    );
    property!(
        reconnect_max_delay,
        set_reconnect_max_delay,
        "reconnectMaxDelay",
        number,
        f64
    );
    property!(observer, set_observer_value, "observer", |v| v, JsValue);
    property!(
        peer_message_observer,
        set_peer_message_observer_value,
        "peerMessageObserver",
        |v| v,
        JsValue
    );

    pub fn set_observer(&self, v: JsValue) {
        self.set_observer_value(v).unwrap();
    }

    pub fn set_peer_message_observer(&self, v: JsValue) {
        self.set_peer_message_observer_value(v).unwrap();
    }

    pub fn connect_state(&self) -> u8 {
        number(read(&self.js, "connectState")) as u8
    }

    pub fn open_socket_count(&self) -> usize {
        number(read(&self.js, "openSocketCount")) as usize
    }

    pub fn start(&self) {
        call(&self.js, "start", &[]).expect("start never throws");
    }

    pub fn stop(&self) {
        call(&self.js, "stop", &[]).expect("stop never throws");
    }

    fn send(&self, name: &str, msg: JsValue) -> Result<bool, JsValue> {
        call(&self.js, name, &[msg]).map(|v| v.is_truthy())
    }

    pub fn send_peer_message(&self, msg: JsValue) -> Result<bool, JsValue> {
        self.send("sendPeerMessage", msg)
    }

    pub fn send_group_message(&self, msg: JsValue) -> Result<bool, JsValue> {
        self.send("sendGroupMessage", msg)
    }

    pub fn send_rt_message(&self, msg: JsValue) -> Result<bool, JsValue> {
        self.send("sendRTMessage", msg)
    }

    pub fn guid() -> String {
        string(call(&class(), "guid", &[]).unwrap())
    }

    pub fn state_unconnected() -> u8 {
        static_u8("STATE_UNCONNECTED")
    }
    pub fn state_connecting() -> u8 {
        static_u8("STATE_CONNECTING")
    }
    pub fn state_connected() -> u8 {
        static_u8("STATE_CONNECTED")
    }
    pub fn state_connectfail() -> u8 {
        static_u8("STATE_CONNECTFAIL")
    }
    pub fn state_authentication_fail() -> u8 {
        static_u8("STATE_AUTHENTICATION_FAIL")
    }
    pub fn message_flag_text() -> u8 {
        static_u8("MESSAGE_FLAG_TEXT")
    }
    pub fn message_flag_self() -> u8 {
        static_u8("MESSAGE_FLAG_SELF")
    }
    pub fn message_flag_push() -> u8 {
        static_u8("MESSAGE_FLAG_PUSH")
    }
    pub fn message_flag_super_group() -> u8 {
        static_u8("MESSAGE_FLAG_SUPER_GROUP")
    }
    pub fn platform_web() -> u8 {
        static_u8("PLATFORM_WEB")
    }
    pub fn platform_osx() -> u8 {
        static_u8("PLATFORM_OSX")
    }
}
