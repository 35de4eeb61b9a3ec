//! The wasm-bindgen layer: JS classes, socket and timer drivers, observer calls.
