//! Shared helpers for the wasm-bindgen-test suites: the dev server's address
//! (fixed at compile time by the test harness), HTTP calls to its API,
//! recording observers and bounded waits.
#![allow(dead_code)]

pub mod exports;
#[cfg(feature = "gobelieve")]
pub mod gobelieve;
#[cfg(feature = "mobileimsdk")]
pub mod mobileimsdk;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/target/wasm-test-js/support.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn post(url: &str) -> Result<JsValue, JsValue>;
    /// An object with a recording method per name; calls land in `.calls`.
    pub fn recorder(names: Array) -> JsValue;
    /// Like `recorder`, but the methods named in `throwing` throw after recording.
    #[wasm_bindgen(js_name = throwingRecorder)]
    pub fn throwing_recorder(names: Array, throwing: Array) -> JsValue;
    #[wasm_bindgen(js_name = countNamed)]
    pub fn count_named(rec: &JsValue, name: &str) -> u32;
    #[wasm_bindgen(js_name = callsNamed)]
    pub fn calls_named(rec: &JsValue, name: &str) -> Array;
    pub async fn sleep(ms: u32);
}

/// The dev server's base URL, e.g. `http://127.0.0.1:40123`.
pub fn base_url() -> &'static str {
    match option_env!("IM_DEVSERVER_URL") {
        Some(url) => url,
        None => panic!("IM_DEVSERVER_URL is set at compile time by `npm test` (scripts/test.sh)"),
    }
}

pub fn ws_url(path: &str) -> String {
    format!("{}{path}", base_url().replacen("http://", "ws://", 1))
}

/// POSTs to the dev server's API and returns the body.
pub async fn api(path_and_query: &str) -> String {
    let url = format!("{}{path_and_query}", base_url());
    post(&url)
        .await
        .unwrap_or_else(|e| panic!("POST {url} failed: {e:?}"))
        .as_string()
        .unwrap_or_default()
}

/// Mints a GoBelieve token for `uid`.
pub async fn token(uid: i64) -> String {
    let body = api(&format!("/api/token?uid={uid}")).await;
    let v = js_sys::JSON::parse(&body).expect("token response is JSON");
    Reflect::get(&v, &"token".into())
        .unwrap()
        .as_string()
        .expect("token field")
}

/// A uid unlikely to collide with another test's in the same server run.
pub fn fresh_uid() -> i64 {
    (js_sys::Math::random() * 1e9) as i64 + 1_000_000
}

/// Waits until `cond` holds, failing the test after `ms` milliseconds.
pub async fn wait_until(what: &str, ms: f64, cond: impl Fn() -> bool) {
    let start = js_sys::Date::now();
    while !cond() {
        if js_sys::Date::now() - start > ms {
            panic!("timed out after {ms} ms waiting for {what}");
        }
        sleep(10).await;
    }
}

/// Builds a plain JS object from `(key, value)` pairs.
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

pub fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub fn names(list: &[&str]) -> Array {
    list.iter().map(|s| JsValue::from_str(s)).collect()
}
