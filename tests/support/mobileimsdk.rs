//! The JS class `IMClientManager` (js/engine/mobileimsdk.js) for the
//! wasm-bindgen suites, over this test binary's own copy of the engine
//! exports (`imsdk::web::mobileimsdk`): each [`Class::fresh`] is a new class
//! with its own singleton, and [`ImClientManager`] calls its members as JS
//! would.
#![allow(dead_code)]

pub use super::exports::call;
use super::exports::{at, read};
use imsdk::web::mobileimsdk as engine;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/target/wasm-test-js/support.js")]
extern "C" {
    #[wasm_bindgen(js_name = defineIMClientManager)]
    fn define_class(engine: &JsValue) -> JsValue;
}

#[wasm_bindgen(module = "/target/wasm-test-js/support.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = MOBILEIMSDK_CONSTANTS)]
    static MOBILEIMSDK_CONSTANTS: JsValue;
}

/// The engine exports as the glue module has them (what `defineIMClientManager` takes).
fn exports() -> JsValue {
    let close = Closure::<dyn Fn(u32, u32, u32, u32, bool, f64) -> u32>::new(
        |h, conn, code, len, error, now| {
            at(engine::mobileimsdk_close(h, conn, code, len, error, now))
        },
    );
    super::exports::exports(super::exports::Engine {
        prefix: "mobileimsdk",
        create: engine::mobileimsdk_create,
        free: engine::mobileimsdk_free,
        command: engine::mobileimsdk_command,
        open: engine::mobileimsdk_open,
        binary: engine::mobileimsdk_binary,
        text: engine::mobileimsdk_text,
        close: close.into_js_value(),
        timer: engine::mobileimsdk_timer,
    })
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
