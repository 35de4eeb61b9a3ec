//! The engine side of the wasm boundary, in pure Rust (host-testable): what
//! crosses it per pump, in compact byte encodings that the JS classes read
//! (`js/engine/`). The wasm exports that use it live in `src/web/`.

pub mod batch;
#[cfg(test)]
mod driver;
#[cfg(feature = "gobelieve")]
pub mod gobelieve;
#[cfg(all(test, feature = "gobelieve", feature = "mobileimsdk"))]
mod js_tables;
#[cfg(feature = "mobileimsdk")]
pub mod mobileimsdk;
pub mod pump;
pub mod shell;
pub mod wire;
