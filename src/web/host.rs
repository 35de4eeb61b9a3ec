//! Bindings to `js/host.js`: clock, timers, randomness, console, environment.

use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// Wall-clock milliseconds (`Date.now()`): deadlines survive throttled timers.
    #[wasm_bindgen(js_name = now)]
    fn now_f64() -> f64;
    #[wasm_bindgen(js_name = armTimer)]
    pub fn arm_timer(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = disarmTimer)]
    pub fn disarm_timer(id: &JsValue);
    #[wasm_bindgen(js_name = randomSeed)]
    fn random_seed_f64() -> f64;
    /// Never throws (a console that throws is ignored).
    #[wasm_bindgen(js_name = reportError)]
    pub fn report_error(where_: &str, err: &JsValue);
    #[wasm_bindgen(js_name = warn)]
    pub fn warn(text: &str);
    #[wasm_bindgen(js_name = pageIsSecure)]
    pub fn page_is_secure() -> bool;
    /// Subscribes to network/visibility/app signals; returns the unsubscribe function.
    #[wasm_bindgen(js_name = watchEnvironment)]
    pub fn watch_environment(on_signal: &Function) -> Function;
}

/// Environment signals from `watchEnvironment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Online,
    Offline,
    PageVisible,
    PageHidden,
    AppHide,
    AppShow,
}

impl Signal {
    pub fn from_code(code: u32) -> Option<Signal> {
        Some(match code {
            1 => Signal::Online,
            2 => Signal::Offline,
            3 => Signal::PageVisible,
            4 => Signal::PageHidden,
            5 => Signal::AppHide,
            6 => Signal::AppShow,
            _ => return None,
        })
    }
}

/// Milliseconds since the epoch, as the core expects.
pub fn now() -> u64 {
    now_f64().max(0.0) as u64
}

/// A seed for the core's random source.
pub fn random_seed() -> u64 {
    random_seed_f64() as u64
}

/// Bytes of wasm linear memory (it grows, never shrinks): for the long-life tests.
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65_536) as f64
}
