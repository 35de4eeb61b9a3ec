//! The JS class `IMClientManager` (js/engine/mobileimsdk.js) for the
//! wasm-bindgen suites, over this test binary's own copy of the engine
//! exports (`imsdk::web::mobileimsdk`): each [`Class::fresh`] is a new class
//! with its own singleton, and [`ImClientManager`] calls its members as JS
//! would.
#![allow(dead_code)]

use imsdk::web::mobileimsdk as engine;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(module = "/js/engine/mobileimsdk.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineIMClientManager)]
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
#[wasm_bindgen(module = "/js/engine/command.js")]
extern "C" {
    #[wasm_bindgen(js_name = encodeLogout)]
    fn _encode_logout() -> JsValue;
}
#[wasm_bindgen(module = "/js/engine/mobileimsdk-codes.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = MIM_CONSTANTS)]
    static MIM_CONSTANTS: JsValue;
}
#[wasm_bindgen(module = "/js/checks.js")]
extern "C" {
    #[wasm_bindgen(js_name = mimSend)]
    fn _mim_send(args: &JsValue) -> JsValue;
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
#[wasm_bindgen(module = "/js/api/log.js")]
extern "C" {
    #[wasm_bindgen(js_name = logOf)]
    fn _log_of(target: &JsValue) -> JsValue;
}
#[wasm_bindgen(module = "/js/observer.js")]
extern "C" {
    #[wasm_bindgen(js_name = mimError)]
    fn _mim_error(code: i32, msg: &str) -> JsValue;
}

fn set(o: &Object, name: &str, f: JsValue) {
    Reflect::set(o, &name.into(), &f).unwrap();
}

/// The engine exports as the glue module has them (what `defineIMClientManager` takes).
fn exports() -> JsValue {
    let o = Object::new();
    let create = Closure::<dyn Fn(u32) -> u32>::new(engine::mim_create);
    set(&o, "mim_create", create.into_js_value());
    let free = Closure::<dyn Fn(u32)>::new(engine::mim_free);
    set(&o, "mim_free", free.into_js_value());
    let command = Closure::<dyn Fn(u32, u32, f64) -> u32>::new(|h, len, now| {
        engine::mim_command(h, len, now) as u32
    });
    set(&o, "mim_command", command.into_js_value());
    let open = Closure::<dyn Fn(u32, u32, f64) -> u32>::new(|h, conn, now| {
        engine::mim_open(h, conn, now) as u32
    });
    set(&o, "mim_open", open.into_js_value());
    let text = Closure::<dyn Fn(u32, u32, u32, f64) -> u32>::new(|h, conn, len, now| {
        engine::mim_text(h, conn, len, now) as u32
    });
    set(&o, "mim_text", text.into_js_value());
    let binary = Closure::<dyn Fn(u32, u32, u32, f64) -> u32>::new(|h, conn, len, now| {
        engine::mim_binary(h, conn, len, now) as u32
    });
    set(&o, "mim_binary", binary.into_js_value());
    let close = Closure::<dyn Fn(u32, u32, u32, u32, bool, f64) -> u32>::new(
        |h, conn, code, len, error, now| engine::mim_close(h, conn, code, len, error, now) as u32,
    );
    set(&o, "mim_close", close.into_js_value());
    let timer = Closure::<dyn Fn(u32, f64) -> u32>::new(|h, now| engine::mim_timer(h, now) as u32);
    set(&o, "mim_timer", timer.into_js_value());
    let memory = Closure::<dyn Fn() -> f64>::new(imsdk::web::wasm_memory_bytes);
    set(&o, "wasm_memory_bytes", memory.into_js_value());
    super::set_exchange(&o);
    o.into()
}

/// Calls `target[name](...args)` as JS would.
pub fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &name.into())?.dyn_into()?;
    f.apply(target, &args.iter().collect::<Array>())
}

fn read(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &name.into()).unwrap()
}

/// One `IMClientManager` class (with its own singleton).
pub struct Class(pub JsValue);

impl Class {
    pub fn fresh() -> Class {
        Class(define_class(&exports()))
    }

    pub fn get_instance(&self, options: JsValue) -> Result<JsValue, JsValue> {
        call(&self.0, "getInstance", &[options])
    }

    pub fn get_init_flag(&self) -> bool {
        call(&self.0, "getInitFlag", &[]).unwrap().is_truthy()
    }
}

/// A manager, driven through its JS members.
pub struct ImClientManager {
    pub js: JsValue,
}

impl From<ImClientManager> for JsValue {
    fn from(m: ImClientManager) -> JsValue {
        m.js
    }
}

impl ImClientManager {
    /// The shared instance of a fresh class: a manager of its own.
    pub fn standalone(options: &JsValue) -> Result<ImClientManager, JsValue> {
        Class::fresh()
            .get_instance(options.clone())
            .map(|js| ImClientManager { js })
    }

    pub fn login(&self, args: JsValue) -> Result<(), JsValue> {
        call(&self.js, "login", &[args]).map(drop)
    }

    /// Never throws (a throw fails the test).
    pub fn send(&self, args: JsValue) {
        call(&self.js, "send", &[args]).expect("send never throws");
    }

    pub fn logout(&self, callback: JsValue) {
        call(&self.js, "logout", &[callback]).expect("logout never throws");
    }

    pub fn release(&self) {
        call(&self.js, "release", &[]).expect("release never throws");
    }

    pub fn get_base_event_listener(&self) -> JsValue {
        call(&self.js, "getBaseEventListener", &[]).unwrap()
    }

    pub fn get_trans_data_listener(&self) -> JsValue {
        call(&self.js, "getTransDataListener", &[]).unwrap()
    }

    pub fn get_message_qos_listener(&self) -> JsValue {
        call(&self.js, "getMessageQoSListener", &[]).unwrap()
    }

    pub fn open_socket_count(&self) -> usize {
        read(&self.js, "openSocketCount").as_f64().unwrap() as usize
    }

    pub fn timer_armed(&self) -> bool {
        read(&self.js, "timerArmed").is_truthy()
    }

    pub fn watching_environment(&self) -> bool {
        read(&self.js, "watchingEnvironment").is_truthy()
    }

    pub fn logged_in(&self) -> bool {
        read(&self.js, "loggedIn").is_truthy()
    }

    pub fn connected(&self) -> bool {
        read(&self.js, "connected").is_truthy()
    }

    pub fn last_close(&self) -> JsValue {
        read(&self.js, "lastClose")
    }
}
