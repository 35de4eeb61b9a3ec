//! The GoBelieve binary packet: a 12-byte big-endian header
//! `{length i32 (body only), seq i32, cmd u8, version u8, flag u8, 0}` and a
//! body whose layout depends on `cmd` (and, for ACK and v0 IM, on `version`).
//!
//! Both directions are covered, so the dev server reuses this codec. Decoding
//! never panics: short or malformed input is a [`DecodeError`], a length over
//! the protocol limit is refused before anything is allocated, and text is
//! decoded leniently (invalid UTF-8 becomes U+FFFD) so a message is never lost
//! to a bad byte.

use super::command::*;
use super::secret::Secret;
use crate::core::text::{push_int, push_uint, utf8_lossy};
use alloc::string::String;
use alloc::vec::Vec;

#[cfg(test)]
mod tests;

/// The fixed header of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Body length in bytes (the header is not counted).
    pub length: usize,
    /// The sender's per-connection sequence number.
    pub seq: i32,
    /// Command number (`MSG_*`).
    pub cmd: u8,
    /// Protocol version of the connection.
    pub version: u8,
    /// `MESSAGE_FLAG_*` bits.
    pub flag: u8,
}

/// A stored message (`MSG_IM`, `MSG_GROUP_IM`); `receiver` is the group id for groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Im {
    pub sender: i64,
    pub receiver: i64,
    /// Server time in seconds on receipt; absent (0) in version-0 bodies.
    pub timestamp: i32,
    /// The sender's local message id (`msgLocalID`), forwarded unchanged.
    pub msgid: i32,
    pub content: String,
}

/// A relayed, unstored message (`MSG_RT`, `MSG_ROOM_IM`; `receiver` = room id for rooms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relay {
    pub sender: i64,
    pub receiver: i64,
    pub content: String,
}

/// A customer-service message (`MSG_CUSTOMER`, V2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub sender_app_id: i64,
    pub sender: i64,
    pub receiver_app_id: i64,
    pub receiver: i64,
    pub timestamp: i32,
    pub content: String,
}

/// A body, one variant per command. The command number follows from the variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// 3: `status` i32 (0 ok).
    AuthStatus { status: i32 },
    /// 4: peer message.
    Im(Im),
    /// 5: ACK of the packet with `seq`; `status` is written only when `Some`
    /// (the server sends it to version ≥ 2 connections).
    Ack { seq: i32, status: Option<u8> },
    /// 7: group change, JSON text.
    GroupNotification(String),
    /// 8: group message.
    GroupIm(Im),
    /// 13: empty.
    Ping,
    /// 14: empty.
    Pong,
    /// 15: platform, token (≤ 255 bytes; redacted in `Debug`), device id (≤ 255 bytes).
    AuthToken {
        platform_id: u8,
        token: Secret,
        device_id: String,
    },
    /// 17: real-time message.
    Rt(Relay),
    /// 18: `room_id` i64.
    EnterRoom { room_id: i64 },
    /// 19: `room_id` i64.
    LeaveRoom { room_id: i64 },
    /// 20: room message.
    RoomIm(Relay),
    /// 21: system text.
    System(String),
    /// 22: `count` i32.
    UnreadCount { count: i32 },
    /// 26: sync the peer queue from `sync_key` (0 = the server's stored key).
    Sync { sync_key: i64 },
    /// 27.
    SyncBegin { sync_key: i64 },
    /// 28.
    SyncEnd { sync_key: i64 },
    /// 29.
    SyncNotify { sync_key: i64 },
    /// 30.
    SyncGroup { group_id: i64, sync_key: i64 },
    /// 31.
    SyncGroupBegin { group_id: i64, sync_key: i64 },
    /// 32.
    SyncGroupEnd { group_id: i64, sync_key: i64 },
    /// 33.
    SyncGroupNotify { group_id: i64, sync_key: i64 },
    /// 34.
    SyncKey { sync_key: i64 },
    /// 35.
    GroupSyncKey { group_id: i64, sync_key: i64 },
    /// 36: notification text.
    Notification(String),
    /// 37: keys of the packet that follows; 16 zero bytes of padding on the wire.
    Metadata { sync_key: i64, prev_sync_key: i64 },
    /// 64: customer-service message.
    Customer(Customer),
}

