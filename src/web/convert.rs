//! JS values to core types and back, with errors that name the field.
//!
//! 64-bit ids follow im.js: a Number below 2^53 in magnitude, a decimal
//! string above; BigInt is accepted on input. A Number at or above 2^53 is
//! refused: it is no longer exact, so it may name another user.
//!
//! `js/checks.js` repeats these rules for the ready facade before the wasm
//! has loaded; the facade parity suite (tests/facade) keeps the two identical.

use js_sys::{BigInt, JsString, RangeError, Reflect, TypeError};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Largest magnitude a JS Number holds exactly.
const SAFE: f64 = 9_007_199_254_740_992.0; // 2^53

pub fn type_error(msg: &str) -> JsValue {
    TypeError::new(msg).into()
}

pub fn range_error(msg: &str) -> JsValue {
    RangeError::new(msg).into()
}

/// Reads `obj[name]`; a non-object `obj` is a TypeError naming `what`.
pub fn field(obj: &JsValue, name: &str, what: &str) -> Result<JsValue, JsValue> {
    if !obj.is_object() {
        return Err(type_error(&format!("{what} must be an object")));
    }
    Reflect::get(obj, &JsValue::from_str(name))
        .map_err(|_| type_error(&format!("cannot read {what}.{name}")))
}

/// A required 64-bit id.
pub fn id(v: &JsValue, name: &str) -> Result<i64, JsValue> {
    if let Some(n) = v.as_f64() {
        if !n.is_finite() || n.fract() != 0.0 {
            return Err(type_error(&format!("{name} must be an integer")));
        }
        if n.abs() >= SAFE {
            return Err(range_error(&format!(
                "{name} is 2^53 or more, not exact as a Number: pass it as a decimal string or a BigInt"
            )));
        }
        return Ok(n as i64);
    }
    if let Some(s) = v.as_string() {
        return s
            .trim()
            .parse::<i64>()
            .map_err(|_| type_error(&format!("{name} must be a number or a decimal string")));
    }
    if let Some(b) = v.dyn_ref::<BigInt>() {
        let text: String = b.to_string(10).map(String::from).unwrap_or_default();
        return text
            .parse::<i64>()
            .map_err(|_| range_error(&format!("{name} is out of the 64-bit range")));
    }
    if v.is_undefined() || v.is_null() {
        return Err(type_error(&format!("{name} is required")));
    }
    Err(type_error(&format!(
        "{name} must be a number, a decimal string or a BigInt"
    )))
}

/// An optional 64-bit id (`undefined`/`null` is 0, as im.js writes it).
pub fn optional_id(v: &JsValue, name: &str) -> Result<i64, JsValue> {
    if v.is_undefined() || v.is_null() {
        Ok(0)
    } else {
        id(v, name)
    }
}

/// An id for JS: a Number when exact, else a decimal string.
pub fn id_to_js(v: i64) -> JsValue {
    if (v as f64).abs() < SAFE {
        JsValue::from_f64(v as f64)
    } else {
        JsValue::from_str(&v.to_string())
    }
}

/// A 32-bit field (`timestamp`, `msgLocalID`); `undefined`/`null` is 0.
/// An integer from -2^31 to 2^32 - 1 (unsigned values wrap, as im.js's
/// bitwise writes did); NaN, Infinity and fractions are refused.
pub fn int32(v: &JsValue, name: &str) -> Result<i32, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(0);
    }
    let Some(n) = v.as_f64() else {
        return Err(type_error(&format!("{name} must be a number")));
    };
    if !n.is_finite() || n.fract() != 0.0 {
        return Err(type_error(&format!("{name} must be an integer")));
    }
    if !(-2_147_483_648.0..4_294_967_296.0).contains(&n) {
        return Err(range_error(&format!(
            "{name} must be an integer from -2^31 to 2^32 - 1"
        )));
    }
    Ok(n as i64 as i32)
}

/// Required text: a string of well-formed UTF-16 whose UTF-8 form fits
/// `max_bytes`. A string longer than `max_bytes` UTF-16 units is refused
/// before anything is copied into wasm (its UTF-8 form is at least as long).
pub fn text(v: &JsValue, name: &str, max_bytes: usize) -> Result<String, JsValue> {
    let Some(js) = v.dyn_ref::<JsString>() else {
        return Err(type_error(&format!("{name} must be a string")));
    };
    let too_long = || {
        range_error(&format!(
            "{name} is over the limit of {max_bytes} bytes of UTF-8"
        ))
    };
    if js.length() as usize > max_bytes {
        return Err(too_long());
    }
    if !js.is_valid_utf16() {
        return Err(range_error(&format!(
            "{name} contains an unpaired surrogate"
        )));
    }
    let s: String = js.into();
    if s.len() > max_bytes {
        return Err(too_long());
    }
    Ok(s)
}

/// Optional text (`undefined`/`null` gives `None`).
pub fn optional_text(v: &JsValue, name: &str, max_bytes: usize) -> Result<Option<String>, JsValue> {
    if v.is_undefined() || v.is_null() {
        Ok(None)
    } else {
        text(v, name, max_bytes).map(Some)
    }
}
