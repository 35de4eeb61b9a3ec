//! Bindings to `js/transport.js`, the one socket abstraction for browsers,
//! Node and WeChat mini-programs.

use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/transport.js")]
extern "C" {
    /// A socket opened by the transport; reports through the callback given to `open`.
    pub type Socket;

    /// Opens a socket; `on_event(conn, kind, data)` receives its events. A
    /// frame over `max_frame` bytes closes it (code 1009) without being passed on.
    #[wasm_bindgen(catch, js_name = openSocket)]
    pub fn open_socket(
        url: &str,
        conn: u32,
        binary: bool,
        max_frame: u32,
        on_event: &Function,
    ) -> Result<Socket, JsValue>;

    /// Sends a copy of `data` (the JS side copies it into an owned ArrayBuffer).
    #[wasm_bindgen(method, catch, js_name = sendBytes)]
    pub fn send_bytes(this: &Socket, data: &[u8]) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = sendText)]
    pub fn send_text(this: &Socket, text: &str) -> Result<(), JsValue>;

    /// Detaches every handler and closes the socket, whatever its state.
    #[wasm_bindgen(method)]
    pub fn close(this: &Socket);
}

/// Event kinds passed to the socket callback (see `js/transport.js`).
pub const EVENT_OPEN: u32 = 0;
pub const EVENT_BINARY: u32 = 1;
pub const EVENT_TEXT: u32 = 2;
pub const EVENT_CLOSED: u32 = 3;
