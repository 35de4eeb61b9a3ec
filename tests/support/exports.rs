//! The engine exports of this test binary's own copy of the engine, as one
//! object shaped like the glue module (what `defineIMService` and
//! `defineIMClientManager` take), and the JS calls both classes' drivers use.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// One protocol's exports (`src/web/<protocol>.rs`), named `<prefix>_<input>`:
/// inputs staged with `engine_input`, batches returned as addresses.
pub struct Engine {
    pub prefix: &'static str,
    pub create: fn(u32) -> u32,
    pub free: fn(u32),
    pub command: fn(u32, u32, f64) -> *const u8,
    pub open: fn(u32, u32, f64) -> *const u8,
    pub binary: fn(u32, u32, u32, f64) -> *const u8,
    pub text: fn(u32, u32, u32, f64) -> *const u8,
    /// The protocol's close, whose arguments differ (a closure of its own).
    pub close: JsValue,
    pub timer: fn(u32, f64) -> *const u8,
}

/// A batch address as JS receives it (a wasm32 pointer is a u32).
pub fn at(p: *const u8) -> u32 {
    p as u32
}

/// The exports object of `e`, with `wasm_memory_bytes` and what
/// `js/engine/exchange.js` reads: the staging exports and this binary's memory.
pub fn exports(e: Engine) -> JsValue {
    let o = Object::new();
    let set = |name: String, f: JsValue| {
        Reflect::set(&o, &name.into(), &f).unwrap();
    };
    let named = |input: &str| format!("{}_{input}", e.prefix);
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
    set(
        named("create"),
        Closure::<dyn Fn(u32) -> u32>::new(create).into_js_value(),
    );
    set(
        named("free"),
        Closure::<dyn Fn(u32)>::new(free).into_js_value(),
    );
    let command =
        Closure::<dyn Fn(u32, u32, f64) -> u32>::new(move |h, len, now| at(command(h, len, now)));
    set(named("command"), command.into_js_value());
    let open =
        Closure::<dyn Fn(u32, u32, f64) -> u32>::new(move |h, conn, now| at(open(h, conn, now)));
    set(named("open"), open.into_js_value());
    let binary = Closure::<dyn Fn(u32, u32, u32, f64) -> u32>::new(move |h, conn, len, now| {
        at(binary(h, conn, len, now))
    });
    set(named("binary"), binary.into_js_value());
    let text = Closure::<dyn Fn(u32, u32, u32, f64) -> u32>::new(move |h, conn, len, now| {
        at(text(h, conn, len, now))
    });
    set(named("text"), text.into_js_value());
    set(named("close"), e.close.clone());
    let timer = Closure::<dyn Fn(u32, f64) -> u32>::new(move |h, now| at(timer(h, now)));
    set(named("timer"), timer.into_js_value());
    let memory = Closure::<dyn Fn() -> f64>::new(imsdk::web::wasm_memory_bytes);
    set("wasm_memory_bytes".into(), memory.into_js_value());
    let input =
        Closure::<dyn Fn(u32) -> u32>::new(|len| at(imsdk::web::exchange::engine_input(len)));
    set("engine_input".into(), input.into_js_value());
    let len_at =
        Closure::<dyn Fn() -> u32>::new(|| imsdk::web::exchange::engine_batch_len_at() as u32);
    set("engine_batch_len_at".into(), len_at.into_js_value());
    set("memory".into(), wasm_bindgen::memory());
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
