//! Bindings to `js/observer.js`: the MobileIMSDK objects handed to apps.

use wasm_bindgen::prelude::*;

use crate::core::mobileimsdk::Protocal;

#[wasm_bindgen(module = "/js/observer.js")]
extern "C" {
    #[wasm_bindgen(js_name = mimProtocal)]
    #[allow(clippy::too_many_arguments)]
    fn mim_protocal(
        bridge: bool,
        type_: i32,
        data_content: Option<String>,
        from: &str,
        to: &str,
        fp: Option<String>,
        qos: bool,
        typeu: i32,
        sm: f64,
        retry_count: u32,
    ) -> JsValue;

    /// `{errorCode, errorMsg}` for `onTransErrorCB`.
    #[wasm_bindgen(js_name = mimError)]
    pub fn mim_error(error_code: i32, error_msg: &str) -> JsValue;

    /// `{code, reason}` for `onKickoutCB`.
    #[wasm_bindgen(js_name = mimKickout)]
    pub fn mim_kickout(code: i32, reason: Option<String>) -> JsValue;

    /// An `Error` whose `code` property is a MobileIMSDK code.
    #[wasm_bindgen(js_name = mimCodeError)]
    pub fn mim_code_error(code: i32, message: &str) -> JsValue;
}

/// The app's view of `p`: seed properties and accessors; `retry_count` is
/// the local resend counter (the wire never carries it).
pub fn protocal_to_js(p: &Protocal, retry_count: u32) -> JsValue {
    mim_protocal(
        p.bridge,
        p.type_,
        p.data_content.clone(),
        &p.from,
        &p.to,
        p.fp.clone(),
        p.qos,
        p.typeu,
        p.sm as f64,
        retry_count,
    )
}
