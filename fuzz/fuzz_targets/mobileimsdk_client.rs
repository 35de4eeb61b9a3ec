//! The MobileIMSDK `Client` under an arbitrary op list: see
//! `imsdk_fuzz::mobileimsdk_harness` for the ops and the invariants checked.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| imsdk_fuzz::mobileimsdk_harness::run(data));
