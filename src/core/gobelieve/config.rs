//! Settings of an `IMService` session, with the im.js defaults.

use super::command::PLATFORM_WEB;
use super::secret::redacted;
use crate::core::backoff::BackoffConfig;
use alloc::string::String;
use core::fmt;

/// Session settings. Times are milliseconds. `Debug` redacts the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// Full WebSocket URL, e.g. `wss://imnode2.gobelieve.io:14891/ws`.
    pub url: String,
    /// Sent in `MSG_AUTH_TOKEN`; at most 255 bytes of UTF-8.
    pub access_token: String,
    /// Sent in `MSG_AUTH_TOKEN`; at most 255 bytes of UTF-8.
    pub device_id: String,
    /// `PLATFORM_*`; 3 (web) by default.
    pub platform_id: u8,
    /// Header version byte: 2 (ACKs carry a status) by default, 1 for old servers.
    pub protocol_version: u8,
    /// A tracked message not ACKed within this time fails and the link is reset.
    pub ack_timeout_ms: u64,
    /// A socket that has not opened by then counts as a failed attempt.
    pub connect_timeout_ms: u64,
    /// Time between PINGs.
    pub heartbeat_ms: u64,
    /// How long a PING may wait for its PONG.
    pub pong_timeout_ms: u64,
    /// Reconnect schedule.
    pub backoff: BackoffConfig,
    /// An authenticated link that stays up this long (or gets a PONG) has
    /// proved healthy and resets the back-off; one that authenticates and
    /// then drops sooner counts as a failure.
    pub healthy_link_ms: u64,
    /// Sync a super group the app never registered when the server notifies
    /// about it (from key 0). Off by default: such notifies are ignored.
    pub sync_unknown_groups: bool,
    /// Most messages awaiting an ACK at once (10,000 by default). At the
    /// bound a further tracked send is refused with `OutboxFull` and writes
    /// nothing; the waiting messages are kept, never dropped or replaced.
    pub max_pending: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            url: String::new(),
            access_token: String::new(),
            device_id: String::new(),
            platform_id: PLATFORM_WEB,
            protocol_version: 2,
            ack_timeout_ms: 5_000,
            connect_timeout_ms: 20_000,
            heartbeat_ms: 180_000,
            pong_timeout_ms: 3_000,
            backoff: BackoffConfig::default(),
            healthy_link_ms: 30_000,
            sync_unknown_groups: false,
            max_pending: 10_000,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Destructured so a new field cannot be forgotten here.
        let Config {
            url,
            access_token,
            device_id,
            platform_id,
            protocol_version,
            ack_timeout_ms,
            connect_timeout_ms,
            heartbeat_ms,
            pong_timeout_ms,
            backoff,
            healthy_link_ms,
            sync_unknown_groups,
            max_pending,
        } = self;
        f.debug_struct("Config")
            .field("url", url)
            .field("access_token", &redacted(access_token))
            .field("device_id", device_id)
            .field("platform_id", platform_id)
            .field("protocol_version", protocol_version)
            .field("ack_timeout_ms", ack_timeout_ms)
            .field("connect_timeout_ms", connect_timeout_ms)
            .field("heartbeat_ms", heartbeat_ms)
            .field("pong_timeout_ms", pong_timeout_ms)
            .field("backoff", backoff)
            .field("healthy_link_ms", healthy_link_ms)
            .field("sync_unknown_groups", sync_unknown_groups)
            .field("max_pending", max_pending)
            .finish()
    }
}
