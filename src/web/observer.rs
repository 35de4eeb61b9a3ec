//! Bindings to `js/observer.js`: guarded observer calls and message objects.
//!
//! The calls into application code are imported with `catch`: an exception
//! that escaped the JS guard anyway (a throwing getter, a Proxy trap, a
//! console that throws) comes back as an `Err` here instead of unwinding
//! through the runtime's pump, which would stay marked as running.

use wasm_bindgen::prelude::*;

use super::host;

#[wasm_bindgen(module = "/js/observer.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = notify)]
    fn notify_js(
        primary: &JsValue,
        primary_name: &str,
        fallback: &JsValue,
        fallback_name: &str,
        a: &JsValue,
        b: &JsValue,
    ) -> Result<bool, JsValue>;

    #[wasm_bindgen(js_name = imMessage)]
    pub fn im_message(
        seq: i32,
        cmd: u8,
        flag: u8,
        sender: JsValue,
        receiver: JsValue,
        timestamp: i32,
        content: &str,
    ) -> JsValue;

    #[wasm_bindgen(js_name = relayMessage)]
    pub fn relay_message(
        seq: i32,
        cmd: u8,
        flag: u8,
        sender: JsValue,
        receiver: JsValue,
        content: &str,
    ) -> JsValue;

    #[wasm_bindgen(js_name = customerMessage)]
    #[allow(clippy::too_many_arguments)]
    pub fn customer_message(
        seq: i32,
        flag: u8,
        sender_app_id: JsValue,
        sender: JsValue,
        receiver_app_id: JsValue,
        receiver: JsValue,
        timestamp: i32,
        content: &str,
    ) -> JsValue;

    pub fn failure(reason: &str, status: JsValue) -> JsValue;
}

/// Calls `primary[primary_name]`, else `fallback[fallback_name]`; true when a
/// callback ran. Whatever the application code throws is reported, never rethrown.
pub fn notify(
    primary: &JsValue,
    primary_name: &str,
    fallback: &JsValue,
    fallback_name: &str,
    a: &JsValue,
    b: &JsValue,
) -> bool {
    notify_js(primary, primary_name, fallback, fallback_name, a, b).unwrap_or_else(|err| {
        host::report_error(fallback_name, &err);
        true
    })
}