impl Body {
    /// The command number of this body.
    pub fn cmd(&self) -> u8 {
        match self {
            Body::AuthStatus { .. } => MSG_AUTH_STATUS,
            Body::Im(_) => MSG_IM,
            Body::Ack { .. } => MSG_ACK,
            Body::GroupNotification(_) => MSG_GROUP_NOTIFICATION,
            Body::GroupIm(_) => MSG_GROUP_IM,
            Body::Ping => MSG_PING,
            Body::Pong => MSG_PONG,
            Body::AuthToken { .. } => MSG_AUTH_TOKEN,
            Body::Rt(_) => MSG_RT,
            Body::EnterRoom { .. } => MSG_ENTER_ROOM,
            Body::LeaveRoom { .. } => MSG_LEAVE_ROOM,
            Body::RoomIm(_) => MSG_ROOM_IM,
            Body::System(_) => MSG_SYSTEM,
            Body::UnreadCount { .. } => MSG_UNREAD_COUNT,
            Body::Sync { .. } => MSG_SYNC,
            Body::SyncBegin { .. } => MSG_SYNC_BEGIN,
            Body::SyncEnd { .. } => MSG_SYNC_END,
            Body::SyncNotify { .. } => MSG_SYNC_NOTIFY,
            Body::SyncGroup { .. } => MSG_SYNC_GROUP,
            Body::SyncGroupBegin { .. } => MSG_SYNC_GROUP_BEGIN,
            Body::SyncGroupEnd { .. } => MSG_SYNC_GROUP_END,
            Body::SyncGroupNotify { .. } => MSG_SYNC_GROUP_NOTIFY,
            Body::SyncKey { .. } => MSG_SYNC_KEY,
            Body::GroupSyncKey { .. } => MSG_GROUP_SYNC_KEY,
            Body::Notification(_) => MSG_NOTIFICATION,
            Body::Metadata { .. } => MSG_METADATA,
            Body::Customer(_) => MSG_CUSTOMER,
        }
    }
}

/// A whole packet: header fields plus body (the cmd and length come from the body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub seq: i32,
    pub version: u8,
    pub flag: u8,
    pub body: Body,
}

/// Why a frame could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// Fewer than 12 bytes.
    ShortHeader { len: usize },
    /// The `length` field is negative or at least 32 KiB.
    BadLength(i32),
    /// The frame ends before `12 + length`.
    Truncated { expected: usize, got: usize },
    /// The body is shorter than the command's minimum (or its length prefixes overrun it).
    BodyTooShort { cmd: u8, len: usize },
    /// PING or PONG with a body.
    BodyNotEmpty { cmd: u8 },
    /// A command this codec does not know (including legacy 24/25, which the
    /// server accepts and ignores).
    UnknownCommand(u8),
}

impl DecodeError {
    /// Appends the description (what `Display` shows), without `core::fmt`.
    pub fn describe(&self, out: &mut String) {
        let n = |out: &mut String, v: usize| push_uint(out, v as u64);
        match *self {
            DecodeError::ShortHeader { len } => {
                out.push_str("frame of ");
                n(out, len);
                out.push_str(" bytes has no full header");
            }
            DecodeError::BadLength(len) => {
                out.push_str("body length ");
                push_int(out, len.into());
                out.push_str(" out of range 0..32768");
            }
            DecodeError::Truncated { expected, got } => {
                out.push_str("frame truncated: ");
                n(out, got);
                out.push_str(" of ");
                n(out, expected);
                out.push_str(" bytes");
            }
            DecodeError::BodyTooShort { cmd, len } => {
                out.push_str("body of ");
                n(out, len);
                out.push_str(" bytes too short for command ");
                n(out, cmd.into());
            }
            DecodeError::BodyNotEmpty { cmd } => {
                out.push_str("command ");
                n(out, cmd.into());
                out.push_str(" must have an empty body");
            }
            DecodeError::UnknownCommand(cmd) => {
                out.push_str("unknown command ");
                n(out, cmd.into());
            }
        }
    }
}

crate::core::text::display_by_describe!(DecodeError);

/// Why a packet could not be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodeError {
    /// The body would reach the 32 KiB protocol limit.
    BodyTooLong { len: usize },
    /// The auth token is over 255 bytes of UTF-8.
    TokenTooLong,
    /// The device id is over 255 bytes of UTF-8.
    DeviceIdTooLong,
    /// The token and the device id are both empty: a body of 3 bytes, which
    /// the server refuses as unparsable (and [`decode`] too).
    EmptyAuth,
}

