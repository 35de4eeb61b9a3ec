//! The `Protocal` and framework-body readers on arbitrary text, in both
//! dialects (the first byte picks the dialect and the reader).
//!
//! Beyond "no panic": whatever is read, written back in the same dialect,
//! reads as the same packet (or body), so what the client acts on is what
//! it would send.
#![no_main]

use imsdk::core::mobileimsdk::bodies::{
    PErrorResponse, PKickoutInfo, PLoginInfo, PLoginInfoResponse,
};
use imsdk::core::mobileimsdk::{Dialect, Protocal};
use imsdk_fuzz::mobileimsdk_gen as gen;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let dialect = if first & 1 == 1 {
        Dialect::Srt
    } else {
        Dialect::Official
    };
    // One reader per input: each parses the whole text, and large texts dominate the time.
    match (first >> 1) % 5 {
        0 => {
            if let Ok(b) = PLoginInfo::from_json(text) {
                let again = PLoginInfo::from_json(&b.to_json(dialect));
                assert_eq!(again, Ok(gen::login_info_as_read(&b, dialect)));
            }
        }
        1 => {
            if let Ok(b) = PLoginInfoResponse::from_json(text) {
                assert_eq!(PLoginInfoResponse::from_json(&b.to_json()), Ok(b));
            }
        }
        2 => {
            if let Ok(b) = PErrorResponse::from_json(text) {
                assert_eq!(PErrorResponse::from_json(&b.to_json()).as_ref(), Ok(&b));
            }
        }
        3 => {
            if let Ok(b) = PKickoutInfo::from_json(text) {
                assert_eq!(PKickoutInfo::from_json(&b.to_json()).as_ref(), Ok(&b));
            }
        }
        _ => {
            if let Ok(p) = Protocal::from_json(text, dialect) {
                let again = Protocal::from_json(&p.to_json(dialect), dialect);
                assert_eq!(again, Ok(gen::as_read(&p, dialect)));
            }
        }
    }
});
