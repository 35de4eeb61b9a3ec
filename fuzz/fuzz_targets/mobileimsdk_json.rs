//! The JSON reader on arbitrary text (what a MobileIMSDK server can send).
//!
//! Beyond "no panic": an accepted document written back reads as the same
//! value and writing is a fixed point; nesting stays within `MAX_DEPTH`; an
//! error points inside the text.
#![no_main]

use imsdk::core::mobileimsdk::json::{self, Value, MAX_DEPTH};
use imsdk_fuzz::json_text;
use libfuzzer_sys::fuzz_target;

fn depth(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(members) => 1 + members.iter().map(|(_, v)| depth(v)).max().unwrap_or(0),
        _ => 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match json::parse(text) {
        Ok(v) => {
            assert!(depth(&v) <= MAX_DEPTH, "accepted nesting over MAX_DEPTH");
            let written = json_text::write(&v);
            let back = json::parse(&written).expect("written JSON must read");
            assert_eq!(back, v, "parse(write(v)) != v for {written}");
            assert_eq!(
                json_text::write(&back),
                written,
                "writing is not a fixed point"
            );
        }
        Err(e) => assert!(e.offset <= text.len(), "error offset past the end"),
    }
});