impl EncodeError {
    /// Appends the description (what `Display` shows), without `core::fmt`.
    pub fn describe(&self, out: &mut String) {
        match *self {
            EncodeError::BodyTooLong { len } => {
                out.push_str("body of ");
                push_uint(out, len as u64);
                out.push_str(" bytes over the ");
                push_uint(out, MAX_BODY_LEN as u64);
                out.push_str("-byte limit");
            }
            EncodeError::TokenTooLong => out.push_str("access token longer than 255 bytes"),
            EncodeError::DeviceIdTooLong => out.push_str("device id longer than 255 bytes"),
            EncodeError::EmptyAuth => out.push_str("no access token (and no device id)"),
        }
    }
}

crate::core::text::display_by_describe!(EncodeError);

/// Reads and checks the header: the whole body must be present and within the limit.
pub fn decode_header(frame: &[u8]) -> Result<Header, DecodeError> {
    let Some(head) = frame.get(..HEADER_SIZE) else {
        return Err(DecodeError::ShortHeader { len: frame.len() });
    };
    let length = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    let seq = i32::from_be_bytes([head[4], head[5], head[6], head[7]]);
    if length < 0 || length as usize >= MAX_BODY_LEN {
        return Err(DecodeError::BadLength(length));
    }
    let length = length as usize;
    let expected = HEADER_SIZE + length;
    if frame.len() < expected {
        return Err(DecodeError::Truncated {
            expected,
            got: frame.len(),
        });
    }
    Ok(Header {
        length,
        seq,
        cmd: head[8],
        version: head[9],
        flag: head[10],
    })
}

/// Decodes the first packet of a frame; bytes after `12 + length` are ignored.
pub fn decode(frame: &[u8]) -> Result<Packet, DecodeError> {
    let header = decode_header(frame)?;
    let body =
        frame
            .get(HEADER_SIZE..HEADER_SIZE + header.length)
            .ok_or(DecodeError::Truncated {
                expected: HEADER_SIZE + header.length,
                got: frame.len(),
            })?;
    Ok(Packet {
        seq: header.seq,
        version: header.version,
        flag: header.flag,
        body: decode_body(header.cmd, header.version, body)?,
    })
}

/// Decodes a body of command `cmd` sent with header `version`.
pub fn decode_body(cmd: u8, version: u8, body: &[u8]) -> Result<Body, DecodeError> {
    let mut r = Reader { rest: body };
    let short = DecodeError::BodyTooShort {
        cmd,
        len: body.len(),
    };
    let decoded = match cmd {
        MSG_AUTH_STATUS => r.i32().map(|status| Body::AuthStatus { status }),
        MSG_IM => r.im(version).map(Body::Im),
        MSG_ACK => r.i32().map(|seq| Body::Ack {
            seq,
            // Present for version ≥ 2; parsed whenever it is there.
            status: r.u8(),
        }),
        MSG_GROUP_NOTIFICATION => Some(Body::GroupNotification(r.text())),
        MSG_GROUP_IM => r.im(version).map(Body::GroupIm),
        MSG_PING | MSG_PONG if !body.is_empty() => {
            return Err(DecodeError::BodyNotEmpty { cmd });
        }
        MSG_PING => Some(Body::Ping),
        MSG_PONG => Some(Body::Pong),
        // The server refuses a body of 3 bytes or less, i.e. an empty token.
        MSG_AUTH_TOKEN if body.len() <= 3 => None,
        MSG_AUTH_TOKEN => r.auth_token(),
        MSG_RT => r.relay().map(Body::Rt),
        MSG_ENTER_ROOM => r.i64().map(|room_id| Body::EnterRoom { room_id }),
        MSG_LEAVE_ROOM => r.i64().map(|room_id| Body::LeaveRoom { room_id }),
        MSG_ROOM_IM => r.relay().map(Body::RoomIm),
        MSG_SYSTEM => Some(Body::System(r.text())),
        MSG_UNREAD_COUNT => r.i32().map(|count| Body::UnreadCount { count }),
        MSG_SYNC => r.i64().map(|sync_key| Body::Sync { sync_key }),
        MSG_SYNC_BEGIN => r.i64().map(|sync_key| Body::SyncBegin { sync_key }),
        MSG_SYNC_END => r.i64().map(|sync_key| Body::SyncEnd { sync_key }),
        MSG_SYNC_NOTIFY => r.i64().map(|sync_key| Body::SyncNotify { sync_key }),
        MSG_SYNC_GROUP => r
            .group_key()
            .map(|(group_id, sync_key)| Body::SyncGroup { group_id, sync_key }),
        MSG_SYNC_GROUP_BEGIN => r
            .group_key()
            .map(|(group_id, sync_key)| Body::SyncGroupBegin { group_id, sync_key }),
        MSG_SYNC_GROUP_END => r
            .group_key()
            .map(|(group_id, sync_key)| Body::SyncGroupEnd { group_id, sync_key }),
        MSG_SYNC_GROUP_NOTIFY => r
            .group_key()
            .map(|(group_id, sync_key)| Body::SyncGroupNotify { group_id, sync_key }),
        MSG_SYNC_KEY => r.i64().map(|sync_key| Body::SyncKey { sync_key }),
        MSG_GROUP_SYNC_KEY => r
            .group_key()
            .map(|(group_id, sync_key)| Body::GroupSyncKey { group_id, sync_key }),
        MSG_NOTIFICATION => Some(Body::Notification(r.text())),
        MSG_METADATA if body.len() < 32 => None,
        MSG_METADATA => r
            .group_key()
            .map(|(sync_key, prev_sync_key)| Body::Metadata {
                sync_key,
                prev_sync_key,
            }),
        MSG_CUSTOMER => r.customer().map(Body::Customer),
        other => return Err(DecodeError::UnknownCommand(other)),
    };
    decoded.ok_or(short)
}

