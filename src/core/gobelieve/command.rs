//! GoBelieve protocol numbers: commands (header byte 8), message flags
//! (header byte 10), platform ids, ACK status codes and the framing limits.

/// Size of the packet header in bytes.
pub const HEADER_SIZE: usize = 12;
/// A body `length` at or above this is refused (the server closes the connection).
pub const MAX_BODY_LEN: usize = 32_768;

/// s→c: `status` i32, 0 = authenticated.
pub const MSG_AUTH_STATUS: u8 = 3;
/// Both directions: a peer message.
pub const MSG_IM: u8 = 4;
/// Both directions: acknowledgement of a packet by its seq (+ status for version ≥ 2).
pub const MSG_ACK: u8 = 5;
/// Legacy kick; ignored.
pub const MSG_RST: u8 = 6;
/// s→c: a group change, JSON text.
pub const MSG_GROUP_NOTIFICATION: u8 = 7;
/// Both directions: a group message (`receiver` = group id).
pub const MSG_GROUP_IM: u8 = 8;
/// Legacy; constant only.
pub const MSG_PEER_ACK: u8 = 9;
/// c→s: heartbeat, empty body.
pub const MSG_PING: u8 = 13;
/// s→c: heartbeat answer, empty body.
pub const MSG_PONG: u8 = 14;
/// c→s: authentication, always the first packet of a connection.
pub const MSG_AUTH_TOKEN: u8 = 15;
/// Both directions: real-time message, neither stored nor ACKed.
pub const MSG_RT: u8 = 17;
/// c→s: enter a chat room.
pub const MSG_ENTER_ROOM: u8 = 18;
/// c→s: leave the chat room.
pub const MSG_LEAVE_ROOM: u8 = 19;
/// Both directions: chat-room message.
pub const MSG_ROOM_IM: u8 = 20;
/// s→c: system text.
pub const MSG_SYSTEM: u8 = 21;
/// c→s: the app's unread badge count.
pub const MSG_UNREAD_COUNT: u8 = 22;
/// Era-E customer message; the current server accepts and ignores it.
pub const MSG_CUSTOMER_: u8 = 24;
/// Era-E customer-support message; the current server accepts and ignores it.
pub const MSG_CUSTOMER_SUPPORT_: u8 = 25;
/// c→s: sync the peer queue from a key.
pub const MSG_SYNC: u8 = 26;
/// s→c: a peer sync starts (key informational only).
pub const MSG_SYNC_BEGIN: u8 = 27;
/// s→c: a peer sync ended at a key.
pub const MSG_SYNC_END: u8 = 28;
/// s→c: new messages exist up to a key.
pub const MSG_SYNC_NOTIFY: u8 = 29;
/// c→s: sync a super group from a key.
pub const MSG_SYNC_GROUP: u8 = 30;
/// s→c: a super-group sync starts.
pub const MSG_SYNC_GROUP_BEGIN: u8 = 31;
/// s→c: a super-group sync ended at a key.
pub const MSG_SYNC_GROUP_END: u8 = 32;
/// s→c: new super-group messages exist.
pub const MSG_SYNC_GROUP_NOTIFY: u8 = 33;
/// c→s: confirm the peer-queue position.
pub const MSG_SYNC_KEY: u8 = 34;
/// c→s: confirm a super-group position.
pub const MSG_GROUP_SYNC_KEY: u8 = 35;
/// s→c: notification text (not persisted).
pub const MSG_NOTIFICATION: u8 = 36;
/// s→c: sync keys of the packet that follows (seq + 1).
pub const MSG_METADATA: u8 = 37;
/// Both directions: customer-service message (era F, V2).
pub const MSG_CUSTOMER: u8 = 64;

/// Content is JSON with a `text` field to run through the server's word filter.
pub const MESSAGE_FLAG_TEXT: u8 = 0x01;
/// Not stored by the server.
pub const MESSAGE_FLAG_UNPERSISTENT: u8 = 0x02;
/// Group message (Android SDK only).
pub const MESSAGE_FLAG_GROUP: u8 = 0x04;
/// s→c: sent by this user from this device.
pub const MESSAGE_FLAG_SELF: u8 = 0x08;
/// s→c: a live push, preceded by METADATA.
pub const MESSAGE_FLAG_PUSH: u8 = 0x10;
/// s→c: a super-group message or the ACK of one.
pub const MESSAGE_FLAG_SUPER_GROUP: u8 = 0x20;

/// `platform_id` of `MSG_AUTH_TOKEN`.
pub const PLATFORM_IOS: u8 = 1;
/// `platform_id` of `MSG_AUTH_TOKEN`.
pub const PLATFORM_ANDROID: u8 = 2;
/// `platform_id` of `MSG_AUTH_TOKEN` (the im.js default).
pub const PLATFORM_WEB: u8 = 3;
/// `platform_id` of `MSG_AUTH_TOKEN`.
pub const PLATFORM_WIN: u8 = 4;
/// `platform_id` of `MSG_AUTH_TOKEN`.
pub const PLATFORM_OSX: u8 = 5;

/// ACK status (version ≥ 2): delivered.
pub const ACK_OK: u8 = 0;
/// ACK status: the receiver is not the sender's friend.
pub const ACK_NOT_MY_FRIEND: u8 = 1;
/// ACK status: the sender is not the receiver's friend.
pub const ACK_NOT_YOUR_FRIEND: u8 = 2;
/// ACK status: the sender is in the receiver's blacklist.
pub const ACK_IN_YOUR_BLACKLIST: u8 = 3;
/// ACK status: the sender is not a member of the group.
pub const ACK_NOT_GROUP_MEMBER: u8 = 64;
/// ACK status: the group does not exist.
pub const ACK_GROUP_NONEXIST: u8 = 65;
