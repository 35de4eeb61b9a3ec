//! Bindings to `js/observer.js`: guarded observer calls and message objects.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/observer.js")]
extern "C" {
    /// Calls `primary[primary_name]`, else `fallback[fallback_name]`, isolating exceptions.
    pub fn notify(
        primary: &JsValue,
        primary_name: &str,
        fallback: &JsValue,
        fallback_name: &str,
        a: &JsValue,
        b: &JsValue,
    ) -> bool;

    /// Calls a plain callback function, isolating exceptions.
    pub fn invoke(f: &JsValue, name: &str, a: &JsValue, b: &JsValue) -> bool;

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