impl Packet {
    /// A packet with flag 0.
    pub fn new(seq: i32, version: u8, body: Body) -> Self {
        Packet {
            seq,
            version,
            flag: 0,
            body,
        }
    }

    /// The command number.
    pub fn cmd(&self) -> u8 {
        self.body.cmd()
    }

    /// The full frame: header then body. Version 0 writes IM bodies without a timestamp.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        // Sized once: the fixed fields of any body take at most 40 bytes.
        let mut out = Vec::with_capacity(HEADER_SIZE + 40 + text_len(&self.body));
        out.resize(HEADER_SIZE, 0);
        encode_body(&self.body, self.version, &mut out)?;
        let len = out.len() - HEADER_SIZE;
        if len >= MAX_BODY_LEN {
            return Err(EncodeError::BodyTooLong { len });
        }
        out[0..4].copy_from_slice(&(len as i32).to_be_bytes());
        out[4..8].copy_from_slice(&self.seq.to_be_bytes());
        out[8] = self.cmd();
        out[9] = self.version;
        out[10] = self.flag;
        out[11] = 0;
        Ok(out)
    }
}

/// Bytes of the text fields of `body` (the variable part of its size).
fn text_len(body: &Body) -> usize {
    match body {
        Body::Im(m) | Body::GroupIm(m) => m.content.len(),
        Body::Customer(m) => m.content.len(),
        Body::Rt(m) | Body::RoomIm(m) => m.content.len(),
        Body::GroupNotification(t) | Body::System(t) | Body::Notification(t) => t.len(),
        Body::AuthToken {
            token, device_id, ..
        } => token.len() + device_id.len(),
        _ => 0,
    }
}

