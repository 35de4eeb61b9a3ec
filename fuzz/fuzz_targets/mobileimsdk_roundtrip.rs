//! Every valid MobileIMSDK packet and framework body survives
//! `to_json` then `from_json` unchanged, in both dialects, and the text
//! written is plain JSON the reader accepts.
#![no_main]

use imsdk::core::mobileimsdk::bodies::{
    PErrorResponse, PKickoutInfo, PLoginInfo, PLoginInfoResponse,
};
use imsdk::core::mobileimsdk::{json, Protocal};
use imsdk_fuzz::input::Input;
use imsdk_fuzz::mobileimsdk_gen as gen;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut inp = Input::new(data);
    let dialect = gen::dialect(&mut inp);
    match inp.u8() % 5 {
        0 => {
            let info = gen::login_info(&mut inp);
            let back = PLoginInfo::from_json(&info.to_json(dialect)).expect("login body");
            assert_eq!(back, gen::login_info_as_read(&info, dialect));
        }
        1 => {
            let r = gen::login_response(&mut inp);
            assert_eq!(PLoginInfoResponse::from_json(&r.to_json()), Ok(r));
        }
        2 => {
            let r = gen::error_response(&mut inp);
            assert_eq!(PErrorResponse::from_json(&r.to_json()).as_ref(), Ok(&r));
        }
        3 => {
            let r = gen::kickout(&mut inp);
            assert_eq!(PKickoutInfo::from_json(&r.to_json()).as_ref(), Ok(&r));
        }
        _ => {
            let p = gen::protocal(&mut inp);
            let text = p.to_json(dialect);
            assert!(json::parse(&text).is_ok(), "wrote text that is not JSON");
            let back = Protocal::from_json(&text, dialect).expect("a written packet reads");
            assert_eq!(back, gen::as_read(&p, dialect));
        }
    }
});
