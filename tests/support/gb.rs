//! The JS class `IMService` (js/engine/gobelieve.js) for the wasm-bindgen
//! suites, over this test binary's own copy of the engine exports
//! (`imsdk::web::gobelieve`): [`ImService`] calls its members as JS would,
//! with the names the suites used for the former wasm-bindgen class.
#![allow(dead_code)]

use imsdk::web::gobelieve as engine;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/js/engine/gobelieve.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineIMService)]
    fn define_class(engine: &JsValue) -> JsValue;
}

// wasm-bindgen copies a JS file into the test bundle only when something
// imports from it: the modules the class imports, named once each.
#[wasm_bindgen(module = "/js/engine/exchange.js")]
extern "C" {
    #[wasm_bindgen(js_name = exchange)]
    fn _exchange(engine: &JsValue) -> JsValue;
}
#[wasm_bindgen(module = "/js/engine/batch.js")]
extern "C" {
    #[wasm_bindgen(js_name = readBatch)]
    fn _read_batch(bytes: &JsValue) -> JsValue;
}
#[wasm_bindgen(module = "/js/engine/writer.js")]
extern "C" {
    #[wasm_bindgen(js_name = Writer)]
    fn _writer();
}
#[wasm_bindgen(module = "/js/engine/gobelieve-command.js")]
extern "C" {
    #[wasm_bindgen(js_name = encodeStop)]
    fn _encode_stop() -> JsValue;
}
#[wasm_bindgen(module = "/js/engine/gobelieve-codes.js")]
extern "C" {
    #[wasm_bindgen(js_name = gbEndpoint)]
    fn _gb_endpoint(e: &JsValue, name: &str, secure: bool) -> JsValue;
}
#[wasm_bindgen(module = "/js/checks.js")]
extern "C" {
    #[wasm_bindgen(js_name = idValue)]
    fn _id_value(v: &JsValue) -> JsValue;
}
#[wasm_bindgen(module = "/js/transport.js")]
extern "C" {
    #[wasm_bindgen(js_name = setWebSocketImpl)]
    fn _set_web_socket_impl(imp: &JsValue);
}
#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    #[wasm_bindgen(js_name = now)]
    fn _now() -> f64;
}
#[wasm_bindgen(module = "/js/observer.js")]
extern "C" {
    #[wasm_bindgen(js_name = imMessage)]
    fn _im_message(seq: i32) -> JsValue;
}
#[wasm_bindgen(module = "/js/facade-shared.js")]
extern "C" {
    #[wasm_bindgen(js_name = guid)]
    fn _guid() -> String;
}
#[wasm_bindgen(module = "/js/api/log.js")]
extern "C" {
    #[wasm_bindgen(js_name = packageLog, thread_local_v2)]
    static _PACKAGE_LOG: JsValue;
}

fn set(o: &Object, name: &str, f: JsValue) {
    Reflect::set(o, &name.into(), &f).unwrap();
}

/// The engine exports as the glue module has them (what `defineIMService` takes).
fn exports() -> JsValue {
    let o = Object::new();
    let create = Closure::<dyn Fn(u32) -> u32>::new(engine::gb_create);
    set(&o, "gb_create", create.into_js_value());
    let free = Closure::<dyn Fn(u32)>::new(engine::gb_free);
    set(&o, "gb_free", free.into_js_value());
    let command = Closure::<dyn Fn(u32, u32, f64) -> u32>::new(|h, len, now| {
        engine::gb_command(h, len, now) as u32
    });
    set(&o, "gb_command", command.into_js_value());
    let open = Closure::<dyn Fn(u32, u32, f64) -> u32>::new(|h, conn, now| {
        engine::gb_open(h, conn, now) as u32
    });
    set(&o, "gb_open", open.into_js_value());
    let binary = Closure::<dyn Fn(u32, u32, u32, f64) -> u32>::new(|h, conn, len, now| {
        engine::gb_binary(h, conn, len, now) as u32
    });
    set(&o, "gb_binary", binary.into_js_value());
    let text = Closure::<dyn Fn(u32, u32, u32, f64) -> u32>::new(|h, conn, len, now| {
        engine::gb_text(h, conn, len, now) as u32
    });
    set(&o, "gb_text", text.into_js_value());
    let close = Closure::<dyn Fn(u32, u32, bool, f64) -> u32>::new(|h, conn, error, now| {
        engine::gb_close(h, conn, error, now) as u32
    });
    set(&o, "gb_close", close.into_js_value());
    let timer = Closure::<dyn Fn(u32, f64) -> u32>::new(|h, now| engine::gb_timer(h, now) as u32);
    set(&o, "gb_timer", timer.into_js_value());
    let memory = Closure::<dyn Fn() -> f64>::new(imsdk::web::wasm_memory_bytes);
    set(&o, "wasm_memory_bytes", memory.into_js_value());
    super::set_exchange(&o);
    o.into()
}

thread_local! {
    /// One class for the whole test binary (as one glue has one).
    static CLASS: JsValue = define_class(&exports());
}

/// The `IMService` class as JS sees it.
pub fn class() -> JsValue {
    CLASS.with(JsValue::clone)
}

/// Calls `target[name](...args)` as JS would.
pub fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &name.into())?.dyn_into()?;
    f.apply(target, &args.iter().collect::<Array>())
}

fn read(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &name.into()).unwrap()
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