/// Appends the body bytes of `body` for header `version` to `out`.
fn encode_body(body: &Body, version: u8, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    match body {
        Body::AuthStatus { status } => out.extend_from_slice(&status.to_be_bytes()),
        Body::Im(m) | Body::GroupIm(m) => {
            out.extend_from_slice(&m.sender.to_be_bytes());
            out.extend_from_slice(&m.receiver.to_be_bytes());
            if version != 0 {
                out.extend_from_slice(&m.timestamp.to_be_bytes());
            }
            out.extend_from_slice(&m.msgid.to_be_bytes());
            out.extend_from_slice(m.content.as_bytes());
        }
        Body::Ack { seq, status } => {
            out.extend_from_slice(&seq.to_be_bytes());
            out.extend(status);
        }
        Body::GroupNotification(t) | Body::System(t) | Body::Notification(t) => {
            out.extend_from_slice(t.as_bytes())
        }
        Body::Ping | Body::Pong => {}
        Body::AuthToken {
            platform_id,
            token,
            device_id,
        } => {
            let token_len = u8::try_from(token.len()).map_err(|_| EncodeError::TokenTooLong)?;
            let device_len =
                u8::try_from(device_id.len()).map_err(|_| EncodeError::DeviceIdTooLong)?;
            if token.is_empty() && device_id.is_empty() {
                return Err(EncodeError::EmptyAuth);
            }
            out.push(*platform_id);
            out.push(token_len);
            out.extend_from_slice(token.as_bytes());
            out.push(device_len);
            out.extend_from_slice(device_id.as_bytes());
        }
        Body::Rt(m) | Body::RoomIm(m) => {
            out.extend_from_slice(&m.sender.to_be_bytes());
            out.extend_from_slice(&m.receiver.to_be_bytes());
            out.extend_from_slice(m.content.as_bytes());
        }
        Body::EnterRoom { room_id } | Body::LeaveRoom { room_id } => {
            out.extend_from_slice(&room_id.to_be_bytes())
        }
        Body::UnreadCount { count } => out.extend_from_slice(&count.to_be_bytes()),
        Body::Sync { sync_key }
        | Body::SyncBegin { sync_key }
        | Body::SyncEnd { sync_key }
        | Body::SyncNotify { sync_key }
        | Body::SyncKey { sync_key } => out.extend_from_slice(&sync_key.to_be_bytes()),
        Body::SyncGroup { group_id, sync_key }
        | Body::SyncGroupBegin { group_id, sync_key }
        | Body::SyncGroupEnd { group_id, sync_key }
        | Body::SyncGroupNotify { group_id, sync_key }
        | Body::GroupSyncKey { group_id, sync_key } => {
            out.extend_from_slice(&group_id.to_be_bytes());
            out.extend_from_slice(&sync_key.to_be_bytes());
        }
        Body::Metadata {
            sync_key,
            prev_sync_key,
        } => {
            out.extend_from_slice(&sync_key.to_be_bytes());
            out.extend_from_slice(&prev_sync_key.to_be_bytes());
            out.extend_from_slice(&[0u8; 16]);
        }
        Body::Customer(m) => {
            out.extend_from_slice(&m.sender_app_id.to_be_bytes());
            out.extend_from_slice(&m.sender.to_be_bytes());
            out.extend_from_slice(&m.receiver_app_id.to_be_bytes());
            out.extend_from_slice(&m.receiver.to_be_bytes());
            out.extend_from_slice(&m.timestamp.to_be_bytes());
            out.extend_from_slice(m.content.as_bytes());
        }
    }
    Ok(())
}

/// A cursor over received bytes; every read is bounds-checked.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, tail) = self.rest.split_first_chunk::<N>()?;
        self.rest = tail;
        Some(*head)
    }

    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let head = self.rest.get(..n)?;
        self.rest = self.rest.get(n..)?;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|[b]| b)
    }

    fn i32(&mut self) -> Option<i32> {
        self.take().map(i32::from_be_bytes)
    }

    fn i64(&mut self) -> Option<i64> {
        self.take().map(i64::from_be_bytes)
    }

    /// The rest of the body as text, invalid UTF-8 replaced by U+FFFD.
    fn text(&mut self) -> String {
        let text = utf8_lossy(self.rest);
        self.rest = &[];
        text
    }

    fn group_key(&mut self) -> Option<(i64, i64)> {
        Some((self.i64()?, self.i64()?))
    }

    fn im(&mut self, version: u8) -> Option<Im> {
        let sender = self.i64()?;
        let receiver = self.i64()?;
        let timestamp = if version == 0 { 0 } else { self.i32()? };
        let msgid = self.i32()?;
        Some(Im {
            sender,
            receiver,
            timestamp,
            msgid,
            content: self.text(),
        })
    }

    fn relay(&mut self) -> Option<Relay> {
        Some(Relay {
            sender: self.i64()?,
            receiver: self.i64()?,
            content: self.text(),
        })
    }

    fn customer(&mut self) -> Option<Customer> {
        Some(Customer {
            sender_app_id: self.i64()?,
            sender: self.i64()?,
            receiver_app_id: self.i64()?,
            receiver: self.i64()?,
            timestamp: self.i32()?,
            content: self.text(),
        })
    }

    fn auth_token(&mut self) -> Option<Body> {
        let platform_id = self.u8()?;
        let token_len = self.u8()?;
        let token = utf8_lossy(self.bytes(token_len.into())?);
        let device_len = self.u8()?;
        let device_id = utf8_lossy(self.bytes(device_len.into())?);
        Some(Body::AuthToken {
            platform_id,
            token: token.into(),
            device_id,
        })
    }
}
