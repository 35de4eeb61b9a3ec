//! What `onTransErrorCB` reports: one cause per variant, converted once where
//! it leaves Rust (`crate::engine::mobileimsdk`) into the seed's code and a
//! text. The three causes found here share the seed's 4
//! (`COMMON_INVALID_PROTOCAL`); the text tells them apart.

use super::constants::code;
use super::protocal::ProtocalError;
use crate::core::text::push_uint;
use alloc::string::String;

/// Why a frame or packet could not be used, or the server's own error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransFault {
    /// An error packet from the server (type 52).
    Server {
        /// Its `errorCode`.
        code: i32,
        /// Its `errorMsg` (empty when it has none).
        msg: String,
    },
    /// A text frame that is not a packet.
    UnreadablePacket(ProtocalError),
    /// A binary frame (not part of the protocol) of this many bytes.
    BinaryFrame(usize),
    /// A login response whose `dataContent` could not be read.
    UnreadableLoginResponse,
}

impl TransFault {
    /// The code of `onTransErrorCB(code, msg)`.
    pub fn code(&self) -> i32 {
        match self {
            TransFault::Server { code, .. } => *code,
            TransFault::UnreadablePacket(_)
            | TransFault::BinaryFrame(_)
            | TransFault::UnreadableLoginResponse => code::COMMON_INVALID_PROTOCAL,
        }
    }

    /// The message of `onTransErrorCB(code, msg)`: the server's, or what could not be read.
    pub fn describe(&self, out: &mut String) {
        match self {
            TransFault::Server { msg, .. } => out.push_str(msg),
            TransFault::UnreadablePacket(e) => {
                out.push_str("unreadable packet: ");
                e.describe(out);
            }
            TransFault::BinaryFrame(len) => {
                out.push_str("unexpected binary frame of ");
                push_uint(out, *len as u64);
                out.push_str(" bytes");
            }
            TransFault::UnreadableLoginResponse => out.push_str("unreadable login response"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn text(f: &TransFault) -> String {
        let mut s = String::new();
        f.describe(&mut s);
        s
    }

    #[test]
    fn local_causes_keep_the_seed_code_and_differ_in_text() {
        let local = [
            TransFault::UnreadablePacket(ProtocalError::NotAnObject),
            TransFault::BinaryFrame(3),
            TransFault::UnreadableLoginResponse,
        ];
        assert!(local.iter().all(|f| f.code() == 4));
        let texts: Vec<String> = local.iter().map(text).collect();
        assert_eq!(texts[1], "unexpected binary frame of 3 bytes");
        assert_eq!(texts[2], "unreadable login response");
        assert!(texts[0].starts_with("unreadable packet: "), "{}", texts[0]);
        let server = TransFault::Server {
            code: 302,
            msg: "busy".to_string(),
        };
        assert_eq!((server.code(), text(&server).as_str()), (302, "busy"));
    }
}
