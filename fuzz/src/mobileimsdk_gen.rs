//! Valid MobileIMSDK packets and bodies built from fuzz bytes, with texts
//! from empty to past the 64 KiB frame limit.

use crate::input::Input;
use imsdk::core::mobileimsdk::bodies::{
    PErrorResponse, PKickoutInfo, PLoginInfo, PLoginInfoResponse,
};
use imsdk::core::mobileimsdk::client::MAX_FRAME_BYTES;
use imsdk::core::mobileimsdk::{Dialect, Protocal};

/// Every packet type of both dialects, plus a few no one defines.
pub const TYPES: &[i32] = &[
    0,
    1,
    2,
    3,
    4,
    5,
    50,
    51,
    52,
    53,
    54,
    -1,
    6,
    55,
    i32::MAX,
    i32::MIN,
];

/// Texts are drawn around this length so some frames land on either side of the limit.
pub const NEAR_LIMIT: usize = MAX_FRAME_BYTES - 160;

pub fn dialect(inp: &mut Input) -> Dialect {
    if inp.bool() {
        Dialect::Srt
    } else {
        Dialect::Official
    }
}

fn opt_text(inp: &mut Input, limit: usize) -> Option<String> {
    inp.bool().then(|| inp.text(limit))
}

/// Any packet.
pub fn protocal(inp: &mut Input) -> Protocal {
    Protocal {
        bridge: inp.bool(),
        type_: inp.pick(TYPES),
        data_content: opt_text(inp, NEAR_LIMIT),
        from: inp.text(64),
        to: inp.text(64),
        fp: opt_text(inp, 64),
        qos: inp.bool(),
        typeu: inp.i32(),
        sm: inp.edgy_i64(),
    }
}

/// What reading `p.to_json(dialect)` must give back: SRT writes a negative
/// `sm` as a null `sendTs`, which reads as -1.
pub fn as_read(p: &Protocal, dialect: Dialect) -> Protocal {
    let mut p = p.clone();
    if dialect == Dialect::Srt && p.sm < 0 {
        p.sm = -1;
    }
    p
}

pub fn login_info(inp: &mut Input) -> PLoginInfo {
    PLoginInfo {
        login_user_id: inp.text(64),
        login_token: inp.text(64),
        extra: opt_text(inp, 64),
        first_login_time: inp.edgy_i64(),
        app: opt_text(inp, 64),
    }
}

/// What reading `info.to_json(dialect)` must give back: each dialect writes
/// only its own last field.
pub fn login_info_as_read(info: &PLoginInfo, dialect: Dialect) -> PLoginInfo {
    let mut info = info.clone();
    match dialect {
        Dialect::Official => info.app = None,
        Dialect::Srt => info.first_login_time = 0,
    }
    info
}

pub fn login_response(inp: &mut Input) -> PLoginInfoResponse {
    PLoginInfoResponse {
        code: inp.i32(),
        first_login_time: inp.edgy_i64(),
    }
}

pub fn error_response(inp: &mut Input) -> PErrorResponse {
    PErrorResponse {
        error_code: inp.i32(),
        error_msg: opt_text(inp, 64),
    }
}

pub fn kickout(inp: &mut Input) -> PKickoutInfo {
    PKickoutInfo {
        code: inp.i32(),
        reason: opt_text(inp, 64),
    }
}
