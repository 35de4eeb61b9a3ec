//! Writes a parsed JSON [`Value`] back as text, so the reader can be checked
//! with `parse(write(v)) == v`. Numbers keep their class: an exact integer is
//! written in integer syntax, anything else as a fraction (the reader keeps
//! no value for those, so an integral double above 2^53 stays a non-integer).

use imsdk::core::mobileimsdk::json::{write_string, Value};
use std::fmt::Write as _;

/// `v` as compact JSON text.
pub fn write(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v);
    out
}

fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.int {
            Some(i) => {
                let _ = write!(out, "{i}");
            }
            // The reader keeps no value for a non-integer (the SDK never reads
            // one): any non-integer reads back the same.
            None => out.push_str("0.5"),
        },
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}
