//! The engine side of the wasm boundary, in pure Rust (host-testable): what
//! crosses it per pump, in compact byte encodings that the JS classes read
//! (`js/engine/`). The wasm exports that use it live in `src/web/`.

pub mod batch;
pub mod machine;
pub mod pump;
