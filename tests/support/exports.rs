//! The engine exports of this test binary's own copy of the engine, as one
//! object shaped like the glue module (what `defineIMService` and
//! `defineIMClientManager` take), and the JS calls both classes' drivers use.

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// wasm-bindgen copies a JS file into the test bundle only when something
// imports from it: the modules both classes import, named once each.
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
#[wasm_bindgen(module = "/js/api/log.js")]
extern "C" {
    #[wasm_bindgen(js_name = logOf)]
    fn _log_of(target: &JsValue) -> JsValue;
}

/// One protocol's exports (`src/web/<protocol>.rs`), named `<prefix>_<input>`.
pub struct Engine {
    pub prefix: &'static str,
    pub create: fn(&[u8]) -> u32,
    pub free: fn(u32),
    pub command: fn(u32, &[u8], f64) -> Vec<u8>,
    pub open: fn(u32, u32, f64) -> Vec<u8>,
    pub binary: fn(u32, u32, &[u8], f64) -> Vec<u8>,
    pub text: fn(u32, u32, &str, f64) -> Vec<u8>,
    /// The protocol's close, whose arguments differ (a closure of its own).
    pub close: JsValue,
    pub timer: fn(u32, f64) -> Vec<u8>,
}

/// A batch as JS receives it.
pub fn bytes(v: Vec<u8>) -> Uint8Array {
    Uint8Array::from(&v[..])
}

/// The exports object of `e`, with `wasm_memory_bytes`.
pub fn exports(e: Engine) -> JsValue {
    let o = Object::new();
    let set = |input: &str, f: JsValue| {
        let name = format!("{}_{input}", e.prefix);
        Reflect::set(&o, &name.into(), &f).unwrap();
    };
    let Engine {
        create,
        free,
        command,
        open,
        binary,
        text,
        timer,
        ..
    } = e;
    let create =
        Closure::<dyn Fn(Uint8Array) -> u32>::new(move |s: Uint8Array| create(&s.to_vec()));
    set("create", create.into_js_value());
    set("free", Closure::<dyn Fn(u32)>::new(free).into_js_value());
    let command =
        Closure::<dyn Fn(u32, Uint8Array, f64) -> Uint8Array>::new(move |h, c: Uint8Array, now| {
            bytes(command(h, &c.to_vec(), now))
        });
    set("command", command.into_js_value());
    let open = Closure::<dyn Fn(u32, u32, f64) -> Uint8Array>::new(move |h, conn, now| {
        bytes(open(h, conn, now))
    });
    set("open", open.into_js_value());
    let binary = Closure::<dyn Fn(u32, u32, Uint8Array, f64) -> Uint8Array>::new(
        move |h, conn, b: Uint8Array, now| bytes(binary(h, conn, &b.to_vec(), now)),
    );
    set("binary", binary.into_js_value());
    let text = Closure::<dyn Fn(u32, u32, String, f64) -> Uint8Array>::new(
        move |h, conn, t: String, now| bytes(text(h, conn, &t, now)),
    );
    set("text", text.into_js_value());
    set("close", e.close.clone());
    let timer = Closure::<dyn Fn(u32, f64) -> Uint8Array>::new(move |h, now| bytes(timer(h, now)));
    set("timer", timer.into_js_value());
    let memory = Closure::<dyn Fn() -> f64>::new(imsdk::web::wasm_memory_bytes);
    Reflect::set(&o, &"wasm_memory_bytes".into(), &memory.into_js_value()).unwrap();
    o.into()
}

/// Calls `target[name](...args)` as JS would.
pub fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &name.into())?.dyn_into()?;
    f.apply(target, &args.iter().collect::<Array>())
}

/// `target[name]`.
pub fn read(target: &JsValue, name: &str) -> JsValue {
    Reflect::get(target, &name.into()).unwrap()
}
